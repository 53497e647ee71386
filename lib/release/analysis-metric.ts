import { Duration } from 'cdk8s';
import * as analysis from '../../imports/analysis-argoproj.io';
import { argoDuration, check, checkInt32, checkSeconds, PropError } from '../props/checks';
import { argsReferenced, metricLimits } from '../rules/analysis';
import { checkOptions, P } from '../props/schema';

/**
 * The metrics of an AnalysisTemplate (what Argo Rollouts measures, and when it fails); the
 * templates themselves are in analysis-template.ts.
 */

/** The duration format Argo Rollouts writes, part of the public API since the metrics first used it. */
export { argoDuration } from '../props/checks';

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
   * How long a query may take (whole seconds, 1s-10m).
   * @default Duration.seconds(30) (Argo Rollouts' default)
   */
  readonly timeout?: Duration;
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
   * How long the call may take (whole seconds, 1s-10m).
   * @default Duration.seconds(10) (Argo Rollouts' default)
   */
  readonly timeout?: Duration;
}

type Provider = { readonly prometheus: analysis.AnalysisTemplateSpecMetricsProviderPrometheus } | { readonly web: analysis.AnalysisTemplateSpecMetricsProviderWeb };

/** The construct's name in every PropError of a metric or template. */
export const CONSTRUCT = 'AnalysisTemplate';
/** A reference to an argument of the template: `{{args.<name>}}`. */
const HTTP_URL = /^https?:\/\/[^\s/]+/;

/** One metric of an AnalysisTemplate: `AnalysisMetric.prometheus({...})` or `AnalysisMetric.web({...})`. */
export class AnalysisMetric {
  /** A PromQL query against Prometheus. */
  public static prometheus(options: PrometheusMetricOptions): AnalysisMetric {
    checkOptions('AnalysisMetric.prometheus', options, PrometheusMetricOptionsSchema);
    return new AnalysisMetric(options, { prometheus: { address: options.address, query: options.query } }, [options.address, options.query]);
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
      },
    }, [options.url, options.body ?? '', ...headers.map((h) => h.value)]);
  }

  public readonly name: string;

  private constructor(private readonly options: AnalysisMetricOptions & { readonly timeout?: Duration }, private readonly provider: Provider, private readonly templated: string[]) {
    this.name = options.name;
  }

  /** Names of the arguments the metric uses as `{{args.<name>}}`. */
  public get argsUsed(): string[] {
    const text = [...this.templated, this.options.successCondition, this.options.failureCondition ?? ''].join('\n');
    return argsReferenced(text);
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
    // ValidateMetric: failureLimit >= -1 (-1, disabled, needs a consecutiveSuccessLimit: metricLimits
    // below), the other limits >= 0; count from 1, as 0 is Argo's unset (Metric.EffectiveCount):
    // platform policy, leave count out instead (docs/validation.md).
    checkInt32(CONSTRUCT, template, prop('failureLimit'), o.failureLimit, -1);
    checkInt32(CONSTRUCT, template, prop('inconclusiveLimit'), o.inconclusiveLimit, 0);
    checkInt32(CONSTRUCT, template, prop('consecutiveErrorLimit'), o.consecutiveErrorLimit, 0);
    checkInt32(CONSTRUCT, template, prop('count'), o.count, 1);
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
    } else {
      const w = this.provider.web;
      check(HTTP_URL.test(w.url), CONSTRUCT, template, () => `${prop('url')} must be an http(s) URL, got "${w.url}"`);
    }
    // Both providers take whole seconds (prometheus.timeout, web.timeoutSeconds).
    // Both take 0 as "the provider's default" (webmetric: TimeoutSeconds <= 0): platform policy, from 1 s.
    const timeout = checkSeconds(CONSTRUCT, template, prop('timeout'), this.options.timeout, 1);
    const provider: Provider = 'prometheus' in this.provider
      ? { prometheus: { ...this.provider.prometheus, timeout } }
      : { web: { ...this.provider.web, timeoutSeconds: timeout } };
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
      provider,
    };
  }
}


// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const AnalysisArgSchema = P.object('AnalysisArg', { name: P.required(P.string), value: P.string });
export const AnalysisMetricOptionsSchema = P.object('AnalysisMetricOptions', {
  name: P.required(P.string), successCondition: P.required(P.string), failureCondition: P.string, failureLimit: P.number,
  inconclusiveLimit: P.number, consecutiveErrorLimit: P.number, interval: P.duration, count: P.number, initialDelay: P.duration,
});
export const PrometheusMetricOptionsSchema = P.object('PrometheusMetricOptions', {
  address: P.required(P.string), query: P.required(P.string), timeout: P.duration,
}, AnalysisMetricOptionsSchema);
export const WebMetricOptionsSchema = P.object('WebMetricOptions', {
  url: P.required(P.string), jsonPath: P.string, method: P.literal('GET', 'POST', 'PUT'), headers: P.stringMap, body: P.string, timeout: P.duration,
}, AnalysisMetricOptionsSchema);
