import { ApiObject, JsonPatch } from 'cdk8s';
import { DeployStrategy, Environment, JavaApp, JavaAppProps } from '../lib';
import { platform, problemsOf } from './support/platform';

const IMAGE = 'ghcr.io/acme-shop/orders:1.4.2';

/** A plain AnalysisTemplate object (as a user's escape hatch would write it): the gate is its only check. */
function template(env: Environment, name: string, metrics: object[], args: object[] = [{ name: 'service-name' }]): void {
  new ApiObject(env, name, {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name, namespace: 'shop-dev' },
    spec: { args, metrics: metrics.map((m) => ({ successCondition: 'result == "UP"', provider: { web: { url: 'http://{{args.service-name}}/health' } }, ...m })) },
  });
}

/** Gate problems of an app whose Rollout gets `patches` (paths under /spec/strategy), with extra templates. */
function gate(strategy: 'blueGreen' | 'canary', patches: Array<[string, unknown]>, extra: (env: Environment) => void, props: Partial<JavaAppProps> = {}): string[] {
  const { app, env } = platform();
  const java = new JavaApp(env, 'orders', {
    image: IMAGE, strategy: strategy === 'canary' ? DeployStrategy.canary() : DeployStrategy.blueGreen(), ...props,
  });
  extra(env);
  const rollout = java.node.findChild('Rollout').node.findChild('Resource') as ApiObject;
  for (const [path, value] of patches) rollout.addJsonPatch(JsonPatch.add(`/spec/strategy/${strategy}/${path}`, value));
  try {
    app.manifests();
    return [];
  } catch {
    return problemsOf(app);
  }
}

const R = 'dev/orders.yaml Rollout orders';
const BG = `${R} spec.strategy.blueGreen`;
const CANARY = `${R} spec.strategy.canary`;
const args = [{ name: 'service-name', value: 'orders' }];

