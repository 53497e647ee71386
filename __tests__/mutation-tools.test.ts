import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The mutation runs' test selection (tools/mutation/), run by jest itself as Stryker runs it: a first
// run with no mutant active records which tests each file holds; a run asking for tests by name
// (--testNamePattern, as Stryker names a mutant's covering tests) then loads only their files.
const tools = path.join(__dirname, '..', 'tools', 'mutation');
const jestBin = require.resolve('jest/bin/jest');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutation-tools-'));
  fs.writeFileSync(path.join(dir, 'a.test.js'), "describe('rules', () => { test('refuses a', () => {}); test('accepts a', () => {}); });\n");
  fs.writeFileSync(path.join(dir, 'b.test.js'), "describe('rules', () => { test('refuses b', () => {}); });\n");
  fs.writeFileSync(path.join(dir, 'c.test.js'), "test('loaded', () => {});\n");
  const config = { testEnvironment: path.join(tools, 'environment.js'), testSequencer: path.join(tools, 'sequencer.js'), transform: {}, cache: false };
  fs.writeFileSync(path.join(dir, 'jest.config.json'), JSON.stringify(config));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The test files a run loaded, by name. */
function run(testNamePattern?: string, activeMutant?: string): string[] {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.__STRYKER_ACTIVE_MUTANT__;
  if (activeMutant) env.__STRYKER_ACTIVE_MUTANT__ = activeMutant;
  const args = [jestBin, '--config', 'jest.config.json', '--runInBand', '--json', '--silent', ...(testNamePattern ? ['--testNamePattern', testNamePattern] : [])];
  const out = execFileSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out).testResults as { name: string }[]).map((r) => path.basename(r.name)).sort();
}

test('without an index every file runs, and the run records one', () => {
  expect(run('refuses b')).toEqual(['a.test.js', 'b.test.js', 'c.test.js']);
  expect(run()).toEqual(['a.test.js', 'b.test.js', 'c.test.js']);
  const index = JSON.parse(fs.readFileSync(path.join(dir, '.stryker-test-names.json'), 'utf8'));
  expect(index[path.join(dir, 'a.test.js')]).toEqual(['rules refuses a', 'rules accepts a']);
  expect(index[path.join(dir, 'c.test.js')]).toEqual(['loaded']);
});

test.each<[string, string[]]>([
  ['(rules refuses b)', ['b.test.js']],
  ['(rules refuses a)|(rules refuses b)', ['a.test.js', 'b.test.js']],
  ['RULES ACCEPTS', ['a.test.js']], // case-insensitive, as jest-circus matches
  ['no such test', ['a.test.js', 'b.test.js', 'c.test.js']], // nothing would be left: keep all
])('a run asking for %s loads %j', (pattern, files) => {
  expect(run(pattern)).toEqual(files);
});

test('a run with a mutant active records nothing, and a file missing from the index is kept', async () => {
  fs.writeFileSync(path.join(dir, 'd.test.js'), "test('new', () => {});\n");
  expect(run(undefined, '7')).toEqual(['a.test.js', 'b.test.js', 'c.test.js', 'd.test.js']);
  expect(run('(rules refuses b)')).toEqual(['b.test.js', 'd.test.js']);
});

