import { configMapKey, portName, portNumber, portNumberOrName } from '../rules/keys';
import { annotationMap, dns1035Label, dns1123Label, dns1123Subdomain, labelMap, labelValue, objectName, objectNameRule, qualifiedName, wildcardDns1123Subdomain } from '../rules/names';
import { ingressClassName, ingressHost, ingressPath, tlsSecretName } from '../rules/ingress';
import { isParsedCidr } from '../rules/network';
import { countOrPercent, nonNegative, parseQuantity } from '../rules/quantity';
import { autoscaler, configMapData, disruptionBudget, envVar, Finding, probe, rollingUpdate, toleration } from '../rules/workloads';
import { serviceTypeFields } from '../rules/services';
import { persistentVolumeClaimSpec } from '../rules/storage';
import { describe, Manifest, podTemplateOf } from './manifest';
import { Problem } from './problem';
import { isObject as isMap } from '../util';

type Report = (path: string, message: string) => void;

const at = (base: string, rel: string) => (rel ? (base ? `${base}.${rel}` : rel) : base);
const key = (base: string, k: string) => (/^[A-Za-z_][\w-]*$/.test(k) ? `${base}.${k}` : `${base}[${JSON.stringify(k)}]`);
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

function findings(report: Report, base: string, found: Finding[]): void {
  for (const [p, m] of found) report(at(base, p), m);
}

/** ValidateObjectMeta: the name rule of the kind, the namespace (a DNS-1123 label), labels and annotations. */
function objectMeta(kind: string, meta: any, base: string, report: Report, named: boolean): void {
  if (!isMap(meta)) return;
  if (named && typeof meta.name === 'string') {
    const errs = objectName(kind, meta.name);
    if (errs.length) report(`${base}.name`, `"${meta.name}" is not a valid ${kind ? `${kind} name` : 'object name'} (${objectNameRule(kind)}): ${errs.join('; ')}`);
  }
  // An empty namespace is reported once, by the gate's explicit-namespace rule.
  if (typeof meta.namespace === 'string' && meta.namespace !== '') for (const e of dns1123Label(meta.namespace)) report(`${base}.namespace`, `"${meta.namespace}" (a namespace is a DNS-1123 label): ${e}`);
  if (isMap(meta.labels)) for (const p of labelMap(meta.labels)) report(key(`${base}.labels`, p.key!), p.message);
  if (isMap(meta.annotations)) for (const p of annotationMap(meta.annotations)) report(p.key !== undefined ? key(`${base}.annotations`, p.key) : `${base}.annotations`, p.message);
}

/** ValidateLabelSelector (meta/v1/validation): matchLabels as labels, matchExpressions with valid keys, operators and values. */
function labelSelector(sel: any, base: string, report: Report): void {
  if (!isMap(sel)) return;
  if (isMap(sel.matchLabels)) for (const p of labelMap(sel.matchLabels)) report(key(`${base}.matchLabels`, p.key!), p.message);
  list(sel.matchExpressions).forEach((e: any, i: number) => {
    const eat = `${base}.matchExpressions[${i}]`;
    for (const m of qualifiedName(e?.key ?? '')) report(`${eat}.key`, `"${e?.key ?? ''}": ${m}`);
    const values = list(e?.values);
    if (e?.operator === 'In' || e?.operator === 'NotIn') {
      if (values.length === 0) report(`${eat}.values`, `must be specified when operator is ${e.operator}`);
    } else if (e?.operator === 'Exists' || e?.operator === 'DoesNotExist') {
      if (values.length) report(`${eat}.values`, `may not be specified when operator is ${e.operator}`);
    } else report(`${eat}.operator`, `must be In, NotIn, Exists or DoesNotExist, got "${e?.operator}"`);
    values.forEach((v: unknown, j: number) => { if (typeof v === 'string') for (const m of labelValue(v)) report(`${eat}.values[${j}]`, `"${v}": ${m}`); });
  });
}

