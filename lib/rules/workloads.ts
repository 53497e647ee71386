/**
 * Pod and workload rules of the API server (Kubernetes 1.27): tolerations, probes, env sources,
 * rolling updates, PodDisruptionBudgets, HorizontalPodAutoscalers and ConfigMap sizes. Each takes
 * the plain JSON of the field and returns `[relative path, message]` pairs, empty when valid.
 */
import { configMapKey, envVarName, portNumber, portNumberOrName } from './keys';
import { labelValue, qualifiedName } from './names';
import { countOrPercent, isZeroCountOrPercent } from './quantity';

export type Finding = readonly [path: string, message: string];

const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
const TOLERATION_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** validateTolerations (core/validation). */
export function toleration(t: any): Finding[] {
  const out: Finding[] = [];
  const key = t?.key ?? '';
  const operator = t?.operator ?? 'Equal';
  if (key !== '') for (const e of qualifiedName(key)) out.push(['key', `"${key}": ${e}`]);
  if (key === '' && operator !== 'Exists') out.push(['operator', `must be Exists when key is empty (a toleration of every taint), got "${operator}"`]);
  if (operator === 'Exists' && (t?.value ?? '') !== '') out.push(['value', `must be empty when operator is Exists (it tolerates every value of the key), got "${t.value}": remove value or use operator Equal`]);
  if (operator === 'Equal' && (t?.value ?? '') !== '') for (const e of labelValue(t.value)) out.push(['value', `"${t.value}": ${e}`]);
  if (operator !== 'Equal' && operator !== 'Exists') out.push(['operator', `must be Equal or Exists, got "${operator}"`]);
  const effect = t?.effect ?? '';
  if (effect !== '' && !TOLERATION_EFFECTS.includes(effect)) out.push(['effect', `must be one of ${TOLERATION_EFFECTS.join(', ')} (or empty for all), got "${effect}"`]);
  if (t?.tolerationSeconds !== undefined && effect !== 'NoExecute') out.push(['tolerationSeconds', 'only applies with effect NoExecute: set effect NoExecute or remove tolerationSeconds']);
  return out;
}

/** validateProbe and validateHandler (core/validation): exactly one handler, valid ports, non-negative timings. */
export function probe(p: any, kind: 'liveness' | 'readiness' | 'startup'): Finding[] {
  const out: Finding[] = [];
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => p?.[h] != null);
  if (handlers.length === 0) out.push(['', 'must specify a handler: one of exec, httpGet, tcpSocket or grpc']);
  if (handlers.length > 1) out.push(['', `may not specify more than one handler type, got ${handlers.join(' and ')}`]);
  if (p?.httpGet) {
    if (!p.httpGet.path) out.push(['httpGet.path', 'is required']);
    if (p.httpGet.port === undefined) out.push(['httpGet.port', 'is required']);
    else for (const e of portNumberOrName(p.httpGet.port)) out.push(['httpGet.port', e]);
    if (p.httpGet.scheme !== undefined && !['HTTP', 'HTTPS'].includes(p.httpGet.scheme)) out.push(['httpGet.scheme', `must be HTTP or HTTPS, got "${p.httpGet.scheme}"`]);
  }
  if (p?.tcpSocket) {
    if (p.tcpSocket.port === undefined) out.push(['tcpSocket.port', 'is required']);
    else for (const e of portNumberOrName(p.tcpSocket.port)) out.push(['tcpSocket.port', e]);
  }
  if (p?.grpc) for (const e of portNumber(p.grpc.port)) out.push(['grpc.port', e]);
  if (p?.exec && !(Array.isArray(p.exec.command) && p.exec.command.length)) out.push(['exec.command', 'is required']);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    if (typeof p?.[f] === 'number' && p[f] < 0) out.push([f, `must be greater than or equal to 0, got ${p[f]}`]);
  }
  if (kind !== 'readiness' && p?.successThreshold !== undefined && p.successThreshold !== 1) out.push(['successThreshold', `must be 1 for a ${kind} probe, got ${p.successThreshold}`]);
  return out;
}

/** ValidateEnv and validateEnvVarValueFrom (core/validation): names, and exactly one source with valid keys. */
export function envVar(e: any): Finding[] {
  const out: Finding[] = [];
  const nameErrs = envVarName(e?.name ?? '');
  for (const m of nameErrs) out.push(['name', `"${e?.name ?? ''}": ${m}`]);
  const from = e?.valueFrom;
  if (from) {
    if ((e.value ?? '') !== '') out.push(['valueFrom', 'may not be specified when value is not empty']);
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((s) => from[s] != null);
    if (sources.length !== 1) out.push(['valueFrom', `must have exactly one source (fieldRef, resourceFieldRef, configMapKeyRef or secretKeyRef), got ${sources.length}`]);
    for (const s of ['configMapKeyRef', 'secretKeyRef']) {
      const ref = from[s];
      if (!ref) continue;
      if (!ref.name) out.push([`valueFrom.${s}.name`, 'is required']);
      if (!ref.key) out.push([`valueFrom.${s}.key`, 'is required']);
      else for (const m of configMapKey(ref.key)) out.push([`valueFrom.${s}.key`, `"${ref.key}": ${m}`]);
    }
  }
  return out;
}

