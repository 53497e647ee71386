// Mutation testing of the validation gate and the prop checks: `npm run mutate` (not part of `npm test`).
// Survivors that no test can kill are listed with a reason in stryker.equivalent.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // Only the tests that import the mutated file run for a mutant (jest --findRelatedTests).
    enableFindRelatedTests: true,
    config: {
      // The rule-by-rule tests of the gate and the prop checks (hand-built documents, fast to load).
      // The suites that synthesize whole apps cost seconds per mutant for their loading alone, and
      // those that check through child processes (bin/synth.js, scripts) never see the active
      // mutant; `npm test` runs them all.
      testMatch: ['<rootDir>/__tests__/gate-*.test.ts', '<rootDir>/__tests__/props/checks.test.ts'],
      // A mutant's run loads only the test files that hold the tests covering it, stops at the first
      // test that fails for it, and reuses V8's compilation of unchanged modules; each file's
      // AsyncLocalStorage is disabled after it, so runs do not slow down (tools/mutation/).
      testEnvironment: './tools/mutation/environment.js',
      testSequencer: '<rootDir>/tools/mutation/sequencer.js',
      runner: '<rootDir>/tools/mutation/runner.js',
      runtime: '<rootDir>/tools/mutation/runtime.js',
    },
  },
  coverageAnalysis: 'perTest',
  mutate: ['lib/validate/**/*.ts', 'lib/schemas.ts', 'lib/props/checks.ts', 'lib/props/self-check.ts'],
  concurrency: 2,
  timeoutMS: 10000,
  incremental: true,
  incrementalFile: '.stryker/incremental.json',
  tempDirName: '.stryker/tmp',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: '.stryker/report/mutation.html' },
  jsonReporter: { fileName: '.stryker/report/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
};
