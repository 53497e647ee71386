/**
 * jest-circus creates an AsyncLocalStorage for every test file it runs (its test execution context)
 * and never disables it, and Node (20) hands every enabled storage to every new promise. In a process
 * that runs thousands of files, as each test runner process of a mutation run does, every promise
 * then costs a pass over thousands of storages, and the run slows down as it goes: a profile of a
 * worker half-way through showed async_hooks' _propagate taking half its time.
 *
 * This records the storages enabled while a test file runs, so that its environment can disable
 * them when the file is done. A storage disabled by mistake is enabled again by its next run().
 */
const { AsyncLocalStorage } = require('async_hooks');

const enabled = [];
const proto = AsyncLocalStorage.prototype;
// _enable is where a storage joins Node's list (lib/async_hooks.js); where Node has no such list
// (AsyncContextFrame), there is nothing to clean up.
if (typeof proto._enable === 'function' && !proto._enable.recording) {
  const enable = proto._enable;
  proto._enable = function (...args) {
    enabled.push(this);
    return enable.apply(this, args);
  };
  proto._enable.recording = true;
}

/** Disables the storages enabled since the last call. */
function disableStorages() {
  for (const storage of enabled.splice(0)) storage.disable();
}

module.exports = { disableStorages };
