import { routeClaims } from '../rules/gateway';
import { routeKey } from '../rules/ingress';
import { isObject } from '../util';
import { describe, Manifest, NamespaceIndex, PodTemplate } from './manifest';
import { Problem } from './problem';

/**
 * References between objects of one namespace: Services select pods and reach their ports, Ingress
 * backends name existing Services and ports, autoscalers and budgets find their targets, and the
 * ConfigMaps, PVCs and ServiceAccounts that pods use exist.
 */
export function checkReferences(ns: NamespaceIndex): Problem[] {
  const problems: Problem[] = [];
  for (const m of ns.objects.values()) {
    const report = (path: string, message: string) => problems.push({ object: describe(m), path, message });
    const spec = m.doc.spec ?? {};
    switch (m.doc.kind) {
      case 'Service': checkService(ns, spec, report); break;
      case 'Ingress': checkIngress(ns, spec, report); break;
      case 'HorizontalPodAutoscaler': checkAutoscaler(ns, spec, report); break;
      case 'PodDisruptionBudget':
        if (ns.podsSelectedBy(spec.selector?.matchLabels).length === 0) report('spec.selector', 'selects no pods of this namespace: use the app\'s stable labels (app.kubernetes.io/name and instance)');
        break;
      case 'NetworkPolicy':
        // A podSelector without matchLabels selects every pod (`{}`, e.g. a default-deny policy) or the
        // pods of its matchExpressions, which this check does not evaluate.
        if (Object.keys(spec.podSelector?.matchLabels ?? {}).length > 0 && ns.podsSelectedBy(spec.podSelector.matchLabels).length === 0) report('spec.podSelector', 'selects no pods of this namespace');
        break;
      default: break;
    }
  }
  for (const pod of ns.pods) checkPodReferences(ns, pod, problems);
  return problems;
}

type Report = (path: string, message: string) => void;

function containerPorts(pods: PodTemplate[]): { name?: string; containerPort: number }[] {
  return pods.flatMap((p) => (p.spec.containers ?? []).flatMap((c: any) => c.ports ?? []));
}

function checkService(ns: NamespaceIndex, spec: any, report: Report): void {
  if (!spec.selector || spec.type === 'ExternalName') return;
  const pods = ns.podsSelectedBy(spec.selector);
  if (pods.length === 0) {
    report('spec.selector', `selects no pods of this namespace (${JSON.stringify(spec.selector)}): use the labels of the app's pod template`);
    return;
  }
  const ports = containerPorts(pods);
  (spec.ports ?? []).forEach((p: any, i: number) => {
    const target = p.targetPort ?? p.port;
    const found = typeof target === 'number' || /^\d+$/.test(String(target))
      ? ports.some((c) => c.containerPort === Number(target))
      : ports.some((c) => c.name === target);
    if (!found) report(`spec.ports[${i}].targetPort`, `no container of the selected pods has port ${JSON.stringify(target)}`);
  });
}

function checkBackend(ns: NamespaceIndex, backend: any, path: string, report: Report): void {
  const svc = backend?.service;
  if (!svc) return;
  const service = ns.get('Service', svc.name);
  if (!service) {
    report(`${path}.service.name`, `Service "${svc.name}" does not exist in this namespace`);
    return;
  }
  const ports: any[] = service.doc.spec?.ports ?? [];
  const ok = svc.port?.name !== undefined ? ports.some((p) => p.name === svc.port.name) : ports.some((p) => p.port === svc.port?.number);
  if (!ok) report(`${path}.service.port`, `Service "${svc.name}" has no port ${JSON.stringify(svc.port)}`);
}

function checkIngress(ns: NamespaceIndex, spec: any, report: Report): void {
  if (spec.defaultBackend) checkBackend(ns, spec.defaultBackend, 'spec.defaultBackend', report);
  (spec.rules ?? []).forEach((rule: any, r: number) => {
    (rule.http?.paths ?? []).forEach((p: any, i: number) => checkBackend(ns, p.backend, `spec.rules[${r}].http.paths[${i}].backend`, report));
  });
}

