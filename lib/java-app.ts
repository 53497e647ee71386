import { createHash } from 'crypto';
import { Chart, Duration, Lazy } from 'cdk8s';
import { k8s, ServiceType } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DeployStrategy } from './deploy-strategy';
import { Environment } from './environment';
import { HealthProbe } from './health-probe';
import { appLabels } from './labels';
import { AlertOptions, AppAlerts } from './monitoring-alerts';
import { AppMonitor, Monitoring } from './monitoring';
import { dnsEgressRule, Egress } from './network-egress';
import { PolicyException, PolicyRule } from './policy-exception';
import { check, checkImage, checkInteger, checkName, checkPort, checkQuantity, checkRule, imageVersion, isDnsSubdomain, PropError } from './props';
import { literalCredential, secretLookingName } from './rules/credentials';
import { ingressClassName, ingressHost, ingressPath, tlsSecretName } from './rules/ingress';
import { configMapKey, envVarName } from './rules/keys';
import { annotationMap, dns1035Label, dns1123Label, dns1123Subdomain, labelMap, labelValue } from './rules/names';
import { configMapData, probe as probeRule, toleration as tolerationRule } from './rules/workloads';
import { checkProps } from './prop-schema';
import { JavaAppPropsSchema } from './prop-schemas';
import { IRolloutWorkload, WorkloadPort } from './rollout-workload';
import { addSelfCheck } from './validate/self-check';

/** A Secret that already exists in the cluster, referenced by name: its values never reach `dist/`. */
export class SecretRef {
  /** One key of a Secret as an environment variable (`valueFrom.secretKeyRef`). */
  public static env(variable: string, secretName: string, key: string): SecretRef {
    return new SecretRef(secretName, { variable, key });
  }

  /** Every key of a Secret as a file under `mountPath`, mounted read-only. */
  public static files(secretName: string, mountPath: string): SecretRef {
    return new SecretRef(secretName, undefined, mountPath);
  }

  private constructor(
    public readonly secretName: string,
    public readonly env?: { readonly variable: string; readonly key: string },
    public readonly mountPath?: string,
  ) {}
}

/** Access modes of the app's volume. */
export enum AccessMode {
  /** Mounted read-write by the pods of a single node. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Mounted read-write by pods on many nodes (needs a storage class that supports it). */
  READ_WRITE_MANY = 'ReadWriteMany',
}

export interface StorageOptions {
  /** Size of the PersistentVolumeClaim, e.g. `10Gi`. */
  readonly size: string;
  /**
   * Where the volume is mounted in the container.
   * @default '/data'
   */
  readonly mountPath?: string;
  /**
   * Storage class of the claim.
   * @default the cluster's default storage class
   */
  readonly storageClassName?: string;
  /**
   * Access mode. ReadWriteOnce is only allowed when at most one pod runs.
   * @default AccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: AccessMode;
}

export interface IngressOptions {
  /** Host name the app is reached at, e.g. `orders.example.com`. */
  readonly host: string;
  /**
   * Path prefix routed to the app.
   * @default '/'
   */
  readonly path?: string;
  /**
   * Name of an existing TLS Secret for the host (e.g. issued by cert-manager).
   * @default no TLS
   */
  readonly tlsSecretName?: string;
  /**
   * Ingress class.
   * @default 'nginx'
   */
  readonly className?: string;
  /**
   * Extra annotations for the ingress controller.
   * @default none
   */
  readonly annotations?: Record<string, string>;
}

export interface AutoscalingOptions {
  /**
   * Fewest replicas.
   * @default the app's `replicas`
   */
  readonly minReplicas?: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /**
   * Average CPU utilization (percent of the request) the autoscaler aims for.
   * @default 70
   */
  readonly cpuUtilization?: number;
}

