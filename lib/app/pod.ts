import { createHash } from 'crypto';
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HealthProbe } from './health-probe';
import { CONFIG_DIR, CONSTRUCT, JavaAppSettings, LATENCY_HISTOGRAM_ENV } from './checks';
import { AccessMode, JavaAppProps } from './props';
import { restrictedContainer, restrictedPod } from '../rules/security-context';
import { check } from '../props/checks';

/** What the pod of a JavaApp is built from, beside its props. */
export interface PodContext {
  /** The app's name (its construct id). */
  readonly id: string;
  readonly port: number;
  readonly settings: JavaAppSettings;
  readonly selectorLabels: Record<string, string>;
  /** Metadata of an object of the app, named `name`. */
  readonly metadata: (name: string) => k8s.ObjectMeta;
}

/** The volumes and mounts of the pod, with the ConfigMap and PVC behind them (children of `app`). */
export interface PodStorage {
  readonly volumes: k8s.Volume[];
  readonly mounts: k8s.VolumeMount[];
  /** `valueFrom.secretKeyRef` variables, after the plain ones. */
  readonly secretEnv: k8s.EnvVar[];
  /** `checksum/config` when there is a configuration. */
  readonly annotations: Record<string, string>;
}

/** `/tmp`, the configuration, the data volume and the Secrets, in that order. */
export function podStorage(app: Construct, ctx: PodContext, props: JavaAppProps): PodStorage {
  const id = ctx.id;
  const volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString(props.tmpSize ?? '256Mi') } }];
  const mounts: k8s.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  const annotations: Record<string, string> = {};

  if (props.applicationConfig !== undefined) {
    const configName = `${id}-config`;
    new k8s.KubeConfigMap(app, 'Config', {
      metadata: ctx.metadata(configName),
      data: { 'application.yaml': props.applicationConfig },
    });
    volumes.push({ name: 'config', configMap: { name: configName } });
    mounts.push({ name: 'config', mountPath: CONFIG_DIR.replace(/\/$/, ''), readOnly: true });
    // A new checksum changes the pod template, so pods roll when the configuration changes.
    annotations['checksum/config'] = createHash('sha256').update(props.applicationConfig).digest('hex');
  }

  const storage = props.storage;
  if (storage) {
    const claimName = `${id}-data`;
    new k8s.KubePersistentVolumeClaim(app, 'Data', {
      metadata: ctx.metadata(claimName),
      spec: {
        accessModes: [storage.accessMode ?? AccessMode.READ_WRITE_ONCE],
        storageClassName: storage.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(storage.size) } },
      },
    });
    volumes.push({ name: 'data', persistentVolumeClaim: { claimName } });
    mounts.push({ name: 'data', mountPath: storage.mountPath ?? '/data' });
  }

  const secretEnv: k8s.EnvVar[] = [];
  (props.secrets ?? []).forEach((s, i) => {
    if (s.env) {
      secretEnv.push({ name: s.env.variable, valueFrom: { secretKeyRef: { name: s.secretName, key: s.env.key } } });
    } else {
      const volume = `secret-${i}`;
      volumes.push({ name: volume, secret: { secretName: s.secretName, defaultMode: 0o440 } });
      mounts.push({ name: volume, mountPath: s.mountPath!, readOnly: true });
    }
  });
  return { volumes, mounts, secretEnv, annotations };
}

/** The JVM and Spring Boot settings, then the app's own variables, then the Secrets; each name once. */
export function springEnvironment(ctx: PodContext, props: JavaAppProps, secretEnv: k8s.EnvVar[]): k8s.EnvVar[] {
  const javaOptions = [
    `-XX:MaxRAMPercentage=${(props.maxRamPercentage ?? 75).toFixed(1)}`,
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.io.tmpdir=/tmp',
    ...(props.javaOptions ?? []),
  ];
  const envVars: k8s.EnvVar[] = [
    { name: 'JAVA_TOOL_OPTIONS', value: javaOptions.join(' ') },
    { name: 'SERVER_PORT', value: String(ctx.port) },
    { name: 'MANAGEMENT_SERVER_PORT', value: String(ctx.settings.managementPort) },
    { name: 'SERVER_SHUTDOWN', value: 'graceful' },
    { name: 'SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE', value: `${ctx.settings.shutdown.toSeconds()}s` },
    { name: 'MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED', value: 'true' },
    { name: 'MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE', value: 'health,info,prometheus' },
    ...(props.applicationConfig !== undefined ? [{ name: 'SPRING_CONFIG_ADDITIONAL_LOCATION', value: `optional:file:${CONFIG_DIR}` }] : []),
    ...(props.springProfiles?.length ? [{ name: 'SPRING_PROFILES_ACTIVE', value: props.springProfiles.join(',') }] : []),
    // The latency histogram joins the app's own variables, sorted with them (its own value is 'true' or refused).
    ...Object.entries({ ...props.env, ...(ctx.settings.latencyHistogram ? { [LATENCY_HISTOGRAM_ENV]: 'true' } : {}) })
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([name, value]) => ({ name, value })),
    ...secretEnv,
  ];
  const duplicateEnv = envVars.map((e) => e.name).find((n, i, all) => all.indexOf(n) !== i);
  check(duplicateEnv === undefined, CONSTRUCT, ctx.id, () => `environment variable ${duplicateEnv} is set twice (it may be one the app sets itself)`);
  return envVars;
}

