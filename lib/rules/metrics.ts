// The metric definitions the release analysis (AnalysisTemplate) and the on-call alerts
// (PrometheusRule) share, and what the Prometheus Operator's monitors attach to every series.
// One module, so that the release gate and the alert agree on what "bad" means, and the validation
// gate knows which labels a query may filter on. It imports no construct (it is a rule).

/** Micrometer's HTTP server timer, which every Spring Boot web app records. */
export const HTTP_REQUESTS = 'http_server_requests_seconds';

/**
 * Labels of the series themselves, per metric family (name without `_count`, `_sum`, `_bucket`,
 * `_max`, `_total`): what the app writes, as opposed to what the scrape adds.
 */
export const METRIC_LABELS: Record<string, readonly string[]> = {
  // Micrometer's WebMvc/WebFlux observation (Spring Boot 3): DefaultServerRequestObservationConvention.
  [HTTP_REQUESTS]: ['application', 'error', 'exception', 'le', 'method', 'outcome', 'quantile', 'status', 'uri'],
  // kube-state-metrics: the restarts of a container (its own scrape adds namespace, pod and container).
  kube_pod_container_status_restarts: ['container', 'namespace', 'pod', 'uid'],
};

/**
 * Labels a ServiceMonitor target carries, from the operator's relabelings
 * (prometheus-operator pkg/prometheus/promcfg.go, ConfigGenerator.generateServiceMonitorConfig):
 * `namespace`, `service`, `pod`, `container` from the endpoint's meta labels, `job` (the Service's
 * name unless `jobLabel` names one of its labels), `endpoint` (the port name) and Prometheus'
 * `instance`; plus `targetLabels` and `podTargetLabels`, sanitized (sanitizeLabelName). `node` only
 * for endpoints on nodes, never for pods.
 */
export const SERVICE_MONITOR_LABELS: readonly string[] = ['container', 'endpoint', 'instance', 'job', 'namespace', 'pod', 'service'];

/**
 * Labels a PodMonitor target carries (ConfigGenerator.generatePodMonitorConfig): `namespace`,
 * `container`, `pod`, `endpoint`, `instance` and `job`, which is `<namespace>/<podmonitor>` unless
 * `jobLabel` names a pod label; no `service`.
 */
export const POD_MONITOR_LABELS: readonly string[] = ['container', 'endpoint', 'instance', 'job', 'namespace', 'pod'];

/**
 * Target labels some scrape configuration may add: the monitors' own, plus those of the
 * annotation-driven `kubernetes-pods`/`kubernetes-service-endpoints` jobs. A query on a metric this
 * module does not define is checked on these only (its other labels may be the app's own).
 */
export const KNOWN_TARGET_LABELS: ReadonlySet<string> = new Set([
  ...SERVICE_MONITOR_LABELS, 'node', 'kubernetes_namespace', 'kubernetes_name', 'kubernetes_pod_name', 'kubernetes_service_name',
]);

/** The metric family of a series name: `http_server_requests_seconds_count` -> `http_server_requests_seconds`. */
export function metricFamily(series: string): string {
  return series.replace(/_(count|sum|bucket|max|total)$/, '');
}

/** A Prometheus label name, with the operator's sanitation of Kubernetes label keys (`app.kubernetes.io/name` -> `app_kubernetes_io_name`). */
export function sanitizeLabelName(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Requests of one Service's pods, actuator endpoints excluded (probes and scrapes are no traffic). */
export function requestSelector(namespace: string, serviceLabel: string, service: string): string {
  return `namespace="${namespace}", ${serviceLabel}="${service}", uri!~"/actuator.*"`;
}

/**
 * Requests of several Services (each measured on its own by grouping on `serviceLabel`), actuator
 * endpoints excluded. Service names are DNS-1123 labels, so they need no regex escaping.
 */
export function requestsOfServices(namespace: string, serviceLabel: string, services: readonly string[]): string {
  const names = [...new Set(services)].sort();
  const matcher = names.length === 1 ? `${serviceLabel}="${names[0]}"` : `${serviceLabel}=~"${names.join('|')}"`;
  return `namespace="${namespace}", ${matcher}, uri!~"/actuator.*"`;
}

/** `sum(...)`, or `sum by (labels) (...)` when the query measures each value of `by` on its own. */
function sum(by: readonly string[], inner: string): string {
  return by.length ? `sum by (${by.join(', ')}) (${inner})` : `sum(${inner})`;
}

/**
 * Share of requests that did not answer 5xx (0-1), per value of `by` (none: one number).
 *
 * - **All failing is 0, not "no data".** Requests that did not answer 5xx have series only once
 *   such an answer happened; a version that answered only 5xx has none, and `ok / all` would be
 *   empty (PromQL's `/` keeps only label sets present on both sides). `or 0 * all` gives such a
 *   version an explicit 0 requests that succeeded, so the ratio is 0.
 * - **No traffic is "no data".** Without a request in the window (no series, or counters that did
 *   not move), the denominator `all > 0` is empty, so the query is: no requests is not a success
 *   rate of 0 (which would abort a release that simply has no traffic yet) nor of 1.
 */
export function successRateQuery(selector: string, window: string, by: readonly string[] = []): string {
  const all = sum(by, `rate(${HTTP_REQUESTS}_count{${selector}}[${window}])`);
  const ok = sum(by, `rate(${HTTP_REQUESTS}_count{${selector}, status!~"5.."}[${window}])`);
  return `(\n  ${ok}\n  or\n  0 * ${all}\n)\n/\n(${all} > 0)`;
}

/**
 * A quantile of the request duration in seconds, of every answer (5xx included: a version that
 * fails fast is caught by the success rate, not here), per value of `by`. Needs Micrometer's
 * histogram buckets. No traffic is "no data": without a request in the window the quantile of
 * empty buckets would be NaN, so only label sets with requests are kept (`and on (...) ... > 0`).
 */
export function latencyQuery(quantile: number, selector: string, window: string, by: readonly string[] = []): string {
  const buckets = sum([...by, 'le'], `rate(${HTTP_REQUESTS}_bucket{${selector}}[${window}])`);
  const traffic = `${sum(by, `rate(${HTTP_REQUESTS}_count{${selector}}[${window}])`)} > 0`;
  return `histogram_quantile(${quantile}, ${buckets} and on (${by.join(', ')}) (${traffic}))`;
}

/** Container restarts of one app's pods over the window (kube-state-metrics). */
export function restartsQuery(namespace: string, app: string, window: string): string {
  // Pods of a Deployment or Rollout are named <name>-<template hash>-<suffix>.
  return `sum(increase(kube_pod_container_status_restarts_total{namespace="${namespace}", pod=~"${app}-[a-z0-9]+-[a-z0-9]+", container="app"}[${window}]))`;
}

/** Name of the metric of a latency quantile, e.g. 0.95 -> `latency-p95`, 0.995 -> `latency-p99-5`. */
export function latencyMetricName(quantile: number): string {
  return `latency-p${Math.round(quantile * 1000) / 10}`.replace('.', '-');
}
