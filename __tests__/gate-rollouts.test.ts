import { checkRollouts } from '../lib/validate/rollout-rules';
import { analysisTemplate, backend, deployment, index, ingress, lines, podTemplate, rollout, service } from './support/docs';

type Get = (kind: string, name?: string) => any;

/** A valid blue-green Rollout: workloadRef to Deployment web (replicas 0), active web, preview web-preview. */
function blueGreen(): any[] {
  return [
    deployment('web', { replicas: 0 }),
    service('web', { app: 'web' }),
    service('web-preview', { app: 'web' }),
    analysisTemplate('smoke'),
    rollout('web', { blueGreen: { activeService: 'web', previewService: 'web-preview', prePromotionAnalysis: { templates: [{ templateName: 'smoke' }] } } }),
  ];
}

/** A valid canary Rollout with nginx traffic routing, an Ingress to the stable Service, and analysis with an arg. */
function canary(): any[] {
  return [
    deployment('web', { replicas: 0 }),
    service('web-stable', { app: 'web' }),
    service('web-canary', { app: 'web' }),
    ingress('web', [backend('web-stable', { name: 'http' })]),
    analysisTemplate('rate', [{ name: 'service-name' }, { name: 'window', value: '5m' }, { name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }]),
    rollout('web', {
      canary: {
        canaryService: 'web-canary',
        stableService: 'web-stable',
        trafficRouting: { nginx: { stableIngress: 'web' } },
        analysis: { templates: [{ templateName: 'rate' }], args: [{ name: 'service-name', value: 'web-canary' }] },
        steps: [{ setWeight: 20 }, { setCanaryScale: { weight: 20 } }, { pause: {} }],
      },
    }),
  ];
}

/** The Rollout problems after `breakIt` changed the fixture (given a getter by kind and name). */
function problemsAfter(fixture: () => any[], breakIt: (get: Get, docs: any[]) => void): string[] {
  const docs = fixture();
  const get: Get = (kind, name = 'web') => docs.find((d) => d.kind === kind && d.metadata.name === name);
  breakIt(get, docs);
  return lines(checkRollouts(index(...docs.filter((d) => d !== undefined))));
}

const R = 'dev/app.yaml Rollout web';
const BG = `${R} spec.strategy.blueGreen`;
const C = `${R} spec.strategy.canary`;
const none = () => undefined;
/** The problem of a Service that selects the Rollout's pods without being one of its Services. */
const alsoSelects = (name: string) => `${R} spec.strategy: Service "${name}" also selects the Rollout's pods and would reach both versions at once: make it the active/stable Service or change its selector`;
const spec = (get: Get) => get('Rollout').spec;
const bg = (get: Get) => spec(get).strategy.blueGreen;
const cn = (get: Get) => spec(get).strategy.canary;

describe('the valid fixtures pass', () => {
  test.each([['blue-green', blueGreen], ['canary', canary]])('%s', (_case, fixture) => {
    expect(problemsAfter(fixture, none)).toEqual([]);
  });
});

