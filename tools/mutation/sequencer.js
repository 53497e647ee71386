/**
 * Jest's test sequencer, dropping the test files that hold none of the tests a mutant's run asks
 * for. Stryker names the tests covering a mutant in --testNamePattern, but jest would still load
 * every related file to find out that most of their tests do not match; loading a file costs more
 * than running its matching tests. Files not in the index (test-names.js) are always kept, and a
 * run that would be left with no file keeps them all, so a missing index only costs time.
 */
const Sequencer = require('@jest/test-sequencer').default;
const { readIndex } = require('./test-names');

// Read once per test runner process: jest builds a new sequencer for every run, and the index no
// longer changes once the initial run has written it.
let index;

class CoveringTestsSequencer extends Sequencer {
  #globalConfig;

  constructor(options) {
    super(options);
    this.#globalConfig = options.globalConfig;
  }

  async sort(tests) {
    const sorted = await super.sort(tests);
    const pattern = this.#globalConfig.testNamePattern;
    if (!pattern) return sorted;
    index ??= readIndex(this.#globalConfig.rootDir);
    if (!index) return sorted;
    const wanted = new RegExp(pattern, 'i'); // as jest-circus matches it
    const kept = sorted.filter((t) => !index[t.path] || index[t.path].some((name) => wanted.test(name)));
    return kept.length ? kept : sorted;
  }
}

module.exports = CoveringTestsSequencer;
