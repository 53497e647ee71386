import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GateOptions, validateManifests } from './gate';
import { formatProblem } from './problem';

let platformGateRunning = false;

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
 * Rollout drives) as a construct validation, so that a plain cdk8s App or a user's test that calls
 * `app.synth()` catches escape-hatch mistakes too.
 */
export function addSelfCheck(construct: Construct, label: string, options: GateOptions = {}, extra: () => ApiObject[] = () => []): void {
  construct.node.addValidation({
    validate: () => {
      if (platformGateRunning) return [];
      const objects = [...construct.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject), ...extra()];
      const manifests = [...new Set(objects)].map((o) => ({ file: label, doc: o.toJson() }));
      return validateManifests(manifests, options).map(formatProblem);
    },
  });
}
