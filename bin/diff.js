#!/usr/bin/env node
// Review aid for pull requests: synthesizes main.ts into a temporary folder and lists, as Markdown
// fit for a pull-request comment, what differs from dist/ as committed at HEAD: new images and
// versions first, then added, removed and changed objects, field by field.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { register } = require('./ts-register');

const HELP = `Usage: npm run diff [-- [options]]

Synthesizes main.ts into a temporary folder and prints, as Markdown (for a pull-request comment),
what it changes against dist/ as committed at HEAD: image and version changes first, then added,
removed and changed objects, field by field (list items matched by name, port, path, host...).

Options:
  --base REF|DIR  compare with dist/ at this Git ref (e.g. origin/main), or with a folder
                  (default: HEAD)
  --repo DIR      the Git repository that holds dist/ (default: this project)
  --entry FILE    synthesize another entry point than main.ts
  -h, --help      this text

Exit code: 0 nothing changed, 1 something changed, 2 the synth or the comparison failed.
`;

function option(args, name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const args = process.argv.slice(2);
if (args.includes('-h') || args.includes('--help')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const unknown = args.filter((a, i) => a.startsWith('-') && !['--base', '--repo', '--entry'].includes(a) && !['--base', '--repo', '--entry'].includes(args[i - 1]));
if (unknown.length) {
  console.error(`diff: unknown option ${unknown[0]} (see --help)`);
  process.exit(2);
}

register();
const { diffOutputs, formatDiff, isEmptyDiff, parseOutput } = require('../lib/tools/diff.ts');
const { readFiles } = require('../lib/synth/synth-report.ts');
const { loadBase } = require('./git-base');

const root = path.join(__dirname, '..');
const entry = option(args, '--entry') ? [path.resolve(option(args, '--entry'))] : [];
const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-diff-'));

function main() {
  let base;
  try {
    base = loadBase(root, option(args, '--base'), option(args, '--repo') && path.resolve(option(args, '--repo')));
  } catch (err) {
    console.error(`diff: ${err.message} (use --base REF or --base DIR)`);
    return 2;
  }
  try {
    execFileSync(process.execPath, [path.join(__dirname, 'synth.js'), ...entry, '--quiet', '--outdir', fresh], {
      cwd: root, stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch {
    console.error('diff: the synth failed (see above); nothing to compare');
    return 2;
  }
  let result;
  try {
    result = diffOutputs(parseOutput(base.files), parseOutput(readFiles(fresh)));
  } catch (err) {
    console.error(`diff: ${err && err.message ? err.message : err}`);
    return 2;
  }
  process.stdout.write(`## Changes to ${base.label}\n\n${formatDiff(result)}`);
  return isEmptyDiff(result) ? 0 : 1;
}

try {
  process.exitCode = main();
} finally {
  fs.rmSync(fresh, { recursive: true, force: true });
}
