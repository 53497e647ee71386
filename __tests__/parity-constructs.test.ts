import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AnalysisMetric, AnalysisTemplate, BlueGreenRollout, CanaryStep, CanaryTrafficRouting, DeployStrategy, Environment, HealthProbe, JavaApp, JavaAppProps, PercentOrAbsolute, SecretRef,
} from '../lib';
import { one, platform } from './support/platform';

const IMAGE = 'ghcr.io/acme-shop/orders:1.4.2';

const web = (name: string, extra: Partial<Parameters<typeof AnalysisMetric.web>[0]> = {}) =>
  AnalysisMetric.web({ name, url: 'http://{{args.service-name}}.shop-dev.svc/health', successCondition: 'result == "UP"', interval: Duration.seconds(30), count: 3, ...extra });

/** An AnalysisTemplate construct in the environment, taking the service-name arg. */
function template(env: Environment, name: string, metrics = [web('health')]): AnalysisTemplate {
  return new AnalysisTemplate(env, name, { args: [{ name: 'service-name' }], metrics });
}

function app(props: Partial<JavaAppProps> = {}, name = 'orders') {
  const { app: platformApp, env } = platform();
  const java = new JavaApp(env, name, { image: IMAGE, ...props });
  return { app: platformApp, env, java };
}

describe('constructs refuse at construction what the cluster would refuse, naming construct and prop', () => {
  test.each<[string, () => unknown, string]>([
    ['ValidateServiceName (DNS-1035): an app named 2fa', () => app({}, '2fa'),
      'JavaApp "2fa": name (the construct id, also the name of its Service) "2fa" must be a DNS-1035 label: lowercase letters, digits and \'-\', starting with a letter'],
    ['ValidateNamespaceName: namespace shop_prod', () => new JavaApp(new Chart(Testing.app(), 'c', { namespace: 'shop_prod' }), 'orders', { image: IMAGE }),
      'JavaApp "orders": namespace "shop_prod" must be a DNS-1123 label'],
    ['IsValidLabelValue: partOf with a space', () => new Environment(Testing.app(), 'dev', { partOf: 'shop platform' }),
      'Environment "dev": partOf "shop platform" (the value of the app.kubernetes.io/part-of label) must be empty or consist of letters'],
    ['IsValidLabelValue: partOf over 63 characters', () => new Environment(Testing.app(), 'dev', { partOf: 'p'.repeat(64) }),
      'must be no more than 63 characters (got 64)'],
    ['IsConfigMapKey: SecretRef key db/password', () => app({ secrets: [SecretRef.env('DB_PASSWORD', 'db', 'db/password')] }),
      'JavaApp "orders": secrets[].env key "db/password" (of Secret "db") must consist of letters, digits, \'-\', \'_\' or \'.\''],
    ['IsEnvVarName: SecretRef variable', () => app({ secrets: [SecretRef.env('1PASSWORD', 'db', 'password')] }),
      'JavaApp "orders": secrets[].env variable "1PASSWORD" must consist of letters'],
    ['validateTolerations: Exists with a value', () => app({ tolerations: [{ key: 'dedicated', operator: 'Exists', value: 'java' }] }),
      'JavaApp "orders": tolerations[0].value must be empty when operator is Exists'],
    ['ValidateLabels: nodeSelector value', () => app({ nodeSelector: { pool: 'java apps' } }), 'JavaApp "orders": nodeSelector value "java apps" of "pool"'],
    ['validateHandler: probe port 80800', () => app({ livenessProbe: HealthProbe.httpGet('/actuator/health/liveness', { port: 80800 }) }),
      'JavaApp "orders": livenessProbe httpGet.port must be an integer between 1 and 65535, got 80800'],
    ['ValidateConfigMap: applicationConfig over 1 MiB', () => app({ applicationConfig: 'x'.repeat(1024 * 1024 + 1) }),
      'JavaApp "orders": applicationConfig data takes 1048577 bytes, more than the API server\'s limit of 1048576 (1 MiB): a ConfigMap holds at most 1 MiB'],
    ['validateIngressRules: an IP host', () => app({ ingress: { host: '10.0.0.1' } }),
      'JavaApp "orders": ingress.host must be a DNS name such as orders.example.com, got "10.0.0.1": must be a DNS name, not an IP address'],
    ['validateHTTPIngressPath: a path with ..', () => app({ ingress: { host: 'orders.example.com', path: '/api/../admin' } }),
      'JavaApp "orders": ingress.path must not contain \'/../\', got "/api/../admin"'],
    ['ValidateRollingUpdateDeployment: maxUnavailable 150%', () => app({ strategy: DeployStrategy.rollingUpdate({ maxUnavailable: PercentOrAbsolute.percent(150) }) }),
      'JavaApp "orders": strategy rollingUpdate maxUnavailable must not be greater than 100%, got "150%"'],
    ['ValidateAnnotations: a key with a space', () => app({ ingress: { host: 'orders.example.com', annotations: { 'proxy body size': '8m' } } }),
      'JavaApp "orders": ingress.annotations: annotation key "proxy body size": name part must consist of'],
    ['ValidateSecretName: a TLS Secret name with an underscore', () => app({ ingress: { host: 'orders.example.com', tlsSecretName: 'orders_tls' } }),
      'JavaApp "orders": ingress.tlsSecretName "orders_tls" must be a DNS-1123 subdomain'],
    ['a literal credential under a harmless name', () => app({ env: { PAYMENTS: 'sk_live_51HxYzAbCdEfGhIjKlMn' } }),
      'JavaApp "orders": env "PAYMENTS" holds a Stripe secret key in plaintext: reference an existing Secret with secrets: [SecretRef.env(\'PAYMENTS\', \'<secret>\', \'<key>\')] instead of a plain value'],
    ['a JDBC URL with user:password@', () => app({ env: { DB_URL: 'jdbc:postgresql://app:s3cret@db:5432/orders' } }),
      'JavaApp "orders": env "DB_URL" holds a password in a URL (user:password@) in plaintext'],
    ['ValidateServiceName: a preview Service name starting with a digit', () => app({ strategy: DeployStrategy.blueGreen({ previewServiceName: '2-preview' }) }),
      'BlueGreenRollout "orders": previewServiceName "2-preview" must be a DNS-1035 label'],
    ['ValidateServiceName: a canary Service name starting with a digit', () => app({ strategy: DeployStrategy.canary({ canaryServiceName: '2-canary' }) }),
      'CanaryRollout "orders": canaryServiceName "2-canary" must be a DNS-1035 label'],
    ['ValidateMetric: count below inconclusiveLimit', () => new AnalysisTemplate(Testing.chart(), 't', { metrics: [web('m', { count: 2, inconclusiveLimit: 3, failureCondition: 'false' })], args: [{ name: 'service-name' }] }),
      'AnalysisTemplate "t": metrics "m" count (2) must be >= inconclusiveLimit (3)'],
  ])('%s', (_rule, build, message) => {
    expect(build).toThrow(message);
  });

  test('IsValidPortName: a plain Deployment\'s container port name over 15 characters, released blue-green', () => {
    const chart = new Chart(Testing.app(), 'plain', { namespace: 'web' });
    const deployment = new kplus.Deployment(chart, 'nginx', {
      metadata: { name: 'nginx' },
      containers: [{ image: 'nginx:1.27.0', ports: [{ number: 8080, name: 'http-management-port' }], securityContext: { user: 101 } }],
    });
    expect(() => new BlueGreenRollout(chart, 'release', { workload: deployment }))
      .toThrow('BlueGreenRollout "nginx": workload port name "http-management-port" (a container port name) must be no more than 15 characters (got 20)');
  });

  test('ingress-nginx admission: two apps claiming one host and path in an environment', () => {
    const { env } = platform();
    new JavaApp(env, 'orders', { image: IMAGE, ingress: { host: 'shop.example.com' } });
    new JavaApp(env, 'admin', { image: IMAGE, ingress: { host: 'shop.example.com', path: '/admin' } });
    expect(() => new JavaApp(env, 'catalog', { image: IMAGE, ingress: { host: 'shop.example.com' } }))
      .toThrow('JavaApp "catalog": ingress host "shop.example.com" path "/" is already routed by JavaApp "orders" ingress in environment "dev": use another host or path');
  });

  test('ingress-nginx admission: a preview Ingress on an app\'s host and path', () => {
    const { env } = platform();
    new JavaApp(env, 'catalog', { image: IMAGE, ingress: { host: 'shop.example.com' } });
    expect(() => new JavaApp(env, 'orders', { image: IMAGE, strategy: DeployStrategy.blueGreen({ previewIngress: { host: 'shop.example.com' } }) }))
      .toThrow('BlueGreenRollout "orders": previewIngress host "shop.example.com" path "/" is already routed by JavaApp "catalog" ingress');
  });

  test('ValidateAnalysisTemplateWithType: a blue-green pre-promotion analysis that never ends', () => {
    const { env } = platform();
    const forever = template(env, 'forever', [web('health', { count: undefined })]);
    expect(() => new JavaApp(env, 'orders', { image: IMAGE, strategy: DeployStrategy.blueGreen({ prePromotionAnalysis: { templates: [forever], args: { 'service-name': 'orders-preview' } } }) }))
      .toThrow('BlueGreenRollout "orders": prePromotionAnalysis template "forever" measures health until the rollout ends, so the pre-promotion analysis would never finish: give the metrics a count');
  });

  test('MergeArgs: a blue-green post-promotion analysis that lacks its arg (service-name is filled in, others are not)', () => {
    const { env } = platform();
    const health = new AnalysisTemplate(env, 'health', { args: [{ name: 'service-name' }, { name: 'path' }], metrics: [web('health', { url: 'http://{{args.service-name}}.shop-dev.svc{{args.path}}' })] });
    expect(() => new JavaApp(env, 'orders', { image: IMAGE, strategy: DeployStrategy.blueGreen({ postPromotionAnalysis: { templates: [health] } }) }))
      .toThrow('BlueGreenRollout "orders": postPromotionAnalysis template "health" needs arg "path": add it to args');
  });

  test('flattenMetrics: two templates of one canary step define the same metric name', () => {
    const { env } = platform();
    const a = template(env, 'a');
    const b = template(env, 'b');
    expect(() => new JavaApp(env, 'orders', {
      image: IMAGE,
      strategy: DeployStrategy.canary({ steps: [CanaryStep.setWeight(20), CanaryStep.analysis({ templates: [a, b], args: { 'service-name': 'orders-canary' } })] }),
    })).toThrow('CanaryRollout "orders": steps[1] analysis two metrics have the same name "health" (templates "a" and "b")');
  });

  test('buildCanaryIngress: an additional canary Ingress annotation that is not a valid key', () => {
    expect(() => app({
      ingress: { host: 'orders.example.com' },
      strategy: DeployStrategy.canary({ trafficRouting: CanaryTrafficRouting.nginx({ additionalIngressAnnotations: { 'canary by header': 'X-Canary' } }) }),
    })).toThrow('CanaryRollout "orders": trafficRouting nginx additionalIngressAnnotations key "canary by header" (written as "nginx.ingress.kubernetes.io/canary by header") name part must consist of');
  });
});

