import { ApiObject, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AnalysisMetric, AnalysisTemplate, CanaryRollout, CanaryRolloutOptions, CanaryStep, CanaryTrafficRouting, DeployStrategy,
  Environment, JavaApp, JavaAppProps, PercentOrAbsolute, PlatformApp,
} from '../../lib';
import { validateSchema } from '../../lib/validate/schema';
import { find, one, platform, problemsOf } from '../support/platform';

const IMAGE = 'ghcr.io/acme-shop/catalog:2.3.0';
const PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';
const DEFAULT_STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '5m' } }];

/** A plain nginx Deployment as in the upstream example, selected by `app: nginx`. */
function nginxDeployment(chart: any, ports = true): kplus.Deployment {
  const deployment = new kplus.Deployment(chart, 'nginx', {
    metadata: { name: 'nginx' },
    select: false,
    podMetadata: { labels: { app: 'nginx' } },
    containers: [{ image: 'nginx:1.27.0', portNumber: ports ? 80 : undefined, securityContext: { user: 101 } }],
  });
  deployment.select(kplus.LabelSelector.of({ labels: { app: 'nginx' } }));
  return deployment;
}

/** The catalog JavaApp released as a canary, inside a PlatformApp (environment dev, namespace shop-dev). */
function canaryApp(options: CanaryRolloutOptions = {}, props: Partial<JavaAppProps> = {}) {
  const { app, env } = platform();
  const java = new JavaApp(env, 'catalog', {
    image: IMAGE, ingress: { host: 'catalog.example.com', path: '/api' }, strategy: DeployStrategy.canary(options), ...props,
  });
  const rollout = java.node.findChild('Rollout') as CanaryRollout;
  return { app, env, java, rollout };
}

/** Success-rate and latency templates of the environment. */
function templates(env: Environment) {
  return {
    successRate: AnalysisTemplate.successRate(env, 'http-success-rate', { prometheusAddress: PROMETHEUS }),
    latency: AnalysisTemplate.latency(env, 'http-latency', { prometheusAddress: PROMETHEUS }),
  };
}

describe('a plain Deployment without an Ingress: replica-count canary', () => {
  let canary: CanaryRollout;
  let docs: any[];
  // Built in the first test that runs, not while the suite loads: a build that throws fails a test.
  beforeEach(() => {
    if (docs) return;
    // GIVEN the nginx Deployment of the upstream example, which has no Ingress
    const chart = Testing.chart();
    const deployment = nginxDeployment(chart);
    // WHEN it is released as a canary with the defaults
    canary = new CanaryRollout(chart, 'rollout', { workload: deployment, replicas: 5 });
    docs = Testing.synth(chart);
  });
  const get = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);

  test('the Deployment keeps the pod template with replicas 0; the Rollout of the same name drives it', () => {
    expect(get('Deployment', 'nginx').spec.replicas).toBe(0);
    const r = get('Rollout', 'nginx');
    expect(r.spec.replicas).toBe(5);
    expect(r.spec.revisionHistoryLimit).toBe(10);
    expect(r.spec.selector).toEqual({ matchLabels: { app: 'nginx' } });
    expect(r.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx' });
    expect(r.spec.template).toBeUndefined();
  });

  test('default steps: 20%, pause until promoted, 50%, pause 5m; no traffic routing, no stable Service', () => {
    expect(get('Rollout', 'nginx').spec.strategy).toEqual({
      canary: { canaryService: 'nginx-canary', maxSurge: '25%', maxUnavailable: 0, steps: DEFAULT_STEPS },
    });
    expect(canary.stableServiceName).toBeUndefined();
    expect(canary.stableIngressName).toBeUndefined();
  });

  test.each(['nginx', 'nginx-canary'])('Service %s: ClusterIP on the stable labels, port 80 -> 80', (name) => {
    const s = get('Service', name);
    expect(s.spec).toEqual({ type: 'ClusterIP', selector: { app: 'nginx' }, ports: [{ name: 'port-80', port: 80, targetPort: 80, protocol: 'TCP' }] });
  });

  test('the Rollout passes the pinned CRD schema with unknown fields rejected', () => {
    expect(validateSchema(get('Rollout', 'nginx'), 'Rollout nginx')).toEqual([]);
  });
});

