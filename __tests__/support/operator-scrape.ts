/**
 * The scrape configuration the Prometheus Operator (v0.93.0, the version of crds/) generates for a
 * ServiceMonitor or PodMonitor, for a real Prometheus in the tests: the relabelings are the
 * operator's own, in its order, and the targets carry the meta labels Kubernetes service discovery
 * would give them, so that Prometheus itself computes the labels every series ends up with.
 *
 * Source: prometheus-operator@v0.93.0 pkg/prometheus/promcfg.go, ConfigGenerator.
 * generateServiceMonitorConfig and generatePodMonitorConfig (with initRelabelings,
 * generateRunningFilter and appendShardingRelabelingWithLabel); the default service discovery
 * role of a ServiceMonitor is `endpoints` (endpointRoleFlavor with serviceDiscoveryRole unset).
 *
 * Differences, all on purpose: `static_configs` stand for `kubernetes_sd_configs` (no API server
 * here), with the meta labels that discovery sets for the same objects; `scrape_interval` is the
 * test's (1s) instead of the monitor's; the shard placeholder `$(SHARD)`, which the config reloader
 * replaces, is written as shard 0 of 1.
 */

import { sanitizeLabelName } from '../../lib';

/** A pod as the test's cluster runs it: its name, labels, container and where its actuator listens. */
export interface FakePod {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** The container whose ports are scraped. */
  readonly container: string;
  /** Names of the container's ports. */
  readonly containerPorts: readonly string[];
  /** `host:port` of its actuator (its pod IP and port in a cluster). */
  readonly address: string;
}

/** A Service and the pods its endpoints hold (the Rollouts controller decides which, see the tests). */
export interface FakeEndpoints {
  readonly service: any;
  readonly pods: readonly FakePod[];
}

type Relabel = Record<string, unknown>;

/** initRelabelings: the job name kept in a temporary label. */
const INIT: Relabel[] = [{ source_labels: ['job'], target_label: '__tmp_prometheus_job_name' }];

/** generateRunningFilter: targets of pods that ended are dropped. */
const RUNNING_FILTER: Relabel = { action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' };

/** appendShardingRelabelingWithLabel(__address__) for one shard, with $(SHARD) = 0. */
const SHARDING: Relabel[] = [
  { source_labels: ['__address__', '__tmp_hash'], target_label: '__tmp_hash', regex: '(.+);', replacement: '$1', action: 'replace' },
  { source_labels: ['__tmp_hash'], target_label: '__tmp_hash', modulus: 1, action: 'hashmod' },
  { source_labels: ['__tmp_hash', '__tmp_disable_sharding'], regex: '0;|.+;.+', action: 'keep' },
];

/** The relabeling that copies `source` into `target` when present (targetLabels, podTargetLabels, jobLabel). */
function copyLabel(source: string, target: string): Relabel {
  return { source_labels: [source], target_label: target, regex: '(.+)', replacement: '${1}' };
}

function selectorKeeps(kind: 'service' | 'pod', matchLabels: Record<string, string>): Relabel[] {
  return Object.keys(matchLabels).sort().map((k) => ({
    action: 'keep',
    source_labels: [`__meta_kubernetes_${kind}_label_${sanitizeLabelName(k)}`, `__meta_kubernetes_${kind}_labelpresent_${sanitizeLabelName(k)}`],
    regex: `(${matchLabels[k]});true`,
  }));
}

function labelMeta(prefix: string, labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    out[`${prefix}_label_${sanitizeLabelName(k)}`] = v;
    out[`${prefix}_labelpresent_${sanitizeLabelName(k)}`] = 'true';
  }
  return out;
}

function podMeta(namespace: string, pod: FakePod): Record<string, string> {
  return {
    __meta_kubernetes_namespace: namespace,
    __meta_kubernetes_pod_name: pod.name,
    __meta_kubernetes_pod_container_name: pod.container,
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_ready: 'true',
    ...labelMeta('__meta_kubernetes_pod', pod.labels),
  };
}

/**
 * generateServiceMonitorConfig for endpoint `index` of the monitor: one target per Service port and
 * endpoint address (as the `endpoints` role discovers them), relabeled by the operator's rules.
 */
