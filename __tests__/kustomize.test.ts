import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { snapshotTree, tempDir } from './support/platform';
import { hasKustomize } from './support/yaml-readers';

/**
 * Argo CD renders each folder of dist/ with kustomize (every folder has a `Kustomization` file).
 * A fresh synth of the sample (main.ts) is rendered with the real `kubectl kustomize`, folder by
 * folder, and must give exactly the synthesized objects.
 */
const ROOT = path.join(__dirname, '..');

/** The kubectl binary (override with KUBECTL=...); missing, the render is an error in CI and skipped elsewhere. */
const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const hasKubectl = hasKustomize();

type Doc = Record<string, any>;
const key = (d: Doc) => `${d.apiVersion}/${d.kind}/${d.metadata?.namespace ?? ''}/${d.metadata?.name}`;

function byKey(docs: Doc[]): Map<string, Doc> {
  return new Map(docs.map((d) => [key(d), d]));
}

function parseAll(text: string): Doc[] {
  return YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
}

describe('each folder of a fresh synth, rendered by kustomize', () => {
  const outdir = tempDir();
  let synth: ReturnType<typeof spawnSync>;
  let tree: Record<string, string>;
  let folders: string[];
  // In a hook, not while the suite loads: a synth that fails fails the tests.
  beforeAll(() => {
    synth = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js')], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: outdir }, encoding: 'utf8' });
    tree = snapshotTree(outdir);
    folders = [...new Set(Object.keys(tree).filter((f) => f.includes('/')).map((f) => f.split('/')[0]))].sort();
  });

  test('the synth succeeds and writes folders', () => {
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    expect(folders.length).toBeGreaterThanOrEqual(2);
  });

  test('every folder has a Kustomization that lists every file of the folder, and nothing else', () => {
    for (const folder of folders) {
      const kustomization = tree[`${folder}/Kustomization`];
      expect(kustomization).toBeDefined();
      const parsed = YAML.parse(kustomization);
      expect(parsed.kind).toBe('Kustomization');
      // The folder's inventory page (README.md) is for people, not a manifest.
      const files = Object.keys(tree).filter((f) => f.startsWith(`${folder}/`) && f !== `${folder}/Kustomization` && f !== `${folder}/README.md`).map((f) => f.slice(folder.length + 1)).sort();
      expect([...parsed.resources].sort()).toEqual(files);
    }
  });

  (hasKubectl ? test : test.skip)('`kubectl kustomize dist/<folder>` renders exactly the synthesized objects', () => {
    for (const folder of folders) {
      const rendered = spawnSync(KUBECTL, ['kustomize', path.join(outdir, folder)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect(rendered.stderr).toBe('');
      expect(rendered.status).toBe(0);
      const expected = byKey(Object.entries(tree)
        .filter(([f]) => f.startsWith(`${folder}/`) && !f.endsWith('/Kustomization') && !f.endsWith('/README.md'))
        .flatMap(([, text]) => parseAll(text)));
      const actual = byKey(parseAll(rendered.stdout));
      expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [k, doc] of expected) expect({ [k]: actual.get(k) }).toEqual({ [k]: doc });
    }
  }, 60_000);

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
});
