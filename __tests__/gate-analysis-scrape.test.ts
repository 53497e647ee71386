import { checkAnalysisScrape } from '../lib/validate/analysis-scrape';
import { container, deployment, index, lines, NS, podSpec, rollout } from './support/docs';

type Doc = Record<string, any>;

const PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';
const RATE = 'sum(rate(http_server_requests_seconds_count{namespace="shop", service="{{args.service-name}}"}[5m]))';

/** Deployment web: pods labelled app=web and tier=front, with a container port `http`. */
const pods = () => deployment('web', { replicas: 0, labels: { app: 'web', tier: 'front', 'app.kubernetes.io/team': 'shop' } });
const svc = (name = 'web', labels: Record<string, string> = { app: 'web' }, ports: Doc[] = [{ name: 'http', port: 80, targetPort: 'http' }]): Doc =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS, labels }, spec: { selector: { app: 'web' }, ports } });
const serviceMonitor = (spec: Doc = {}, name = 'web'): Doc => ({
  apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name, namespace: NS },
  spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'http' }], ...spec },
});
const podMonitor = (spec: Doc = {}, name = 'web'): Doc => ({
  apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name, namespace: NS },
  spec: { selector: { matchLabels: { app: 'web' } }, podMetricsEndpoints: [{ port: 'http' }], ...spec },
});
const template = (query: unknown = RATE, args: Doc[] = [{ name: 'service-name' }], name = 'rate', metric = 'errors'): Doc => ({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name, namespace: NS },
  spec: { args, metrics: [{ name: metric, successCondition: 'result[0] < 1', provider: { prometheus: { address: PROMETHEUS, query } } }] },
});
/** The analysis of template `rate` with `service-name` passed. */
const on = (service: string, templates: Doc[] = [{ templateName: 'rate' }]) => ({ templates, args: [{ name: 'service-name', value: service }] });
const canary = (analysis: Doc) => rollout('web', { canary: { analysis } });

const scrape = (...docs: Doc[]) => lines(checkAnalysisScrape(index(...docs)));
/** Pods, Service web, and the Rollout analysing `query` on Service web; `monitors` scrape or not. */
const measuring = (query: string, ...monitors: Doc[]) => scrape(pods(), svc(), ...monitors, template(query), canary(on('web')));

const R = 'dev/app.yaml Rollout web';
const AT = `${R} spec.strategy.canary.analysis.templates[0]: AnalysisTemplate "rate" metric "errors"`;
const SM_LABELS = 'container, endpoint, instance, job, namespace, pod, service';
const PM_LABELS = 'container, endpoint, instance, job, namespace, pod';
const HTTP_LABELS = 'application, error, exception, le, method, outcome, quantile, status, uri';
const NOT_SCRAPED = (service: string) => `measures Service "${service}", which no ServiceMonitor in this environment scrapes (a PodMonitor adds no "service" label), so it would get no data: scrape it with a ServiceMonitor (JavaApp's default, Monitoring.serviceMonitor()) selecting the Service and its metrics port`;
const MISSING = (service: string) => `measures Service "${service}", which does not exist in namespace "shop": pass the name of a Service a ServiceMonitor scrapes (e.g. the app's, its -preview or -canary Service)`;
const OTHER_NS = (ns: string) => `filters on namespace="${ns}", but the monitors of this environment scrape namespace "shop": measure this namespace`;
const NO_SERIES = 'measures series no ServiceMonitor or PodMonitor in this environment scrapes, so it would get no data: scrape the app (JavaApp monitoring)';
const NO_JOB = (job: string, jobs: string) => `filters on job="${job}", which no monitor in this environment produces${jobs}: a ServiceMonitor's job is the Service name, a PodMonitor's <namespace>/<name>`;
const NO_LABEL = (label: string, monitors: string, produced: string, metric = '') => `filters on label "${label}", which ${monitors} does not produce (it produces ${produced}${metric}): filter on one of those`;

