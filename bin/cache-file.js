'use strict';
// How every start-up cache under node_modules/.cache is written: whole or not at all (a reader, or
// another synth writing the same entry, never sees half a file), and how its folders stay bounded.
const fs = require('fs');
const path = require('path');

/**
 * Entries a cache folder keeps. Each source file has one entry (older versions are replaced), but
 * files that come and go (the temporary entry files of test runs) would add entries forever.
 */
const MAX_ENTRIES = 2000;

/** Writes `data` to `file` through a temporary sibling and a rename, making its folder first. */
function writeAtomically(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.${process.pid}`, data);
  fs.renameSync(`${file}.${process.pid}`, file);
}

/**
 * Removes the oldest entries of `dir` (`names`: its listing) once there are more than `limit`, down
 * to three quarters of it: an entry and the files named after it (`x.js`, `x.js.map`) go together.
 * Entries are written once, so the oldest are those of sources not seen since long; one still in
 * use is simply written again by its next run.
 */
function keepNewest(dir, names, limit = MAX_ENTRIES) {
  const groups = new Map();
  for (const name of names) {
    const dot = name.indexOf('.');
    const entry = dot < 0 ? name : name.slice(0, dot);
    if (!groups.has(entry)) groups.set(entry, []);
    groups.get(entry).push(name);
  }
  if (groups.size <= limit) return;
  const age = (files) => Math.max(...files.map((f) => {
    try {
      return fs.statSync(path.join(dir, f)).mtimeMs;
    } catch {
      return 0;
    }
  }));
  const oldestFirst = [...groups.values()].map((files) => [age(files), files]).sort((a, b) => a[0] - b[0]);
  for (const [, files] of oldestFirst.slice(0, groups.size - Math.floor(limit * 3 / 4))) {
    for (const f of files) fs.rmSync(path.join(dir, f), { force: true });
  }
}

module.exports = { writeAtomically, keepNewest, MAX_ENTRIES };
