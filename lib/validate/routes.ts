import { backendTarget, defaultedFields, GATEWAY_GROUP, parentTarget, RefTarget } from '../rules/gateway';
import { labelSelectorMatches } from '../rules/labels';
import { groupOf, isObject } from '../util';
import { folderOf, FolderTarget } from './folders';
import { describe, Manifest, NamespaceIndex } from './manifest';
import { Problem } from './problem';

type Report = (path: string, message: string) => void;

/** The label the API server puts on every Namespace (NamespaceDefaultLabelName, Kubernetes 1.21+). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** An object of a kind and API group in one namespace of the cluster's output. */
function find(namespaces: ReadonlyMap<string, NamespaceIndex>, group: string, kind: string, namespace: string, name: string): Manifest | undefined {
  const m = namespaces.get(namespace)?.get(kind, name);
  return m && groupOf(m.doc.apiVersion) === group ? m : undefined;
}

/**
 * Gateway API HTTPRoutes reach what they name, within one cluster:
 * - a parentRef to a Gateway names one the folder's environment declares (when the gate knows the
 *   declarations: at synth, not from dist/ read back alone) or one in the output,
 *   and a Gateway in the output admits the route (listener name, allowedRoutes);
 * - a backendRef to a Service names an existing Service and one of its ports; in another
 *   namespace, a ReferenceGrant there allows it.
 */
export function checkGatewayRoutes(namespaces: ReadonlyMap<string, NamespaceIndex>, folders?: ReadonlyMap<string, FolderTarget>): Problem[] {
  const problems: Problem[] = [];
  for (const [namespace, ns] of namespaces) {
    for (const m of ns.ofKind('HTTPRoute')) {
      if (groupOf(m.doc.apiVersion) !== GATEWAY_GROUP) continue;
      const report: Report = (path, message) => problems.push({ object: describe(m), path, message });
      // What the environment declares is known at synth; dist/ read back alone does not say it.
      const declared = folders?.get(folderOf(m))?.gateways;
      // Entries that are not objects are the schema's to refuse.
      (m.doc.spec?.parentRefs ?? []).forEach((ref: any, i: number) => {
        if (isObject(ref)) checkParent(namespaces, namespace, parentTarget(ref, namespace), ref, declared, folderOf(m), `spec.parentRefs[${i}]`, report);
      });
      (m.doc.spec?.rules ?? []).forEach((rule: any, r: number) => {
        (rule?.backendRefs ?? []).forEach((ref: any, i: number) => {
          if (isObject(ref)) checkBackend(namespaces, namespace, ref, `spec.rules[${r}].backendRefs[${i}]`, report);
        });
      });
    }
  }
  return problems;
}

/**
 * A parentRef to a Gateway (Gateway API spec, GEP-1426 aside: parentRefs of kind Service are mesh
 * routes, not checked here). A Gateway in the output is checked as its controller would attach the
 * route (apis/v1/gateway_types.go AllowedRoutes, RouteNamespaces; the CRD defaults `from: Same`);
 * one only declared by the environment is trusted, its listeners being the Gateway owner's.
 */
function checkParent(namespaces: ReadonlyMap<string, NamespaceIndex>, routeNs: string, target: RefTarget, ref: any, declared: readonly string[] | undefined, folder: string, path: string, report: Report): void {
  if (target.group !== GATEWAY_GROUP || target.kind !== 'Gateway') return;
  const key = `${target.namespace}/${target.name}`;
  const gateway = find(namespaces, GATEWAY_GROUP, 'Gateway', target.namespace, target.name);
  if (!gateway) {
    if (declared !== undefined && !declared.includes(key)) {
      const known = declared.length ? `the environment of folder "${folder}" declares ${declared.map((g) => `"${g}"`).join(', ')}` : `the environment of folder "${folder}" declares no Gateway`;
      report(path, `Gateway "${key}" is not declared and not in the output (${known}): attach the route to a declared Gateway, or declare this one in the Environment's traffic settings`);
    }
    return;
  }
  // Entries that are not objects are the schema's to refuse.
  const listeners: any[] = (gateway.doc.spec?.listeners ?? []).filter(isObject);
  const section = ref.sectionName;
  const candidates = section === undefined ? listeners : listeners.filter((l) => l.name === section);
  if (section !== undefined && candidates.length === 0) {
    report(`${path}.sectionName`, `Gateway "${key}" has no listener "${section}" (listeners: ${listeners.map((l) => l.name).join(', ') || 'none'}): name one of them, or leave sectionName out to attach to all`);
    return;
  }
  const refusals = candidates.map((l) => refusal(namespaces, l, routeNs, target.namespace));
  if (refusals.length && refusals.every((r) => r !== undefined)) {
    const which = section === undefined ? `no listener of Gateway "${key}" admits it` : `listener "${section}" of Gateway "${key}" does not admit it`;
    report(path, `${which} (${[...new Set(refusals)].join('; ')}): set the listener's allowedRoutes.namespaces to from: All, or from: Selector matching namespace "${routeNs}"`);
  }
}

