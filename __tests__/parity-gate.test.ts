import { ApiObject } from 'cdk8s';
import { AccessMode, JavaApp, Manifest, validateManifests } from '../lib';
import { formatProblem } from '../lib/validate/problem';
import { platform, problemsOf } from './support/platform';

const IMAGE = 'ghcr.io/acme-shop/orders:1.4.2';

/** A valid app with an Ingress, HPA, PDB, NetworkPolicy and ConfigMap (it passes the gate). */
function validManifests(): Manifest[] {
  const { app, env } = platform();
  new JavaApp(env, 'orders', {
    image: IMAGE, ingress: { host: 'orders.example.com', tlsSecretName: 'orders-tls' }, autoscaling: { maxReplicas: 4 },
    applicationConfig: 'a: 1\n', networkPolicy: { allowFromApps: ['web'] },
    storage: { size: '1Gi', accessMode: AccessMode.READ_WRITE_MANY },
  });
  return app.manifests();
}

type Get = (kind: string) => any;

/** The gate's problems after `change` edits the valid app's objects (found by kind). */
function gateAfter(change: (get: Get) => void): string[] {
  const manifests = validManifests();
  expect(validateManifests(manifests).map(formatProblem)).toEqual([]);
  change((kind) => manifests.find((m) => m.doc.kind === kind)!.doc);
  return validateManifests(manifests).map(formatProblem);
}

const container = (get: Get) => get('Deployment').spec.template.spec.containers[0];
/** Index of the last variable pushEnv added: expected messages say `env[#]` for it. */
let pushedAt = -1;
const pushEnv = (get: Get, e: object) => (pushedAt = container(get).env.push(e) - 1);
const atPushed = (expected: string) => expected.replace('env[#]', `env[${pushedAt}]`);
const D = 'dev/orders.yaml Deployment orders';
const C = `${D} spec.template.spec.containers[0]`;

