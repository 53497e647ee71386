'use strict';
// A require hook for .ts files: esbuild transpiles each file once, and the result is cached by
// content hash under node_modules/.cache so that later runs skip even that; every module, .ts or
// node_modules' .js, then compiles through V8's code cache (compile-cache.js). Each source file
// keeps one entry: writing a new version removes the older ones.
//
// Source maps are written beside each entry and read only when a stack is shown: stacks point at
// the .ts line and column, and a run that shows none never parses a map.
const crypto = require('crypto');
const fs = require('fs');
const { keepNewest, writeAtomically } = require('./cache-file');
const path = require('path');
const compileCache = require('./compile-cache');
const generated = require('./generated-imports');
const { sourceHash } = require('./source-hashes');

const cacheDir = path.join(__dirname, '..', 'node_modules', '.cache', 'ts-register');

/** A TypeScript file that does not parse: where, and esbuild's own words. */
class SourceSyntaxError extends Error {
  constructor(file, line, column, text) {
    super(text);
    this.name = 'SourceSyntaxError';
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/** filename -> its source map (the path of the map file, or the map's text when none could be written). */
const maps = new Map();
let esbuild;

/** esbuild's JavaScript for `source` and its source map; a SourceSyntaxError where it does not parse. */
function transpile(source, filename) {
  esbuild = esbuild || require('esbuild');
  try {
    // Generated imports are megabytes; maps only for the code people debug.
    if (generated.isGenerated(filename)) return { code: generated.rewrite(esbuild.transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: filename }).code) };
    const out = esbuild.transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: filename, sourcemap: 'external' });
    return { code: out.code, map: out.map };
  } catch (err) {
    const first = err && err.errors && err.errors[0];
    if (!first || !first.location) throw err;
    // esbuild columns count from 0; editors and the rest of this runner from 1.
    throw new SourceSyntaxError(filename, first.location.line, first.location.column + 1, first.text);
  }
}

/** What makes transpiled code: a new esbuild, or new rewrites, names new entries. */
let transpiler;
function transpilerVersion() {
  return (transpiler = transpiler || `esbuild@${require('esbuild/package.json').version}+${generated.REWRITES}`);
}

/** The transpiled code of a TypeScript file (from the cache, else esbuild) and the hash of its bytes. */
function transpiled(filename) {
  // The file's bytes name its entry (hashing them costs less than decoding them); an untouched
  // file's hash is known without reading it (source-hashes.js).
  let bytes;
  const read = () => (bytes = bytes || fs.readFileSync(filename));
  const hash = crypto.createHash('sha1').update(sourceHash(filename, read)).update('\0').update(transpilerVersion()).digest('hex');
  const base = compileCache.entryName(filename, hash);
  const cached = path.join(cacheDir, `${base}.js`);
  let out;
  const fresh = () => (out = out || transpileAndCache(read(), filename, base, cached));
  // esbuild writes ASCII only (its default charset escapes the rest): latin1 decodes it fastest.
  const code = () => {
    if (!out) {
      try {
        return fs.readFileSync(cached, 'latin1');
      } catch { /* not cached (or removed since) */ }
    }
    return fresh().code;
  };
  if (fs.existsSync(cached)) maps.set(filename, `${cached}.map`);
  else fresh();
  return { hash, code };
}

function transpileAndCache(bytes, filename, base, cached) {
  const out = transpile(bytes.toString('utf8'), filename);
  if (out.map) maps.set(filename, out.map);
  try {
    if (out.map) writeAtomically(`${cached}.map`, out.map);
    writeAtomically(cached, out.code);
    const prefix = base.slice(0, base.indexOf('-') + 1);
    const entries = fs.readdirSync(cacheDir).filter((entry) => {
      const older = entry.startsWith(prefix) && !entry.startsWith(base);
      if (older) fs.rmSync(path.join(cacheDir, entry), { force: true });
      return !older;
    });
    keepNewest(cacheDir, entries);
  } catch { /* a read-only tree still synthesizes, just without the cache */ }
  return { code: out.code };
}

function run(module, filename, code, hash) {
  compileCache.runCached(module, code, filename, hash, () => module._compile(code, filename));
}

function compileTypeScript(module, filename) {
  const { hash, code } = transpiled(filename);
  if (!generated.isGenerated(filename)) return run(module, filename, code(), hash);
  let real;
  module.exports = generated.standIn(() => {
    if (!real) {
      const inner = new module.constructor(filename, module);
      inner.filename = filename;
      inner.paths = module.paths;
      run(inner, filename, code(), hash);
      real = inner.exports;
    }
    return real;
  });
}

function register() {
  compileCache.install();
  require.extensions['.ts'] = compileTypeScript;
  // V8's own stack format (each call site as it prints it), with positions in TypeScript mapped back.
  Error.prepareStackTrace = (error, callSites) => mapStack([String(error), ...callSites.map((site) => `    at ${site}`)].join('\n'));
}

/** The source map of a transpiled file (node:module's SourceMap), or undefined; read once. */
function sourceMapOf(filename) {
  const entry = maps.get(filename);
  if (entry === undefined || typeof entry === 'object') return entry || undefined;
  let map = null;
  try {
    const { SourceMap } = require('module');
    map = new SourceMap(JSON.parse(entry.startsWith('{') ? entry : fs.readFileSync(entry, 'utf8')));
  } catch { /* no map: positions stay as they are */ }
  maps.set(filename, map);
  return map || undefined;
}

/** Where a 1-based line and column of the transpiled `filename` come from in its source, or undefined. */
function originalPosition(filename, line, column) {
  const map = sourceMapOf(filename);
  const entry = map && map.findEntry(line - 1, column - 1);
  if (!entry || entry.originalLine === undefined) return undefined;
  return { line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

/** A V8 stack with every position in transpiled TypeScript replaced by its place in the source. */
function mapStack(stack) {
  return String(stack).replace(/([^\s(]+\.ts):(\d+):(\d+)/g, (whole, file, line, column) => {
    const at = originalPosition(file, Number(line), Number(column));
    return at ? `${file}:${at.line}:${at.column}` : whole;
  });
}

module.exports = { register, SourceSyntaxError };
