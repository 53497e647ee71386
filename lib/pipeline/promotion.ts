import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type * as workflows from '../../imports/workflows-argoproj.io';
import { PipelineContext } from './context';
import { updateGitopsStep, waitStep } from './deploy';
import { argoCdApplications, environmentNamespaces, findBootstrap, isCrossCluster, platformEnvironments, reachStep } from './reach';
import {
  args, env, gitReadCredentialsEnv, inputs, POD_ERROR_ONLY, retry, RetryPolicy, rolloutsCommandStep, scriptStep, SMALL, Template,
  TRANSIENT_ONLY,
} from './steps';

// The promotions: promote-release (an image from one environment to the next, through Git) and
// promote-java-app (finish a blue-green release where it runs).

/** "env=automated|manual ..." of every environment's Application, read from the ArgoCdBootstrap at synth. */
export function syncPolicies(scope: Construct): string {
  return Lazy.any({
    produce: () => {
      const bootstrap = findBootstrap(scope);
      if (!bootstrap) return '';
      return platformEnvironments(scope).filter((e) => bootstrap.applications.has(e.name))
        .map((e) => `${e.name}=${bootstrap.policyOf(e.name).isAutomated ? 'automated' : 'manual'}`).join(' ');
    },
  }) as unknown as string;
}

const p = (name: string) => `{{inputs.parameters.${name}}}`;

/**
 * `promote-release`: the image `app_name` runs in `from_environment` (releases/<from>.json at the
 * head of the GitOps branch), checked Synced and Healthy there, committed to `to_environment`
 * through the deploy's rendered commit; then the wait, or a message that a person syncs.
 * `checkTimeout`: seconds the source has to be Synced and Healthy.
 */
export function promoteReleaseSpec(ctx: PipelineContext, checkTimeout: number): workflows.WorkflowTemplateSpec {
  return {
    entrypoint: 'promote',
    activeDeadlineSeconds: checkTimeout + ctx.waitTimeout + 1800,
    arguments: {
      parameters: [
        { name: 'app_name', description: 'Name of the app: its key in releases/<environment>.json' },
        { name: 'from_environment', description: 'Environment whose image is promoted, e.g. dev: it must run it Synced and Healthy' },
        { name: 'to_environment', description: 'Environment that receives the image, e.g. prod' },
      ],
    },
    templates: [
      promoteReleaseSteps(),
      sourceImageStep(ctx, syncPolicies(ctx.reach.scope)),
      // The source must run the image fully released: Healthy, not Paused with a preview.
      waitStep(ctx, 'check-source', false, checkTimeout),
      updateGitopsStep(ctx),
      waitStep(ctx, 'wait-for-rollout', true, 0),
      awaitsSyncStep(ctx),
    ],
  };
}

function promoteReleaseSteps(): Template {
  const source = '{{steps.source-image.outputs.parameters.image}}';
  const sync = '{{steps.source-image.outputs.parameters.sync}}';
  return {
    name: 'promote',
    inputs: inputs('app_name', 'from_environment', 'to_environment'),
    steps: [
      [{ name: 'source-image', template: 'source-image', arguments: args({ app_name: p('app_name'), from_environment: p('from_environment'), to_environment: p('to_environment') }) }],
      [{ name: 'check-source', template: 'check-source', arguments: args({ app_name: p('app_name'), namespace: '', environment: p('from_environment'), image: source, revision: '' }) }],
      [{ name: 'update-gitops', template: 'update-gitops', arguments: args({ app_name: p('app_name'), environment: p('to_environment'), image: source }) }],
      [
        // `when` compares the word source-image wrote (automated, manual or unknown), never a parameter.
        {
          name: 'wait-for-target',
          template: 'wait-for-rollout',
          when: `${sync} == automated`,
          arguments: args({
            app_name: p('app_name'), namespace: '', environment: p('to_environment'),
            image: '{{steps.update-gitops.outputs.parameters.image}}', revision: '{{steps.update-gitops.outputs.parameters.commit}}',
          }),
        },
        {
          name: 'awaits-sync',
          template: 'awaits-sync',
          when: `${sync} != automated`,
          arguments: args({ to_environment: p('to_environment'), commit: '{{steps.update-gitops.outputs.parameters.commit}}' }),
        },
      ],
    ],
  };
}

