import { isNamespaced, validateSchema } from '../lib/validate/schema';
import { analysisTemplate, deployment, lines, NS, rollout, service } from './support/docs';

/** Schema problems of a document as `path: message`. */
const schema = (doc: any) => validateSchema(doc, 'X').map((p) => `${p.path}: ${p.message}`);

describe('kinds and metadata', () => {
  test.each<[string, any, string[]]>([
    ['no apiVersion', { kind: 'ConfigMap', metadata: { name: 'a' } }, [': apiVersion and kind are required']],
    ['no kind', { apiVersion: 'v1', metadata: { name: 'a' } }, [': apiVersion and kind are required']],
    ['a kind that is not a string', { apiVersion: 'v1', kind: 7, metadata: { name: 'a' } }, [': apiVersion and kind are required']],
    ['not an object', null, [': apiVersion and kind are required']],
    ['an unknown kind', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, [': no schema for example.com/v1 Widget: vendor its CRD in crds/ and run npm run import']],
    ['a core kind in the wrong API version', { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'a' } }, [': no schema for apps/v1 ConfigMap: vendor its CRD in crds/ and run npm run import']],
    ['a CRD kind without a version', { apiVersion: 'argoproj.io', kind: 'Rollout', metadata: { name: 'a' } }, [': no schema for argoproj.io Rollout: vendor its CRD in crds/ and run npm run import']],
    ['no metadata', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } }, ['metadata: metadata is required']],
    ['no metadata on a custom resource', { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', spec: analysisTemplate('a').spec }, ['metadata: metadata is required']],
    ['an unknown metadata field of a custom resource', { ...analysisTemplate('a'), metadata: { name: 'a', namespace: NS, label: { a: 'b' } } }, ['metadata.label: unknown field']],
    ['a label that is not a string', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { tier: 1 } } }, ['metadata.labels.tier: must be string, got integer']],
    ['a label key that is not an identifier', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { 'app.kubernetes.io/name': true } } },
      ['metadata.labels["app.kubernetes.io/name"]: must be string, got boolean']],
    ['a key that starts with a digit', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { '1st': 2 } }, ['data["1st"]: must be string, got integer']],
    ['null where an object belongs', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: null } }, ['metadata.labels: must not be null']],
    ['a list where an object belongs', { apiVersion: 'v1', kind: 'ConfigMap', metadata: [] }, ['metadata: must be object, got array']],
  ])('%s', (_case, doc, expected) => {
    expect(schema(doc)).toEqual(expected);
  });

  test('valid documents of core kinds and custom resources pass', () => {
    for (const doc of [
      deployment('web'), service('web', { app: 'web' }), analysisTemplate('a', [{ name: 'x' }]),
      rollout('web', { canary: { maxSurge: '25%', maxUnavailable: 0, steps: [{ setWeight: 20 }] } }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'a' } }, data: { '1st': 'x', b: '' } },
    ]) {
      expect(schema(doc)).toEqual([]);
    }
  });
});