describe('a Rollout has exactly one strategy and one source of pods', () => {
  test.each<[string, (get: Get, docs: any[]) => void, string[]]>([
    ['no strategy', (get) => { spec(get).strategy = {}; }, [`${R} spec.strategy: exactly one of blueGreen or canary is required, got none`, alsoSelects('web'), alsoSelects('web-preview')]],
    ['no strategy field at all', (get) => { delete spec(get).strategy; }, [`${R} spec.strategy: exactly one of blueGreen or canary is required, got none`, alsoSelects('web'), alsoSelects('web-preview')]],
    ['two strategies', (get) => { spec(get).strategy.canary = {}; }, [`${R} spec.strategy: exactly one of blueGreen or canary is required, got blueGreen and canary`]],
    ['workloadRef and a template', (get) => { spec(get).template = podTemplate({ app: 'web' }); },
      [`${R} spec.template: must be empty when workloadRef is set: the pod template lives in the referenced Deployment`]],
    ['workloadRef to another kind', (get) => { spec(get).workloadRef.kind = 'StatefulSet'; }, [`${R} spec.workloadRef: must reference an apps/v1 Deployment`]],
    ['workloadRef without a kind', (get) => { delete spec(get).workloadRef.kind; }, [`${R} spec.workloadRef: must reference an apps/v1 Deployment`]],
    ['workloadRef to another API version', (get) => { spec(get).workloadRef.apiVersion = 'apps/v1beta1'; }, [`${R} spec.workloadRef: must reference an apps/v1 Deployment`]],
    ['workloadRef to a missing Deployment', (get) => { spec(get).workloadRef.name = 'api'; }, [`${R} spec.workloadRef.name: Deployment "api" does not exist in this namespace`]],
    ['a Deployment that keeps its replicas', (get) => { get('Deployment').spec.replicas = 2; },
      [`${R} spec.workloadRef: Deployment "web" runs 2 replica(s) of its own beside the Rollout's: set its replicas to 0`]],
    ['a Deployment with the default replicas', (get) => { delete get('Deployment').spec.replicas; },
      [`${R} spec.workloadRef: Deployment "web" runs the default 1 replica(s) of its own beside the Rollout's: set its replicas to 0`]],
    ['a Deployment without a spec', (get) => { delete get('Deployment').spec; },
      [`${R} spec.workloadRef: Deployment "web" runs the default 1 replica(s) of its own beside the Rollout's: set its replicas to 0`]],
    ['neither workloadRef nor template', (get) => { delete spec(get).workloadRef; }, [`${R} spec.template: a Rollout needs a pod template or a workloadRef`]],
    ['a selector that misses the pod labels', (get) => { spec(get).selector.matchLabels = { app: 'web', track: 'x' }; }, [`${R} spec.selector: does not select the labels of the pod template`]],
    ['no selector', (get) => { delete spec(get).selector; }, [`${R} spec.selector: does not select the labels of the pod template`]],
  ])('%s', (_case, breakIt, expected) => {
    expect(problemsAfter(blueGreen, breakIt)).toEqual(expected);
  });

  test.each<[string, (get: Get, docs: any[]) => void]>([
    ['a Deployment with replicas 0', none],
    ['a Deployment with replicas, scaled down by the controller', (get) => { get('Deployment').spec.replicas = 3; spec(get).workloadRef.scaleDown = 'progressively'; }],
    ['an inline pod template, no workloadRef', (get, docs) => {
      delete spec(get).workloadRef;
      spec(get).template = podTemplate({ app: 'web' });
      docs.splice(docs.indexOf(get('Deployment')), 1);
    }],
  ])('accepted: %s', (_case, change) => {
    expect(problemsAfter(blueGreen, change)).toEqual([]);
  });

  test('an inline template is checked against the selector and the Services', () => {
    expect(problemsAfter(blueGreen, (get, docs) => {
      delete spec(get).workloadRef;
      spec(get).template = podTemplate({ app: 'other' });
      docs.splice(docs.indexOf(get('Deployment')), 1);
    })).toEqual([
      `${R} spec.selector: does not select the labels of the pod template`,
      `${BG}.activeService: Service "web" does not select the Rollout's pods`,
      `${BG}.previewService: Service "web-preview" does not select the Rollout's pods`,
    ]);
  });
});

