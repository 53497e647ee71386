/**
 * The node test environment, recording the names of the tests a file ran (test-names.js) when every
 * test runs: no mutant active and no --testNamePattern, as in Stryker's initial run. Stryker wraps
 * it with its own coverage mixin as it does the default environment.
 */
const { TestEnvironment } = require('jest-environment-node');
const { fullName, recordFile } = require('./test-names');

// Stryker's INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE (its api package is ESM only).
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

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
    if (!this.#recording) return;
    if (event.name === 'test_done') this.#names.push(fullName(event.test));
    if (event.name === 'run_finish') recordFile(this.#rootDir, this.#testPath, this.#names);
  }
}

module.exports = NamingEnvironment;
