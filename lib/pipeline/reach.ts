import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as argocdproject from '../../imports/argocdproject-argoproj.io';
import { ArgoCdCluster, badServer, Environment } from '../platform';
import { ArgoCdBootstrap } from '../gitops';
import { env, EnvVar, readScript, secretEnv } from './steps';
import { compare } from '../util';

// How the pipeline's steps reach each environment's Rollout: kubectl on the pipeline's own
// cluster, Argo CD's API (with the pipeline's project role) on any other.

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

/** The Environments of the app, by name (code-point order: the same on every machine, whatever its locale). */
export function platformEnvironments(scope: Construct): Environment[] {
  return scope.node.root.node.findAll().filter(Environment.isEnvironment).sort((a, b) => compare(a.name, b.name));
}

/** Each environment's mode: kubectl on the pipeline's cluster, Argo CD's API elsewhere. */
export function reachModes(scope: Construct, pipelineCluster: ArgoCdCluster): Map<string, ReachMode> {
  return new Map(platformEnvironments(scope).map((e) => [e.name,
    e.cluster.server === pipelineCluster.server ? ReachMode.KUBECTL : ReachMode.ARGO_CD]));
}

/**
 * The platform's ArgoCdBootstrap (at synth: it is created after the pipeline). One of the app's
 * own children, where the construct requires it to be: no walk of the whole tree, which every
 * lazy value of the pipeline's templates would repeat.
 */
export function findBootstrap(scope: Construct): ArgoCdBootstrap | undefined {
  return scope.node.root.node.children.find(ArgoCdBootstrap.isArgoCdBootstrap) as ArgoCdBootstrap | undefined;
}

/** "env=application ..." of the environments reached through Argo CD, read at synth. */
export function argoCdApplications(scope: Construct, modes: ReadonlyMap<string, ReachMode>): string {
  return Lazy.any({
    produce: () => {
      const bootstrap = findBootstrap(scope);
      return [...modes].filter(([, m]) => m === ReachMode.ARGO_CD)
        .map(([env]) => `${env}=${bootstrap ? bootstrap.applicationName(env) : ''}`).sort().join(' ');
    },
  }) as unknown as string;
}

/** Problems of the cross-cluster settings, checked at synth. */
export function crossClusterProblems(scope: Construct, c: string, modes: ReadonlyMap<string, ReachMode>, argoCdServer?: string): string[] {
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

/** `name=namespace` of every Environment of the app, sorted, read from the platform at synth. */
export function environmentNamespaces(scope: Construct): string {
  return Lazy.any({
    produce: () => scope.node.root.node.findAll().filter(Environment.isEnvironment)
      .map((e) => `${e.name}=${e.namespace}`).sort().join(' '),
  }) as unknown as string;
}

/** What the steps that reach a Rollout need: the environments' modes and the Argo CD API's access. */
export interface RolloutReach {
  /** The pipeline: its tree holds the Environments and the ArgoCdBootstrap. */
  readonly scope: Construct;
  readonly modes: ReadonlyMap<string, ReachMode>;
  /** The Argo CD API server, without a trailing slash. */
  readonly argoCdServer?: string;
  /** Secret with the project role's `token`. */
  readonly argoCdTokenSecret: string;
}

/** Whether some environment is reached through Argo CD's API. */
export function isCrossCluster(modes: ReadonlyMap<string, ReachMode>): boolean {
  return [...modes.values()].includes(ReachMode.ARGO_CD);
}

/**
 * A step that reaches a Rollout: its kubectl script alone when every environment is on the
 * pipeline's cluster, else a dispatch by environment to argocd-app.sh, with the Argo CD server,
 * the Applications and the token Secret.
 */
export function reachStep(reach: RolloutReach, file: string, command: 'wait' | 'abort'): { source: string; env: EnvVar[] } {
  if (!isCrossCluster(reach.modes)) return { source: readScript(file), env: [] };
  return {
    source: dispatchSource(readScript(file), readScript('argocd-app.sh'), command),
    env: [
      ...env({ ARGOCD_SERVER: reach.argoCdServer ?? '', ARGOCD_APPLICATIONS: argoCdApplications(reach.scope, reach.modes) }),
      secretEnv('ARGOCD_AUTH_TOKEN', reach.argoCdTokenSecret, 'token', false),
    ],
  };
}
