import { checkApiRules } from '../lib/validate/api-rules';
import { formatProblem } from '../lib/validate/problem';
import { manifest, named, NS } from './support/docs';

/**
 * Fields a kind requires or forbids by its type: a Service's `type` (Kubernetes 1.27 ValidateService,
 * validateServiceExternalTrafficPolicy, validateClientIPAffinityConfig) and a PersistentVolumeClaim's
 * spec (ValidatePersistentVolumeClaimSpec). Messages are the API server's field-error details.
 */
type Doc = Record<string, any>;

const rules = (doc: Doc) => checkApiRules(manifest(doc)).map(formatProblem);
const S = 'dev/app.yaml Service web';
const SUBDOMAIN = 'must be a DNS-1123 subdomain: lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (e.g. "example.com")';

function svc(spec: Doc): Doc {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec } };
}

describe('ValidateService: the fields a Service type requires and forbids', () => {
  test.each<[string, Doc, string[]]>([
    ['an unknown type', { type: 'Internal' }, [`${S} spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`]],
    ['a ClusterIP Service without ports', { ports: [] }, [`${S} spec.ports: Required value: a ClusterIP Service needs at least one port`]],
    ['a LoadBalancer without ports', { type: 'LoadBalancer', ports: undefined }, [`${S} spec.ports: Required value: a LoadBalancer Service needs at least one port`]],
    ['a nodePort on a ClusterIP Service (the default type)', { ports: [{ port: 80, nodePort: 30080 }] }, [`${S} spec.ports[0].nodePort: may not be used when \`type\` is 'ClusterIP'`]],
    ['a headless NodePort Service', { type: 'NodePort', clusterIP: 'None' }, [`${S} spec.clusterIPs[0]: may not be set to 'None' for NodePort services`]],
    ['a headless LoadBalancer', { type: 'LoadBalancer', clusterIPs: ['None'] }, [`${S} spec.clusterIPs[0]: may not be set to 'None' for LoadBalancer services`]],
    ['an ExternalName Service without externalName', { type: 'ExternalName' },
      [`${S} spec.externalName: Required value: the DNS name this Service is an alias for (an ExternalName Service selects no pods)`]],
    ['an ExternalName of only a dot', { type: 'ExternalName', externalName: '.' },
      [`${S} spec.externalName: Required value: the DNS name this Service is an alias for (an ExternalName Service selects no pods)`]],
    ['an ExternalName that is no DNS name', { type: 'ExternalName', externalName: 'DB_Host' }, [`${S} spec.externalName: "DB_Host": ${SUBDOMAIN}`]],
    ['an ExternalName Service with a cluster IP', { type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.0.0.1' }, [`${S} spec.clusterIPs: may not be set for ExternalName services`]],
    ['an ExternalName Service with IP families', { type: 'ExternalName', externalName: 'db.example.com', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' }, [
      `${S} spec.ipFamilies: may not be set for ExternalName services`, `${S} spec.ipFamilyPolicy: may not be set for ExternalName services`,
    ]],
    ['source ranges on a NodePort Service', { type: 'NodePort', loadBalancerSourceRanges: ['10.0.0.0/8'] }, [`${S} spec.loadBalancerSourceRanges: may only be used when \`type\` is 'LoadBalancer'`]],
    ['allocateLoadBalancerNodePorts on a ClusterIP Service', { allocateLoadBalancerNodePorts: false }, [`${S} spec.allocateLoadBalancerNodePorts: may only be used when \`type\` is 'LoadBalancer'`]],
    ['a loadBalancerClass on a NodePort Service', { type: 'NodePort', loadBalancerClass: 'example.com/lb' }, [`${S} spec.loadBalancerClass: may only be used when \`type\` is 'LoadBalancer'`]],
    ['a loadBalancerClass that is no qualified name', { type: 'LoadBalancer', loadBalancerClass: 'a b' }, [
      `${S} spec.loadBalancerClass: "a b": name part must consist of letters, digits, '-', '_' or '.', and must start and end with a letter or digit (e.g. "my.name")`,
    ]],
    ['a source range that is no CIDR', { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/33', '10.0.0.0'] }, [
      `${S} spec.loadBalancerSourceRanges[0]: must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64), got "10.0.0.0/33"`,
      `${S} spec.loadBalancerSourceRanges[1]: must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64), got "10.0.0.0"`,
    ]],
    ['externalTrafficPolicy on a ClusterIP Service', { externalTrafficPolicy: 'Local' }, [`${S} spec.externalTrafficPolicy: may only be set for externally-accessible services`]],
    ['externalTrafficPolicy on an ExternalName Service', { type: 'ExternalName', externalName: 'db.example.com', externalTrafficPolicy: 'Cluster' }, [`${S} spec.externalTrafficPolicy: may only be set for externally-accessible services`]],
    ['an unknown externalTrafficPolicy', { type: 'NodePort', externalTrafficPolicy: 'Nearest' }, [`${S} spec.externalTrafficPolicy: Unsupported value: "Nearest": supported values: "Cluster", "Local"`]],
    ['a healthCheckNodePort without Local', { type: 'LoadBalancer', healthCheckNodePort: 30999 }, [`${S} spec.healthCheckNodePort: may only be set when \`type\` is 'LoadBalancer' and \`externalTrafficPolicy\` is 'Local'`]],
    ['a healthCheckNodePort on a NodePort Service', { type: 'NodePort', externalTrafficPolicy: 'Local', healthCheckNodePort: 30999 }, [`${S} spec.healthCheckNodePort: may only be set when \`type\` is 'LoadBalancer' and \`externalTrafficPolicy\` is 'Local'`]],
    ['an unknown internalTrafficPolicy', { internalTrafficPolicy: 'Node' }, [`${S} spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"`]],
    ['an unknown protocol', { ports: [{ port: 80, protocol: 'HTTP' }] }, [`${S} spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"`]],
    ['two ports of one number and protocol (TCP by default)', { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80, protocol: 'TCP' }] }, [`${S} spec.ports[1]: Duplicate value: port 80 (TCP) is already used by another port`]],
    ['two ports of one nodePort', { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30080 }] }, [`${S} spec.ports[1].nodePort: Duplicate value: nodePort 30080 (TCP) is already used by another port`]],
    ['an unknown sessionAffinity', { sessionAffinity: 'Cookie' }, [`${S} spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"`]],
    ['sessionAffinityConfig without ClientIP affinity', { sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }, [`${S} spec.sessionAffinityConfig: must not be set when session affinity is None`]],
    ['a ClientIP timeout of 0', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } }, [`${S} spec.sessionAffinityConfig.clientIP.timeoutSeconds: must be greater than 0 and less than 86400, got 0`]],
    ['a ClientIP timeout above a day', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } }, [`${S} spec.sessionAffinityConfig.clientIP.timeoutSeconds: must be greater than 0 and less than 86400, got 86401`]],
  ])('refuses %s', (_case, spec, expected) => {
    expect(rules(svc(spec))).toEqual(expected);
  });

  test.each<[string, Doc]>([
    ['a ClusterIP Service, type written or defaulted', { type: 'ClusterIP' }],
    ['a NodePort Service with nodePorts, Local traffic', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 80, protocol: 'UDP', nodePort: 30080 }] }],
    ['a LoadBalancer with every field of its own', {
      type: 'LoadBalancer', loadBalancerSourceRanges: [' 10.0.0.0/8', '2001:db8::/64'], allocateLoadBalancerNodePorts: false, loadBalancerClass: 'example.com/lb',
      externalTrafficPolicy: 'Local', healthCheckNodePort: 30999, internalTrafficPolicy: 'Local',
    }],
    ['an ExternalName Service without ports or selector, fully qualified', { type: 'ExternalName', externalName: 'db.example.com.', ports: undefined, selector: undefined }],
    ['empty ipFamilies on an ExternalName Service', { type: 'ExternalName', externalName: 'db.example.com', ipFamilies: [] }],
    ['a headless ClusterIP Service without ports', { clusterIP: 'None', ports: [] }],
    ['a ClusterIP Service with external IPs and a traffic policy', { externalIPs: ['203.0.113.7'], externalTrafficPolicy: 'Cluster' }],
    ['nodePort 0 and an empty traffic policy (unset)', { ports: [{ port: 80, nodePort: 0 }], externalTrafficPolicy: '', healthCheckNodePort: 0, loadBalancerSourceRanges: [] }],
    ['ClientIP affinity with the default and the largest timeout', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86400 } } }],
    ['ClientIP affinity without a config (defaulted to 10800 s)', { sessionAffinity: 'ClientIP' }],
  ])('accepts %s', (_case, spec) => {
    expect(rules(svc(spec))).toEqual([]);
  });
});

