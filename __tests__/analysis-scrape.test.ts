import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as YAML from 'yaml';
import {
  AnalysisMetric, AnalysisTemplate, CanaryStep, DeployStrategy, Environment, JavaApp, JavaAppProps, Monitoring, PlatformApp,
} from '../lib';
import { problemsOf, tempDir } from './support/platform';

const IMAGE = 'ghcr.io/acme-shop/orders:1.4.2';
const PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';

type Templates = (env: Environment) => AnalysisTemplate[];

/** GIVEN an environment with the templates and a JavaApp whose strategy uses them; the app. */
function setup(templates: Templates, strategy: (t: AnalysisTemplate[]) => DeployStrategy, props: Partial<JavaAppProps> = {}): PlatformApp {
  const app = new PlatformApp({ outdir: tempDir() });
  const env = new Environment(app, 'dev', { namespace: 'shop-dev' });
  const t = templates(env);
  new JavaApp(env, 'orders', { image: IMAGE, ingress: { host: 'orders.example.com' }, strategy: strategy(t), ...props });
  return app;
}

const successRate: Templates = (env) => [AnalysisTemplate.successRate(env, 'http-success-rate', { prometheusAddress: PROMETHEUS, count: 3 })];
const blueGreen = (service: string) => (t: AnalysisTemplate[]) => DeployStrategy.blueGreen({ prePromotionAnalysis: { templates: t, args: { 'service-name': service } } });
const canary = (service: string) => (t: AnalysisTemplate[]) => DeployStrategy.canary({ analysis: { templates: t, args: { 'service-name': service } } });
const custom = (query: string, args: { name: string; value?: string }[] = [{ name: 'service-name' }]): Templates => (env) => [new AnalysisTemplate(env, 'custom', {
  args,
  metrics: [AnalysisMetric.prometheus({ name: 'errors', address: PROMETHEUS, query, successCondition: 'result[0] < 1', count: 2, interval: Duration.minutes(1) })],
})];

describe('accepted: the analysis measures what a monitor scrapes', () => {
  test.each([
    ['blue-green pre-promotion on the preview Service', successRate, blueGreen('orders-preview')],
    ['blue-green post-promotion on the active Service', successRate, (t: AnalysisTemplate[]) => DeployStrategy.blueGreen({ postPromotionAnalysis: { templates: t, args: { 'service-name': 'orders' } } })],
    ['canary background analysis on the canary Service', successRate, canary('orders-canary')],
    ['canary step, the canary Service filled in', successRate, (t: AnalysisTemplate[]) => DeployStrategy.canary({ steps: [CanaryStep.setWeight(20), CanaryStep.analysis({ templates: t })] })],
    ['latency on job (the Service name for a ServiceMonitor)', (env: Environment) => [AnalysisTemplate.latency(env, 'lat', { prometheusAddress: PROMETHEUS, serviceLabel: 'job', count: 3 })], canary('orders-canary')],
    ['a custom metric filtering on its own labels', custom('sum(rate(orders_failed_total{namespace="shop-dev", service="{{args.service-name}}", reason="timeout"}[5m]))'), canary('orders-canary')],
  ])('%s', (_, templates, strategy) => {
    expect(() => setup(templates, strategy).manifests()).not.toThrow();
  });

  test('a PodMonitor, measured by its job and pod', () => {
    const app = setup(custom('sum(rate(http_server_requests_seconds_count{job="shop-dev/orders", pod=~"{{args.pods}}"}[5m]))', [{ name: 'pods', value: 'orders-.*' }]),
      (t) => DeployStrategy.canary({ analysis: { templates: t } }), { monitoring: Monitoring.podMonitor() });
    expect(() => app.manifests()).not.toThrow();
  });

  test('the committed dist/: every serving workload is scraped, every analysed Service selected by a ServiceMonitor', () => {
    const root = path.join(__dirname, '..', 'dist');
    for (const envName of ['dev', 'prod']) {
      const docs = fs.readdirSync(path.join(root, envName)).filter((f) => f.endsWith('.yaml'))
        .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(root, envName, f), 'utf8')).map((d) => d.toJSON()));
      const of = (kind: string) => docs.filter((d) => d.kind === kind);
      const selects = (sel: Record<string, string>, labels: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels?.[k] === v);
      const scraped = (svc: any) => of('ServiceMonitor').some((m) => selects(m.spec.selector.matchLabels, svc.metadata.labels)
        && m.spec.endpoints.some((e: any) => svc.spec.ports.some((p: any) => p.name === e.port)));
      expect(of('Deployment').length).toBeGreaterThan(0);
      for (const d of of('Deployment')) {
        const pods = d.spec.template.metadata.labels;
        const viaService = of('Service').some((svc) => selects(svc.spec.selector, pods) && scraped(svc));
        const viaPods = of('PodMonitor').some((m) => selects(m.spec.selector.matchLabels, pods));
        expect([d.metadata.name, viaService || viaPods]).toEqual([d.metadata.name, true]);
      }
      const analysed = of('Rollout').flatMap((r) => {
        const s = r.spec.strategy;
        return [s.blueGreen?.prePromotionAnalysis, s.blueGreen?.postPromotionAnalysis, s.canary?.analysis, ...(s.canary?.steps ?? []).map((x: any) => x.analysis)]
          .filter(Boolean).flatMap((a: any) => (a.args ?? []).filter((x: any) => x.name === 'service-name').map((x: any) => x.value));
      });
      expect(analysed.length).toBeGreaterThan(0);
      for (const name of analysed) expect([name, scraped(of('Service').find((svc) => svc.metadata.name === name))]).toEqual([name, true]);
    }
  });
});

