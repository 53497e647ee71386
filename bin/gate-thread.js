'use strict';
// The validation gate on a thread of its own, for the synth runner. Started first thing, the
// thread loads the gate's code, the API schemas and the CRDs' CEL programs (bin/gate-worker.js)
// while the main thread loads and builds the constructs; at synth it checks the objects while the
// main thread writes their YAML in memory (lib/synth/gate-runner.ts). The main thread waits for
// its answer before anything is written. Where it cannot help (one CPU) or fails in any way, the
// main thread validates as it always did: the answer is the same, only later.
const os = require('os');
const path = require('path');
const { MessageChannel, receiveMessageOnPort, Worker } = require('worker_threads');

/** The worker's states in the shared cell: an answer is waiting, or it has exited. */
const ANSWERED = 1;
const EXITED = 2;
/** How long the main thread waits for an answer before it validates itself. */
const PATIENCE_MS = 10 * 60 * 1000;

/** Starts the thread; returns the GateThread for lib/synth/gate-runner.ts, or undefined where it would not help. */
function startGateThread() {
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  if (cpus < 2) return undefined;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let worker;
  try {
    worker = new Worker(path.join(__dirname, 'gate-worker.js'), { workerData: { port: port2, cell }, transferList: [port2] });
  } catch {
    return undefined;
  }
  // Neither keeps the process alive: a synth that ends (or fails) before asking leaves without it.
  worker.unref();
  port1.unref();
  let broken = false;
  return (manifests, options) => {
    if (broken) return undefined;
    Atomics.store(cell, 0, 0);
    try {
      port1.postMessage({ manifests, options });
    } catch {
      broken = true;
      return undefined;
    }
    return { problems: () => answer() };
  };

  function answer() {
    const deadline = Date.now() + PATIENCE_MS;
    for (;;) {
      const received = receiveMessageOnPort(port1);
      if (received) {
        if (received.message.problems) return received.message.problems;
        broken = true;
        return undefined;
      }
      if (Atomics.load(cell, 0) === EXITED || Date.now() > deadline) {
        broken = true;
        return undefined;
      }
      Atomics.wait(cell, 0, 0, 100);
    }
  }
}

module.exports = { startGateThread, ANSWERED, EXITED };
