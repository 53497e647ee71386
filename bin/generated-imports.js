'use strict';
// The generated imports (imports/*.ts, `npm run import`): a module per CRD, megabytes each, of
// thousands of exports (a class or enum per kind and nested type, a toJson function per struct).
// Three things make them cheap to have:
// - a stand-in (`standIn`) that evaluates the module when one of its exports is first read: a
//   synth that writes no object of a kind never runs, nor even reads, that kind's code;
// - their transpiled code exports the object esbuild's `__export` builds instead of copying its
//   thousands of getters into another (`module.exports = __toCommonJS(...)`);
// - each toJson drops unset fields in one pass instead of spreading the result into a new object
//   per field (`Object.entries(result).reduce((r, i) => ... { ...r, [i[0]]: i[1] }, {})`, quadratic
//   in the fields). Both rewrites keep what the code returns, key order included; the sample's
//   dist/ is the same with or without them (tested).
const path = require('path');

const DIR = path.join(__dirname, '..', 'imports') + path.sep;
/** Changes with the rewrites below, so that cached code made by older ones is not used. */
const REWRITES = 'generated-imports-1';

const TO_COMMON_JS = /^module\.exports = __toCommonJS\((\w+)\);$/m;
const DROP_UNDEFINED = 'return Object.entries(result).reduce((r, i) => i[1] === void 0 ? r : { ...r, [i[0]]: i[1] }, {});';
const DEFINED_ONLY = `
function __definedOnly(result) {
  const out = {};
  for (const key of Object.keys(result)) if (result[key] !== void 0) out[key] = result[key];
  return out;
}
`;

function isGenerated(filename) {
  return filename.startsWith(DIR);
}

/** esbuild's code for a generated import, rewritten as said above. */
function rewrite(code) {
  const exported = code.replace(TO_COMMON_JS, 'module.exports = __defProp($1, "__esModule", { value: true });');
  return exported.includes(DROP_UNDEFINED) ? `${exported.split(DROP_UNDEFINED).join('return __definedOnly(result);')}${DEFINED_ONLY}` : exported;
}

/**
 * The exports of a generated import, read through a prototype that evaluates the module (`evaluate`
 * returns its exports) on the first read: esbuild's `import * as` (__toESM) copies a module's own
 * properties for each importer, and shares its prototype untouched.
 */
function standIn(evaluate) {
  const exports = new Proxy({}, { get: (_target, name) => evaluate()[name], has: (_target, name) => name in evaluate() });
  return Object.defineProperty(Object.create(exports), '__esModule', { value: true });
}

module.exports = { isGenerated, rewrite, standIn, REWRITES };
