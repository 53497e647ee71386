#!/usr/bin/env node
// Drift gate for CI: synthesizes into a temporary folder and fails when the committed dist/ differs.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-check-'));

function list(dir, prefix = '') {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? list(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]).sort();
}

try {
  execFileSync(process.execPath, [path.join(__dirname, 'synth.js'), '--quiet'], {
    cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CDK8S_OUTDIR: fresh },
  });
  const expected = new Set(list(fresh));
  const actual = new Set(list(dist));
  const drift = [
    ...[...expected].filter((f) => !actual.has(f)).map((f) => `missing from dist/: ${f}`),
    ...[...actual].filter((f) => !expected.has(f)).map((f) => `in dist/ but no longer synthesized: ${f}`),
    ...[...expected].filter((f) => actual.has(f) && !fs.readFileSync(path.join(fresh, f)).equals(fs.readFileSync(path.join(dist, f)))).map((f) => `differs: ${f}`),
  ];
  if (drift.length) {
    console.error(`dist/ is out of date (run npm run synth and commit):\n${drift.map((d) => `  - ${d}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log(`dist/ is up to date (${expected.size} files)`);
  }
} catch {
  process.exitCode = 1;
} finally {
  fs.rmSync(fresh, { recursive: true, force: true });
}
