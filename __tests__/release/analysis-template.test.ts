import { Duration, Testing } from 'cdk8s';
import { AnalysisMetric, AnalysisTemplate, AnalysisTemplateProps, AnalysisTemplateRef, CanaryStep, Manifest, SERVICE_NAME_ARG } from '../../lib';
import { templateName } from '../../lib/release/rollout-analysis';
import { validateSchema } from '../../lib/validate/schema';
import { one, platform } from '../support/platform';

const PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';

/** The synthesized AnalysisTemplate objects of a chart. */
function synthTemplates(build: (chart: ReturnType<typeof Testing.chart>) => void): any[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart).filter((d) => d.kind === 'AnalysisTemplate');
}

describe('AnalysisTemplate.successRate()', () => {
  // GIVEN an environment shop-dev, WHEN the success-rate template is declared with the defaults
  let template: AnalysisTemplate;
  let manifests: Manifest[];
  let doc: any;
  // Built in the first test that runs, not while the suite loads: a build that throws fails a test.
  beforeEach(() => {
    if (doc) return;
    const { app, env } = platform();
    template = AnalysisTemplate.successRate(env, 'http-success-rate', { prometheusAddress: PROMETHEUS });
    manifests = app.manifests();
    doc = one(manifests, 'AnalysisTemplate', 'http-success-rate');
  });

  test('an AnalysisTemplate in the environment\'s namespace, labelled, in its own file at sync wave 1', () => {
    expect(doc.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(doc.metadata).toEqual({
      name: 'http-success-rate',
      namespace: 'shop-dev',
      labels: { 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'cdk8s' },
      annotations: { 'argocd.argoproj.io/sync-wave': '1' },
    });
    expect(manifests.find((m) => m.doc === doc)!.file).toBe('dev/http-success-rate.yaml');
    expect(template.templateName).toBe('http-success-rate');
    expect(template.namespace).toBe('shop-dev');
  });

  test('declares the service-name arg, required', () => {
    expect(doc.spec.args).toEqual([{ name: 'service-name' }]);
    expect(template.requiredArgs).toEqual([SERVICE_NAME_ARG]);
  });

  test('non-5xx share of Micrometer\'s request count for the Service, actuator excluded, in the namespace; 0 when all failed, empty without traffic', () => {
    const metric = doc.spec.metrics[0];
    const selector = 'namespace="shop-dev", service="{{args.service-name}}", uri!~"/actuator.*"';
    const all = `sum(rate(http_server_requests_seconds_count{${selector}}[5m]))`;
    // What these mean in a real Prometheus: __tests__/monitoring/prometheus-run.test.ts.
    expect(metric.provider).toEqual({
      prometheus: {
        address: PROMETHEUS,
        query: `(\n  sum(rate(http_server_requests_seconds_count{${selector}, status!~"5.."}[5m]))\n  or\n  0 * ${all}\n)\n/\n(${all} > 0)`,
      },
    });
  });

  test('0.99 threshold; no data is neither success nor failure (inconclusive); every minute after a minute, until the rollout ends', () => {
    const { provider: _p, ...rest } = doc.spec.metrics[0];
    expect(rest).toEqual({
      name: 'success-rate',
      successCondition: 'len(result) > 0 && result[0] >= 0.99',
      failureCondition: 'len(result) > 0 && result[0] < 0.99',
      interval: '1m',
      initialDelay: '1m',
      failureLimit: 2,
    });
    expect(template.unboundedMetrics).toEqual(['success-rate']);
  });

  test('passes the pinned CRD schema with unknown fields rejected', () => {
    expect(validateSchema(doc, 'AnalysisTemplate http-success-rate')).toEqual([]);
  });
});

describe('successRate() options', () => {
  test('threshold, label, window, interval, count, failureLimit, initialDelay and name', () => {
    const [doc] = synthTemplates((chart) => AnalysisTemplate.successRate(chart, 'sr', {
      prometheusAddress: PROMETHEUS, name: 'strict-success-rate', threshold: 0.995, serviceLabel: 'job',
      window: Duration.minutes(2), interval: Duration.seconds(30), count: 10, failureLimit: 1, initialDelay: Duration.seconds(90),
    }));
    expect(doc.metadata.name).toBe('strict-success-rate');
    expect(doc.metadata.namespace).toBe('default');
    const metric = doc.spec.metrics[0];
    expect(metric.provider.prometheus.query).toContain('job="{{args.service-name}}"');
    expect(metric.provider.prometheus.query).toContain('[2m]');
    expect(metric).toMatchObject({ interval: '30s', count: 10, failureLimit: 1, initialDelay: '90s', successCondition: 'len(result) > 0 && result[0] >= 0.995' });
    expect(validateSchema(doc, 'AnalysisTemplate strict-success-rate')).toEqual([]);
  });
});

describe('AnalysisTemplate.latency()', () => {
  test('the p95 of Micrometer\'s histogram for the Service, actuator excluded, at most 0.5 seconds', () => {
    // GIVEN a chart, WHEN the latency template is declared with the defaults
    const [doc] = synthTemplates((chart) => AnalysisTemplate.latency(chart, 'http-latency', { prometheusAddress: PROMETHEUS }));
    // THEN
    expect(doc.spec.args).toEqual([{ name: 'service-name' }]);
    expect(doc.spec.metrics).toEqual([{
      name: 'latency-p95',
      provider: {
        prometheus: {
          address: PROMETHEUS,
          query: 'histogram_quantile(0.95, sum by (le) (rate(http_server_requests_seconds_bucket{namespace="default", service="{{args.service-name}}", uri!~"/actuator.*"}[5m]))'
            + ' and on () (sum(rate(http_server_requests_seconds_count{namespace="default", service="{{args.service-name}}", uri!~"/actuator.*"}[5m])) > 0))',
        },
      },
      successCondition: 'len(result) > 0 && result[0] <= 0.5',
      failureCondition: 'len(result) > 0 && result[0] > 0.5',
      interval: '1m',
      initialDelay: '1m',
      failureLimit: 2,
    }]);
    expect(validateSchema(doc, 'AnalysisTemplate http-latency')).toEqual([]);
  });

  test('quantile and threshold', () => {
    const [doc] = synthTemplates((chart) => AnalysisTemplate.latency(chart, 'p99', { prometheusAddress: PROMETHEUS, quantile: 0.99, threshold: Duration.millis(250) }));
    expect(doc.spec.metrics[0].name).toBe('latency-p99');
    expect(doc.spec.metrics[0].provider.prometheus.query).toMatch(/^histogram_quantile\(0\.99, /);
    expect(doc.spec.metrics[0].successCondition).toBe('len(result) > 0 && result[0] <= 0.25');
  });
});

describe('AnalysisTemplate.web()', () => {
  test('by default Spring Boot\'s readiness of the Service service-name, three calls 30 seconds apart', () => {
    const [doc] = synthTemplates((chart) => AnalysisTemplate.web(chart, 'readiness'));
    expect(doc.spec).toEqual({
      args: [{ name: 'service-name' }],
      metrics: [{
        name: 'web',
        provider: { web: { url: 'http://{{args.service-name}}.default.svc.cluster.local:8081/actuator/health/readiness', jsonPath: '{$.status}', timeoutSeconds: 10 } },
        successCondition: 'result == "UP"',
        interval: '30s',
        count: 3,
        failureLimit: 0,
      }],
    });
    expect(validateSchema(doc, 'AnalysisTemplate readiness')).toEqual([]);
  });

  test('a custom URL declares exactly the args it uses', () => {
    const [fixed, templated] = synthTemplates((chart) => {
      AnalysisTemplate.web(chart, 'fixed', { url: 'https://status.example.com/api', jsonPath: '{$.healthy}', successCondition: 'result == true', headers: { 'X-Env': 'dev' } });
      AnalysisTemplate.web(chart, 'templated', { url: 'http://{{args.host}}:{{args.port}}/ping' });
    });
    expect(fixed.spec.args).toBeUndefined();
    expect(fixed.spec.metrics[0].provider.web).toMatchObject({ url: 'https://status.example.com/api', jsonPath: '{$.healthy}', headers: [{ key: 'X-Env', value: 'dev' }] });
    expect(fixed.spec.metrics[0].successCondition).toBe('result == true');
    expect(templated.spec.args).toEqual([{ name: 'host' }, { name: 'port' }]);
  });
});

describe('custom metrics', () => {
  test('Prometheus and web metrics with declared args (one with a default) and every measurement option', () => {
    // GIVEN a template of two metrics
    const [doc] = synthTemplates((chart) => new AnalysisTemplate(chart, 'checkout', {
      namespace: 'shop-dev',
      args: [{ name: 'service-name' }, { name: 'max-errors', value: '5' }],
      metrics: [
        AnalysisMetric.prometheus({
          name: 'errors',
          address: PROMETHEUS,
          query: 'sum(increase(checkout_errors_total{service="{{args.service-name}}"}[5m]))',
          successCondition: 'result[0] <= {{args.max-errors}}',
          failureCondition: 'result[0] > 10 * {{args.max-errors}}',
          interval: Duration.minutes(2),
          count: 5,
          failureLimit: 1,
          inconclusiveLimit: 2,
          consecutiveErrorLimit: 3,
          initialDelay: Duration.hours(1),
          timeout: Duration.seconds(20),
        }),
        AnalysisMetric.web({
          name: 'smoke',
          url: 'http://{{args.service-name}}/api/smoke',
          method: 'POST',
          body: '{"dryRun":true}',
          headers: { 'X-B': '2', 'X-A': '1' },
          jsonPath: '{$.ok}',
          successCondition: 'result == true',
          timeout: Duration.seconds(5),
        }),
      ],
    }));
    // THEN
    expect(doc.metadata.namespace).toBe('shop-dev');
    expect(doc.spec.args).toEqual([{ name: 'service-name' }, { name: 'max-errors', value: '5' }]);
    expect(doc.spec.metrics[0]).toEqual({
      name: 'errors',
      provider: { prometheus: { address: PROMETHEUS, query: 'sum(increase(checkout_errors_total{service="{{args.service-name}}"}[5m]))', timeout: 20 } },
      successCondition: 'result[0] <= {{args.max-errors}}',
      failureCondition: 'result[0] > 10 * {{args.max-errors}}',
      interval: '2m',
      count: 5,
      failureLimit: 1,
      inconclusiveLimit: 2,
      consecutiveErrorLimit: 3,
      initialDelay: '1h',
    });
    expect(doc.spec.metrics[1]).toEqual({
      name: 'smoke',
      provider: { web: { url: 'http://{{args.service-name}}/api/smoke', method: 'POST', body: '{"dryRun":true}', headers: [{ key: 'X-A', value: '1' }, { key: 'X-B', value: '2' }], jsonPath: '{$.ok}', timeoutSeconds: 5 } },
      successCondition: 'result == true',
    });
    expect(validateSchema(doc, 'AnalysisTemplate checkout')).toEqual([]);
  });

  test('the construct is an AnalysisTemplateRef: a step analysis names it', () => {
    const chart = Testing.chart();
    const template = AnalysisTemplate.web(chart, 'readiness');
    const ref: AnalysisTemplateRef = template;
    expect(templateName(ref)).toBe('readiness');
    expect(CanaryStep.analysis({ templates: [template], args: { 'service-name': 'x' } }).toKube('x', 0))
      .toEqual({ analysis: { templates: [{ templateName: 'readiness' }], args: [{ name: 'service-name', value: 'x' }] } });
    expect(template.unboundedMetrics).toEqual([]);
  });
});

describe('construct errors name the template and the prop', () => {
  const metric = (o: Partial<Parameters<typeof AnalysisMetric.prometheus>[0]> = {}) =>
    AnalysisMetric.prometheus({ name: 'm', address: PROMETHEUS, query: 'up', successCondition: 'result[0] == 1', ...o });
  const web = (o: Partial<Parameters<typeof AnalysisMetric.web>[0]> = {}) =>
    AnalysisMetric.web({ name: 'w', url: 'http://example.com', successCondition: 'true', ...o });
  const T = 'AnalysisTemplate "t": ';

  test.each<[string, AnalysisTemplateProps, string]>([
    ['bad name', { name: 'Success Rate', metrics: [metric()] }, 'AnalysisTemplate "Success Rate": name "Success Rate" must be a DNS-1123 subdomain'],
    ['bad namespace', { namespace: 'Shop', metrics: [metric()] }, `${T}namespace must be a DNS-1123 label`],
    ['no metrics', { metrics: [] }, `${T}needs at least one metric`],
    ['two metrics of one name', { metrics: [metric(), metric()] }, `${T}two metrics are named "m": metric names must be unique`],
    ['undeclared arg', { metrics: [metric({ query: 'up{service="{{args.service-name}}"}' })] },
      `${T}metrics "m" uses {{args.service-name}}, which the template does not declare: add { name: 'service-name' } to args`],
    ['undeclared arg in a condition', { metrics: [metric({ successCondition: 'result[0] < {{args.limit}}' })] }, `${T}metrics "m" uses {{args.limit}}`],
    ['arg declared twice', { args: [{ name: 'a' }, { name: 'a' }], metrics: [metric()] }, `${T}arg "a" is declared twice`],
    ['bad arg name', { args: [{ name: 'service name' }], metrics: [metric()] }, `${T}arg name "service name" must be letters, digits, '-', '_' or '.'`],
    ['empty metric name', { metrics: [metric({ name: ' ' })] }, `${T}every metric needs a name`],
    ['empty successCondition', { metrics: [metric({ successCondition: '' })] }, `${T}metrics "m" successCondition must not be empty`],
    ['failureLimit below -1', { metrics: [metric({ failureLimit: -2 })] }, `${T}metrics "m" failureLimit must be an integer of at least -1, got -2`],
    ['failureLimit -1 without a consecutiveSuccessLimit (ValidateMetric)', { metrics: [metric({ failureLimit: -1 })] }, `${T}metrics "m" failureLimit and consecutiveSuccessLimit cannot both be disabled`],
    ['negative inconclusiveLimit', { metrics: [metric({ inconclusiveLimit: -1 })] }, `${T}metrics "m" inconclusiveLimit must be an integer of at least 0, got -1`],
    ['negative consecutiveErrorLimit', { metrics: [metric({ consecutiveErrorLimit: -1 })] }, `${T}metrics "m" consecutiveErrorLimit must be an integer of at least 0, got -1`],
    ['count 0', { metrics: [metric({ count: 0 })] }, `${T}metrics "m" count must be an integer of at least 1, got 0`],
    ['count without interval', { metrics: [metric({ count: 3 })] }, `${T}metrics "m" count is 3 but there is no interval: set interval, the time between measurements`],
    ['failureLimit above count', { metrics: [metric({ count: 2, interval: Duration.minutes(1), failureLimit: 3 })] },
      `${T}metrics "m" count (2) must be >= failureLimit (3), or the metric could never fail`],
    ['interval below a second', { metrics: [metric({ interval: Duration.millis(500) })] }, `${T}metrics "m" interval must be a whole number of seconds of at least 1s, got 500ms`],
    ['initialDelay with milliseconds', { metrics: [metric({ initialDelay: Duration.millis(2500) })] }, `${T}metrics "m" initialDelay must be a whole number of seconds of at least 1s, got 2500ms`],
    ['address not a URL', { metrics: [metric({ address: 'prometheus:9090' })] }, `${T}metrics "m" address must be an http(s) URL such as http://prometheus.monitoring.svc:9090, got "prometheus:9090"`],
    ['empty query', { metrics: [metric({ query: ' ' })] }, `${T}metrics "m" query must not be empty`],
    ['prometheus timeout', { metrics: [metric({ timeout: Duration.seconds(0) })] }, `${T}metrics "m" timeout must be a whole number of seconds of at least 1s, got 0s`],
    ['prometheus timeout in milliseconds', { metrics: [metric({ timeout: Duration.millis(1500) })] }, `${T}metrics "m" timeout must be a whole number of seconds of at least 1s, got 1500ms`],
    ['web url not a URL', { metrics: [web({ url: 'example.com/health' })] }, `${T}metrics "w" url must be an http(s) URL, got "example.com/health"`],
    ['web timeout', { metrics: [web({ timeout: Duration.seconds(0) })] }, `${T}metrics "w" timeout must be a whole number of seconds of at least 1s, got 0s`],
  ])('%s', (_case, props, message) => {
    expect(() => new AnalysisTemplate(Testing.chart(), 't', props)).toThrow(message);
  });

  test.each<[string, () => unknown, string]>([
    ['threshold above 1', () => AnalysisTemplate.successRate(Testing.chart(), 'sr', { prometheusAddress: PROMETHEUS, threshold: 99 }),
      'AnalysisTemplate "sr": threshold must be a share of requests between 0 (excluded) and 1, got 99'],
    ['threshold 0', () => AnalysisTemplate.successRate(Testing.chart(), 'sr', { prometheusAddress: PROMETHEUS, threshold: 0 }),
      'AnalysisTemplate "sr": threshold must be a share of requests between 0 (excluded) and 1, got 0'],
    ['quantile 1', () => AnalysisTemplate.latency(Testing.chart(), 'lat', { prometheusAddress: PROMETHEUS, quantile: 1 }),
      'AnalysisTemplate "lat": quantile must be between 0 and 1 (excluded), e.g. 0.95, got 1'],
    ['latency threshold 0', () => AnalysisTemplate.latency(Testing.chart(), 'lat', { prometheusAddress: PROMETHEUS, threshold: Duration.seconds(0) }),
      'AnalysisTemplate "lat": threshold must be longer than 0, got 0s'],
    ['label with a dash', () => AnalysisTemplate.latency(Testing.chart(), 'lat', { prometheusAddress: PROMETHEUS, serviceLabel: 'service-name' }),
      'AnalysisTemplate "lat": serviceLabel must be a Prometheus label name such as service or job, got "service-name"'],
    ['window below a second', () => AnalysisTemplate.successRate(Testing.chart(), 'sr', { prometheusAddress: PROMETHEUS, window: Duration.millis(500) }),
      'AnalysisTemplate "sr": window must be a whole number of seconds of at least 1s, got 500ms'],
    ['bad Prometheus address', () => AnalysisTemplate.successRate(Testing.chart(), 'sr', { prometheusAddress: 'prometheus' }),
      'AnalysisTemplate "sr": metrics "success-rate" address must be an http(s) URL'],
    ['count 1 with the default failureLimit', () => AnalysisTemplate.successRate(Testing.chart(), 'sr', { prometheusAddress: PROMETHEUS, count: 1 }),
      'AnalysisTemplate "sr": metrics "success-rate" count (1) must be >= failureLimit (2), or the metric could never fail'],
  ])('%s', (_case, build, message) => {
    expect(build).toThrow(message);
  });
});