export interface NetworkPolicyOptions {
  /**
   * Apps (by `app.kubernetes.io/name`) in the same namespace that may call this app.
   * @default none
   */
  readonly allowFromApps?: string[];
  /**
   * Namespaces whose pods may call this app.
   * @default none
   */
  readonly allowFromNamespaces?: string[];
  /**
   * Namespace of the ingress controller, allowed when the app has an Ingress.
   * @default 'ingress-nginx'
   */
  readonly ingressControllerNamespace?: string;
  /**
   * Namespace of Prometheus, allowed to scrape the app.
   * @default 'monitoring'
   */
  readonly monitoringNamespace?: string;
  /**
   * Other namespaces that may reach the management port (the actuator), e.g. `argo-rollouts` for
   * `AnalysisTemplate.web()` checks, which the Rollouts controller runs.
   * @default none: only Prometheus
   */
  readonly allowManagementFromNamespaces?: string[];
  /**
   * Restrict the app's egress to these destinations (plus DNS to kube-dns): `Egress.toApps()`,
   * `Egress.toNamespaces()`, `Egress.toCidrs()`; an empty list allows DNS only.
   * @default egress not restricted by this policy (see DefaultDenyEgress for a namespace-wide deny)
   */
  readonly egress?: Egress[];
}

export interface JavaAppProps {
  /** Container image with a version tag or a digest; `latest` or no tag is refused. */
  readonly image: string;
  /**
   * Port the app listens on (Spring's `server.port`).
   * @default 8080
   */
  readonly port?: number;
  /**
   * Port of Spring Boot's actuator (`management.server.port`): health probes and metrics, never
   * routed by an Ingress; the Services expose it as `management`, for the monitor only.
   * @default 8081
   */
  readonly managementPort?: number;
  /**
   * Port of the Service in front of the app.
   * @default 80
   */
  readonly servicePort?: number;
  /**
   * How the Service is exposed: ClusterIP, NodePort or LoadBalancer.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
  /**
   * Number of pods (the autoscaler's starting point when `autoscaling` is set).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * How a new version replaces the old one.
   * @default DeployStrategy.rollingUpdate()
   */
  readonly strategy?: DeployStrategy;
  /**
   * CPU request.
   * @default '250m'
   */
  readonly cpuRequest?: string;
  /**
   * CPU limit.
   * @default '1'
   */
  readonly cpuLimit?: string;
  /**
   * Memory limit; the JVM heap is `maxRamPercentage` of it.
   * @default '1Gi'
   */
  readonly memoryLimit?: string;
  /**
   * Memory request.
   * @default the memory limit (a JVM does not give memory back; requesting less invites OOM kills)
   */
  readonly memoryRequest?: string;
  /**
   * Share of the memory limit the JVM may use for its heap (`-XX:MaxRAMPercentage`).
   * @default 75
   */
  readonly maxRamPercentage?: number;
  /**
   * Extra JVM options appended to `JAVA_TOOL_OPTIONS`.
   * @default none
   */
  readonly javaOptions?: string[];
  /**
   * Spring profiles (`SPRING_PROFILES_ACTIVE`).
   * @default none
   */
  readonly springProfiles?: string[];
  /**
   * Plain environment variables. Never put a secret here: use `secrets`.
   * @default none
   */
  readonly env?: Record<string, string>;
  /**
   * Content of an `application.yaml`: a ConfigMap `<app>-config` mounted read-only at `/config/`
   * and found by Spring; a change of it rolls the pods.
   * @default no ConfigMap
   */
  readonly applicationConfig?: string;
  /**
   * Secrets that exist in the cluster, as env vars or files (`SecretRef.env()`, `SecretRef.files()`).
   * @default none
   */
  readonly secrets?: SecretRef[];
  /**
   * A PersistentVolumeClaim `<app>-data` mounted into the container.
   * @default no volume
   */
  readonly storage?: StorageOptions;
  /**
   * Size of the writable `/tmp` (an emptyDir, since the root filesystem is read-only).
   * @default '256Mi'
   */
  readonly tmpSize?: string;
  /**
   * Startup probe.
   * @default HealthProbe.httpGet('/actuator/health/liveness', { periodSeconds: 5, failureThreshold: 60 })
   */
  readonly startupProbe?: HealthProbe;
  /**
   * Liveness probe.
   * @default HealthProbe.httpGet('/actuator/health/liveness')
   */
  readonly livenessProbe?: HealthProbe;
  /**
   * Readiness probe.
   * @default HealthProbe.httpGet('/actuator/health/readiness', { periodSeconds: 5 })
   */
  readonly readinessProbe?: HealthProbe;
  /**
   * How long the pod keeps serving after it is removed from the endpoints (a preStop `sleep`
   * through `sh`; `Duration.seconds(0)` drops the hook for images without a shell).
   * @default Duration.seconds(10)
   */
  readonly preStopDelay?: Duration;
  /**
   * Spring's graceful shutdown phase (`spring.lifecycle.timeout-per-shutdown-phase`). The termination
   * grace period is the preStop pause plus this plus 5 seconds.
   * @default Duration.seconds(30)
   */
  readonly shutdownTimeout?: Duration;
  /**
   * An Ingress to the app's Service.
   * @default no Ingress
   */
  readonly ingress?: IngressOptions;
  /**
   * A NetworkPolicy that admits only the listed callers (plus the ingress controller and Prometheus).
   * @default no NetworkPolicy
   */
  readonly networkPolicy?: NetworkPolicyOptions;
  /**
   * A HorizontalPodAutoscaler on CPU; the replica count is then left to it.
   * @default no autoscaler
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * Pods that may be down at once during voluntary disruptions (PodDisruptionBudget, created
   * whenever more than one replica can run).
   * @default 1
   */
  readonly maxUnavailable?: number;
  /**
   * Spread pods over nodes and zones.
   * @default true
   */
  readonly topologySpread?: boolean;
  /**
   * Node selector.
   * @default none
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Tolerations.
   * @default none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * User and group id the container runs as (never 0).
   * @default 1000
   */
  readonly runAsUser?: number;
  /**
   * Scrape `/actuator/prometheus` with Prometheus (`false`: no monitor, no annotations).
   * @default true
   */
  readonly metrics?: boolean;
  /**
   * What scrapes the metrics: `Monitoring.serviceMonitor({ labels, interval })`,
   * `Monitoring.podMonitor()`, or `Monitoring.annotations()` for clusters without the Prometheus Operator.
   * @default the environment's `monitoring`, else Monitoring.serviceMonitor()
   */
  readonly monitoring?: Monitoring;
  /**
   * A PrometheusRule with the app's error-rate, latency and restart alerts, from the same metric
   * definitions as the release analysis (needs a monitor).
   * @default no alerts
   */
  readonly alerts?: AlertOptions;
  /**
   * Explicit, reviewed exceptions to policy rules of the validation gate.
   * @default none
   */
  readonly policyExceptions?: PolicyException[];
}

