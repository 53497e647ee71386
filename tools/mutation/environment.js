/**
 * The node test environment, with two additions for mutation runs (Stryker wraps it with its own
 * coverage mixin as it does the default environment):
 * - it records the names of the tests a file ran (test-names.js) when every test runs: no mutant
 *   active and no --testNamePattern, as in Stryker's initial run;
 * - it stops a mutant's run at its first failing test. One failure kills the mutant, but Stryker's
 *   jest runner cannot pass jest's `bail` (jestjs/jest#11766) and would run every covering test,
 *   hundreds for the gate's shared helpers. The tests after the failure are skipped, the later
 *   files' describe blocks with their hooks too, as Stryker bails with its other runners.
 */
const { TestEnvironment } = require('jest-environment-node');
const { fullName, recordFile } = require('./test-names');

// Stryker's INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE (its api package is ESM only).
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

// The mutant a test has failed for, kept across the files of a run (one process runs them in band).
let killed;

class NamingEnvironment extends TestEnvironment {
  #rootDir;
  #testPath;
  #names = [];
  #recording;

  constructor(config, context) {
    super(config, context);
    this.#rootDir = config.projectConfig.rootDir;
    this.#testPath = context.testPath;
    this.#recording = process.env[ACTIVE_MUTANT] === undefined && !config.globalConfig.testNamePattern;
  }

  async handleTestEvent(event) {
    if (this.#recording) {
      if (event.name === 'test_done') this.#names.push(fullName(event.test));
      if (event.name === 'run_finish') recordFile(this.#rootDir, this.#testPath, this.#names);
      return;
    }
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) return;
    if (event.name === 'test_done' && event.test.errors.length > 0) killed = mutant;
    if (killed !== mutant) return;
    // jest-circus reads these modes right after dispatching the events.
    if (event.name === 'run_describe_start') event.describeBlock.mode = 'skip';
    if (event.name === 'test_start') event.test.mode = 'skip';
  }
}

module.exports = NamingEnvironment;
