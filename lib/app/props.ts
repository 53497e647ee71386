import { Duration } from 'cdk8s';
import { k8s, ServiceType } from 'cdk8s-plus-27';
import { DeployStrategy } from '../release';
import { HealthProbe } from './health-probe';
import { AlertOptions, AlertOptionsSchema, Monitoring } from '../monitoring';
import { Egress } from './egress';
import { PolicyException } from './policy-exception';
import { Traffic } from '../traffic';
import { checkOptions, P } from '../props/schema';
import { FromStoreOptions, FromStoreOptionsSchema, SecretStoreRef, StoreValue } from '../secrets';

/**
 * A Secret the app reads, by name: one that already exists in the cluster (`env`, `files`), or one
 * the app's ExternalSecret fills from a secret store (`envFromStore`, `filesFromStore`). Its values
 * never reach `dist/`.
 */
export class SecretRef {
  /** One key of a Secret as an environment variable (`valueFrom.secretKeyRef`). */
  public static env(variable: string, secretName: string, key: string): SecretRef {
    return new SecretRef(secretName, { variable, key });
  }

  /** Every key of a Secret as a file under `mountPath`, mounted read-only. */
  public static files(secretName: string, mountPath: string): SecretRef {
    return new SecretRef(secretName, undefined, mountPath);
  }

  /**
   * One key of a Secret as an environment variable, the key filled from a secret store:
   * `SecretRef.envFromStore('SPRING_DATASOURCE_PASSWORD', 'orders-db', 'password', StoreValue.key('shop/orders/db', { property: 'password' }))`.
   * The app writes one ExternalSecret per Secret it fills (named after it), with every key its
   * SecretRefs give; the store is `options.store`, the app's `secretStore`, or the environment's default.
   */
  public static envFromStore(variable: string, secretName: string, key: string, value: StoreValue, options: FromStoreOptions = {}): SecretRef {
    checkOptions('SecretRef.envFromStore', options, FromStoreOptionsSchema);
    return new SecretRef(secretName, { variable, key }, undefined, { keys: { [key]: value }, ...options });
  }

  /**
   * Every key of a Secret as a file under `mountPath` (read-only, updated in place when the
   * Secret changes), the keys filled from a secret store: `keys` maps each file name to its value.
   */
  public static filesFromStore(secretName: string, mountPath: string, keys: Record<string, StoreValue>, options: FromStoreOptions = {}): SecretRef {
    checkOptions('SecretRef.filesFromStore', options, FromStoreOptionsSchema);
    return new SecretRef(secretName, undefined, mountPath, { keys: { ...keys }, ...options });
  }

