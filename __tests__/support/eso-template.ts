import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * ExternalSecret templates rendered by Go's text/template as ESO's engine v2 executes them
 * (tools/eso-template: missingkey=error, the fetched values as strings), built offline with
 * Debian's golang-go (.ci/run installs it).
 */
const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, '.tmp', 'bin', 'eso-template');
let built = false;

function build(): string {
  if (built) return BIN;
  const env = { ...process.env, GO111MODULE: 'off', GOFLAGS: '', GOCACHE: process.env.GOCACHE ?? path.join(ROOT, '.tmp', 'go-cache') };
  const go = spawnSync('go', ['build', '-o', BIN, './tools/eso-template'], { cwd: ROOT, env, encoding: 'utf8' });
  if (go.error || go.status !== 0) throw new Error(`cannot build tools/eso-template with \`GO111MODULE=off go build\` (Debian package golang-go): ${go.error?.message ?? go.stderr}`);
  built = true;
  return BIN;
}

/** Each template rendered over `data`, or the engine's error (`{ error }`). */
export function renderTemplates(templates: Record<string, string>, data: Record<string, string>): Record<string, string> | { error: string } {
  const r = spawnSync(build(), { input: JSON.stringify({ templates, data }), encoding: 'utf8' });
  if (r.status !== 0) return { error: r.stderr.trim() };
  return JSON.parse(r.stdout);
}
