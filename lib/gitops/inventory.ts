import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Environment } from '../platform';
import { isNamespaced } from '../schemas';
import { GATEWAY_API_PLUGIN, GATEWAY_GROUP, IGNORED_WEIGHTS_JQ } from '../rules/gateway';
import { compare, groupOf } from '../util';

/** A group/kind as AppProject whitelists name it (the core group is ''). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** A cluster-scoped object, as a named AppProject cluster whitelist entry names it. */
export interface NamedGroupKind extends GroupKind {
  readonly name: string;
}

/** Fields of one object that a controller owns in the cluster. */
export interface IgnoredFields {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly pointers: Set<string>;
  readonly jq: Set<string>;
}

/** What one folder of `dist/` contains, as far as Argo CD needs to know. */
export interface FolderFacts {
  readonly folder: string;
  /** The environment the folder is, if it is one. */
  readonly environment?: Environment;
  /** The namespace of the folder's chart (the environment's, or the top-level chart's), if it sets one. */
  readonly chartNamespace?: string;
  /** Namespaces of its namespaced objects, with their object counts. */
  readonly namespaces: Map<string, number>;
  /** Names of the Namespace objects it creates. */
  readonly createdNamespaces: Set<string>;
  /** Its cluster-scoped objects, by `group/kind/name`. */
  readonly clusterObjects: Map<string, NamedGroupKind>;
  readonly namespacedKinds: Map<string, GroupKind>;
  /** Objects whose fields controllers change: `group/kind/namespace/name` -> JSON pointers. */
  readonly ignored: Map<string, IgnoredFields>;
  /** Services that Argo Rollouts manages (their selectors), as `namespace/name`. */
  readonly rolloutServices: Set<string>;
}

/**
 * The pod-template-hash label the Rollouts controller adds to the selectors of the Services it
 * manages (a jq path over the selector's keys, so the stable labels beside it are still compared).
 */
const POD_HASH_SELECTOR = '.spec.selector | objects | .[keys[] | select(startswith("rollouts-pod-template"))]';
const MANAGED_BY_ROLLOUTS = '/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts';


export { compare, groupOf };

/** The top-level chart that holds `obj` (PlatformApp's folder for objects outside environments). */
function topChart(obj: IConstruct, root: IConstruct): Chart | undefined {
  return obj.node.scopes.find((s) => s !== root && Chart.isChart(s)) as Chart | undefined;
}

/**
 * One walk over the app: what each folder of `dist/` contains, placed the way PlatformApp places
 * objects (the environment, else the top-level chart). Kinds, namespaces and cluster-scoped names
 * come from the objects themselves, so whatever a construct adds flows into the projects.
 */
export function scanFolders(root: IConstruct): Map<string, FolderFacts> {
  const folders = new Map<string, FolderFacts>();
  const facts = (folder: string, environment: Environment | undefined, chart: Chart | undefined): FolderFacts => {
    let f = folders.get(folder);
    if (!f) {
      f = {
        folder, environment, chartNamespace: environment?.namespace ?? chart?.namespace, namespaces: new Map(), createdNamespaces: new Set(), clusterObjects: new Map(), namespacedKinds: new Map(),
        ignored: new Map(), rolloutServices: new Set(),
      };
      folders.set(folder, f);
    }
    return f;
  };
  const ignore = (f: FolderFacts, group: string, kind: string, namespace: string | undefined, name: string, pointers: string[], jq: string[] = []) => {
    const key = `${group}/${kind}/${namespace ?? ''}/${name}`;
    let entry = f.ignored.get(key);
    if (!entry) f.ignored.set(key, entry = { group, kind, namespace, name, pointers: new Set(), jq: new Set() });
    for (const p of pointers) entry.pointers.add(p);
    for (const e of jq) entry.jq.add(e);
  };

  for (const obj of root.node.findAll()) {
    if (!(obj instanceof ApiObject)) continue;
    const env = Environment.find(obj);
    const chart = env ? undefined : topChart(obj, root);
    const folder = env ? env.name : chart?.node.id;
    if (folder === undefined) continue;
    const f = facts(folder, env, chart);
    const group = groupOf(obj.apiVersion);
    const namespace = obj.metadata.namespace;
    const namespaced = isNamespaced(obj.apiVersion, obj.kind) ?? namespace !== undefined;
    if (namespaced) {
      f.namespacedKinds.set(`${group}/${obj.kind}`, { group, kind: obj.kind });
      if (namespace) f.namespaces.set(namespace, (f.namespaces.get(namespace) ?? 0) + 1);
    } else {
      f.clusterObjects.set(`${group}/${obj.kind}/${obj.name}`, { group, kind: obj.kind, name: obj.name });
      if (group === '' && obj.kind === 'Namespace' && obj.name) f.createdNamespaces.add(obj.name);
    }

    // Fields that controllers own in the cluster; only these objects are rendered here.
    if (obj.kind === 'Rollout' && group === 'argoproj.io') {
      const spec = obj.toJson().spec ?? {};
      const strategy = spec.strategy ?? {};
      const services = [
        strategy.blueGreen?.activeService, strategy.blueGreen?.previewService,
        strategy.canary?.stableService, strategy.canary?.canaryService,
        strategy.canary?.pingPong?.pingService, strategy.canary?.pingPong?.pongService,
      ].filter((s): s is string => typeof s === 'string' && s !== '');
      for (const svc of services) {
        f.rolloutServices.add(`${namespace ?? ''}/${svc}`);
        ignore(f, '', 'Service', namespace, svc, [MANAGED_BY_ROLLOUTS], [POD_HASH_SELECTOR]);
      }
      const plugin = strategy.canary?.trafficRouting?.plugins?.[GATEWAY_API_PLUGIN];
      const routes = [plugin?.httpRoute, ...(Array.isArray(plugin?.httpRoutes) ? plugin.httpRoutes.map((r: any) => r?.name) : [])];
      for (const route of routes.filter((r): r is string => typeof r === 'string' && r !== '')) {
        // The weights the plugin writes at every step (IGNORED_WEIGHTS_JQ: the jq path, not the
        // label-keyed expression some docs show, which differs between Git and the cluster). Its
        // in-progress label is not in Git, so Argo CD's diff leaves it alone.
        ignore(f, GATEWAY_GROUP, 'HTTPRoute', plugin.namespace ?? namespace, route, [], [IGNORED_WEIGHTS_JQ]);
      }
      const ref = spec.workloadRef;
      if (ref?.kind && ref?.name && ref.scaleDown && ref.scaleDown !== 'never') {
        // The Rollouts controller scales the referenced workload down as the Rollout takes over.
        ignore(f, groupOf(ref.apiVersion ?? 'apps/v1'), ref.kind, namespace, ref.name, ['/spec/replicas']);
      }
    } else if (obj.kind === 'HorizontalPodAutoscaler') {
      const target = obj.toJson().spec?.scaleTargetRef;
      if (target?.kind && target?.name) ignore(f, groupOf(target.apiVersion ?? ''), target.kind, namespace, target.name, ['/spec/replicas']);
    }
  }
  return folders;
}
