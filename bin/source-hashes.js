'use strict';
// The content hash of each source file a run loads, without reading and hashing every file every
// run: a file whose size, inode, modification and change times are those recorded with its hash
// last time still has that content. Any write to a file moves its change time (ctime), which no
// tool can set back (`touch -d` and utimes move it too), so an edit is always seen.
//
// The one gap is the clock's: a file written twice within one tick of a coarse filesystem clock
// could keep its ctime. So a hash is recorded only for files unchanged for two seconds when they
// were read (git's "racily clean" rule); younger files are hashed on every run until then.
const crypto = require('crypto');
const fs = require('fs');
const { writeAtomically } = require('./cache-file');
const path = require('path');

const file = path.join(__dirname, '..', 'node_modules', '.cache', 'source-hashes.json');
/** Files younger than this when hashed are hashed again next run. */
const SETTLED_MS = 2000;

/** path -> [size, inode, mtime ns, ctime ns, hash] */
let known;
let dirty = false;
/** The files this run asked about. */
const seen = new Set();

function load() {
  if (!known) {
    try {
      known = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      known = {};
    }
    process.on('exit', save);
  }
  return known;
}

function stamp(stat) {
  return [String(stat.size), String(stat.ino), String(stat.mtimeNs), String(stat.ctimeNs)];
}

/** The SHA-1 of a file's path and content (`content`: its text or bytes, read when not given). */
function hashOf(filename, content) {
  return crypto.createHash('sha1').update(filename).update('\0').update(content).digest('hex');
}

/**
 * The hash of `filename`'s path and content: the recorded one when the file is untouched since,
 * else computed from `read()` (its text or bytes; called only then) and recorded.
 */
function sourceHash(filename, read) {
  const entries = load();
  seen.add(filename);
  let stat;
  try {
    stat = fs.statSync(filename, { bigint: true });
  } catch {
    return hashOf(filename, read());
  }
  const now = stamp(stat);
  const entry = entries[filename];
  if (entry && entry.length === 5 && now.every((v, i) => v === entry[i])) return entry[4];
  const hash = hashOf(filename, read());
  if (Date.now() - Number(stat.ctimeMs) > SETTLED_MS) {
    entries[filename] = [...now, hash];
    dirty = true;
  } else if (entry) {
    delete entries[filename];
    dirty = true;
  }
  return hash;
}

function save() {
  if (!dirty) return;
  dirty = false;
  try {
    // Entries other runs recorded meanwhile are kept; ours win where both have one.
    let onDisk = {};
    try {
      onDisk = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch { /* none yet */ }
    const table = { ...onDisk, ...known };
    // Files that no longer exist (temporary entries of test runs, deleted sources) leave the table,
    // which every run reads: it holds the files there are. Those this run hashed exist.
    for (const name of Object.keys(table)) if (!seen.has(name) && !fs.existsSync(name)) delete table[name];
    writeAtomically(file, JSON.stringify(table));
  } catch { /* a read-only tree hashes every run */ }
}

module.exports = { sourceHash, SETTLED_MS };