/** Why a listener does not admit an HTTPRoute from `routeNs`, or undefined when it does (or cannot be told). */
function refusal(namespaces: ReadonlyMap<string, NamespaceIndex>, listener: any, routeNs: string, gatewayNs: string): string | undefined {
  const kinds: any[] = (listener.allowedRoutes?.kinds ?? []).filter(isObject);
  if (kinds.length > 0 && !kinds.some((k) => (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && k.kind === 'HTTPRoute')) return `"${listener.name}" allows only ${kinds.map((k) => k.kind).join(', ')}`;
  // Listener protocols of the standard channel: HTTP and HTTPS carry HTTPRoutes; TLS, TCP and UDP other kinds.
  if (kinds.length === 0 && ['TLS', 'TCP', 'UDP'].includes(listener.protocol)) return `"${listener.name}" is a ${listener.protocol} listener`;
  const namespacesFrom = listener.allowedRoutes?.namespaces;
  const from = namespacesFrom?.from ?? 'Same';
  if (from === 'Same') return routeNs === gatewayNs ? undefined : `"${listener.name}" admits routes from its own namespace "${gatewayNs}" only (allowedRoutes.namespaces.from defaults to Same)`;
  const namespace = find(namespaces, '', 'Namespace', '', routeNs);
  // All admits every namespace; for Selector the route namespace's labels decide, and without its
  // Namespace object the gate cannot tell.
  if (from !== 'Selector' || !namespace) return undefined;
  const labels = { ...(namespace.doc.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: routeNs };
  return labelSelectorMatches(namespacesFrom.selector, labels) ? undefined : `the selector of "${listener.name}" does not match the labels of namespace "${routeNs}"`;
}

/**
 * A backendRef to a core Service: the Service exists with that port (BackendObjectReference:
 * "Port is required when the referent is a Kubernetes Service"), and a reference into another
 * namespace is allowed there by a ReferenceGrant (apis/v1beta1/referencegrant_types.go: "All
 * cross-namespace references in Gateway API (with the exception of cross-namespace Gateway-route
 * attachment) require a ReferenceGrant"). Other backend kinds are the implementation's.
 */
function checkBackend(namespaces: ReadonlyMap<string, NamespaceIndex>, routeNs: string, ref: any, path: string, report: Report): void {
  const target = backendTarget(ref, routeNs);
  if (target.group !== '' || target.kind !== 'Service') return;
  const where = target.namespace === routeNs ? 'this namespace' : `namespace "${target.namespace}"`;
  const service = find(namespaces, '', 'Service', target.namespace, target.name);
  if (!service) {
    report(`${path}.name`, `Service "${target.name}" does not exist in ${where}: name a Service of the output`);
    return;
  }
  const ports: any[] = (service.doc.spec?.ports ?? []).filter(isObject);
  const listed = ports.map((p) => p.port).join(', ');
  if (ref.port === undefined) report(`${path}.port`, `a backendRef to a Service needs its port: set port to one of ${listed || 'its ports (it has none)'}`);
  else if (!ports.some((p) => p.port === ref.port)) report(`${path}.port`, `Service "${target.name}" has no port ${ref.port} (ports: ${listed || 'none'}): use one of its ports`);
  if (target.namespace !== routeNs && !granted(namespaces, routeNs, target)) {
    report(`${path}.namespace`, `the Service is in namespace "${target.namespace}", and no ReferenceGrant there allows HTTPRoutes of namespace "${routeNs}" to reference it: add one (from: group ${GATEWAY_GROUP}, kind HTTPRoute, namespace ${routeNs}; to: group "", kind Service), or route to a Service of this namespace`);
  }
}

/** A ReferenceGrant in the target namespace lets HTTPRoutes of `routeNs` reference the Service (a grant without `to.name` covers every Service). */
function granted(namespaces: ReadonlyMap<string, NamespaceIndex>, routeNs: string, target: RefTarget): boolean {
  return namespaces.get(target.namespace)!.ofKind('ReferenceGrant').some((g) => groupOf(g.doc.apiVersion) === GATEWAY_GROUP
    && (g.doc.spec?.from ?? []).some((f: any) => f?.group === GATEWAY_GROUP && f.kind === 'HTTPRoute' && f.namespace === routeNs)
    && (g.doc.spec.to ?? []).some((t: any) => t?.group === '' && t.kind === 'Service' && (t.name === undefined || t.name === target.name)));
}

/**
 * Platform policy for HTTPRoutes: every field the API server defaults in a reference is written
 * (backendRefs weight, group and kind; parentRefs group and kind). Otherwise the live route carries
 * the defaults and the committed one does not, and Argo CD shows the route OutOfSync forever
 * (argoproj/argo-helm#3538; notes/gateway-api.md section 5).
 */
export function checkRouteDefaults(m: Manifest): Problem[] {
  if (m.doc.kind !== 'HTTPRoute' || groupOf(m.doc.apiVersion) !== GATEWAY_GROUP) return [];
  const problems: Problem[] = [];
  const report = (path: string, missing: string[]) => {
    if (missing.length) problems.push({ object: describe(m), path, message: `write ${missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}` : missing[0]} explicitly: the API server defaults ${missing.length === 1 ? 'it' : 'them'}, and Argo CD would show the route OutOfSync forever` });
  };
  (m.doc.spec?.parentRefs ?? []).forEach((ref: any, i: number) => report(`spec.parentRefs[${i}]`, defaultedFields(ref, ['group', 'kind'])));
  (m.doc.spec?.rules ?? []).forEach((rule: any, r: number) => {
    (rule?.backendRefs ?? []).forEach((ref: any, i: number) => report(`spec.rules[${r}].backendRefs[${i}]`, defaultedFields(ref, ['weight', 'group', 'kind'])));
  });
  return problems;
}
