import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as analysis from '../imports/analysis-argoproj.io';
import { Environment } from './environment';
import { latencyMetricName, latencyQuery, requestSelector, successRateQuery } from './monitoring-metrics';
import { check, checkInteger, checkName, checkObjectName, checkPort, PropError } from './props';
import { metricLimits } from './rules/analysis';
import { checkOptions, checkProps } from './prop-schema';
import { AnalysisTemplatePropsSchema, LatencyOptionsSchema, PrometheusMetricOptionsSchema, SuccessRateOptionsSchema, WebCheckOptionsSchema, WebMetricOptionsSchema } from './prop-schemas';

/** An argument an AnalysisTemplate declares; the Rollout passes its value (a string). */
export interface AnalysisArg {
  /** Name, used in the metrics as `{{args.<name>}}`. */
  readonly name: string;
  /**
   * Default value; without one every Rollout that runs the template must pass the argument.
   * @default none (required)
   */
  readonly value?: string;
}

/** What every metric has, whatever its provider. */
export interface AnalysisMetricOptions {
  /** Name of the metric, unique in the template (shown by `kubectl argo rollouts get rollout`). */
  readonly name: string;
  /**
   * Expression on `result` that makes a measurement successful, e.g. `result[0] >= 0.99`.
   * Without a failureCondition, a measurement that is not successful has failed.
   */
  readonly successCondition: string;
  /**
   * Expression on `result` that makes a measurement fail. With both conditions, a measurement that
   * matches neither is inconclusive, which pauses the rollout until a person decides.
   * @default none
   */
  readonly failureCondition?: string;
  /**
   * Failed measurements tolerated; one more fails the analysis and aborts the rollout.
   * @default 0
   */
  readonly failureLimit?: number;
  /**
   * Inconclusive measurements tolerated before the analysis is inconclusive (the rollout pauses).
   * @default 0
   */
  readonly inconclusiveLimit?: number;
  /**
   * Measurements in a row that may end in an error (provider unreachable, bad query).
   * @default 4 (Argo Rollouts' default)
   */
  readonly consecutiveErrorLimit?: number;
  /**
   * Time between measurements (whole seconds).
   * @default none: one measurement
   */
  readonly interval?: Duration;
  /**
   * Number of measurements. With an interval and no count the metric is measured until the rollout
   * ends, which suits background analysis only: an analysis step would never finish.
   * @default 1 without interval, unlimited with one
   */
  readonly count?: number;
  /**
   * Wait before the first measurement (whole seconds), e.g. until the new pods served some requests.
   * @default none
   */
  readonly initialDelay?: Duration;
}

export interface PrometheusMetricOptions extends AnalysisMetricOptions {
  /** Address of the Prometheus API, e.g. `http://prometheus.monitoring.svc:9090`. */
  readonly address: string;
  /** PromQL query; may use `{{args.<name>}}`. The result is a vector: `result[0]` is its first value. */
  readonly query: string;
  /**
   * Seconds a query may take.
   * @default 30
   */
  readonly timeoutSeconds?: number;
}

export interface WebMetricOptions extends AnalysisMetricOptions {
  /** URL to call; may use `{{args.<name>}}`. */
  readonly url: string;
  /**
   * JSONPath of the value that becomes `result`, e.g. `{$.status}`.
   * @default the whole response body
   */
  readonly jsonPath?: string;
  /**
   * HTTP method.
   * @default 'GET'
   */
  readonly method?: 'GET' | 'POST' | 'PUT';
  /**
   * Request headers.
   * @default none
   */
  readonly headers?: Record<string, string>;
  /**
   * Request body (POST and PUT).
   * @default none
   */
  readonly body?: string;
  /**
   * Seconds the call may take.
   * @default 10
   */
  readonly timeoutSeconds?: number;
}

type Provider = { readonly prometheus: analysis.AnalysisTemplateSpecMetricsProviderPrometheus } | { readonly web: analysis.AnalysisTemplateSpecMetricsProviderWeb };

const CONSTRUCT = 'AnalysisTemplate';
const ARG_REF = /\{\{\s*args\.([^}\s]+)\s*\}\}/g;
const HTTP_URL = /^https?:\/\/[^\s/]+/;

