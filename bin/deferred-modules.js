'use strict';
// Dependencies of dependencies that a synth never uses, loaded when first used instead of when
// their importer loads. cdk8s's index loads its own copy of the YAML library (72 files, a fifth
// of what loading the platform costs) for its Yaml helpers: Include, Helm and the App's own writer,
// none of which the platform calls (it writes its YAML itself). A program that does call them gets
// the library then, through a stand-in with the library's export names, each of which loads it.
//
// The names come from the library itself, recorded the first time it loads, beside the caches and
// named by the hash of its file (source-hashes.js): another version records its own.
const fs = require('fs');
const { writeAtomically } = require('./cache-file');
const Module = require('module');
const path = require('path');
const { sourceHash } = require('./source-hashes');

/** [importer's path suffix, request]: which require of which file is deferred. */
const DEFERRED = [[path.join('node_modules', 'cdk8s', 'lib', 'yaml.js'), 'yaml']];
const namesDir = path.join(__dirname, '..', 'node_modules', '.cache', 'deferred');

/** What `mod`'s `require(id)` returns: a stand-in for a deferred module whose names are known, else the module. */
function requireFrom(mod, id) {
  if (!DEFERRED.some(([importer, request]) => request === id && mod.filename && mod.filename.endsWith(importer))) return mod.require(id);
  const filename = Module._resolveFilename(id, mod);
  if (Module._cache[filename]) return Module._cache[filename].exports;
  const file = path.join(namesDir, `${sourceHash(filename, () => fs.readFileSync(filename))}.json`);
  let names;
  try {
    names = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // First load of this version: the module itself, and its names for next time.
    const exports = mod.require(id);
    try {
      writeAtomically(file, JSON.stringify(Object.getOwnPropertyNames(exports)));
    } catch { /* a read-only tree loads it every time */ }
    return exports;
  }
  const standIn = {};
  for (const name of names) Object.defineProperty(standIn, name, { enumerable: true, get: () => mod.require(id)[name] });
  return standIn;
}

module.exports = { requireFrom, DEFERRED };
