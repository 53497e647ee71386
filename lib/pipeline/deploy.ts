import type * as workflows from '../../imports/workflows-argoproj.io';
import { PipelineContext, TEMPLATE_NAMES } from './context';
import { environmentNamespaces, reachStep } from './reach';
import {
  args, env, gitCredentialsEnv, inputs, POD_ERROR_ONLY, RENDER, retry, RetryPolicy, scriptStep, sizeLimit, SMALL, Template,
  TRANSIENT_ONLY,
} from './steps';

// The deploys through Git: deploy-app commits an image to the GitOps repository and waits for
// its Rollout; abort-java-app aborts a release and deploys the previous image through deploy-app.

type Steps = workflows.WorkflowTemplateSpecTemplatesSteps[][];

/** The steps of deploy-java-app: the rendered commit, then (with `waitForSync`) the wait. */
function deploySteps(waitForSync: boolean): Steps {
  const steps: Steps = [
    [{
      name: 'update-gitops',
      template: 'update-gitops',
      arguments: args({
        app_name: '{{inputs.parameters.app_name}}',
        environment: '{{inputs.parameters.environment}}',
        image: '{{inputs.parameters.image}}',
      }),
    }],
  ];
  if (waitForSync) {
    steps.push([{
      name: 'wait-for-rollout',
      template: 'wait-for-rollout',
      arguments: args({
        app_name: '{{inputs.parameters.app_name}}',
        namespace: '{{inputs.parameters.namespace}}',
        environment: '{{inputs.parameters.environment}}',
        // The image of the pushed commit, as update-image.sh wrote it.
        image: '{{steps.update-gitops.outputs.parameters.image}}',
        revision: '{{steps.update-gitops.outputs.parameters.commit}}',
      }),
    }]);
  }
  return steps;
}

/** `deploy-app` (template `deploy-java-app`): commit the app's image, then wait for its Rollout. */
export function deployAppSpec(ctx: PipelineContext, waitForSync: boolean): workflows.WorkflowTemplateSpec {
  const appInputs: workflows.WorkflowTemplateSpecTemplatesInputs = {
    parameters: [
      { name: 'app_name' },
      { name: 'environment' },
      { name: 'image' },
      // Empty: the environment's namespace as the platform declares it (else its name).
      { name: 'namespace', default: '' },
    ],
  };
  const templates: Template[] = [
    { name: TEMPLATE_NAMES.deployTemplate, inputs: appInputs, steps: deploySteps(waitForSync) },
    updateGitopsStep(ctx),
  ];
  if (waitForSync) templates.push(waitStep(ctx, 'wait-for-rollout', true, 0));
  return {
    entrypoint: TEMPLATE_NAMES.deployTemplate,
    activeDeadlineSeconds: ctx.waitTimeout + 1800,
    arguments: {
      parameters: [
        { name: 'app_name', description: 'Name of the app: its key in releases/<environment>.json' },
        { name: 'environment', description: 'Environment to deploy to, e.g. dev' },
        { name: 'image', description: 'Pinned image to deploy: repository:tag, repository@sha256:... or both' },
        { name: 'namespace', value: '', description: 'Namespace of the Rollout; empty for the namespace of the environment' },
      ],
    },
    templates,
  };
}

/**
 * The rendered deploy, shared with promote-release: update-image.sh clones the GitOps repository,
 * sets the app's line, runs the project's synth and gate, and pushes one commit with the release
 * file and dist/<environment>/.
 */
export function updateGitopsStep(ctx: PipelineContext): Template {
  const render = '/render';
  return scriptStep('update-gitops', {
    image: ctx.images.node,
    file: 'update-image.sh',
    inputs: inputs('app_name', 'environment', 'image'),
    env: [
      ...env({
        APP_NAME: '{{inputs.parameters.app_name}}',
        ENVIRONMENT: '{{inputs.parameters.environment}}',
        IMAGE: '{{inputs.parameters.image}}',
        GITOPS_REPO: ctx.gitops.repo,
        GITOPS_BRANCH: ctx.gitops.branch,
        GIT_AUTHOR_NAME: 'argo-workflows',
        GIT_AUTHOR_EMAIL: 'argo-workflows@noreply.local',
        // The clone, its node_modules and npm's cache live on their own volume.
        WORK_DIR: render,
        npm_config_cache: `${render}/.npm`,
        npm_config_update_notifier: 'false',
        COMMIT_FILE: '/tmp/commit',
        IMAGE_FILE: '/tmp/image',
      }),
      ...gitCredentialsEnv(ctx.gitops.secret),
    ],
    mounts: [{ name: 'render', mountPath: render }],
    volumes: [{ name: 'render', emptyDir: { sizeLimit: sizeLimit('2Gi') } }],
    size: RENDER,
    deadlineSeconds: 900,
    // The script starts from a fresh clone each time and is idempotent (a retry after a lost
    // response finds the line already set and pushes nothing); it exits 75 for what may heal.
    retry: retry(3, RetryPolicy.ALWAYS, TRANSIENT_ONLY),
    outputs: {
      parameters: [
        { name: 'commit', valueFrom: { path: '/tmp/commit' } },
        { name: 'image', valueFrom: { path: '/tmp/image' } },
      ],
    },
  });
}

/**
 * The wait for a Rollout (deploy-app, promote-release): Healthy, or Paused when `acceptPaused`;
 * `timeoutSeconds` 0 for the deploy's waitTimeout.
 */