describe('blue-green', () => {
  test.each<[string, (get: Get, docs: any[]) => void, string[]]>([
    ['preview equals active', (get) => { bg(get).previewService = 'web'; }, [`${BG}.previewService: must differ from activeService ("web")`, alsoSelects('web-preview')]],
    ['a missing active Service', (get) => { bg(get).activeService = 'gone'; }, [`${BG}.activeService: Service "gone" does not exist in this namespace`, alsoSelects('web')]],
    ['a missing preview Service', (get) => { bg(get).previewService = 'gone'; }, [`${BG}.previewService: Service "gone" does not exist in this namespace`, alsoSelects('web-preview')]],
    ['an active Service on other pods', (get) => { get('Service', 'web').spec.selector = { app: 'api' }; }, [`${BG}.activeService: Service "web" does not select the Rollout's pods`]],
    ['a preview Service on other pods', (get) => { get('Service', 'web-preview').spec.selector = { app: 'api' }; }, [`${BG}.previewService: Service "web-preview" does not select the Rollout's pods`]],
    ['a preview Service without a spec', (get) => { delete get('Service', 'web-preview').spec; }, [`${BG}.previewService: Service "web-preview" does not select the Rollout's pods`]],
    ['autoPromotionSeconds while auto promotion is off', (get) => { Object.assign(bg(get), { autoPromotionEnabled: false, autoPromotionSeconds: 30 }); },
      [`${BG}.autoPromotionSeconds: is refused while autoPromotionEnabled is false: a person promotes, so remove it or enable auto promotion`]],
    ['a missing pre-promotion AnalysisTemplate', (get) => { bg(get).prePromotionAnalysis.templates.push({ templateName: 'gone' }); },
      [`${BG}.prePromotionAnalysis.templates[1]: AnalysisTemplate "gone" does not exist in this namespace: create it in the Rollout's namespace, or fix templateName`]],
    ['a missing post-promotion AnalysisTemplate', (get) => { bg(get).postPromotionAnalysis = { templates: [{ templateName: 'gone' }] }; },
      [`${BG}.postPromotionAnalysis.templates[0]: AnalysisTemplate "gone" does not exist in this namespace: create it in the Rollout's namespace, or fix templateName`]],
    ['another Service on the same pods', (_get, docs) => { docs.push(service('extra', { app: 'web' })); },
      [alsoSelects('extra')]],
  ])('%s', (_case, breakIt, expected) => {
    expect(problemsAfter(blueGreen, breakIt)).toEqual(expected);
  });

  test.each<[string, (get: Get, docs: any[]) => void]>([
    ['autoPromotionSeconds with auto promotion', (get) => { Object.assign(bg(get), { autoPromotionEnabled: true, autoPromotionSeconds: 30 }); }],
    ['autoPromotionSeconds with the default auto promotion', (get) => { bg(get).autoPromotionSeconds = 30; }],
    ['auto promotion off without seconds', (get) => { bg(get).autoPromotionEnabled = false; }],
    ['a cluster-scoped AnalysisTemplate need not be in the namespace', (get) => { bg(get).postPromotionAnalysis = { templates: [{ templateName: 'global', clusterScope: true }] }; }],
    ['a Service on other pods is no concern', (_get, docs) => { docs.push(service('api', { app: 'api' })); }],
    ['a Service on a subset of the labels of other pods', (_get, docs) => { docs.push(service('wide', { app: 'web', tier: 'x' })); }],
  ])('accepted: %s', (_case, change) => {
    expect(problemsAfter(blueGreen, change)).toEqual([]);
  });
});

