import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as sm from '../../imports/monitoring-monitoring.coreos.com';
import * as pm from '../../imports/monitoringpod-monitoring.coreos.com';
import { argoDuration, check, checkName } from '../props/checks';
import { checkOptions, checkProps, P } from '../props/schema';

/** Options of the Prometheus Operator monitors. */
export interface MonitorOptions {
  /**
   * Labels on the monitor (and on the app's PrometheusRule) by which a Prometheus instance selects
   * it: its `serviceMonitorSelector`, `podMonitorSelector` and `ruleSelector`. kube-prometheus-stack
   * selects `release: <its Helm release>` unless told otherwise; a Prometheus that selects every
   * monitor ignores the label.
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly labels?: Record<string, string>;
  /**
   * Time between scrapes (whole seconds). The analysis windows (`rate()` over 5 minutes) need at
   * least four scrapes in them.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
}

/** What scrapes a JavaApp's `/actuator/prometheus` endpoint. */
export class Monitoring {
  /**
   * A ServiceMonitor selecting every Service of the app (its own, and the preview or canary
   * Service of a rollout) on the `management` port: each series carries the Service's name as
   * `service` (and `job`), so each version can be measured on its own.
   */
  public static serviceMonitor(options: MonitorOptions = {}): Monitoring {
    checkOptions('Monitoring.serviceMonitor', options, MonitorOptionsSchema);
    return new Monitoring('ServiceMonitor', options);
  }

  /**
   * A PodMonitor selecting the app's pods on the `management` port. Its series carry no `service`
   * label: an analysis must filter on `pod` or `job` (`<namespace>/<app>`).
   */
  public static podMonitor(options: MonitorOptions = {}): Monitoring {
    checkOptions('Monitoring.podMonitor', options, MonitorOptionsSchema);
    return new Monitoring('PodMonitor', options);
  }

  /**
   * No monitor, for clusters without the Prometheus Operator: the pods keep the `prometheus.io/*`
   * annotations that annotation-driven scrape jobs read.
   */
  public static annotations(): Monitoring {
    return new Monitoring(undefined, {});
  }

  private constructor(
    /** The monitor kind, or undefined for annotations only. */
    public readonly kind: 'ServiceMonitor' | 'PodMonitor' | undefined,
    private readonly options: MonitorOptions,
  ) {}

  /** Labels a Prometheus selects monitors and rules by. */
  public get selectionLabels(): Record<string, string> {
    return this.options.labels ?? { release: 'kube-prometheus-stack' };
  }

  /** The scrape interval as the operator writes it (`30s`, `1m`). */
  public interval(construct: string, id: string): string {
    return argoDuration(this.options.interval ?? Duration.seconds(30), construct, id, 'monitoring interval');
  }
}

/** What an app tells its monitor. */
export interface AppMonitorProps {
  readonly monitoring: Monitoring;
  readonly name: string;
  readonly namespace: string;
  /** Labels of the monitor object itself (the app's labels). */
  readonly labels: Record<string, string>;
  /** Stable labels on the app's pods and on every one of its Services. */
  readonly selectorLabels: Record<string, string>;
  /** Name of the Service and container port that serves the metrics. */
  readonly portName: string;
  /** Path of the metrics. */
  readonly path: string;
  /** Construct name for messages. */
  readonly construct: string;
}

/** The ServiceMonitor or PodMonitor of one app. */
export class AppMonitor extends Construct {
  constructor(scope: Construct, id: string, props: AppMonitorProps) {
    super(scope, id);
    checkProps('AppMonitor', id, props, AppMonitorPropsSchema);
    const m = props.monitoring;
    const labels = m.selectionLabels;
    for (const [key, value] of Object.entries(labels)) {
      check(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(key) && /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.test(value),
        props.construct, props.name, () => `monitoring labels must be Kubernetes labels, got ${key}=${JSON.stringify(value)}`);
    }
    checkName(props.construct, props.name, 'monitoring port name', props.portName);
    const interval = m.interval(props.construct, props.name);
    const metadata = { name: props.name, namespace: props.namespace, labels: { ...props.labels, ...labels } };
    const selector = { matchLabels: props.selectorLabels };
    if (m.kind === 'ServiceMonitor') {
      new sm.ServiceMonitor(this, 'Resource', {
        metadata,
        spec: {
          selector,
          endpoints: [{ port: props.portName, path: props.path, interval }],
        },
      });
    } else if (m.kind === 'PodMonitor') {
      new pm.PodMonitor(this, 'Resource', {
        metadata,
        spec: {
          selector,
          podMetricsEndpoints: [{ port: props.portName, path: props.path, interval }],
        },
      });
    }
  }
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const MonitorOptionsSchema = P.object('MonitorOptions', { labels: P.stringMap, interval: P.duration });
export const AppMonitorPropsSchema = P.object('AppMonitorProps', {
  monitoring: P.required(P.instance('Monitoring', Monitoring)), name: P.required(P.string), namespace: P.required(P.string),
  labels: P.required(P.stringMap), selectorLabels: P.required(P.stringMap), portName: P.required(P.string), path: P.required(P.string),
  construct: P.required(P.string),
});