export function waitStep(ctx: PipelineContext, name: string, acceptPaused: boolean, timeoutSeconds: number): Template {
  const timeout = timeoutSeconds || ctx.waitTimeout;
  const reach = reachStep(ctx.reach, 'wait-rollout.sh', 'wait');
  return scriptStep(name, {
    image: ctx.images.kubectl,
    file: 'wait-rollout.sh',
    source: reach.source,
    inputs: inputs('app_name', 'namespace', 'environment', 'image', 'revision'),
    env: [
      ...env({
        APP_NAME: '{{inputs.parameters.app_name}}',
        NAMESPACE: '{{inputs.parameters.namespace}}',
        ENVIRONMENT: '{{inputs.parameters.environment}}',
        ENVIRONMENT_NAMESPACES: environmentNamespaces(ctx.reach.scope),
        IMAGE: '{{inputs.parameters.image}}',
        // The pushed commit: Argo CD's Application must be synced at it (kubectl checks the image).
        REVISION: '{{inputs.parameters.revision}}',
        ACCEPT_PAUSED: acceptPaused ? 'yes' : 'no',
        TIMEOUT_SECONDS: String(timeout),
      }),
      ...reach.env,
    ],
    size: SMALL,
    deadlineSeconds: timeout + 120,
    // The script polls by itself; retry only when the pod could not run.
    retry: retry(2, RetryPolicy.ALWAYS, POD_ERROR_ONLY),
    serviceAccount: ctx.serviceAccounts.wait,
  });
}

/**
 * `abort-java-app`, an abort through Git: abort the Rollout (traffic stays on, or returns to, the
 * stable version), find the image the environment ran before in the history of
 * releases/<environment>.json, and deploy it through deploy-app (the same rendered commit and
 * wait), so Argo CD's self-heal keeps it.
 */
export function abortJavaAppSpec(ctx: PipelineContext): workflows.WorkflowTemplateSpec {
  const app = { app_name: '{{inputs.parameters.app_name}}', environment: '{{inputs.parameters.environment}}', namespace: '{{inputs.parameters.namespace}}' };
  return {
    entrypoint: 'abort',
    activeDeadlineSeconds: 3600,
    arguments: {
      parameters: [
        { name: 'app_name', description: 'Name of the app and of its Rollout' },
        { name: 'environment', description: 'Environment of the release to abort, e.g. dev' },
        { name: 'namespace', value: '', description: 'Namespace of the Rollout; empty for the namespace of the environment' },
      ],
    },
    templates: [
      {
        name: 'abort',
        inputs: { parameters: [{ name: 'app_name' }, { name: 'environment' }, { name: 'namespace', default: '' }] },
        steps: [
          [{ name: 'abort-rollout', template: 'abort-rollout', arguments: args(app) }],
          [{ name: 'previous-image', template: 'previous-image', arguments: args({ app_name: app.app_name, environment: app.environment }) }],
          [{
            name: 'rollback',
            templateRef: { name: TEMPLATE_NAMES.deploy, template: TEMPLATE_NAMES.deployTemplate },
            arguments: args({ ...app, image: '{{steps.previous-image.outputs.parameters.image}}' }),
          }],
        ],
      },
      abortRolloutStep(ctx),
      previousImageStep(ctx),
    ],
  };
}

function abortRolloutStep(ctx: PipelineContext): Template {
  const reach = reachStep(ctx.reach, 'abort-rollout.sh', 'abort');
  return scriptStep('abort-rollout', {
    image: ctx.images.kubectl,
    file: 'abort-rollout.sh',
    source: reach.source,
    inputs: inputs('app_name', 'environment', 'namespace'),
    env: [
      ...env({
        APP_NAME: '{{inputs.parameters.app_name}}',
        ENVIRONMENT: '{{inputs.parameters.environment}}',
        NAMESPACE: '{{inputs.parameters.namespace}}',
        ENVIRONMENT_NAMESPACES: environmentNamespaces(ctx.reach.scope),
      }),
      ...reach.env,
    ],
    size: SMALL,
    deadlineSeconds: 120,
    // Through Argo CD, an abort that did not get through (unreachable, TLS, timeout) exits 75:
    // retried; kubectl's failures and Argo CD's refusals are not.
    retry: retry(2, RetryPolicy.ALWAYS, TRANSIENT_ONLY),
    serviceAccount: ctx.serviceAccounts.abort,
  });
}

/** The image the environment ran before, from the history of releases/<environment>.json. */
function previousImageStep(ctx: PipelineContext): Template {
  return scriptStep('previous-image', {
    image: ctx.images.git,
    file: 'previous-image.sh',
    inputs: inputs('app_name', 'environment'),
    env: [
      ...env({
        APP_NAME: '{{inputs.parameters.app_name}}',
        ENVIRONMENT: '{{inputs.parameters.environment}}',
        GITOPS_REPO: ctx.gitops.repo,
        GITOPS_BRANCH: ctx.gitops.branch,
        IMAGE_FILE: '/tmp/image',
      }),
      ...gitCredentialsEnv(ctx.gitops.secret),
    ],
    size: SMALL,
    deadlineSeconds: 300,
    retry: retry(3, RetryPolicy.ALWAYS, TRANSIENT_ONLY),
    outputs: { parameters: [{ name: 'image', valueFrom: { path: '/tmp/image' } }] },
  });
}
