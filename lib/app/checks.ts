import { Duration } from 'cdk8s';
import { AccessMode, JavaAppProps, JavaAppPropsSchema } from './props';
import { PolicyRule } from '../rules/exemptions';
import { checkProps } from '../props/schema';
import { check, checkImage, checkInt32, checkInteger, checkPort, checkQuantity, checkRule, isDnsSubdomain, parseQuantity, PropError } from '../props/checks';
import { literalCredential, secretLookingName } from '../rules/credentials';
import { configMapKey, envVarName } from '../rules/keys';
import { dns1035Label, dns1123Subdomain, labelMap } from '../rules/names';
import { configMapData, toleration as tolerationRule } from '../rules/workloads';

/** The construct's name in every PropError. */
export const CONSTRUCT = 'JavaApp';
/** Where `applicationConfig` is mounted and Spring looks for it. */
export const CONFIG_DIR = '/config/';

/** Micrometer's switch for the request-duration histogram (`http_server_requests_seconds_bucket`) that latency is measured from. */
export const LATENCY_HISTOGRAM_ENV = 'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS';

/** What the props resolve to once they are checked against each other. */
export interface JavaAppSettings {
  readonly managementPort: number;
  /** Whether the app publishes the latency histogram (`LATENCY_HISTOGRAM_ENV=true`): its analysis or alerts measure latency. */
  readonly latencyHistogram: boolean;
  /** `PolicyException.noReadinessProbe()`: no readiness probe is written. */
  readonly noReadiness: boolean;
  readonly cpuRequest: string;
  /** Undefined under `PolicyException.noCpuLimit()`. */
  readonly cpuLimit?: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
  /** Most pods that can run at once: the autoscaler's maximum, else the replicas. */
  readonly maxPods: number;
  readonly preStop: Duration;
  readonly shutdown: Duration;
}

/** The checks that need the props alone, run before the app looks at its Environment. */
export function checkJavaAppProps(id: string, props: JavaAppProps): void {
  checkProps(CONSTRUCT, id, props, JavaAppPropsSchema);
  // The app's name is also its Service's name, and ValidateServiceName is NameIsDNS1035Label.
  checkRule(CONSTRUCT, id, `name (the construct id, also the name of its Service) "${id}"`, dns1035Label(id), 'start it with a letter, e.g. "app-2fa"');
  checkImage(CONSTRUCT, id, 'image', props.image);
  checkPort(CONSTRUCT, id, 'port', props.port);
  checkPort(CONSTRUCT, id, 'servicePort', props.servicePort);
  // ValidateDeploymentSpec: ValidateNonnegativeField on an int32.
  checkInt32(CONSTRUCT, id, 'replicas', props.replicas, 0);
  // Platform policy (docs/validation.md): HotSpot takes 0-100, but above 95% nothing is left for
  // metaspace, thread stacks and direct buffers, and at 0% there is no heap to run the app in.
  checkInteger(CONSTRUCT, id, 'maxRamPercentage', props.maxRamPercentage, 1, 95);
  // validateSecurityContext's IsValidUserID (0 to 2^31-1); Pod Security "restricted" refuses 0.
  checkInteger(CONSTRUCT, id, 'runAsUser', props.runAsUser, 1, 2 ** 31 - 1);
  // ValidatePodDisruptionBudgetSpec accepts maxUnavailable 0 (no voluntary eviction until changed).
  checkInt32(CONSTRUCT, id, 'maxUnavailable', props.maxUnavailable, 0);
}

/** Checks the props against each other and resolves their defaults. */
export function resolveJavaAppSettings(id: string, props: JavaAppProps, port: number, replicas: number): JavaAppSettings {
  const managementPort = props.managementPort ?? 8081;
  checkPort(CONSTRUCT, id, 'managementPort', props.managementPort);
  check(managementPort !== port, CONSTRUCT, id, () =>
    `managementPort must differ from port (${port}): the actuator gets a port that no Ingress routes`);
  // An exception acts on the objects: the limit or probe it exempts is not written at all.
  const exempt = (rule: PolicyRule) => (props.policyExceptions ?? []).some((e) => e.rule === rule);
  const noCpuLimit = exempt(PolicyRule.CPU_LIMIT);
  const noReadiness = exempt(PolicyRule.READINESS_PROBE);
  check(!noCpuLimit || props.cpuLimit === undefined, CONSTRUCT, id, () =>
    'cpuLimit is set but policyExceptions has PolicyException.noCpuLimit(): remove one of them');
  check(!noReadiness || props.readinessProbe === undefined, CONSTRUCT, id, () =>
    'readinessProbe is set but policyExceptions has PolicyException.noReadinessProbe(): remove one of them');
  const resources = checkResources(id, props, noCpuLimit);
  const maxPods = checkScaling(id, props, replicas);
  checkMounts(id, props);
  checkEnvironment(id, props);
  checkScheduling(id, props);
  return {
    managementPort,
    latencyHistogram: checkLatencyHistogram(id, props),
    noReadiness,
    ...resources,
    maxPods,
    preStop: props.preStopDelay ?? Duration.seconds(10),
    shutdown: props.shutdownTimeout ?? Duration.seconds(30),
  };
}