/** One metric of an AnalysisTemplate: `AnalysisMetric.prometheus({...})` or `AnalysisMetric.web({...})`. */
export class AnalysisMetric {
  /** A PromQL query against Prometheus. */
  public static prometheus(options: PrometheusMetricOptions): AnalysisMetric {
    checkOptions('AnalysisMetric.prometheus', options, PrometheusMetricOptionsSchema);
    return new AnalysisMetric(options, { prometheus: { address: options.address, query: options.query, timeout: options.timeoutSeconds } }, [options.address, options.query]);
  }

  /** An HTTP call whose (JSON) response is the result. */
  public static web(options: WebMetricOptions): AnalysisMetric {
    checkOptions('AnalysisMetric.web', options, WebMetricOptionsSchema);
    const headers = Object.keys(options.headers ?? {}).sort().map((key) => ({ key, value: options.headers![key] }));
    return new AnalysisMetric(options, {
      web: {
        url: options.url,
        method: options.method,
        headers: headers.length ? headers : undefined,
        body: options.body,
        jsonPath: options.jsonPath,
        timeoutSeconds: options.timeoutSeconds,
      },
    }, [options.url, options.body ?? '', ...headers.map((h) => h.value)]);
  }

  public readonly name: string;

  private constructor(private readonly options: AnalysisMetricOptions, private readonly provider: Provider, private readonly templated: string[]) {
    this.name = options.name;
  }

  /** Names of the arguments the metric uses as `{{args.<name>}}`. */
  public get argsUsed(): string[] {
    const text = [...this.templated, this.options.successCondition, this.options.failureCondition ?? ''].join('\n');
    return [...new Set([...text.matchAll(ARG_REF)].map((m) => m[1]))].sort();
  }

  /** Whether the metric is measured until the rollout ends (an interval and no count). */
  public get unbounded(): boolean {
    return this.options.interval !== undefined && this.options.count === undefined;
  }

  /** The metric of the AnalysisTemplate spec; checks the options, naming the template in errors. */
  public toKube(template: string): analysis.AnalysisTemplateSpecMetrics {
    const o = this.options;
    const prop = (p: string) => `metrics "${o.name}" ${p}`;
    check(o.name.trim().length > 0, CONSTRUCT, template, () => 'every metric needs a name');
    check(o.successCondition.trim().length > 0, CONSTRUCT, template, () => `${prop('successCondition')} must not be empty`);
    checkInteger(CONSTRUCT, template, prop('failureLimit'), o.failureLimit, 0, 1000);
    checkInteger(CONSTRUCT, template, prop('inconclusiveLimit'), o.inconclusiveLimit, 0, 1000);
    checkInteger(CONSTRUCT, template, prop('consecutiveErrorLimit'), o.consecutiveErrorLimit, 0, 1000);
    checkInteger(CONSTRUCT, template, prop('count'), o.count, 1, 10000);
    check(o.count === undefined || o.count <= 1 || o.interval !== undefined, CONSTRUCT, template, () =>
      `${prop('count')} is ${o.count} but there is no interval: set interval, the time between measurements`);
    // ValidateMetric (Argo Rollouts utils/analysis): count >= failureLimit and count >= inconclusiveLimit.
    for (const [, message] of metricLimits({ count: o.count, interval: o.interval ? 'set' : undefined, failureLimit: o.failureLimit, inconclusiveLimit: o.inconclusiveLimit })) {
      throw new PropError(CONSTRUCT, template, `metrics "${o.name}" ${message}`);
    }
    const interval = o.interval && argoDuration(o.interval, CONSTRUCT, template, prop('interval'));
    const initialDelay = o.initialDelay && argoDuration(o.initialDelay, CONSTRUCT, template, prop('initialDelay'));
    if ('prometheus' in this.provider) {
      const p = this.provider.prometheus;
      check(HTTP_URL.test(p.address ?? ''), CONSTRUCT, template, () => `${prop('address')} must be an http(s) URL such as http://prometheus.monitoring.svc:9090, got "${p.address}"`);
      check((p.query ?? '').trim().length > 0, CONSTRUCT, template, () => `${prop('query')} must not be empty`);
      checkInteger(CONSTRUCT, template, prop('timeoutSeconds'), p.timeout, 1, 600);
    } else {
      const w = this.provider.web;
      check(HTTP_URL.test(w.url), CONSTRUCT, template, () => `${prop('url')} must be an http(s) URL, got "${w.url}"`);
      checkInteger(CONSTRUCT, template, prop('timeoutSeconds'), w.timeoutSeconds, 1, 600);
    }
    const limit = (v: number | undefined) => (v === undefined ? undefined : analysis.AnalysisTemplateSpecMetricsFailureLimit.fromNumber(v));
    return {
      name: o.name,
      interval,
      initialDelay,
      count: o.count === undefined ? undefined : analysis.AnalysisTemplateSpecMetricsCount.fromNumber(o.count),
      successCondition: o.successCondition,
      failureCondition: o.failureCondition,
      failureLimit: limit(o.failureLimit),
      inconclusiveLimit: o.inconclusiveLimit === undefined ? undefined : analysis.AnalysisTemplateSpecMetricsInconclusiveLimit.fromNumber(o.inconclusiveLimit),
      consecutiveErrorLimit: o.consecutiveErrorLimit === undefined ? undefined : analysis.AnalysisTemplateSpecMetricsConsecutiveErrorLimit.fromNumber(o.consecutiveErrorLimit),
      provider: this.provider,
    };
  }
}

