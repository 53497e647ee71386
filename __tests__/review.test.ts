import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { diffOutputs, formatDiff, idKey, parseOutput, releaseChanges } from '../lib/tools/diff';
import { readFiles } from '../lib/synth/synth-report';
import { tempDir } from './support/platform';

/** Release review on the real sample (main.ts and releases/), and `npm run diff` / `npm run check` against Git. */
const ROOT = path.join(__dirname, '..');
const node = (script: string, args: string[], cwd = ROOT) => spawnSync(process.execPath, [path.join(ROOT, 'bin', script), ...args], { cwd, encoding: 'utf8' });

/** Synthesizes main.ts with releases/ edited by `edit`, in a scratch folder; returns the output files. */
function synthSample(edit: (releases: Record<string, Record<string, string>>) => void = () => {}): Map<string, string> {
  const work = tempDir();
  const releases: Record<string, Record<string, string>> = {};
  for (const f of fs.readdirSync(path.join(ROOT, 'releases'))) releases[f.replace(/\.json$/, '')] = JSON.parse(fs.readFileSync(path.join(ROOT, 'releases', f), 'utf8'));
  edit(releases);
  fs.mkdirSync(path.join(work, 'releases'));
  for (const [env, images] of Object.entries(releases)) fs.writeFileSync(path.join(work, 'releases', `${env}.json`), JSON.stringify(images, null, 2));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), path.join(ROOT, 'main.ts'), '--quiet', '--outdir', path.join(work, 'out')], { cwd: work, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return readFiles(path.join(work, 'out'));
}

describe('a release changes only the workload that carries the image', () => {
  const base = synthSample();

  test.each([['dev', 'orders'], ['prod', 'catalog']])('%s %s: a new image changes exactly the objects that carry it, in one sync wave', (env, app) => {
    let old = '';
    const bumped = synthSample((r) => {
      old = r[env][app];
      r[env][app] = old.replace(/:[^:@]+$/, ':99.0.0');
    });
    const result = diffOutputs(parseOutput(base), parseOutput(bumped));
    expect(result.added).toEqual([]);
    expect(result.removed).toEqual([]);
    // The general rule: an object changes if and only if it carries the image.
    const carriers = [...parseOutput(base).values()].filter((o) => JSON.stringify(o.doc).includes(JSON.stringify(old)));
    expect(result.changed.map((c) => `${c.file} ${c.id.kind}/${c.id.name}`).sort()).toEqual(carriers.map((o) => `${o.file} ${o.id.kind}/${o.id.name}`).sort());
    expect(carriers.map((o) => o.id.kind)).toEqual(['Deployment']);
    // No later sync wave (HPA, PDB, Ingress) changes behind a paused Rollout.
    const after = parseOutput(bumped);
    const waves = new Set(result.changed.map((c) => after.get(idKey(c.id))!.doc.metadata.annotations['argocd.argoproj.io/sync-wave']));
    expect([...waves]).toEqual(['2']);
    // The review starts with the image, and lists nothing else.
    expect(releaseChanges(result)).toEqual([expect.objectContaining({ what: 'containers[app]', before: old, after: old.replace(/:[^:@]+$/, ':99.0.0') })]);
    const text = formatDiff(result);
    expect(text.indexOf('### Images and versions')).toBeLessThan(text.indexOf('### Changed'));
    expect(text).toContain(`| ${env} | Deployment.apps ${app} | containers[app] | \`${old}\` | \`${old.replace(/:[^:@]+$/, ':99.0.0')}\` |`);
    expect(result.changed[0].changes.map((f) => f.path)).toEqual([
      'metadata.labels["app.kubernetes.io/version"]', 'spec.template.metadata.labels["app.kubernetes.io/version"]', 'spec.template.spec.containers[app].image',
    ]);
  });
});

describe('npm run diff and npm run check compare with dist/ as committed (a scratch Git repository)', () => {
  const repo = tempDir();
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/fatal/);
    return r.stdout;
  };
  let image = '';

  beforeAll(() => {
    const fresh = synthSample();
    git('init', '-q', '-b', 'main');
    for (const [file, text] of fresh) {
      fs.mkdirSync(path.dirname(path.join(repo, 'dist', file)), { recursive: true });
      fs.writeFileSync(path.join(repo, 'dist', file), text);
    }
    git('add', '-A');
    git('commit', '-q', '-m', 'fresh');
    // The next commit has an older image for orders in dev and lacks an env var of catalog.
    const orders = path.join(repo, 'dist', 'dev', 'orders.yaml');
    image = /image: (\S+orders\S*)/.exec(fs.readFileSync(orders, 'utf8'))![1];
    fs.writeFileSync(orders, fs.readFileSync(orders, 'utf8').replace(`image: ${image}`, 'image: ghcr.io/acme-shop/orders:0.0.1'));
    const catalog = path.join(repo, 'dist', 'dev', 'catalog.yaml');
    fs.writeFileSync(catalog, fs.readFileSync(catalog, 'utf8').replace(/^( +)- name: CATALOG_CACHE_TTL\n\1  value: \S+\n/m, ''));
    git('commit', '-q', '-am', 'older');
    // Uncommitted edits of the working tree do not count.
    fs.writeFileSync(orders, 'garbage: [');
  });

  test('diff: HEAD by default; the image first; an inserted list item is one added item', () => {
    const r = node('diff.js', ['--repo', repo]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^## Changes to dist\/ at HEAD\n/);
    const images = r.stdout.indexOf('### Images and versions');
    expect(images).toBeGreaterThan(0);
    expect(images).toBeLessThan(r.stdout.indexOf('### Changed'));
    expect(r.stdout).toContain(`| dev | Deployment.apps orders | containers[app] | \`ghcr.io/acme-shop/orders:0.0.1\` | \`${image}\` |`);
    const catalog = r.stdout.slice(r.stdout.indexOf('`dev: Deployment.apps shop-dev/catalog`'));
    const lines = catalog.split('\n').slice(1);
    expect(lines.slice(0, lines.findIndex((l) => !l.startsWith('  - ')))).toEqual([
      '  - `spec.template.spec.containers[app].env[CATALOG_CACHE_TTL].value`: `(none)` -> `"1m"`',
    ]);
  });

  test('diff --base REF: another commit; check --base REF passes there', () => {
    const r = node('diff.js', ['--repo', repo, '--base', 'HEAD~1']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('## Changes to dist/ at HEAD~1\n\nNo changes to the synthesized objects.\n');
    expect(node('check.js', ['--repo', repo, '--base', 'HEAD~1']).status).toBe(0);
  });

  test('check fails on drift between main.ts and the committed dist/, naming the files', () => {
    const r = node('check.js', ['--repo', repo]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('dist/ at HEAD is out of date (run npm run synth and commit dist/):\n  - differs: dev/catalog.yaml\n  - differs: dev/orders.yaml\n');
  });

  test('an unknown ref is one clear message', () => {
    const r = node('diff.js', ['--repo', repo, '--base', 'no-such-ref']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^diff: cannot read dist\/ at no-such-ref: /);
  });

  test('--help on diff and check, without running', () => {
    for (const script of ['diff.js', 'check.js']) {
      const r = node(script, ['--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Usage: npm run (diff|check)/);
      expect(r.stdout).toContain('--base REF|DIR');
    }
  });
});
