import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as analysis from '../../imports/analysis-argoproj.io';
import { Environment } from '../platform';
import { HTTP_REQUESTS, latencyMetricName, latencyQuery, requestSelector, successRateQuery } from '../rules/metrics';
import { argoDuration, check, checkName, checkObjectName, checkPort, showDuration } from '../props/checks';
import { checkProps, P } from '../props/schema';
import { AnalysisArg, AnalysisArgSchema, AnalysisMetric, CONSTRUCT } from './analysis-metric';
import { SERVICE_NAME_ARG } from './rollout-analysis';

export * from './analysis-metric';

/** Props of the Spring Boot templates that read Micrometer's `http_server_requests_seconds` metrics. */
export interface SpringMetricsOptions {
  /** Address of the Prometheus API, e.g. `http://prometheus.monitoring.svc:9090`. */
  readonly prometheusAddress: string;
  /**
   * Name of the template.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * The Prometheus label that carries the Kubernetes Service name. A ServiceMonitor (Prometheus
   * Operator) and the `kubernetes-service-endpoints` scrape job both add `service`.
   * @default 'service'
   */
  readonly serviceLabel?: string;
  /**
   * Window of `rate()` (at least four scrape intervals).
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
  /**
   * Time between measurements.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
  /**
   * Number of measurements; set it to use the template in an analysis step.
   * @default unlimited: measured until the rollout ends (background analysis)
   */
  readonly count?: number;
  /**
   * Failed measurements tolerated; one more aborts the rollout.
   * @default 2
   */
  readonly failureLimit?: number;
  /**
   * Wait before the first measurement.
   * @default Duration.minutes(1)
   */
  readonly initialDelay?: Duration;
}

export interface SuccessRateOptions extends SpringMetricsOptions {
  /**
   * Least share of requests that must not answer 5xx (0-1).
   * @default 0.99
   */
  readonly threshold?: number;
}

export interface LatencyOptions extends SpringMetricsOptions {
  /**
   * Quantile of the request duration that is measured (0-1).
   * @default 0.95
   */
  readonly quantile?: number;
  /**
   * Longest the quantile may take.
   * @default Duration.millis(500)
   */
  readonly threshold?: Duration;
}

export interface WebCheckOptions {
  /**
   * URL to call; may use `{{args.<name>}}`, each of which the template declares.
   * @default `http://{{args.service-name}}.<namespace>.svc.cluster.local:<managementPort>/actuator/health/readiness`
   */
  readonly url?: string;
  /**
   * Service port of the actuator, for the default URL (JavaApp's `managementPort`).
   * @default 8081
   */
  readonly managementPort?: number;
  /**
   * Name of the template.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * JSONPath of the value that becomes `result`.
   * @default '{$.status}'
   */
  readonly jsonPath?: string;
  /**
   * Condition on `result`.
   * @default 'result == "UP"' (Spring Boot's health endpoint)
   */
  readonly successCondition?: string;
  /**
   * Request headers.
   * @default none
   */
  readonly headers?: Record<string, string>;
  /**
   * Time between calls.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * Number of calls.
   * @default 3
   */
  readonly count?: number;
  /**
   * Failed calls tolerated; one more aborts the rollout.
   * @default 0
   */
  readonly failureLimit?: number;
  /**
   * How long a call may take (whole seconds, 1s-10m).
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
}

export interface AnalysisTemplateProps {
  /** The metrics; all must pass. */
  readonly metrics: AnalysisMetric[];
  /**
   * Arguments the metrics use as `{{args.<name>}}`; each one used must be declared.
   * @default none
   */
  readonly args?: AnalysisArg[];
  /**
   * Name of the template.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the template; a Rollout only finds templates of its own namespace.
   * @default the environment's (or chart's) namespace, else 'default'
   */
  readonly namespace?: string;
}


/**
 * An Argo Rollouts AnalysisTemplate: metrics that decide whether a rollout goes on or aborts. Pass
 * it to a rollout's analysis (it is an AnalysisTemplateRef). `successRate()`, `latency()` and `web()`
 * give ready-made templates for Spring Boot apps.
 */
export class AnalysisTemplate extends Construct {
  /**
   * Share of requests to the Service `{{args.service-name}}` that did not answer 5xx, from Micrometer's
   * `http_server_requests_seconds_count`, actuator endpoints excluded. No traffic (no data) makes a
   * measurement inconclusive, which pauses the rollout rather than passing or failing it blindly.
   */
  public static successRate(scope: Construct, id: string, options: SuccessRateOptions): AnalysisTemplate {
    checkProps(CONSTRUCT, options?.name ?? id, options, SuccessRateOptionsSchema);
    const name = options.name ?? id;
    const threshold = options.threshold ?? 0.99;
    check(threshold > 0 && threshold <= 1, CONSTRUCT, name, () => `threshold must be a share of requests between 0 (excluded) and 1, got ${threshold}`);
    return springTemplate(scope, id, name, options, { name: 'success-rate', query: successRateQuery, passes: '>=', limit: threshold });
  }