describe('fields: unknown, missing, wrong type or value', () => {
  const web = () => deployment('web');
  const c = (d: any) => d.spec.template.spec.containers[0];
  test.each<[string, (d: any) => any, string[]]>([
    ['an unknown field in a list item', (d) => { c(d).imagePullPolicyy = 'Always'; return d; }, ['spec.template.spec.containers[0].imagePullPolicyy: unknown field']],
    ['an unknown top-level field', (d) => ({ ...d, extra: 1 }), ['extra: unknown field']],
    ['a missing required field', (d) => { delete d.spec.selector; return d; }, ['spec.selector: required field is missing']],
    ['two missing required fields', (d) => { c(d).ports[0] = {}; delete c(d).name; return d; },
      ['spec.template.spec.containers[0].name: required field is missing', 'spec.template.spec.containers[0].ports[0].containerPort: required field is missing']],
    ['a string where an integer belongs', (d) => { d.spec.replicas = '2'; return d; }, ['spec.replicas: must be integer, got string']],
    ['a fraction where an integer belongs', (d) => { d.spec.replicas = 1.5; return d; }, ['spec.replicas: must be integer, got number']],
    ['an object where a string belongs', (d) => { c(d).image = { name: 'x' }; return d; }, ['spec.template.spec.containers[0].image: must be string, got object']],
    ['a string where a list belongs', (d) => { c(d).ports = 'http'; return d; }, ['spec.template.spec.containers[0].ports: must be array, got string']],
    ['a boolean where a quantity belongs', (d) => { c(d).resources.limits.cpu = true; return d; }, ['spec.template.spec.containers[0].resources.limits.cpu: must be one of string or number, got boolean']],
    ['a fraction where an IntOrString belongs', (d) => { c(d).readinessProbe.httpGet.port = 80.5; return d; }, ['spec.template.spec.containers[0].readinessProbe.httpGet.port: must be one of string or integer, got number']],
  ])('%s', (_case, change, expected) => {
    expect(schema(change(web()))).toEqual(expected);
  });

  test.each<[string, (d: any) => any]>([
    ['a number as a quantity', (d) => { c(d).resources.limits.cpu = 1.5; return d; }],
    ['an integer as a quantity', (d) => { c(d).resources.limits.cpu = 2; return d; }],
    ['an integer as an IntOrString', (d) => { c(d).readinessProbe.httpGet.port = 8080; return d; }],
  ])('accepted: %s', (_case, change) => {
    expect(schema(change(web()))).toEqual([]);
  });

  // The API server decodes into Go integers (format int32 or int64): a value outside the range is refused.
  const INT32 = 'must fit in a 32-bit integer (-2147483648 to 2147483647)';
  test.each<[string, (d: any) => any, string[]]>([
    ['an int32 field one above its range', (d) => { d.spec.replicas = 2 ** 31; return d; }, [`spec.replicas: ${INT32}, got 2147483648`]],
    ['an int32 field one below its range', (d) => { d.spec.replicas = -(2 ** 31) - 1; return d; }, [`spec.replicas: ${INT32}, got -2147483649`]],
    ['an int32 field at its bounds', (d) => { d.spec.replicas = 2 ** 31 - 1; d.spec.minReadySeconds = -(2 ** 31); return d; }, []],
    ['an int64 field above its range', (d) => { d.spec.template.spec.terminationGracePeriodSeconds = 1e19; return d; },
      ['spec.template.spec.terminationGracePeriodSeconds: must fit in a 64-bit integer, got 10000000000000000000']],
    ['an int64 field beyond 32 bits', (d) => { d.spec.template.spec.terminationGracePeriodSeconds = 2 ** 40; return d; }, []],
    ['an IntOrString beyond 32 bits', (d) => { c(d).readinessProbe.httpGet.port = 2 ** 31; return d; }, [`spec.template.spec.containers[0].readinessProbe.httpGet.port: ${INT32}, got 2147483648`]],
    ['an IntOrString at the top of 32 bits', (d) => { c(d).readinessProbe.httpGet.port = 2 ** 31 - 1; return d; }, []],
    ['a quantity beyond 32 bits is no IntOrString', (d) => { c(d).resources.limits.memory = 2 ** 40; return d; }, []],
  ])('%s', (_case, change, expected) => {
    expect(schema(change(web()))).toEqual(expected);
  });

  const canary = (c2: any) => rollout('web', { canary: c2 });
  test.each<[string, any, string[]]>([
    ['x-kubernetes-int-or-string: a percentage', canary({ maxSurge: '25%' }), []],
    ['x-kubernetes-int-or-string: an integer', canary({ maxSurge: 1 }), []],
    ['x-kubernetes-int-or-string: a fraction', canary({ maxSurge: 1.5 }), ['spec.strategy.canary.maxSurge: must be an integer or a string, got number']],
    ['x-kubernetes-int-or-string: a boolean', canary({ maxUnavailable: true }), ['spec.strategy.canary.maxUnavailable: must be an integer or a string, got boolean']],
    ['x-kubernetes-int-or-string: beyond 32 bits', canary({ maxSurge: 2 ** 31 }), ['spec.strategy.canary.maxSurge: must fit in a 32-bit integer (-2147483648 to 2147483647), got 2147483648']],
    ['x-kubernetes-int-or-string: the top of 32 bits', canary({ maxSurge: 2 ** 31 - 1 }), []],
    ['an unknown field of a custom resource', canary({ maxSurgee: 1 }), ['spec.strategy.canary.maxSurgee: unknown field']],
    ['fields a CRD leaves open', rollout('web', { canary: {} }, { workloadRef: null, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'a:1', resources: { limits: { anything: { goes: [1] } } } }] } } }), []],
  ])('%s', (_case, doc, expected) => {
    expect(schema(doc)).toEqual(expected);
  });

  test('a value outside an enum', () => {
    const doc = analysisTemplate('a');
    doc.spec.metrics[0].provider = { datadog: { query: 'q', aggregator: 'median' } };
    expect(schema(doc)).toEqual(['spec.metrics[0].provider.datadog.aggregator: must be one of "avg", "min", "max", "sum", "last", "percentile", "mean", "l2norm", "area", got "median"']);
    doc.spec.metrics[0].provider.datadog.aggregator = 'avg';
    expect(schema(doc)).toEqual([]);
  });

  test('a number list accepts integers and fractions, not strings', () => {
    const doc = (buckets: any[]) => ({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'w', namespace: NS },
      spec: { templates: [{ name: 'main', container: { image: 'alpine:3.20' }, metrics: { prometheus: [{ name: 'm', help: 'h', histogram: { buckets, value: '1' } }] } }] },
    });
    expect(schema(doc([1, 2.5]))).toEqual([]);
    // A WorkflowTemplate carries CEL rules, which the API server does not run on an object of the wrong shape.
    expect(schema(doc([1, '2']))).toEqual(['spec.templates[0].metrics.prometheus[0].histogram.buckets[1]: must be number, got string',
      ': some validation rules were not checked because the object was invalid; correct the existing errors to complete validation']);
  });

  test('every problem of a document is listed, in the order of the keys of the document', () => {
    const d = web();
    d.spec.replicas = '1';
    d.spec.template.spec.containers[0].portz = [];
    d.metadata.labelz = {};
    // replicas was added last, after the template; metadata is checked after the rest.
    expect(schema(d)).toEqual(['spec.template.spec.containers[0].portz: unknown field', 'spec.replicas: must be integer, got string', 'metadata.labelz: unknown field']);
  });

  test('a field set to undefined is absent, as in JSON', () => {
    expect(schema({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: undefined }, data: { a: undefined } })).toEqual([]);
  });

  test('an object field without listed properties takes any keys (FieldsV1)', () => {
    expect(schema({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', managedFields: [{ manager: 'm', fieldsV1: { 'f:data': { 'f:a': {} } } }] } })).toEqual([]);
  });

  test('the problems name the object as given', () => {
    expect(validateSchema({ apiVersion: 'v1', kind: 'ConfigMap' }, 'dev/a.yaml ConfigMap ?')).toEqual([{ object: 'dev/a.yaml ConfigMap ?', path: 'metadata', message: 'metadata is required' }]);
  });
});

describe('isNamespaced', () => {
  test.each<[string, string, boolean | undefined]>([
    ['v1', 'ConfigMap', true],
    ['apps/v1', 'Deployment', true],
    ['argoproj.io/v1alpha1', 'Rollout', true],
    ['argoproj.io/v1alpha1', 'AppProject', true],
    ['v1', 'Namespace', false],
    ['v1', 'PersistentVolume', false],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', false],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', false],
    ['rbac.authorization.k8s.io/v1', 'Role', true],
    ['storage.k8s.io/v1', 'StorageClass', false],
    ['networking.k8s.io/v1', 'IngressClass', false],
    ['scheduling.k8s.io/v1', 'PriorityClass', false],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', false],
    ['v1', 'Node', false],
    ['example.com/v1', 'Widget', undefined],
  ])('%s %s', (apiVersion, kind, expected) => {
    expect(isNamespaced(apiVersion, kind)).toBe(expected);
  });
});

test('lines() of the support module formats problems as the gate does', () => {
  expect(lines([{ object: 'o', path: 'p', message: 'm' }])).toEqual(['o p: m']);
});

describe('an unset item of a list', () => {
  // YAML has no undefined: the item is written as null, which a list of objects refuses.
  test('is refused as null, where a set one is checked as usual', () => {
    const pod = (containers: unknown[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers } });
    expect(validateSchema(pod([undefined]), 'Pod p').map((p) => `${p.path}: ${p.message}`)).toEqual(['spec.containers[0]: must not be null']);
    expect(validateSchema(pod([{ name: 'a', image: 'a:1' }]), 'Pod p')).toEqual([]);
  });
});
