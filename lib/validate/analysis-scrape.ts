import { KNOWN_TARGET_LABELS, METRIC_LABELS, metricFamily, POD_MONITOR_LABELS, sanitizeLabelName, SERVICE_MONITOR_LABELS } from '../rules/metrics';
import { resolveArgs } from '../rules/analysis';
import { describe, Manifest, NamespaceIndex } from './manifest';
import { Problem } from './problem';

/**
 * Release analysis that can have data: every Prometheus query an AnalysisTemplate runs for a Rollout
 * (with the Rollout's args) must measure a Service, job and namespace that a ServiceMonitor or
 * PodMonitor of the same environment scrapes, and filter only on labels that monitor produces (or
 * on the metric's own labels). Otherwise every measurement returns nothing and the release aborts
 * or hangs on a healthy version.
 */
export function checkAnalysisScrape(ns: NamespaceIndex): Problem[] {
  const problems: Problem[] = [];
  let targets: Targets | undefined;
  for (const rollout of ns.ofKind('Rollout')) {
    const namespace = rollout.doc.metadata?.namespace;
    for (const { analysis, path } of analysesOf(rollout.doc.spec?.strategy ?? {})) {
      const passed = new Map<string, string | undefined>((analysis?.args ?? []).map((a: any) => [a.name, a.valueFrom ? undefined : a.value]));
      (analysis?.templates ?? []).forEach((ref: any, i: number) => {
        const template = ref?.clusterScope ? undefined : ns.get('AnalysisTemplate', ref?.templateName);
        if (!template) return; // a missing template is the controller rules' finding
        const defaults = new Map<string, string | undefined>((template.doc.spec?.args ?? []).map((a: any) => [a.name, a.value]));
        for (const metric of template.doc.spec?.metrics ?? []) {
          const query = metric?.provider?.prometheus?.query;
          if (typeof query !== 'string') continue;
          targets ??= indexTargets(scrapeTargets(ns, namespace));
          const resolved = resolveArgs(query, (name) => passed.get(name) ?? defaults.get(name) ?? UNKNOWN);
          for (const message of new Set(checkQuery(resolved, namespace, ns, targets))) {
            problems.push({
              object: describe(rollout),
              path: `${path}.templates[${i}]`,
              message: `AnalysisTemplate "${template.doc.metadata.name}" metric "${metric.name}" ${message}`,
            });
          }
        }
      });
    }
  }
  return problems;
}

/** Stands for an arg whose value is only known in the cluster (valueFrom, or not passed). */
const UNKNOWN = '\u0000';
const SELECTOR = /([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^{}]*)\}/g;
const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;

/** One monitor's view of one scraped Service (ServiceMonitor) or pod template (PodMonitor). */
interface ScrapeTarget {
  readonly monitor: string;
  readonly service?: string;
  readonly job: string;
  readonly labels: ReadonlySet<string>;
}

function analysesOf(strategy: any): { analysis: any; path: string }[] {
  const bg = strategy.blueGreen;
  const canary = strategy.canary;
  return [
    { analysis: bg?.prePromotionAnalysis, path: 'spec.strategy.blueGreen.prePromotionAnalysis' },
    { analysis: bg?.postPromotionAnalysis, path: 'spec.strategy.blueGreen.postPromotionAnalysis' },
    { analysis: canary?.analysis, path: 'spec.strategy.canary.analysis' },
    ...(canary?.steps ?? []).map((s: any, i: number) => ({ analysis: s?.analysis, path: `spec.strategy.canary.steps[${i}].analysis` })),
  ].filter((a) => a.analysis);
}

interface Targets {
  readonly all: ScrapeTarget[];
  readonly byService: Map<string, ScrapeTarget[]>;
}

function indexTargets(all: ScrapeTarget[]): Targets {
  const byService = new Map<string, ScrapeTarget[]>();
  for (const t of all) {
    if (t.service === undefined) continue;
    const list = byService.get(t.service);
    if (list) list.push(t);
    else byService.set(t.service, [t]);
  }
  return { all, byService };
}

