import { ES_API_VERSION, entriesWithoutStore, producedKeys, silentFetchOnce, StoreRef, storeRefs, targetSecretName, templateLiteral, templateReads, webhookRules } from '../rules/external-secrets';
import { groupOf, isObject } from '../util';
import { folderOf } from './folders';
import { describe, Manifest, NamespaceIndex, PodTemplate } from './manifest';
import { Problem } from './problem';

const isExternalSecret = (doc: any) => doc?.kind === 'ExternalSecret' && groupOf(doc?.apiVersion) === 'external-secrets.io';
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/**
 * One ExternalSecret as ESO's webhook and controller take it (rules/external-secrets.ts), and the
 * platform's policy for it: no refresh interval of zero unless the refresh policy says so, no
 * secret written into a template, every key a template reads fetched and readable.
 */
export function checkExternalSecret(m: Manifest, policy: boolean): Problem[] {
  if (!isExternalSecret(m.doc)) return [];
  const problems: Problem[] = [];
  const report = (path: string, message: string) => problems.push({ object: describe(m), path, message });
  if (m.doc.apiVersion !== ES_API_VERSION) {
    report('apiVersion', `ESO v2.9.0 serves ExternalSecret as ${ES_API_VERSION} only (${m.doc.apiVersion} is served: false in its CRD): write apiVersion: ${ES_API_VERSION}`);
    return problems;
  }
  for (const [path, message] of webhookRules(m.doc)) report(path, message);
  const spec = m.doc.spec ?? {};
  const tplData = spec.target?.template?.data;
  if (isObject(tplData)) {
    // A missing key is an error when ESO executes the template (ESO: runtime/template/v2/template.go, execute: missingkey=error).
    const fetched = list(spec.dataFrom).length ? undefined : new Set(list(spec.data).map((d: any) => d?.secretKey));
    for (const [key, text] of Object.entries(tplData)) {
      if (typeof text !== 'string') continue;
      const reads = templateReads(text);
      for (const ref of reads.dashed) report(`spec.target.template.data[${JSON.stringify(key)}]`, `${ref}: Go templates cannot read a key with '-' as a field: write {{ index . "${ref.slice(1)}" }}`);
      for (const k of fetched ? reads.keys ?? [] : []) {
        if (!fetched!.has(k)) report(`spec.target.template.data[${JSON.stringify(key)}]`, `reads "${k}", which no data[].secretKey fetches: the operator fails the template (missingkey=error); fetch it or fix the name`);
      }
      if (policy) {
        const literal = templateLiteral(key, text);
        if (literal) report(`spec.target.template.data[${JSON.stringify(key)}]`, `${literal}: fetch it from the store (data[]) and read it with {{ .key }}`);
      }
    }
  }
  if (policy) {
    list(spec.target?.template?.templateFrom).forEach((tf: any, i: number) => {
      const literal = typeof tf?.literal === 'string' ? templateLiteral('literal', tf.literal) : undefined;
      if (literal) report(`spec.target.template.templateFrom[${i}].literal`, `${literal}: fetch it from the store and read it with {{ .key }}`);
    });
    if (silentFetchOnce(m.doc)) {
      report('spec.refreshInterval', `"${spec.refreshInterval}" fetches once and then never again, not even after this ExternalSecret changes in Git (ESO shouldRefreshPeriodic): say so with refreshPolicy: CreatedOnce, or use OnChange or an interval such as "1h0m0s"`);
    }
  }
  return problems;
}

/** Which stores a folder's ExternalSecrets may name: those the output holds and those declared for it. */
export interface StoreKnowledge {
  /** Folder -> stores declared as provided by its cluster; undefined: not told (no store check). */
  readonly declared?: (folder: string) => readonly StoreRef[];
  /** ClusterSecretStores the cluster's manifests hold. */
  readonly clusterStores: ReadonlySet<string>;
}

/** The ClusterSecretStores among one cluster's manifests. */
export function clusterStoresOf(manifests: Manifest[]): Set<string> {
  return new Set(manifests.filter((m) => m.doc?.kind === 'ClusterSecretStore' && groupOf(m.doc.apiVersion) === 'external-secrets.io').map((m) => m.doc.metadata?.name));
}

/**
 * Across the objects of one namespace: one ExternalSecret per Secret (ESO:
 * pkg/controllers/externalsecret/externalsecret_controller.go, applyOwnership: "target is owned by
 * another ExternalSecret"), not also a Secret object in the output, every key a pod reads from it
 * produced by it (when its keys are knowable), and its stores there.
 */