function checkAutoscaler(ns: NamespaceIndex, spec: any, report: Report): void {
  const ref = spec.scaleTargetRef ?? {};
  const target = ns.get(ref.kind, ref.name);
  if (!target) {
    report('spec.scaleTargetRef', `${ref.kind} "${ref.name}" does not exist in this namespace`);
    return;
  }
  if (ref.kind === 'Rollout' && ref.apiVersion !== 'argoproj.io/v1alpha1') {
    report('spec.scaleTargetRef.apiVersion', 'must be argoproj.io/v1alpha1 for a Rollout');
  }
  const driver = ref.kind === 'Deployment' ? ns.rolloutDriving(ref.name) : undefined;
  if (driver) {
    report('spec.scaleTargetRef', `targets Deployment "${ref.name}", which Rollout "${driver.doc.metadata.name}" drives with workloadRef: target the Rollout (apiVersion argoproj.io/v1alpha1, kind Rollout), which owns the replicas`);
  }
}

function checkPodReferences(ns: NamespaceIndex, pod: PodTemplate, problems: Problem[]): void {
  const report = (path: string, message: string) => problems.push({ object: describe(pod.owner), path: `${pod.path}.spec.${path}`, message });
  const sa = pod.spec.serviceAccountName;
  if (sa && sa !== 'default' && !ns.get('ServiceAccount', sa)) report('serviceAccountName', `ServiceAccount "${sa}" does not exist in this namespace`);
  (pod.spec.volumes ?? []).forEach((v: any, i: number) => {
    if (v.configMap && !v.configMap.optional && !ns.get('ConfigMap', v.configMap.name)) {
      report(`volumes[${i}].configMap.name`, `ConfigMap "${v.configMap.name}" does not exist in this namespace`);
    }
    if (v.persistentVolumeClaim && !ns.get('PersistentVolumeClaim', v.persistentVolumeClaim.claimName)) {
      report(`volumes[${i}].persistentVolumeClaim.claimName`, `PersistentVolumeClaim "${v.persistentVolumeClaim.claimName}" does not exist in this namespace`);
    }
  });
  const volumeNames = new Set((pod.spec.volumes ?? []).map((v: any) => v.name));
  (pod.spec.containers ?? []).forEach((c: any, i: number) => {
    (c.volumeMounts ?? []).forEach((vm: any, j: number) => {
      if (!volumeNames.has(vm.name)) report(`containers[${i}].volumeMounts[${j}].name`, `no volume named "${vm.name}" in the pod`);
    });
  });
}

/** Objects that appear twice (same kind, namespace and name) overwrite each other in the cluster. */
export function checkDuplicates(manifests: Manifest[]): Problem[] {
  const seen = new Map<string, Manifest>();
  const problems: Problem[] = [];
  for (const m of manifests) {
    const key = `${m.doc.apiVersion?.split('/')[0]}/${m.doc.kind}/${m.doc.metadata?.namespace ?? ''}/${m.doc.metadata?.name}`;
    const first = seen.get(key);
    if (first) problems.push({ object: describe(m), path: 'metadata.name', message: `duplicates ${describe(first)}: names must be unique per kind and namespace` });
    else seen.set(key, m);
  }
  return problems;
}

/** An Ingress that ingress-nginx treats as a canary of another (the `canary` annotation, any prefix). */
function isCanaryIngress(m: Manifest): boolean {
  return Object.entries(m.doc.metadata?.annotations ?? {}).some(([k, v]) => /(^|\/)canary$/.test(k) && String(v) === 'true');
}

/** The Service an Ingress path sends traffic to (namespace/name), if it names one. */
function ingressService(ns: string, backend: any): string | undefined {
  return backend?.service?.name === undefined ? undefined : `${ns}/${backend.service.name}`;
}

/**
 * The Services an HTTPRoute rule sends traffic to (namespace/name): its core Service backendRefs
 * of non-zero weight (the CRD defaults weight to 1).
 */
