import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { installCommand, missingTool } from './test-tools';

/**
 * The programs that read dist/ in the cluster's path, run for real: sigs.k8s.io/yaml (go-yaml v2,
 * YAML 1.1), as kubectl and Argo CD read manifests, and `kubectl kustomize`, as Argo CD renders a
 * folder with a kustomization.
 */
const ROOT = path.join(__dirname, '..', '..');
const READER = path.join(ROOT, '.tmp', 'bin', 'yaml-reader');

let built: string | undefined;

/** Builds tools/yaml-reader offline against Debian's Go sources; throws a clear message when it cannot. */
export function buildGoReader(): string {
  if (built) return built;
  const env = {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: '/usr/share/gocode',
    GOFLAGS: '',
    GOCACHE: process.env.GOCACHE ?? path.join(ROOT, '.tmp', 'go-cache'),
  };
  const go = spawnSync('go', ['build', '-o', READER, './tools/yaml-reader'], { cwd: ROOT, env, encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error(`cannot build the Go YAML reader (tools/yaml-reader) with \`GO111MODULE=off GOPATH=/usr/share/gocode go build\`: `
      + `it needs Debian's golang-go and golang-k8s-sigs-yaml-dev: ${installCommand('go', '/usr/share/gocode/src/sigs.k8s.io/yaml')} `
      + `(npm test installs them itself when run as root).\n${go.error?.message ?? go.stderr}`);
  }
  built = READER;
  return READER;
}

/** The documents of a multi-document YAML stream as sigs.k8s.io/yaml reads them (JSON values). */
export function readWithGo(text: string): unknown[] {
  const r = spawnSync(buildGoReader(), { input: text, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`sigs.k8s.io/yaml refused the YAML: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const KUBECTL = process.env.KUBECTL ?? 'kubectl';

/** Whether `kubectl kustomize` can run here; in CI its absence is an error, not a skip. */
export function hasKustomize(): boolean {
  const ok = spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8' }).status === 0;
  if (!ok && process.env.CI) throw new Error(`${missingTool(KUBECTL, 'kubectl')}: the renders through \`kubectl kustomize\` cannot run`);
  if (!ok) console.warn(`${missingTool(KUBECTL, 'kubectl')}: skipped the renders through \`kubectl kustomize\``);
  return ok;
}

/** `kubectl kustomize <folder>`: the rendered stream, as Argo CD receives it. */
export function kustomize(folder: string): string {
  const r = spawnSync(KUBECTL, ['kustomize', folder], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 || r.stderr) throw new Error(`kubectl kustomize ${folder} failed: ${r.stderr.length > 2000 ? `${r.stderr.slice(0, 1000)} ... ${r.stderr.slice(-1000)}` : r.stderr}`);
  return r.stdout;
}

/** The object as JSON carries it (undefined fields dropped), which is what a reader can give back. */
export function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

export type Doc = Record<string, any>;

/** Objects by apiVersion, kind, namespace and name. */
export function byObject(docs: unknown[]): Map<string, Doc> {
  const out = new Map<string, Doc>();
  for (const d of docs as Doc[]) {
    const key = `${d.apiVersion} ${d.kind} ${d.metadata?.namespace ?? ''}/${d.metadata?.name}`;
    if (out.has(key)) throw new Error(`${key} appears twice`);
    out.set(key, d);
  }
  return out;
}

/** Every folder of an output tree (relative file -> text) with its YAML files. */
export function foldersOf(files: Map<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of files.keys()) {
    const [folder] = file.split('/');
    out.set(folder, [...(out.get(folder) ?? []), file]);
  }
  return out;
}

/** The files of each folder of an output tree (the top-level inventory page is not in a folder). */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const folder of fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const file of fs.readdirSync(path.join(dir, folder)).sort()) out.set(`${folder}/${file}`, fs.readFileSync(path.join(dir, folder, file), 'utf8'));
  }
  return out;
}