describe('ValidatePersistentVolumeClaimSpec', () => {
  const P = 'dev/app.yaml PersistentVolumeClaim data';
  const pvc = (spec: Doc) => ({ ...named('PersistentVolumeClaim', 'data'), spec });
  const size = { requests: { storage: '1Gi' } };
  test.each<[string, Doc, string[]]>([
    ['no access mode', { resources: size }, [`${P} spec.accessModes: at least 1 access mode is required`]],
    ['an unknown access mode', { accessModes: ['ReadWriteAll'], resources: size }, [`${P} spec.accessModes[0]: Unsupported value: "ReadWriteAll": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"`]],
    ['ReadWriteOncePod with another mode', { accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'], resources: size }, [`${P} spec.accessModes: may not use ReadWriteOncePod with other access modes`]],
    ['no storage request', { accessModes: ['ReadWriteOnce'], resources: { limits: { storage: '1Gi' } } }, [`${P} spec.resources.requests.storage: Required value: the size of the claim, e.g. "1Gi"`]],
    ['a storage request of 0', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0Gi' } } }, [`${P} spec.resources.requests.storage: must be greater than zero, got "0Gi"`]],
    ['a storage request of the number 0', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: 0 } } }, [`${P} spec.resources.requests.storage: must be greater than zero, got "0"`]],
    ['a storage request that is no quantity', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1GB' } } }, [`${P} spec.resources.requests.storage: "1GB" is not a Kubernetes quantity (e.g. "1Gi")`]],
    ['a storage request of the wrong type', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: true } } }, [`${P} spec.resources.requests.storage: "true" is not a Kubernetes quantity (e.g. "1Gi")`]],
    ['a class name that is no DNS subdomain', { accessModes: ['ReadWriteOnce'], resources: size, storageClassName: 'Fast_SSD' }, [`${P} spec.storageClassName: "Fast_SSD": ${SUBDOMAIN}`]],
    ['an unknown volume mode', { accessModes: ['ReadWriteOnce'], resources: size, volumeMode: 'Raw' }, [`${P} spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"`]],
    ['a selector with a bad label', { accessModes: ['ReadWriteOnce'], resources: size, selector: { matchLabels: { tier: 'a b' } } }, [
      `${P} spec.selector.matchLabels.tier: label value "a b" of "tier": must be empty or consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    ]],
  ])('refuses %s', (_case, spec, expected) => {
    expect(rules(pvc(spec))).toEqual(expected);
  });

  test.each<[string, Doc]>([
    ['one mode and a size', { accessModes: ['ReadWriteOnce'], resources: size }],
    ['ReadWriteOncePod alone, a numeric size, the empty class, Block mode', { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: 1073741824 } }, storageClassName: '', volumeMode: 'Block' }],
    ['every other mode, a dotted class name', { accessModes: ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce'], resources: size, storageClassName: 'fast.ssd', volumeMode: 'Filesystem' }],
  ])('accepts %s', (_case, spec) => {
    expect(rules(pvc(spec))).toEqual([]);
  });
});
