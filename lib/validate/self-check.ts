import { ApiObject } from 'cdk8s';
import { folderOf, IN_CLUSTER_SERVER } from './folders';
import { GateOptions, validateManifests } from './gate';
import { formatProblem } from './problem';

/**
 * The gate's side of a construct's self-check (lib/props/self-check.ts): the problems of the
 * construct's objects as messages, each object named by the construct's label; `gateways` are
 * those the construct's environment declares (its HTTPRoutes' parents).
 */
export function selfCheckProblems(objects: readonly ApiObject[], label: string, options: Pick<GateOptions, 'policy'> & { readonly gateways?: readonly string[] } = {}): string[] {
  const manifests = objects.map((o) => ({ file: label, doc: o.toJson() }));
  const folders = options.gateways ? new Map([[folderOf({ file: label, doc: {} }), { server: IN_CLUSTER_SERVER, gateways: options.gateways }]]) : undefined;
  return validateManifests(manifests, { policy: options.policy, folders }).map(formatProblem);
}