/** Runs `fn` in a new scratch folder, removed afterwards. */
function inScratchDir(prefix: string, fn: (dir: string) => void): void {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    fn(scratch);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Runs `body` in one new node process, as Stryker's test runner process calls jest again and again
 * (`runCLI` in scope, no mutant active at the start), and returns the JSON it printed last.
 */
function inOneProcess(cwd: string, body: string): any {
  const script = `const { runCLI } = require(${JSON.stringify(require.resolve('jest'))});\n(async () => {\n${body}\n})();\n`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.__STRYKER_ACTIVE_MUTANT__;
  const out = execFileSync(process.execPath, ['-e', script], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.trim().split('\n').pop()!);
}

// A mutant's run stops at its first failing test, and loads no further file: Stryker runs jest again
// and again in one process, a mutant each time (its jest runner sets the active mutant in the
// process environment before each runCLI).
test('a run stops at the first failing test of its mutant, and the next mutant runs in full', () => {
  inScratchDir('mutation-bail-', (bail) => {
    // Every test fails while mutant 1 is active; each describe block's beforeAll leaves a mark.
    for (const f of ['e', 'f']) {
      fs.writeFileSync(
        path.join(bail, `${f}.test.js`),
        `const fs = require('fs');
for (const block of ['${f}1', '${f}2']) {
  describe(block, () => {
    beforeAll(() => fs.appendFileSync(${JSON.stringify(path.join(bail, 'hooks'))}, block));
    test('one', () => { if (process.env.__STRYKER_ACTIVE_MUTANT__ === '1') throw new Error('killed'); });
    test('two', () => { if (process.env.__STRYKER_ACTIVE_MUTANT__ === '1') throw new Error('killed'); });
  });
}
`,
      );
    }
    const config = { rootDir: bail, testEnvironment: path.join(tools, 'environment.js'), runner: path.join(tools, 'runner.js'), transform: {}, cache: false };
    expect(inOneProcess(bail, `
  const out = [];
  for (const mutant of ['1', '2']) {
    process.env.__STRYKER_ACTIVE_MUTANT__ = mutant;
    const { results } = await runCLI({ config: ${JSON.stringify(JSON.stringify(config))}, runInBand: true, silent: true }, [${JSON.stringify(bail)}]);
    const files = results.testResults.length;
    const statuses = results.testResults.flatMap((f) => f.testResults.map((t) => t.status)).sort();
    out.push({ mutant, files, statuses, hooks: require('fs').readFileSync(${JSON.stringify(path.join(bail, 'hooks'))}, 'utf8').length / 2 });
  }
  console.log(JSON.stringify(out));`)).toEqual([
      // One test failed; the rest of its file was skipped, the next block's hook too, and the
      // other file was not loaded.
      { mutant: '1', files: 1, statuses: ['failed', 'pending', 'pending', 'pending'], hooks: 1 },
      // A new mutant runs everything again: all four blocks' hooks ran (1 + 4 marks so far).
      { mutant: '2', files: 2, statuses: Array(8).fill('passed'), hooks: 5 },
    ]);
  });
});

// Every test file still gets fresh modules, and a changed source is compiled anew; only V8's work of
// compiling an unchanged source again is saved.
test('the runtime reuses compiled code across runs, not module state, and sees a changed source', () => {
  inScratchDir('mutation-runtime-', (work) => {
    fs.writeFileSync(path.join(work, 'counter.js'), 'globalThis.loads = (globalThis.loads ?? 0) + 1;\nmodule.exports = { loads: globalThis.loads, value: 1 };\n');
    for (const f of ['g', 'h']) {
      fs.writeFileSync(path.join(work, `${f}.test.js`), "const c = require('./counter');\ntest('fresh', () => { expect(c.loads).toBe(1); expect(c.value).toBe(Number(process.env.EXPECTED)); });\n");
    }
    const runtime = path.join(tools, 'runtime.js');
    const config = { rootDir: work, runtime, transform: {}, cache: false };
    expect(inOneProcess(work, `
  const fs = require('fs');
  const out = [];
  for (const value of ['1', '1', '2']) {
    if (value === '2') fs.writeFileSync(${JSON.stringify(path.join(work, 'counter.js'))}, 'globalThis.loads = (globalThis.loads ?? 0) + 1;\\nmodule.exports = { loads: globalThis.loads, value: 2 };\\n');
    process.env.EXPECTED = value;
    const before = require(${JSON.stringify(runtime)}).reused;
    const { results } = await runCLI({ config: ${JSON.stringify(JSON.stringify(config))}, runInBand: true, silent: true }, [${JSON.stringify(work)}]);
    out.push({ passed: results.numPassedTests, failed: results.numFailedTests, reused: require(${JSON.stringify(runtime)}).reused > before });
  }
  console.log(JSON.stringify(out));`)).toEqual([
      { passed: 2, failed: 0, reused: true }, // the second file reuses the first's compilation
      { passed: 2, failed: 0, reused: true },
      { passed: 2, failed: 0, reused: true }, // counter.js compiled anew; the test files reused
    ]);
  });
});

// jest-circus leaves an AsyncLocalStorage enabled per test file, and Node hands every enabled storage
// to every new promise: over the thousands of files of a mutation run, each promise slows down.
test('the environment disables the AsyncLocalStorages its file left enabled', () => {
  inScratchDir('mutation-storage-', (work) => {
    // The test file keeps a storage on the async_hooks module, which the process shares with the test.
    fs.writeFileSync(path.join(work, 's.test.js'), "const hooks = require('async_hooks');\nhooks.leftEnabled = new hooks.AsyncLocalStorage();\ntest('runs', () => hooks.leftEnabled.run(1, () => expect(hooks.leftEnabled.getStore()).toBe(1)));\n");
    const run = (environment: string) => inOneProcess(work, `
  const config = { rootDir: ${JSON.stringify(work)}, testEnvironment: ${JSON.stringify(environment)}, transform: {}, cache: false };
  const { results } = await runCLI({ config: JSON.stringify(config), runInBand: true, silent: true }, [${JSON.stringify(work)}]);
  console.log(JSON.stringify({ passed: results.numPassedTests, enabled: require('async_hooks').leftEnabled.enabled }));`);
    expect(run('node')).toEqual({ passed: 1, enabled: true }); // jest's own environment leaves it
    expect(run(path.join(tools, 'environment.js'))).toEqual({ passed: 1, enabled: false });
  });
});
