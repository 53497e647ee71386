import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as argocdproject from '../imports/argocdproject-argoproj.io';
import { ArgoCdCluster, badServer } from './cluster';
import { Environment } from './environment';
import { ArgoCdBootstrap } from './gitops';
import type { PipelineTemplate } from './pipeline-template';
import { args, env, inputs, retry, RetryPolicy, ScriptOptions, secretEnv, SMALL, TRANSIENT_ONLY } from './pipeline-steps';
import type * as workflows from '../imports/workflows-argoproj.io';

type Template = workflows.WorkflowTemplateSpecTemplates;

/** How a pipeline step reaches the Rollout of an environment. */
export enum ReachMode {
  /** kubectl, with the step's ServiceAccount: the environment runs on the pipeline's own cluster. */
  KUBECTL = 'kubectl',
  /** Argo CD's API, with the project role's token: the environment runs on another cluster. */
  ARGO_CD = 'argocd',
}

/** Name of the Argo CD project role the pipeline's token belongs to, on each environment reached through Argo CD. */
export const PIPELINE_PROJECT_ROLE = 'pipeline';

/**
 * The least-privilege Argo CD project role of the pipeline in one environment's AppProject: read
 * the Applications (sync and health), and run the Rollout actions `resume` (promote) and `abort`,
 * nothing else (Argo CD RBAC: `p, proj:<project>:<role>, applications, <action>, <project>/<app>, allow`;
 * resource actions are `action/<group>/<kind>/<action>`, docs/operator-manual/rbac.md).
 */
export function pipelineProjectRole(project: string): argocdproject.AppProjectSpecRoles {
  const subject = `proj:${project}:${PIPELINE_PROJECT_ROLE}`;
  return {
    name: PIPELINE_PROJECT_ROLE,
    description: 'The delivery pipeline: waits for sync and health, promotes (resume) and aborts Rollouts; its token lives in a Secret of the pipeline namespace',
    policies: [
      `p, ${subject}, applications, get, ${project}/*, allow`,
      `p, ${subject}, applications, action/argoproj.io/Rollout/abort, ${project}/*, allow`,
      `p, ${subject}, applications, action/argoproj.io/Rollout/resume, ${project}/*, allow`,
    ],
  };
}

/** The Environments of the app, by name. */
export function platformEnvironments(scope: Construct): Environment[] {
  return scope.node.root.node.findAll().filter(Environment.isEnvironment).sort((a, b) => a.name.localeCompare(b.name));
}

/** Each environment's mode: kubectl on the pipeline's cluster, Argo CD's API elsewhere. */
export function reachModes(scope: Construct, pipelineCluster: ArgoCdCluster): Map<string, ReachMode> {
  return new Map(platformEnvironments(scope).map((e) => [e.name,
    e.cluster.server === pipelineCluster.server ? ReachMode.KUBECTL : ReachMode.ARGO_CD]));
}

/** The platform's ArgoCdBootstrap (at synth: it is created after the pipeline). */
export function findBootstrap(scope: Construct): ArgoCdBootstrap | undefined {
  return scope.node.root.node.findAll().find(ArgoCdBootstrap.isArgoCdBootstrap) as ArgoCdBootstrap | undefined;
}

/** "env=application ..." of the environments reached through Argo CD, read at synth. */
export function argoCdApplications(scope: Construct, modes: Map<string, ReachMode>): string {
  return Lazy.any({
    produce: () => {
      const bootstrap = findBootstrap(scope);
      return [...modes].filter(([, m]) => m === ReachMode.ARGO_CD)
        .map(([env]) => `${env}=${bootstrap ? bootstrap.applicationName(env) : ''}`).sort().join(' ');
    },
  }) as unknown as string;
}

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

