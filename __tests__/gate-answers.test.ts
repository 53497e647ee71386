import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { provideGateAnswers as provideSchemaAnswers } from '../lib/validate/answers';
import { validateManifests } from '../lib/validate/gate';
import { validateSchema } from '../lib/validate/schema';
import { Problem } from '../lib/validate/problem';

/**
 * The schema gate's earlier answers (lib/validate/schema.ts SchemaAnswers, bin/gate-answers.js):
 * an unchanged object keeps its answer, a changed one (or another gate) is checked again, and a
 * warm synth of an unchanged platform gives what a cold one gives without loading schemas or CEL.
 */
const ROOT = path.join(__dirname, '..');
const { fingerprint } = require('../bin/gate-answers');

/** A platform with apps and the pipeline: every kind of check, WorkflowTemplates included. */
function sampleLike() {
  const { app, env } = require('./support/platform').platform();
  const { Chart } = require('cdk8s');
  const { DeployStrategy, JavaApp, PipelineTemplate } = require('../lib');
  new JavaApp(env, 'orders', { image: 'ghcr.io/acme/orders:1.0.0', strategy: DeployStrategy.blueGreen() });
  new PipelineTemplate(new Chart(app, 'ci'), 'pipeline', { gitopsRepo: 'https://github.com/acme/gitops.git', imageRepository: 'ghcr.io/acme/{app}' });
  return { manifests: app.manifests() };
}

const configMap = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data, ...extra });

describe('schema answers', () => {
  const store = new Map<string, readonly Problem[]>();
  beforeEach(() => {
    store.clear();
    provideSchemaAnswers({ get: (k) => store.get(k), set: (k, p) => store.set(k, p) });
  });
  afterAll(() => provideSchemaAnswers(undefined));

  test('an answer is kept, and given again for the same object and label only', () => {
    const refused = configMap({ a: 1 });
    const fresh = (() => {
      provideSchemaAnswers(undefined);
      const p = validateSchema(refused, 'X');
      provideSchemaAnswers({ get: (k) => store.get(k), set: (k, v) => store.set(k, v) });
      return p;
    })();
    expect(fresh.length).toBeGreaterThan(0);
    expect(validateSchema(refused, 'X')).toEqual(fresh);
    expect([...store.values()]).toEqual([fresh]);
    // Given from the store, not checked again: a planted answer comes back.
    const [key] = store.keys();
    store.set(key, [{ object: 'X', path: 'planted', message: 'from the store' }]);
    expect(validateSchema(configMap({ a: 1 }), 'X')).toEqual([{ object: 'X', path: 'planted', message: 'from the store' }]);
    // Another value, another label: checked.
    expect(validateSchema(configMap({ a: '1' }), 'X')).toEqual([]);
    expect(validateSchema(refused, 'Y')).toEqual(fresh.map((p) => ({ ...p, object: 'Y' })));
    expect(store.size).toBe(3);
  });

  test('what JSON cannot tell apart, the key does: an unset unknown field, NaN, a hole', () => {
    expect(validateSchema(configMap({}, { extra: undefined }), 'X')).toEqual([{ object: 'X', path: 'extra', message: 'unknown field' }]);
    expect(validateSchema(configMap({}), 'X')).toEqual([]);
    expect(validateSchema(configMap({ a: 'x' }, { metadata: { name: 'c', namespace: 'n', labels: { l: null } } }), 'X')).not.toEqual([]);
    expect(validateSchema(configMap({ a: 'x' }, { metadata: { name: 'c', namespace: 'n', labels: {} } }), 'X')).toEqual([]);
    expect(store.size).toBe(4);
  });

  test('the answers given are copies: changing one changes nothing kept', () => {
    const first = validateSchema(configMap({ a: 1 }), 'X');
    (first[0] as { message: string }).message = 'changed';
    expect(validateSchema(configMap({ a: 1 }), 'X')[0].message).not.toBe('changed');
  });

  test('an object V8 cannot serialize is checked as it is, and not kept', () => {
    expect(validateSchema(configMap({ a: 'x' }, { status: () => 1 }), 'X')).toEqual([{ object: 'X', path: 'status', message: 'unknown field' }]);
    expect(store.size).toBe(0);
  });
});

describe('object and workflow answers', () => {
  const store = new Map<string, readonly Problem[]>();
  afterAll(() => provideSchemaAnswers(undefined));

  test("each object's own checks and the WorkflowTemplates' lint are kept; checks across objects run every time", () => {
    const { manifests } = sampleLike();
    const fresh = validateManifests(manifests);
    provideSchemaAnswers({ get: (k) => store.get(k), set: (k, v) => store.set(k, v) });
    expect(validateManifests(manifests)).toEqual(fresh);
    expect(validateManifests(manifests)).toEqual(fresh);
    // Every kept answer replaced by a planted one: each object's checks and the lint come from the store.
    for (const key of store.keys()) store.set(key, [{ object: 'planted', path: key, message: 'from the store' }]);
    const planted = validateManifests(manifests).filter((p) => p.object === 'planted');
    expect(planted.length).toBeGreaterThanOrEqual(manifests.length + 1);
    // With the policy off, the objects' own checks are other checks: their answers are not those (the schema's, below them, are).
    const withoutPolicy = validateManifests(manifests, { policy: false }).filter((p) => p.object === 'planted').map((p) => p.path);
    expect(withoutPolicy.filter((key) => planted.some((p) => p.path === key)).length).toBeLessThan(planted.length);
  });
});

