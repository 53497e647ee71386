import * as crypto from 'crypto';
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as vm from 'vm';

/**
 * Loads the CEL engine (@bufbuild/cel and the well-known types of @bufbuild/protobuf) quickly.
 * Its packages are many small files (about 60 ms to load); the same code bundled by esbuild into one
 * file loads in about half that, and with V8's code cache of that file (the parser, planner and
 * evaluator functions a synth runs, already compiled) in less again. Both are made once per version
 * of the packages and of Node into node_modules/.cache/cel/, as bin/ts-register.js caches
 * TypeScript. Without a writable cache the packages are loaded as they are.
 */

/** The parts of the engine the gate uses. */
export interface Engine {
  celEnv(options: { funcs: unknown }): any;
  parse(expression: string): any;
  plan(env: any, parsed: any): (bindings: Record<string, unknown>) => unknown;
  isCelError(value: unknown): value is { message: string };
  strings: unknown;
  timestampFromDate(date: Date): unknown;
}

const ROOT = path.join(__dirname, '..', '..');
const ENTRY = [
  "export { celEnv, parse, plan, isCelError } from '@bufbuild/cel';",
  "export { strings } from '@bufbuild/cel/ext';",
  "export { timestampFromDate } from '@bufbuild/protobuf/wkt';",
].join('\n');
const PACKAGES = ['@bufbuild/cel', '@bufbuild/protobuf', '@bufbuild/re2', 'esbuild'];

/** Writes the code cache once the engine has run, when this process found none to use. */
let saveCache: (() => void) | undefined;

export function loadEngine(): Engine {
  return loadBundle() ?? { ...require('@bufbuild/cel'), strings: require('@bufbuild/cel/ext').strings, timestampFromDate: require('@bufbuild/protobuf/wkt').timestampFromDate };
}

/** node_modules/.cache/cel/<hash of the entry and the packages' versions>.js */
export function bundleFile(): string {
  if (!bundle) {
    const hash = crypto.createHash('sha1').update(ENTRY);
    for (const p of PACKAGES) hash.update(`\0${p}@${JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version}`);
    bundle = path.join(ROOT, 'node_modules', '.cache', 'cel', `${hash.digest('hex').slice(0, 16)}.js`);
  }
  return bundle;
}

/** bundleFile, once per process (the packages do not change under a running synth). */
let bundle: string | undefined;

/** The code cache of the bundle for this Node (V8 refuses another version's). */
export function codeCacheFile(bundle: string): string {
  return `${bundle}.${process.version}.v8`;
}

function loadBundle(): Engine | undefined {
  try {
    const file = bundleFile();
    if (!fs.existsSync(file)) writeAtomically(file, require('esbuild').buildSync({
      stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'js' },
      bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent',
    }).outputFiles[0].text);
    // Where this module runs in a context of its own (jest's), the bundle must too: its `instanceof Map` meets the gate's Maps.
    if (vm.runInThisContext('Map') !== Map) return require(file) as Engine;
    return runWithCodeCache(file);
  } catch {
    return undefined;
  }
}

function runWithCodeCache(file: string): Engine {
  const cacheFile = codeCacheFile(file);
  const cachedData = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = { exports: {} as Engine };
  withNativeBase64(() => script.runInThisContext()(module.exports, require, module, file, path.dirname(file)));
  if (!cachedData || script.cachedDataRejected) saveCache = () => writeAtomically(cacheFile, script.createCachedData());
  return module.exports;
}

/**
 * Runs `load` with Uint8Array.prototype.setFromBase64 (ES2026, not in Node 20) defined by Node's
 * own base64 decoder, then removes it. @bufbuild/protobuf takes that method when it loads, if
 * there is one, to decode the descriptors of the CEL types embedded as base64, and otherwise does
 * it in JavaScript, which was half of what loading the engine cost. Nothing else sees the method.
 */
function withNativeBase64(load: () => void): void {
  const proto = Uint8Array.prototype as any;
  if (proto.setFromBase64) return load();
  proto.setFromBase64 = function setFromBase64(this: Uint8Array, text: string) {
    const bytes = Buffer.from(text, 'base64');
    this.set(bytes.subarray(0, this.length));
    return { read: text.length, written: Math.min(bytes.length, this.length) };
  };
  try {
    load();
  } finally {
    delete proto.setFromBase64;
  }
}

/** Called after the engine's first evaluation: the code cache then holds the functions that ran. */
export function engineRan(): void {
  const save = saveCache;
  saveCache = undefined;
  try {
    save?.();
  } catch { /* a read-only tree still validates, just without the cache */ }
}

/**
 * Parsed expressions, kept on disk beside the bundle: the parser is most of what compiling a rule
 * costs (about 1 ms a rule, more for the first). An entry is named by the SHA-1 of the exact
 * expression, in a folder of the engine's version (bundleFile), so it can only be the AST that
 * this parser makes of this text; it is written once, atomically.
 */
export function parsedCacheFile(expression: string): string {
  return path.join(`${bundleFile().replace(/\.js$/, '')}-ast`, `${crypto.createHash('sha1').update(expression).digest('hex')}.json`);
}

/** The AST of `expression`: from the cache, else parsed by `parse` and cached. */
export function parseCached<T>(expression: string, parse: (expression: string) => T): T {
  let file: string | undefined;
  try {
    file = parsedCacheFile(expression);
    return decodeAst(JSON.parse(fs.readFileSync(file, 'utf8'))) as T;
  } catch { /* not cached yet */ }
  const parsed = parse(expression);
  try {
    if (file) writeAtomically(file, JSON.stringify(encodeAst(parsed)));
  } catch { /* a read-only tree still validates, just without the cache */ }
  return parsed;
}

/**
 * An AST as JSON, its int64 values, bytes and unset fields tagged so that decodeAst gives back an
 * equal tree (JSON, not V8's serializer: the tree must be made in the realm that reads it, jest's too).
 */
export function encodeAst(value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value === undefined) return { $undefined: true };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(encodeAst);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeAst(v);
    return out;
  }
  return value;
}

export function decodeAst(value: any): unknown {
  if (Array.isArray(value)) return value.map(decodeAst);
  if (!value || typeof value !== 'object') return value;
  if (typeof value.$bigint === 'string') return BigInt(value.$bigint);
  if (value.$undefined === true) return undefined;
  if (typeof value.$bytes === 'string') return new Uint8Array(Buffer.from(value.$bytes, 'base64'));
  for (const k of Object.keys(value)) value[k] = decodeAst(value[k]);
  return value;
}

function writeAtomically(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.${process.pid}`, data);
  fs.renameSync(`${file}.${process.pid}`, file);
}