/** ValidateRollingUpdateDeployment (apps/validation): counts or percentages, maxUnavailable at most 100%, not both zero. */
export function rollingUpdate(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined): Finding[] {
  const out: Finding[] = [];
  if (maxUnavailable !== undefined) for (const e of countOrPercent(maxUnavailable, true)) out.push(['maxUnavailable', e]);
  if (maxSurge !== undefined) for (const e of countOrPercent(maxSurge, false)) out.push(['maxSurge', e]);
  // The API server defaults both to 25%, so only explicit zeros on both sides stall the update.
  const surge = maxSurge ?? '25%';
  const unavailable = maxUnavailable ?? '25%';
  if (isZeroCountOrPercent(surge) && isZeroCountOrPercent(unavailable)) out.push(['maxUnavailable', 'may not be 0 when maxSurge is 0: the update could never make progress']);
  return out;
}

/** ValidatePodDisruptionBudgetSpec (policy/validation): one of minAvailable or maxUnavailable, each a count >= 0 or a percentage <= 100% (`maxUnavailable: 0` is valid). */
export function disruptionBudget(spec: any): Finding[] {
  const out: Finding[] = [];
  if (spec?.minAvailable !== undefined && spec?.maxUnavailable !== undefined) out.push(['', 'minAvailable and maxUnavailable cannot both be set']);
  for (const f of ['minAvailable', 'maxUnavailable']) {
    if (spec?.[f] !== undefined) for (const e of countOrPercent(spec[f], true)) out.push([f, e]);
  }
  return out;
}

const METRIC_TYPES = ['Object', 'Pods', 'Resource', 'ContainerResource', 'External'];

/** validateHorizontalPodAutoscalerSpec and validateMetricTarget (autoscaling/validation). */
export function autoscaler(spec: any): Finding[] {
  const out: Finding[] = [];
  const min = spec?.minReplicas ?? 1;
  const max = spec?.maxReplicas;
  if (min < 1) out.push(['minReplicas', `must be greater than or equal to 1, got ${min}`]);
  if (typeof max !== 'number' || max < 1) out.push(['maxReplicas', `must be greater than 0, got ${max}`]);
  else if (max < min) out.push(['maxReplicas', `must be greater than or equal to minReplicas (${min}), got ${max}`]);
  const ref = spec?.scaleTargetRef;
  if (!ref?.kind) out.push(['scaleTargetRef.kind', 'is required']);
  if (!ref?.name) out.push(['scaleTargetRef.name', 'is required']);
  (spec?.metrics ?? []).forEach((m: any, i: number) => {
    const at = `metrics[${i}]`;
    if (!METRIC_TYPES.includes(m?.type)) {
      out.push([join(at, 'type'), `must be one of ${METRIC_TYPES.join(', ')}, got "${m?.type}"`]);
      return;
    }
    const field = m.type.charAt(0).toLowerCase() + m.type.slice(1);
    const source = m[field];
    if (!source) {
      out.push([join(at, field), `is required for type ${m.type}`]);
      return;
    }
    if ((m.type === 'Resource' || m.type === 'ContainerResource') && !source.name) out.push([join(at, `${field}.name`), 'is required']);
    const target = source.target;
    const tat = join(at, `${field}.target`);
    if (!target) {
      out.push([tat, 'is required']);
      return;
    }
    if (!['Utilization', 'Value', 'AverageValue'].includes(target.type)) out.push([join(tat, 'type'), `must be Utilization, Value or AverageValue, got "${target.type}"`]);
    if (target.type === 'Utilization' && target.averageUtilization === undefined) out.push([join(tat, 'averageUtilization'), 'must be set when type is Utilization']);
    if (target.type === 'Value' && target.value === undefined) out.push([join(tat, 'value'), 'must be set when type is Value']);
    if (target.type === 'AverageValue' && target.averageValue === undefined) out.push([join(tat, 'averageValue'), 'must be set when type is AverageValue']);
    if (target.averageUtilization !== undefined && !(target.averageUtilization > 0)) out.push([join(tat, 'averageUtilization'), `must be greater than 0, got ${target.averageUtilization}`]);
    if (m.type !== 'Resource' && m.type !== 'ContainerResource' && target.type === 'Utilization') out.push([join(tat, 'type'), `Utilization is only supported for Resource and ContainerResource metrics, not ${m.type}`]);
  });
  return out;
}

/** MaxSecretSize, which ValidateConfigMap applies to data and binaryData together: 1 MiB. */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

/** ValidateConfigMap (core/validation): keys are config keys, unique across data and binaryData, total size at most 1 MiB. */
export function configMapData(data: Record<string, unknown> | undefined, binaryData: Record<string, unknown> | undefined): Finding[] {
  const out: Finding[] = [];
  let size = 0;
  for (const [field, map] of [['data', data], ['binaryData', binaryData]] as const) {
    for (const [k, v] of Object.entries(map ?? {})) {
      for (const e of configMapKey(k)) out.push([`${field}[${JSON.stringify(k)}]`, `key "${k}": ${e}`]);
      if (typeof v === 'string') size += field === 'data' ? Buffer.byteLength(v) : Buffer.from(v, 'base64').length;
    }
  }
  for (const k of Object.keys(binaryData ?? {})) if (data && k in data) out.push([`binaryData[${JSON.stringify(k)}]`, `key "${k}" is also in data: keys must be unique across data and binaryData`]);
  if (size > CONFIG_MAP_MAX_BYTES) out.push(['', `data takes ${size} bytes, more than the API server's limit of ${CONFIG_MAP_MAX_BYTES} (1 MiB)`]);
  return out;
}
