'use strict';
// V8's code cache for every CommonJS module a run loads: node_modules' JavaScript and the
// TypeScript that bin/ts-register.js transpiles. Compiling is most of what loading a module costs
// (cdk8s-plus-27 alone is 3 MB of JavaScript); with the cache, V8 deserializes the functions the
// last run compiled instead of parsing and compiling them again.
//
// Never stale: an entry is named by the SHA-1 of the module's path and exact source (source-hashes.js
// knows it without hashing when the file is untouched), so an edited file is compiled anew (and its
// older entries removed); V8 checks each entry against its own
// version, flags and the source's length as well, and a rejected entry is compiled and replaced.
// Entries are written once the run is over (so they hold the functions that ran), atomically;
// a read-only tree runs without the cache.
const crypto = require('crypto');
const fs = require('fs');
const { keepNewest, writeAtomically } = require('./cache-file');
const Module = require('module');
const path = require('path');
const vm = require('vm');
const { sourceHash } = require('./source-hashes');
const { requireFrom } = require('./deferred-modules');

const ROOT = path.join(__dirname, '..');
/**
 * The options of a run that change nothing V8 compiles: a script to evaluate or preload, profiling
 * and debugging. They do not get a cache folder of their own (a `node -e` script would otherwise
 * make one per script); with a value: the next argument, unless written `--option=value`.
 */
const NEUTRAL = /^(-e|--eval|-p|--print|-r|--require|--import|--loader|--experimental-loader|--title)(=|$)|^--(cpu|heap)-prof|^--inspect|^--enable-source-maps$/;
const WITH_VALUE = /^(-e|--eval|-p|--print|-r|--require|--import|--loader|--experimental-loader|--title|--cpu-prof-dir|--cpu-prof-name|--cpu-prof-interval|--heap-prof-dir|--heap-prof-name|--heap-prof-interval)$/;

/** The run's options that matter to V8's code. */
function codeFlags(argv) {
  const kept = [];
  for (let i = 0; i < argv.length; i++) {
    if (WITH_VALUE.test(argv[i])) i++;
    else if (!NEUTRAL.test(argv[i])) kept.push(argv[i]);
  }
  return kept;
}

/** One folder per Node version, architecture and code flags: V8 refuses another's code cache. */
const cacheDir = path.join(ROOT, 'node_modules', '.cache', 'v8', crypto.createHash('sha1')
  .update([process.version, process.arch, ...codeFlags(process.execArgv), process.env.NODE_OPTIONS || ''].join('\0')).digest('hex').slice(0, 16));
// A newline after the wrapper's head keeps every line's columns, and lineOffset its line numbers.
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_TAIL = '\n})';

/** Scripts compiled without a usable entry, whose entries are written when the run ends. */
const pending = [];
let installed = false;

/** The entry's name: the file's (so older versions can be found) and its source's. */
function entryName(filename, sourceHash) {
  return `${crypto.createHash('sha1').update(filename).digest('hex').slice(0, 16)}-${sourceHash}`;
}


/** What Node's own compile does not need from us: sources it must handle itself. */
function compilesItself(content) {
  // A hashbang or a BOM must open the script; dynamic import() needs Node's own loader hooks.
  return content.startsWith('#!') || content.charCodeAt(0) === 0xfeff || content.includes('import(');
}

/** A module's `require`, as Node makes it (lib/internal/modules/helpers.js makeRequireFunction). */
function makeRequire(mod) {
  const require = function require(id) {
    return requireFrom(mod, id);
  };
  require.resolve = function resolve(request, options) {
    return Module._resolveFilename(request, mod, false, options);
  };
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/**
 * Compiles and runs `content` as the CommonJS module `mod`, with the code cache named by `hash`
 * (sourceHash of the path and the source the content came from); a source only Node can compile
 * goes to `compileItself` (a source with an entry came through here before: only new ones are
 * looked at).
 */
function runCached(mod, content, filename, hash, compileItself) {
  const file = path.join(cacheDir, `${entryName(filename, hash)}.v8`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(file);
  } catch { /* not cached yet */ }
  if (!cachedData && compilesItself(content)) return compileItself();
  const script = new vm.Script(WRAPPER_HEAD + content + WRAPPER_TAIL, { filename, lineOffset: -1, cachedData });
  if (!cachedData || script.cachedDataRejected) pending.push({ script, file });
  const wrapper = script.runInThisContext({ displayErrors: true });
  return wrapper.call(mod.exports, mod.exports, makeRequire(mod), mod, filename, path.dirname(filename));
}

/** Writes the entries this run compiled, removing older versions of the same files. */
function writePending() {
  if (!pending.length) return;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const existing = fs.readdirSync(cacheDir);
    for (const { script, file } of pending.splice(0)) {
      const base = path.basename(file);
      const prefix = base.slice(0, base.indexOf('-') + 1);
      writeAtomically(file, script.createCachedData());
      for (const e of existing) if (e.startsWith(prefix) && e !== base) fs.rmSync(path.join(cacheDir, e), { force: true });
    }
    keepNewest(cacheDir, fs.readdirSync(cacheDir));
  } catch { /* a read-only tree runs without the cache */ }
}

/**
 * Every CommonJS module compiled from here on goes through the code cache (Node's own compile for
 * the sources it must handle itself). `runCached` is how bin/ts-register.js compiles TypeScript.
 */
function install() {
  if (installed) return;
  installed = true;
  const compile = Module.prototype._compile;
  Module.prototype._compile = function cachedCompile(content, filename) {
    return runCached(this, content, filename, sourceHash(filename, () => content), () => compile.call(this, content, filename));
  };
  process.on('exit', writePending);
}

module.exports = { install, runCached, entryName, codeFlags, cacheDir };