/** A JVM's least memory limit. */
const JVM_MIN_MEMORY = 256 * 2 ** 20;

/** Examples a quantity prop's message offers: those from `min` to `max`, so that every rule of the prop holds for them. */
function examples(candidates: readonly string[], min: number | undefined, max = Infinity): string[] {
  return candidates.filter((e) => parseQuantity(e)! >= (min ?? 0) && parseQuantity(e)! <= max);
}

/** Requests and limits: valid quantities, requests within limits, room for a JVM. */
function checkResources(id: string, props: JavaAppProps, noCpuLimit: boolean) {
  const cpuRequest = props.cpuRequest ?? '250m';
  const cpuLimit = noCpuLimit ? undefined : props.cpuLimit ?? '1';
  const memoryLimit = props.memoryLimit ?? '1Gi';
  const memoryRequest = props.memoryRequest ?? memoryLimit;
  // Limits first: a request's examples stay within its limit.
  const cpuLim = checkQuantity(CONSTRUCT, id, 'cpuLimit', cpuLimit, examples(['500m', '1', '2', '4'], parseQuantity(cpuRequest))) ?? Infinity;
  const cpuReq = checkQuantity(CONSTRUCT, id, 'cpuRequest', cpuRequest, examples(['100m', '250m', '1'], 0, cpuLim))!;
  const memLim = checkQuantity(CONSTRUCT, id, 'memoryLimit', memoryLimit, examples(['512Mi', '1Gi', '2Gi', '4Gi'], Math.max(JVM_MIN_MEMORY, parseQuantity(memoryRequest) ?? 0)))!;
  const memReq = checkQuantity(CONSTRUCT, id, 'memoryRequest', memoryRequest, examples(['256Mi', '512Mi', '1Gi'], 0, memLim))!;
  checkQuantity(CONSTRUCT, id, 'tmpSize', props.tmpSize, ['64Mi', '256Mi', '1Gi']);
  check(cpuReq <= cpuLim, CONSTRUCT, id, () => `cpuRequest (${cpuRequest}) must not exceed cpuLimit (${cpuLimit})`);
  check(memReq <= memLim, CONSTRUCT, id, () => `memoryRequest (${memoryRequest}) must not exceed memoryLimit (${memoryLimit})`);
  // Platform policy (docs/validation.md): a JVM with its metaspace and threads does not start below this.
  check(memLim >= JVM_MIN_MEMORY, CONSTRUCT, id, () => `memoryLimit must be at least 256Mi for a JVM, got ${memoryLimit}`);
  return { cpuRequest, cpuLimit, memoryLimit, memoryRequest };
}

/** The autoscaler's bounds and a volume that the pods can all mount; returns the most pods that run. */
function checkScaling(id: string, props: JavaAppProps, replicas: number): number {
  const autoscaling = props.autoscaling;
  if (autoscaling) {
    // validateHorizontalPodAutoscalerSpec: minReplicas >= 1 (0 only behind HPAScaleToZero), maxReplicas >= 1;
    // validateMetricTarget: averageUtilization >= 1 and no maximum (usage may exceed the request).
    checkInt32(CONSTRUCT, id, 'autoscaling.minReplicas', autoscaling.minReplicas, 1);
    checkInt32(CONSTRUCT, id, 'autoscaling.maxReplicas', autoscaling.maxReplicas, 1);
    checkInt32(CONSTRUCT, id, 'autoscaling.cpuUtilization', autoscaling.cpuUtilization, 1);
    const min = autoscaling.minReplicas ?? Math.max(1, replicas);
    check(min <= autoscaling.maxReplicas, CONSTRUCT, id, () =>
      `autoscaling.minReplicas (${min}) must not exceed autoscaling.maxReplicas (${autoscaling.maxReplicas})`);
  }
  const maxPods = autoscaling ? autoscaling.maxReplicas : replicas;
  const storage = props.storage;
  if (storage) {
    checkQuantity(CONSTRUCT, id, 'storage.size', storage.size, ['1Gi', '10Gi', '100Gi']);
    if (storage.storageClassName !== undefined) {
      check(isDnsSubdomain(storage.storageClassName), CONSTRUCT, id, () =>
        `storage.storageClassName must be a DNS-1123 subdomain, got "${storage.storageClassName}"`);
    }
    check((storage.accessMode ?? AccessMode.READ_WRITE_ONCE) !== AccessMode.READ_WRITE_ONCE || (maxPods <= 1 && !props.strategy?.isRollout), CONSTRUCT, id, () =>
      'storage.accessMode ReadWriteOnce lets only one node mount the volume, but more than one pod can run '
      + '(replicas, autoscaling or a blue-green/canary strategy): use AccessMode.READ_WRITE_MANY or a single replica');
  }
  return maxPods;
}