describe('constructs accept what the cluster accepts, and it reaches dist/', () => {
  test('IsWildcardDNS1123Subdomain: a wildcard host; ValidateSecretName: dotted Secret and TLS Secret names', () => {
    const { app: a } = app({
      ingress: { host: '*.example.com', tlsSecretName: 'example.com-tls' },
      secrets: [SecretRef.env('DB_PASSWORD', 'db.credentials', 'db.password')],
    });
    const manifests = a.manifests();
    expect(one(manifests, 'Ingress').spec.rules[0].host).toBe('*.example.com');
    expect(one(manifests, 'Ingress').spec.tls[0].secretName).toBe('example.com-tls');
    expect(one(manifests, 'Deployment').spec.template.spec.containers[0].env).toContainEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db.credentials', key: 'db.password' } } });
  });

  test('ValidatePodDisruptionBudgetSpec: maxUnavailable 0', () => {
    expect(one(app({ maxUnavailable: 0 }).app.manifests(), 'PodDisruptionBudget').spec.maxUnavailable).toBe(0);
  });

  test('NameIsDNSSubdomain: a dotted AnalysisTemplate name (custom resources are subdomains)', () => {
    const { app: a, env } = platform();
    new AnalysisTemplate(env, 'health', { name: 'orders.health', args: [{ name: 'service-name' }], metrics: [web('m')] });
    expect(one(a.manifests(), 'AnalysisTemplate').metadata.name).toBe('orders.health');
  });

  test('ValidateMetric: failureLimit equal to count', () => {
    const { app: a, env } = platform();
    new AnalysisTemplate(env, 'sr', { args: [{ name: 'service-name' }], metrics: [web('m', { count: 3, failureLimit: 3 })] });
    expect(one(a.manifests(), 'AnalysisTemplate').spec.metrics[0]).toMatchObject({ count: 3, failureLimit: 3 });
  });

  test('a blue-green analysis that ends and gets its arg; a canary background analysis that runs until the rollout ends', () => {
    const { app: a, env } = platform();
    const health = template(env, 'health');
    const forever = template(env, 'forever', [web('rate', { count: undefined })]);
    new JavaApp(env, 'orders', { image: IMAGE, strategy: DeployStrategy.blueGreen({ prePromotionAnalysis: { templates: [health], args: { 'service-name': 'orders-preview' } } }) });
    new JavaApp(env, 'catalog', { image: IMAGE, strategy: DeployStrategy.canary({ analysis: { templates: [forever], args: { 'service-name': 'catalog-canary' } } }) });
    const manifests = a.manifests();
    expect(one(manifests, 'Rollout', 'orders').spec.strategy.blueGreen.prePromotionAnalysis.templates).toEqual([{ templateName: 'health' }]);
    expect(one(manifests, 'Rollout', 'catalog').spec.strategy.canary.analysis.templates).toEqual([{ templateName: 'forever' }]);
  });

  test('validateHTTPIngressPath: dots inside a segment; a URL without credentials; one host with two paths', () => {
    const { app: a, env } = platform();
    new JavaApp(env, 'orders', { image: IMAGE, ingress: { host: 'shop.example.com', path: '/v1..2' }, env: { DB_URL: 'jdbc:postgresql://db:5432/orders' } });
    new JavaApp(env, 'catalog', { image: IMAGE, ingress: { host: 'shop.example.com', path: '/catalog' } });
    expect(a.manifests().filter((m) => m.doc.kind === 'Ingress')).toHaveLength(2);
  });
});
