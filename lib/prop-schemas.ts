import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AnalysisMetric } from './release/analysis-metric';
import { CanaryStep, CanaryTrafficRouting } from './release/canary';
import { DeployStrategy } from './release/deploy-strategy';
import { SyncPolicy } from './gitops/sync-policy';
import { HealthProbe } from './app/health-probe';
import { AccessMode, SecretRef } from './app/props';
import { Monitoring } from './monitoring/monitors';
import { Egress } from './app/egress';
import { BuildCache, BuildTool } from './pipeline/template';
import { PolicyException } from './app/policy-exception';
import { P } from './props/schema';

/**
 * The schema of every props and options interface of the public API, one per interface, in the
 * interface's order. Adding a prop: add it to the interface and here (the schema test names what is
 * missing on either side). Classes and enums are resolved lazily: these modules import each other.
 */

const duration = P.instance('Duration', () => Duration);
const strings = P.array(P.string);
const stringMap = P.record(P.string);
const countOrPercent = P.instance('PercentOrAbsolute', () => kplus.PercentOrAbsolute);

// Rollouts
export const RolloutAnalysisSchema = P.object('RolloutAnalysis', {
  templates: P.required(P.array(P.oneOf(P.string, P.like('AnalysisTemplate', (v) => typeof (v as any)?.templateName === 'string')))),
  args: stringMap,
});
export const PreviewIngressOptionsSchema = P.object('PreviewIngressOptions', {
  host: P.required(P.string), tlsSecretName: P.string, className: P.string, allowSourceRanges: strings,
});
export const BlueGreenRolloutOptionsSchema = P.object('BlueGreenRolloutOptions', {
  replicas: P.number, revisionHistoryLimit: P.number, activeServiceName: P.string, previewServiceName: P.string,
  createServices: P.boolean, previewReplicaCount: P.number, autoPromotionEnabled: P.boolean, autoPromotionDelay: duration,
  scaleDownDelay: duration, abortScaleDownDelay: duration,
  prePromotionAnalysis: RolloutAnalysisSchema, postPromotionAnalysis: RolloutAnalysisSchema, previewIngress: PreviewIngressOptionsSchema,
});
/** A JavaApp, another IRolloutWorkload, or a cdk8s-plus Deployment. */
const workload = P.oneOf(
  P.instance('cdk8s-plus Deployment', () => kplus.Deployment),
  P.like('IRolloutWorkload', (v) => typeof v === 'object' && v !== null && typeof (v as any).name === 'string' && typeof (v as any).handOver === 'function'),
);
export const BlueGreenRolloutPropsSchema = P.object('BlueGreenRolloutProps', { workload: P.required(workload) }, BlueGreenRolloutOptionsSchema);

export const SetCanaryScaleOptionsSchema = P.object('SetCanaryScaleOptions', {
  replicas: P.number, weight: P.number, matchTrafficWeight: P.boolean,
});
export const NginxTrafficRoutingOptionsSchema = P.object('NginxTrafficRoutingOptions', {
  stableIngress: P.string, annotationPrefix: P.string, additionalIngressAnnotations: stringMap,
});
export const CanaryAnalysisSchema = P.object('CanaryAnalysis', { startingStep: P.number }, RolloutAnalysisSchema);
export const CanaryRolloutOptionsSchema = P.object('CanaryRolloutOptions', {
  steps: P.array(P.instance('CanaryStep', () => CanaryStep)), replicas: P.number, revisionHistoryLimit: P.number,
  maxSurge: countOrPercent, maxUnavailable: countOrPercent, canaryServiceName: P.string, stableServiceName: P.string,
  createServices: P.boolean, trafficRouting: P.instance('CanaryTrafficRouting', () => CanaryTrafficRouting), analysis: CanaryAnalysisSchema,
});
export const CanaryRolloutPropsSchema = P.object('CanaryRolloutProps', { workload: P.required(workload) }, CanaryRolloutOptionsSchema);
export const RollingUpdateOptionsSchema = P.object('RollingUpdateOptions', { maxSurge: countOrPercent, maxUnavailable: countOrPercent });

