import * as fs from 'fs';
import * as path from 'path';

/**
 * The vendored API schemas (schemas/: the Kubernetes 1.27 OpenAPI definitions and the pinned CRDs),
 * loaded lazily, once per process, and only for the kinds that occur. The gate validates against
 * them (validate/schema.ts); the Argo CD inventory asks them which kinds are namespaced.
 */

export type Schema = Record<string, any>;

const SCHEMA_DIR = path.join(__dirname, '..', 'schemas');

let k8sDefinitions: Record<string, Schema> | undefined;
let k8sByGvk: Map<string, Schema> | undefined;
/** A CRD version's schema as `npm run import` writes it: scope, schema, and where its `x-kubernetes-validations` rules sit. */
export interface CrdSchema {
  readonly scope: string;
  readonly schema: Schema;
  /** Key paths from the schema root to each node carrying rules (validate/cel-rules.ts `findRuleNodes`). */
  readonly ruleNodes?: string[][];
}

const crdCache = new Map<string, CrdSchema | null>();

export function definitions(): Record<string, Schema> {
  if (!k8sDefinitions) {
    k8sDefinitions = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'k8s-v1.27.0-definitions.json'), 'utf8')).definitions as Record<string, Schema>;
  }
  return k8sDefinitions;
}

function gvkKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

function k8sIndex(): Map<string, Schema> {
  if (!k8sByGvk) {
    k8sByGvk = new Map();
    for (const def of Object.values(definitions())) {
      for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
        const av = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        k8sByGvk.set(gvkKey(av, gvk.kind), def);
      }
    }
  }
  return k8sByGvk;
}

export function k8sSchemaFor(apiVersion: string, kind: string): Schema | undefined {
  return k8sIndex().get(gvkKey(apiVersion, kind));
}

export function crdSchemaFor(apiVersion: string, kind: string): CrdSchema | undefined {
  const key = gvkKey(apiVersion, kind);
  if (!crdCache.has(key)) {
    const [group, version] = apiVersion.split('/');
    const file = path.join(SCHEMA_DIR, 'crds', `${group}_${version}_${kind}.json`);
    crdCache.set(key, version && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null);
  }
  return crdCache.get(key) ?? undefined;
}

/**
 * The apiVersions served for a kind of the apiVersion's group, as vendored: the CRD's served versions
 * (`npm run import` writes a schema for those only) or the Kubernetes API's. Empty for an unknown kind.
 * Read only on the way to a problem: it lists the schema folder.
 */
export function servedVersions(apiVersion: string, kind: string): string[] {
  const group = groupOfVersion(apiVersion);
  const versions = new Set<string>();
  for (const file of fs.readdirSync(path.join(SCHEMA_DIR, 'crds'))) {
    const [g, version, k] = file.replace(/\.json$/, '').split('_');
    if (g === group && k === kind) versions.add(`${group}/${version}`);
  }
  if (!versions.size) {
    for (const gvk of k8sIndex().keys()) {
      const slash = gvk.lastIndexOf('/');
      if (gvk.slice(slash + 1) === kind && groupOfVersion(gvk.slice(0, slash)) === group) versions.add(gvk.slice(0, slash));
    }
  }
  return [...versions].sort();
}

function groupOfVersion(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Kinds of the core API that live outside namespaces (the ones this platform may generate). */
const CLUSTER_SCOPED = new Set([
  'v1/Namespace', 'v1/Node', 'v1/PersistentVolume', 'rbac.authorization.k8s.io/v1/ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding', 'storage.k8s.io/v1/StorageClass',
  'networking.k8s.io/v1/IngressClass', 'scheduling.k8s.io/v1/PriorityClass',
  'apiextensions.k8s.io/v1/CustomResourceDefinition',
]);

/** schemas/kinds.json (`npm run import`): each CRD kind's scope and the Kubernetes API's kinds, without their schemas. */
interface KindIndex {
  readonly crds: Record<string, string>;
  readonly k8s: Set<string>;
}

let kindIndex: KindIndex | undefined;

function kinds(): KindIndex {
  if (!kindIndex) {
    const { crds, k8s } = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'kinds.json'), 'utf8'));
    kindIndex = { crds, k8s: new Set(k8s) };
  }
  return kindIndex;
}

/**
 * Whether objects of this kind need `metadata.namespace`; undefined for an unknown kind. From the
 * kind index: placing objects costs no schema.
 */
export function isNamespaced(apiVersion: string, kind: string): boolean | undefined {
  const key = gvkKey(apiVersion, kind);
  const scope = Object.prototype.hasOwnProperty.call(kinds().crds, key) ? kinds().crds[key] : undefined;
  if (scope !== undefined) return scope === 'Namespaced';
  if (kinds().k8s.has(key)) return !CLUSTER_SCOPED.has(key);
  return undefined;
}
