'use strict';
// The generated imports (imports/*.ts, `npm run import`): a module per CRD, megabytes each, of
// thousands of exports (a class or enum per kind and nested type, a toJson function per struct).
// Three things make them cheap to have:
// - a stand-in (`standIn`) that evaluates the module when one of its exports is first read: a
//   synth that writes no object of a kind never runs, nor even reads, that kind's code;
// - their transpiled code fills its exports object once its code has run, with the values
//   themselves, instead of a getter function per export (`__export(exports, { A: () => A, ... })`,
//   thousands of closures to compile and create) copied into yet another object of getters
//   (`module.exports = __toCommonJS(...)`): nothing reads them before, the stand-in sees to that;
// - each toJson drops unset fields in one pass instead of spreading the result into a new object
//   per field (`Object.entries(result).reduce((r, i) => ... { ...r, [i[0]]: i[1] }, {})`, quadratic
//   in the fields). Both rewrites keep what the code returns, key order included; the sample's
//   dist/ is the same with or without them (tested).
const path = require('path');

const DIR = path.join(__dirname, '..', 'imports') + path.sep;
/** Changes with the rewrites below, so that cached code made by older ones is not used. */
const REWRITES = 'generated-imports-2';

/** esbuild's export list, one `name: () => name,` line per export. */
const EXPORT_LIST = /^__export\((\w+), \{\n((?: {2}[\w$]+: \(\) => [\w$]+,?\n)*)\}\);$/m;
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
  const list = EXPORT_LIST.exec(code);
  if (!list || !TO_COMMON_JS.test(code)) return code;
  const names = list[2].split('\n').filter(Boolean).map((line) => line.trim().split(':')[0]);
  const filled = `\nObject.assign(${list[1]}, { ${names.join(', ')} });\n`;
  const exported = code.replace(list[0], '').replace(TO_COMMON_JS, 'module.exports = __defProp($1, "__esModule", { value: true });');
  const onePass = exported.includes(DROP_UNDEFINED) ? `${exported.split(DROP_UNDEFINED).join('return __definedOnly(result);')}${DEFINED_ONLY}` : exported;
  return `${onePass}${filled}`;
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