describe('a query measures a Service, job and namespace that a monitor scrapes', () => {
  test.each<[string, () => string[], string[]]>([
    ['refuses a Service that no ServiceMonitor selects', () => measuring(RATE, serviceMonitor({ selector: { matchLabels: { app: 'api' } } })), [`${AT} ${NOT_SCRAPED('web')}`]],
    ['refuses a Service whose ServiceMonitor scrapes a port it does not have', () => measuring(RATE, serviceMonitor({ endpoints: [{ port: 'metrics' }] })), [`${AT} ${NOT_SCRAPED('web')}`]],
    ['refuses a Service whose ServiceMonitor scrapes a targetPort it does not have', () => measuring(RATE, serviceMonitor({ endpoints: [{ targetPort: 9090 }] })), [`${AT} ${NOT_SCRAPED('web')}`]],
    ['refuses a Service of a port without name or targetPort, for endpoints by targetPort and by port', () => scrape(pods(),
      svc('web', { app: 'web' }, [{ port: 80 }]), serviceMonitor({ endpoints: [{ targetPort: 9090 }, { port: 'metrics' }] }), template(), canary(on('web'))), [`${AT} ${NOT_SCRAPED('web')}`]],
    ['refuses a Service whose ServiceMonitor has no endpoints', () => measuring(RATE, serviceMonitor({ endpoints: undefined })), [`${AT} ${NOT_SCRAPED('web')}`]],
    ['refuses a Service whose ServiceMonitor watches other namespaces', () => measuring(RATE, serviceMonitor({ namespaceSelector: { matchNames: ['prod'] } })), [`${AT} ${NOT_SCRAPED('web')}`]],
    ['refuses a Service that only a PodMonitor scrapes', () => measuring(RATE, podMonitor()), [`${AT} ${NOT_SCRAPED('web')}`]],
    ['refuses a Service that does not exist', () => scrape(pods(), svc(), serviceMonitor(), template(), canary(on('web-canary'))), [`${AT} ${MISSING('web-canary')}`]],
    ['refuses another namespace', () => measuring('up{namespace="prod", service="web"}', serviceMonitor()), [`${AT} ${OTHER_NS('prod')}`]],
    ['refuses a job no monitor produces, naming the jobs there are', () => measuring('up{service="web", job="api"}', serviceMonitor()), [`${AT} ${NO_JOB('api', ' (jobs: web)')}`]],
    ['refuses a job when nothing is scraped, naming no jobs', () => measuring('up{job="web"}'), [`${AT} ${NO_JOB('web', '')}`]],
    ['refuses series of a namespace nothing scrapes', () => measuring('up{namespace="shop"}'), [`${AT} ${NO_SERIES}`]],
    ['refuses series without filters when nothing is scraped', () => measuring('up{}'), [`${AT} ${NO_SERIES}`]],
    ['refuses a label the ServiceMonitor does not produce, naming the metric\'s own labels', () => measuring('http_server_requests_seconds_count{service="web", kubernetes_name="web"}', serviceMonitor()),
      [`${AT} ${NO_LABEL('kubernetes_name', 'ServiceMonitor "web"', SM_LABELS, `; the metric has ${HTTP_LABELS}`)}`]],
    ['refuses a label of no kind on a metric it defines (the _bucket series of the family)', () => measuring('http_server_requests_seconds_bucket{service="web", team="a"}', serviceMonitor()),
      [`${AT} ${NO_LABEL('team', 'ServiceMonitor "web"', SM_LABELS, `; the metric has ${HTTP_LABELS}`)}`]],
    ['refuses a known target label the monitor does not produce, on a metric it does not define', () => measuring('orders_failed_total{service="web", node="n1"}', serviceMonitor()),
      [`${AT} ${NO_LABEL('node', 'ServiceMonitor "web"', SM_LABELS)}`]],
    ['refuses a known target label in a selector without a metric name', () => measuring('{service="web", kubernetes_namespace="shop"}', serviceMonitor()),
      [`${AT} ${NO_LABEL('kubernetes_namespace', 'ServiceMonitor "web"', SM_LABELS)}`]],
    ['refuses a label with every operator', () => measuring('up{service="web", node!="a", kubernetes_name=~"b", kubernetes_pod_name!~"c"}', serviceMonitor()), [
      `${AT} ${NO_LABEL('node', 'ServiceMonitor "web"', SM_LABELS)}`,
      `${AT} ${NO_LABEL('kubernetes_name', 'ServiceMonitor "web"', SM_LABELS)}`,
      `${AT} ${NO_LABEL('kubernetes_pod_name', 'ServiceMonitor "web"', SM_LABELS)}`,
    ]],
    ['names every monitor that scrapes the Service, sorted', () => measuring('orders_failed_total{service="web", node="n1"}', serviceMonitor({}, 'web'), serviceMonitor({}, 'b-extra'), serviceMonitor({}, 'a-extra')),
      [`${AT} ${NO_LABEL('node', 'ServiceMonitor "a-extra", ServiceMonitor "b-extra", ServiceMonitor "web"', SM_LABELS)}`]],
    ['refuses "service" on series of a PodMonitor', () => measuring('up{job="shop/web", service=~".+"}', podMonitor()), [`${AT} ${NO_LABEL('service', 'PodMonitor "web"', PM_LABELS)}`]],
    ['stops at another namespace', () => measuring('up{namespace="prod", service="nope", job="x"}', serviceMonitor()), [`${AT} ${OTHER_NS('prod')}`]],
    ['stops at a missing Service', () => measuring('up{service="nope", job="x", node="n1"}', serviceMonitor()), [`${AT} ${MISSING('nope')}`]],
    ['stops at a Service no monitor scrapes', () => measuring('up{service="web", job="x", node="n1"}'), [`${AT} ${NOT_SCRAPED('web')}`]],
    ['stops at a job no monitor produces', () => measuring('up{service="web", job="api", node="n1"}', serviceMonitor()), [`${AT} ${NO_JOB('api', ' (jobs: web)')}`]],
    ['stops at series nothing scrapes', () => measuring('up{namespace="shop", node="n1"}'), [`${AT} ${NO_SERIES}`]],
    ['reads matchers with spaces around the operator, and escaped quotes', () => measuring('up {namespace = "prod"} + up{service=~"a", service="x\\"y"}', serviceMonitor()),
      [`${AT} ${OTHER_NS('prod')}`, `${AT} ${MISSING('x\\"y')}`]],
    ['reads a metric name before a space and its braces', () => measuring('http_server_requests_seconds_count {service="web", team="a"}', serviceMonitor()),
      [`${AT} ${NO_LABEL('team', 'ServiceMonitor "web"', SM_LABELS, `; the metric has ${HTTP_LABELS}`)}`]],
    ['lets __name__ pass on a metric it defines', () => measuring('http_server_requests_seconds_count{service="web", __name__=~".+"}', serviceMonitor()), []],
    ['names the jobs there are, sorted', () => scrape(pods(), svc('web'), svc('api'), serviceMonitor(), template('up{job="x"}'), canary(on('web'))), [`${AT} ${NO_JOB('x', ' (jobs: api, web)')}`]],
    ['reads a series name with colons and digits', () => measuring('job:http_requests:rate5m{service="web", node="n1"}', serviceMonitor()), [`${AT} ${NO_LABEL('node', 'ServiceMonitor "web"', SM_LABELS)}`]],
    ['refuses each bad() selector of a query once, in order', () => measuring('up{namespace="prod"} / up{namespace="prod"} + up{service="nope"}', serviceMonitor()),
      [`${AT} ${OTHER_NS('prod')}`, `${AT} ${MISSING('nope')}`]],
  ])('%s', (_case, problems, expected) => {
    expect(problems()).toEqual(expected);
  });

  test.each<[string, () => string[]]>([
    ['the Service a ServiceMonitor scrapes, by port name', () => measuring(RATE, serviceMonitor())],
    ['by targetPort, as a number or a string', () => scrape(pods(), svc('web', { app: 'web' }, [{ name: 'http', port: 80, targetPort: 8080 }]), serviceMonitor({ endpoints: [{ targetPort: '8080' }] }), template(), canary(on('web')))],
    ['an endpoint without port or targetPort scrapes every port', () => measuring(RATE, serviceMonitor({ endpoints: [{ path: '/metrics' }] }))],
    ['one of several endpoints and ports', () => scrape(pods(), svc('web', { app: 'web' }, [{ name: 'a', port: 1 }, { name: 'http', port: 80 }]), serviceMonitor({ endpoints: [{ port: 'b' }, { port: 'http' }] }), template(), canary(on('web')))],
    ['a ServiceMonitor watching this namespace by name', () => measuring(RATE, serviceMonitor({ namespaceSelector: { matchNames: ['prod', 'shop'] } }))],
    ['a ServiceMonitor watching any namespace, whatever names it lists', () => measuring(RATE, serviceMonitor({ namespaceSelector: { any: true, matchNames: ['prod'] } }))],
    ['each Service of a shared label, the first one too', () => scrape(pods(), svc('web'), svc('api'), serviceMonitor(), template(), canary(on('web')))],
    ['a ServiceMonitor whose namespaceSelector names no namespaces', () => measuring(RATE, serviceMonitor({ namespaceSelector: {} }))],
    ['a ServiceMonitor selecting by matchExpressions only', () => measuring(RATE, serviceMonitor({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } }))],
    ['a ServiceMonitor without selector (every Service)', () => measuring(RATE, serviceMonitor({ selector: undefined }))],
    ['a ServiceMonitor of the second label of the Service', () => scrape(pods(), svc('web', { tier: 'front', app: 'web' }), serviceMonitor(), template(), canary(on('web')))],
    ['the namespace of the Rollout', () => measuring('up{namespace="shop", service="web"}', serviceMonitor())],
    ['filters that are not equalities on namespace, service and job', () => measuring('up{namespace=~"prod|shop", service!="web", job!~"x"}', serviceMonitor())],
    ['a ServiceMonitor job (the Service name) and the namespace', () => measuring('up{namespace="shop", job="web"}', serviceMonitor())],
    ['__name__ and the metric\'s own labels', () => measuring('{__name__="http_server_requests_seconds_count", service="web", status="500", uri!~"/actuator.*"}', serviceMonitor())],
    ['a label of a metric the platform does not define, that no scrape adds (the app\'s own)', () => measuring('orders_failed_total{service="web", reason="timeout"}', serviceMonitor())],
    ['a PodMonitor\'s job (<namespace>/<name>) and its labels', () => measuring('up{namespace="shop", job="shop/web", pod=~"web-.*", container="app"}', podMonitor())],
    ['a PodMonitor endpoint without a port', () => measuring('up{job="shop/web"}', podMonitor({ podMetricsEndpoints: [{ path: '/metrics' }] }))],
    ['a PodMonitor watching this namespace', () => measuring('up{job="shop/web"}', podMonitor({ namespaceSelector: { matchNames: ['shop'] } }))],
    ['a PodMonitor of pods labelled by expressions', () => measuring('up{job="shop/web"}', podMonitor({ selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }, { key: 'canary', operator: 'DoesNotExist' }] } }))],
  ])('accepts %s', (_case, problems) => {
    expect(problems()).toEqual([]);
  });
});

