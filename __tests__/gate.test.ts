import { ApiObject, Chart } from 'cdk8s';
import { AccessMode, JavaApp, JavaAppProps, Manifest, PolicyException, validateManifests } from '../lib';
import { formatProblem } from '../lib/validate/problem';
import { validateSchema } from '../lib/validate/schema';
import { platform, problemsOf } from './support/platform';

const IMAGE = 'ghcr.io/acme-shop/orders:1.4.2';

/** The manifests of a valid app (they pass the gate). */
function validManifests(props: Partial<JavaAppProps> = {}): Manifest[] {
  const { app, env } = platform();
  new JavaApp(env, 'orders', {
    image: IMAGE, ingress: { host: 'orders.example.com' }, autoscaling: { maxReplicas: 4 }, applicationConfig: 'a: 1\n',
    storage: { size: '1Gi', accessMode: AccessMode.READ_WRITE_MANY }, ...props,
  });
  return app.manifests();
}

function gate(manifests: Manifest[]): string[] {
  return validateManifests(manifests).map(formatProblem);
}

/** GIVEN a valid app; WHEN `breakIt` changes its object of `kind`; THEN the gate reports `expected`. */
function expectProblem(kind: string, breakIt: (doc: any) => void, expected: string, props: Partial<JavaAppProps> = {}): void {
  const manifests = validManifests(props);
  expect(gate(manifests)).toEqual([]);
  breakIt(manifests.find((m) => m.doc.kind === kind)!.doc);
  const problems = gate(manifests);
  expect(problems.filter((p) => p.includes(expected))).toHaveLength(1);
}

describe('schema: kubectl --validate=strict at synth', () => {
  test('an unknown field is rejected with its path', () => {
    expectProblem('Deployment', (d) => { d.spec.template.spec.containers[0].imagePullPolicyy = 'Always'; },
      'dev/orders.yaml Deployment orders spec.template.spec.containers[0].imagePullPolicyy: unknown field');
  });
  test('a wrong type is rejected', () => {
    expectProblem('Service', (d) => { d.spec.ports[0].port = '80'; }, 'spec.ports[0].port: must be integer, got string');
  });
  test('a missing required field is rejected', () => {
    expectProblem('Deployment', (d) => { delete d.spec.selector; }, 'spec.selector: required field is missing');
  });
  test('CRD schemas reject unknown fields too', () => {
    const problems = validateSchema({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'x', namespace: 'y' }, spec: { strategy: { blueGreen: { activeService: 'a', autoPromote: true } } } }, 'Rollout x');
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['spec.strategy.blueGreen.autoPromote: unknown field']);
  });
  test('a kind without a vendored schema is refused', () => {
    expect(validateSchema({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, 'Widget w')[0].message)
      .toMatch(/no schema for example.com\/v1 Widget/);
  });
  test('metadata of custom resources is checked as ObjectMeta', () => {
    const problems = validateSchema({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'x', namespace: 'y', label: {} }, spec: { metrics: [] } }, 'x');
    expect(problems.map((p) => p.path)).toEqual(['metadata.label']);
  });
  test('a namespaced object without a namespace', () => {
    const { app } = platform();
    new ApiObject(new Chart(app, 'loose'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    expect(problemsOf(app)).toContain('loose/cm.yaml ConfigMap cm metadata.namespace: namespaced objects need an explicit namespace');
  });
});

describe('references between objects', () => {
  test('a Service that selects no pods', () => {
    expectProblem('Service', (d) => { d.spec.selector = { 'app.kubernetes.io/name': 'order' }; }, 'Service orders spec.selector: selects no pods of this namespace');
  });
  test('a Service targetPort that no container has', () => {
    expectProblem('Service', (d) => { d.spec.ports[0].targetPort = 'web'; }, 'Service orders spec.ports[0].targetPort: no container of the selected pods has port "web"');
  });
  test('an Ingress backend to a missing Service', () => {
    expectProblem('Ingress', (d) => { d.spec.rules[0].http.paths[0].backend.service.name = 'order'; }, 'Ingress orders spec.rules[0].http.paths[0].backend.service.name: Service "order" does not exist in this namespace');
  });
  test('an Ingress backend to a missing port', () => {
    expectProblem('Ingress', (d) => { d.spec.rules[0].http.paths[0].backend.service.port = { number: 8080 }; }, 'Service "orders" has no port {"number":8080}');
  });
  test('an HPA whose target does not exist', () => {
    expectProblem('HorizontalPodAutoscaler', (d) => { d.spec.scaleTargetRef.name = 'order'; }, 'HorizontalPodAutoscaler orders spec.scaleTargetRef: Deployment "order" does not exist in this namespace');
  });
  test('a PDB that selects no pods', () => {
    expectProblem('PodDisruptionBudget', (d) => { d.spec.selector.matchLabels = { app: 'orders' }; }, 'PodDisruptionBudget orders spec.selector: selects no pods');
  });
  test('a pod that uses a missing ConfigMap, PVC or ServiceAccount', () => {
    expectProblem('ConfigMap', (d) => { d.metadata.name = 'other-config'; }, 'volumes[1].configMap.name: ConfigMap "orders-config" does not exist in this namespace');
    expectProblem('PersistentVolumeClaim', (d) => { d.metadata.name = 'other-data'; }, 'PersistentVolumeClaim "orders-data" does not exist in this namespace');
    expectProblem('ServiceAccount', (d) => { d.metadata.name = 'other'; }, 'spec.template.spec.serviceAccountName: ServiceAccount "orders" does not exist in this namespace');
  });
  test('two objects of one kind and name in a namespace', () => {
    const { app, env } = platform();
    new JavaApp(env, 'orders', { image: IMAGE });
    new ApiObject(env, 'copy', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'orders' } });
    expect(problemsOf(app)).toContain('dev/copy.yaml ServiceAccount orders metadata.name: duplicates dev/orders.yaml ServiceAccount orders: names must be unique per kind and namespace');
  });
});