// JavaApp
export const HealthProbeOptionsSchema = P.object('HealthProbeOptions', {
  period: duration, failureThreshold: P.number, timeout: duration, initialDelay: duration, port: P.number,
});
const monitoring = P.instance('Monitoring', () => Monitoring);
export const MonitorOptionsSchema = P.object('MonitorOptions', { labels: stringMap, interval: duration });
export const AlertOptionsSchema = P.object('AlertOptions', {
  successRate: P.number, latencyQuantile: P.number, latencySeconds: P.number, latency: P.boolean, restarts: P.number,
  window: duration, for: duration, severity: P.string,
});
export const AppAlertsPropsSchema = P.object('AppAlertsProps', {
  app: P.required(P.string), namespace: P.required(P.string), labels: P.required(stringMap), service: P.required(P.string),
  construct: P.required(P.string),
}, AlertOptionsSchema);
export const AppMonitorPropsSchema = P.object('AppMonitorProps', {
  monitoring: P.required(monitoring), name: P.required(P.string), namespace: P.required(P.string), labels: P.required(stringMap),
  selectorLabels: P.required(stringMap), portName: P.required(P.string), path: P.required(P.string), construct: P.required(P.string),
});
export const EgressPortOptionsSchema = P.object('EgressPortOptions', { ports: P.array(P.number) });
export const DefaultDenyEgressPropsSchema = P.object('DefaultDenyEgressProps', { namespace: P.string });
export const StorageOptionsSchema = P.object('StorageOptions', {
  size: P.required(P.string), mountPath: P.string, storageClassName: P.string, accessMode: P.enumOf('AccessMode', () => AccessMode),
});
export const IngressOptionsSchema = P.object('IngressOptions', {
  host: P.required(P.string), path: P.string, tlsSecretName: P.string, className: P.string, annotations: stringMap,
});
export const AutoscalingOptionsSchema = P.object('AutoscalingOptions', {
  minReplicas: P.number, maxReplicas: P.required(P.number), cpuUtilization: P.number,
});
export const NetworkPolicyOptionsSchema = P.object('NetworkPolicyOptions', {
  allowFromApps: strings, allowFromNamespaces: strings, ingressControllerNamespace: P.string, monitoringNamespace: P.string,
  allowManagementFromNamespaces: strings, egress: P.array(P.instance('Egress', () => Egress)),
});
const probe = P.instance('HealthProbe', () => HealthProbe);
export const JavaAppPropsSchema = P.object('JavaAppProps', {
  image: P.required(P.string), port: P.number, servicePort: P.number, serviceType: P.enumOf('ServiceType', () => kplus.ServiceType),
  replicas: P.number, strategy: P.instance('DeployStrategy', () => DeployStrategy),
  cpuRequest: P.string, cpuLimit: P.string, memoryLimit: P.string, memoryRequest: P.string, maxRamPercentage: P.number,
  javaOptions: strings, springProfiles: strings, env: stringMap, applicationConfig: P.string,
  secrets: P.array(P.instance('SecretRef', () => SecretRef)), storage: StorageOptionsSchema, tmpSize: P.string,
  startupProbe: probe, livenessProbe: probe, readinessProbe: probe, preStopDelay: duration, shutdownTimeout: duration,
  ingress: IngressOptionsSchema, networkPolicy: NetworkPolicyOptionsSchema, autoscaling: AutoscalingOptionsSchema,
  maxUnavailable: P.number, topologySpread: P.boolean, nodeSelector: stringMap,
  // Kubernetes' own type: the validation gate checks it against the OpenAPI schema.
  tolerations: P.array(P.unknown),
  managementPort: P.number, monitoring, alerts: AlertOptionsSchema,
  runAsUser: P.number, metrics: P.boolean, policyExceptions: P.array(P.instance('PolicyException', () => PolicyException)),
});

