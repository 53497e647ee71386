'use strict';
// The gate thread's side (see gate-thread.js): prepare the gate, then validate what is posted.
const { workerData } = require('worker_threads');
const { ANSWERED, EXITED } = require('./gate-thread');

const { port, cell } = workerData;
process.on('exit', () => {
  Atomics.store(cell, 0, EXITED);
  Atomics.notify(cell, 0);
});
require('./ts-register').register();
const { prepareGate, validateManifests } = require('../lib/validate/gate.ts');

// Whatever fails here fails again, with its own message, when the main thread validates itself.
try {
  prepareGate();
} catch { /* validated without preparation */ }
port.on('message', ({ manifests, options }) => {
  let answer;
  try {
    answer = { problems: validateManifests(manifests, options) };
  } catch {
    answer = { failed: true };
  }
  port.postMessage(answer);
  Atomics.store(cell, 0, ANSWERED);
  Atomics.notify(cell, 0);
});