export function serviceMonitorJob(monitor: any, index: number, endpoints: readonly FakeEndpoints[], interval: string): Record<string, unknown> {
  const ep = monitor.spec.endpoints[index];
  const ns = monitor.metadata.namespace;
  const targetKind = ['__meta_kubernetes_endpoint_address_target_kind', '__meta_kubernetes_endpoint_address_target_name'];
  const relabel_configs: Relabel[] = [
    ...INIT,
    ...selectorKeeps('service', monitor.spec.selector.matchLabels ?? {}),
    { action: 'keep', source_labels: ['__meta_kubernetes_endpoint_port_name'], regex: ep.port },
    { source_labels: targetKind, separator: ';', regex: 'Node;(.*)', replacement: '${1}', target_label: 'node' },
    { source_labels: targetKind, separator: ';', regex: 'Pod;(.*)', replacement: '${1}', target_label: 'pod' },
    { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
    { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
    RUNNING_FILTER,
    ...(monitor.spec.targetLabels ?? []).map((l: string) => copyLabel(`__meta_kubernetes_service_label_${sanitizeLabelName(l)}`, sanitizeLabelName(l))),
    ...(monitor.spec.podTargetLabels ?? []).map((l: string) => copyLabel(`__meta_kubernetes_pod_label_${sanitizeLabelName(l)}`, sanitizeLabelName(l))),
    { source_labels: ['__meta_kubernetes_service_name'], target_label: 'job', replacement: '${1}' },
    ...(monitor.spec.jobLabel ? [copyLabel(`__meta_kubernetes_service_label_${sanitizeLabelName(monitor.spec.jobLabel)}`, 'job')] : []),
    { target_label: 'endpoint', replacement: ep.port },
    ...SHARDING,
  ];
  const static_configs = endpoints.flatMap(({ service, pods }) => (service.spec.ports ?? []).flatMap((port: any) => pods.map((pod) => ({
    targets: [pod.address],
    labels: {
      ...podMeta(ns, pod),
      __meta_kubernetes_service_name: service.metadata.name,
      ...labelMeta('__meta_kubernetes_service', service.metadata.labels ?? {}),
      __meta_kubernetes_endpoint_port_name: port.name ?? '',
      __meta_kubernetes_endpoint_ready: 'true',
      __meta_kubernetes_endpoint_address_target_kind: 'Pod',
      __meta_kubernetes_endpoint_address_target_name: pod.name,
    },
  }))));
  return {
    job_name: `serviceMonitor/${ns}/${monitor.metadata.name}/${index}`,
    honor_labels: false,
    scrape_interval: interval,
    metrics_path: ep.path,
    static_configs,
    relabel_configs,
  };
}

/** generatePodMonitorConfig for endpoint `index` of the monitor: one target per container port of each pod (the `pod` role). */
export function podMonitorJob(monitor: any, index: number, pods: readonly FakePod[], interval: string): Record<string, unknown> {
  const ep = monitor.spec.podMetricsEndpoints[index];
  const ns = monitor.metadata.namespace;
  const relabel_configs: Relabel[] = [
    ...INIT,
    RUNNING_FILTER,
    ...selectorKeeps('pod', monitor.spec.selector.matchLabels ?? {}),
    { action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: ep.port },
    { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
    { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    ...(monitor.spec.podTargetLabels ?? []).map((l: string) => copyLabel(`__meta_kubernetes_pod_label_${sanitizeLabelName(l)}`, sanitizeLabelName(l))),
    { target_label: 'job', replacement: `${ns}/${monitor.metadata.name}` },
    ...(monitor.spec.jobLabel ? [copyLabel(`__meta_kubernetes_pod_label_${sanitizeLabelName(monitor.spec.jobLabel)}`, 'job')] : []),
    { target_label: 'endpoint', replacement: ep.port },
    ...SHARDING,
  ];
  const static_configs = pods.flatMap((pod) => pod.containerPorts.map((port) => ({
    targets: [pod.address],
    labels: { ...podMeta(ns, pod), __meta_kubernetes_pod_container_port_name: port },
  })));
  return {
    job_name: `podMonitor/${ns}/${monitor.metadata.name}/${index}`,
    honor_labels: false,
    scrape_interval: interval,
    metrics_path: ep.path,
    static_configs,
    relabel_configs,
  };
}
