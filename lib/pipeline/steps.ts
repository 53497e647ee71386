import * as fs from 'fs';
import * as path from 'path';
import * as workflows from '../../imports/workflows-argoproj.io';
// A binding, not a constant copied at load: the generated workflows code loads when a template is built.
import { WorkflowTemplateSpecTemplatesRetryStrategyRetryPolicy as RetryPolicy } from '../../imports/workflows-argoproj.io';
import { restrictedContainer, restrictedPod } from '../rules/security-context';

// The step library of the pipeline's WorkflowTemplates: scripts, sizes, security contexts,
// retries, volumes and parameter helpers, shared by the builders of each template.

export type Template = workflows.WorkflowTemplateSpecTemplates;
export type Container = workflows.WorkflowTemplateSpecTemplatesContainer;
export type EnvVar = workflows.WorkflowTemplateSpecTemplatesScriptEnv;
export type Volume = workflows.WorkflowTemplateSpecTemplatesVolumes;
export type VolumeMount = workflows.WorkflowTemplateSpecTemplatesScriptVolumeMounts;
type Script = workflows.WorkflowTemplateSpecTemplatesScript;
type InitContainer = workflows.WorkflowTemplateSpecTemplatesInitContainers;
type SecurityContext = workflows.WorkflowTemplateSpecTemplatesScriptSecurityContext;
type RetryStrategy = workflows.WorkflowTemplateSpecTemplatesRetryStrategy;

/** UID and GID of every step except the image build (BuildKit's rootless image uses 1000). */
const RUN_AS = 65532;

/** Reads a script of `lib/pipeline/scripts/`. */
export function readScript(name: string): string {
  const candidates = [
    path.join(__dirname, 'scripts', name),
    // When the app is bundled, __dirname is the bundle's folder: fall back to the source tree.
    path.join(process.cwd(), 'lib', 'pipeline', 'scripts', name),
  ];
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`PipelineTemplate: script ${name} not found (looked in ${candidates.join(', ')})`);
  // A step runs one script: the files it sources from beside it (`. "$(dirname -- "$0")/include/x.sh"
  // # include`, with its shellcheck directive) are put in place of that line.
  return fs.readFileSync(file, 'utf8').replace(INCLUDE, (_line, included: string) =>
    fs.readFileSync(path.join(path.dirname(file), 'include', included), 'utf8'));
}

const INCLUDE = /^# shellcheck source=include\/[a-z-]+\.sh\n\. "\$\(dirname -- "\$0"\)\/include\/([a-z-]+\.sh)" # include\n/gm;

export interface Size { readonly cpu: [string, string]; readonly memory: [string, string] }
export const SMALL: Size = { cpu: ['50m', '500m'], memory: ['64Mi', '256Mi'] };
export const BUILD: Size = { cpu: ['1', '2'], memory: ['2Gi', '4Gi'] };
/** The deploy step: npm ci and the synth of the platform (about 300 MiB at peak for the sample). */
export const RENDER: Size = { cpu: ['500m', '2'], memory: ['512Mi', '1Gi'] };

function resources(size: Size): workflows.WorkflowTemplateSpecTemplatesScriptResources {
  return {
    requests: {
      cpu: workflows.WorkflowTemplateSpecTemplatesScriptResourcesRequests.fromString(size.cpu[0]),
      memory: workflows.WorkflowTemplateSpecTemplatesScriptResourcesRequests.fromString(size.memory[0]),
    },
    limits: {
      cpu: workflows.WorkflowTemplateSpecTemplatesScriptResourcesLimits.fromString(size.cpu[1]),
      memory: workflows.WorkflowTemplateSpecTemplatesScriptResourcesLimits.fromString(size.memory[1]),
    },
  };
}

/** The strictest container security context: the "restricted" Pod Security Standard and more. */
const STRICT: SecurityContext = {
  ...restrictedContainer(),
  runAsUser: RUN_AS,
  runAsGroup: RUN_AS,
  privileged: false,
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * Rootless BuildKit is as strict as it can be, but not "restricted":
 * - rootlesskit maps the build's users through a user namespace with the setuid helpers
 *   newuidmap/newgidmap, which need CAP_SETUID/CAP_SETGID in the bounding set and a process that
 *   may gain privileges: so SETUID and SETGID stay, and allowPrivilegeEscalation is left at the
 *   Kubernetes default (setting it to false sets no_new_privs and the helpers fail);
 * - the default seccomp and AppArmor profiles forbid the unshare/mount calls that create that user
 *   namespace and the build's mounts: so both are Unconfined for this one container.
 * It is never privileged and never runs as root on the node; `--oci-worker-no-process-sandbox`
 * (BUILDKITD_FLAGS) avoids needing a new PID namespace. The namespace of the workflows therefore
 * cannot enforce the "baseline" or "restricted" Pod Security Standards.
 */
export const BUILDKIT_SECURITY: SecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  privileged: false,
  capabilities: { drop: ['ALL'], add: ['SETUID', 'SETGID'] },
  seccompProfile: { type: 'Unconfined' },
  appArmorProfile: { type: 'Unconfined' },
};

