#!/usr/bin/env node
// Drift gate for CI: synthesizes into a temporary folder and fails when dist/ as committed at HEAD
// differs from it, file by file and byte for byte.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { register } = require('./ts-register');

const HELP = `Usage: npm run check [-- [options]]

CI drift gate: synthesizes main.ts into a temporary folder and fails (exit 1) when dist/ as
committed at HEAD differs from it. Commit dist/ together with the change that produced it.

Options:
  --base REF|DIR  compare with dist/ at this Git ref, or with a folder (default: HEAD)
  --repo DIR      the Git repository that holds dist/ (default: this project)
  -h, --help      this text
`;

const args = process.argv.slice(2);
if (args.includes('-h') || args.includes('--help')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const option = (name) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
const unknown = args.filter((a, i) => a.startsWith('-') && !['--base', '--repo'].includes(a) && !['--base', '--repo'].includes(args[i - 1]));
if (unknown.length) {
  console.error(`check: unknown option ${unknown[0]} (see --help)`);
  process.exit(2);
}

register();
const { readFiles } = require('../lib/synth/synth-report.ts');
const { loadBase } = require('./git-base');

const root = path.join(__dirname, '..');
const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-check-'));

try {
  const base = loadBase(root, option('--base'), option('--repo') && path.resolve(option('--repo')));
  execFileSync(process.execPath, [path.join(__dirname, 'synth.js'), '--quiet', '--outdir', fresh], {
    cwd: root, stdio: ['ignore', 'inherit', 'inherit'],
  });
  const expected = readFiles(fresh);
  const actual = base.files;
  const drift = [
    ...[...expected.keys()].filter((f) => !actual.has(f)).map((f) => `missing from ${base.label}: ${f}`),
    ...[...actual.keys()].filter((f) => !expected.has(f)).map((f) => `in ${base.label} but no longer synthesized: ${f}`),
    ...[...expected.keys()].filter((f) => actual.has(f) && actual.get(f) !== expected.get(f)).map((f) => `differs: ${f}`),
  ].sort();
  if (drift.length) {
    console.error(`${base.label} is out of date (run npm run synth and commit dist/):\n${drift.map((d) => `  - ${d}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log(`${base.label} is up to date (${expected.size} files)`);
  }
} catch (err) {
  // The synth printed its own message; anything else (git, a missing ref) is said here.
  if (!(err && err.status !== undefined && err.pid)) console.error(`check: ${err && err.message ? err.message : err}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(fresh, { recursive: true, force: true });
}