  /**
   * A quantile of the request duration of the Service `{{args.service-name}}`, from Micrometer's
   * `http_server_requests_seconds_bucket`, actuator endpoints excluded. The app must publish the
   * histogram (`management.metrics.distribution.percentiles-histogram.http.server.requests=true`).
   * No traffic makes a measurement inconclusive.
   */
  public static latency(scope: Construct, id: string, options: LatencyOptions): AnalysisTemplate {
    checkProps(CONSTRUCT, options?.name ?? id, options, LatencyOptionsSchema);
    const name = options.name ?? id;
    const quantile = options.quantile ?? 0.95;
    // The histogram is in seconds (http_server_requests_seconds).
    const threshold = (options.threshold ?? Duration.millis(500)).toMilliseconds({ integral: false }) / 1000;
    check(quantile > 0 && quantile < 1, CONSTRUCT, name, () => `quantile must be between 0 and 1 (excluded), e.g. 0.95, got ${quantile}`);
    check(threshold > 0, CONSTRUCT, name, () => `threshold must be longer than 0, got ${showDuration(options.threshold!)}`);
    return springTemplate(scope, id, name, options, {
      name: latencyMetricName(quantile), query: (selector, window) => latencyQuery(quantile, selector, window), passes: '<=', limit: threshold,
    });
  }

  /**
   * An HTTP check, by default Spring Boot's readiness endpoint of the Service `{{args.service-name}}`
   * (the Rollouts controller must be allowed to reach it, mind the app's NetworkPolicy).
   */
  public static web(scope: Construct, id: string, options: WebCheckOptions = {}): AnalysisTemplate {
    checkProps(CONSTRUCT, options?.name ?? id, options, WebCheckOptionsSchema);
    const name = options.name ?? id;
    checkPort(CONSTRUCT, name, 'managementPort', options.managementPort);
    // The actuator answers on the management port of the Service (JavaApp's `management` port).
    const url = options.url ?? `http://{{args.${SERVICE_NAME_ARG}}}.${namespaceOf(scope)}.svc.cluster.local:${options.managementPort ?? 8081}/actuator/health/readiness`;
    const metric = AnalysisMetric.web({
      name: 'web',
      url,
      jsonPath: options.jsonPath ?? '{$.status}',
      headers: options.headers,
      successCondition: options.successCondition ?? 'result == "UP"',
      interval: options.interval ?? Duration.seconds(30),
      count: options.count ?? 3,
      failureLimit: options.failureLimit ?? 0,
      timeout: options.timeout ?? Duration.seconds(10),
    });
    return new AnalysisTemplate(scope, id, { name, args: metric.argsUsed.map((a) => ({ name: a })), metrics: [metric] });
  }

  /** Name of the AnalysisTemplate object, which rollouts reference. */
  public readonly templateName: string;
  public readonly namespace: string;
  /** Arguments the template declares. */
  public readonly args: AnalysisArg[];
  public readonly metrics: AnalysisMetric[];
  public readonly resource: analysis.AnalysisTemplate;
  /**
   * Whether a metric reads Micrometer's request-duration histogram (`http_server_requests_seconds_bucket`):
   * a JavaApp whose release runs the template publishes it (see JavaApp `alerts` and `strategy`).
   */
  public readonly measuresLatency: boolean;
  /**
   * Whether a metric is a web call, which the Rollouts controller makes from its own namespace: a
   * JavaApp without a `networkPolicy` whose release runs the template admits `argo-rollouts` to its
   * management port.
   */
  public readonly callsWeb: boolean;