/** Problems of the cross-cluster settings, checked at synth. */
export function crossClusterProblems(scope: Construct, c: string, modes: Map<string, ReachMode>, argoCdServer?: string): string[] {
  const remote = [...modes].filter(([, m]) => m === ReachMode.ARGO_CD).map(([e]) => e);
  if (!remote.length) return [];
  const problems: string[] = [];
  if (argoCdServer === undefined) {
    problems.push(`${c}: the environments ${remote.join(', ')} run on another cluster than the pipeline's, which reaches them through Argo CD's API: set argoCdServer (the https:// URL of the Argo CD API server)`);
  }
  if (!findBootstrap(scope)) {
    problems.push(`${c}: the environments ${remote.join(', ')} run on another cluster than the pipeline's, reached through their Argo CD Applications: declare an ArgoCdBootstrap`);
  }
  return problems;
}

/** Why `server` is not a usable Argo CD API URL, or undefined. */
export function badArgoCdServer(server: string): string | undefined {
  const why = badServer(server)?.replace('a Kubernetes API server', 'the Argo CD API server');
  if (why) return why;
  if (new URL(server).pathname.replace(/\/+$/, '') !== '') return `must be the Argo CD server's root URL without a path, got "${server}"`;
  return undefined;
}

/**
 * The source of a step that reaches an environment's Rollout: the kubectl script for environments
 * on the pipeline's cluster, argocd-app.sh `<command>` for the others, chosen by ENVIRONMENT
 * against ARGOCD_APPLICATIONS (fixed at synth). Both scripts run as subshell functions, so each
 * keeps its own `set`, variables and `exit`.
 */