describe('the gate refuses what the API server refuses, naming object and path', () => {
  test.each<[string, (get: Get) => void, string]>([
    ['ValidateServiceName (IsDNS1035Label)', (get) => { get('Service').metadata.name = '2fa'; },
      'dev/orders.yaml Service 2fa metadata.name: "2fa" is not a valid Service name (a DNS-1035 label): must be a DNS-1035 label'],
    ['ValidateNamespaceName (IsDNS1123Label)', (get) => { get('ConfigMap').metadata.namespace = 'shop_prod'; },
      'dev/orders.yaml ConfigMap orders-config metadata.namespace: "shop_prod" (a namespace is a DNS-1123 label): must be a DNS-1123 label'],
    ['ValidateLabels: value with a space', (get) => { get('Deployment').metadata.labels['app.kubernetes.io/part-of'] = 'shop platform'; },
      `${D} metadata.labels["app.kubernetes.io/part-of"]: label value "shop platform" of "app.kubernetes.io/part-of": must be empty or consist of letters`],
    ['ValidateLabels: value over 63 characters', (get) => { get('Service').metadata.labels['app.kubernetes.io/part-of'] = 'p'.repeat(64); },
      'must be no more than 63 characters (got 64)'],
    ['ValidateLabels: key of the pod template', (get) => { get('Deployment').spec.template.metadata.labels['bad key'] = 'x'; },
      `${D} spec.template.metadata.labels["bad key"]: label key "bad key": name part must consist of`],
    ['ValidateAnnotations: key with a space', (get) => { get('Ingress').metadata.annotations = { 'nginx.ingress.kubernetes.io/proxy body size': '8m' }; },
      'dev/orders.yaml Ingress orders metadata.annotations["nginx.ingress.kubernetes.io/proxy body size"]: annotation key'],
    ['ValidateAnnotations: over 256 KiB', (get) => { get('Ingress').metadata.annotations = { big: 'x'.repeat(256 * 1024) }; },
      'dev/orders.yaml Ingress orders metadata.annotations: annotations take 262147 bytes, more than the API server\'s limit of 262144 (256 KiB)'],
    ['IsEnvVarName', (get) => { const i = pushEnv(get, { name: '1FLAG', value: 'x' }); expect(i).toBeGreaterThan(0); },
      'env[#].name: "1FLAG": must consist of letters, digits'],
    ['IsConfigMapKey on secretKeyRef.key', (get) => { pushEnv(get, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'db/password' } } }); },
      `${C}.env[#].valueFrom.secretKeyRef.key: "db/password": must consist of letters, digits, '-', '_' or '.'`],
    ['validateEnv: value and valueFrom', (get) => { pushEnv(get, { name: 'X', value: 'x', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } }); },
      `${C}.env[#].valueFrom: may not be specified when value is not empty`],
    ['validateHandler: httpGet port 80800', (get) => { container(get).livenessProbe.httpGet.port = 80800; },
      `${C}.livenessProbe.httpGet.port: must be an integer between 1 and 65535, got 80800`],
    ['validateHandler: two handlers', (get) => { container(get).readinessProbe.exec = { command: ['true'] }; },
      `${C}.readinessProbe: may not specify more than one handler type, got exec and httpGet`],
    ['IsValidPortName: over 15 characters', (get) => { container(get).ports[0].name = 'http-management'; container(get).ports[0].name += 's'; },
      `${C}.ports[0].name: "http-managements" (an IANA service name): must be no more than 15 characters (got 16)`],
    ['IsValidPortName: consecutive hyphens', (get) => { container(get).ports[0].name = 'ht--tp'; }, 'must not contain consecutive hyphens'],
    ['validateTolerations: Exists with a value', (get) => { get('Deployment').spec.template.spec.tolerations = [{ key: 'dedicated', operator: 'Exists', value: 'java' }]; },
      `${D} spec.template.spec.tolerations[0].value: must be empty when operator is Exists`],
    ['ValidateLabels on nodeSelector', (get) => { get('Deployment').spec.template.spec.nodeSelector = { pool: 'java apps' }; },
      `${D} spec.template.spec.nodeSelector.pool: nodeSelector value "java apps" of "pool"`],
    ['int32 field given 3,000,000,000', (get) => { get('Deployment').spec.revisionHistoryLimit = 3_000_000_000; },
      `${D} spec.revisionHistoryLimit: must fit in a 32-bit integer (-2147483648 to 2147483647), got 3000000000`],
    ['IntOrString holds an int32', (get) => { get('PodDisruptionBudget').spec.maxUnavailable = 3_000_000_000; },
      'dev/orders.yaml PodDisruptionBudget orders spec.maxUnavailable: must fit in a 32-bit integer (-2147483648 to 2147483647), got 3000000000'],
    ['ValidateResourceRequirements: request above limit', (get) => { container(get).resources.requests.cpu = '2'; },
      `${C}.resources.requests.cpu: must be less than or equal to the cpu limit (1), got "2"`],
    ['ValidateConfigMap: over 1 MiB', (get) => { get('ConfigMap').data['application.yaml'] = 'x'.repeat(1024 * 1024 + 1); },
      'dev/orders.yaml ConfigMap orders-config: data takes 1048577 bytes, more than the API server\'s limit of 1048576 (1 MiB)'],
    ['validateIngressRules: an IP address', (get) => { get('Ingress').spec.rules[0].host = '10.0.0.1'; },
      'dev/orders.yaml Ingress orders spec.rules[0].host: "10.0.0.1": must be a DNS name, not an IP address'],
    ['IsWildcardDNS1123Subdomain: * not first', (get) => { get('Ingress').spec.rules[0].host = 'orders.*.example.com'; },
      'spec.rules[0].host: "orders.*.example.com": a wildcard host must start with \'*.\''],
    ['validateHTTPIngressPath: ..', (get) => { get('Ingress').spec.rules[0].http.paths[0].path = '/api/../admin'; },
      'dev/orders.yaml Ingress orders spec.rules[0].http.paths[0].path: must not contain \'/../\''],
    ['ValidateIngressClassName', (get) => { get('Ingress').spec.ingressClassName = 'Nginx_Public'; }, 'spec.ingressClassName: "Nginx_Public": must be a DNS-1123 subdomain'],
    ['validateTLSSecretName', (get) => { get('Ingress').spec.tls[0].secretName = 'Orders_TLS'; }, 'spec.tls[0].secretName: "Orders_TLS" (a Secret name)'],
    ['ValidateDeploymentSpec: progressDeadlineSeconds above minReadySeconds', (get) => { get('Deployment').spec.minReadySeconds = 600; },
      `${D} spec.progressDeadlineSeconds: must be greater than minReadySeconds (600), got 600`],
    ['ValidateDeploymentSpec: the selector matches the template labels', (get) => { get('Deployment').spec.selector.matchLabels.tier = 'web'; },
      `${D} spec.template.metadata.labels: \`selector\` does not match template \`labels\``],
    ['ValidateRollingUpdateDeployment: maxUnavailable 150%', (get) => { get('Deployment').spec.strategy.rollingUpdate.maxUnavailable = '150%'; },
      `${D} spec.strategy.rollingUpdate.maxUnavailable: must not be greater than 100%, got "150%"`],
    ['ValidateRollingUpdateDeployment: both 0', (get) => { get('Deployment').spec.strategy.rollingUpdate.maxSurge = '0%'; },
      `${D} spec.strategy.rollingUpdate.maxUnavailable: may not be 0 when maxSurge is 0`],
    ['ValidatePodDisruptionBudgetSpec: 150%', (get) => { get('PodDisruptionBudget').spec.maxUnavailable = '150%'; },
      'dev/orders.yaml PodDisruptionBudget orders spec.maxUnavailable: must not be greater than 100%'],
    ['ValidatePodDisruptionBudgetSpec: both set', (get) => { get('PodDisruptionBudget').spec.minAvailable = 1; },
      'dev/orders.yaml PodDisruptionBudget orders spec: minAvailable and maxUnavailable cannot both be set'],
    ['validateHorizontalPodAutoscalerSpec: min above max', (get) => { get('HorizontalPodAutoscaler').spec.minReplicas = 5; },
      'dev/orders.yaml HorizontalPodAutoscaler orders spec.maxReplicas: must be greater than or equal to minReplicas (5), got 4'],
    ['validateMetricTarget: averageUtilization 0', (get) => { get('HorizontalPodAutoscaler').spec.metrics[0].resource.target.averageUtilization = 0; },
      'spec.metrics[0].resource.target.averageUtilization: must be greater than 0, got 0'],
    ['ValidateNetworkPolicyPort', (get) => { get('NetworkPolicy').spec.ingress[0].ports[0].port = 70000; },
      'dev/orders.yaml NetworkPolicy orders spec.ingress[0].ports[0].port: must be an integer between 1 and 65535, got 70000'],
    ['ValidateNetworkPolicyPeer: no peer', (get) => { get('NetworkPolicy').spec.ingress[0].from.push({}); },
      'must specify a peer: podSelector, namespaceSelector or ipBlock'],
    ['ValidateNetworkPolicyPeer: ipBlock with another peer', (get) => { get('NetworkPolicy').spec.ingress[0].from[0].ipBlock = { cidr: '10.0.0.0/8' }; },
      'spec.ingress[0].from[0]: may not specify both ipBlock and another peer'],
    ['validateServicePort: a port name is a DNS-1123 label', (get) => { get('Service').spec.ports[0].name = 'Http'; },
      'dev/orders.yaml Service orders spec.ports[0].name: "Http": must be a DNS-1123 label'],
  ])('%s', (_rule, change, expected) => {
    const problems = gateAfter(change);
    expect(problems.filter((p) => p.includes(atPushed(expected)))).toHaveLength(1);
  });
});

