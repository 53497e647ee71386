import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ArgoCdBootstrap, DeployStrategy, Environment, JavaApp, PlatformApp } from '../lib';
import { snapshotTree, tempDir } from './support/platform';

/**
 * README's "Add an app" lists every file of dist/ a new app changes and why: held to a real synth
 * of the sample with the app of its step 2 added (and, for the AppProject, a platform whose folder
 * gets its first Rollout).
 */
const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The `dist/...` paths of the table in "Add an app", as patterns (`<env>`, `<app>` stand for one path segment). */
function documented(): { file: string; pattern: RegExp }[] {
  const section = README.slice(README.indexOf('## Add an app'), README.indexOf('\n## ', README.indexOf('## Add an app') + 1));
  return section.split('\n').map((l) => /^\| `(dist\/[^`]+)` \|/.exec(l)?.[1]).filter((f): f is string => !!f)
    .map((file) => ({ file, pattern: new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<(env|app)>/g, '[^/]+')}$`) }));
}

/** Files that differ between two output trees (added, changed or removed), as `dist/...` paths. */
function changed(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => before[f] !== after[f]).sort().map((f) => `dist/${f}`);
}

function synthOf(entry: string): Record<string, string> {
  const outdir = tempDir();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), entry, '--quiet', '--outdir', outdir], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return snapshotTree(outdir);
}

describe('README: what a new app changes', () => {
  test('the table names each file of the sample that adding the app of step 2 changes, and nothing it does not', () => {
    fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
    const dir = fs.mkdtempSync(path.join(ROOT, '.tmp', 'add-an-app-'));
    try {
      const main = fs.readFileSync(path.join(ROOT, 'main.ts'), 'utf8').replace(/from '\.\/lib'/, `from ${JSON.stringify(path.join(ROOT, 'lib'))}`);
      // The README's step 2, with the image of step 1 written in (releases/ is not part of dist/).
      const step2 = /```ts fragment\n([\s\S]*?)```/.exec(README.slice(README.indexOf('## Add an app')))![1]
        .replace(/^ {3}/gm, '').replace("releases.image('payments')", "'ghcr.io/acme-shop/payments:0.1.0'");
      expect(step2).toContain("new JavaApp(env, 'payments', {");
      const plus = main.replace('  releases.assertAllUsed();', `${step2}\n  releases.assertAllUsed();`);
      expect(plus).not.toBe(main);
      fs.writeFileSync(path.join(dir, 'main.ts'), main);
      fs.writeFileSync(path.join(dir, 'plus.ts'), plus);
      const files = changed(synthOf(path.join(dir, 'main.ts')), synthOf(path.join(dir, 'plus.ts')));
      const rows = documented();
      expect(files.filter((f) => !rows.some((r) => r.pattern.test(f)))).toEqual([]);
      // Every row but the AppProject's (the sample's folders already hold every kind payments brings) is hit.
      expect(rows.filter((r) => !files.some((f) => r.pattern.test(f))).map((r) => r.file)).toEqual(['dist/argocd/projects.yaml']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('dist/argocd/projects.yaml changes when the app brings a kind its folder did not hold', () => {
    const output = (withCanary: boolean) => {
      const app = new PlatformApp({ outdir: tempDir() });
      const env = new Environment(app, 'dev', { namespace: 'shop-dev' });
      new JavaApp(env, 'orders', { image: 'ghcr.io/acme-shop/orders:1.0.0' });
      if (withCanary) new JavaApp(env, 'payments', { image: 'ghcr.io/acme-shop/payments:0.1.0', strategy: DeployStrategy.canary() });
      new ArgoCdBootstrap(app, 'argocd', { repoUrl: 'https://github.com/acme-shop/platform-gitops.git' });
      return Object.fromEntries(app.outputFiles());
    };
    const files = changed(output(false), output(true));
    expect(files).toContain('dist/argocd/projects.yaml');
    expect(files.filter((f) => !documented().some((r) => r.pattern.test(f)))).toEqual([]);
  });
});
