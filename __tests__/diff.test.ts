import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Environment, JavaApp, JavaAppProps, PlatformApp } from '../lib';
import { describeId, diffOutputs, diffValues, formatDiff, formatValue, isEmptyDiff, parseOutput, readTree, unifiedDiff } from '../lib/tools/diff';
import { tempDir } from './support/platform';

const ROOT = path.join(__dirname, '..');

/** The files of a small platform: orders and catalog in dev, optionally changed. */
function output(options: { ordersImage?: string; withCatalog?: boolean; withSearch?: boolean; orders?: Partial<JavaAppProps> } = {}): Map<string, string> {
  const app = new PlatformApp({ outdir: tempDir() });
  const env = new Environment(app, 'dev', { namespace: 'shop-dev', partOf: 'shop' });
  new JavaApp(env, 'orders', { image: options.ordersImage ?? 'ghcr.io/acme-shop/orders:1.4.2', ingress: { host: 'orders.example.com' }, ...options.orders });
  if (options.withCatalog ?? true) new JavaApp(env, 'catalog', { image: 'ghcr.io/acme-shop/catalog:2.3.1' });
  if (options.withSearch) new JavaApp(env, 'search', { image: 'ghcr.io/acme-shop/search:0.9.0' });
  return app.files();
}

const diff = (before: Map<string, string>, after: Map<string, string>) => diffOutputs(parseOutput(before), parseOutput(after));
const names = (list: { id: { kind: string; name: string } }[]) => list.map((o) => `${o.id.kind}/${o.id.name}`);

