import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { findRuleNodes } from '../lib/validate/cel-rules';
import { loadCrds } from './support/crds';

/** `npm run import`'s schema step (bin/build-schemas.js): served versions only, rules and defaults kept, where the rules sit. */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { buildSchemas, ruleNodes } = require('../bin/build-schemas');

const ROOT = path.join(__dirname, '..');

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'build-schemas-'));
}

test('the committed schemas/crds/ are what npm run import writes from crds/', () => {
  const out = scratch();
  try {
    const written: string[] = buildSchemas(path.join(ROOT, 'crds'), out);
    expect(written.sort()).toEqual(fs.readdirSync(path.join(ROOT, 'schemas', 'crds')).sort());
    for (const name of written) expect([name, fs.readFileSync(path.join(out, name), 'utf8')]).toEqual([name, fs.readFileSync(path.join(ROOT, 'schemas', 'crds', name), 'utf8')]);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('a version the API server does not serve gets no schema; a served one keeps its rules and defaults', () => {
  const dir = scratch();
  const version = (name: string, served: boolean) => ({
    name, served, storage: served,
    schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: {
      mode: { type: 'string', default: 'auto' },
      items: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: "self != ''", message: 'not empty' }] } },
    } } } } },
  });
  const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' }, versions: [version('v1beta1', false), version('v1', true)] } };
  try {
    fs.mkdirSync(path.join(dir, 'crds', 'example-v1'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'crds', 'example-v1', 'widgets.yaml'), YAML.stringify(crd));
    expect(buildSchemas(path.join(dir, 'crds'), path.join(dir, 'out'))).toEqual(['example.com_v1_Widget.json']);
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'example.com_v1_Widget.json'), 'utf8'));
    expect(written).toEqual({ scope: 'Namespaced', ruleNodes: [['properties', 'spec', 'properties', 'items', 'items']], schema: crd.spec.versions[1].schema.openAPIV3Schema });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('npm run import lists the rule nodes the gate would find itself, on the Gateway API CRDs too', () => {
  const schemas = loadCrds(path.join(__dirname, 'fixtures', 'gateway-api-v1.6.1')).flatMap((crd) => crd.spec.versions.map((v: any) => v.schema.openAPIV3Schema));
  expect(schemas.length).toBeGreaterThan(4);
  for (const s of schemas) expect(ruleNodes(s)).toEqual(findRuleNodes(s));
  expect(schemas.map((s) => findRuleNodes(s).length).reduce((a, b) => a + b)).toBe(84);
});

test('descriptions are left out of the schemas (the gate never reads them); a property named description stays', () => {
  const { withoutDescriptions } = require('../bin/build-schemas');
  const schema = {
    description: 'a widget', type: 'object', properties: {
      description: { description: 'what the widget is for', type: 'string' },
      list: { type: 'array', items: { description: 'one', type: 'object', additionalProperties: { description: 'any', type: 'string' } } },
      either: { anyOf: [{ description: 'a number', type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
    },
  };
  expect(withoutDescriptions(schema)).toEqual({
    type: 'object', properties: {
      description: { type: 'string' },
      list: { type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } } },
      either: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
    },
  });
  const appProject = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'crds', 'argoproj.io_v1alpha1_AppProject.json'), 'utf8'));
  expect(appProject.schema.properties.spec.properties.description).toEqual({ type: 'string', maxLength: 255 });
  expect(JSON.stringify(appProject)).not.toMatch(/"description":"/);
});

test('the committed schemas/kinds.json is what npm run import writes, and places every kind as its schema does', () => {
  const { buildKinds } = require('../bin/build-schemas');
  const kinds = buildKinds(path.join(ROOT, 'schemas', 'crds'), path.join(ROOT, 'schemas', 'k8s-v1.27.0-definitions.json'));
  expect(fs.readFileSync(path.join(ROOT, 'schemas', 'kinds.json'), 'utf8')).toBe(`${JSON.stringify(kinds, null, 1)}\n`);
  const { crdSchemaFor, isNamespaced, k8sSchemaFor } = require('../lib/schemas');
  const CLUSTER = new Set(['v1/Namespace', 'v1/Node', 'v1/PersistentVolume', 'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
    'storage.k8s.io/v1/StorageClass', 'networking.k8s.io/v1/IngressClass', 'scheduling.k8s.io/v1/PriorityClass', 'apiextensions.k8s.io/v1/CustomResourceDefinition']);
  const crdKinds = Object.keys(kinds.crds);
  expect(crdKinds.length).toBe(fs.readdirSync(path.join(ROOT, 'schemas', 'crds')).length);
  for (const key of crdKinds) {
    const slash = key.lastIndexOf('/');
    expect([key, isNamespaced(key.slice(0, slash), key.slice(slash + 1))]).toEqual([key, crdSchemaFor(key.slice(0, slash), key.slice(slash + 1)).scope === 'Namespaced']);
  }
  expect(kinds.k8s.length).toBeGreaterThan(100);
  for (const key of kinds.k8s) {
    const slash = key.lastIndexOf('/');
    expect(k8sSchemaFor(key.slice(0, slash), key.slice(slash + 1))).toBeDefined();
    expect([key, isNamespaced(key.slice(0, slash), key.slice(slash + 1))]).toEqual([key, !CLUSTER.has(key)]);
  }
  expect(isNamespaced('example.com/v1', 'Widget')).toBeUndefined();
  expect(isNamespaced('v1', 'toString')).toBeUndefined();
});
