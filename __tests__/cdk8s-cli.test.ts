import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { snapshotTree, tempDir } from './support/platform';

/** The cdk8s CLI path (`cdk8s synth`, cdk8s.yaml): a failure leaves dist/ as it was, and no upgrade-check noise. */
const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
// As CI and the README set it: the CLI's own upgrade check stays quiet.
const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
const cdk8s = (...args: string[]) => spawnSync(CLI, ['synth', ...args], { cwd: ROOT, env, encoding: 'utf8' });

const work = tempDir();
const target = path.join(work, 'dist');
const good = path.join(work, 'good.ts');
const broken = path.join(work, 'broken.ts');
const lib = JSON.stringify(path.join(ROOT, 'lib'));
fs.writeFileSync(good, [`import { Environment, JavaApp, PlatformApp } from ${lib};`, 'const app = new PlatformApp();',
  "new JavaApp(new Environment(app, 'dev'), 'orders', { image: 'ghcr.io/acme/orders:1.0.0' });", 'app.synth();'].join('\n'));
const brokenLines = [`import { Environment, JavaApp, PlatformApp } from ${lib};`, 'const app = new PlatformApp();',
  "new JavaApp(new Environment(app, 'dev'), 'orders', { image: 'ghcr.io/acme/orders:1.0.0', replica: 3 });", 'app.synth();'];
fs.writeFileSync(broken, brokenLines.join('\n'));

describe('cdk8s synth', () => {
  test('cdk8s.yaml gives the CLI a scratch folder; the app itself writes the output', () => {
    const config = fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8');
    expect(config).toMatch(/^app: node bin\/synth\.js --cli$/m);
    expect(config).toMatch(/^output: \.cdk8s\.out$/m);
    const r = cdk8s('--app', `node bin/synth.js --cli --outdir ${target} ${good}`);
    expect(r.status).toBe(0);
    expect(Object.keys(snapshotTree(target))).toContain('dev/orders.yaml');
    // The CLI lists (and would validate) the copy in its scratch folder.
    expect(r.stdout).toContain(`  - .cdk8s.out${path.sep}dev${path.sep}orders.yaml`);
    expect(r.stdout + r.stderr).not.toMatch(/new version/i);
  });

  test('a failed cdk8s synth leaves the output as it was, with one message at the user\'s line', () => {
    const before = snapshotTree(target);
    expect(Object.keys(before).length).toBeGreaterThan(0);
    const r = cdk8s('--app', `node bin/synth.js --cli --outdir ${target} ${broken}`);
    expect(r.status).not.toBe(0);
    expect(snapshotTree(target)).toEqual(before);
    const line = brokenLines.findIndex((l) => l.includes('replica: 3')) + 1;
    const column = brokenLines[line - 1].indexOf('replica: 3') + 1;
    expect(r.stderr).toContain(`synth failed, ${path.relative(ROOT, target).startsWith('..') ? target : path.relative(ROOT, target)}/ left unchanged: ${path.relative(ROOT, broken).startsWith('..') ? broken : path.relative(ROOT, broken)}:${line}:${column}: JavaApp "orders": unknown prop \`replica\`: did you mean \`replicas\`?`);
    expect(r.stdout + r.stderr).not.toMatch(/new version/i);
  });

  test('an output given to the CLI itself (-o DIR) is emptied by the CLI: the message says so and how to restore it', () => {
    const out = path.join(work, 'cli-out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'kept.yaml'), 'kind: ConfigMap\n');
    const r = cdk8s('--app', `node bin/synth.js --cli ${broken}`, '-o', out);
    expect(r.status).not.toBe(0);
    expect(fs.existsSync(path.join(out, 'kept.yaml'))).toBe(false);
    expect(r.stderr).toMatch(/synth failed; the cdk8s CLI removed \S+cli-out\/ before it ran the app: restore it with `git checkout -- \S+cli-out`/);
  });
});