describe('diff of two synthesized outputs', () => {
  let base: Map<string, string>;
  // Built in the first test that runs, not while the suite loads: a build that throws fails a test.
  beforeEach(() => { base ??= output(); });

  test('nothing changed -> an empty result', () => {
    const result = diff(base, output());
    expect(result).toEqual({ added: [], removed: [], changed: [] });
    expect(isEmptyDiff(result)).toBe(true);
    expect(formatDiff(result)).toBe('No changes to the synthesized objects.\n');
  });

  test('a new image changes exactly the image and the version labels of that app', () => {
    const result = diff(base, output({ ordersImage: 'ghcr.io/acme-shop/orders:1.5.0' }));
    expect(result.added).toEqual([]);
    expect(result.removed).toEqual([]);
    // Only the orders objects; catalog is untouched.
    expect(result.changed.every((c) => c.file === 'dev/orders.yaml')).toBe(true);
    const versionLabel = /(^|\.)labels\["app\.kubernetes\.io\/version"\]$/;
    for (const c of result.changed) {
      for (const f of c.changes) {
        expect(f.path.match(versionLabel) ? [f.before, f.after] : [f.path, f.before, f.after]).toEqual(
          f.path.match(versionLabel) ? ['1.4.2', '1.5.0'] : ['spec.template.spec.containers[app].image', 'ghcr.io/acme-shop/orders:1.4.2', 'ghcr.io/acme-shop/orders:1.5.0']);
      }
    }
    const deployment = result.changed.find((c) => c.id.kind === 'Deployment')!;
    expect(deployment.changes).toEqual([
      { path: 'metadata.labels["app.kubernetes.io/version"]', before: '1.4.2', after: '1.5.0' },
      { path: 'spec.template.metadata.labels["app.kubernetes.io/version"]', before: '1.4.2', after: '1.5.0' },
      { path: 'spec.template.spec.containers[app].image', before: 'ghcr.io/acme-shop/orders:1.4.2', after: 'ghcr.io/acme-shop/orders:1.5.0' },
    ]);
    expect(deployment.id).toEqual({ folder: 'dev', group: 'apps', kind: 'Deployment', namespace: 'shop-dev', name: 'orders' });
    const text = formatDiff(result);
    expect(text).toContain('- `dev: Deployment.apps shop-dev/orders` (dev/orders.yaml)');
    expect(text).toContain('  - `spec.template.spec.containers[app].image`: `"ghcr.io/acme-shop/orders:1.4.2"` -> `"ghcr.io/acme-shop/orders:1.5.0"`');
    expect(text).toMatch(/^\*\*0 added, 0 removed, \d+ changed\*\*/);
  });

  test('an added app lists its objects as added, sorted by identity', () => {
    const result = diff(base, output({ withSearch: true }));
    expect(result.removed).toEqual([]);
    expect(result.changed).toEqual([]);
    expect(result.added.every((o) => o.file === 'dev/search.yaml')).toBe(true);
    expect(names(result.added)).toEqual(expect.arrayContaining(['Deployment/search', 'Service/search', 'ServiceAccount/search']));
    const keys = result.added.map((o) => [o.id.group, o.id.kind, o.id.name].join('/'));
    expect(keys).toEqual([...keys].sort());
    expect(formatDiff(result)).toContain('### Added\n\n- `dev: ');
  });

  test('a removed app lists its objects as removed', () => {
    const result = diff(base, output({ withCatalog: false }));
    expect(result.added).toEqual([]);
    expect(result.changed).toEqual([]);
    expect(result.removed.length).toBeGreaterThan(0);
    expect(result.removed.every((o) => o.file === 'dev/catalog.yaml' && o.id.name.startsWith('catalog'))).toBe(true);
    expect(formatDiff(result)).toContain('### Removed');
  });

  test('objects are matched by identity, not by file: a move to another file is no change', () => {
    const moved = new Map([...base].map(([file, text]) => [file === 'dev/catalog.yaml' ? 'dev/renamed.yaml' : file, text]));
    expect(isEmptyDiff(diff(base, moved))).toBe(true);
  });

  test('identity includes the folder, the group and the namespace', () => {
    const cm = (ns: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: ${ns}\n`;
    const result = diffOutputs(parseOutput({ 'dev/a.yaml': cm('a') }), parseOutput({ 'dev/a.yaml': cm('b'), 'prod/a.yaml': cm('a') }));
    expect(result.added.map((o) => describeId(o.id))).toEqual(['dev: ConfigMap b/x', 'prod: ConfigMap a/x']);
    expect(result.removed.map((o) => describeId(o.id))).toEqual(['dev: ConfigMap a/x']);
  });

  test('kustomization files and empty documents are ignored', () => {
    const objects = parseOutput({ 'dev/Kustomization': 'resources: [a.yaml]\n', 'dev/kustomization.yaml': 'resources: [a.yaml]\n', 'prod/kustomization.yml': 'resources: []\n', 'dev/a.yaml': '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: n}\n---\n' });
    expect([...objects.values()].map((o) => `${o.file} ${o.id.kind}/${o.id.name}`)).toEqual(['dev/a.yaml ConfigMap/a']);
  });

  test('YAML that does not parse names the file', () => {
    expect(() => parseOutput({ 'dev/bad.yaml': 'a: [1\n' })).toThrow(/^dev\/bad\.yaml: /);
  });
});

describe('field changes', () => {
  test('added and removed fields, in document order, with dotted paths', () => {
    expect(diffValues({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 4 }, e: [1] })).toEqual([
      { path: 'b.c', before: 2, after: 4 },
      { path: 'b.d', before: 3, after: undefined },
      { path: 'e[0]', before: undefined, after: 1 },
    ]);
  });

  test('lists of named items are compared by name; an insertion into any list is one added item', () => {
    const before = { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], args: ['x', 'y'] };
    const after = { env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }], args: ['x', 'new', 'y'] };
    expect(diffValues(before, after)).toEqual([
      { path: 'env[B].value', before: '2', after: '3' },
      { path: 'env[C].value', before: undefined, after: '4' },
      { path: 'args[1]', before: undefined, after: 'new' },
    ]);
    // Same length, no key: item by item.
    expect(diffValues({ args: ['x', 'y'] }, { args: ['x', 'z'] })).toEqual([{ path: 'args[1]', before: 'y', after: 'z' }]);
  });

  test.each([
    ['containerPort', 'ports', { containerPort: 8080, protocol: 'TCP' }, { containerPort: 9090, protocol: 'TCP' }, 'ports[containerPort=9090]'],
    ['port', 'ports', { port: 80, targetPort: 'http' }, { port: 81, targetPort: 'admin' }, 'ports[port=81]'],
    ['path', 'paths', { path: '/', pathType: 'Prefix' }, { path: '/api', pathType: 'Prefix' }, 'paths[path=/api]'],
    ['host', 'rules', { host: 'a.example.com', http: {} }, { host: 'b.example.com', http: {} }, 'rules[host=b.example.com]'],
    ['mountPath', 'volumeMounts', { mountPath: '/tmp', readOnly: false }, { mountPath: '/data', readOnly: true }, 'volumeMounts[mountPath=/data]'],
  ])('a list keyed by %s: an item inserted at the front is one added item', (_key, field, existing, inserted, path) => {
    const result = diffValues({ [field]: [existing] }, { [field]: [inserted, existing] });
    // Each field of the new item but its key, which the path names.
    expect(result).toEqual(Object.entries(inserted).filter(([k]) => k !== _key).map(([k, v]) => ({ path: `${path}.${k}`, before: undefined, after: v })));
  });

  test('a list without a key and of another length: the kept items stay matched', () => {
    const a = { type: 'Resource', resource: { name: 'cpu' } };
    const b = { type: 'Resource', resource: { name: 'memory' } };
    expect(diffValues({ metrics: [a] }, { metrics: [b, a] })).toEqual([
      { path: 'metrics[0].type', before: undefined, after: 'Resource' }, { path: 'metrics[0].resource.name', before: undefined, after: 'memory' },
    ]);
    expect(diffValues({ metrics: [b, a] }, { metrics: [a] })).toEqual([
      { path: 'metrics[0].type', before: 'Resource', after: undefined }, { path: 'metrics[0].resource.name', before: 'memory', after: undefined },
    ]);
  });

  test('a reordered list of named items shows the order as the change', () => {
    const a = [{ name: 'x' }, { name: 'y' }];
    expect(diffValues({ l: a }, { l: [...a].reverse() })).toEqual([{ path: 'l', before: a, after: [...a].reverse() }]);
  });

  test('values are shown as whole JSON, never shortened, every field listed; an absent field as (none)', () => {
    expect(formatValue(undefined)).toBe('(none)');
    expect(formatValue('1')).toBe('"1"');
    expect(formatValue(1)).toBe('1');
    expect(formatValue('x'.repeat(200))).toBe(`"${'x'.repeat(200)}"`);
    const text = formatDiff({ added: [], removed: [], changed: [{ id: { folder: 'd', group: '', kind: 'ConfigMap', namespace: 'n', name: 'c' }, file: 'd/c.yaml', changes: Array.from({ length: 30 }, (_, i) => ({ path: `data.k${i}`, before: 'a', after: 'b'.repeat(100) })) }] });
    for (let i = 0; i < 30; i++) expect(text).toContain(`  - \`data.k${i}\`: \`"a"\` -> \`"${'b'.repeat(100)}"\`\n`);
    expect(text).not.toContain('…');
    expect(text).toContain('(30 fields)');
  });

  test('a strategy switched to canary: every path of the new steps and analysis, old -> new, none cut short', () => {
    const before = { spec: { strategy: { blueGreen: { activeService: 'orders', previewService: 'orders-preview' } } } };
    const canary = {
      canaryService: 'orders-canary',
      analysis: { templates: [{ templateName: 'http-success-rate' }], args: [{ name: 'service-name', value: 'orders-canary' }], startingStep: 1 },
      steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '5m' } }],
    };
    const changes = diffValues(before, { spec: { strategy: { canary } } });
    expect(changes).toEqual([
      { path: 'spec.strategy.blueGreen.activeService', before: 'orders', after: undefined },
      { path: 'spec.strategy.blueGreen.previewService', before: 'orders-preview', after: undefined },
      { path: 'spec.strategy.canary.canaryService', before: undefined, after: 'orders-canary' },
      { path: 'spec.strategy.canary.analysis.templates[templateName=http-success-rate]', before: undefined, after: { templateName: 'http-success-rate' } },
      { path: 'spec.strategy.canary.analysis.args[service-name].value', before: undefined, after: 'orders-canary' },
      { path: 'spec.strategy.canary.analysis.startingStep', before: undefined, after: 1 },
      { path: 'spec.strategy.canary.steps[0].setWeight', before: undefined, after: 20 },
      { path: 'spec.strategy.canary.steps[1].pause', before: undefined, after: {} },
      { path: 'spec.strategy.canary.steps[2].setWeight', before: undefined, after: 50 },
      { path: 'spec.strategy.canary.steps[3].pause.duration', before: undefined, after: '5m' },
    ]);
    const text = formatDiff({ added: [], removed: [], changed: [{ id: { folder: 'dev', group: 'argoproj.io', kind: 'Rollout', namespace: 'shop-dev', name: 'orders' }, file: 'dev/orders.yaml', changes }] });
    expect(text).toContain('  - `spec.strategy.canary.steps[3].pause.duration`: `(none)` -> `"5m"`\n');
    expect(text).toContain('  - `spec.strategy.canary.analysis.args[service-name].value`: `(none)` -> `"orders-canary"`\n');
  });

  test('a value that changes type is what goes, then what comes, leaf by leaf', () => {
    expect(diffValues({ a: 'x' }, { a: { b: 1 } })).toEqual([{ path: 'a', before: 'x', after: undefined }, { path: 'a.b', before: undefined, after: 1 }]);
    expect(diffValues({ a: {} }, { a: [] })).toEqual([{ path: 'a', before: {}, after: [] }]);
  });

  test('a multi-line value (a script, a configuration file) is a unified diff, as `diff -u` writes it', () => {
    const old = ['spring:', '  datasource:', '    url: jdbc:postgresql://db:5432/orders', '    username: orders', 'a: 1', 'b: 2', 'c: 3', 'd: 4', 'e: 5', 'f: 6', 'g: 7', ''].join('\n');
    const now = old.replace('username: orders', 'username: orders-app').replace('g: 7', 'g: 7\nh: 8');
    const text = formatDiff({ added: [], removed: [], changed: [{ id: { folder: 'dev', group: '', kind: 'ConfigMap', namespace: 'n', name: 'orders-config' }, file: 'dev/orders.yaml', changes: diffValues({ data: { 'application.yaml': old } }, { data: { 'application.yaml': now } }) }] });
    expect(text).toContain([
      '  - `data["application.yaml"]`:', '', '    ```diff', '    --- before', '    +++ after',
      '    @@ -1,7 +1,7 @@', '     spring:', '       datasource:', '         url: jdbc:postgresql://db:5432/orders', '    -    username: orders', '    +    username: orders-app', '     a: 1', '     b: 2', '     c: 3',
      '    @@ -9,3 +9,4 @@', '     e: 5', '     f: 6', '     g: 7', '    +h: 8', '    ```', '',
    ].join('\n'));
    // The same as diff -u of the two files.
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'before'), old);
    fs.writeFileSync(path.join(dir, 'after'), now);
    const real = spawnSync('diff', ['-u', '--label', 'before', '--label', 'after', 'before', 'after'], { cwd: dir, encoding: 'utf8' });
    expect(unifiedDiff(old, now).join('\n')).toBe(real.stdout.trimEnd());
    // A fence longer than any run of backticks in the text; an added script is all `+`.
    expect(formatDiff({ added: [], removed: [], changed: [{ id: { folder: 'd', group: '', kind: 'ConfigMap', namespace: 'n', name: 'c' }, file: 'd/c.yaml', changes: [{ path: 'data.s', before: undefined, after: 'a\n```\nb\n' }] }] }))
      .toContain('  - `data.s` (added):\n\n    ````diff\n    --- before\n    +++ after\n    @@ -0,0 +1,3 @@\n    +a\n    +```\n    +b\n    ````\n');
  });
});

