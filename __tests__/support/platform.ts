import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Environment, Manifest, PlatformApp, ValidationError } from '../../lib';

/** A PlatformApp with one environment `dev` (namespace `shop-dev`), writing to a temporary folder. */
export function platform(outdir = tempDir()): { app: PlatformApp; env: Environment; outdir: string } {
  const app = new PlatformApp({ outdir });
  const env = new Environment(app, 'dev', { namespace: 'shop-dev', partOf: 'shop' });
  return { app, env, outdir };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'platform-test-'));
}

/** Objects of a kind (and name) among the manifests. */
export function find(manifests: Manifest[], kind: string, name?: string): any[] {
  return manifests.filter((m) => m.doc.kind === kind && (name === undefined || m.doc.metadata.name === name)).map((m) => m.doc);
}

export function one(manifests: Manifest[], kind: string, name?: string): any {
  const found = find(manifests, kind, name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0];
}

/** The problems the gate reports for the app (fails the test when there are none). */
export function problemsOf(app: PlatformApp): string[] {
  try {
    app.manifests();
  } catch (e) {
    if (e instanceof ValidationError) return e.problems.map((p) => `${p.object} ${p.path}: ${p.message}`);
    throw e;
  }
  throw new Error('expected the validation gate to fail, but it passed');
}

/** Every file below `dir` with its content, for before/after comparisons. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = fs.readFileSync(path.join(d, e.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}