  private constructor(
    public readonly secretName: string,
    public readonly env?: { readonly variable: string; readonly key: string },
    public readonly mountPath?: string,
    /** The Secret's keys from a store, and where from (envFromStore, filesFromStore). */
    public readonly fromStore?: { readonly keys: Readonly<Record<string, StoreValue>> } & FromStoreOptions,
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
   * Name of an existing TLS Secret for the host (e.g. issued by cert-manager); an Ingress's only:
   * under the Gateway API the Gateway's listener holds the certificate, and this is refused.
   * @default the environment's `Traffic.ingress({ tlsSecretName })` pattern, else no TLS
   */
  readonly tlsSecretName?: string;
  /**
   * Ingress class; an Ingress's only (refused under the Gateway API).
   * @default the environment's `Traffic.ingress({ className })`, else 'nginx'
   */
  readonly className?: string;
  /**
   * Extra annotations for the ingress controller; an Ingress's only (refused under the Gateway API).
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
   * Namespace of the ingress controller, allowed when the app has an Ingress. Under the Gateway API
   * the Gateways' data plane is allowed instead (`Traffic.gatewayApi` `dataPlaneNamespace`).
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
   * Secrets the app reads, as env vars or files: Secrets that exist in the cluster
   * (`SecretRef.env()`, `SecretRef.files()`) or that the app fills from a secret store
   * (`SecretRef.envFromStore()`, `SecretRef.filesFromStore()`, one ExternalSecret per Secret).
   * @default none
   */
  readonly secrets?: SecretRef[];
  /**
   * The store the app's Secrets from a store come from, unless a Secret names its own.
   * @default the environment's default store (EnvironmentProps.secretStores)
   */
  readonly secretStore?: SecretStoreRef;
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
   * @default HealthProbe.httpGet('/actuator/health/liveness', { period: Duration.seconds(5), failureThreshold: 60 })
   */
  readonly startupProbe?: HealthProbe;
  /**
   * Liveness probe.
   * @default HealthProbe.httpGet('/actuator/health/liveness')
   */
  readonly livenessProbe?: HealthProbe;
  /**
   * Readiness probe.
   * @default HealthProbe.httpGet('/actuator/health/readiness', { period: Duration.seconds(5) })
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
   * How the app is reached from outside the cluster: an Ingress, an HTTPRoute, or both, as its
   * `traffic` says, from the host and path to the Service's `http` port.
   * @default not reachable from outside the cluster
   */
  readonly ingress?: IngressOptions;
  /**
   * How traffic enters the app, overriding its environment's (`Traffic.ingress()`,
   * `Traffic.gatewayApi({...})` or `Traffic.transition({...})`).
   * @default the environment's traffic
   */
  readonly traffic?: Traffic;
  /**
   * A NetworkPolicy that admits only the listed callers (plus the ingress controller or Gateway and Prometheus).
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

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const StorageOptionsSchema = P.object('StorageOptions', {
  size: P.required(P.quantity('storage')), mountPath: P.string, storageClassName: P.string, accessMode: P.enumOf('AccessMode', AccessMode),
});
export const IngressOptionsSchema = P.object('IngressOptions', {
  host: P.required(P.string), path: P.string, tlsSecretName: P.string, className: P.string, annotations: P.stringMap,
});
export const AutoscalingOptionsSchema = P.object('AutoscalingOptions', {
  minReplicas: P.number, maxReplicas: P.required(P.number), cpuUtilization: P.number,
});
export const NetworkPolicyOptionsSchema = P.object('NetworkPolicyOptions', {
  allowFromApps: P.strings, allowFromNamespaces: P.strings, ingressControllerNamespace: P.string, monitoringNamespace: P.string,
  allowManagementFromNamespaces: P.strings, egress: P.array(P.instance('Egress', Egress)),
});
const probe = P.instance('HealthProbe', HealthProbe);
export const JavaAppPropsSchema = P.object('JavaAppProps', {
  image: P.required(P.string), port: P.number, servicePort: P.number, serviceType: P.enumOf('ServiceType', ServiceType),
  replicas: P.number, strategy: P.instance('DeployStrategy', DeployStrategy),
  cpuRequest: P.quantity('cpu'), cpuLimit: P.quantity('cpu'), memoryLimit: P.quantity('memory'), memoryRequest: P.quantity('memory'), maxRamPercentage: P.number,
  javaOptions: P.strings, springProfiles: P.strings, env: P.stringMap, applicationConfig: P.string,
  secrets: P.array(P.instance('SecretRef', SecretRef)), storage: StorageOptionsSchema, tmpSize: P.quantity('memory'),
  startupProbe: probe, livenessProbe: probe, readinessProbe: probe, preStopDelay: P.duration, shutdownTimeout: P.duration,
  ingress: IngressOptionsSchema, traffic: P.instance('Traffic', Traffic), networkPolicy: NetworkPolicyOptionsSchema, autoscaling: AutoscalingOptionsSchema,
  maxUnavailable: P.number, topologySpread: P.boolean, nodeSelector: P.stringMap,
  // Kubernetes' own type: the validation gate checks it against the OpenAPI schema.
  tolerations: P.array(P.unknown),
  managementPort: P.number, monitoring: P.instance('Monitoring', Monitoring), alerts: AlertOptionsSchema,
  runAsUser: P.number, metrics: P.boolean, secretStore: P.instance('SecretStoreRef', SecretStoreRef), policyExceptions: P.array(P.instance('PolicyException', PolicyException)),
});