describe('the gate accepts what the API server accepts', () => {
  test.each<[string, (get: Get) => void]>([
    ['IsWildcardDNS1123Subdomain: *.example.com', (get) => { get('Ingress').spec.rules[0].host = '*.example.com'; get('Ingress').spec.tls[0].hosts = ['*.example.com']; }],
    ['ValidateSecretName: a dotted TLS Secret name', (get) => { get('Ingress').spec.tls[0].secretName = 'orders.example.com-tls'; }],
    ['ValidatePodDisruptionBudgetSpec: maxUnavailable 0', (get) => { get('PodDisruptionBudget').spec.maxUnavailable = 0; }],
    ['ValidatePodDisruptionBudgetSpec: minAvailable 100%', (get) => { delete get('PodDisruptionBudget').spec.maxUnavailable; get('PodDisruptionBudget').spec.minAvailable = '100%'; }],
    ['ValidateRollingUpdateDeployment: maxSurge 200%', (get) => { get('Deployment').spec.strategy.rollingUpdate.maxSurge = '200%'; }],
    ['ValidateLabels: a value of 63 characters', (get) => { get('Service').metadata.labels['app.kubernetes.io/part-of'] = 'p'.repeat(63); }],
    ['IsValidPortName: 15 characters', (get) => { container(get).ports[0].name = 'management-port'; get('Service').spec.ports[0].targetPort = 'management-port'; }],
    ['IsEnvVarName: dots and dashes', (get) => { pushEnv(get, { name: 'my.env-name', value: 'x' }); }],
    ['IsConfigMapKey: a dotted key', (get) => { pushEnv(get, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db.credentials', key: 'db.password' } } }); }],
    ['ValidateDeploymentSpec: minReadySeconds below the deadline', (get) => { get('Deployment').spec.minReadySeconds = 599; }],
    ['int32: the largest value', (get) => { get('Deployment').spec.revisionHistoryLimit = 2 ** 31 - 1; }],
    ['validateTolerations: Exists without a value', (get) => { get('Deployment').spec.template.spec.tolerations = [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }]; }],
    ['ValidateConfigMap: exactly 1 MiB', (get) => { get('ConfigMap').data['application.yaml'] = 'x'.repeat(1024 * 1024); }],
    ['validateHTTPIngressPath: dots inside a segment', (get) => { get('Ingress').spec.rules[0].http.paths[0].path = '/v1..2'; }],
    ['ValidateAnnotations: keys are checked lowercased', (get) => { get('Ingress').metadata.annotations = { 'Example.com/Owner': 'team-a' }; }],
  ])('%s', (_rule, change) => {
    expect(gateAfter(change)).toEqual([]);
  });
});

describe('across objects and values', () => {
  test('two Ingresses claiming one host and path are refused; another path, or a canary Ingress, is fine', () => {
    const { app, env } = platform();
    new JavaApp(env, 'orders', { image: IMAGE, ingress: { host: 'shop.example.com' } });
    const ingress = (name: string, path: string, annotations?: Record<string, string>) => new ApiObject(env, name, {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'shop-dev', annotations },
      spec: { ingressClassName: 'nginx', rules: [{ host: 'shop.example.com', http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: 'orders', port: { name: 'http' } } } }] } }] },
    });
    ingress('admin', '/admin');
    ingress('orders-canary-copy', '/', { 'nginx.ingress.kubernetes.io/canary': 'true' });
    expect(() => app.manifests()).not.toThrow();
    ingress('catalog', '/');
    expect(problemsOf(app)).toEqual([
      'dev/catalog.yaml Ingress catalog spec.rules[0].http.paths[0]: host "shop.example.com" path "/" is already routed by dev/orders.yaml Ingress orders (spec.rules[0].http.paths[0]): one Ingress per host and path in an environment; use another host or path',
    ]);
  });

  test.each<[string, string, string | undefined]>([
    ['a Stripe key under a harmless name', 'sk_live_51HxYzAbCdEfGhIjKlMn', 'holds a Stripe secret key in plaintext'],
    ['a JDBC URL with user:password@', 'jdbc:postgresql://app:s3cret@db:5432/orders', 'holds a password in a URL (user:password@) in plaintext'],
    ['a bearer JWT', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'holds a JSON Web Token in plaintext'],
    ['a JDBC URL without credentials', 'jdbc:postgresql://db:5432/orders', undefined],
  ])('literal credentials in any env value: %s', (_case, value, expected) => {
    const problems = gateAfter((get) => { pushEnv(get, { name: 'PAYMENTS', value }); });
    if (expected) expect(problems).toEqual([atPushed(`${C}.env[#].value: PAYMENTS ${expected}: put it in a Secret in the cluster and use valueFrom.secretKeyRef (SecretRef.env)`)]);
    else expect(problems).toEqual([]);
  });
});
