#!/usr/bin/env node
// Review aid for pull requests: synthesizes main.ts into a temporary folder and lists, object by
// object, what differs from the committed dist/ (added, removed, changed fields), as markdown.
// Exit code: 0 nothing changed, 1 something changed, 2 the synth failed.
//
//   npm run diff                 compare a fresh synth with dist/
//   node bin/diff.js --base DIR  compare with another folder (e.g. dist/ of the target branch)
//   node bin/diff.js --entry F   synthesize another entry point than main.ts
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { register } = require('./ts-register');

register();
const { diffOutputs, formatDiff, isEmptyDiff, parseOutput, readTree } = require('../lib/diff.ts');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const baseIndex = args.indexOf('--base');
const base = baseIndex >= 0 && args[baseIndex + 1] ? path.resolve(args[baseIndex + 1]) : path.join(root, 'dist');
const entryIndex = args.indexOf('--entry');
const entry = entryIndex >= 0 && args[entryIndex + 1] ? [path.resolve(args[entryIndex + 1])] : [];
const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-diff-'));

function main() {
  try {
    execFileSync(process.execPath, [path.join(__dirname, 'synth.js'), ...entry, '--quiet'], {
      cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CDK8S_OUTDIR: fresh },
    });
  } catch {
    console.error('diff: the synth failed (see above); nothing to compare');
    return 2;
  }
  let result;
  try {
    result = diffOutputs(parseOutput(readTree(base)), parseOutput(readTree(fresh)));
  } catch (err) {
    console.error(`diff: ${err && err.message ? err.message : err}`);
    return 2;
  }
  const label = path.relative(root, base);
  process.stdout.write(`## Changes to ${label && !label.startsWith('..') ? label : base}/\n\n${formatDiff(result)}`);
  return isEmptyDiff(result) ? 0 : 1;
}

try {
  process.exitCode = main();
} finally {
  fs.rmSync(fresh, { recursive: true, force: true });
}