const PROBES = [['livenessProbe', 'liveness'], ['readinessProbe', 'readiness'], ['startupProbe', 'startup']] as const;

/** ValidatePodSpec / validateContainers (core/validation) for the fields the platform writes. */
function podSpec(spec: any, base: string, report: Report): void {
  if (!isMap(spec)) return;
  const volumeNames = new Set<string>();
  list(spec.volumes).forEach((v: any, i: number) => {
    if (typeof v?.name !== 'string') return;
    for (const e of dns1123Label(v.name)) report(`${base}.volumes[${i}].name`, `"${v.name}": ${e}`);
    if (volumeNames.has(v.name)) report(`${base}.volumes[${i}].name`, `duplicate volume name "${v.name}"`);
    volumeNames.add(v.name);
  });
  const containerNames = new Set<string>();
  for (const field of ['initContainers', 'containers']) {
    list(spec[field]).forEach((c: any, i: number) => {
      const cat = `${base}.${field}[${i}]`;
      if (typeof c?.name === 'string') {
        for (const e of dns1123Label(c.name)) report(`${cat}.name`, `"${c.name}": ${e}`);
        if (containerNames.has(c.name)) report(`${cat}.name`, `duplicate container name "${c.name}"`);
        containerNames.add(c.name);
      }
      const portNames = new Set<string>();
      list(c?.ports).forEach((p: any, j: number) => {
        const pat = `${cat}.ports[${j}]`;
        if (typeof p?.containerPort === 'number') for (const e of portNumber(p.containerPort)) report(`${pat}.containerPort`, e);
        if (typeof p?.hostPort === 'number' && p.hostPort !== 0) for (const e of portNumber(p.hostPort)) report(`${pat}.hostPort`, e);
        if (typeof p?.name === 'string') {
          for (const e of portName(p.name)) report(`${pat}.name`, `"${p.name}" (an IANA service name): ${e}`);
          if (portNames.has(p.name)) report(`${pat}.name`, `duplicate port name "${p.name}"`);
          portNames.add(p.name);
        }
      });
      list(c?.env).forEach((e: any, j: number) => {
        const found = envVar(e);
        if (found.length) findings(report, `${cat}.env[${j}]`, found);
      });
      if (field === 'containers') {
        for (const [f, kind] of PROBES) if (isMap(c?.[f])) findings(report, `${cat}.${f}`, probe(c[f], kind));
      }
      const requests = c?.resources?.requests ?? {};
      const limits = c?.resources?.limits ?? {};
      for (const [which, map] of [['requests', requests], ['limits', limits]] as const) {
        for (const [name, q] of Object.entries(map as Record<string, unknown>)) {
          const value = typeof q === 'number' ? q : typeof q === 'string' ? parseQuantity(q) : undefined;
          if (value === undefined) report(`${cat}.resources.${which}.${name}`, `"${q}" is not a Kubernetes quantity (e.g. "500m", "1Gi", "2")`);
          else if (value < 0) report(`${cat}.resources.${which}.${name}`, `must be greater than or equal to 0, got "${q}"`);
        }
      }
      for (const [name, q] of Object.entries(requests as Record<string, unknown>)) {
        const req = typeof q === 'string' ? parseQuantity(q) : typeof q === 'number' ? q : undefined;
        const limQ = (limits as Record<string, unknown>)[name];
        const lim = typeof limQ === 'string' ? parseQuantity(limQ) : typeof limQ === 'number' ? limQ : undefined;
        if (req !== undefined && lim !== undefined && req > lim) report(`${cat}.resources.requests.${name}`, `must be less than or equal to the ${name} limit (${limQ}), got "${q}"`);
      }
    });
  }
  if (isMap(spec.nodeSelector)) for (const p of labelMap(spec.nodeSelector)) report(key(`${base}.nodeSelector`, p.key!), p.message.replace(/^label/, 'nodeSelector'));
  list(spec.tolerations).forEach((t: any, i: number) => findings(report, `${base}.tolerations[${i}]`, toleration(t)));
  if (typeof spec.serviceAccountName === 'string') for (const e of dns1123Subdomain(spec.serviceAccountName)) report(`${base}.serviceAccountName`, `"${spec.serviceAccountName}": ${e}`);
}