function routeServices(ns: string, rule: any): string[] {
  return (rule?.backendRefs ?? [])
    .filter((b: any) => isObject(b) && (b.group ?? '') === '' && (b.kind ?? 'Service') === 'Service' && b.weight !== 0)
    .map((b: any) => `${b.namespace ?? ns}/${b.name}`);
}

interface IngressClaim { owner: Manifest; path: string; service?: string }

/**
 * One claim per host and path in an environment, across Ingresses and Gateway API HTTPRoutes
 * (apps, preview and canary-routed alike):
 * - Ingress and Ingress: ingress-nginx's admission webhook refuses the second claim, and without it
 *   which app answers is undefined. Canary Ingresses (the `canary: "true"` annotation) share their
 *   stable Ingress's routes by design;
 * - HTTPRoute and HTTPRoute: a Gateway merges them and the oldest route wins the conflict
 *   (Gateway API spec, HTTPRoute "Conflicts"), so which app answers depends on creation order;
 * - one Ingress and one HTTPRoute may claim the same host and path while an environment moves from
 *   Ingress to the Gateway API (DNS points at one edge or the other), but only when both send the
 *   path to the same Service.
 */
export function checkRoutes(ns: NamespaceIndex): Problem[] {
  const problems: Problem[] = [];
  const claims = new Map<string, IngressClaim>();
  for (const m of ns.ofKind('Ingress')) {
    if (isCanaryIngress(m)) continue;
    (m.doc.spec?.rules ?? []).forEach((rule: any, r: number) => {
      (rule?.http?.paths ?? []).forEach((p: any, i: number) => {
        const route = routeKey(rule.host, p?.path);
        const path = `spec.rules[${r}].http.paths[${i}]`;
        const first = claims.get(route);
        if (first && first.owner !== m) {
          problems.push({ object: describe(m), path, message: `host "${rule.host ?? '*'}" path "${p?.path ?? '/'}" is already routed by ${describe(first.owner)} (${first.path}): one Ingress per host and path in an environment; use another host or path` });
        } else if (first) {
          problems.push({ object: describe(m), path, message: `host "${rule.host ?? '*'}" path "${p?.path ?? '/'}" appears twice in this Ingress (also ${first.path})` });
        } else claims.set(route, { owner: m, path, service: ingressService(m.doc.metadata?.namespace, p?.backend) });
      });
    });
  }
  problems.push(...checkHttpRouteClaims(ns, claims));
  return problems;
}

/** The HTTPRoutes' claims, against each other and against the Ingresses' (`ingresses`). */
function checkHttpRouteClaims(ns: NamespaceIndex, ingresses: ReadonlyMap<string, IngressClaim>): Problem[] {
  const problems: Problem[] = [];
  const claims = new Map<string, { owner: Manifest; path: string }>();
  for (const m of ns.ofKind('HTTPRoute')) {
    const namespace = m.doc.metadata?.namespace;
    for (const c of routeClaims(m.doc.spec)) {
      const route = routeKey(c.host, c.path);
      const path = `spec.rules[${c.rule}].matches[${c.match}]`;
      const what = `host "${c.host}" path "${c.path}"`;
      const first = claims.get(route);
      if (first) {
        if (first.owner !== m) problems.push({ object: describe(m), path, message: `${what} is already routed by ${describe(first.owner)} (${first.path}): one route per host and path in an environment; use another host or path` });
        continue;
      }
      claims.set(route, { owner: m, path });
      const ingress = ingresses.get(route);
      const services = routeServices(namespace, m.doc.spec.rules[c.rule]);
      if (ingress && !(services.length === 1 && services[0] === ingress.service)) {
        problems.push({ object: describe(m), path, message: `${what} is also routed by ${describe(ingress.owner)} (${ingress.path}) to Service "${ingress.service ?? 'none'}", and this rule sends it to ${services.length ? services.map((s) => `"${s}"`).join(', ') : 'no Service'}: an Ingress and an HTTPRoute share a host and path only while an environment moves to the Gateway API, and then send it to the same Service; use another host or path` });
      }
    }
  }
  return problems;
}
