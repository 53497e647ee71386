import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * A construct's own check of its objects by the validation gate, for a plain cdk8s App or a user's
 * test that calls `app.synth()` without a PlatformApp. Constructs never import the gate: the
 * platform provides the check (`provideSelfCheck`) when the public API is loaded, so the layers
 * stay one way (constructs -> props machinery <- platform -> gate).
 */

/** What a construct asks of the gate. */
export interface SelfCheckOptions {
  /**
   * Apply the security and operability policy too.
   * @default true
   */
  readonly policy?: boolean;
  /**
   * The Gateways (`<namespace>/<name>`) the construct's HTTPRoutes may attach to without the
   * Gateway among its objects: those of its environment.
   * @default none
   */
  readonly gateways?: readonly string[];
}

/** The gate's problems with `objects`, each named by `label`, as messages. */
export type SelfCheck = (objects: readonly ApiObject[], label: string, options: SelfCheckOptions) => string[];

let provided: SelfCheck | undefined;
let platformGateRunning = false;

/** Installs the gate's check (by the platform, once). */
export function provideSelfCheck(check: SelfCheck): void {
  provided = check;
}

/**
 * Runs `fn` while a PlatformApp's full gate is about to check every object: the constructs'
 * own checks below would only repeat it, so they stand aside.
 */
export function underPlatformGate<T>(fn: () => T): T {
  platformGateRunning = true;
  try {
    return fn();
  } finally {
    platformGateRunning = false;
  }
}

/**
 * Registers the gate's checks over a construct's own objects (plus `extra`, e.g. the Deployment a
 * Rollout drives) as a construct validation, so that a plain cdk8s App catches escape-hatch
 * mistakes too.
 */
export function addSelfCheck(construct: Construct, label: string, options: SelfCheckOptions = {}, extra: () => ApiObject[] = () => []): void {
  // A plain cdk8s App validates the whole app once per chart; the result is kept while the
  // construct's subtree and its objects' patches stay the same, so that stays cheap.
  let cached: { fingerprint: string; problems: string[] } | undefined;
  construct.node.addValidation({
    validate: () => {
      if (platformGateRunning || !provided) return [];
      const nodes = construct.node.findAll();
      const objects = [...new Set([...nodes.filter((c): c is ApiObject => c instanceof ApiObject), ...extra()])];
      const fingerprint = `${nodes.length}/${objects.map((o) => (o as unknown as { patches?: unknown[] }).patches?.length ?? 0).join(',')}`;
      if (cached?.fingerprint !== fingerprint) cached = { fingerprint, problems: provided(objects, label, options) };
      return cached.problems;
    },
  });
}