function service(spec: any, report: Report): void {
  const ports = list(spec?.ports);
  const seen = new Set<string>();
  ports.forEach((p: any, i: number) => {
    const pat = `spec.ports[${i}]`;
    if (ports.length > 1 && !p?.name) report(`${pat}.name`, 'is required when a Service has more than one port');
    if (typeof p?.name === 'string' && p.name) {
      // validateServicePort: Service port names are DNS-1123 labels (the container port they target is an IANA name).
      for (const e of dns1123Label(p.name)) report(`${pat}.name`, `"${p.name}": ${e}`);
      if (seen.has(p.name)) report(`${pat}.name`, `duplicate port name "${p.name}"`);
      seen.add(p.name);
    }
    if (typeof p?.port === 'number') for (const e of portNumber(p.port)) report(`${pat}.port`, e);
    if (p?.targetPort !== undefined && p.targetPort !== 0) for (const e of portNumberOrName(p.targetPort)) report(`${pat}.targetPort`, e);
    if (p?.nodePort !== undefined && p.nodePort !== 0) for (const e of portNumber(p.nodePort)) report(`${pat}.nodePort`, e);
  });
  if (isMap(spec?.selector)) for (const p of labelMap(spec.selector)) report(key('spec.selector', p.key!), p.message);
}

function ingressBackend(b: any, base: string, report: Report): void {
  const svc = b?.service;
  if (!svc) return;
  if (typeof svc.name === 'string') for (const e of dns1035Label(svc.name)) report(`${base}.service.name`, `"${svc.name}" (a Service name): ${e}`);
  const name = svc.port?.name;
  const number = svc.port?.number;
  if (name && number) report(`${base}.service.port`, 'cannot set both port name and port number');
  else if (name) for (const e of portName(name)) report(`${base}.service.port.name`, `"${name}": ${e}`);
  else if (number) for (const e of portNumber(number)) report(`${base}.service.port.number`, e);
  else report(`${base}.service.port`, 'port name or number is required');
}

/** ValidateIngressCreate / ValidateIngressSpec (networking/validation). */
function ingressSpec(doc: any, report: Report): void {
  const spec = doc.spec ?? {};
  if (list(spec.rules).length === 0 && !spec.defaultBackend) report('spec', 'either defaultBackend or rules must be specified');
  if (spec.defaultBackend) ingressBackend(spec.defaultBackend, 'spec.defaultBackend', report);
  list(spec.rules).forEach((r: any, i: number) => {
    const rat = `spec.rules[${i}]`;
    if (typeof r?.host === 'string' && r.host) for (const e of ingressHost(r.host)) report(`${rat}.host`, `"${r.host}": ${e}`);
    if (r?.http) {
      const paths = list(r.http.paths);
      if (paths.length === 0) report(`${rat}.http.paths`, 'is required');
      paths.forEach((p: any, j: number) => {
        const pat = `${rat}.http.paths[${j}]`;
        if (!p?.pathType) report(`${pat}.pathType`, 'pathType must be specified');
        else for (const e of ingressPath(p.path ?? '', p.pathType)) report(`${pat}.path`, e);
        ingressBackend(p?.backend, `${pat}.backend`, report);
      });
    }
  });
  list(spec.tls).forEach((t: any, i: number) => {
    list(t?.hosts).forEach((h: any, j: number) => {
      if (typeof h !== 'string') return;
      const errs = h.includes('*') ? wildcardDns1123Subdomain(h) : dns1123Subdomain(h);
      for (const e of errs) report(`spec.tls[${i}].hosts[${j}]`, `"${h}": ${e}`);
    });
    if (typeof t?.secretName === 'string' && t.secretName) for (const e of tlsSecretName(t.secretName)) report(`spec.tls[${i}].secretName`, `"${t.secretName}" (a Secret name): ${e}`);
  });
  if (typeof spec.ingressClassName === 'string') for (const e of ingressClassName(spec.ingressClassName)) report('spec.ingressClassName', `"${spec.ingressClassName}": ${e}`);
  const annotated = doc.metadata?.annotations?.['kubernetes.io/ingress.class'];
  if (annotated !== undefined && spec.ingressClassName !== undefined && annotated !== spec.ingressClassName) {
    report('metadata.annotations["kubernetes.io/ingress.class"]', `must match ingressClassName ("${spec.ingressClassName}") when both are specified, got "${annotated}"`);
  }
}