/** Pod security context of every step; also set per template for steps called by templateRef. */
export const POD_SECURITY: workflows.WorkflowTemplateSpecTemplatesSecurityContext = restrictedPod(RUN_AS);

/**
 * Kubernetes before 1.30 reads AppArmor profiles only from this pod annotation (one per container;
 * Argo names a script's container `main`); 1.30 and later read `securityContext.appArmorProfile`
 * and require both to agree, so a step sets both.
 */
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function appArmorAnnotation(profile?: workflows.WorkflowTemplateSpecTemplatesScriptSecurityContextAppArmorProfile): string | undefined {
  switch (profile?.type) {
    case undefined: return undefined;
    case 'Unconfined': return 'unconfined';
    case 'RuntimeDefault': return 'runtime/default';
    default: return `localhost/${profile?.localhostProfile ?? ''}`;
  }
}

export function retry(limit: number, policy: workflows.WorkflowTemplateSpecTemplatesRetryStrategyRetryPolicy, expression?: string): RetryStrategy {
  return {
    limit: workflows.WorkflowTemplateSpecTemplatesRetryStrategyLimit.fromNumber(limit),
    retryPolicy: policy,
    expression,
    backoff: {
      duration: '10s',
      factor: workflows.WorkflowTemplateSpecTemplatesRetryStrategyBackoffFactor.fromNumber(2),
      maxDuration: '5m',
    },
  };
}
export { RetryPolicy };

/**
 * The build scripts exit 2 for what does not heal (a refused parameter, a wrong checksum, an
 * existing tag): no retry then. Argo evaluates the expression after each failed attempt.
 */
export function noRetryOnUsage(strategy: RetryStrategy): RetryStrategy {
  return { ...strategy, expression: 'asInt(lastRetry.exitCode) != 2' };
}
/** Exit status of the deploy scripts for a failure that may heal by itself (EX_TEMPFAIL). */
export const TRANSIENT_EXIT_CODE = 75;
/**
 * Retries only what can heal: the pod could not run (phase Error), or the script said so with exit
 * status 75. Usage errors (2), a missing app, a gate refusal (3) fail at once. Argo Workflows
 * evaluates it with `retryPolicy` Always (docs/retries.md: policy AND expression; `lastRetry.exitCode`
 * is a string, "-1" when there is none).
 */
export const TRANSIENT_ONLY = `lastRetry.status == "Error" || asInt(lastRetry.exitCode) == ${TRANSIENT_EXIT_CODE}`;
/** Retries only when the pod could not run: a command that ran and failed is not retried blindly. */
export const POD_ERROR_ONLY = 'lastRetry.status == "Error"';

function deadline(seconds: number): workflows.WorkflowTemplateSpecTemplatesActiveDeadlineSeconds {
  return workflows.WorkflowTemplateSpecTemplatesActiveDeadlineSeconds.fromNumber(seconds);
}

export function inputs(...names: string[]): workflows.WorkflowTemplateSpecTemplatesInputs {
  return { parameters: names.map((name) => ({ name })) };
}

export function args(values: Record<string, string>): workflows.WorkflowTemplateSpecTemplatesStepsArguments {
  return { parameters: Object.entries(values).map(([name, value]) => ({ name, value })) };
}

export function env(values: Record<string, string>): EnvVar[] {
  return Object.entries(values).map(([name, value]) => ({ name, value }));
}

export function secretEnv(name: string, secret: string, key: string, optional: boolean): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key, optional } } };
}

/** The GitOps repository's write credentials, for the one container that pushes. */
export function gitCredentialsEnv(secret: string): EnvVar[] {
  return [secretEnv('GIT_USERNAME', secret, 'username', false), secretEnv('GIT_PASSWORD', secret, 'password', false)];
}

/**
 * The GitOps repository's read-only credentials, for the steps that only read it: optional, so a
 * public repository needs no Secret.
 */
export function gitReadCredentialsEnv(secret: string): EnvVar[] {
  return [secretEnv('GIT_USERNAME', secret, 'username', true), secretEnv('GIT_PASSWORD', secret, 'password', true)];
}

export function sizeLimit(q: string): workflows.WorkflowTemplateSpecTemplatesVolumesEmptyDirSizeLimit {
  return workflows.WorkflowTemplateSpecTemplatesVolumesEmptyDirSizeLimit.fromString(q);
}

/** The writable /tmp of a read-only root (a function: the generated workflows code loads when a template is built, not with this file). */
const tmpVolume = (): Volume => ({ name: 'tmp', emptyDir: { sizeLimit: sizeLimit('512Mi') } });
const TMP_MOUNT: VolumeMount = { name: 'tmp', mountPath: '/tmp' };

/** The pod identity of a step that calls the Kubernetes API. */
function identity(serviceAccount?: string): Partial<Template> {
  return serviceAccount ? { serviceAccountName: serviceAccount, automountServiceAccountToken: true } : {};
}