describe('canary', () => {
  test.each<[string, (get: Get, docs: any[]) => void, string[]]>([
    ['stable equals canary', (get) => { cn(get).stableService = 'web-canary'; }, [
      `${C}.stableService: must differ from canaryService ("web-canary"): the controller points each at one version, so two Services are needed`,
      `${C}.trafficRouting.nginx.stableIngress: Ingress "web" does not route to the stable Service "web-canary": point a rule's backend at it, or name the Ingress that does`,
      alsoSelects('web-stable'),
    ]],
    ['a missing canary Service', (get) => { cn(get).canaryService = 'gone'; }, [`${C}.canaryService: Service "gone" does not exist in this namespace`, alsoSelects('web-canary')]],
    ['a stable Service on other pods', (get) => { get('Service', 'web-stable').spec.selector = { app: 'api' }; }, [`${C}.stableService: Service "web-stable" does not select the Rollout's pods`]],
    ['maxSurge and maxUnavailable both 0', (get) => { Object.assign(cn(get), { maxSurge: 0, maxUnavailable: 0 }); },
      [`${C}.maxSurge: maxSurge and maxUnavailable are both 0, so the canary can never be scaled up: make one of them positive, e.g. maxSurge "25%"`]],
    ['both "0%"', (get) => { Object.assign(cn(get), { maxSurge: '0%', maxUnavailable: '00' }); },
      [`${C}.maxSurge: maxSurge and maxUnavailable are both 0, so the canary can never be scaled up: make one of them positive, e.g. maxSurge "25%"`]],
    ['traffic routing without a stable Service', (get) => { delete cn(get).stableService; },
      [`${C}.trafficRouting: needs both canaryService and stableService, stableService missing: name the Services that reach the canary and the stable pods`, alsoSelects('web-stable')]],
    ['traffic routing without Services', (get) => { delete cn(get).stableService; delete cn(get).canaryService; },
      [`${C}.trafficRouting: needs both canaryService and stableService, canaryService and stableService missing: name the Services that reach the canary and the stable pods`, alsoSelects('web-stable'), alsoSelects('web-canary')]],
    ['setCanaryScale without traffic routing', (get) => { delete cn(get).trafficRouting; },
      [`${C}.steps[1].setCanaryScale: needs trafficRouting: without it the canary's share of the pods is its traffic weight; remove the step or configure trafficRouting`]],
    ['nginx without a stable Ingress', (get) => { cn(get).trafficRouting.nginx = {}; },
      [`${C}.trafficRouting.nginx: needs stableIngress: the Ingress that routes to the stable Service`]],
    ['a missing stable Ingress', (get) => { cn(get).trafficRouting.nginx.stableIngress = 'gone'; },
      [`${C}.trafficRouting.nginx.stableIngress: Ingress "gone" does not exist in this namespace`]],
    ['a missing Ingress among several', (get) => { cn(get).trafficRouting.nginx = { stableIngresses: ['web', 'gone'] }; },
      [`${C}.trafficRouting.nginx.stableIngresses[1]: Ingress "gone" does not exist in this namespace`]],
    ['an Ingress that does not route to the stable Service', (get) => { get('Ingress').spec.rules[0].http.paths[0].backend = backend('web-canary', { name: 'http' }); },
      [`${C}.trafficRouting.nginx.stableIngress: Ingress "web" does not route to the stable Service "web-stable": point a rule's backend at it, or name the Ingress that does`]],
    ['an Ingress without a spec', (get) => { delete get('Ingress').spec; },
      [`${C}.trafficRouting.nginx.stableIngress: Ingress "web" does not route to the stable Service "web-stable": point a rule's backend at it, or name the Ingress that does`]],
    ['a missing AnalysisTemplate', (get) => { cn(get).analysis.templates.push({ templateName: 'gone' }); },
      [`${C}.analysis.templates[1]: AnalysisTemplate "gone" does not exist in this namespace: create it in the Rollout's namespace, or fix templateName`]],
    ['an arg without a value that is not passed', (get) => { cn(get).analysis.args = [{ name: 'other', value: 'x' }]; },
      [`${C}.analysis.args: AnalysisTemplate "rate" declares arg "service-name" without a value: pass it here (name "service-name")`]],
    ['no args passed at all', (get) => { delete cn(get).analysis.args; },
      [`${C}.analysis.args: AnalysisTemplate "rate" declares arg "service-name" without a value: pass it here (name "service-name")`]],
    ['a step analysis with a missing template', (get) => { cn(get).steps.push({ analysis: { templates: [{ templateName: 'gone' }] } }); },
      [`${C}.steps[3].analysis.templates[0]: AnalysisTemplate "gone" does not exist in this namespace: create it in the Rollout's namespace, or fix templateName`]],
    ['a step analysis that misses an arg', (get) => { cn(get).steps.push({ analysis: { templates: [{ templateName: 'rate' }] } }); },
      [`${C}.steps[3].analysis.args: AnalysisTemplate "rate" declares arg "service-name" without a value: pass it here (name "service-name")`]],
    ['another Service on the same pods with traffic routing', (_get, docs) => { docs.push(service('extra', { app: 'web' })); },
      [alsoSelects('extra')]],
  ])('%s', (_case, breakIt, expected) => {
    expect(problemsAfter(canary, breakIt)).toEqual(expected);
  });

  test.each<[string, (get: Get, docs: any[]) => void]>([
    ['maxSurge "10%" and maxUnavailable 0', (get) => { Object.assign(cn(get), { maxSurge: '10%', maxUnavailable: 0 }); }],
    ['maxSurge 0 and maxUnavailable "10"', (get) => { Object.assign(cn(get), { maxSurge: 0, maxUnavailable: '10' }); }],
    ['maxSurge 0 and maxUnavailable "100%"', (get) => { Object.assign(cn(get), { maxSurge: '0%', maxUnavailable: '100%' }); }],
    ['maxSurge 0 alone (maxUnavailable defaults to 25%)', (get) => { cn(get).maxSurge = 0; }],
    ['maxUnavailable 0 alone (maxSurge defaults to 25%)', (get) => { cn(get).maxUnavailable = 0; }],
    ['maxSurge "05%" is not zero', (get) => { Object.assign(cn(get), { maxSurge: '05%', maxUnavailable: 0 }); }],
    ['empty entries among the steps are left to the schema', (get) => { cn(get).steps.push(null); }],
    ['a path without a backend beside the one to the stable Service', (get) => { get('Ingress').spec.rules[0].http.paths.unshift({ path: '/x', pathType: 'Prefix' }); }],
    ['an AnalysisTemplate without a spec declares no args', (get, docs) => { delete docs.find((d) => d.kind === 'AnalysisTemplate').spec; delete cn(get).analysis.args; }],
    ['no Services and no routing: a replica-count canary', (get) => {
      const c = cn(get);
      delete c.canaryService; delete c.stableService; delete c.trafficRouting;
      c.steps = [{ setWeight: 20 }];
    }],
    ['a replica-count canary shares its pods with any Service', (get, docs) => {
      delete cn(get).trafficRouting;
      cn(get).steps = [{ setWeight: 20 }];
      docs.push(service('extra', { app: 'web' }));
    }],
    ['several stable Ingresses that route to the stable Service', (get, docs) => {
      docs.push(ingress('web-2', [backend('web-stable', { name: 'http' })]));
      cn(get).trafficRouting.nginx = { stableIngresses: ['web', 'web-2'] };
    }],
    ['the stable Service in a later rule of the Ingress', (get) => {
      const ing = get('Ingress');
      ing.spec.rules.unshift({ host: 'x.example.com' }, { host: 'y.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { resource: { kind: 'B', name: 'b' } } }] } });
    }],
    ['a cluster-scoped AnalysisTemplate', (get) => { cn(get).analysis.templates.push({ templateName: 'global', clusterScope: true }); }],
    ['a step analysis that passes the arg', (get) => { cn(get).steps.push({ analysis: { templates: [{ templateName: 'rate' }], args: [{ name: 'service-name', value: 'x' }] } }); }],
    ['a template without args needs none', (get, docs) => { docs.push(analysisTemplate('plain')); cn(get).analysis = { templates: [{ templateName: 'plain' }] }; }],
  ])('accepted: %s', (_case, change) => {
    expect(problemsAfter(canary, change)).toEqual([]);
  });
});

test('every Rollout of the namespace is checked, each under its own name', () => {
  const docs = [
    deployment('a', { replicas: 0 }), rollout('a', { canary: {} }),
    deployment('b', { replicas: 1 }), rollout('b', { canary: {} }),
  ];
  expect(lines(checkRollouts(index(...docs)))).toEqual([
    'dev/app.yaml Rollout b spec.workloadRef: Deployment "b" runs 1 replica(s) of its own beside the Rollout\'s: set its replicas to 0',
  ]);
});

describe('canary steps and NGINX traffic routing', () => {
  const N = `${C}.trafficRouting.nginx`;
  const nginx = (get: Get) => cn(get).trafficRouting.nginx;
  test.each<[string, (get: Get, docs: any[]) => void, string[]]>([
    ['a weight above 100', (get) => { cn(get).steps[0].setWeight = 101; }, [`${C}.steps[0].setWeight: must be between 0 and 100, got 101`]],
    ['a negative weight', (get) => { cn(get).steps[0].setWeight = -1; }, [`${C}.steps[0].setWeight: must be between 0 and 100, got -1`]],
    ['a weight above maxTrafficWeight', (get) => { cn(get).trafficRouting.maxTrafficWeight = 1000; cn(get).steps[0].setWeight = 1001; },
      [`${C}.steps[0].setWeight: must be between 0 and 1000, got 1001`]],
    ['a weight above 100 without traffic routing', (get) => { delete cn(get).trafficRouting; cn(get).steps = [{ setWeight: 150 }]; },
      [`${C}.steps[0].setWeight: must be between 0 and 100, got 150`]],
    ['both stableIngress and stableIngresses', (get) => { nginx(get).stableIngresses = ['web']; },
      [`${N}: either stableIngress or stableIngresses must be configured, both are`]],
    ['an additional annotation the controller sets', (get) => { nginx(get).additionalIngressAnnotations = { 'canary-weight': '5' }; },
      [`${N}.additionalIngressAnnotations: "canary-weight" is set by the controller at every step and would be overwritten: remove it`]],
    ['a prefixed additional annotation the controller sets', (get) => { nginx(get).additionalIngressAnnotations = { 'nginx.ingress.kubernetes.io/canary': 'true' }; },
      [`${N}.additionalIngressAnnotations: "nginx.ingress.kubernetes.io/canary" is set by the controller at every step and would be overwritten: remove it`]],
    ['a canary Ingress annotation the controller sets', (get) => { nginx(get).canaryIngressAnnotations = { 'nginx.ingress.kubernetes.io/canary-weight': '5' }; },
      [`${N}.canaryIngressAnnotations: "nginx.ingress.kubernetes.io/canary-weight" is set by the controller at every step and would be overwritten: remove it`]],
    ['the controller\'s annotation under a custom prefix', (get) => { Object.assign(nginx(get), { annotationPrefix: 'custom.io', additionalIngressAnnotations: { canary: 'true' } }); },
      [`${N}.additionalIngressAnnotations: "canary" is set by the controller at every step and would be overwritten: remove it`]],
    ['an Ingress named as the canary Ingress the controller creates', (_get, docs) => { docs.push(ingress('web-web-canary', [backend('web-canary', { name: 'http' })])); },
      [`${N}.stableIngress: the controller creates the canary Ingress "web-web-canary", but an Ingress of that name is already defined here: rename or remove it`]],
    ['a stable Ingress marked as a canary', (get) => { get('Ingress').metadata.annotations = { 'nginx.ingress.kubernetes.io/canary': 'true' }; },
      [`${N}.stableIngress: Ingress "web" is itself marked nginx.ingress.kubernetes.io/canary: "true", so NGINX would have no primary Ingress for its hosts: remove the annotation from the stable Ingress`]],
    ['a stable Ingress marked as a canary under a custom prefix', (get) => {
      nginx(get).annotationPrefix = 'custom.io';
      get('Ingress').metadata.annotations = { 'custom.io/canary': true };
    }, [`${N}.stableIngress: Ingress "web" is itself marked custom.io/canary: "true", so NGINX would have no primary Ingress for its hosts: remove the annotation from the stable Ingress`]],
  ])('%s', (_case, breakIt, expected) => {
    expect(problemsAfter(canary, breakIt)).toEqual(expected);
  });

  test.each<[string, (get: Get, docs: any[]) => void]>([
    ['weights 0 and 100', (get) => { cn(get).steps.push({ setWeight: 0 }, { setWeight: 100 }); }],
    ['a weight up to maxTrafficWeight', (get) => { cn(get).trafficRouting.maxTrafficWeight = 1000; cn(get).steps[0].setWeight = 1000; }],
    ['a weight given as text is left to the schema', (get) => { cn(get).steps[0].setWeight = '500'; }],
    ['additional annotations with valid keys, mixed case as the API server lowers them', (get) => {
      nginx(get).additionalIngressAnnotations = { 'proxy-body-size': '1m', 'Canary-By-Header': 'X-Canary' };
    }],
    ['canary Ingress annotations are taken as written', (get) => { nginx(get).canaryIngressAnnotations = { canary: 'x', 'example.com/owner': 'shop' }; }],
    ['the default prefix\'s annotation under a custom prefix', (get) => {
      Object.assign(nginx(get), { annotationPrefix: 'custom.io', canaryIngressAnnotations: { 'nginx.ingress.kubernetes.io/canary-weight': '5' } });
    }],
    ['a stable Ingress with the canary annotation off', (get) => { get('Ingress').metadata.annotations = { 'nginx.ingress.kubernetes.io/canary': 'false' }; }],
    ['an Ingress of another Rollout\'s canary name', (_get, docs) => { docs.push(ingress('web-canary', [backend('web-canary', { name: 'http' })])); }],
  ])('accepted: %s', (_case, change) => {
    expect(problemsAfter(canary, change)).toEqual([]);
  });
});

describe('analysis runs the controller can create and finish', () => {
  /** An AnalysisTemplate whose one metric is measured every minute, `count` times or until the rollout ends. */
  const measured = (name: string, count?: number) => {
    const t = analysisTemplate(name);
    Object.assign(t.spec.metrics[0], { interval: '1m', ...(count === undefined ? {} : { count }) });
    return t;
  };
  const forever = (type: string) =>
    `has metric "up" with an interval and no count, which runs indefinitely: a ${type} analysis would never finish; give it a count, or run the template as background analysis (canary only)`;
  test.each<[string, () => any[], (get: Get, docs: any[]) => void, string[]]>([
    ['two templates with a metric of the same name', canary, (get, docs) => { docs.push(analysisTemplate('smoke')); cn(get).analysis.templates.push({ templateName: 'smoke' }); },
      [`${C}.analysis.templates: two metrics have the same name "up" (templates "rate" and "smoke"): the controller merges the templates of one analysis, so metric names must be unique across them`]],
    ['a step analysis that never ends', canary, (get, docs) => { docs.push(measured('load')); cn(get).steps.push({ analysis: { templates: [{ templateName: 'load' }] } }); },
      [`${C}.steps[3].analysis: AnalysisTemplate "load" ${forever('step')}`]],
    ['a pre-promotion analysis that never ends', blueGreen, (get, docs) => { docs.push(measured('load')); bg(get).prePromotionAnalysis.templates = [{ templateName: 'load' }]; },
      [`${BG}.prePromotionAnalysis: AnalysisTemplate "load" ${forever('pre-promotion')}`]],
    ['a post-promotion analysis that never ends', blueGreen, (get, docs) => { docs.push(measured('load', 0)); bg(get).postPromotionAnalysis = { templates: [{ templateName: 'load' }] }; },
      [`${BG}.postPromotionAnalysis: AnalysisTemplate "load" ${forever('post-promotion')}`]],
  ])('%s', (_case, fixture, breakIt, expected) => {
    expect(problemsAfter(fixture, breakIt)).toEqual(expected);
  });

  test.each<[string, () => any[], (get: Get, docs: any[]) => void]>([
    ['a background analysis may run until the rollout ends', canary, (get, docs) => { docs.push(measured('load')); cn(get).analysis = { templates: [{ templateName: 'load' }] }; }],
    ['a step analysis with a count', canary, (get, docs) => { docs.push(measured('load', 3)); cn(get).steps.push({ analysis: { templates: [{ templateName: 'load' }] } }); }],
    ['the same template in two analyses', blueGreen, (get) => { bg(get).postPromotionAnalysis = { templates: [{ templateName: 'smoke' }] }; }],
  ])('accepted: %s', (_case, fixture, change) => {
    expect(problemsAfter(fixture, change)).toEqual([]);
  });
});

describe('an AnalysisTemplate\'s metrics are valid on their own', () => {
  // A template no analysis uses yet: its own rules apply all the same.
  const A = 'dev/app.yaml AnalysisTemplate checks spec.metrics';
  const web = { web: { url: 'http://x/health', jsonPath: '{$.up}' } };
  const withTemplate = (change: (metrics: any[]) => void) => (_get: Get, docs: any[]) => {
    const t = analysisTemplate('checks');
    docs.push(t);
    change(t.spec.metrics);
  };
  test.each<[string, (metrics: any[]) => void, string[]]>([
    ['two metrics of the same name', (m) => { m.push({ name: 'up', provider: web }); }, [`${A}[1].name: duplicate metric name "up"`]],
    ['a count below the failure limit', (m) => { Object.assign(m[0], { count: 2, failureLimit: 3, interval: '1m' }); },
      [`${A}[0].count: metric "up": count (2) must be >= failureLimit (3), or the metric could never fail (failureLimit equal to count is fine)`]],
    ['no provider', (m) => { delete m[0].provider; }, [`${A}[0].provider: metric "up": no provider specified: set exactly one (prometheus, web, job, ...)`]],
    ['two providers', (m) => { m[0].provider.prometheus = { query: 'up' }; }, [`${A}[0].provider: metric "up": multiple providers specified (web, prometheus): set exactly one`]],
    ['a second metric with no provider', (m) => { m.push({ name: 'rate' }); }, [`${A}[1].provider: metric "rate": no provider specified: set exactly one (prometheus, web, job, ...)`]],
  ])('%s', (_case, change, expected) => {
    expect(problemsAfter(blueGreen, withTemplate(change))).toEqual(expected);
  });

  test.each<[string, (metrics: any[]) => void]>([
    ['a count equal to the failure limit', (m) => { Object.assign(m[0], { count: 3, failureLimit: 3, interval: '1m' }); }],
    ['two metrics of different names', (m) => { m.push({ name: 'rate', provider: { prometheus: { query: 'up' } } }); }],
  ])('accepted: %s', (_case, change) => {
    expect(problemsAfter(blueGreen, withTemplate(change))).toEqual([]);
  });
});