describe('a plain Deployment with NGINX routing through a named Ingress', () => {
  test('the construct creates the stable and canary Services; the Rollout names the Ingress', () => {
    // GIVEN a plain Deployment
    const chart = Testing.chart();
    const deployment = nginxDeployment(chart);
    // WHEN NGINX routing is asked for an Ingress defined elsewhere
    new CanaryRollout(chart, 'rollout', {
      workload: deployment,
      stableServiceName: 'nginx-stable',
      trafficRouting: CanaryTrafficRouting.nginx({ stableIngress: 'nginx-public', additionalIngressAnnotations: { 'canary-by-header': 'X-Canary' } }),
    });
    const docs = Testing.synth(chart);
    // THEN
    const r = docs.find((d) => d.kind === 'Rollout');
    expect(r.spec.strategy.canary).toMatchObject({
      canaryService: 'nginx-canary',
      stableService: 'nginx-stable',
      trafficRouting: { nginx: { stableIngress: 'nginx-public', additionalIngressAnnotations: { 'canary-by-header': 'X-Canary' } } },
    });
    expect(docs.filter((d) => d.kind === 'Service').map((d) => d.metadata.name).sort()).toEqual(['nginx-canary', 'nginx-stable']);
    expect(validateSchema(r, 'Rollout nginx')).toEqual([]);
  });
});

describe('JavaApp with DeployStrategy.canary(): NGINX through the app\'s Ingress', () => {
  test('the app Service is the stable Service, the app Ingress the stableIngress, a canary Service beside it', () => {
    // GIVEN a JavaApp with an Ingress, WHEN it releases as a canary
    const manifests = canaryApp().app.manifests();
    // THEN
    const rollout = one(manifests, 'Rollout', 'catalog');
    expect(rollout.spec.strategy.canary).toEqual({
      canaryService: 'catalog-canary',
      stableService: 'catalog',
      maxSurge: '25%',
      maxUnavailable: 0,
      trafficRouting: { nginx: { stableIngress: 'catalog' } },
      steps: DEFAULT_STEPS,
    });
    expect(rollout.spec.replicas).toBe(2);
    expect(one(manifests, 'Deployment', 'catalog').spec.replicas).toBe(0);
    expect(one(manifests, 'Deployment', 'catalog').spec.strategy).toBeUndefined();
    expect(find(manifests, 'Service').map((s) => s.metadata.name).sort()).toEqual(['catalog', 'catalog-canary']);
    const stable = one(manifests, 'Service', 'catalog');
    const canary = one(manifests, 'Service', 'catalog-canary');
    expect(canary.spec.selector).toEqual(stable.spec.selector);
    expect(canary.spec.ports).toEqual(stable.spec.ports);
    expect(one(manifests, 'Ingress', 'catalog').spec.rules[0].http.paths[0].backend.service.name).toBe('catalog');
    expect(validateSchema(rollout, 'Rollout catalog')).toEqual([]);
  });

  test('with autoscaling the HPA targets the Rollout, which leaves replicas to it', () => {
    const manifests = canaryApp({}, { autoscaling: { minReplicas: 2, maxReplicas: 6 } }).app.manifests();
    expect(one(manifests, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'catalog' });
    expect(one(manifests, 'Rollout').spec.replicas).toBeUndefined();
  });

  test('replicas, history, maxSurge/maxUnavailable and names reach the Rollout', () => {
    const { app } = canaryApp({ replicas: 5, revisionHistoryLimit: 3, maxSurge: PercentOrAbsolute.absolute(1), maxUnavailable: PercentOrAbsolute.percent(10), canaryServiceName: 'catalog-next' });
    const r = one(app.manifests(), 'Rollout');
    expect(r.spec).toMatchObject({ replicas: 5, revisionHistoryLimit: 3 });
    expect(r.spec.strategy.canary).toMatchObject({ canaryService: 'catalog-next', stableService: 'catalog', maxSurge: 1, maxUnavailable: '10%' });
  });

  test('maxSurge has no 100% cap (the controller reads it as a share of the replicas)', () => {
    const r = one(canaryApp({ maxSurge: PercentOrAbsolute.percent(150), maxUnavailable: PercentOrAbsolute.absolute(0) }).app.manifests(), 'Rollout');
    expect(r.spec.strategy.canary).toMatchObject({ maxSurge: '150%', maxUnavailable: 0 });
  });
});

