/**
 * The mutant of the current run and whether a test has already failed for it (one failure kills a
 * mutant). Shared by environment.js and runner.js: jest requires both in the process that runs the
 * test files in band, as Stryker runs jest again and again for one mutant after another.
 */

// Stryker's INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE (its api package is ESM only).
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

let killed;

/** The active mutant's id, undefined when the code runs unmutated. */
const activeMutant = () => process.env[ACTIVE_MUTANT];

/** Records that a test failed for the active mutant. */
function recordKill() {
  killed = activeMutant();
}

/** Whether a test has failed for the active mutant, so the rest of its run can be skipped. */
const isKilled = () => activeMutant() !== undefined && killed === activeMutant();

module.exports = { activeMutant, recordKill, isKilled };