export interface ScriptOptions {
  readonly image: string;
  readonly file: string;
  /** The step's source when it is not the file alone. */
  readonly source?: string;
  readonly inputs?: workflows.WorkflowTemplateSpecTemplatesInputs;
  readonly env: EnvVar[];
  readonly mounts?: VolumeMount[];
  readonly volumes?: Volume[];
  readonly size: Size;
  readonly deadlineSeconds: number;
  readonly retry?: RetryStrategy;
  readonly securityContext?: SecurityContext;
  readonly outputs?: workflows.WorkflowTemplateSpecTemplatesOutputs;
  /** The ServiceAccount whose token the step needs; none by default. */
  readonly serviceAccount?: string;
  /** Containers that run one after the other, each to its end, before the step's script. */
  readonly initContainers?: InitScript[];
}

/**
 * A container of its own that runs a script of `scripts/` to its end before the step's script: its
 * own environment (no variable of the step's reaches it), the volumes it mounts, the strict
 * security context, and a /tmp of its own (`<name>-tmp`, also HOME: the root file system is
 * read-only), which no other container of the pod mounts.
 */
export interface InitScript {
  readonly name: string;
  readonly image: string;
  readonly file: string;
  readonly env: EnvVar[];
  readonly mounts: VolumeMount[];
  readonly size: Size;
}

function initContainer(init: InitScript): InitContainer {
  return {
    name: init.name,
    image: init.image,
    // The script is the container's command: a constant of the synth, parameters reach it as
    // environment variables only.
    command: ['sh', '-c', readScript(init.file), init.file],
    env: [...env({ HOME: '/tmp' }), ...init.env] as InitContainer['env'],
    volumeMounts: [{ name: `${init.name}-tmp`, mountPath: '/tmp' }, ...init.mounts],
    resources: resources(init.size) as unknown as InitContainer['resources'],
    securityContext: STRICT as InitContainer['securityContext'],
  };
}

/** A script step; `deadlineSeconds` also bounds retries of a stuck pod. */
export function scriptStep(name: string, opts: ScriptOptions): Template {
  const readOnlyRoot = (opts.securityContext ?? STRICT).readOnlyRootFilesystem === true;
  const script: Script = {
    image: opts.image,
    command: ['sh'],
    source: opts.source ?? readScript(opts.file),
    // With a read-only root file system, HOME and every temporary file live on the /tmp volume.
    env: [...(readOnlyRoot ? env({ HOME: '/tmp' }) : []), ...opts.env],
    volumeMounts: [...(readOnlyRoot ? [TMP_MOUNT] : []), ...(opts.mounts ?? [])],
    resources: resources(opts.size),
    securityContext: opts.securityContext ?? STRICT,
  };
  const appArmor = appArmorAnnotation(script.securityContext?.appArmorProfile);
  return {
    name,
    metadata: appArmor ? { annotations: { [`${APPARMOR_ANNOTATION_PREFIX}main`]: appArmor } } : undefined,
    inputs: opts.inputs,
    outputs: opts.outputs,
    ...identity(opts.serviceAccount),
    securityContext: POD_SECURITY,
    activeDeadlineSeconds: deadline(opts.deadlineSeconds),
    retryStrategy: opts.retry,
    volumes: [
      ...(readOnlyRoot ? [tmpVolume()] : []),
      ...(opts.initContainers ?? []).map((i) => ({ name: `${i.name}-tmp`, emptyDir: { sizeLimit: sizeLimit('512Mi') } })),
      ...(opts.volumes ?? []),
    ],
    initContainers: opts.initContainers?.map(initContainer),
    script,
  };
}

/**
 * A `kubectl argo rollouts <command>` step (the plugin image runs the plugin binary directly). The
 * parameters reach it as environment variables that Kubernetes puts in place of `$(VAR)` in the
 * arguments, each as one whole argument: `--namespace=` keeps the namespace a value, `--` keeps
 * the name an argument, whatever they hold.
 */
export function rolloutsCommandStep(name: string, command: string[], image: string, serviceAccount: string): Template {
  const container: Container = {
    image,
    command: ['kubectl-argo-rollouts'],
    args: [...command, '--namespace=$(NAMESPACE)', '--', '$(APP_NAME)'],
    env: env({ HOME: '/tmp', APP_NAME: '{{inputs.parameters.app_name}}', NAMESPACE: '{{inputs.parameters.namespace}}' }),
    volumeMounts: [TMP_MOUNT],
    resources: resources(SMALL),
    securityContext: STRICT,
  };
  return {
    name,
    inputs: inputs('app_name', 'namespace'),
    ...identity(serviceAccount),
    securityContext: POD_SECURITY,
    activeDeadlineSeconds: deadline(120),
    retryStrategy: retry(2, RetryPolicy.ALWAYS, POD_ERROR_ONLY),
    volumes: [tmpVolume()],
    container,
  };
}