describe('npm run diff (bin/diff.js)', () => {
  const run = (base: string) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'diff.js'), '--base', base], { cwd: ROOT, encoding: 'utf8' });

  test('exit 0 against a fresh synth of the same sources, 1 with a change listed', () => {
    const fresh = tempDir();
    const synth = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js')], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: fresh }, encoding: 'utf8' });
    expect(synth.status).toBe(0);

    const same = run(fresh);
    expect(same.stderr).toBe('');
    expect(same.status).toBe(0);
    expect(same.stdout).toContain('No changes to the synthesized objects.');

    // The committed side has an older image: the fresh synth changes it.
    const tree = readTree(fresh);
    // An app's workload (the pipeline's digest-pinned step images are longer than a diff line shows).
    const [file, text] = [...tree].find(([f, t]) => f.endsWith('.yaml') && !f.startsWith('ci/') && /image: \S+:\S+/.test(t))!;
    const image = /image: (\S+)/.exec(text)![1];
    fs.writeFileSync(path.join(fresh, file), text.replace(`image: ${image}`, 'image: ghcr.io/acme-shop/old:0.0.1'));
    const changed = run(fresh);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain('### Changed');
    expect(changed.stdout).toContain(`\`"ghcr.io/acme-shop/old:0.0.1"\` -> \`${JSON.stringify(image)}\``);
  }, 60_000);

  test('README documents the exit codes --help gives', () => {
    const help = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'diff.js'), '--help'], { cwd: ROOT, encoding: 'utf8' }).stdout;
    expect(help).toContain('Exit code: 0 nothing changed, 1 something changed, 2 the synth or the comparison failed.');
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' '))
      .toContain('exit code 0 when nothing changed, 1 when something changed, 2 when the synth or the comparison failed');
  });

  test('exit 2 when the synth fails', () => {
    const dir = tempDir();
    const entry = path.join(dir, 'broken.ts');
    fs.writeFileSync(entry, "throw new Error('JavaApp \"x\": broken on purpose');\n");
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'diff.js'), '--entry', entry], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('broken on purpose');
    expect(r.stderr).toContain('diff: the synth failed');
    expect(r.stdout).toBe('');
  }, 30_000);
});
