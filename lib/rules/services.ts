/**
 * The fields a Service's type decides, as the API server checks them after defaulting (Kubernetes
 * 1.27 pkg/apis/core/validation/validation.go `ValidateService`, `validateServiceExternalTrafficPolicy`,
 * `validateLoadBalancerClassField`, `validateClientIPAffinityConfig`; defaults from
 * pkg/apis/core/v1/defaults.go `SetDefaults_Service`: type ClusterIP, sessionAffinity None, the
 * traffic policies Cluster, allocateLoadBalancerNodePorts true, ClientIP timeout 10800 s). Ports,
 * names and the selector are checked beside it (validateServicePort, in the gate).
 */
import { dns1123Subdomain, qualifiedName } from './names';
import { isParsedCidr } from './network';
import type { Finding } from './workloads';

export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;
const AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
/** core.MaxClientIPServiceAffinitySeconds. */
export const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;

const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
/** field.NotSupported's detail. */
const notSupported = (value: unknown, supported: readonly string[]) => `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`;
const ONLY_LOAD_BALANCER = "may only be used when `type` is 'LoadBalancer'";


/** What the Service's type requires and forbids; `[relative path, message]` pairs, empty when valid. */
export function serviceTypeFields(spec: any): Finding[] {
  const out: Finding[] = [];
  const type = spec?.type ?? 'ClusterIP';
  if (!(SERVICE_TYPES as readonly string[]).includes(type)) return [['type', notSupported(type, SERVICE_TYPES)]];
  const ports = list(spec?.ports);
  const clusterIPs: unknown[] = spec?.clusterIPs ?? (spec?.clusterIP ? [spec.clusterIP] : []);
  const headless = clusterIPs[0] === 'None';
  // A list of the wrong type is the schema's to report.
  if ((spec?.ports === undefined || ports.length === 0) && !headless && type !== 'ExternalName' && !(spec?.ports !== undefined && !Array.isArray(spec.ports))) out.push(['ports', `Required value: a ${type} Service needs at least one port`]);
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless) out.push(['clusterIPs[0]', `may not be set to 'None' for ${type} services`]);
  if (type === 'ExternalName') {
    // The strategy copies clusterIP into clusterIPs before validation.
    if (clusterIPs.length > 0) out.push(['clusterIPs', 'may not be set for ExternalName services']);
    for (const f of ['ipFamilies', 'ipFamilyPolicy']) if (spec?.[f] !== undefined && !(Array.isArray(spec[f]) && spec[f].length === 0)) out.push([f, 'may not be set for ExternalName services']);
    // The value (a CNAME) may end in a dot to mark it fully qualified.
    const cname = String(spec?.externalName ?? '').replace(/\.$/, '');
    if (cname === '') out.push(['externalName', 'Required value: the DNS name this Service is an alias for (an ExternalName Service selects no pods)']);
    else for (const e of dns1123Subdomain(cname)) out.push(['externalName', `"${cname}": ${e}`]);
  }
  ports.forEach((p: any, i: number) => {
    if (p?.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) out.push([`ports[${i}].protocol`, notSupported(p.protocol, PROTOCOLS)]);
    if (type === 'ClusterIP' && p?.nodePort !== undefined && p.nodePort !== 0) out.push([`ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"]);
  });
  // Duplicate (protocol, nodePort) and (protocol, port) pairs; the protocol defaults to TCP.
  for (const f of ['nodePort', 'port']) {
    const seen = new Set<string>();
    ports.forEach((p: any, i: number) => {
      if (typeof p?.[f] !== 'number' || (f === 'nodePort' && p[f] === 0)) return;
      const k = `${p.protocol ?? 'TCP'}/${p[f]}`;
      if (seen.has(k)) out.push([`ports[${i}]${f === 'nodePort' ? '.nodePort' : ''}`, `Duplicate value: ${f} ${p[f]} (${p.protocol ?? 'TCP'}) is already used by another port`]);
      seen.add(k);
    });
  }
  list(spec?.loadBalancerSourceRanges).forEach((r: unknown, i: number) => {
    if (typeof r === 'string' && !isParsedCidr(r.trim())) out.push([`loadBalancerSourceRanges[${i}]`, `must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64), got "${r}"`]);
  });
  if (type !== 'LoadBalancer') {
    for (const f of ['loadBalancerSourceRanges', 'allocateLoadBalancerNodePorts', 'loadBalancerClass']) {
      if (spec?.[f] !== undefined && !(Array.isArray(spec[f]) && spec[f].length === 0)) out.push([f, ONLY_LOAD_BALANCER]);
    }
  } else if (typeof spec?.loadBalancerClass === 'string') {
    for (const e of qualifiedName(spec.loadBalancerClass)) out.push(['loadBalancerClass', `"${spec.loadBalancerClass}": ${e}`]);
  }
  out.push(...trafficPolicies(spec, type));
  out.push(...sessionAffinity(spec));
  return out;
}

/** validateServiceExternalTrafficPolicy and validateServiceInternalTrafficFieldsValue. */
function trafficPolicies(spec: any, type: string): Finding[] {
  const out: Finding[] = [];
  // apiservice.ExternallyAccessible: a NodePort or LoadBalancer, or a ClusterIP with external IPs.
  const external = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && list(spec?.externalIPs).length > 0);
  const etp = spec?.externalTrafficPolicy;
  if (etp !== undefined && etp !== '') {
    if (!external) out.push(['externalTrafficPolicy', 'may only be set for externally-accessible services']);
    else if (!TRAFFIC_POLICIES.includes(etp)) out.push(['externalTrafficPolicy', notSupported(etp, TRAFFIC_POLICIES)]);
  }
  // apiservice.NeedsHealthCheck: a LoadBalancer with externalTrafficPolicy Local.
  if (spec?.healthCheckNodePort !== undefined && spec.healthCheckNodePort !== 0 && !(type === 'LoadBalancer' && etp === 'Local')) {
    out.push(['healthCheckNodePort', "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"]);
  }
  const itp = spec?.internalTrafficPolicy;
  if (itp !== undefined && !TRAFFIC_POLICIES.includes(itp)) out.push(['internalTrafficPolicy', notSupported(itp, TRAFFIC_POLICIES)]);
  return out;
}

/** sessionAffinity, validateClientIPAffinityConfig and validateAffinityTimeout. */
function sessionAffinity(spec: any): Finding[] {
  const affinity = spec?.sessionAffinity ?? 'None';
  if (!AFFINITIES.includes(affinity)) return [['sessionAffinity', notSupported(affinity, AFFINITIES)]];
  const config = spec?.sessionAffinityConfig;
  if (affinity === 'None') return config !== undefined ? [['sessionAffinityConfig', 'must not be set when session affinity is None']] : [];
  const timeout = config?.clientIP?.timeoutSeconds;
  if (timeout !== undefined && !(timeout > 0 && timeout <= MAX_CLIENT_IP_AFFINITY_SECONDS)) {
    return [['sessionAffinityConfig.clientIP.timeoutSeconds', `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}, got ${timeout}`]];
  }
  return [];
}