/** ValidateNetworkPolicySpec (networking/validation): ports, peers (exactly one kind, ipBlock alone) and policy types. */
function networkPolicy(spec: any, report: Report): void {
  labelSelector(spec?.podSelector, 'spec.podSelector', report);
  for (const [dir, peersField] of [['ingress', 'from'], ['egress', 'to']] as const) {
    list(spec?.[dir]).forEach((rule: any, i: number) => {
      const rat = `spec.${dir}[${i}]`;
      list(rule?.ports).forEach((p: any, j: number) => {
        const pat = `${rat}.ports[${j}]`;
        if (p?.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) report(`${pat}.protocol`, `must be TCP, UDP or SCTP, got "${p.protocol}"`);
        if (p?.port === undefined) {
          if (p?.endPort !== undefined) report(`${pat}.endPort`, 'may not be specified when port is not specified');
        } else if (typeof p.port === 'number') {
          for (const e of portNumber(p.port)) report(`${pat}.port`, e);
          if (p.endPort !== undefined) {
            if (p.endPort < p.port) report(`${pat}.endPort`, `must be greater than or equal to port (${p.port}), got ${p.endPort}`);
            for (const e of portNumber(p.endPort)) report(`${pat}.endPort`, e);
          }
        } else {
          if (p.endPort !== undefined) report(`${pat}.endPort`, 'may not be specified when port is non-numeric');
          for (const e of portNumberOrName(p.port)) report(`${pat}.port`, e);
        }
      });
      list(rule?.[peersField]).forEach((peer: any, j: number) => {
        const peerAt = `${rat}.${peersField}[${j}]`;
        const kinds = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((k) => peer?.[k] != null);
        if (kinds.length === 0) report(peerAt, 'must specify a peer: podSelector, namespaceSelector or ipBlock');
        else if (kinds.length > 1 && kinds.includes('ipBlock')) report(peerAt, 'may not specify both ipBlock and another peer');
        labelSelector(peer?.podSelector, `${peerAt}.podSelector`, report);
        labelSelector(peer?.namespaceSelector, `${peerAt}.namespaceSelector`, report);
        if (peer?.ipBlock) {
          const cidr = String(peer.ipBlock.cidr ?? '');
          // ValidateIPBlock parses it with net.ParseCIDR: one '/', then only the digits of the prefix length.
          if (!isParsedCidr(cidr)) report(`${peerAt}.ipBlock.cidr`, `must be a CIDR such as 10.0.0.0/8, got "${cidr}"`);
        }
      });
    });
  }
  const types = list(spec?.policyTypes);
  if (types.length > 2) report('spec.policyTypes', 'may not specify more than two policyTypes');
  types.forEach((t: unknown, i: number) => { if (t !== 'Ingress' && t !== 'Egress') report(`spec.policyTypes[${i}]`, `must be Ingress or Egress, got "${t}"`); });
}

/**
 * ValidateDeploymentSpec (apps/validation) and the Rollouts controller's ValidateRolloutSpec alike:
 * replicas, minReadySeconds and revisionHistoryLimit not negative; progressDeadlineSeconds (default
 * 600) greater than minReadySeconds.
 */
