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
  // A plain cdk8s App validates the whole app once per chart; the result is kept while the
  // construct's subtree and its objects' patches stay the same, so that stays cheap.
  let cached: { fingerprint: string; problems: string[] } | undefined;
  construct.node.addValidation({
    validate: () => {
      if (platformGateRunning) return [];
      const nodes = construct.node.findAll();
      const objects = [...new Set([...nodes.filter((c): c is ApiObject => c instanceof ApiObject), ...extra()])];
      const fingerprint = `${nodes.length}/${objects.map((o) => (o as unknown as { patches?: unknown[] }).patches?.length ?? 0).join(',')}`;
      if (cached?.fingerprint !== fingerprint) {
        const manifests = objects.map((o) => ({ file: label, doc: o.toJson() }));
        cached = { fingerprint, problems: validateManifests(manifests, options).map(formatProblem) };
      }
      return cached.problems;
    },
  });
}