/** Every mount path absolute and used once. */
function checkMounts(id: string, props: JavaAppProps): void {
  const storage = props.storage;
  const mountPaths = [CONFIG_DIR.replace(/\/$/, ''), '/tmp', storage?.mountPath ?? (storage ? '/data' : undefined),
    ...(props.secrets ?? []).map((s) => s.mountPath)].filter((p): p is string => p !== undefined);
  for (const p of mountPaths) {
    check(p.startsWith('/'), CONSTRUCT, id, () => `mount paths must be absolute, got "${p}"`);
  }
  const duplicateMount = mountPaths.find((p, i) => mountPaths.indexOf(p) !== i);
  check(duplicateMount === undefined, CONSTRUCT, id, () => `two volumes are mounted at ${duplicateMount}: give each a distinct mountPath`);
}

/** Plain variables that are valid and not secrets; Secret references that Kubernetes accepts. */
function checkEnvironment(id: string, props: JavaAppProps): void {
  for (const [key, value] of Object.entries(props.env ?? {})) {
    check(envVarName(key).length === 0, CONSTRUCT, id, () => `env name "${key}" is not a valid environment variable name: ${envVarName(key).join('; ')}`);
    const secretRef = `reference an existing Secret with secrets: [SecretRef.env('${key}', '<secret>', '<key>')] instead of a plain value`;
    check(!secretLookingName(key), CONSTRUCT, id, () => `env "${key}" looks like a secret: ${secretRef}`);
    const credential = literalCredential(value);
    check(credential === undefined, CONSTRUCT, id, () => `env "${key}" holds ${credential} in plaintext: ${secretRef}`);
  }
  for (const s of props.secrets ?? []) {
    // ValidateSecretName is NameIsDNSSubdomain: dotted names such as "db.credentials" are fine.
    checkRule(CONSTRUCT, id, `secrets[].secretName "${s.secretName}"`, dns1123Subdomain(s.secretName));
    if (s.env) {
      checkRule(CONSTRUCT, id, `secrets[].env variable "${s.env.variable}"`, envVarName(s.env.variable));
      checkRule(CONSTRUCT, id, `secrets[].env key "${s.env.key}" (of Secret "${s.secretName}")`, configMapKey(s.env.key), 'a Secret key is letters, digits, \'-\', \'_\' or \'.\', e.g. "password"');
    }
  }
}

/**
 * Whether the app must publish the request-duration histogram: a latency template in its release's
 * analysis, or its latency alert, reads it, and without it every measurement is inconclusive (no
 * data). JavaApp then sets the switch itself; a value of the app's own that turns it off is refused.
 */
function checkLatencyHistogram(id: string, props: JavaAppProps): boolean {
  const templates = (props.strategy?.analysisTemplates() ?? [])
    .filter((t): t is { templateName: string; measuresLatency: boolean } => typeof t === 'object' && (t as { measuresLatency?: unknown }).measuresLatency === true)
    .map((t) => `the analysis template "${t.templateName}"`);
  const readers = [...new Set(templates), ...(props.alerts && props.alerts.latency !== false ? ['the latency alert (alerts.latency)'] : [])];
  if (readers.length === 0) return false;
  const own = props.env?.[LATENCY_HISTOGRAM_ENV];
  check(own === undefined || own === 'true', CONSTRUCT, id, () =>
    `env ${LATENCY_HISTOGRAM_ENV} is "${own}", which turns off the request-duration histogram that ${readers.join(' and ')} measure${readers.length === 1 ? 's' : ''}: `
    + 'remove it (JavaApp sets it to "true" for them), or measure no latency (alerts: { latency: false }, no latency template)');
  return true;
}

/** Node selector, tolerations and the size of the configuration. */
function checkScheduling(id: string, props: JavaAppProps): void {
  for (const [key, value] of Object.entries(props.nodeSelector ?? {})) {
    for (const p of labelMap({ [key]: value })) throw new PropError(CONSTRUCT, id, `nodeSelector ${p.message.replace(/^label /, '')}`);
  }
  (props.tolerations ?? []).forEach((t, i) => {
    for (const [field, message] of tolerationRule(t)) throw new PropError(CONSTRUCT, id, `tolerations[${i}]${field ? `.${field}` : ''} ${message}`);
  });
  if (props.applicationConfig !== undefined) {
    checkRule(CONSTRUCT, id, 'applicationConfig', configMapData({ 'application.yaml': props.applicationConfig }, undefined).map(([, m]) => m), 'a ConfigMap holds at most 1 MiB; mount large files from a volume instead');
  }
}