function workloadSpec(spec: any, report: Report): void {
  for (const f of ['replicas', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds']) {
    if (typeof spec[f] === 'number') for (const e of nonNegative(spec[f])) report(`spec.${f}`, e);
  }
  const deadline = spec.progressDeadlineSeconds ?? 600;
  if (typeof spec.minReadySeconds === 'number' && deadline <= spec.minReadySeconds) {
    report('spec.progressDeadlineSeconds', `must be greater than minReadySeconds (${spec.minReadySeconds}), got ${deadline}`);
  }
}

/**
 * The API server's validation of one object, for the kinds the platform writes: names by kind,
 * labels, annotations, the pod template, and each kind's spec. Schema (types, enums, int32/int64
 * ranges) is checked by validateSchema.
 */
export function checkApiRules(m: Manifest): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (path, message) => problems.push({ object: describe(m), path, message });
  const doc: any = m.doc;
  if (!isMap(doc)) return problems;
  const kind = String(doc.kind ?? '');
  objectMeta(kind, doc.metadata, 'metadata', report, true);
  const pod = podTemplateOf(m);
  if (pod) {
    const template = pod.path.split('.').reduce((o: any, k) => o?.[k], doc);
    objectMeta('Pod', template?.metadata, `${pod.path}.metadata`, report, false);
    podSpec(pod.spec, `${pod.path}.spec`, report);
  }
  const spec: any = doc.spec ?? {};
  switch (kind) {
    case 'Deployment': {
      labelSelector(spec.selector, 'spec.selector', report);
      workloadSpec(spec, report);
      const labels = spec.template?.metadata?.labels ?? {};
      const matchLabels = spec.selector?.matchLabels ?? {};
      if (Object.entries(matchLabels).some(([k, v]) => labels[k] !== v)) report('spec.template.metadata.labels', '`selector` does not match template `labels`: the template must carry every label of spec.selector.matchLabels');
      const ru = spec.strategy?.rollingUpdate;
      if (spec.strategy?.type === 'Recreate' && ru) report('spec.strategy.rollingUpdate', 'may not be specified when strategy type is Recreate');
      if (spec.strategy?.type !== 'Recreate') findings(report, 'spec.strategy.rollingUpdate', rollingUpdate(ru?.maxSurge, ru?.maxUnavailable));
      break;
    }
    case 'Rollout': {
      labelSelector(spec.selector, 'spec.selector', report);
      workloadSpec(spec, report);
      const canary = spec.strategy?.canary;
      // The controller reads these with getIntOrPercentValue; unlike a Deployment it caps, not refuses, values over 100%.
      for (const f of ['maxSurge', 'maxUnavailable']) {
        if (canary?.[f] !== undefined) for (const e of countOrPercent(canary[f], false)) report(`spec.strategy.canary.${f}`, e);
      }
      break;
    }
    case 'Service':
      service(spec, report);
      findings(report, 'spec', serviceTypeFields(spec));
      break;
    case 'PersistentVolumeClaim':
      labelSelector(spec.selector, 'spec.selector', report);
      findings(report, 'spec', persistentVolumeClaimSpec(spec));
      break;
    case 'Ingress': ingressSpec(doc, report); break;
    case 'PodDisruptionBudget':
      labelSelector(spec.selector, 'spec.selector', report);
      findings(report, 'spec', disruptionBudget(spec));
      break;
    case 'HorizontalPodAutoscaler': findings(report, 'spec', autoscaler(spec)); break;
    case 'NetworkPolicy': networkPolicy(spec, report); break;
    case 'ConfigMap': findings(report, '', configMapData(doc.data as any, doc.binaryData as any)); break;
    case 'Secret':
      for (const f of ['data', 'stringData']) {
        if (isMap(doc[f])) for (const k of Object.keys(doc[f])) for (const e of configMapKey(k)) report(key(f, k), `key "${k}": ${e}`);
      }
      break;
    default: break;
  }
  return problems;
}
