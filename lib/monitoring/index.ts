/**
 * Monitoring: how Prometheus scrapes an app (`Monitoring`, the ServiceMonitor or PodMonitor of
 * monitors.ts) and the alerts that page for it (`AppAlerts`, a PrometheusRule, alerts.ts).
 */
export * from './monitors';
export * from './alerts';