const CONSTRUCT = 'JavaApp';
const CONFIG_DIR = '/config/';

/**
 * A Spring Boot service: Deployment, Service, ServiceAccount and, as asked, ConfigMap, PVC, Ingress,
 * HPA, PDB and NetworkPolicy, secure by default. The construct id is the app's name.
 */
export class JavaApp extends Construct implements IRolloutWorkload {
  public readonly name: string;
  public readonly namespace: string;
  public readonly image: string;
  public readonly port: number;
  public readonly selectorLabels: Record<string, string>;
  public readonly labels: Record<string, string>;
  public readonly ports: WorkloadPort[];
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly ingress?: k8s.KubeIngress;
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The Argo Rollout that drives the Deployment, when the strategy is blue-green or canary. */
  public rolloutName?: string;
  private readonly replicas: number;

  constructor(scope: Construct, id: string, props: JavaAppProps) {
    super(scope, id);
    checkProps(CONSTRUCT, id, props, JavaAppPropsSchema);
    // The app's name is also its Service's name, and ValidateServiceName is NameIsDNS1035Label.
    checkRule(CONSTRUCT, id, `name (the construct id, also the name of its Service) "${id}"`, dns1035Label(id), 'start it with a letter, e.g. "app-2fa"');
    checkImage(CONSTRUCT, id, 'image', props.image);
    checkPort(CONSTRUCT, id, 'port', props.port);
    checkPort(CONSTRUCT, id, 'servicePort', props.servicePort);
    checkInteger(CONSTRUCT, id, 'replicas', props.replicas, 0, 1000);
    checkInteger(CONSTRUCT, id, 'maxRamPercentage', props.maxRamPercentage, 10, 95);
    checkInteger(CONSTRUCT, id, 'runAsUser', props.runAsUser, 1, 2 ** 31 - 1);
    // ValidatePodDisruptionBudgetSpec accepts maxUnavailable 0 (no voluntary eviction until changed).
    checkInteger(CONSTRUCT, id, 'maxUnavailable', props.maxUnavailable, 0, 1000);

    const env = Environment.find(this);
    this.name = id;
    this.namespace = env?.namespace ?? Chart.of(this).namespace ?? 'default';
    this.image = props.image;
    this.port = props.port ?? 8080;
    this.replicas = props.replicas ?? 2;
    checkRule(CONSTRUCT, id, `namespace "${this.namespace}"`, dns1123Label(this.namespace), 'a namespace is a DNS-1123 label, e.g. "shop-prod"');
    env?.registerApp(this);

    const managementPort = props.managementPort ?? 8081;
    checkPort(CONSTRUCT, id, 'managementPort', props.managementPort);
    check(managementPort !== this.port, CONSTRUCT, id, () =>
      `managementPort must differ from port (${this.port}): the actuator gets a port that no Ingress routes`);
    // An exception acts on the objects: the limit or probe it exempts is not written at all.
    const exempt = (rule: PolicyRule) => (props.policyExceptions ?? []).some((e) => e.rule === rule);
    const noCpuLimit = exempt(PolicyRule.CPU_LIMIT);
    const noReadiness = exempt(PolicyRule.READINESS_PROBE);
    check(!noCpuLimit || props.cpuLimit === undefined, CONSTRUCT, id, () =>
      'cpuLimit is set but policyExceptions has PolicyException.noCpuLimit(): remove one of them');
    check(!noReadiness || props.readinessProbe === undefined, CONSTRUCT, id, () =>
      'readinessProbe is set but policyExceptions has PolicyException.noReadinessProbe(): remove one of them');

    const cpuRequest = props.cpuRequest ?? '250m';
    const cpuLimit = noCpuLimit ? undefined : props.cpuLimit ?? '1';
    const memoryLimit = props.memoryLimit ?? '1Gi';
    const memoryRequest = props.memoryRequest ?? memoryLimit;
    const cpuReq = checkQuantity(CONSTRUCT, id, 'cpuRequest', cpuRequest)!;
    const cpuLim = checkQuantity(CONSTRUCT, id, 'cpuLimit', cpuLimit) ?? Infinity;
    const memLim = checkQuantity(CONSTRUCT, id, 'memoryLimit', memoryLimit)!;
    const memReq = checkQuantity(CONSTRUCT, id, 'memoryRequest', memoryRequest)!;
    checkQuantity(CONSTRUCT, id, 'tmpSize', props.tmpSize);
    check(cpuReq <= cpuLim, CONSTRUCT, id, () => `cpuRequest (${cpuRequest}) must not exceed cpuLimit (${cpuLimit})`);
    check(memReq <= memLim, CONSTRUCT, id, () => `memoryRequest (${memoryRequest}) must not exceed memoryLimit (${memoryLimit})`);
    check(memLim >= 256 * 2 ** 20, CONSTRUCT, id, () => `memoryLimit must be at least 256Mi for a JVM, got ${memoryLimit}`);

    const autoscaling = props.autoscaling;
    if (autoscaling) {
      checkInteger(CONSTRUCT, id, 'autoscaling.minReplicas', autoscaling.minReplicas, 1, 1000);
      checkInteger(CONSTRUCT, id, 'autoscaling.maxReplicas', autoscaling.maxReplicas, 1, 1000);
      checkInteger(CONSTRUCT, id, 'autoscaling.cpuUtilization', autoscaling.cpuUtilization, 1, 100);
      const min = autoscaling.minReplicas ?? Math.max(1, this.replicas);
      check(min <= autoscaling.maxReplicas, CONSTRUCT, id, () =>
        `autoscaling.minReplicas (${min}) must not exceed autoscaling.maxReplicas (${autoscaling.maxReplicas})`);
    }
    const maxPods = autoscaling ? autoscaling.maxReplicas : this.replicas;
    const storage = props.storage;
    if (storage) {
      checkQuantity(CONSTRUCT, id, 'storage.size', storage.size);
      if (storage.storageClassName !== undefined) {
        check(isDnsSubdomain(storage.storageClassName), CONSTRUCT, id, () =>
          `storage.storageClassName must be a DNS-1123 subdomain, got "${storage.storageClassName}"`);
      }
      check((storage.accessMode ?? AccessMode.READ_WRITE_ONCE) !== AccessMode.READ_WRITE_ONCE || (maxPods <= 1 && !props.strategy?.isRollout), CONSTRUCT, id, () =>
        'storage.accessMode ReadWriteOnce lets only one node mount the volume, but more than one pod can run '
        + '(replicas, autoscaling or a blue-green/canary strategy): use AccessMode.READ_WRITE_MANY or a single replica');
    }
    const mountPaths = [CONFIG_DIR.replace(/\/$/, ''), '/tmp', storage?.mountPath ?? (storage ? '/data' : undefined),
      ...(props.secrets ?? []).map((s) => s.mountPath)].filter((p): p is string => p !== undefined);
    for (const p of mountPaths) {
      check(p.startsWith('/'), CONSTRUCT, id, () => `mount paths must be absolute, got "${p}"`);
    }
    const duplicateMount = mountPaths.find((p, i) => mountPaths.indexOf(p) !== i);
    check(duplicateMount === undefined, CONSTRUCT, id, () => `two volumes are mounted at ${duplicateMount}: give each a distinct mountPath`);
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
    for (const [key, value] of Object.entries(props.nodeSelector ?? {})) {
      for (const p of labelMap({ [key]: value })) throw new PropError(CONSTRUCT, id, `nodeSelector ${p.message.replace(/^label /, '')}`);
    }
    (props.tolerations ?? []).forEach((t, i) => {
      for (const [field, message] of tolerationRule(t)) throw new PropError(CONSTRUCT, id, `tolerations[${i}]${field ? `.${field}` : ''} ${message}`);
    });
    if (props.applicationConfig !== undefined) {
      checkRule(CONSTRUCT, id, 'applicationConfig', configMapData({ 'application.yaml': props.applicationConfig }, undefined).map(([, m]) => m), 'a ConfigMap holds at most 1 MiB; mount large files from a volume instead');
    }
    const preStop = props.preStopDelay ?? Duration.seconds(10);
    const shutdown = props.shutdownTimeout ?? Duration.seconds(30);

    const version = imageVersion(props.image);
    const partOf = env?.partOf ?? 'platform';
    checkRule(CONSTRUCT, id, `partOf label value "${partOf}"`, labelValue(partOf));
    const labels = appLabels(id, version, partOf);
    this.selectorLabels = labels.selector;
    this.labels = labels.all;
    const metadata = (name: string, extra: Record<string, string> = {}) => ({
      name, namespace: this.namespace, labels: { ...this.labels, ...extra },
    });

    // ServiceAccount of its own, without an API token: a Spring Boot app rarely talks to the API server.
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(id),
      automountServiceAccountToken: false,
    });

    const volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString(props.tmpSize ?? '256Mi') } }];
    const mounts: k8s.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
    const podAnnotations: Record<string, string> = {};

    if (props.applicationConfig !== undefined) {
      const configName = `${id}-config`;
      new k8s.KubeConfigMap(this, 'Config', {
        metadata: metadata(configName),
        data: { 'application.yaml': props.applicationConfig },
      });
      volumes.push({ name: 'config', configMap: { name: configName } });
      mounts.push({ name: 'config', mountPath: CONFIG_DIR.replace(/\/$/, ''), readOnly: true });
      // A new checksum changes the pod template, so pods roll when the configuration changes.
      podAnnotations['checksum/config'] = createHash('sha256').update(props.applicationConfig).digest('hex');
    }

    if (storage) {
      const claimName = `${id}-data`;
      new k8s.KubePersistentVolumeClaim(this, 'Data', {
        metadata: metadata(claimName),
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

    const javaOptions = [
      `-XX:MaxRAMPercentage=${(props.maxRamPercentage ?? 75).toFixed(1)}`,
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.io.tmpdir=/tmp',
      ...(props.javaOptions ?? []),
    ];
    const envVars: k8s.EnvVar[] = [
      { name: 'JAVA_TOOL_OPTIONS', value: javaOptions.join(' ') },
      { name: 'SERVER_PORT', value: String(this.port) },
      { name: 'MANAGEMENT_SERVER_PORT', value: String(managementPort) },
      { name: 'SERVER_SHUTDOWN', value: 'graceful' },
      { name: 'SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE', value: `${shutdown.toSeconds()}s` },
      { name: 'MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED', value: 'true' },
      { name: 'MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE', value: 'health,info,prometheus' },
      ...(props.applicationConfig !== undefined ? [{ name: 'SPRING_CONFIG_ADDITIONAL_LOCATION', value: `optional:file:${CONFIG_DIR}` }] : []),
      ...(props.springProfiles?.length ? [{ name: 'SPRING_PROFILES_ACTIVE', value: props.springProfiles.join(',') }] : []),
      ...Object.keys(props.env ?? {}).sort().map((name) => ({ name, value: props.env![name] })),
      ...secretEnv,
    ];
    const duplicateEnv = envVars.map((e) => e.name).find((n, i, all) => all.indexOf(n) !== i);
    check(duplicateEnv === undefined, CONSTRUCT, id, () => `environment variable ${duplicateEnv} is set twice (it may be one the app sets itself)`);

    const metrics = props.metrics ?? true;
    const monitoring = props.monitoring ?? env?.monitoring ?? Monitoring.serviceMonitor();
    if (metrics && !monitoring.kind) {
      // Only without a monitor: an annotation-driven scrape job beside it would scrape every pod twice.
      podAnnotations['prometheus.io/scrape'] = 'true';
      podAnnotations['prometheus.io/path'] = '/actuator/prometheus';
      podAnnotations['prometheus.io/port'] = String(managementPort);
    }
    for (const exception of props.policyExceptions ?? []) {
      check(exception.reason.trim().length > 0, CONSTRUCT, id, () => `policyExceptions: ${exception.rule} needs a reason`);
      const [key, value] = exception.annotation;
      podAnnotations[key] = value;
    }

    const strategy = props.strategy ?? DeployStrategy.rollingUpdate();
    const runAs = props.runAsUser ?? 1000;
    // Actuator probes go to the management port unless the probe names its own port.
    const probe = (given: HealthProbe | undefined, fallback: HealthProbe): k8s.Probe => {
      const p = given ?? fallback;
      const onApp = p.toKube(this.port);
      const ownPort = JSON.stringify(onApp) === JSON.stringify(p.toKube(this.port + 1));
      return !ownPort && onApp.httpGet?.path?.startsWith('/actuator') ? p.toKube(managementPort) : onApp;
    };
    const spread = (topologyKey: string): k8s.TopologySpreadConstraint => ({
      maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: this.selectorLabels },
    });

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { ...metadata(id), labels: labels.workload },
      spec: {
        // Left to the autoscaler, or to the Rollout (which keeps the Deployment at 0), when there is one.
        replicas: Lazy.any({ produce: () => (this.rolloutName ? 0 : autoscaling ? undefined : this.replicas) }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selectorLabels },
        strategy: strategy.deploymentStrategy(CONSTRUCT, id),
        template: {
          metadata: { labels: labels.workload, annotations: Object.keys(podAnnotations).length ? podAnnotations : undefined },
          spec: {
            serviceAccountName: id,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: preStop.toSeconds() + shutdown.toSeconds() + 5,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: runAs,
              runAsGroup: runAs,
              fsGroup: runAs,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [{
              name: 'app',
              image: props.image,
              imagePullPolicy: 'IfNotPresent',
              ports: [
                { name: 'http', containerPort: this.port, protocol: 'TCP' },
                { name: 'management', containerPort: managementPort, protocol: 'TCP' },
              ],
              env: envVars,
              resources: {
                requests: { cpu: k8s.Quantity.fromString(cpuRequest), memory: k8s.Quantity.fromString(memoryRequest) },
                limits: { ...(cpuLimit === undefined ? {} : { cpu: k8s.Quantity.fromString(cpuLimit) }), memory: k8s.Quantity.fromString(memoryLimit) },
              },
              startupProbe: probe(props.startupProbe, HealthProbe.httpGet('/actuator/health/liveness', { periodSeconds: 5, failureThreshold: 60 })),
              livenessProbe: probe(props.livenessProbe, HealthProbe.httpGet('/actuator/health/liveness')),
              readinessProbe: noReadiness ? undefined : probe(props.readinessProbe, HealthProbe.httpGet('/actuator/health/readiness', { periodSeconds: 5 })),
              // Keep serving while endpoints and load balancers forget the pod, then shut down gracefully.
              // A zero delay drops the hook (for images without a shell, such as distroless ones).
              lifecycle: preStop.toSeconds() > 0 ? { preStop: { exec: { command: ['sh', '-c', `sleep ${preStop.toSeconds()}`] } } } : undefined,
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: !(props.policyExceptions ?? []).some((e) => e.rule === 'read-only-root-filesystem'),
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: mounts,
            }],
            volumes,
            topologySpreadConstraints: (props.topologySpread ?? true)
              ? [spread('topology.kubernetes.io/zone'), spread('kubernetes.io/hostname')] : undefined,
            nodeSelector: props.nodeSelector,
            tolerations: props.tolerations,
          },
        },
      },
    });

    for (const [prop, kind] of [['startupProbe', 'startup'], ['livenessProbe', 'liveness'], ['readinessProbe', 'readiness']] as const) {
      const probe = props[prop];
      if (!probe) continue;
      for (const [field, message] of probeRule(k8s.toJson_Probe(probe.toKube(this.port)), kind)) throw new PropError(CONSTRUCT, id, `${prop}${field ? ` ${field}` : ''} ${message}`);
    }

    const servicePort = props.servicePort ?? 80;
    check(servicePort !== managementPort, CONSTRUCT, id, () => `servicePort must differ from managementPort (${managementPort})`);
    // The Ingress routes `http` only; `management` is there for the monitor (and in-cluster checks).
    this.ports = [{ name: 'http', port: servicePort, targetPort: 'http' }, { name: 'management', port: managementPort, targetPort: 'management' }];
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: metadata(id),
      spec: {
        type: props.serviceType ?? ServiceType.CLUSTER_IP,
        selector: this.selectorLabels,
        ports: this.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(String(p.targetPort)), protocol: 'TCP' })),
      },
    });

    if (props.ingress) {
      const ing = props.ingress;
      check(ingressHost(ing.host).length === 0, CONSTRUCT, id, () => `ingress.host must be a DNS name such as orders.example.com, got "${ing.host}": ${ingressHost(ing.host).join('; ')} (a wildcard such as *.example.com is fine)`);
      checkRule(CONSTRUCT, id, 'ingress.path', ingressPath(ing.path ?? '/', 'Prefix'));
      if (ing.tlsSecretName !== undefined) checkRule(CONSTRUCT, id, `ingress.tlsSecretName "${ing.tlsSecretName}"`, tlsSecretName(ing.tlsSecretName));
      if (ing.className !== undefined) checkRule(CONSTRUCT, id, `ingress.className "${ing.className}"`, ingressClassName(ing.className));
      for (const p of annotationMap(ing.annotations ?? {})) throw new PropError(CONSTRUCT, id, `ingress.annotations: ${p.message}`);
      env?.claimRoute(ing.host, ing.path ?? '/', CONSTRUCT, id, 'ingress');
      this.ingress = new k8s.KubeIngress(this, 'Ingress', {
        metadata: { ...metadata(id), annotations: ing.annotations },
        spec: {
          ingressClassName: ing.className ?? 'nginx',
          tls: ing.tlsSecretName ? [{ hosts: [ing.host], secretName: ing.tlsSecretName }] : undefined,
          rules: [{
            host: ing.host,
            http: {
              paths: [{
                path: ing.path ?? '/',
                pathType: 'Prefix',
                backend: { service: { name: id, port: { name: 'http' } } },
              }],
            },
          }],
        },
      });
    }

    if (autoscaling) {
      this.autoscaler = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
        metadata: metadata(id),
        spec: {
          // An autoscaler must scale the Rollout when there is one: it owns the replicas.
          scaleTargetRef: Lazy.any({
            produce: () => (this.rolloutName
              ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: this.rolloutName }
              : { apiVersion: 'apps/v1', kind: 'Deployment', name: id }),
          }),
          minReplicas: autoscaling.minReplicas ?? Math.max(1, this.replicas),
          maxReplicas: autoscaling.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilization ?? 70 } },
          }],
        },
      });
    }

    if (maxPods > 1) {
      new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: metadata(id),
        spec: {
          maxUnavailable: k8s.IntOrString.fromNumber(props.maxUnavailable ?? 1),
          selector: { matchLabels: this.selectorLabels },
        },
      });
    }

    if (props.networkPolicy) {
      const np = props.networkPolicy;
      const namespaces = [
        ...(np.allowFromNamespaces ?? []),
        ...(props.ingress ? [np.ingressControllerNamespace ?? 'ingress-nginx'] : []),
      ];
      const management = [...(metrics ? [np.monitoringNamespace ?? 'monitoring'] : []), ...(np.allowManagementFromNamespaces ?? [])];
      for (const ns of [...namespaces, ...management]) checkName(CONSTRUCT, id, 'networkPolicy namespaces', ns);
      for (const app of np.allowFromApps ?? []) checkName(CONSTRUCT, id, 'networkPolicy.allowFromApps', app);
      const namespacePeer = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
      const tcp = (port: number) => [{ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }];
      const from: k8s.NetworkPolicyPeer[] = [
        ...[...new Set(np.allowFromApps ?? [])].sort().map((app) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': app } } })),
        ...[...new Set(namespaces)].sort().map(namespacePeer),
      ];
      // Callers reach `http` only; the actuator (`management`) only Prometheus. No rule: nothing connects.
      const ingress: k8s.NetworkPolicyIngressRule[] = [
        ...(from.length ? [{ from, ports: tcp(this.port) }] : []),
        ...(management.length ? [{ from: [...new Set(management)].sort().map(namespacePeer), ports: tcp(managementPort) }] : []),
      ];
      const egress = np.egress && [dnsEgressRule(), ...np.egress.map((e) => e.toKube(CONSTRUCT, id))];
      new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: metadata(id),
        spec: {
          podSelector: { matchLabels: this.selectorLabels },
          policyTypes: egress ? ['Ingress', 'Egress'] : ['Ingress'],
          ingress,
          egress,
        },
      });
    }

    if (metrics && monitoring.kind) {
      new AppMonitor(this, 'Monitor', {
        monitoring, name: id, namespace: this.namespace, labels: this.labels, selectorLabels: this.selectorLabels,
        portName: 'management', path: '/actuator/prometheus', construct: CONSTRUCT,
      });
    }
    if (props.alerts) {
      check(metrics && monitoring.kind === 'ServiceMonitor', CONSTRUCT, id, () =>
        'alerts measure the app\'s Service, which only a ServiceMonitor labels: use Monitoring.serviceMonitor() and metrics: true, or drop alerts');
      new AppAlerts(this, 'Alerts', {
        ...props.alerts, app: id, namespace: this.namespace, service: id, construct: CONSTRUCT,
        labels: { ...this.labels, ...monitoring.selectionLabels },
      });
    }

    strategy.bind(this);
    addSelfCheck(this, `JavaApp "${id}"`);
  }

  /** Replicas the app asked for; undefined when the autoscaler owns them. */
  public get desiredReplicas(): number | undefined {
    return this.autoscaler ? undefined : this.replicas;
  }

  /** Hands the replica count over to an Argo Rollout (see IRolloutWorkload). */
  public handOver(rolloutName: string): void {
    if (this.rolloutName) throw new PropError(CONSTRUCT, this.name, `is already driven by the Rollout "${this.rolloutName}"`);
    this.rolloutName = rolloutName;
  }
}
