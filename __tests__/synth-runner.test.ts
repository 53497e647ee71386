import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { snapshotTree } from './support/platform';

/** `npm run synth` as a user meets it: bin/synth.js on an entry file, its summary and its failures. */
const ROOT = path.join(__dirname, '..');
fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
const work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'synth-runner-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let n = 0;
/** Writes an entry file (lines joined) and runs the synth on it into `outdir`. */
function synth(lines: string[], outdir: string, ...args: string[]) {
  const file = path.join(work, `entry-${++n}.ts`);
  fs.writeFileSync(file, lines.join('\n'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), file, '--outdir', outdir, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { ...r, file: path.relative(ROOT, file), lines };
}

const header = [`import { Environment, JavaApp, PlatformApp } from ${JSON.stringify(path.join(ROOT, 'lib'))};`, 'const app = new PlatformApp();'];
const platform = (apps: Record<string, string>, extra: string[] = []) => [
  ...header,
  "const env = new Environment(app, 'dev', { namespace: 'shop-dev' });",
  ...Object.entries(apps).map(([name, image]) => `new JavaApp(env, '${name}', { image: '${image}', replicas: 2 });`),
  ...extra,
  'app.synth();',
];
/** The 1-based line of the first line containing `marker`. */
const lineOf = (lines: string[], marker: string) => lines.findIndex((l) => l.includes(marker)) + 1;
const objectsIn = (dir: string) => Object.entries(snapshotTree(dir)).filter(([f]) => f.endsWith('.yaml'))
  .reduce((count, [, text]) => count + text.split(/^---$/m).length, 0);

describe('the summary', () => {
  const outdir = path.join(work, 'out-summary');

  test('first synth: every file added, apps and objects per folder', () => {
    const r = synth(platform({ orders: 'ghcr.io/acme/orders:1.0.0', catalog: 'ghcr.io/acme/catalog:2.0.0' }), outdir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = Object.keys(snapshotTree(outdir)).filter((f) => f.startsWith('dev/')).sort();
    const objects = objectsIn(path.join(outdir, 'dev'));
    expect(r.stdout).toMatch(new RegExp(`^  dev/\\s+2 apps, ${objects} objects\\s+${files.length} added: ${files.join(', ')}$`, 'm'));
  });

  test('an image bump: one file changed; a removed app: its file removed; nothing: unchanged', () => {
    const bumped = synth(platform({ orders: 'ghcr.io/acme/orders:1.1.0', catalog: 'ghcr.io/acme/catalog:2.0.0' }), outdir);
    // The folder's inventory page names the new image too; the index (no versions) stays.
    expect(bumped.stdout).toMatch(/^  dev\/\s+2 apps, \d+ objects\s+2 changed: dev\/README\.md, dev\/orders\.yaml$/m);
    expect(bumped.stdout).not.toMatch(/^  \.\//m);
    expect(bumped.stdout).toMatch(/, 2 files changed\n/);
    const removed = synth(platform({ orders: 'ghcr.io/acme/orders:1.1.0' }), outdir);
    expect(removed.stdout).toMatch(/^  dev\/\s+1 app, \d+ objects\s+2 changed: dev\/Kustomization, dev\/README\.md; 1 removed: dev\/catalog\.yaml$/m);
    // The index lists the apps: one less.
    expect(removed.stdout).toMatch(/^  \.\/\s+1 changed: README\.md$/m);
    const same = synth(platform({ orders: 'ghcr.io/acme/orders:1.1.0' }), outdir);
    expect(same.stdout).toMatch(/^  dev\/\s+1 app, \d+ objects\s+unchanged$/m);
    expect(same.stdout).toMatch(/no file changed/);
  });

  test('--quiet prints nothing; --help explains the options without synthesizing', () => {
    expect(synth(platform({ orders: 'ghcr.io/acme/orders:1.1.0' }), outdir, '--quiet').stdout).toBe('');
    const help = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run synth/);
    expect(help.stdout).toContain('--outdir DIR');
  });
});

describe('a failure is one message at the user\'s line, and the output stays as it was', () => {
  const outdir = path.join(work, 'out-failures');
  const failed = `synth failed, ${path.relative(ROOT, outdir)}/ left unchanged`;
  let before: Record<string, string>;
  beforeAll(() => {
    synth(platform({ orders: 'ghcr.io/acme/orders:1.0.0' }), outdir);
    before = snapshotTree(outdir);
  });
  afterEach(() => expect(snapshotTree(outdir)).toEqual(before));

  test('a misspelled prop: the prop\'s own line and column, the closest known one, no stack', () => {
    const r = synth(platform({}, ['', '// a comment', "new JavaApp(env, 'orders', {", "  image: 'ghcr.io/acme/orders:1.0.0',", '  replica: 3,', '});']), outdir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${failed}: ${r.file}:${lineOf(r.lines, 'replica: 3')}:3: JavaApp "orders": unknown prop \`replica\`: did you mean \`replicas\`?\n`);
  });

  test('a nested prop of the wrong type: where it is written; a prop built elsewhere: the call', () => {
    const nested = synth(platform({}, ["new JavaApp(env, 'orders', {", "  image: 'ghcr.io/acme/orders:1.0.0',", '  autoscaling: {', "    maxReplicas: '3',", '  },', '});']), outdir);
    expect(nested.stderr).toBe(`${failed}: ${nested.file}:${lineOf(nested.lines, "maxReplicas: '3'")}:5: JavaApp "orders": autoscaling.maxReplicas: expected a number, got the string "3"\n`);
    const spread = synth(platform({}, ["const extra: any = { replica: 3 };", "new JavaApp(env, 'orders', { image: 'ghcr.io/acme/orders:1.0.0', ...extra }); // here"]), outdir);
    expect(spread.stderr).toBe(`${failed}: ${spread.file}:${lineOf(spread.lines, '// here')}:1: JavaApp "orders": unknown prop \`replica\`: did you mean \`replicas\`?\n`);
  });

  test('a value error: the prop\'s own line, nested or not, with the written form of a quantity', () => {
    const value = synth(platform({}, ["new JavaApp(env, 'orders', {", "  image: 'ghcr.io/acme/orders:1.0.0',", "  memoryLimit: '100Mi',", '});']), outdir);
    expect(value.stderr).toBe(`${failed}: ${value.file}:${lineOf(value.lines, "memoryLimit: '100Mi'")}:3: JavaApp "orders": memoryLimit must be at least 256Mi for a JVM, got 100Mi\n`);
    const unit = synth(platform({}, ["new JavaApp(env, 'orders', {", "  image: 'ghcr.io/acme/orders:1.0.0',", '  memoryLimit: 512 as any,', '});']), outdir);
    expect(unit.stderr).toBe(`${failed}: ${unit.file}:${lineOf(unit.lines, 'memoryLimit: 512')}:3: JavaApp "orders": memoryLimit: expected a quantity as a string with its unit, got the number 512: write '512Mi'\n`);
    const nested = synth(platform({}, ["new JavaApp(env, 'orders', {", "  image: 'ghcr.io/acme/orders:1.0.0',", '  autoscaling: {', '    minReplicas: 5,', '    maxReplicas: 3,', '  },', '});']), outdir);
    expect(nested.stderr).toBe(`${failed}: ${nested.file}:${lineOf(nested.lines, 'minReplicas: 5')}:5: JavaApp "orders": autoscaling.minReplicas (5) must not exceed autoscaling.maxReplicas (3)\n`);
    // A message that names no prop stays at the call.
    const call = synth(platform({}, ["new JavaApp(env, 'orders', { // call", "  image: 'ghcr.io/acme/orders:1.0.0',", "  secrets: [SecretRef.files('a', '/tmp')],", '});'].map((l, i) => (i === 0 ? `import { SecretRef } from ${JSON.stringify(path.join(ROOT, 'lib'))};\n${l}` : l))), outdir);
    expect(call.stderr).toMatch(/JavaApp "orders": two volumes are mounted at \/tmp/);
    expect(call.stderr).toContain(`${call.file}:${lineOf(call.lines, '// call') + 1}:1: `);
  });

  test('a duplicate app name: one line at the second declaration, naming both', () => {
    const r = synth(platform({ orders: 'ghcr.io/acme/orders:1.0.0' }, ["new JavaApp(env, 'orders', { image: 'ghcr.io/acme/orders:1.0.0' }); // again"]), outdir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${failed}: ${r.file}:${lineOf(r.lines, '// again')}:1: JavaApp "orders": Environment "dev" already has a JavaApp named "orders": ids must be unique in their scope (an app name once per environment)\n`);
  });

  test('a duplicate app name across charts of one environment: one line', () => {
    const r = synth(platform({ orders: 'ghcr.io/acme/orders:1.0.0' }, [
      "import { Chart } from 'cdk8s';", "new JavaApp(new Chart(env, 'team-b'), 'orders', { image: 'ghcr.io/acme/orders:1.0.0' }); // again"]), outdir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${failed}: ${r.file}:${lineOf(r.lines, '// again')}:1: JavaApp "orders": an app of that name already exists in environment "dev"`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a runtime error deep in the file is reported at its own line and column (source maps)', () => {
    const filler = Array.from({ length: 60 }, (_, i) => `const unused${i}: number = ${i}; void unused${i};`);
    const lines = platform({ orders: 'ghcr.io/acme/orders:1.0.0' }, [...filler, 'const config: any = undefined;', 'console.log(config.replicas);']);
    const r = synth(lines, outdir);
    expect(r.status).toBe(1);
    const line = lineOf(r.lines, 'config.replicas');
    const column = r.lines[line - 1].indexOf('.replicas') + 2;
    expect(r.stderr.split('\n')[0]).toBe(`${failed}: ${r.file}:${line}:${column}: TypeError: Cannot read properties of undefined (reading 'replicas')`);
    expect(r.stderr).toContain(`> ${line} | console.log(config.replicas);`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  test('a syntax error: its position and a code frame with a caret', () => {
    const lines = platform({ orders: 'ghcr.io/acme/orders:1.0.0' }, ["new JavaApp(env, 'x', { image: 'a/b:1' ;"]);
    const r = synth(lines, outdir);
    expect(r.status).toBe(1);
    const line = lineOf(r.lines, "'x'");
    const column = r.lines[line - 1].indexOf(';') + 1;
    const [first, ...frame] = r.stderr.trimEnd().split('\n');
    expect(first).toBe(`${failed}: ${r.file}:${line}:${column}: syntax error: Expected "}" but found ";"`);
    const marked = frame.findIndex((l) => l.startsWith(`> ${line} |`));
    expect(marked).toBeGreaterThanOrEqual(0);
    expect(frame[marked + 1].indexOf('^') - frame[marked].indexOf('|')).toBe(column + 1);
  });

  test('--stack adds the whole stack for errors that are bugs', () => {
    const r = synth(platform({}, ['(undefined as any).x();']), outdir, '--stack');
    expect(r.stderr).toMatch(/^\s+at /m);
  });
});
