/**
 * Which tests each test file holds, recorded while Stryker's initial test run runs every test, so
 * that a mutant's run loads only the files that hold the tests covering it (see sequencer.js).
 * Kept in the sandbox Stryker runs in; both of its test runner processes read it.
 */
const fs = require('fs');
const path = require('path');

const indexFile = (rootDir) => path.join(rootDir, '.stryker-test-names.json');

/** The index, or undefined while there is none (before the initial run has finished). */
function readIndex(rootDir) {
  try {
    return JSON.parse(fs.readFileSync(indexFile(rootDir), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Records the full test names of one test file. */
function recordFile(rootDir, testPath, names) {
  const index = readIndex(rootDir) ?? {};
  index[testPath] = names;
  fs.writeFileSync(indexFile(rootDir), JSON.stringify(index));
}

/** A test's full name as jest matches --testNamePattern against it (jest-circus's getTestID). */
function fullName(test) {
  const titles = [];
  for (let block = test; block?.parent; block = block.parent) titles.unshift(block.name);
  return titles.join(' ');
}

module.exports = { readIndex, recordFile, fullName };