describe('JavaApp without an Ingress, or with replica-count forced', () => {
  test('no Ingress: no traffic routing, no stable Service; the app Service reaches both versions and passes the gate', () => {
    // GIVEN a JavaApp without an Ingress
    const { app } = canaryApp({}, { ingress: undefined });
    // WHEN it is synthesized
    const manifests = app.manifests();
    // THEN the traffic splits by pod count through the app's Service
    const canary = one(manifests, 'Rollout').spec.strategy.canary;
    expect(canary).toEqual({ canaryService: 'catalog-canary', maxSurge: '25%', maxUnavailable: 0, steps: DEFAULT_STEPS });
    expect(find(manifests, 'Service').map((s) => s.metadata.name).sort()).toEqual(['catalog', 'catalog-canary']);
  });

  test('CanaryTrafficRouting.replicaCount() ignores the Ingress', () => {
    const { app, rollout } = canaryApp({ trafficRouting: CanaryTrafficRouting.replicaCount() });
    const canary = one(app.manifests(), 'Rollout').spec.strategy.canary;
    expect(canary.trafficRouting).toBeUndefined();
    expect(canary.stableService).toBeUndefined();
    expect(rollout.stableServiceName).toBeUndefined();
  });

  test('createServices: false leaves the Services to others (the gate then finds them missing)', () => {
    const { app } = canaryApp({ createServices: false });
    expect(problemsOf(app)).toContain('dev/catalog.yaml Rollout catalog spec.strategy.canary.canaryService: Service "catalog-canary" does not exist in this namespace');
  });
});

describe('custom steps', () => {
  test('every kind of step renders as Argo Rollouts expects', () => {
    // GIVEN custom steps with timed pauses, an analysis step and a canary scale
    const { app, env } = canaryApp({
      steps: [
        CanaryStep.setCanaryScale({ replicas: 1 }),
        CanaryStep.setWeight(5),
        CanaryStep.pause(Duration.seconds(90)),
        CanaryStep.setCanaryScale({ weight: 25 }),
        CanaryStep.setWeight(25),
        CanaryStep.analysis({ templates: ['smoke'], args: { 'service-name': 'catalog-canary' } }),
        CanaryStep.setCanaryScale({ matchTrafficWeight: true }),
        CanaryStep.setWeight(75),
        CanaryStep.pause(Duration.hours(1)),
        CanaryStep.pause(Duration.seconds(30)),
        CanaryStep.pause(),
      ],
    });
    new AnalysisTemplate(env, 'smoke', {
      args: [{ name: 'service-name' }],
      metrics: [AnalysisMetric.web({ name: 'health', url: 'http://{{args.service-name}}/actuator/health', jsonPath: '{$.status}', successCondition: 'result == "UP"' })],
    });
    // WHEN it is synthesized
    const r = one(app.manifests(), 'Rollout');
    // THEN
    expect(r.spec.strategy.canary.steps).toEqual([
      { setCanaryScale: { replicas: 1 } },
      { setWeight: 5 },
      { pause: { duration: '90s' } },
      { setCanaryScale: { weight: 25 } },
      { setWeight: 25 },
      { analysis: { templates: [{ templateName: 'smoke' }], args: [{ name: 'service-name', value: 'catalog-canary' }] } },
      { setCanaryScale: { matchTrafficWeight: true } },
      { setWeight: 75 },
      { pause: { duration: '1h' } },
      { pause: { duration: '30s' } },
      { pause: {} },
    ]);
    expect(validateSchema(r, 'Rollout catalog')).toEqual([]);
  });

  test('defaultSteps() is what a canary without steps uses', () => {
    const implicit = one(canaryApp().app.manifests(), 'Rollout').spec.strategy.canary.steps;
    const explicit = one(canaryApp({ steps: CanaryRollout.defaultSteps() }).app.manifests(), 'Rollout').spec.strategy.canary.steps;
    expect(explicit).toEqual(implicit);
  });
});