/** The `app` container: ports, resources, actuator probes, graceful shutdown, restricted security context. */
export function appContainer(ctx: PodContext, props: JavaAppProps, env: k8s.EnvVar[], mounts: k8s.VolumeMount[]): k8s.Container {
  const { managementPort, cpuRequest, cpuLimit, memoryRequest, memoryLimit, preStop } = ctx.settings;
  // Actuator probes go to the management port unless the probe names its own port.
  const probe = (given: HealthProbe | undefined, fallback: HealthProbe): k8s.Probe => {
    const p = given ?? fallback;
    const onApp = p.toKube(ctx.port);
    const ownPort = JSON.stringify(onApp) === JSON.stringify(p.toKube(ctx.port + 1));
    return !ownPort && onApp.httpGet?.path?.startsWith('/actuator') ? p.toKube(managementPort) : onApp;
  };
  return {
    name: 'app',
    image: props.image,
    imagePullPolicy: 'IfNotPresent',
    ports: [
      { name: 'http', containerPort: ctx.port, protocol: 'TCP' },
      { name: 'management', containerPort: managementPort, protocol: 'TCP' },
    ],
    env,
    resources: {
      requests: { cpu: k8s.Quantity.fromString(cpuRequest), memory: k8s.Quantity.fromString(memoryRequest) },
      limits: { ...(cpuLimit === undefined ? {} : { cpu: k8s.Quantity.fromString(cpuLimit) }), memory: k8s.Quantity.fromString(memoryLimit) },
    },
    startupProbe: probe(props.startupProbe, HealthProbe.httpGet('/actuator/health/liveness', { period: Duration.seconds(5), failureThreshold: 60 })),
    livenessProbe: probe(props.livenessProbe, HealthProbe.httpGet('/actuator/health/liveness')),
    readinessProbe: ctx.settings.noReadiness ? undefined : probe(props.readinessProbe, HealthProbe.httpGet('/actuator/health/readiness', { period: Duration.seconds(5) })),
    // Keep serving while endpoints and load balancers forget the pod, then shut down gracefully.
    // A zero delay drops the hook (for images without a shell, such as distroless ones).
    lifecycle: preStop.toSeconds() > 0 ? { preStop: { exec: { command: ['sh', '-c', `sleep ${preStop.toSeconds()}`] } } } : undefined,
    securityContext: restrictedContainer({
      readOnlyRootFilesystem: !(props.policyExceptions ?? []).some((e) => e.rule === 'read-only-root-filesystem'),
    }),
    volumeMounts: mounts,
  };
}

/** The pod spec around the container: its own token-less ServiceAccount, non-root, spread over zones and nodes. */
export function podSpec(ctx: PodContext, props: JavaAppProps, container: k8s.Container, volumes: k8s.Volume[]): k8s.PodSpec {
  const runAs = props.runAsUser ?? 1000;
  const spread = (topologyKey: string): k8s.TopologySpreadConstraint => ({
    maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: ctx.selectorLabels },
  });
  return {
    serviceAccountName: ctx.id,
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: ctx.settings.preStop.toSeconds() + ctx.settings.shutdown.toSeconds() + 5,
    securityContext: restrictedPod(runAs),
    containers: [container],
    volumes,
    topologySpreadConstraints: (props.topologySpread ?? true)
      ? [spread('topology.kubernetes.io/zone'), spread('kubernetes.io/hostname')] : undefined,
    nodeSelector: props.nodeSelector,
    tolerations: props.tolerations,
  };
}
