/**
 * The node test environment, with these additions for mutation runs (Stryker wraps it with its own
 * coverage mixin as it does the default environment):
 * - it records the names of the tests a file ran (test-names.js) when every test runs: no mutant
 *   active and no --testNamePattern, as in Stryker's initial run;
 * - it stops a mutant's run at its first failing test. One failure kills the mutant, but Stryker's
 *   jest runner cannot pass jest's `bail` (jestjs/jest#11766) and would run every covering test,
 *   hundreds for the gate's shared helpers. The tests after the failure are skipped, and the
 *   files after it are not loaded (runner.js), as Stryker bails with its other runners;
 * - it disables the AsyncLocalStorages its file left enabled (async-storage.js), which would
 *   otherwise slow down every later file of the process.
 */
const { TestEnvironment } = require('jest-environment-node');
const { disableStorages } = require('./async-storage');
const { activeMutant, isKilled, recordKill } = require('./bail');
const { fullName, recordFile } = require('./test-names');

class NamingEnvironment extends TestEnvironment {
  #rootDir;
  #testPath;
  #names = [];
  #recording;

  constructor(config, context) {
    super(config, context);
    this.#rootDir = config.projectConfig.rootDir;
    this.#testPath = context.testPath;
    this.#recording = activeMutant() === undefined && !config.globalConfig.testNamePattern;
  }

  async teardown() {
    await super.teardown();
    disableStorages();
  }

  async handleTestEvent(event) {
    if (this.#recording) {
      if (event.name === 'test_done') this.#names.push(fullName(event.test));
      if (event.name === 'run_finish') recordFile(this.#rootDir, this.#testPath, this.#names);
      return;
    }
    if (activeMutant() === undefined) return;
    if (event.name === 'test_done' && event.test.errors.length > 0) recordKill();
    if (!isKilled()) return;
    // jest-circus reads these modes right after dispatching the events.
    if (event.name === 'run_describe_start') event.describeBlock.mode = 'skip';
    if (event.name === 'test_start') event.test.mode = 'skip';
  }
}

module.exports = NamingEnvironment;