describe('policy', () => {
  const pod = (d: any) => d.spec.template.spec;
  const c = (d: any) => d.spec.template.spec.containers[0];
  test.each<[string, (d: any) => void, string]>([
    ['privileged', (d) => { c(d).securityContext.privileged = true; }, 'containers[0].securityContext.privileged: privileged containers are not allowed'],
    ['privilege escalation', (d) => { c(d).securityContext.allowPrivilegeEscalation = true; }, 'allowPrivilegeEscalation: must be false'],
    ['root', (d) => { pod(d).securityContext.runAsUser = 0; }, 'spec.securityContext.runAsUser: must not run as root (0)'],
    ['capabilities', (d) => { c(d).securityContext.capabilities = { add: ['SYS_ADMIN'] }; }, 'capabilities.drop: must drop ALL capabilities'],
    ['added capability', (d) => { c(d).securityContext.capabilities.add = ['NET_ADMIN']; }, 'capabilities.add: may only add NET_BIND_SERVICE, got NET_ADMIN'],
    ['seccomp', (d) => { delete pod(d).securityContext.seccompProfile; }, 'set seccompProfile.type RuntimeDefault'],
    ['host network', (d) => { pod(d).hostNetwork = true; }, 'hostNetwork is not allowed'],
    ['hostPath volume', (d) => { pod(d).volumes.push({ name: 'host', hostPath: { path: '/' } }); }, 'volume type hostPath is not allowed'],
    ['hostPort', (d) => { c(d).ports[0].hostPort = 8080; }, 'hostPort is not allowed'],
    ['writable root filesystem', (d) => { c(d).securityContext.readOnlyRootFilesystem = false; }, 'readOnlyRootFilesystem: must be true'],
    ['unpinned image', (d) => { c(d).image = 'ghcr.io/acme-shop/orders:latest'; }, 'containers[0].image: "ghcr.io/acme-shop/orders:latest" uses the tag latest'],
    ['no CPU request', (d) => { delete c(d).resources.requests.cpu; }, 'resources.requests.cpu: a CPU request is required'],
    ['no memory limit', (d) => { delete c(d).resources.limits.memory; }, 'resources.limits.memory: a memory limit is required'],
    ['no readiness probe', (d) => { delete c(d).readinessProbe; }, 'readinessProbe: a readiness probe is required'],
    ['plaintext secret env', (d) => { c(d).env.push({ name: 'API_TOKEN', value: 'abc' }); }, 'API_TOKEN looks like a secret with a plaintext value'],
  ])('%s', (_case, breakIt, message) => {
    expectProblem('Deployment', breakIt, message);
  });

  test('a Secret with data never reaches dist/', () => {
    const { app, env } = platform();
    new ApiObject(env, 'creds', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { password: 'hunter2' } } as any);
    expect(problemsOf(app).join('\n')).toMatch(/Secret creds stringData: a Secret with values would put plaintext credentials in Git/);
  });

  test('an explicit exception with a reason relaxes exactly its rule', () => {
    const manifests = validManifests({ policyExceptions: [PolicyException.noReadinessProbe('consumes a queue, serves no traffic'), PolicyException.noCpuLimit('latency sensitive')] });
    const container = manifests.find((m) => m.doc.kind === 'Deployment')!.doc.spec.template.spec.containers[0];
    delete container.readinessProbe;
    delete container.resources.limits.cpu;
    expect(gate(manifests)).toEqual([]);
    delete container.resources.limits.memory;
    expect(gate(manifests)).toEqual(['dev/orders.yaml Deployment orders spec.template.spec.containers[0].resources.limits.memory: a memory limit is required (the JVM sizes its heap from it)']);
  });
});

test('the gate lists every problem at once', () => {
  const manifests = validManifests();
  const deployment = manifests.find((m) => m.doc.kind === 'Deployment')!.doc;
  delete deployment.spec.template.spec.containers[0].readinessProbe;
  deployment.spec.template.spec.hostPID = true;
  manifests.find((m) => m.doc.kind === 'Service')!.doc.spec.ports[0].targetPort = 9999;
  expect(gate(manifests)).toEqual([
    'dev/orders.yaml Deployment orders spec.template.spec.hostPID: hostPID is not allowed (Pod Security "restricted")',
    'dev/orders.yaml Deployment orders spec.template.spec.containers[0].readinessProbe: a readiness probe is required so that traffic only reaches ready pods, or record PolicyException.noReadinessProbe(reason)',
    'dev/orders.yaml Service orders spec.ports[0].targetPort: no container of the selected pods has port 9999',
  ]);
});
