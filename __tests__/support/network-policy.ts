/**
 * Whether NetworkPolicies admit a connection, by the rules of the API (k8s.io/api networking/v1
 * types.go, NetworkPolicySpec and NetworkPolicyIngressRule; the semantics every conforming plugin
 * implements): a pod that no policy selects for Ingress accepts everything; once one does, a
 * connection gets through only when some rule of some policy selecting the pod admits it. A rule
 * admits it when its `from` is empty or absent (everyone) or one peer matches, and its `ports` are
 * empty or absent (every port) or one matches. A peer with a podSelector only selects pods of the
 * policy's namespace; with a namespaceSelector only, every pod of those namespaces; with both, those
 * pods of those namespaces. Namespaces carry `kubernetes.io/metadata.name`. The kubelet's probes
 * come from the node and are not subject to policies; ipBlock peers (node and external traffic) are
 * not modelled.
 */
export interface Pod {
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

const matches = (selector: any, labels: Record<string, string>) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v) && (selector?.matchExpressions ?? []).length === 0;

function peerAdmits(peer: any, policyNamespace: string, source: Pod): boolean {
  if (peer.ipBlock) return false;
  const nsLabels = { 'kubernetes.io/metadata.name': source.namespace };
  if (peer.namespaceSelector && !matches(peer.namespaceSelector, nsLabels)) return false;
  if (!peer.namespaceSelector && source.namespace !== policyNamespace) return false;
  return peer.podSelector ? matches(peer.podSelector, source.labels) : true;
}

/** Whether `source` may open a TCP connection to `port` (number) of `target`, under `policies` (NetworkPolicy documents). */
export function admits(policies: any[], source: Pod, target: Pod, port: number): boolean {
  const selecting = policies.filter((p) => p.kind === 'NetworkPolicy' && p.metadata.namespace === target.namespace
    && matches(p.spec.podSelector, target.labels) && (p.spec.policyTypes ?? ['Ingress']).includes('Ingress'));
  if (selecting.length === 0) return true;
  return selecting.some((p) => (p.spec.ingress ?? []).some((rule: any) =>
    (!rule.from?.length || rule.from.some((peer: any) => peerAdmits(peer, p.metadata.namespace, source)))
    && (!rule.ports?.length || rule.ports.some((q: any) => (q.protocol ?? 'TCP') === 'TCP' && (q.port === undefined || q.port === port)))));
}
