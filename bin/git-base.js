'use strict';
// The files of a folder as committed at a Git ref (default HEAD), read with two git processes
// (ls-tree, then cat-file --batch for every blob), for `npm run diff` and `npm run check`.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

/** relative path -> content of `folder` at `ref` in the repository at `repo`; throws with git's message. */
function readCommittedTree(repo, ref, folder) {
  const git = (args, input) => execFileSync('git', ['-C', repo, ...args], { input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  let listing;
  try {
    // The folder as seen from the repository root: the project may sit in a subfolder of it.
    const prefix = git(['rev-parse', '--show-prefix']).toString().trim();
    listing = { prefix, out: git(['ls-tree', '-r', '-z', ref, '--', `${prefix}${folder}/`]) };
  } catch (err) {
    const why = err.stderr ? err.stderr.toString().trim().split('\n').pop() : err.message;
    throw new Error(`cannot read ${folder}/ at ${ref}: ${why}`);
  }
  const entries = listing.out.toString('utf8').split('\0').filter(Boolean).map((line) => {
    const [meta, file] = line.split('\t');
    const [, type, sha] = meta.split(' ');
    return { type, sha, file: file.slice(`${listing.prefix}${folder}/`.length) };
  }).filter((e) => e.type === 'blob');
  const files = new Map();
  if (entries.length === 0) return files;
  const out = git(['cat-file', '--batch'], entries.map((e) => e.sha).join('\n') + '\n');
  let at = 0;
  for (const e of entries) {
    const eol = out.indexOf(10, at);
    const size = Number(out.toString('utf8', at, eol).split(' ')[2]);
    files.set(e.file, out.toString('utf8', eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * What to compare a fresh synth with: `--base` names a folder (when one exists at that path) or a
 * Git ref; without it, `dist/` as committed at HEAD. Returns { label, files }.
 */
function loadBase(root, base, repo) {
  if (base && fs.existsSync(base) && fs.statSync(base).isDirectory()) {
    const { readFiles } = require('../lib/synth/synth-report.ts');
    return { label: path.relative(root, path.resolve(base)) || base, files: readFiles(path.resolve(base)) };
  }
  const ref = base || 'HEAD';
  if (!base && !isGitCheckout(repo || root)) {
    // A copy without Git (an unpacked archive): the folder itself is what was delivered.
    const { readFiles } = require('../lib/synth/synth-report.ts');
    return { label: 'dist/', files: readFiles(path.join(root, 'dist')) };
  }
  return { label: `dist/ at ${ref}`, files: readCommittedTree(repo || root, ref, 'dist') };
}

function isGitCheckout(dir) {
  try {
    execFileSync('git', ['-C', dir, 'rev-parse', '--git-dir'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

module.exports = { readCommittedTree, loadBase };