/**
 * A duration as Argo Rollouts writes it (`30s`, `5m`, `1h`): whole seconds, in the largest unit that
 * divides it. A PropError of `construct` names `prop` otherwise.
 */
export function argoDuration(d: Duration, construct: string, id: string, prop: string): string {
  const ms = d.toMilliseconds();
  check(Number.isInteger(ms) && ms >= 1000 && ms % 1000 === 0, construct, id, () =>
    `${prop} must be a whole number of seconds, at least 1, got ${d.toMilliseconds()}ms`);
  const s = ms / 1000;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

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
   * Most seconds the quantile may take.
   * @default 0.5
   */
  readonly thresholdSeconds?: number;
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
   * Seconds a call may take.
   * @default 10
   */
  readonly timeoutSeconds?: number;
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

/** The arg that names the Service whose traffic is measured. */
export const SERVICE_NAME_ARG = 'service-name';

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
    const { selector, window } = springSelector(scope, name, options);
    return new AnalysisTemplate(scope, id, {
      name,
      args: [{ name: SERVICE_NAME_ARG }],
      metrics: [AnalysisMetric.prometheus({
        ...springMeasurements(options),
        name: 'success-rate',
        address: options.prometheusAddress,
        query: successRateQuery(selector, window),
        successCondition: `len(result) > 0 && result[0] >= ${threshold}`,
        failureCondition: `len(result) > 0 && result[0] < ${threshold}`,
      })],
    });
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
    const threshold = options.thresholdSeconds ?? 0.5;
    check(quantile > 0 && quantile < 1, CONSTRUCT, name, () => `quantile must be between 0 and 1 (excluded), e.g. 0.95, got ${quantile}`);
    check(threshold > 0, CONSTRUCT, name, () => `thresholdSeconds must be positive, got ${threshold}`);
    const { selector, window } = springSelector(scope, name, options);
    return new AnalysisTemplate(scope, id, {
      name,
      args: [{ name: SERVICE_NAME_ARG }],
      metrics: [AnalysisMetric.prometheus({
        ...springMeasurements(options),
        name: latencyMetricName(quantile),
        address: options.prometheusAddress,
        query: latencyQuery(quantile, selector, window),
        successCondition: `len(result) > 0 && result[0] <= ${threshold}`,
        failureCondition: `len(result) > 0 && result[0] > ${threshold}`,
      })],
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
      timeoutSeconds: options.timeoutSeconds ?? 10,
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
function springSelector(scope: Construct, name: string, options: SpringMetricsOptions): { selector: string; window: string } {
  const label = options.serviceLabel ?? 'service';
  check(/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label), CONSTRUCT, name, () => `serviceLabel must be a Prometheus label name such as service or job, got "${label}"`);
  const window = argoDuration(options.window ?? Duration.minutes(5), CONSTRUCT, name, 'window');
  const selector = requestSelector(namespaceOf(scope), label, `{{args.${SERVICE_NAME_ARG}}}`);
  return { selector, window };
}

function springMeasurements(options: SpringMetricsOptions): Omit<AnalysisMetricOptions, 'name' | 'successCondition'> {
  return {
    interval: options.interval ?? Duration.minutes(1),
    count: options.count,
    failureLimit: options.failureLimit ?? 2,
    initialDelay: options.initialDelay ?? Duration.minutes(1),
  };
}
