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