describe('analysis wiring', () => {
  test('background analysis: templates by construct, args reach the Rollout and match the templates\' declared args', () => {
    // GIVEN the success-rate and latency templates of the environment
    const { app, env } = platform();
    const { successRate, latency } = templates(env);
    // WHEN the app runs them in the background with the canary Service as service-name
    new JavaApp(env, 'catalog', {
      image: IMAGE, ingress: { host: 'catalog.example.com' },
      strategy: DeployStrategy.canary({ analysis: { templates: [successRate, latency], args: { 'service-name': 'catalog-canary' } } }),
    });
    const manifests = app.manifests();
    // THEN the Rollout references both by name, from the step after the first setWeight, with the arg
    const analysis = one(manifests, 'Rollout').spec.strategy.canary.analysis;
    expect(analysis).toEqual({
      templates: [{ templateName: 'http-success-rate' }, { templateName: 'http-latency' }],
      args: [{ name: 'service-name', value: 'catalog-canary' }],
      startingStep: 1,
    });
    for (const name of ['http-success-rate', 'http-latency']) {
      const declared = one(manifests, 'AnalysisTemplate', name).spec.args.map((a: any) => a.name);
      expect(declared).toEqual(analysis.args.map((a: any) => a.name));
    }
    // AND the canary Service the arg names exists
    expect(one(manifests, 'Service', 'catalog-canary')).toBeDefined();
  });

  test('an explicit startingStep, and a step analysis with a bounded template', () => {
    const { app, env } = platform();
    const bounded = AnalysisTemplate.successRate(env, 'success-rate-5', { prometheusAddress: PROMETHEUS, count: 5 });
    new JavaApp(env, 'catalog', {
      image: IMAGE, ingress: { host: 'catalog.example.com' },
      strategy: DeployStrategy.canary({
        steps: [CanaryStep.setWeight(10), CanaryStep.analysis({ templates: [bounded], args: { 'service-name': 'catalog-canary' } }), CanaryStep.setWeight(60), CanaryStep.pause()],
        analysis: { templates: ['http-error-budget'], startingStep: 2 },
      }),
    });
    new ApiObject(env, 'http-error-budget', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'http-error-budget', namespace: 'shop-dev' },
      spec: { metrics: [{ name: 'm', provider: { web: { url: 'http://example.com' } }, successCondition: 'true' }] },
    });
    const canary = one(app.manifests(), 'Rollout').spec.strategy.canary;
    expect(canary.analysis).toEqual({ templates: [{ templateName: 'http-error-budget' }], startingStep: 2 });
    expect(canary.steps[1]).toEqual({ analysis: { templates: [{ templateName: 'success-rate-5' }], args: [{ name: 'service-name', value: 'catalog-canary' }] } });
  });

  test('without a setWeight before the last step, the analysis starts with the rollout', () => {
    const { app, env } = canaryApp({ steps: [CanaryStep.pause(), CanaryStep.setWeight(50)], analysis: { templates: [{ templateName: 'smoke' }] } });
    new AnalysisTemplate(env, 'smoke', { metrics: [AnalysisMetric.web({ name: 'health', url: 'http://catalog-canary/actuator/health', successCondition: 'true' })] });
    expect(one(app.manifests(), 'Rollout').spec.strategy.canary.analysis).toEqual({ templates: [{ templateName: 'smoke' }] });
  });
});

