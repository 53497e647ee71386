'use strict';
// `node -r bench/load-probe.js bin/synth.js ...`: where a cold synth's time goes, measured without
// touching the product's code. Writes one JSON object to the file named by BENCH_LOAD_PROBE_OUT when
// the process exits. Times are milliseconds since the process started (performance.timeOrigin):
//   preloadMs      node's own start-up, up to the first user code (this preload)
//   libIndexMs     when lib/index.ts (the library and everything it pulls in) has finished loading
//   moduleLoadMs   time spent inside require() for every module but the entry script and main.ts,
//                  whenever it happens (modules loaded on first use during the synth count too);
//                  nested requires are counted once, in their outermost require
//   bySourceMs     the same time by where the modules come from (a package of node_modules,
//                  imports/, lib/, bin/...): each module's own loading and running, its nested
//                  modules counted where they come from
//   exitMs         the 'exit' event: everything after it is node's teardown
// The preload changes process.execArgv, so the code cache (bin/compile-cache.js) keeps a folder of
// its own for this variant: warm it up once before measuring.
const fs = require('fs');
const Module = require('module');
const path = require('path');
const { performance } = require('perf_hooks');

const preloadMs = performance.now();
const out = process.env.BENCH_LOAD_PROBE_OUT;
const ROOT = path.join(__dirname, '..');
const libIndex = path.join(ROOT, 'lib', 'index.ts');
// The entry's module body is the synth itself (constructs, gate, writing): not a module load.
const entries = new Set([path.join(__dirname, '..', 'main.ts')]);

let depth = 0;
let moduleLoadMs = 0;
let libIndexMs;
const load = Module._load;
Module._load = function probedLoad(request, parent, isMain) {
  if (isMain) {
    entries.add(path.resolve(request));
    return load.apply(this, arguments);
  }
  // Only the entry script requires main.ts: resolving its few requests costs nothing measurable.
  if (depth === 0 && parent && parent.id === '.' && entries.has(resolve(request, parent))) return load.apply(this, arguments);
  const start = depth === 0 ? performance.now() : 0;
  depth++;
  try {
    return load.apply(this, arguments);
  } finally {
    depth--;
    if (depth === 0) {
      moduleLoadMs += performance.now() - start;
      if (libIndexMs === undefined && Module._cache[libIndex] && Module._cache[libIndex].loaded) libIndexMs = performance.now();
    }
  }
};

function resolve(request, parent) {
  try {
    return Module._resolveFilename(request, parent, false);
  } catch {
    return undefined; // node's own error, from node's own path
  }
}

/** Where a module comes from: its package in node_modules, else its top folder in the project. */
function sourceOf(filename) {
  const i = filename.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  if (i >= 0) {
    const parts = filename.slice(i + 14).split(path.sep);
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const rel = path.relative(ROOT, filename).split(path.sep);
  return rel.length > 1 && rel[0] !== '..' ? `${rel[0]}/` : rel.join('/');
}

// Each fresh module's own time (its load minus the modules it loads), by source.
const bySourceMs = {};
const nested = [];
const moduleLoad = Module.prototype.load;
Module.prototype.load = function probedModuleLoad(filename) {
  if (entries.has(filename)) return moduleLoad.apply(this, arguments);
  const start = performance.now();
  nested.push(0);
  try {
    return moduleLoad.apply(this, arguments);
  } finally {
    const total = performance.now() - start;
    const inner = nested.pop();
    if (nested.length) nested[nested.length - 1] += total;
    const source = sourceOf(filename);
    bySourceMs[source] = (bySourceMs[source] || 0) + total - inner;
  }
};

process.on('exit', () => {
  if (!out) return;
  fs.writeFileSync(out, JSON.stringify({ preloadMs, libIndexMs, moduleLoadMs, bySourceMs, modules: Object.keys(Module._cache).length, exitMs: performance.now() }));
});
