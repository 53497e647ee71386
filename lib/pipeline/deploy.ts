import type * as workflows from '../../imports/workflows-argoproj.io';
import { PipelineContext, TEMPLATE_NAMES } from './context';
import { environmentNamespaces, reachStep } from './reach';
import {
  args, env, gitCredentialsEnv, gitReadCredentialsEnv, inputs, POD_ERROR_ONLY, RENDER, retry, RetryPolicy, scriptStep, sizeLimit, SMALL,
  Template, TRANSIENT_ONLY,
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
 * The rendered deploy, shared with promote-release: one pod, three containers run one after the
 * other over a shared volume, each with its own environment (the phases of update-image.sh):
 * - `checkout` (git image, the read-only credential or none): checkout-gitops.sh clones the branch;
 * - `render` (node image, NO credential: it runs the repository's npm, main.ts and lib/):
 *   render-release.sh sets the app's line, runs the synth, the gate and `npm run check`, commits
 *   the release file and dist/<environment>/, and writes the commit as a bundle; it has ended, and
 *   every process it started with it, before the push starts;
 * - the step's script (git image, the write credential, runs no repository code): push-release.sh
 *   reports the render's failure, or checks the commit is exactly the deploy's change on the
 *   branch's head and pushes it. A branch that moved meanwhile exits 75: the retry renders again.
 */
export function updateGitopsStep(ctx: PipelineContext): Template {
  const work = '/work';
  const deploy = {
    APP_NAME: '{{inputs.parameters.app_name}}',
    ENVIRONMENT: '{{inputs.parameters.environment}}',
    IMAGE: '{{inputs.parameters.image}}',
  };
  const repo = { GITOPS_REPO: ctx.gitops.repo, GITOPS_BRANCH: ctx.gitops.branch };
  const shared = { name: 'work', mountPath: work };
  return scriptStep('update-gitops', {
    image: ctx.images.git,
    file: 'push-release.sh',
    inputs: inputs('app_name', 'environment', 'image'),
    initContainers: [
      {
        name: 'checkout',
        image: ctx.images.git,
        file: 'checkout-gitops.sh',
        env: [...env({ ...repo, CLONE_DIR: `${work}/gitops` }), ...gitReadCredentialsEnv(ctx.gitops.readSecret)],
        mounts: [shared],
        size: SMALL,
      },
      {
        name: 'render',
        image: ctx.images.node,
        file: 'render-release.sh',
        env: env({
          ...deploy,
          CLONE_DIR: `${work}/gitops`,
          OUT_DIR: `${work}/out`,
          STATUS_FILE: `${work}/render-status`,
          INSTALL_SCRIPTS: ctx.gitops.installScripts.join(' '),
          GIT_AUTHOR_NAME: 'argo-workflows',
          GIT_AUTHOR_EMAIL: 'argo-workflows@noreply.local',
          GIT_COMMITTER_NAME: 'argo-workflows',
          GIT_COMMITTER_EMAIL: 'argo-workflows@noreply.local',
          // The clone, its node_modules and npm's cache live on the shared volume.
          npm_config_cache: `${work}/.npm`,
          npm_config_update_notifier: 'false',
        }),
        mounts: [shared],
        size: RENDER,
      },
    ],
    env: [
      ...env({
        ...deploy,
        ...repo,
        OUT_DIR: `${work}/out`,
        RENDER_STATUS_FILE: `${work}/render-status`,
        COMMIT_FILE: '/tmp/commit',
        IMAGE_FILE: '/tmp/image',
      }),
      ...gitCredentialsEnv(ctx.gitops.secret),
    ],
    // The push reads what the render wrote and changes none of it.
    mounts: [{ ...shared, readOnly: true }],
    volumes: [{ name: 'work', emptyDir: { sizeLimit: sizeLimit('2Gi') } }],
    size: SMALL,
    deadlineSeconds: 900,
    // Each attempt starts from a fresh clone and is idempotent (a retry after a lost response finds
    // the line already set and pushes nothing); the push exits 75 for what may heal, a moved
    // branch included, and with the render's own status when the render failed.
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
      // It only reads: the read-only token (or none for a public repository).
      ...gitReadCredentialsEnv(ctx.gitops.readSecret),
    ],
    size: SMALL,
    deadlineSeconds: 300,
    retry: retry(3, RetryPolicy.ALWAYS, TRANSIENT_ONLY),
    outputs: { parameters: [{ name: 'image', valueFrom: { path: '/tmp/image' } }] },
  });
}