describe('the gate fingerprint', () => {
  test('changes with any file of the gate, the rules, the helpers or the schemas, and only then', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-fingerprint-'));
    try {
      fs.mkdirSync(path.join(root, 'lib', 'validate'), { recursive: true });
      fs.mkdirSync(path.join(root, 'schemas', 'crds'), { recursive: true });
      fs.writeFileSync(path.join(root, 'lib', 'validate', 'gate.ts'), 'export const a = 1;\n');
      fs.writeFileSync(path.join(root, 'schemas', 'crds', 'x.json'), '{"scope":"Namespaced"}');
      const first = fingerprint(root);
      expect(fingerprint(root)).toBe(first);
      fs.writeFileSync(path.join(root, 'lib', 'validate', 'gate.ts'), 'export const a = 2;\n');
      const edited = fingerprint(root);
      expect(edited).not.toBe(first);
      fs.writeFileSync(path.join(root, 'schemas', 'crds', 'x.json'), '{"scope":"Cluster"}');
      const schema = fingerprint(root);
      expect(schema).not.toBe(edited);
      fs.mkdirSync(path.join(root, 'lib', 'rules'), { recursive: true });
      fs.writeFileSync(path.join(root, 'lib', 'rules', 'new.ts'), '');
      const rule = fingerprint(root);
      expect(rule).not.toBe(schema);
      fs.writeFileSync(path.join(root, 'lib', 'util.ts'), 'export {};\n');
      const util = fingerprint(root);
      expect(util).not.toBe(rule);
      // A construct is no part of an answer: the layer rules keep the gate from importing it.
      fs.mkdirSync(path.join(root, 'lib', 'app'), { recursive: true });
      fs.writeFileSync(path.join(root, 'lib', 'app', 'java-app.ts'), 'export {};\n');
      expect(fingerprint(root)).toBe(util);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('a synth with the answers of the last one', () => {
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'gate-answers-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  // At exit: whether the CEL engine was loaded, and which CRD schemas were read.
  const probe = path.join(work, 'probe.js');
  fs.writeFileSync(probe, `const fs = require('fs'); const read = fs.readFileSync; const schemas = new Set();
    fs.readFileSync = function (f, ...rest) { if (String(f).includes('schemas/')) schemas.add(require('path').basename(String(f))); return read.call(this, f, ...rest); };
    process.on('exit', () => { const cel = require(${JSON.stringify(path.join(ROOT, 'lib', 'validate', 'cel.ts'))});
      process.stderr.write('\\n' + JSON.stringify({ cel: cel.celLoaded(), schemas: [...schemas].sort() })); });`);
  const synth = (entry: string, outdir: string) => {
    const r = spawnSync(process.execPath, ['-r', probe, path.join(ROOT, 'bin', 'synth.js'), entry, '--quiet', '--outdir', outdir], { cwd: ROOT, encoding: 'utf8' });
    const lines = r.stderr.trim().split('\n');
    return { status: r.status, message: lines.slice(0, -1).join('\n').trim(), seen: JSON.parse(lines[lines.length - 1]) };
  };
  const platform = (file: string, image: string) => {
    fs.writeFileSync(file, [
      "import { Chart } from 'cdk8s';",
      `import { Environment, JavaApp, PipelineTemplate, PlatformApp } from ${JSON.stringify(path.join(ROOT, 'lib'))};`,
      'const app = new PlatformApp();',
      `new JavaApp(new Environment(app, 'dev', { namespace: 'shop-dev' }), 'orders', { image: '${image}' });`,
      "new PipelineTemplate(new Chart(app, 'ci'), 'pipeline', { gitopsRepo: 'https://github.com/acme/gitops.git', imageRepository: 'ghcr.io/acme/{app}' });",
      'app.synth();',
    ].join('\n'));
  };
  const tree = (dir: string) => Object.fromEntries((fs.readdirSync(dir, { recursive: true }) as string[]).sort()
    .filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

  test('the same output, with no schema read and no CEL engine loaded; a changed object is checked again', () => {
    const entry = path.join(work, 'platform.ts');
    platform(entry, 'ghcr.io/acme/orders:1.0.0');
    const cold = synth(entry, path.join(work, 'cold'));
    expect(cold.status).toBe(0);
    expect(cold.seen.cel).toBe(true);
    expect(cold.seen.schemas).toContain('argoproj.io_v1alpha1_WorkflowTemplate.json');
    const warm = synth(entry, path.join(work, 'warm'));
    expect(warm.status).toBe(0);
    expect(warm.seen).toEqual({ cel: false, schemas: ['kinds.json'] });
    expect(tree(path.join(work, 'warm'))).toEqual(tree(path.join(work, 'cold')));
    // A new image changes the Deployment and what holds it: those are checked, against their schema.
    platform(entry, 'ghcr.io/acme/orders:1.1.0');
    const bumped = synth(entry, path.join(work, 'warm'));
    expect(bumped.status).toBe(0);
    expect(bumped.seen.schemas).toContain('k8s-v1.27.0-definitions.json');
    expect(bumped.seen.cel).toBe(false);
  });

  test('a refused object is refused again, in the same words, from the kept answer', () => {
    const entry = path.join(work, 'refused.ts');
    fs.writeFileSync(entry, [
      "import { ApiObject } from 'cdk8s';",
      `import { Environment, PlatformApp } from ${JSON.stringify(path.join(ROOT, 'lib'))};`,
      'const app = new PlatformApp();',
      "const env = new Environment(app, 'dev', { namespace: 'shop-dev' });",
      "new ApiObject(env, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { retries: 3 } as any });",
      'app.synth();',
    ].join('\n'));
    const cold = synth(entry, path.join(work, 'refused'));
    expect(cold.status).toBe(1);
    expect(cold.message).toMatch(/data\.retries: must be string, got integer/);
    const warm = synth(entry, path.join(work, 'refused'));
    expect(warm.status).toBe(1);
    expect(warm.message).toBe(cold.message);
    expect(warm.seen.schemas).toEqual(['kinds.json']);
  });
});
