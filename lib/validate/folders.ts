import type { StoreRef } from '../rules/external-secrets';
import { describe, Manifest } from './manifest';
import { Problem } from './problem';
import { isNamespaced } from './schema';
import { compare } from '../util';

/** Argo CD's own cluster, as Applications and AppProjects name it. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
/** Argo CD's objects: whoever may write them may deploy anything anywhere. */
const ARGO_CD_KINDS = new Set(['Application', 'ApplicationSet', 'AppProject']);

/** The folder of `dist/` a manifest belongs to (`dev/orders.yaml` -> `dev`). */
export function folderOf(m: Manifest): string {
  const slash = m.file.indexOf('/');
  return slash < 0 ? '' : m.file.slice(0, slash);
}

function isArgoCdObject(doc: any): boolean {
  return typeof doc?.apiVersion === 'string' && doc.apiVersion.startsWith('argoproj.io/') && ARGO_CD_KINDS.has(doc.kind);
}

/** An Application destination as a cluster key: its server, or its cluster name when it names one. */
function destinationCluster(destination: any): string {
  if (destination?.server) return String(destination.server).replace(/\/+$/, '');
  if (destination?.name === 'in-cluster' || !destination?.name) return IN_CLUSTER_SERVER;
  return `cluster named "${destination.name}"`;
}