export function dispatchSource(kubectlScript: string, argoCdScript: string, command: 'wait' | 'abort'): string {
  const body = (s: string) => s.replace(/^#!.*\n/, '').replace(/\n+$/, '');
  return [
    '#!/bin/sh',
    '# shellcheck disable=SC2030,SC2031 # each script runs in a subshell of its own, on purpose',
    '# Where the environment runs decides how this step reaches its Rollout: ARGOCD_APPLICATIONS',
    '# ("<environment>=<Argo CD Application>", fixed at synth) lists the environments on another cluster',
    '# than the pipeline\'s, reached through Argo CD\'s API; the others through kubectl.',
    'set -eu',
    'kubectl_step() (',
    body(kubectlScript),
    ')',
    'argocd_step() (',
    body(argoCdScript),
    ')',
    'ARGOCD_APPLICATION=',
    'for pair in ${ARGOCD_APPLICATIONS:-}; do',
    '  case "$pair" in',
    '    "${ENVIRONMENT:-}="?*) ARGOCD_APPLICATION="${pair#*=}" ;;',
    '  esac',
    'done',
    'if [ -z "$ARGOCD_APPLICATION" ]; then',
    '  kubectl_step',
    '  exit',
    'fi',
    '# The Rollout\'s namespace on the other cluster: NAMESPACE, else the environment\'s.',
    'if [ -z "${NAMESPACE:-}" ]; then',
    '  NAMESPACE="${ENVIRONMENT:-}"',
    '  for pair in ${ENVIRONMENT_NAMESPACES:-}; do',
    '    case "$pair" in',
    '      "${ENVIRONMENT:-}="*) NAMESPACE="${pair#*=}" ;;',
    '    esac',
    '  done',
    'fi',
    'export ARGOCD_APPLICATION NAMESPACE',
    `argocd_step ${command}`,
    '',
  ].join('\n');
}

/** What the promote-release template takes from the PipelineTemplate that declares it. */
export interface PromotionHost {
  /** A script step (PipelineTemplate's own helper). */
  script(name: string, opts: ScriptOptions): Template;
  /** The deploy's rendered commit step (update-image.sh), shared with deploy-app. */
  updateGitops(): Template;
  /** The step that reaches an environment's Rollout to wait for it (kubectl or Argo CD). */
  waitStep(name: string, acceptPaused: boolean, timeoutSeconds: number): Template;
}

/**
 * `promote-release`: the image `app_name` runs in `from_environment` (releases/<from>.json at the
 * head of the GitOps branch), checked Synced and Healthy there, committed to `to_environment`
 * through the deploy's rendered commit; then the wait, or a message that a person syncs.
 */
export function promoteReleaseTemplates(host: PromotionHost, o: {
  gitopsRepo: string; gitopsBranch: string; gitSecret: string; gitImage: string; syncPolicies: string;
  checkTimeout: number;
}): Template[] {
  const p = (name: string) => `{{inputs.parameters.${name}}}`;
  const source = '{{steps.source-image.outputs.parameters.image}}';
  const sync = '{{steps.source-image.outputs.parameters.sync}}';
  return [
    {
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
    },
    host.script('source-image', {
      image: o.gitImage,
      file: 'promote-release.sh',
      inputs: inputs('app_name', 'from_environment', 'to_environment'),
      env: [
        ...env({
          APP_NAME: p('app_name'),
          FROM_ENVIRONMENT: p('from_environment'),
          TO_ENVIRONMENT: p('to_environment'),
          GITOPS_REPO: o.gitopsRepo,
          GITOPS_BRANCH: o.gitopsBranch,
          SOURCE_IMAGE_ONLY: 'yes',
          IMAGE_FILE: '/tmp/image',
          SYNC_FILE: '/tmp/sync',
          SYNC_POLICIES: o.syncPolicies,
        }),
        secretEnv('GIT_USERNAME', o.gitSecret, 'username', false),
        secretEnv('GIT_PASSWORD', o.gitSecret, 'password', false),
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
    }),
    // The source must run the image fully released: Healthy, not Paused with a preview.
    host.waitStep('check-source', false, o.checkTimeout),
    host.updateGitops(),
    host.waitStep('wait-for-rollout', true, 0),
    host.script('awaits-sync', {
      image: o.gitImage,
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
      retry: retry(2, RetryPolicy.ALWAYS, 'lastRetry.status == "Error"'),
      outputs: { parameters: [{ name: 'message', valueFrom: { path: '/tmp/message' } }] },
    }),
  ];
}

/**
 * `promote-java-app` when some environment runs on another cluster: a first step says how the
 * Rollout is reached (route-environment.sh, from the environment and the maps fixed at synth),
 * then `kubectl argo rollouts promote` on the pipeline's cluster, or Argo CD's Rollout action
 * `resume` (argocd-app.sh promote) elsewhere.
 */
export function promoteAcrossClusters(host: PipelineTemplate, images: { kubectl: string; rolloutsPlugin: string }): workflows.WorkflowTemplateSpec {
  const route = (name: string) => `{{steps.route.outputs.parameters.${name}}}`;
  const argoCdEnv = host.reachStep('wait-rollout.sh', 'wait').env.filter((e) => e.name !== 'ARGOCD_APPLICATIONS');
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
      {
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
      },
      host.script('route', {
        image: images.kubectl,
        file: 'route-environment.sh',
        inputs: inputs('environment', 'namespace'),
        env: env({
          ENVIRONMENT: '{{inputs.parameters.environment}}',
          NAMESPACE: '{{inputs.parameters.namespace}}',
          ENVIRONMENT_NAMESPACES: host.environmentNamespacesValue(),
          ARGOCD_APPLICATIONS: host.reachStep('wait-rollout.sh', 'wait').env.find((e) => e.name === 'ARGOCD_APPLICATIONS')!.value!,
          OUT_DIR: '/tmp',
        }),
        size: SMALL,
        deadlineSeconds: 120,
        retry: retry(2, RetryPolicy.ALWAYS, 'lastRetry.status == "Error"'),
        outputs: {
          parameters: ['mode', 'namespace', 'application'].map((name) => ({ name, valueFrom: { path: `/tmp/${name}` } })),
        },
      }),
      host.rolloutsCommand('rollouts-promote', ['promote'], images.rolloutsPlugin, host.serviceAccounts.promote),
      host.script('argocd-promote', {
        image: images.kubectl,
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
      }),
    ],
  };
}
