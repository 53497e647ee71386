import { ApiObject, Duration } from 'cdk8s';
import {
  AnalysisMetric, AnalysisTemplate, CanaryStep, CanaryTrafficRouting, DeployStrategy, Environment, JavaApp, JavaAppProps,
} from '../../lib';
import { INVENTORY_FILE } from '../../lib/synth/inventory';
import { one, platform } from '../support/platform';

/**
 * An analysis grades the version under test: the Service it measures follows from the strategy and
 * the step, is filled in as the `service-name` arg unless given, and a given one that measures the
 * other version is refused naming the right one. A latency metric needs the histogram: JavaApp
 * publishes it.
 */
const IMAGE = 'ghcr.io/acme-shop/orders:1.4.2';
const PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';
const HISTOGRAM = 'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS';

function templates(env: Environment) {
  return {
    rate: AnalysisTemplate.successRate(env, 'rate', { prometheusAddress: PROMETHEUS, count: 3 }),
    latency: AnalysisTemplate.latency(env, 'latency', { prometheusAddress: PROMETHEUS, count: 3 }),
  };
}

function build(strategy: (t: ReturnType<typeof templates>) => DeployStrategy, props: Partial<JavaAppProps> = {}) {
  const { app, env } = platform();
  new JavaApp(env, 'orders', { image: IMAGE, ingress: { host: 'orders.example.com' }, ...props, strategy: strategy(templates(env)) });
  return app;
}

const rolloutOf = (strategy: Parameters<typeof build>[0], props: Partial<JavaAppProps> = {}) => one(build(strategy, props).manifests(), 'Rollout', 'orders');
const serviceArg = (analysis: any) => analysis.args.find((a: any) => a.name === 'service-name')?.value;
const envOf = (app: ReturnType<typeof build>) =>
  Object.fromEntries(one(app.manifests(), 'Deployment', 'orders').spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));

describe('the Service an analysis measures follows from the strategy and the step', () => {
  test('canary: background analysis and analysis steps measure the canary Service, filled in', () => {
    const rollout = rolloutOf((t) => DeployStrategy.canary({
      analysis: { templates: [t.rate] },
      steps: [CanaryStep.setWeight(20), CanaryStep.analysis({ templates: [t.rate] }), CanaryStep.setWeight(50)],
    }));
    expect(serviceArg(rollout.spec.strategy.canary.analysis)).toBe('orders-canary');
    expect(serviceArg(rollout.spec.strategy.canary.steps[1].analysis)).toBe('orders-canary');
  });

  test('blue-green: before promotion the preview Service, after it the active one, filled in', () => {
    const rollout = rolloutOf((t) => DeployStrategy.blueGreen({ prePromotionAnalysis: { templates: [t.rate] }, postPromotionAnalysis: { templates: [t.rate] } }));
    expect(serviceArg(rollout.spec.strategy.blueGreen.prePromotionAnalysis)).toBe('orders-preview');
    expect(serviceArg(rollout.spec.strategy.blueGreen.postPromotionAnalysis)).toBe('orders');
  });

  test('accepted: the right Service given explicitly, the same output as filled in', () => {
    const given = rolloutOf((t) => DeployStrategy.canary({ canaryServiceName: 'orders-new', analysis: { templates: [t.rate], args: { 'service-name': 'orders-new' } } }));
    const filled = rolloutOf((t) => DeployStrategy.canary({ canaryServiceName: 'orders-new', analysis: { templates: [t.rate] } }));
    expect(given).toEqual(filled);
    expect(serviceArg(given.spec.strategy.canary.analysis)).toBe('orders-new');
  });

  test('a template given by name, or one without the arg, gets no arg it does not declare', () => {
    // By name (checked by the gate, which needs the template to exist): the Rollout as the construct writes it.
    const byName = build(() => DeployStrategy.canary({ analysis: { templates: ['made-elsewhere'] } }));
    const rollout = byName.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Rollout')!.toJson();
    expect(rollout.spec.strategy.canary.analysis).toEqual({ templates: [{ templateName: 'made-elsewhere' }], startingStep: 1 });
    const { app, env } = platform();
    const fixed = new AnalysisTemplate(env, 'fixed', { metrics: [AnalysisMetric.web({ name: 'web', url: 'http://orders.shop-dev.svc:8081/actuator/health', successCondition: 'result == "UP"', interval: Duration.seconds(10), count: 3 })] });
    new JavaApp(env, 'orders', { image: IMAGE, strategy: DeployStrategy.blueGreen({ prePromotionAnalysis: { templates: [fixed] } }) });
    expect(one(app.manifests(), 'Rollout', 'orders').spec.strategy.blueGreen.prePromotionAnalysis.args).toBeUndefined();
  });

  test.each<[string, (t: ReturnType<typeof templates>) => DeployStrategy, string]>([
    ['canary analysis on the app\'s Service (pod-count canary)', (t) => DeployStrategy.canary({ trafficRouting: CanaryTrafficRouting.replicaCount(), analysis: { templates: [t.rate], args: { 'service-name': 'orders' } } }),
      'CanaryRollout "orders": analysis args \'service-name\' is "orders", the app\'s Service, which carries the released version (and the canary\'s pods): the analysis would grade the wrong version. analysis measures the canary Service "orders-canary": use it, or leave \'service-name\' out and it is filled in'],
    ['canary step on the stable Service (NGINX routing)', (t) => DeployStrategy.canary({ steps: [CanaryStep.setWeight(20), CanaryStep.analysis({ templates: [t.rate], args: { 'service-name': 'orders' } })] }),
      'CanaryRollout "orders": steps[1] analysis args \'service-name\' is "orders", the stable Service, which carries the released version: the analysis would grade the wrong version. steps[1] analysis measures the canary Service "orders-canary"'],
    ['pre-promotion on the active Service', (t) => DeployStrategy.blueGreen({ prePromotionAnalysis: { templates: [t.rate], args: { 'service-name': 'orders' } } }),
      'BlueGreenRollout "orders": prePromotionAnalysis args \'service-name\' is "orders", the active Service, which carries blue (the released version) until the switch: the analysis would grade the wrong version. prePromotionAnalysis measures the preview Service (green before the switch) "orders-preview"'],
    ['post-promotion on the preview Service', (t) => DeployStrategy.blueGreen({ postPromotionAnalysis: { templates: [t.rate], args: { 'service-name': 'orders-preview' } } }),
      'BlueGreenRollout "orders": postPromotionAnalysis args \'service-name\' is "orders-preview", the preview Service, which carries no users\' traffic after the switch: the analysis would grade the wrong version. postPromotionAnalysis measures the active Service (green after the switch) "orders"'],
    ['a Service of neither version', (t) => DeployStrategy.canary({ analysis: { templates: [t.rate], args: { 'service-name': 'payments' } } }),
      'CanaryRollout "orders": analysis args \'service-name\' is "payments", a Service that carries neither version of this release'],
  ])('refused: %s, naming the right one', (_, strategy, message) => {
    expect(() => build(strategy)).toThrow(message);
  });
});

