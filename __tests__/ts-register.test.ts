import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The caches a synth starts from (bin/ts-register.js, bin/compile-cache.js): transpiled TypeScript
 * and V8's code cache, by content hash. Used when nothing changed; never stale when anything did.
 */
const ROOT = path.join(__dirname, '..');
const TS_CACHE = path.join(ROOT, 'node_modules', '.cache', 'ts-register');
const V8_CACHE = path.join(ROOT, 'node_modules', '.cache', 'v8');
const HOOK = path.join(ROOT, 'bin', 'ts-register-hook.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-register-'));
const prefixOf = (file: string) => `${crypto.createHash('sha1').update(file).digest('hex').slice(0, 16)}-`;
const list = (cache: string, file: string) => (fs.existsSync(cache) ? fs.readdirSync(cache).filter((e) => e.startsWith(prefixOf(file))) : []);
/** The code cache entries of `file`, with their inodes (a rewritten entry gets a new one). */
const v8Entries = (file: string) => (fs.existsSync(V8_CACHE) ? fs.readdirSync(V8_CACHE) : [])
  .flatMap((flags) => list(path.join(V8_CACHE, flags), file).map((e) => path.join(V8_CACHE, flags, e)))
  .map((e) => `${e}@${fs.statSync(e).ino}`);