function checkQuery(query: string, namespace: string, ns: NamespaceIndex, targets: Targets): string[] {
  const found: string[] = [];
  for (const [, series, body] of query.matchAll(SELECTOR)) {
    const matchers = [...body.matchAll(MATCHER)].map(([, label, op, value]) => ({ label, op, value }));
    const eq = (label: string) => matchers.find((m) => m.label === label && m.op === '=' && !m.value.includes(UNKNOWN))?.value;
    const inNamespace = eq('namespace');
    if (inNamespace !== undefined && inNamespace !== namespace) {
      found.push(`filters on namespace="${inNamespace}", but the monitors of this environment scrape namespace "${namespace}": measure this namespace`);
      continue;
    }
    let candidates = targets.all;
    const service = eq('service');
    if (service !== undefined) {
      candidates = targets.byService.get(service) ?? [];
      if (!candidates.length) {
        found.push(ns.get('Service', service)
          ? `measures Service "${service}", which no ServiceMonitor in this environment scrapes (a PodMonitor adds no "service" label), so it would get no data: scrape it with a ServiceMonitor (JavaApp's default, Monitoring.serviceMonitor()) selecting the Service and its metrics port`
          : `measures Service "${service}", which does not exist in namespace "${namespace}": pass the name of a Service a ServiceMonitor scrapes (e.g. the app's, its -preview or -canary Service)`);
        continue;
      }
    }
    const job = eq('job');
    if (job !== undefined) {
      const jobs = [...new Set(candidates.map((t) => t.job))].sort();
      candidates = candidates.filter((t) => t.job === job);
      if (!candidates.length) {
        found.push(`filters on job="${job}", which no monitor in this environment produces${jobs.length ? ` (jobs: ${jobs.join(', ')})` : ''}: a ServiceMonitor's job is the Service name, a PodMonitor's <namespace>/<name>`);
        continue;
      }
    }
    if (!candidates.length) {
      found.push('measures series no ServiceMonitor or PodMonitor in this environment scrapes, so it would get no data: scrape the app (JavaApp monitoring)');
      continue;
    }
    const metricLabels = series ? METRIC_LABELS[metricFamily(series)] : undefined;
    const produced = new Set(candidates.flatMap((t) => [...t.labels]));
    for (const { label } of matchers) {
      if (label === '__name__' || metricLabels?.includes(label) || produced.has(label)) continue;
      if (!metricLabels && !KNOWN_TARGET_LABELS.has(label)) continue; // may be the app's own label
      const monitors = [...new Set(candidates.map((t) => t.monitor))].sort().join(', ');
      found.push(`filters on label "${label}", which ${monitors} does not produce (it produces ${[...produced].sort().join(', ')}${metricLabels ? `; the metric has ${metricLabels.join(', ')}` : ''}): filter on one of those`);
    }
  }
  return found;
}

/** What the ServiceMonitors and PodMonitors of one namespace scrape, with the labels each target gets. */
function scrapeTargets(ns: NamespaceIndex, namespace: string): ScrapeTarget[] {
  const targets: ScrapeTarget[] = [];
  const watches = (m: Manifest) => {
    const sel = m.doc.spec?.namespaceSelector;
    return !sel || sel.any === true || !sel.matchNames || sel.matchNames.includes(namespace);
  };
  // Services by label (key=value), so that matching stays linear in the namespace size.
  const servicesByLabel = new Map<string, Manifest[]>();
  for (const svc of ns.ofKind('Service')) {
    for (const [k, v] of Object.entries(svc.doc.metadata?.labels ?? {})) {
      const list = servicesByLabel.get(`${k}=${v}`);
      if (list) list.push(svc);
      else servicesByLabel.set(`${k}=${v}`, [svc]);
    }
  }
  const candidates = (selector: any): Manifest[] => {
    const first = Object.entries(selector?.matchLabels ?? {})[0];
    return first ? servicesByLabel.get(`${first[0]}=${first[1]}`) ?? [] : ns.ofKind('Service');
  };
  for (const monitor of ns.ofKind('ServiceMonitor').filter(watches)) {
    const spec = monitor.doc.spec ?? {};
    const extra = [...(spec.podTargetLabels ?? [])].map(sanitizeLabelName);
    for (const svc of candidates(spec.selector)) {
      const labels = svc.doc.metadata?.labels ?? {};
      if (!matchesSelector(spec.selector, labels)) continue;
      const ports = svc.doc.spec?.ports ?? [];
      const scraped = (spec.endpoints ?? []).some((e: any) => (e.port === undefined && e.targetPort === undefined)
        || ports.some((p: any) => (e.port !== undefined && p.name === e.port) || (e.targetPort !== undefined && String(p.targetPort) === String(e.targetPort))));
      if (!scraped) continue;
      const name = svc.doc.metadata.name;
      const own = (spec.targetLabels ?? []).filter((l: string) => l in labels).map(sanitizeLabelName);
      targets.push({
        monitor: `ServiceMonitor "${monitor.doc.metadata?.name}"`,
        service: name,
        job: spec.jobLabel && labels[spec.jobLabel] !== undefined ? labels[spec.jobLabel] : name,
        labels: new Set([...SERVICE_MONITOR_LABELS, ...own, ...extra]),
      });
    }
  }
  for (const monitor of ns.ofKind('PodMonitor').filter(watches)) {
    const spec = monitor.doc.spec ?? {};
    for (const pod of ns.pods) {
      if (!matchesSelector(spec.selector, pod.labels)) continue;
      const portNames = new Set((pod.spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => p.name)));
      if (!(spec.podMetricsEndpoints ?? []).some((e: any) => e.port === undefined || portNames.has(e.port))) continue;
      targets.push({
        monitor: `PodMonitor "${monitor.doc.metadata?.name}"`,
        job: spec.jobLabel && pod.labels[spec.jobLabel] !== undefined ? pod.labels[spec.jobLabel] : `${namespace}/${monitor.doc.metadata?.name}`,
        labels: new Set([...POD_MONITOR_LABELS, ...(spec.podTargetLabels ?? []).map(sanitizeLabelName)]),
      });
    }
  }
  return targets;
}

/** A Kubernetes label selector (matchLabels and matchExpressions); an empty one selects everything, as for the operator. */
function matchesSelector(selector: any, labels: Record<string, string>): boolean {
  if (!selector) return true;
  const plain = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return plain && (selector.matchExpressions ?? []).every((e: any) => {
    const has = e.key in labels;
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}