// Platform, environments, Argo CD
export const PlatformAppPropsSchema = P.object('PlatformAppProps', { outdir: P.string });
export const ArgoCdClusterSchema = P.object('ArgoCdCluster', { name: P.required(P.string), server: P.required(P.string) });
export const EnvironmentPropsSchema = P.object('EnvironmentProps', {
  namespace: P.string, partOf: P.string, createNamespace: P.boolean, cluster: ArgoCdClusterSchema, monitoring,
});
export const SyncPolicyOptionsSchema = P.object('SyncPolicyOptions', { serverSideApply: P.boolean, retryLimit: P.number });
export const AutomatedSyncOptionsSchema = P.object('AutomatedSyncOptions', { prune: P.boolean, selfHeal: P.boolean }, SyncPolicyOptionsSchema);
const syncPolicy = P.instance('SyncPolicy', () => SyncPolicy);
export const ArgoCdBootstrapPropsSchema = P.object('ArgoCdBootstrapProps', {
  repoUrl: P.required(P.string), targetRevision: P.string, path: P.string, namespace: P.string, project: P.string,
  server: P.string, syncPolicies: P.record(syncPolicy), defaultSyncPolicy: syncPolicy, selfManaged: P.boolean, partOf: P.string,
});

// Pipeline
export const PerAppBuildCacheOptionsSchema = P.object('PerAppBuildCacheOptions', { claimPrefix: P.string, size: P.string, storageClassName: P.string });
export const PipelineImagesSchema = P.object('PipelineImages', {
  git: P.string, node: P.string, maven: P.string, gradle: P.string, curl: P.string, buildkit: P.string, kubectl: P.string,
  rolloutsPlugin: P.string, jarBase: P.string, warBase: P.string,
});
export const PipelineTemplatePropsSchema = P.object('PipelineTemplateProps', {
  namespace: P.string, gitopsRepo: P.required(P.string), gitopsBranch: P.string, gitCredentialsSecret: P.string,
  sourceRepoHost: P.string, sourceCredentialsSecret: P.string, imageRepository: P.string, createNamespace: P.boolean,
  registryCredentialsSecret: P.string, serviceAccountPrefix: P.string, buildTool: P.enumOf('BuildTool', () => BuildTool),
  waitForSync: P.boolean, waitTimeout: duration, buildCache: P.instance('BuildCache', () => BuildCache), workspaceSize: P.string,
  workspaceStorageClass: P.string, partOf: P.string, images: PipelineImagesSchema,
  cluster: ArgoCdClusterSchema, argoCdServer: P.string, argoCdTokenSecret: P.string, promotionCheckTimeout: duration,
});

// Analysis
export const AnalysisArgSchema = P.object('AnalysisArg', { name: P.required(P.string), value: P.string });
export const AnalysisMetricOptionsSchema = P.object('AnalysisMetricOptions', {
  name: P.required(P.string), successCondition: P.required(P.string), failureCondition: P.string, failureLimit: P.number,
  inconclusiveLimit: P.number, consecutiveErrorLimit: P.number, interval: duration, count: P.number, initialDelay: duration,
});
export const PrometheusMetricOptionsSchema = P.object('PrometheusMetricOptions', {
  address: P.required(P.string), query: P.required(P.string), timeout: duration,
}, AnalysisMetricOptionsSchema);
export const WebMetricOptionsSchema = P.object('WebMetricOptions', {
  url: P.required(P.string), jsonPath: P.string, method: P.literal('GET', 'POST', 'PUT'), headers: stringMap, body: P.string, timeout: duration,
}, AnalysisMetricOptionsSchema);
export const SpringMetricsOptionsSchema = P.object('SpringMetricsOptions', {
  prometheusAddress: P.required(P.string), name: P.string, serviceLabel: P.string, window: duration, interval: duration,
  count: P.number, failureLimit: P.number, initialDelay: duration,
});
export const SuccessRateOptionsSchema = P.object('SuccessRateOptions', { threshold: P.number }, SpringMetricsOptionsSchema);
export const LatencyOptionsSchema = P.object('LatencyOptions', { quantile: P.number, threshold: duration }, SpringMetricsOptionsSchema);
export const WebCheckOptionsSchema = P.object('WebCheckOptions', {
  url: P.string, name: P.string, jsonPath: P.string, successCondition: P.string, headers: stringMap, interval: duration,
  count: P.number, failureLimit: P.number, timeout: duration, managementPort: P.number,
});
export const AnalysisTemplatePropsSchema = P.object('AnalysisTemplateProps', {
  metrics: P.required(P.array(P.instance('AnalysisMetric', () => AnalysisMetric))), args: P.array(AnalysisArgSchema),
  name: P.string, namespace: P.string,
});