const run = (entry: string) => {
  const r = spawnSync(process.execPath, ['-r', HOOK, entry], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout;
};

afterAll(() => {
  for (const f of fs.readdirSync(dir)) {
    const file = path.join(dir, f);
    for (const e of list(TS_CACHE, file)) fs.rmSync(path.join(TS_CACHE, e), { force: true });
    for (const e of v8Entries(file)) fs.rmSync(e.replace(/@\d+$/, ''), { force: true });
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('TypeScript require hook', () => {
  const source = path.join(dir, 'probe.ts');
  const write = (value: number) => fs.writeFileSync(source, `const value: number = ${value};\nprocess.stdout.write(String(value));\n`);

  test('runs TypeScript and keeps one entry (code and map) per source file, replaced when the source changes', () => {
    write(1);
    expect(run(source)).toBe('1');
    const first = list(TS_CACHE, source).sort();
    expect(first).toHaveLength(2);
    expect(first[1]).toBe(`${first[0]}.map`);
    expect(run(source)).toBe('1');
    expect(list(TS_CACHE, source).sort()).toEqual(first);
    write(2);
    expect(run(source)).toBe('2');
    const second = list(TS_CACHE, source);
    expect(second).toHaveLength(2);
    expect(second).not.toContain(first[0]);
  });
});

describe('V8 code cache', () => {
  // Same length on purpose: V8 checks a code cache against the source's length only.
  const write = (file: string, word: string) => fs.writeFileSync(file, `process.stdout.write(${JSON.stringify(word)});\n`);

  test.each([['TypeScript', 'cached.ts'], ['JavaScript', 'cached.js']])('%s: the entry is used when the source is unchanged', (_kind, name) => {
    const file = path.join(dir, name);
    write(file, 'alpha');
    const entry = path.join(dir, `entry-${name}.ts`);
    fs.writeFileSync(entry, `require(${JSON.stringify(file)});\n`);
    expect(run(entry)).toBe('alpha');
    const written = v8Entries(file);
    expect(written).toHaveLength(1);
    expect(run(entry)).toBe('alpha');
    // Used, not rejected: a rejected or unread entry is compiled again and written anew (a new inode).
    expect(v8Entries(file)).toEqual(written);
  });

  test.each([['TypeScript', 'edited.ts'], ['JavaScript', 'edited.js']])('%s: an edit of the same length and the same mtime runs the new source and replaces the entry', (_kind, name) => {
    const file = path.join(dir, name);
    const entry = path.join(dir, `entry-${name}.ts`);
    fs.writeFileSync(entry, `require(${JSON.stringify(file)});\n`);
    write(file, 'alpha');
    expect(run(entry)).toBe('alpha');
    const before = v8Entries(file);
    const { atime, mtime } = fs.statSync(file);
    write(file, 'omega');
    fs.utimesSync(file, atime, mtime);
    expect(run(entry)).toBe('omega');
    const after = v8Entries(file);
    expect(after).toHaveLength(1);
    expect(after[0].replace(/@\d+$/, '')).not.toBe(before[0].replace(/@\d+$/, ''));
    expect(run(entry)).toBe('omega');
  });

  test('an entry V8 refuses (another source\'s cache under this source\'s name) is compiled anew, run as written and replaced', () => {
    const file = path.join(dir, 'refused.js');
    const entry = path.join(dir, 'entry-refused.ts');
    fs.writeFileSync(entry, `require(${JSON.stringify(file)});\n`);
    write(file, 'other-source-x');
    expect(run(entry)).toBe('other-source-x');
    const foreign = fs.readFileSync(v8Entries(file)[0].replace(/@\d+$/, ''));
    write(file, 'beta');
    expect(run(entry)).toBe('beta');
    const [own] = v8Entries(file);
    fs.writeFileSync(own.replace(/@\d+$/, ''), foreign);
    expect(run(entry)).toBe('beta');
    const [replaced] = v8Entries(file);
    expect(fs.readFileSync(replaced.replace(/@\d+$/, ''))).not.toEqual(foreign);
  });
});

test('the code cache has a folder per set of options that change compiled code; scripts, preloads and profiling share one', () => {
  const { codeFlags } = require('../bin/compile-cache');
  expect(codeFlags(['-e', 'x', '-r', 'hook.js', '--require=other.js', '--cpu-prof', '--cpu-prof-dir', '/tmp/p', '--inspect-brk', '-p', 'y'])).toEqual([]);
  expect(codeFlags(['--allow-natives-syntax', '-r', 'hook.js', '--max-old-space-size=100', '--stack-size', '2000'])).toEqual(['--allow-natives-syntax', '--max-old-space-size=100', '--stack-size', '2000']);
});

describe('source hashes', () => {
  const { SETTLED_MS } = require('../bin/source-hashes');
  // Inside the project: a file the hook compiles, and a preload that lists the files it reads.
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'source-hashes-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const probe = path.join(work, 'reads.js');
  fs.writeFileSync(probe, `const fs = require('fs'); const read = fs.readFileSync; const seen = [];
    fs.readFileSync = function (f, ...rest) { seen.push(String(f)); return read.call(this, f, ...rest); };
    process.on('exit', () => process.stderr.write(JSON.stringify(seen)));`);
  const runReading = (entry: string) => {
    const r = spawnSync(process.execPath, ['-r', probe, '-r', HOOK, entry], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return { stdout: r.stdout, reads: JSON.parse(r.stderr) as string[] };
  };
  const settle = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLED_MS + 200);

  test('a settled, untouched file is not read again; an edit of the same length with its times set back is', () => {
    const source = path.join(work, 'settled.ts');
    fs.writeFileSync(source, "process.stdout.write('alpha');\n");
    // Whole seconds, so that setting them back restores the very nanoseconds: only the change time then tells.
    const past = Math.floor(Date.now() / 1000) - 60;
    fs.utimesSync(source, past, past);
    settle();
    expect(runReading(source).stdout).toBe('alpha');
    // Recorded now: the next run knows the hash from the file's stat alone.
    const again = runReading(source);
    expect(again.stdout).toBe('alpha');
    expect(again.reads).not.toContain(source);
    const before = fs.statSync(source, { bigint: true });
    fs.writeFileSync(source, "process.stdout.write('omega');\n");
    fs.utimesSync(source, past, past);
    const after = fs.statSync(source, { bigint: true });
    expect([after.size, after.ino, after.mtimeNs]).toEqual([before.size, before.ino, before.mtimeNs]);
    const edited = runReading(source);
    expect(edited.stdout).toBe('omega');
    expect(edited.reads).toContain(source);
  });

  test('a file that no longer exists leaves the table at its next write, which every run reads', () => {
    const table = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '.cache', 'source-hashes.json'), 'utf8'));
    const gone = path.join(work, 'gone.ts');
    const kept = path.join(work, 'kept.ts');
    fs.writeFileSync(gone, "process.stdout.write('gone');\n");
    fs.writeFileSync(kept, "require('./gone.ts');\n");
    settle();
    expect(runReading(kept).stdout).toBe('gone');
    expect(Object.keys(table())).toEqual(expect.arrayContaining([gone, kept]));
    fs.rmSync(gone);
    // A new settled file makes the next run write the table.
    const next = path.join(work, 'next.ts');
    fs.writeFileSync(next, "process.stdout.write('next');\n");
    settle();
    expect(runReading(next).stdout).toBe('next');
    expect(Object.keys(table())).toEqual(expect.arrayContaining([kept, next]));
    expect(Object.keys(table())).not.toContain(gone);
  });

  test('a file changed within the settle time is read and hashed on every run', () => {
    const source = path.join(work, 'young.ts');
    fs.writeFileSync(source, "process.stdout.write('young');\n");
    for (let i = 0; i < 2; i++) {
      const r = runReading(source);
      expect(r.stdout).toBe('young');
      expect(r.reads).toContain(source);
    }
  });
});

describe('generated imports', () => {
  const IMPORTS = path.join(ROOT, 'imports');
  // Inside the project, where 'cdk8s' resolves.
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'ts-register-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  /** The kind each generated import defines (its classes' GVK). */
  const kindsOf = (file: string) => [...fs.readFileSync(path.join(IMPORTS, file), 'utf8').matchAll(/static readonly GVK: GroupVersionKind = \{\s*apiVersion: '[^']+',\s*kind: '([^']+)'/g)].map((m) => m[1]);

  test.each([
    ['one app, rolling', "new JavaApp(env, 'orders', { image: 'ghcr.io/acme/orders:1.0.0' });"],
    ['a blue-green app and the pipeline', "new JavaApp(env, 'orders', { image: 'ghcr.io/acme/orders:1.0.0', strategy: DeployStrategy.blueGreen() });\nnew PipelineTemplate(new Chart(app, 'ci'), 'pipeline', { gitopsRepo: 'https://github.com/acme/gitops.git', imageRepository: 'ghcr.io/acme/{app}' });"],
  ])('%s: a synth evaluates the generated code of the kinds it writes, and no other', (_case, body) => {
    const out = fs.mkdtempSync(path.join(work, 'out-'));
    const entry = path.join(work, `platform-${crypto.randomBytes(4).toString('hex')}.ts`);
    fs.writeFileSync(entry, [
      "import { Chart } from 'cdk8s';",
      `import { DeployStrategy, Environment, JavaApp, PipelineTemplate, PlatformApp } from ${JSON.stringify(path.join(ROOT, 'lib'))};`,
      `const app = new PlatformApp({ outdir: ${JSON.stringify(out)} });`,
      "const env = new Environment(app, 'dev', { namespace: 'shop-dev' });",
      body,
      'app.synth();',
      'void DeployStrategy; void PipelineTemplate; void Chart;',
    ].join('\n'));
    // Which files V8 compiles (every evaluated module is compiled through vm.Script by bin/compile-cache.js).
    const probe = path.join(dir, 'probe-compiles.js');
    fs.writeFileSync(probe, `const vm = require('vm'); const S = vm.Script; const seen = [];
      vm.Script = function (code, options) { seen.push(options && options.filename); return new S(code, options); };
      process.on('exit', () => process.stderr.write(JSON.stringify(seen)));`);
    const r = spawnSync(process.execPath, ['-r', probe, '-r', HOOK, entry], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const evaluated = (JSON.parse(r.stderr) as string[]).filter((f) => f && f.startsWith(IMPORTS + path.sep)).map((f) => path.basename(f)).sort();
    const written = new Set([...fs.readdirSync(out, { recursive: true }) as string[]].filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => [...fs.readFileSync(path.join(out, f), 'utf8').matchAll(/^kind: (\w+)$/gm)].map((m) => m[1])));
    const expected = fs.readdirSync(IMPORTS).filter((f) => kindsOf(f).some((k) => written.has(k))).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(evaluated).toEqual(expected);
  });
});

describe('generated imports, rewritten', () => {
  const generated = require('../bin/generated-imports');
  const esbuild = require('esbuild');
  /** A generated import's exports, from esbuild's code as it is or rewritten. */
  const load = (file: string, rewritten: boolean) => {
    const source = fs.readFileSync(path.join(ROOT, 'imports', file), 'utf8');
    const code: string = esbuild.transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20' }).code;
    const module = { exports: {} as any };
    new Function('exports', 'require', 'module', rewritten ? generated.rewrite(code) : code)(module.exports, require, module);
    return { code, exports: module.exports };
  };

  test.each(['rollouts-argoproj.io.ts', 'workflows-argoproj.io.ts', 'httproute-gateway.networking.k8s.io.ts'])('%s: the same exports, and every toJson returns the same object, key order included', (file) => {
    const before = load(file, false);
    const after = load(file, true);
    expect(generated.rewrite(before.code)).not.toContain('__toCommonJS(');
    expect(generated.rewrite(before.code)).not.toMatch(/^__export\(/m);
    expect(generated.rewrite(before.code)).not.toContain('return Object.entries(result).reduce(');
    expect(Object.keys(after.exports).sort()).toEqual(Object.keys(before.exports).sort());
    // Each struct's toJson on an object that sets every other field of its own level, and none.
    const toJsons = Object.keys(before.exports).filter((k) => k.startsWith('toJson_'));
    expect(toJsons.length).toBeGreaterThan(50);
    for (const name of toJsons) {
      // Unset, set, and the falsy values a struct may hold (0, '', false, null), by the field's name.
      const value = (key: string | symbol) => (typeof key !== 'string' ? undefined : [undefined, `v-${key}`, 0, '', false, null][key.length % 6]);
      const shifted = (key: string | symbol) => value(typeof key === 'string' ? `${key}x` : key);
      for (const input of [new Proxy({}, { get: (_t, key) => value(key) }), new Proxy({}, { get: (_t, key) => shifted(key) }), {}, undefined]) {
        let expected: unknown;
        let actual: unknown;
        try {
          expected = JSON.stringify(before.exports[name](input));
        } catch (err) {
          expected = `throws ${(err as Error).message}`;
        }
        try {
          actual = JSON.stringify(after.exports[name](input));
        } catch (err) {
          actual = `throws ${(err as Error).message}`;
        }
        expect([name, actual]).toEqual([name, expected]);
      }
    }
  });
});

describe('deferred modules', () => {
  const CDK8S_YAML = path.join(ROOT, 'node_modules', 'cdk8s', 'node_modules', 'yaml') + path.sep;
  const script = (body: string) => spawnSync(process.execPath, ['-r', HOOK, '-e', body], { cwd: ROOT, encoding: 'utf8' });

  test("loading the platform loads none of cdk8s's own YAML library; its Yaml helpers still work, loading it then", () => {
    const body = `require('./lib/index.ts');
      const loaded = () => Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(CDK8S_YAML)})).length;
      const before = loaded();
      const { Yaml } = require('cdk8s');
      const text = Yaml.stringify({ a: 1, b: ['x', 'on'] });
      process.stdout.write(JSON.stringify({ before, after: loaded(), text }));`;
    // The first run may record the library's names; from the second on it is deferred.
    script(body);
    const r = script(body);
    expect(r.stderr).toBe('');
    const { before, after, text } = JSON.parse(r.stdout);
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(50);
    // What the library itself writes, with the options cdk8s gives it.
    const library = require(CDK8S_YAML.slice(0, -1));
    expect(text).toBe(library.stringify({ a: 1, b: ['x', 'on'] }, { keepUndefined: true, lineWidth: 0, version: '1.1' }));
  });
});

describe('cache folders stay bounded', () => {
  const { keepNewest } = require('../bin/cache-file');
  test('past the limit, the oldest entries go (down to three quarters of it), each with the files named after it', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-folder-'));
    try {
      const now = Math.floor(Date.now() / 1000);
      for (let i = 0; i < 10; i++) {
        for (const name of [`e${i}.js`, `e${i}.js.map`]) {
          fs.writeFileSync(path.join(cache, name), name);
          // e0 the oldest, e9 the newest.
          fs.utimesSync(path.join(cache, name), now - 100 + i, now - 100 + i);
        }
      }
      keepNewest(cache, fs.readdirSync(cache), 10);
      expect(fs.readdirSync(cache)).toHaveLength(20);
      keepNewest(cache, fs.readdirSync(cache), 8);
      expect(fs.readdirSync(cache).sort()).toEqual(['e4', 'e5', 'e6', 'e7', 'e8', 'e9'].flatMap((e) => [`${e}.js`, `${e}.js.map`]));
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