  constructor(scope: Construct, id: string, props: AnalysisTemplateProps) {
    super(scope, id);
    checkProps(CONSTRUCT, props?.name ?? id, props, AnalysisTemplatePropsSchema);
    const name = props.name ?? id;
    // Custom resource names are DNS-1123 subdomains (apiextensions validates ObjectMeta with NameIsDNSSubdomain).
    checkObjectName(CONSTRUCT, name, 'name', 'AnalysisTemplate', name);
    this.templateName = name;
    this.namespace = props.namespace ?? namespaceOf(this);
    checkName(CONSTRUCT, name, 'namespace', this.namespace);
    check(props.metrics.length > 0, CONSTRUCT, name, () => 'needs at least one metric');
    const metricNames = props.metrics.map((m) => m.name);
    const twice = metricNames.find((n, i) => metricNames.indexOf(n) !== i);
    check(twice === undefined, CONSTRUCT, name, () => `two metrics are named "${twice}": metric names must be unique`);

    this.args = [...(props.args ?? [])];
    const declared = this.args.map((a) => a.name);
    for (const a of declared) {
      check(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(a), CONSTRUCT, name, () => `arg name "${a}" must be letters, digits, '-', '_' or '.'`);
    }
    const argTwice = declared.find((n, i) => declared.indexOf(n) !== i);
    check(argTwice === undefined, CONSTRUCT, name, () => `arg "${argTwice}" is declared twice`);
    for (const m of props.metrics) {
      for (const used of m.argsUsed) {
        check(declared.includes(used), CONSTRUCT, name, () =>
          `metrics "${m.name}" uses {{args.${used}}}, which the template does not declare: add { name: '${used}' } to args`);
      }
    }
    this.metrics = [...props.metrics];
    this.measuresLatency = this.metrics.some((m) => JSON.stringify(m.toKube(name)).includes(`${HTTP_REQUESTS}_bucket`));
    this.callsWeb = this.metrics.some((m) => m.toKube(name).provider.web !== undefined);
    const partOf = Environment.find(this)?.partOf ?? 'platform';

    this.resource = new analysis.AnalysisTemplate(this, 'Resource', {
      metadata: {
        name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/part-of': partOf, 'app.kubernetes.io/managed-by': 'cdk8s' },
      },
      spec: {
        args: this.args.length ? this.args.map((a) => ({ name: a.name, value: a.value })) : undefined,
        metrics: this.metrics.map((m) => m.toKube(name)),
      },
    });
  }

  /** Arguments without a default value: every rollout that runs the template must pass them. */
  public get requiredArgs(): string[] {
    return this.args.filter((a) => a.value === undefined).map((a) => a.name);
  }

  /** Metrics measured until the rollout ends (interval without count): fine in background analysis, never-ending in a step. */
  public get unboundedMetrics(): string[] {
    return this.metrics.filter((m) => m.unbounded).map((m) => m.name);
  }
}

function namespaceOf(scope: Construct): string {
  return Environment.find(scope)?.namespace ?? Chart.of(scope).namespace ?? 'default';
}

/** The label selector of the Spring templates: the namespace, the Service (an arg), no actuator endpoints. */
/**
 * A template of one Prometheus metric over the Spring Boot request metrics of the Service
 * `{{args.service-name}}`: a measurement passes while `result[0] <passes> limit`, fails otherwise,
 * and is inconclusive without data (no traffic).
 */
function springTemplate(scope: Construct, id: string, name: string, options: SpringMetricsOptions, metric: {
  readonly name: string;
  readonly query: (selector: string, window: string) => string;
  readonly passes: '>=' | '<=';
  readonly limit: number;
}): AnalysisTemplate {
  const label = options.serviceLabel ?? 'service';
  check(/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label), CONSTRUCT, name, () => `serviceLabel must be a Prometheus label name such as service or job, got "${label}"`);
  const window = argoDuration(options.window ?? Duration.minutes(5), CONSTRUCT, name, 'window');
  const selector = requestSelector(namespaceOf(scope), label, `{{args.${SERVICE_NAME_ARG}}}`);
  const fails = metric.passes === '>=' ? '<' : '>';
  return new AnalysisTemplate(scope, id, {
    name,
    args: [{ name: SERVICE_NAME_ARG }],
    metrics: [AnalysisMetric.prometheus({
      name: metric.name,
      address: options.prometheusAddress,
      query: metric.query(selector, window),
      successCondition: `len(result) > 0 && result[0] ${metric.passes} ${metric.limit}`,
      failureCondition: `len(result) > 0 && result[0] ${fails} ${metric.limit}`,
      interval: options.interval ?? Duration.minutes(1),
      count: options.count,
      failureLimit: options.failureLimit ?? 2,
      initialDelay: options.initialDelay ?? Duration.minutes(1),
    })],
  });
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const SpringMetricsOptionsSchema = P.object('SpringMetricsOptions', {
  prometheusAddress: P.required(P.string), name: P.string, serviceLabel: P.string, window: P.duration, interval: P.duration,
  count: P.number, failureLimit: P.number, initialDelay: P.duration,
});
export const SuccessRateOptionsSchema = P.object('SuccessRateOptions', { threshold: P.number }, SpringMetricsOptionsSchema);
export const LatencyOptionsSchema = P.object('LatencyOptions', { quantile: P.number, threshold: P.duration }, SpringMetricsOptionsSchema);
export const WebCheckOptionsSchema = P.object('WebCheckOptions', {
  url: P.string, name: P.string, jsonPath: P.string, successCondition: P.string, headers: P.stringMap, interval: P.duration,
  count: P.number, failureLimit: P.number, timeout: P.duration, managementPort: P.number,
});
export const AnalysisTemplatePropsSchema = P.object('AnalysisTemplateProps', {
  metrics: P.required(P.array(P.instance('AnalysisMetric', AnalysisMetric))), args: P.array(AnalysisArgSchema),
  name: P.string, namespace: P.string,
});