describe('refused: the analysis would get no data', () => {
  const at = 'dev/orders.yaml Rollout orders';

  test('a Service no monitor scrapes (metrics off)', () => {
    expect(problemsOf(setup(successRate, canary('orders-canary'), { metrics: false }))).toEqual([
      `${at} spec.strategy.canary.analysis.templates[0]: AnalysisTemplate "http-success-rate" metric "success-rate" measures Service "orders-canary", which no ServiceMonitor in this environment scrapes (a PodMonitor adds no "service" label), so it would get no data: scrape it with a ServiceMonitor (JavaApp's default, Monitoring.serviceMonitor()) selecting the Service and its metrics port`,
    ]);
  });

  test('annotations only: kube-prometheus-stack scrapes nothing', () => {
    const problems = problemsOf(setup(successRate, blueGreen('orders-preview'), { monitoring: Monitoring.annotations() }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${at} spec.strategy.blueGreen.prePromotionAnalysis.templates[0]: AnalysisTemplate "http-success-rate" metric "success-rate" measures Service "orders-preview", which no ServiceMonitor`);
  });

  test('a PodMonitor produces no service label', () => {
    const problems = problemsOf(setup(successRate, canary('orders-canary'), { monitoring: Monitoring.podMonitor() }));
    expect(problems).toEqual([expect.stringContaining('measures Service "orders-canary", which no ServiceMonitor in this environment scrapes (a PodMonitor adds no "service" label)')]);
  });

  test('a Service that does not exist (the construct refuses it; here patched into the Rollout, which the gate checks too)', () => {
    const app = setup(successRate, canary('orders-canary'));
    const rollout = app.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Rollout')!;
    rollout.addJsonPatch(JsonPatch.replace('/spec/strategy/canary/analysis/args/0/value', 'orders-green'));
    expect(problemsOf(app)).toEqual([
      `${at} spec.strategy.canary.analysis.templates[0]: AnalysisTemplate "http-success-rate" metric "success-rate" measures Service "orders-green", which does not exist in namespace "shop-dev": pass the name of a Service a ServiceMonitor scrapes (e.g. the app's, its -preview or -canary Service)`,
    ]);
  });

  test('a label the monitor does not produce (the old annotation-scrape label)', () => {
    const problems = problemsOf(setup((env) => [AnalysisTemplate.successRate(env, 'rate', { prometheusAddress: PROMETHEUS, serviceLabel: 'kubernetes_name' })], canary('orders-canary')));
    expect(problems).toEqual([
      `${at} spec.strategy.canary.analysis.templates[0]: AnalysisTemplate "rate" metric "success-rate" filters on label "kubernetes_name", which ServiceMonitor "orders" does not produce (it produces container, endpoint, instance, job, namespace, pod, service; the metric has application, error, exception, le, method, outcome, quantile, status, uri): filter on one of those`,
    ]);
  });

  test('a label a PodMonitor does not produce, on a custom metric', () => {
    const problems = problemsOf(setup(custom('sum(rate(orders_failed_total{service="{{args.service-name}}"}[5m]))'), canary('orders-canary'), { monitoring: Monitoring.podMonitor() }));
    expect(problems).toEqual([expect.stringContaining('measures Service "orders-canary", which no ServiceMonitor')]);
    const byLabel = problemsOf(setup(custom('sum(rate(orders_failed_total{job="shop-dev/orders", service=~".+"}[5m]))', []),
      (t) => DeployStrategy.canary({ analysis: { templates: t } }), { monitoring: Monitoring.podMonitor() }));
    expect(byLabel).toEqual([expect.stringContaining('filters on label "service", which PodMonitor "orders" does not produce (it produces container, endpoint, instance, job, namespace, pod)')]);
  });

  test('a job no monitor produces, and another namespace', () => {
    expect(problemsOf(setup(custom('up{job="orders-blue", service="{{args.service-name}}"}'), canary('orders-canary'))))
      .toEqual([expect.stringContaining('filters on job="orders-blue", which no monitor in this environment produces (jobs: orders-canary)')]);
    expect(problemsOf(setup(custom('up{namespace="shop-prod", service="{{args.service-name}}"}'), canary('orders-canary'))))
      .toEqual([expect.stringContaining('filters on namespace="shop-prod", but the monitors of this environment scrape namespace "shop-dev"')]);
  });

  test('an escape hatch that breaks the monitor is caught too', () => {
    const app = setup(successRate, canary('orders-canary'));
    const monitor = app.node.findAll().find((c) => c instanceof ApiObject && c.kind === 'ServiceMonitor') as ApiObject;
    monitor.addJsonPatch(JsonPatch.replace('/spec/endpoints/0/port', 'http-metrics'));
    expect(problemsOf(app)).toEqual([expect.stringContaining('measures Service "orders-canary", which no ServiceMonitor in this environment scrapes')]);
  });
});