/** Which folder an Application syncs: the folder whose name ends its `source.path`. */
function syncedFolder(app: any, folders: Set<string>): string | undefined {
  const path = String(app?.spec?.source?.path ?? '').replace(/\/+$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  return folders.has(last) ? last : undefined;
}

/** Where the constructs deploy a folder: its cluster, and the namespace it owns (an environment's). */
export interface FolderTarget {
  /** API server URL of the folder's cluster. */
  readonly server: string;
  /** The namespace the folder deploys to and owns, if it declares one. */
  readonly namespace?: string;
  /**
   * The Gateways the folder's environment declares, as `<namespace>/<name>`: the parents its
   * HTTPRoutes may attach to besides the Gateways in the output.
   * @default none
   */
  readonly gateways?: readonly string[];
  /** Secret stores (External Secrets Operator) the folder's cluster provides to it; none when not given. */
  readonly secretStores?: readonly StoreRef[];
}

/** What the gate knows of folders and clusters. */
export interface FolderClusters {
  /** Folder -> cluster (API server URL) that it is deployed to. */
  readonly clusters: Map<string, string>;
  /** Folder -> the Application that syncs it, when the output holds one. */
  readonly applications: Map<string, Manifest>;
  readonly problems: Problem[];
}

/**
 * The cluster of each folder: the destination of the Application that syncs it (what Argo CD does),
 * else what the constructs declared (`known`), else Argo CD's own cluster.
 */
export function folderClusters(manifests: Manifest[], known?: ReadonlyMap<string, FolderTarget>): FolderClusters {
  const folders = new Set(manifests.map(folderOf));
  const clusters = new Map<string, string>();
  const applications = new Map<string, Manifest>();
  const problems: Problem[] = [];
  for (const m of manifests) {
    if (m.doc?.kind !== 'Application' || !isArgoCdObject(m.doc)) continue;
    const folder = syncedFolder(m.doc, folders);
    if (folder === undefined) continue;
    const first = applications.get(folder);
    if (first) {
      problems.push({ object: describe(m), path: 'spec.source.path', message: `folder "${folder}" is already synced by ${describe(first)}: one Application per folder` });
      continue;
    }
    applications.set(folder, m);
    clusters.set(folder, destinationCluster(m.doc.spec?.destination));
  }
  for (const folder of folders) {
    if (!clusters.has(folder)) clusters.set(folder, (known?.get(folder)?.server ?? IN_CLUSTER_SERVER).replace(/\/+$/, ''));
  }
  return { clusters, applications, problems };
}

/** The manifests of each cluster, for the checks that hold within one cluster (duplicates, references). */
export function byCluster(manifests: Manifest[], clusters: ReadonlyMap<string, string>): Manifest[][] {
  const groups = new Map<string, Manifest[]>();
  for (const m of manifests) {
    const cluster = clusters.get(folderOf(m)) ?? IN_CLUSTER_SERVER;
    const list = groups.get(cluster);
    if (list) list.push(m);
    else groups.set(cluster, [m]);
  }
  return [...groups.values()];
}

type Claim = 'creates' | 'deploys to' | 'writes to';

/**
 * Folders stay in their own lane, so that write access to one folder (or the Argo CD project that
 * syncs it) reaches nothing of another:
 * - a namespace of a cluster that a folder creates (its Namespace object) or deploys to (its
 *   Application's destination, an environment's namespace) belongs to that folder alone: no other
 *   folder creates, relabels, deploys to or writes into it. A namespace nobody owns (e.g. one that
 *   several top-level charts share, without Argo CD) may be shared;
 * - Argo CD's own objects (Applications, ApplicationSets, AppProjects) live in one folder only.
 */
export function checkFolders(manifests: Manifest[], known?: ReadonlyMap<string, FolderTarget>): Problem[] {
  const { clusters, applications, problems } = folderClusters(manifests, known);

  // Argo CD objects: the folder holding the most of them is the bootstrap; ties go to the first name.
  const argo = new Map<string, number>();
  for (const m of manifests) if (isArgoCdObject(m.doc)) argo.set(folderOf(m), (argo.get(folderOf(m)) ?? 0) + 1);
  if (argo.size > 1) {
    const [bootstrap] = [...argo.entries()].sort(([a, n], [b, k]) => k - n || compare(a, b))[0];
    for (const m of manifests) {
      if (isArgoCdObject(m.doc) && folderOf(m) !== bootstrap) {
        problems.push({ object: describe(m), path: 'kind', message: `Argo CD objects belong to the bootstrap folder "${bootstrap}" only: an ${m.doc.kind} elsewhere would let this folder deploy beyond its own project` });
      }
    }
  }

  // (cluster, namespace) -> folder -> how it claims it, with the objects that do.
  const claims = new Map<string, Map<string, { how: Set<Claim>; objects: { m: Manifest; path: string }[] }>>();
  const claim = (cluster: string, namespace: string, folder: string, how: Claim, m?: Manifest, path = '') => {
    const key = `${cluster}\u0000${namespace}`;
    let byFolder = claims.get(key);
    if (!byFolder) claims.set(key, byFolder = new Map());
    let entry = byFolder.get(folder);
    if (!entry) byFolder.set(folder, entry = { how: new Set(), objects: [] });
    entry.how.add(how);
    if (m) entry.objects.push({ m, path });
  };
  for (const m of manifests) {
    const folder = folderOf(m);
    const cluster = clusters.get(folder)!;
    const namespace = m.doc?.metadata?.namespace;
    if (m.doc?.apiVersion === 'v1' && m.doc?.kind === 'Namespace' && m.doc.metadata?.name) {
      claim(cluster, m.doc.metadata.name, folder, 'creates', m, 'metadata.name');
    } else if (namespace && isNamespaced(m.doc.apiVersion, m.doc.kind) !== false) {
      claim(cluster, namespace, folder, 'writes to', m, 'metadata.namespace');
    }
  }
  for (const [folder, app] of applications) {
    const namespace = app.doc.spec?.destination?.namespace;
    if (namespace) claim(clusters.get(folder)!, namespace, folder, 'deploys to', app, 'spec.destination.namespace');
  }
  for (const [folder, target] of known ?? []) {
    if (target.namespace && !applications.has(folder) && clusters.has(folder)) claim(clusters.get(folder)!, target.namespace, folder, 'deploys to');
  }

  for (const [key, byFolder] of claims) {
    if (byFolder.size < 2) continue;
    const [cluster, namespace] = key.split('\u0000');
    const holding = (how: Claim) => [...byFolder.entries()].filter(([, e]) => e.how.has(how)).map(([f]) => f);
    const creators = holding('creates');
    const deployers = holding('deploys to');
    if (creators.length === 0 && deployers.length === 0) continue;
    // The owner creates the Namespace and deploys there; else is the only one that does either.
    const owner = [creators.filter((f) => deployers.includes(f)), creators, deployers].find((c) => c.length === 1)?.[0];
    const folders = [...byFolder.keys()].sort();
    const why = (f: string) => sentence([...byFolder.get(f)!.how].sort());
    for (const folder of folders) {
      if (folder === owner) continue;
      const message = owner !== undefined
        ? `namespace "${namespace}" of cluster ${cluster} belongs to folder "${owner}" (it ${why(owner)} it); folder "${folder}" ${why(folder)} it: a folder writes only its own namespaces`
        : `namespace "${namespace}" of cluster ${cluster} is claimed by folders ${folders.map((f) => `"${f}" (${why(f)})`).join(', ')}: each namespace of a cluster belongs to one folder`;
      const objects = byFolder.get(folder)!.objects;
      for (const { m, path } of objects) problems.push({ object: describe(m), path, message });
      if (objects.length === 0) problems.push({ object: `folder ${folder}/`, path: '', message });
    }
  }
  return problems;
}

/** `a`, `a and b`, `a, b and c`. */
function sentence(words: string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