describe('Argo Rollouts controller parity (v1.9.1), blue-green and canary alike', () => {
  test.each<[string, 'blueGreen' | 'canary', Array<[string, unknown]>, (env: Environment) => void, string[]]>([
    ['flattenMetrics: two templates of a pre-promotion analysis define the same metric', 'blueGreen',
      [['prePromotionAnalysis', { templates: [{ templateName: 'a' }, { templateName: 'b' }], args }]],
      (env) => { template(env, 'a', [{ name: 'rate' }]); template(env, 'b', [{ name: 'rate' }]); },
      [`${BG}.prePromotionAnalysis.templates: two metrics have the same name "rate" (templates "a" and "b"): the controller merges the templates of one analysis, so metric names must be unique across them`]],
    ['flattenMetrics: the same in a canary step', 'canary',
      [['steps/1', { analysis: { templates: [{ templateName: 'a' }, { templateName: 'b' }], args } }]],
      (env) => { template(env, 'a', [{ name: 'rate' }]); template(env, 'b', [{ name: 'rate' }]); },
      [`${CANARY}.steps[1].analysis.templates: two metrics have the same name "rate" (templates "a" and "b"): the controller merges the templates of one analysis, so metric names must be unique across them`]],
    ['EffectiveCount: a pre-promotion analysis that never ends', 'blueGreen',
      [['prePromotionAnalysis', { templates: [{ templateName: 'forever' }], args }]],
      (env) => template(env, 'forever', [{ name: 'rate', interval: '1m' }]),
      [`${BG}.prePromotionAnalysis: AnalysisTemplate "forever" has metric "rate" with an interval and no count, which runs indefinitely: a pre-promotion analysis would never finish; give it a count, or run the template as background analysis (canary only)`]],
    ['EffectiveCount: a post-promotion analysis with count 0 never ends either', 'blueGreen',
      [['postPromotionAnalysis', { templates: [{ templateName: 'forever' }], args }]],
      (env) => template(env, 'forever', [{ name: 'rate', interval: '1m', count: 0 }]),
      [`${BG}.postPromotionAnalysis: AnalysisTemplate "forever" has metric "rate" with an interval and no count, which runs indefinitely: a post-promotion analysis would never finish; give it a count, or run the template as background analysis (canary only)`]],
    ['EffectiveCount: a canary step analysis that never ends', 'canary',
      [['steps/1', { analysis: { templates: [{ templateName: 'forever' }], args } }]],
      (env) => template(env, 'forever', [{ name: 'rate', interval: '1m' }]),
      [`${CANARY}.steps[1].analysis: AnalysisTemplate "forever" has metric "rate" with an interval and no count, which runs indefinitely: a step analysis would never finish; give it a count, or run the template as background analysis (canary only)`]],
    ['MergeArgs: a pre-promotion analysis that lacks its arg', 'blueGreen',
      [['prePromotionAnalysis', { templates: [{ templateName: 'health' }] }]],
      (env) => template(env, 'health', [{ name: 'up' }]),
      [`${BG}.prePromotionAnalysis.args: AnalysisTemplate "health" declares arg "service-name" without a value: pass it here (name "service-name")`]],
    ['MergeArgs: a canary step analysis that lacks its arg', 'canary',
      [['steps/1', { analysis: { templates: [{ templateName: 'health' }] } }]],
      (env) => template(env, 'health', [{ name: 'up' }]),
      [`${CANARY}.steps[1].analysis.args: AnalysisTemplate "health" declares arg "service-name" without a value: pass it here (name "service-name")`]],
    ['ValidateRolloutStrategyCanary: setWeight above 100', 'canary', [['steps/0', { setWeight: 150 }]], () => undefined,
      [`${CANARY}.steps[0].setWeight: must be between 0 and 100, got 150`]],
  ])('%s', (_rule, strategy, patches, extra, expected) => {
    expect(gate(strategy, patches, extra)).toEqual(expected);
  });

  test.each<[string, 'blueGreen' | 'canary', Array<[string, unknown]>, (env: Environment) => void]>([
    ['a pre-promotion analysis that ends and gets its arg', 'blueGreen',
      [['prePromotionAnalysis', { templates: [{ templateName: 'health' }], args }]], (env) => template(env, 'health', [{ name: 'up', interval: '30s', count: 3 }])],
    ['a canary background analysis may run until the rollout ends', 'canary',
      [['analysis', { templates: [{ templateName: 'forever' }], args }]], (env) => template(env, 'forever', [{ name: 'rate', interval: '1m' }])],
    ['metric names differ across templates; an arg with a default need not be passed', 'blueGreen',
      [['prePromotionAnalysis', { templates: [{ templateName: 'a' }, { templateName: 'b' }], args }]],
      (env) => { template(env, 'a', [{ name: 'rate' }]); template(env, 'b', [{ name: 'latency' }], [{ name: 'service-name' }, { name: 'window', value: '5m' }]); }],
  ])('accepted: %s', (_case, strategy, patches, extra) => {
    expect(gate(strategy, patches, extra)).toEqual([]);
  });

  test.each<[string, object, string | undefined]>([
    ['ValidateMetric: failureLimit equal to count', { count: 3, interval: '1m', failureLimit: 3 }, undefined],
    ['ValidateMetric: failureLimit above count', { count: 3, interval: '1m', failureLimit: 4 },
      'dev/health.yaml AnalysisTemplate health spec.metrics[0].count: metric "up": count (3) must be >= failureLimit (4), or the metric could never fail (failureLimit equal to count is fine)'],
    ['ValidateMetric: count below inconclusiveLimit', { count: 2, interval: '1m', inconclusiveLimit: 3 },
      'dev/health.yaml AnalysisTemplate health spec.metrics[0].count: metric "up": count (2) must be >= inconclusiveLimit (3)'],
    ['ValidateMetric: count above 1 without an interval', { count: 2 },
      'dev/health.yaml AnalysisTemplate health spec.metrics[0].interval: metric "up": must be set when count > 1 (count is 2): the time between measurements'],
    ['ValidateMetric: two providers', { provider: { web: { url: 'http://a' }, prometheus: { address: 'http://p:9090', query: 'up' } } },
      'dev/health.yaml AnalysisTemplate health spec.metrics[0].provider: metric "up": multiple providers specified (prometheus, web): set exactly one'],
  ])('%s', (_rule, metric, expected) => {
    const problems = gate('blueGreen', [['prePromotionAnalysis', { templates: [{ templateName: 'health' }], args }]], (env) => template(env, 'health', [{ name: 'up', ...metric }]));
    expect(problems).toEqual(expected ? [expected] : []);
  });

  describe('canary Ingress (rollout/trafficrouting/nginx)', () => {
    const ingress = { ingress: { host: 'orders.example.com' } };
    test('an additional annotation whose key the API server would refuse on the canary Ingress', () => {
      expect(gate('canary', [['trafficRouting/nginx/additionalIngressAnnotations', { 'canary by header': 'X-Canary' }]], () => undefined, ingress))
        .toEqual([`${CANARY}.trafficRouting.nginx.additionalIngressAnnotations: the Ingress "orders-orders-canary" that the Rollouts controller creates from Ingress "orders" (buildCanaryIngress): metadata.annotations["nginx.ingress.kubernetes.io/canary by header"]: annotation key "nginx.ingress.kubernetes.io/canary by header": name part must consist of letters, digits, '-', '_' or '.', and must start and end with a letter or digit (e.g. "my.name")`]);
    });
    test('canary-by-header is a valid additional annotation', () => {
      expect(gate('canary', [['trafficRouting/nginx/additionalIngressAnnotations', { 'canary-by-header': 'X-Canary' }]], () => undefined, ingress)).toEqual([]);
    });
    test('an Ingress already named like the canary Ingress the controller creates', () => {
      const problems = gate('canary', [], (env) => new ApiObject(env, 'orders-orders-canary', {
        apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'orders-orders-canary', namespace: 'shop-dev' },
        spec: { ingressClassName: 'nginx', rules: [{ host: 'other.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'orders', port: { name: 'http' } } } }] } }] },
      }), ingress);
      expect(problems).toContain(`${CANARY}.trafficRouting.nginx.stableIngress: the controller creates the canary Ingress "orders-orders-canary", but an Ingress of that name is already defined here: rename or remove it`);
    });
    test('both stableIngress and stableIngresses', () => {
      expect(gate('canary', [['trafficRouting/nginx/stableIngresses', ['orders']]], () => undefined, ingress))
        .toContain(`${CANARY}.trafficRouting.nginx: either stableIngress or stableIngresses must be configured, both are`);
    });
  });
});