describe('construct errors name the rollout and the prop', () => {
  const C = 'CanaryRollout "catalog": ';
  test.each<[string, CanaryRolloutOptions, string]>([
    ['negative replicas', { replicas: -1 }, `${C}replicas must be an integer of at least 0, got -1`],
    ['negative history', { revisionHistoryLimit: -1 }, `${C}revisionHistoryLimit must be an integer of at least 0, got -1`],
    ['maxSurge a fractional percentage', { maxSurge: PercentOrAbsolute.percent(2.5) }, `${C}maxSurge must be a count or a percentage such as 1 or "25%", got "2.5%"`],
    ['maxUnavailable negative', { maxUnavailable: PercentOrAbsolute.absolute(-1) }, `${C}maxUnavailable must be greater than or equal to 0, got -1`],
    ['both 0', { maxSurge: PercentOrAbsolute.percent(0), maxUnavailable: PercentOrAbsolute.absolute(0) }, `${C}maxSurge and maxUnavailable must not both be 0: the canary could never be scaled up`],
    ['bad canary name', { canaryServiceName: 'Catalog Canary' }, `${C}canaryServiceName must be a DNS-1123 label`],
    ['bad stable name', { stableServiceName: 'catalog_stable' }, `${C}stableServiceName must be a DNS-1123 label`],
    ['same canary and stable', { canaryServiceName: 'catalog' }, `${C}canaryServiceName and stableServiceName must differ, both are "catalog"`],
    ['another stable Service for a JavaApp', { stableServiceName: 'catalog-stable' }, `${C}stableServiceName must be the app's own Service "catalog"`],
    ['bad stableIngress', { trafficRouting: CanaryTrafficRouting.nginx({ stableIngress: 'Catalog' }) }, `${C}trafficRouting nginx stableIngress "Catalog" must be a DNS-1123 subdomain`],
    ['stable Service without routing', { trafficRouting: CanaryTrafficRouting.replicaCount(), stableServiceName: 'catalog' }, `${C}stableServiceName only applies with traffic routing`],
    ['canary = app Service without routing', { trafficRouting: CanaryTrafficRouting.replicaCount(), canaryServiceName: 'catalog' }, `${C}canaryServiceName must differ from the app's Service "catalog"`],
    ['no steps', { steps: [] }, `${C}steps must not be empty: without steps the new version is promoted at once; use DeployStrategy.rollingUpdate() for that`],
    ['weight above 100', { steps: [CanaryStep.setWeight(150)] }, `${C}steps[0] setWeight must be an integer 0-100, got 150`],
    ['fractional weight', { steps: [CanaryStep.setWeight(12.5)] }, `${C}steps[0] setWeight must be an integer 0-100, got 12.5`],
    ['pause in milliseconds', { steps: [CanaryStep.setWeight(10), CanaryStep.pause(Duration.millis(1500))] }, `${C}steps[1] pause must be a whole number of seconds of at least 0s, got 1500ms`],
    ['analysis step without templates', { steps: [CanaryStep.analysis({ templates: [] })] }, `${C}steps[0] analysis needs at least one template`],
    ['setCanaryScale with nothing', { steps: [CanaryStep.setCanaryScale({})] }, `${C}steps[0] setCanaryScale needs exactly one of replicas, weight or matchTrafficWeight, got none`],
    ['setCanaryScale with two', { steps: [CanaryStep.setCanaryScale({ replicas: 1, weight: 10 })] }, `${C}steps[0] setCanaryScale needs exactly one of replicas, weight or matchTrafficWeight, got replicas and weight`],
    ['setCanaryScale weight', { steps: [CanaryStep.setCanaryScale({ weight: -1 })] }, `${C}steps[0] setCanaryScale.weight must be an integer of at least 0, got -1`],
    ['setCanaryScale replicas', { steps: [CanaryStep.setCanaryScale({ replicas: -2 })] }, `${C}steps[0] setCanaryScale.replicas must be an integer of at least 0, got -2`],
    ['setCanaryScale matchTrafficWeight false', { steps: [CanaryStep.setCanaryScale({ matchTrafficWeight: false })] }, `${C}steps[0] setCanaryScale.matchTrafficWeight can only be true`],
    ['setCanaryScale without routing', { trafficRouting: CanaryTrafficRouting.replicaCount(), steps: [CanaryStep.setCanaryScale({ replicas: 1 })] },
      `${C}steps[0] setCanaryScale needs traffic routing: without it the canary's pods are its traffic weight; remove the step or use CanaryTrafficRouting.nginx()`],
    ['background analysis without templates', { analysis: { templates: [] } }, `${C}analysis needs at least one template`],
    ['startingStep past the steps', { analysis: { templates: ['x'], startingStep: 4 } }, `${C}analysis.startingStep must be an integer 0-3, got 4`],
  ])('%s', (_case, options, message) => {
    expect(() => canaryApp(options)).toThrow(message);
  });

  test('NGINX needs an Ingress', () => {
    expect(() => canaryApp({ trafficRouting: CanaryTrafficRouting.nginx() }, { ingress: undefined }))
      .toThrow('CanaryRollout "catalog": trafficRouting nginx needs an Ingress: the workload has none, so set CanaryTrafficRouting.nginx({ stableIngress: \'<ingress>\' }) or use CanaryTrafficRouting.replicaCount()');
  });

  test('a template that declares an arg without a value needs it passed (service-name is filled in, others are not)', () => {
    const { env } = platform();
    const web = AnalysisMetric.web({ name: 'web', url: 'http://{{args.service-name}}.shop-dev.svc{{args.path}}', successCondition: 'result == "UP"', interval: Duration.seconds(30), count: 3 });
    const check = new AnalysisTemplate(env, 'check', { args: [{ name: 'service-name' }, { name: 'path' }], metrics: [web] });
    expect(() => new JavaApp(env, 'catalog', { image: IMAGE, strategy: DeployStrategy.canary({ analysis: { templates: [check] } }) }))
      .toThrow('CanaryRollout "catalog": analysis template "check" needs arg "path": add it to args, e.g. args: { \'path\': \'...\' }');
  });

  test('a step analysis must end: a template measured until the rollout ends is refused there', () => {
    const { env } = platform();
    const { successRate } = templates(env);
    const steps = [CanaryStep.setWeight(20), CanaryStep.analysis({ templates: [successRate], args: { 'service-name': 'catalog-canary' } })];
    expect(() => new JavaApp(env, 'catalog', { image: IMAGE, strategy: DeployStrategy.canary({ steps }) }))
      .toThrow('CanaryRollout "catalog": steps[1] analysis template "http-success-rate" measures success-rate until the rollout ends, so the step would never finish: give the metrics a count, or use the template as background analysis');
  });

  test('a template of another namespace is refused', () => {
    const app = new PlatformApp({ outdir: 'unused' });
    const dev = new Environment(app, 'dev', { namespace: 'shop-dev' });
    const prod = new Environment(app, 'prod', { namespace: 'shop-prod' });
    const prodTemplate = AnalysisTemplate.successRate(prod, 'http-success-rate', { prometheusAddress: PROMETHEUS });
    expect(() => new JavaApp(dev, 'catalog', {
      image: IMAGE, strategy: DeployStrategy.canary({ analysis: { templates: [prodTemplate], args: { 'service-name': 'catalog-canary' } } }),
    })).toThrow('CanaryRollout "catalog": analysis template "http-success-rate" is in namespace "shop-prod", but the Rollout is in "shop-dev": create the template in the app\'s environment');
  });

  test('a workload without ports cannot get Services', () => {
    const chart = Testing.chart();
    expect(() => new CanaryRollout(chart, 'rollout', { workload: nginxDeployment(chart, false) }))
      .toThrow('CanaryRollout "nginx": the workload exposes no container port, so its Services would have none: add a port to its container');
  });

  test('one workload, one rollout', () => {
    const { java } = canaryApp();
    expect(() => new CanaryRollout(java, 'second', { workload: java })).toThrow('JavaApp "catalog": is already driven by the Rollout "catalog"');
  });
});

