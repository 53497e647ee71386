/**
 * Jest's test runner, not loading the test files a mutant's run has left once one of its tests
 * failed (bail.js). Loading a file (its module graph, jest's own modules in a fresh registry) costs
 * more than running its tests, and a mutant of a shared helper is covered by tests in every file.
 * Runs without an active mutant, and parallel runs, are left to jest as they are.
 */
const TestRunner = require('jest-runner').default;
const { activeMutant, isKilled } = require('./bail');

class BailingRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    if (!options.serial || activeMutant() === undefined) return super.runTests(tests, watcher, options);
    for (const test of tests) {
      if (isKilled()) return;
      await super.runTests([test], watcher, options);
    }
  }
}

module.exports = BailingRunner;