describe('what a monitor adds: jobLabel, targetLabels and podTargetLabels', () => {
  const named = () => svc('web', { app: 'web', 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/team': 'shop' });
  const with_ = (query: string, monitor: Doc) => scrape(pods(), named(), monitor, template(query), canary(on('web')));
  test.each<[string, () => string[], string[]]>([
    ['a ServiceMonitor\'s jobLabel: the value of that Service label is the job', () => with_('up{service="web", job="orders"}', serviceMonitor({ jobLabel: 'app.kubernetes.io/name' })), []],
    ['refuses the Service name as job when a jobLabel renames it', () => with_('up{service="web", job="web"}', serviceMonitor({ jobLabel: 'app.kubernetes.io/name' })), [`${AT} ${NO_JOB('web', ' (jobs: orders)')}`]],
    ['a jobLabel the Service does not carry leaves the Service name', () => with_('up{service="web", job="web"}', serviceMonitor({ jobLabel: 'app.kubernetes.io/version' })), []],
    ['targetLabels of the Service, sanitized', () => with_('http_server_requests_seconds_count{service="web", app_kubernetes_io_team="shop"}', serviceMonitor({ targetLabels: ['app.kubernetes.io/team'] })), []],
    ['refuses a targetLabel the Service does not carry', () => with_('http_server_requests_seconds_count{service="web", tier="front"}', serviceMonitor({ targetLabels: ['tier'] })),
      [`${AT} ${NO_LABEL('tier', 'ServiceMonitor "web"', SM_LABELS, `; the metric has ${HTTP_LABELS}`)}`]],
    ['podTargetLabels of a ServiceMonitor, sanitized', () => with_('http_server_requests_seconds_count{service="web", app_kubernetes_io_team="shop"}', serviceMonitor({ podTargetLabels: ['app.kubernetes.io/team'] })), []],
    ['the produced labels of a ServiceMonitor, with its extra labels, sorted', () => with_('http_server_requests_seconds_count{service="web", zone="a"}', serviceMonitor({ targetLabels: ['app.kubernetes.io/team'], podTargetLabels: ['tier'] })),
      [`${AT} ${NO_LABEL('zone', 'ServiceMonitor "web"', `app_kubernetes_io_team, ${SM_LABELS.replace('service', 'service, tier')}`, `; the metric has ${HTTP_LABELS}`)}`]],
    ['a PodMonitor\'s jobLabel: the value of that pod label is the job', () => with_('up{job="front"}', podMonitor({ jobLabel: 'tier' })), []],
    ['refuses <namespace>/<name> as job when a PodMonitor\'s jobLabel renames it', () => with_('up{job="shop/web"}', podMonitor({ jobLabel: 'tier' })), [`${AT} ${NO_JOB('shop/web', ' (jobs: front)')}`]],
    ['a PodMonitor jobLabel the pods do not carry leaves <namespace>/<name>', () => with_('up{job="shop/web"}', podMonitor({ jobLabel: 'version' })), []],
    ['podTargetLabels of a PodMonitor, sanitized', () => with_('http_server_requests_seconds_count{job="shop/web", app_kubernetes_io_team="shop"}', podMonitor({ podTargetLabels: ['app.kubernetes.io/team'] })), []],
    ['refuses a label of a PodMonitor, naming what it produces with its podTargetLabels', () => with_('http_server_requests_seconds_count{job="shop/web", zone="a"}', podMonitor({ podTargetLabels: ['tier'] })),
      [`${AT} ${NO_LABEL('zone', 'PodMonitor "web"', `${PM_LABELS}, tier`, `; the metric has ${HTTP_LABELS}`)}`]],
    ['refuses a PodMonitor endpoint on a port the pods do not have', () => with_('up{job="shop/web"}', podMonitor({ podMetricsEndpoints: [{ port: 'metrics' }] })), [`${AT} ${NO_JOB('shop/web', '')}`]],
    ['refuses a PodMonitor without endpoints', () => with_('up{job="shop/web"}', podMonitor({ podMetricsEndpoints: undefined })), [`${AT} ${NO_JOB('shop/web', '')}`]],
    ['refuses a PodMonitor watching other namespaces', () => with_('up{job="shop/web"}', podMonitor({ namespaceSelector: { matchNames: ['prod'] } })), [`${AT} ${NO_JOB('shop/web', '')}`]],
    ['refuses a PodMonitor selecting other pods', () => with_('up{job="shop/web"}', podMonitor({ selector: { matchLabels: { app: 'api' } } })), [`${AT} ${NO_JOB('shop/web', '')}`]],
  ])('%s', (_case, problems, expected) => {
    expect(problems()).toEqual(expected);
  });

  test('a PodMonitor scrapes pods of containers without ports only through an endpoint without a port', () => {
    const bare = () => deployment('web', { replicas: 0, spec: podSpec({ containers: [container({ ports: undefined })] }) });
    const run = (endpoints: Doc[]) => scrape(bare(), svc(), podMonitor({ podMetricsEndpoints: endpoints }), template('up{job="shop/web"}'), canary(on('web')));
    expect(run([{ port: 'http' }])).toEqual([`${AT} ${NO_JOB('shop/web', '')}`]);
    expect(run([{ path: '/metrics' }])).toEqual([]);
  });
});

describe('label selectors of monitors, as the operator reads them', () => {
  /** Whether a ServiceMonitor with `selector` scrapes Service web (labels app=web, tier=front). */
  const scrapes = (selector: Doc | undefined) => scrape(pods(), svc('web', { app: 'web', tier: 'front' }), serviceMonitor({ selector }), template(), canary(on('web'))).length === 0;
  test.each<[string, Doc | undefined, boolean]>([
    ['matchLabels that the Service carries', { matchLabels: { app: 'web', tier: 'front' } }, true],
    ['matchLabels of which one differs', { matchLabels: { app: 'web', tier: 'back' } }, false],
    ['an empty selector', {}, true],
    ['In with its value', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back', 'front'] }] }, true],
    ['In without its value', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, false],
    ['In on a label the Service does not carry', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['undefined'] }] }, false],
    ['In without values', { matchExpressions: [{ key: 'tier', operator: 'In' }] }, false],
    ['NotIn with its value', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    ['NotIn with other values', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['back'] }] }, true],
    ['NotIn on a label the Service does not carry', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['NotIn without values', { matchExpressions: [{ key: 'tier', operator: 'NotIn' }] }, true],
    ['Exists on a label it carries', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    ['Exists on a label it does not carry', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
    ['DoesNotExist on a label it carries', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    ['DoesNotExist on a label it does not carry', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    ['an unknown operator selects nothing', { matchExpressions: [{ key: 'tier', operator: 'Equals', values: ['front'] }] }, false],
    ['matchLabels and an expression that fails', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    ['every expression must hold', { matchExpressions: [{ key: 'tier', operator: 'Exists' }, { key: 'zone', operator: 'Exists' }] }, false],
  ])('%s: %s', (_case, selector, expected) => {
    expect(scrapes(selector)).toBe(expected);
  });
});

describe('which analyses, templates and args are read', () => {
  const withStrategy = (strategy: Doc, ...templates: Doc[]) => scrape(pods(), svc(), serviceMonitor(), ...(templates.length ? templates : [template()]), rollout('web', strategy));
  /** An analysis of a Service that does not exist. */
  const bad = () => on('web-canary');
  const at = (path: string, name = 'rate') => `${R} ${path}: AnalysisTemplate "${name}" metric "errors" ${MISSING('web-canary')}`;
  test.each<[string, () => string[], string[]]>([
    ['blue-green pre-promotion analysis', () => withStrategy({ blueGreen: { activeService: 'web', prePromotionAnalysis: bad() } }), [at('spec.strategy.blueGreen.prePromotionAnalysis.templates[0]')]],
    ['blue-green post-promotion analysis', () => withStrategy({ blueGreen: { activeService: 'web', postPromotionAnalysis: bad() } }), [at('spec.strategy.blueGreen.postPromotionAnalysis.templates[0]')]],
    ['canary background analysis', () => withStrategy({ canary: { analysis: bad() } }), [at('spec.strategy.canary.analysis.templates[0]')]],
    ['a canary step\'s analysis, by step index', () => withStrategy({ canary: { steps: [{ setWeight: 20 }, { analysis: on('web') }, { analysis: bad() }, null] } }), [at('spec.strategy.canary.steps[2].analysis.templates[0]')]],
    ['all of them, in order', () => withStrategy({ blueGreen: { activeService: 'web', prePromotionAnalysis: bad(), postPromotionAnalysis: bad() }, canary: { analysis: bad(), steps: [{ analysis: bad() }] } }), [
      at('spec.strategy.blueGreen.prePromotionAnalysis.templates[0]'), at('spec.strategy.blueGreen.postPromotionAnalysis.templates[0]'),
      at('spec.strategy.canary.analysis.templates[0]'), at('spec.strategy.canary.steps[0].analysis.templates[0]'),
    ]],
    ['the template by its index, a missing template left to the Rollouts rules', () => withStrategy({ canary: { analysis: on('web-canary', [{ templateName: 'gone' }, { templateName: 'rate' }]) } }),
      [at('spec.strategy.canary.analysis.templates[1]')]],
    ['every metric of the template, by name', () => withStrategy({ canary: { analysis: bad() } }, {
      ...template(), spec: { args: [{ name: 'service-name' }], metrics: [
        { name: 'web', provider: { web: { url: 'http://x' } } }, { name: 'no-query', provider: { prometheus: { address: PROMETHEUS } } },
        { name: 'a', provider: { prometheus: { query: RATE } } }, { name: 'b', provider: { prometheus: { query: RATE } } },
      ] },
    }), [
      `${R} spec.strategy.canary.analysis.templates[0]: AnalysisTemplate "rate" metric "a" ${MISSING('web-canary')}`,
      `${R} spec.strategy.canary.analysis.templates[0]: AnalysisTemplate "rate" metric "b" ${MISSING('web-canary')}`,
    ]],
    ['the template\'s default when the Rollout passes no value', () => withStrategy({ canary: { analysis: { templates: [{ templateName: 'rate' }] } } }, template(RATE, [{ name: 'service-name', value: 'web-canary' }])),
      [at('spec.strategy.canary.analysis.templates[0]')]],
    ['the value the Rollout passes over the template\'s default', () => withStrategy({ canary: { analysis: bad() } }, template(RATE, [{ name: 'service-name', value: 'web' }])),
      [at('spec.strategy.canary.analysis.templates[0]')]],
    ['args with spaces inside the braces', () => withStrategy({ canary: { analysis: bad() } }, template('up{service="{{ args.service-name }}"}')), [at('spec.strategy.canary.analysis.templates[0]')]],
    ['two Rollouts, each with its own problems', () => scrape(pods(), svc(), serviceMonitor(), template(), rollout('web', { canary: { analysis: bad() } }), { ...rollout('api', { canary: { analysis: on('api') } }) }), [
      at('spec.strategy.canary.analysis.templates[0]'), `dev/app.yaml Rollout api spec.strategy.canary.analysis.templates[0]: AnalysisTemplate "rate" metric "errors" ${MISSING('api')}`,
    ]],
  ])('reads %s', (_case, problems, expected) => {
    expect(problems()).toEqual(expected);
  });

  test.each<[string, () => string[]]>([
    ['an arg from valueFrom, known only in the cluster', () => withStrategy({ canary: { analysis: { templates: [{ templateName: 'rate' }], args: [{ name: 'service-name', value: 'web-canary', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] } } })],
    ['an arg neither passed nor defaulted', () => withStrategy({ canary: { analysis: { templates: [{ templateName: 'rate' }] } } }, template(RATE, [{ name: 'service-name' }]))],
    ['an arg the template does not declare', () => withStrategy({ canary: { analysis: { templates: [{ templateName: 'rate' }] } } }, template('up{service="{{args.other}}"}', []))],
    ['a template without args', () => withStrategy({ canary: { analysis: { templates: [{ templateName: 'rate' }] } } }, { ...template('up{service="{{args.other}}"}'), spec: { metrics: template().spec.metrics.map((m: Doc) => ({ ...m, provider: { prometheus: { query: 'up{service="{{args.x}}"}' } } })) } })],
    ['a ClusterAnalysisTemplate is not looked up among the namespace\'s templates', () => withStrategy({ canary: { analysis: on('web-canary', [{ templateName: 'rate', clusterScope: true }]) } })],
    ['a query that is not a string', () => withStrategy({ canary: { analysis: bad() } }, template(42))],
    ['metrics that are not objects or have no provider', () => withStrategy({ canary: { analysis: bad() } }, { ...template(), spec: { args: [{ name: 'service-name' }], metrics: [null, { name: 'x' }, { name: 'y', provider: {} }] } })],
    ['a template without spec', () => withStrategy({ canary: { analysis: bad() } }, { ...template(), spec: undefined })],
    ['template references that are not objects', () => withStrategy({ canary: { analysis: on('web-canary', [null as any]) } })],
    ['a template without metrics', () => withStrategy({ canary: { analysis: bad() } }, { ...template(), spec: {} })],
    ['an analysis without templates', () => withStrategy({ canary: { analysis: { args: bad().args } } })],
    ['a Rollout without strategy', () => scrape(pods(), svc(), template(), { ...rollout('web', {}), spec: { replicas: 1 } })],
    ['a strategy without analysis', () => withStrategy({ canary: { steps: [{ setWeight: 20 }] } })],
    ['no Rollout', () => scrape(pods(), svc(), template(RATE, [{ name: 'service-name', value: 'nope' }]))],
  ])('accepts %s', (_case, problems) => {
    expect(problems()).toEqual([]);
  });
});

test('objects without metadata or spec are read as empty, not a crash', () => {
  const bare = (apiVersion: string, kind: string, spec?: Doc) => ({ apiVersion, kind, ...(spec ? { spec } : {}) });
  expect(scrape(
    pods(), svc(), serviceMonitor(), template(), canary(on('web')),
    bare('v1', 'Service'), bare('monitoring.coreos.com/v1', 'ServiceMonitor'), bare('monitoring.coreos.com/v1', 'PodMonitor'),
    bare('monitoring.coreos.com/v1', 'ServiceMonitor', serviceMonitor().spec), bare('monitoring.coreos.com/v1', 'PodMonitor', podMonitor().spec),
    bare('argoproj.io/v1alpha1', 'Rollout'),
  )).toEqual([]);
});