/** The gate's problems after an escape-hatch patch of the valid canary app's Rollout (or of the app). */
function gateAfter(patches: JsonPatch[], options: CanaryRolloutOptions = {}, props: Partial<JavaAppProps> = {}, extra?: (env: Environment, java: JavaApp) => void): string[] {
  const { app, env, java, rollout } = canaryApp(options, props);
  extra?.(env, java);
  if (patches.length) rollout.rollout.addJsonPatch(...patches);
  return problemsOf(app);
}

describe('canary controller rules, checked at synth', () => {
  const R = 'dev/catalog.yaml Rollout catalog';
  const C = '/spec/strategy/canary';

  test('the valid canary passes the gate', () => {
    expect(() => canaryApp().app.manifests()).not.toThrow();
  });

  test('canary and stable Services differ', () => {
    expect(gateAfter([JsonPatch.replace(`${C}/canaryService`, 'catalog')]))
      .toContain(`${R} spec.strategy.canary.stableService: must differ from canaryService ("catalog"): the controller points each at one version, so two Services are needed`);
  });

  test('the canary and stable Services exist', () => {
    const problems = gateAfter([JsonPatch.replace(`${C}/canaryService`, 'catalog-next'), JsonPatch.replace(`${C}/stableService`, 'catalog-stable')]);
    expect(problems).toContain(`${R} spec.strategy.canary.canaryService: Service "catalog-next" does not exist in this namespace`);
    expect(problems).toContain(`${R} spec.strategy.canary.stableService: Service "catalog-stable" does not exist in this namespace`);
  });

  test('the canary Service selects the Rollout\'s pods', () => {
    const problems = gateAfter([], {}, {}, (_env, java) => {
      const service = java.node.findChild('Rollout').node.findChild('CanaryService') as ApiObject;
      service.addJsonPatch(JsonPatch.replace('/spec/selector', { 'app.kubernetes.io/name': 'catalog', 'track': 'canary' }));
    });
    expect(problems).toContain(`${R} spec.strategy.canary.canaryService: Service "catalog-canary" does not select the Rollout's pods`);
  });

  test('trafficRouting needs both canaryService and stableService', () => {
    expect(gateAfter([JsonPatch.remove(`${C}/stableService`)]))
      .toContain(`${R} spec.strategy.canary.trafficRouting: needs both canaryService and stableService, stableService missing: name the Services that reach the canary and the stable pods`);
    expect(gateAfter([JsonPatch.remove(`${C}/stableService`), JsonPatch.remove(`${C}/canaryService`)]))
      .toContain(`${R} spec.strategy.canary.trafficRouting: needs both canaryService and stableService, canaryService and stableService missing: name the Services that reach the canary and the stable pods`);
  });

  test('a setCanaryScale step needs trafficRouting', () => {
    expect(gateAfter([JsonPatch.add(`${C}/steps/1`, { setCanaryScale: { replicas: 1 } })], {}, { ingress: undefined }))
      .toContain(`${R} spec.strategy.canary.steps[1].setCanaryScale: needs trafficRouting: without it the canary's share of the pods is its traffic weight; remove the step or configure trafficRouting`);
  });

  test.each<[unknown, unknown]>([[0, 0], ['0%', 0], [0, '0%'], ['0', '0%']])('maxSurge %j and maxUnavailable %j are refused together', (surge, unavailable) => {
    expect(gateAfter([JsonPatch.replace(`${C}/maxSurge/value`, surge), JsonPatch.replace(`${C}/maxUnavailable/value`, unavailable)]))
      .toContain(`${R} spec.strategy.canary.maxSurge: maxSurge and maxUnavailable are both 0, so the canary can never be scaled up: make one of them positive, e.g. maxSurge "25%"`);
  });

  test('the NGINX stableIngress exists', () => {
    expect(gateAfter([JsonPatch.replace(`${C}/trafficRouting/nginx/stableIngress`, 'catalog-public')]))
      .toContain(`${R} spec.strategy.canary.trafficRouting.nginx.stableIngress: Ingress "catalog-public" does not exist in this namespace`);
  });

  test('the NGINX stableIngress routes to the stable Service', () => {
    const problems = gateAfter([JsonPatch.replace(`${C}/trafficRouting/nginx/stableIngress`, 'catalog-canary')], {}, {}, (env) => {
      new ApiObject(env, 'catalog-canary-ingress', {
        apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'catalog-canary', namespace: 'shop-dev' },
        spec: { rules: [{ host: 'canary.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'catalog-canary', port: { name: 'http' } } } }] } }] },
      });
    });
    expect(problems).toContain(`${R} spec.strategy.canary.trafficRouting.nginx.stableIngress: Ingress "catalog-canary" does not route to the stable Service "catalog": point a rule's backend at it, or name the Ingress that does`);
  });

  test('NGINX needs a stableIngress', () => {
    expect(gateAfter([JsonPatch.replace(`${C}/trafficRouting/nginx`, {})]))
      .toContain(`${R} spec.strategy.canary.trafficRouting.nginx: needs stableIngress: the Ingress that routes to the stable Service`);
  });

  test('AnalysisTemplates of the background analysis and of steps exist in the namespace', () => {
    const problems = gateAfter([
      JsonPatch.add(`${C}/analysis`, { templates: [{ templateName: 'success-rate' }, { templateName: 'global-latency', clusterScope: true }] }),
      JsonPatch.add(`${C}/steps/2`, { analysis: { templates: [{ templateName: 'smoke' }] } }),
    ]);
    expect(problems).toContain(`${R} spec.strategy.canary.analysis.templates[0]: AnalysisTemplate "success-rate" does not exist in this namespace: create it in the Rollout's namespace, or fix templateName`);
    expect(problems).toContain(`${R} spec.strategy.canary.steps[2].analysis.templates[0]: AnalysisTemplate "smoke" does not exist in this namespace: create it in the Rollout's namespace, or fix templateName`);
    // A ClusterAnalysisTemplate lives outside the namespace: not checked.
    expect(problems.filter((p) => p.includes('global-latency'))).toEqual([]);
  });

  test('every arg a template declares without a value is passed', () => {
    const problems = gateAfter([JsonPatch.add(`${C}/analysis`, { templates: [{ templateName: 'http-success-rate' }], args: [{ name: 'service', value: 'catalog-canary' }] })], {}, {}, (env) => {
      templates(env);
    });
    expect(problems).toContain(`${R} spec.strategy.canary.analysis.args: AnalysisTemplate "http-success-rate" declares arg "service-name" without a value: pass it here (name "service-name")`);
  });

  test('with traffic routing, no other Service may select the Rollout\'s pods', () => {
    const problems = gateAfter([], {}, {}, (env) => {
      new ApiObject(env, 'catalog-direct', {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'catalog-direct', namespace: 'shop-dev' },
        spec: { selector: { 'app.kubernetes.io/name': 'catalog', 'app.kubernetes.io/instance': 'catalog' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      });
    });
    expect(problems).toContain(`${R} spec.strategy: Service "catalog-direct" also selects the Rollout's pods and would reach both versions at once: make it the active/stable Service or change its selector`);
  });
});

describe('no bounds of our own: what Argo Rollouts and the API server accept is written, and the gate agrees', () => {
  test.each<[string, CanaryRolloutOptions, (rollout: any) => unknown, unknown]>([
    ['a pause of 0 s (ValidateRolloutStrategyCanary refuses only a negative one)', { steps: [CanaryStep.setWeight(10), CanaryStep.pause(Duration.seconds(0))] }, (r) => r.spec.strategy.canary.steps[1], { pause: { duration: '0s' } }],
    ['a canary scaled to 150% of the replicas (no upstream maximum)', { steps: [CanaryStep.setCanaryScale({ weight: 150 }), CanaryStep.setWeight(10)] }, (r) => r.spec.strategy.canary.steps[0], { setCanaryScale: { weight: 150 } }],
    ['5000 replicas and a history of 500', { replicas: 5000, revisionHistoryLimit: 500 }, (r) => [r.spec.replicas, r.spec.revisionHistoryLimit], [5000, 500]],
  ])('%s', (_case, options, pick, expected) => {
    // app.manifests() runs the gate and throws on any problem.
    const { app } = canaryApp(options);
    expect(pick(one(app.manifests(), 'Rollout'))).toEqual(expected);
  });
});
