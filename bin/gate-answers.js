'use strict';
// The gate's earlier answers, for the synth runner (lib/validate/answers.ts GateAnswers): an
// object's own checks (its schema and CRD's CEL rules, API rules, policy) and the WorkflowTemplates'
// lint give the same answer for the same input from the same gate and schemas, so a synth checks
// only what changed. A warm synth of an unchanged platform then loads neither the schemas nor the
// CEL engine. Checks across objects run every time.
//
// Never stale: the answers sit in a file named by a fingerprint of everything an answer depends
// on: the Node version, the engine packages' versions and the content of every file of the gate,
// the rules and helpers it may import, and schemas/ (source-hashes.js, from the files' stat when
// untouched); each answer is keyed by the check, the object's label and the object as V8
// serializes it. Another fingerprint starts from no answers.
const crypto = require('crypto');
const fs = require('fs');
const { keepNewest, writeAtomically } = require('./cache-file');
const path = require('path');
const { sourceHash } = require('./source-hashes');

const ROOT = path.join(__dirname, '..');
/**
 * The code and data an answer depends on: the gate, which may import only the shared rules and
 * the helpers (the layer rule gate-imports-only-rules of .dependency-cruiser.cjs, tested), and
 * the schemas.
 */
const GATE = ['lib/validate', 'lib/rules', 'lib/schemas.ts', 'lib/util.ts', 'schemas'];
/** And the CEL engine's packages. */
const PACKAGES = ['@bufbuild/cel', '@bufbuild/protobuf', '@bufbuild/re2'];

/** Every file under `dir`, sorted. */
function filesUnder(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

/** The fingerprint of the gate's code, the schemas and the engine. */
function fingerprint(root = ROOT) {
  const hash = crypto.createHash('sha1').update(process.version);
  for (const p of PACKAGES) {
    const manifest = path.join(root, 'node_modules', p, 'package.json');
    hash.update(`\0${p}@${fs.existsSync(manifest) ? JSON.parse(fs.readFileSync(manifest, 'utf8')).version : 'none'}`);
  }
  for (const file of GATE.flatMap((p) => (p.endsWith('.ts') ? [path.join(root, p)].filter(fs.existsSync) : filesUnder(path.join(root, p))))) {
    hash.update(`\0${path.relative(root, file)}\0${sourceHash(file, () => fs.readFileSync(file))}`);
  }
  return hash.digest('hex');
}

/**
 * The store for lib/validate/schema.ts provideSchemaAnswers, for the platform of `entry` (its
 * main.ts): one file per entry and fingerprint, written when the run ends if it learned anything,
 * merged with what another run of the same entry wrote meanwhile.
 */
function openGateAnswers(entry, root = ROOT) {
  const dir = path.join(root, 'node_modules', '.cache', 'gate');
  const prefix = `${crypto.createHash('sha1').update(path.resolve(entry)).digest('hex').slice(0, 16)}-`;
  const file = path.join(dir, `${prefix}${fingerprint(root)}.json`);
  const read = () => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return {};
    }
  };
  const known = read();
  let learned = false;
  process.on('exit', () => {
    if (!learned) return;
    try {
      writeAtomically(file, JSON.stringify({ ...read(), ...known }));
      // This entry's answers of another gate are of no more use.
      const others = fs.readdirSync(dir).filter((other) => {
        const stale = other.startsWith(prefix) && other.endsWith('.json') && path.join(dir, other) !== file;
        if (stale) fs.rmSync(path.join(dir, other), { force: true });
        return !stale;
      });
      // Entries of platforms that are gone (temporary ones of test runs) age out.
      keepNewest(dir, others);
    } catch { /* a read-only tree checks every object */ }
  });
  return {
    get: (key) => (Object.prototype.hasOwnProperty.call(known, key) ? known[key] : undefined),
    set: (key, problems) => {
      known[key] = problems;
      learned = true;
    },
  };
}

module.exports = { openGateAnswers, fingerprint };