describe('a latency metric reads the histogram: JavaApp publishes it', () => {
  test('a latency template in the release turns the histogram on, sorted among the app\'s variables', () => {
    const app = build((t) => DeployStrategy.canary({ analysis: { templates: [t.rate, t.latency] } }), { env: { A: '1', Z: '2' } });
    const env = envOf(app);
    expect(env[HISTOGRAM]).toBe('true');
    const names = Object.keys(env);
    expect(names.indexOf('A')).toBeLessThan(names.indexOf(HISTOGRAM));
    expect(names.indexOf(HISTOGRAM)).toBeLessThan(names.indexOf('Z'));
  });

  test('so do the latency alert, and a latency step; the app\'s own "true" is kept once', () => {
    expect(envOf(build(() => DeployStrategy.rollingUpdate(), { alerts: {} }))[HISTOGRAM]).toBe('true');
    expect(envOf(build((t) => DeployStrategy.canary({ steps: [CanaryStep.setWeight(10), CanaryStep.analysis({ templates: [t.latency] })] })))[HISTOGRAM]).toBe('true');
    expect(envOf(build((t) => DeployStrategy.canary({ analysis: { templates: [t.latency] } }), { env: { [HISTOGRAM]: 'true' } }))[HISTOGRAM]).toBe('true');
  });

  test('accepted: no latency measured, nothing added', () => {
    expect(envOf(build((t) => DeployStrategy.canary({ analysis: { templates: [t.rate] } }), { alerts: { latency: false } }))[HISTOGRAM]).toBeUndefined();
    expect(envOf(build(() => DeployStrategy.rollingUpdate()))[HISTOGRAM]).toBeUndefined();
  });

  test('refused: the app turns the histogram off while its release or alerts measure latency', () => {
    expect(() => build((t) => DeployStrategy.canary({ analysis: { templates: [t.latency] } }), { env: { [HISTOGRAM]: 'false' }, alerts: {} })).toThrow(
      `JavaApp "orders": env ${HISTOGRAM} is "false", which turns off the request-duration histogram that the analysis template "latency" and the latency alert (alerts.latency) measure: `
      + 'remove it (JavaApp sets it to "true" for them), or measure no latency (alerts: { latency: false }, no latency template)');
  });

  test('a template knows whether it reads the histogram', () => {
    const { env } = platform();
    const t = templates(env);
    expect([t.rate.measuresLatency, t.latency.measuresLatency]).toEqual([false, true]);
  });
});

describe('the inventory page names each app\'s analysis and alerts', () => {
  test('when each analysis runs, its templates and the Service it measures; the alerts with their summaries', () => {
    const { app, env } = platform();
    const t = templates(env);
    new JavaApp(env, 'orders', { image: IMAGE, strategy: DeployStrategy.blueGreen({ prePromotionAnalysis: { templates: [t.rate] }, postPromotionAnalysis: { templates: [t.rate, t.latency] } }), alerts: { latency: false } });
    new JavaApp(env, 'catalog', { image: IMAGE.replace('orders', 'catalog'), strategy: DeployStrategy.canary({ analysis: { templates: [t.rate] }, steps: [CanaryStep.setWeight(20), CanaryStep.analysis({ templates: [t.latency] })] }) });
    new JavaApp(env, 'plain', { image: IMAGE.replace('orders', 'plain') });
    const page = app.outputFiles().get(`dev/${INVENTORY_FILE}`)!;
    const section = page.slice(page.indexOf('## Analysis and alerts'));
    expect(section.split('\n').filter((l) => l.startsWith('| '))).toEqual([
      '| app | analysis | alerts |',
      '| catalog | in the background from step 1: `rate` on Service `catalog-canary`<br>step 1: `latency` on Service `catalog-canary` | none |',
      '| orders | before promotion: `rate` on Service `orders-preview`<br>after promotion: `rate`, `latency` on Service `orders` | `JavaAppErrorRate`: orders: fewer than 99% of requests succeed<br>`JavaAppRestarts`: orders: containers restarted 3 times or more in 5m |',
    ]);
  });
});
