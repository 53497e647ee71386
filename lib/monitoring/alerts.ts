import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as rule from '../../imports/monitoringrule-monitoring.coreos.com';
import { latencyQuery, requestsOfServices, restartsQuery, successRateQuery } from '../rules/metrics';
import { argoDuration, check, checkInteger } from '../props/checks';
import { checkProps, P } from '../props/schema';

/** The on-call alerts of one app: a PrometheusRule built from the same queries as the release analysis. */
export interface AlertOptions {
  /**
   * Least share of requests that must not answer 5xx (0-1), as `AnalysisTemplate.successRate`'s threshold.
   * @default 0.99
   */
  readonly successRate?: number;
  /**
   * Quantile of the request duration that is watched (0-1); the app must publish Micrometer's
   * histogram buckets, or the alert never has data.
   * @default 0.95
   */
  readonly latencyQuantile?: number;
  /**
   * Most seconds the quantile may take.
   * @default 0.5
   */
  readonly latencySeconds?: number;
  /**
   * Alert on latency at all (apps without histogram buckets turn it off).
   * @default true
   */
  readonly latency?: boolean;
  /**
   * Container restarts in `window` that fire the restart alert (kube-state-metrics).
   * @default 3
   */
  readonly restarts?: number;
  /**
   * Window of `rate()`/`increase()`.
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
  /**
   * How long a condition holds before the alert fires.
   * @default Duration.minutes(5)
   */
  readonly for?: Duration;
  /**
   * Value of the `severity` label, which Alertmanager routes by.
   * @default 'warning'
   */
  readonly severity?: string;
}

export interface AppAlertsProps extends AlertOptions {
  readonly app: string;
  readonly namespace: string;
  /** Labels of the rule object: the app's and those its Prometheus selects rules by. */
  readonly labels: Record<string, string>;
  /**
   * The Services that carry users' traffic (the app's own, and a canary's), each measured on its
   * own: an alert names the Service in its `service` label.
   */
  readonly services: string[];
  readonly construct: string;
}

/**
 * A PrometheusRule `<app>` with the app's error-rate, latency and restart alerts, from the metric
 * definitions the AnalysisTemplates use (lib/rules/metrics.ts), on each Service that carries users'
 * traffic. What "no data" means, per alert (docs/releases.md): a Service that answered only 5xx has a
 * success rate of 0 and fires the error-rate alert; a Service without requests in the window has no
 * success rate and no latency, so neither alert fires for it (no traffic is not an error).
 */
export class AppAlerts extends Construct {
  public readonly resource: rule.PrometheusRule;

  constructor(scope: Construct, id: string, props: AppAlertsProps) {
    super(scope, id);
    checkProps('AppAlerts', id, props, AppAlertsPropsSchema);
    const c = props.construct;
    const n = props.app;
    const successRate = props.successRate ?? 0.99;
    const quantile = props.latencyQuantile ?? 0.95;
    const seconds = props.latencySeconds ?? 0.5;
    const restarts = props.restarts ?? 3;
    check(successRate > 0 && successRate <= 1, c, n, () => `alerts.successRate must be a share of requests between 0 (excluded) and 1, got ${successRate}`);
    check(quantile > 0 && quantile < 1, c, n, () => `alerts.latencyQuantile must be between 0 and 1 (excluded), got ${quantile}`);
    check(seconds > 0, c, n, () => `alerts.latencySeconds must be positive, got ${seconds}`);
    // Platform policy (docs/validation.md): the rule fires at `>= restarts`, so 0 would fire for every pod.
    checkInteger(c, n, 'alerts.restarts', restarts, 1, Infinity);
    const window = argoDuration(props.window ?? Duration.minutes(5), c, n, 'alerts.window');
    const hold = argoDuration(props.for ?? Duration.minutes(5), c, n, 'alerts.for');
    const severity = props.severity ?? 'warning';
    check(/^[a-z][a-z0-9_-]*$/.test(severity), c, n, () => `alerts.severity must be a lower-case word such as warning or critical, got "${severity}"`);

    check(props.services.length > 0, c, n, () => 'alerts need at least one Service to measure');
    const selector = requestsOfServices(props.namespace, 'service', props.services);
    const services = [...new Set(props.services)].sort().join(', ');
    const labels = { severity, app: n };
    const percent = (share: number) => `${Math.round(share * 10000) / 100}%`;
    const rules: rule.PrometheusRuleSpecGroupsRules[] = [
      {
        alert: 'JavaAppErrorRate',
        expr: rule.PrometheusRuleSpecGroupsRulesExpr.fromString(`(${successRateQuery(selector, window, ['namespace', 'service'])}) < ${successRate}`),
        for: hold,
        labels,
        annotations: {
          summary: `${n}: fewer than ${percent(successRate)} of requests succeed`,
          description: `Share of non-5xx answers of Service {{ $labels.service }} in ${props.namespace} over ${window} is {{ $value | humanizePercentage }}, the release analysis threshold is ${percent(successRate)} (Services measured: ${services}).`,
        },
      },
      ...((props.latency ?? true) ? [{
        alert: 'JavaAppLatency',
        expr: rule.PrometheusRuleSpecGroupsRulesExpr.fromString(`${latencyQuery(quantile, selector, window, ['namespace', 'service'])} > ${seconds}`),
        for: hold,
        labels,
        annotations: {
          summary: `${n}: p${Math.round(quantile * 1000) / 10} latency above ${seconds}s`,
          description: `The ${quantile} quantile of request durations of Service {{ $labels.service }} in ${props.namespace} over ${window} is {{ $value | humanizeDuration }}.`,
        },
      }] : []),
      {
        alert: 'JavaAppRestarts',
        expr: rule.PrometheusRuleSpecGroupsRulesExpr.fromString(`${restartsQuery(props.namespace, n, window)} >= ${restarts}`),
        labels,
        annotations: {
          summary: `${n}: containers restarted ${restarts} times or more in ${window}`,
          description: `kubectl -n ${props.namespace} describe pods -l app.kubernetes.io/name=${n} shows the last state (OOMKilled, failed liveness probe, ...).`,
        },
      },
    ];
    this.resource = new rule.PrometheusRule(this, 'Resource', {
      metadata: { name: n, namespace: props.namespace, labels: props.labels },
      spec: { groups: [{ name: n, rules }] },
    });
  }
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const AlertOptionsSchema = P.object('AlertOptions', {
  successRate: P.number, latencyQuantile: P.number, latencySeconds: P.number, latency: P.boolean, restarts: P.number,
  window: P.duration, for: P.duration, severity: P.string,
});
export const AppAlertsPropsSchema = P.object('AppAlertsProps', {
  app: P.required(P.string), namespace: P.required(P.string), labels: P.required(P.stringMap), services: P.required(P.array(P.string)),
  construct: P.required(P.string),
}, AlertOptionsSchema);