export function checkSecretSources(ns: NamespaceIndex, stores: StoreKnowledge): Problem[] {
  const problems: Problem[] = [];
  const writers = new Map<string, Manifest>();
  for (const m of ns.objects.values()) {
    if (!isExternalSecret(m.doc) || m.doc.apiVersion !== ES_API_VERSION) continue;
    const report = (path: string, message: string) => problems.push({ object: describe(m), path, message });
    const target = targetSecretName(m.doc);
    if (typeof target === 'string') {
      const first = writers.get(target);
      const path = m.doc.spec?.target?.name ? 'spec.target.name' : 'metadata.name';
      if (first) report(path, `Secret "${target}" is already written by ${describe(first)}: one ExternalSecret per Secret (the second fails with "target is owned by another ExternalSecret"); merge the two into one`);
      else writers.set(target, m);
      if (ns.get('Secret', target)) report(path, `Secret "${target}" is also an object of the output: Argo CD and the operator would overwrite each other; drop the Secret object`);
    }
    for (const at of entriesWithoutStore(m.doc)) report(at, 'names no store: set spec.secretStoreRef, or sourceRef.storeRef on the entry');
    const declared = stores.declared?.(folderOf(m));
    if (declared) checkStores(m, ns, stores.clusterStores, declared, report);
  }
  for (const pod of ns.pods) checkReads(pod, writers, problems);
  return problems;
}

function checkStores(m: Manifest, ns: NamespaceIndex, clusterStores: ReadonlySet<string>, declared: readonly StoreRef[], report: (path: string, message: string) => void): void {
  for (const ref of storeRefs(m.doc)) {
    const exists = ref.kind === 'ClusterSecretStore' ? clusterStores.has(ref.name) : ns.get('SecretStore', ref.name) !== undefined;
    if (exists || declared.some((d) => d.kind === ref.kind && d.name === ref.name)) continue;
    const known = declared.map((d) => `${d.kind} "${d.name}"`).join(', ') || 'none';
    report(ref.path, `${ref.kind} "${ref.name}" is neither in the output nor declared as provided by the cluster (declared: ${known}): declare it in the Environment's secretStores, or fix the name${ref.path === 'spec.secretStoreRef' && m.doc.spec?.secretStoreRef?.kind === undefined ? ' (kind defaults to SecretStore)' : ''}`);
  }
}

/** Every Secret key a pod reads (env, envFrom, volumes, projected volumes), checked against the ExternalSecret writing that Secret. */
function checkReads(pod: PodTemplate, writers: ReadonlyMap<string, Manifest>, problems: Problem[]): void {
  const check = (path: string, secret: unknown, key: unknown, optional: unknown) => {
    const writer = writers.get(secret as string);
    if (!writer || optional === true || typeof key !== 'string') return;
    const keys = producedKeys(writer.doc);
    if (!keys || keys.has(key)) return;
    problems.push({
      object: describe(pod.owner),
      path: `${pod.path}.spec.${path}`,
      message: `reads key "${key}" of Secret "${secret}", which ${describe(writer)} does not produce (it produces ${[...keys].sort().map((k) => `"${k}"`).join(', ') || 'no key'}): the pod would not start (CreateContainerConfigError); add the key to the ExternalSecret or read one it produces`,
    });
  };
  for (const field of ['initContainers', 'containers']) {
    list(pod.spec[field]).forEach((c: any, i: number) => {
      list(c?.env).forEach((e: any, j: number) => {
        const ref = e?.valueFrom?.secretKeyRef;
        if (ref) check(`${field}[${i}].env[${j}].valueFrom.secretKeyRef.key`, ref.name, ref.key, ref.optional);
      });
    });
  }
  list(pod.spec.volumes).forEach((v: any, i: number) => {
    list(v?.secret?.items).forEach((item: any, j: number) => check(`volumes[${i}].secret.items[${j}].key`, v.secret.secretName, item?.key, v.secret.optional));
    list(v?.projected?.sources).forEach((s: any, j: number) => {
      list(s?.secret?.items).forEach((item: any, k: number) => check(`volumes[${i}].projected.sources[${j}].secret.items[${k}].key`, s.secret.name, item?.key, s.secret.optional));
    });
  });
}
