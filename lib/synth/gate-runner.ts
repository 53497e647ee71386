import { GateOptions, validateManifests } from '../validate/gate';
import { Manifest } from '../validate/manifest';
import { Problem } from '../validate/problem';

/**
 * How PlatformApp runs the validation gate at synth: here, in this thread, once the YAML is
 * written in memory; or, where the synth runner provides one (bin/gate-thread.js), on a thread of
 * its own that loaded the gate's code, schemas and CEL programs while this one loaded the
 * constructs, and validates while this one writes the YAML. Either way the same function checks
 * the same objects, so the problems are the same, in the same order.
 */

/** A validation under way: its problems, waiting for them if need be. */
export interface PendingValidation {
  problems(): Problem[];
}

/**
 * Starts validating copies of the manifests on another thread; undefined when it cannot. Its
 * `problems()` gives undefined when the thread failed (then this thread validates).
 */
export type GateThread = (manifests: readonly Manifest[], options: GateOptions) => { problems(): Problem[] | undefined } | undefined;

let thread: GateThread | undefined;

/** Installs the gate thread (by the synth runner, once). */
export function provideGateThread(run: GateThread | undefined): void {
  thread = run;
}

/** The manifests' validation, started on the gate thread when there is one, else run here when asked for. */
export function startValidation(manifests: readonly Manifest[], options: GateOptions): PendingValidation {
  const started = thread?.(manifests, options);
  let problems: Problem[] | undefined;
  return { problems: () => (problems ??= started?.problems() ?? validateManifests([...manifests], options)) };
}
