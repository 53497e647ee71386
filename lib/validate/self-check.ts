import { ApiObject } from 'cdk8s';
import { GateOptions, validateManifests } from './gate';
import { formatProblem } from './problem';

/**
 * The gate's side of a construct's self-check (lib/props/self-check.ts): the problems of the
 * construct's objects as messages, each object named by the construct's label.
 */
export function selfCheckProblems(objects: readonly ApiObject[], label: string, options: GateOptions = {}): string[] {
  return validateManifests(objects.map((o) => ({ file: label, doc: o.toJson() })), options).map(formatProblem);
}