/** The image the source environment runs, and how the target syncs (automated, manual or unknown). */
function sourceImageStep(ctx: PipelineContext, policies: string): Template {
  return scriptStep('source-image', {
    image: ctx.images.git,
    file: 'promote-release.sh',
    inputs: inputs('app_name', 'from_environment', 'to_environment'),
    env: [
      ...env({
        APP_NAME: p('app_name'),
        FROM_ENVIRONMENT: p('from_environment'),
        TO_ENVIRONMENT: p('to_environment'),
        GITOPS_REPO: ctx.gitops.repo,
        GITOPS_BRANCH: ctx.gitops.branch,
        SOURCE_IMAGE_ONLY: 'yes',
        IMAGE_FILE: '/tmp/image',
        SYNC_FILE: '/tmp/sync',
        SYNC_POLICIES: policies,
      }),
      // It only reads: the read-only token (or none for a public repository).
      ...gitReadCredentialsEnv(ctx.gitops.readSecret),
    ],
    size: SMALL,
    deadlineSeconds: 300,
    retry: retry(3, RetryPolicy.ALWAYS, TRANSIENT_ONLY),
    outputs: {
      parameters: [
        { name: 'image', valueFrom: { path: '/tmp/image' } },
        { name: 'sync', valueFrom: { path: '/tmp/sync' } },
      ],
    },
  });
}

function awaitsSyncStep(ctx: PipelineContext): Template {
  return scriptStep('awaits-sync', {
    image: ctx.images.git,
    file: '',
    source: [
      '#!/bin/sh',
      '# The target syncs by hand: the pushed commit waits for a person to sync it in Argo CD.',
      'set -eu',
      'message="promote-release: $TO_ENVIRONMENT syncs by hand: commit $COMMIT is pushed and awaits a person\'s sync in Argo CD (argocd app sync, or Sync in the UI)"',
      'echo "$message"',
      'printf \'%s\\n\' "$message" > /tmp/message',
      '',
    ].join('\n'),
    inputs: inputs('to_environment', 'commit'),
    env: env({ TO_ENVIRONMENT: p('to_environment'), COMMIT: p('commit') }),
    size: SMALL,
    deadlineSeconds: 120,
    retry: retry(2, RetryPolicy.ALWAYS, POD_ERROR_ONLY),
    outputs: { parameters: [{ name: 'message', valueFrom: { path: '/tmp/message' } }] },
  });
}

/** `promote-java-app`: `kubectl argo rollouts promote`, routed by environment when some run on another cluster. */
export function promoteJavaAppSpec(ctx: PipelineContext): workflows.WorkflowTemplateSpec {
  if (isCrossCluster(ctx.reach.modes)) return promoteAcrossClusters(ctx);
  const forward = args({ app_name: '{{inputs.parameters.app_name}}', namespace: '{{inputs.parameters.namespace}}' });
  return {
    entrypoint: 'promote',
    activeDeadlineSeconds: 900,
    arguments: {
      parameters: [
        { name: 'app_name', description: 'Name of the Rollout' },
        { name: 'namespace', description: 'Namespace of the Rollout (the environment)' },
      ],
    },
    templates: [
      { name: 'promote', inputs: inputs('app_name', 'namespace'), steps: [[{ name: 'promote', template: 'rollouts-promote', arguments: forward }]] },
      rolloutsCommandStep('rollouts-promote', ['promote'], ctx.images.rolloutsPlugin, ctx.serviceAccounts.promote),
    ],
  };
}

/**
 * `promote-java-app` when some environment runs on another cluster: a first step says how the
 * Rollout is reached (route-environment.sh, from the environment and the maps fixed at synth),
 * then `kubectl argo rollouts promote` on the pipeline's cluster, or Argo CD's Rollout action
 * `resume` (argocd-app.sh promote) elsewhere.
 */
