'use strict';
// How every start-up cache under node_modules/.cache is written: whole or not at all (a reader, or
// another synth writing the same entry, never sees half a file).
const fs = require('fs');
const path = require('path');

/** Writes `data` to `file` through a temporary sibling and a rename, making its folder first. */
function writeAtomically(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.${process.pid}`, data);
  fs.renameSync(`${file}.${process.pid}`, file);
}

module.exports = { writeAtomically };