function promoteAcrossClusters(ctx: PipelineContext): workflows.WorkflowTemplateSpec {
  return {
    entrypoint: 'promote',
    activeDeadlineSeconds: 900,
    arguments: {
      parameters: [
        { name: 'app_name', description: 'Name of the Rollout' },
        { name: 'environment', value: '', description: 'Environment of the Rollout, e.g. prod (needed for one on another cluster)' },
        { name: 'namespace', value: '', description: 'Namespace of the Rollout; empty for the namespace of the environment' },
      ],
    },
    templates: [
      routedPromoteSteps(),
      routeStep(ctx),
      rolloutsCommandStep('rollouts-promote', ['promote'], ctx.images.rolloutsPlugin, ctx.serviceAccounts.promote),
      argoCdPromoteStep(ctx),
    ],
  };
}

function routedPromoteSteps(): Template {
  const route = (name: string) => `{{steps.route.outputs.parameters.${name}}}`;
  return {
    name: 'promote',
    inputs: { parameters: [{ name: 'app_name' }, { name: 'environment', default: '' }, { name: 'namespace', default: '' }] },
    steps: [
      [{ name: 'route', template: 'route', arguments: args({ environment: '{{inputs.parameters.environment}}', namespace: '{{inputs.parameters.namespace}}' }) }],
      [
        // `when` compares the word route-environment.sh wrote (kubectl or argocd), never a parameter.
        {
          name: 'promote',
          template: 'rollouts-promote',
          when: `${route('mode')} == kubectl`,
          arguments: args({ app_name: '{{inputs.parameters.app_name}}', namespace: route('namespace') }),
        },
        {
          name: 'promote-through-argocd',
          template: 'argocd-promote',
          when: `${route('mode')} == argocd`,
          arguments: args({ app_name: '{{inputs.parameters.app_name}}', namespace: route('namespace'), application: route('application') }),
        },
      ],
    ],
  };
}

/** How the environment's Rollout is reached: its mode, namespace and Argo CD Application. */
function routeStep(ctx: PipelineContext): Template {
  return scriptStep('route', {
    image: ctx.images.kubectl,
    file: 'route-environment.sh',
    inputs: inputs('environment', 'namespace'),
    env: env({
      ENVIRONMENT: '{{inputs.parameters.environment}}',
      NAMESPACE: '{{inputs.parameters.namespace}}',
      ENVIRONMENT_NAMESPACES: environmentNamespaces(ctx.reach.scope),
      ARGOCD_APPLICATIONS: argoCdApplications(ctx.reach.scope, ctx.reach.modes),
      OUT_DIR: '/tmp',
    }),
    size: SMALL,
    deadlineSeconds: 120,
    retry: retry(2, RetryPolicy.ALWAYS, POD_ERROR_ONLY),
    outputs: {
      parameters: ['mode', 'namespace', 'application'].map((name) => ({ name, valueFrom: { path: `/tmp/${name}` } })),
    },
  });
}

/** Argo CD's Rollout action `resume` on the Application the route step named. */
function argoCdPromoteStep(ctx: PipelineContext): Template {
  // The server and the token; the Application comes from the route step.
  const argoCdEnv = reachStep(ctx.reach, 'wait-rollout.sh', 'wait').env.filter((e) => e.name !== 'ARGOCD_APPLICATIONS');
  return scriptStep('argocd-promote', {
    image: ctx.images.kubectl,
    file: 'argocd-app.sh',
    inputs: inputs('app_name', 'namespace', 'application'),
    env: [
      ...env({
        ARGOCD_COMMAND: 'promote',
        APP_NAME: '{{inputs.parameters.app_name}}',
        NAMESPACE: '{{inputs.parameters.namespace}}',
        ARGOCD_APPLICATION: '{{inputs.parameters.application}}',
      }),
      ...argoCdEnv,
    ],
    size: SMALL,
    deadlineSeconds: 120,
    retry: retry(2, RetryPolicy.ALWAYS, TRANSIENT_ONLY),
  });
}
