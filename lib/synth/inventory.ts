import { selects } from '../rules/labels';
import { Manifest } from '../validate/manifest';
import { compare } from '../util';

/**
 * What runs where, derived from the synthesized objects alone (any app, any environment):
 * `dist/<folder>/README.md` for each folder with workloads, a table of its apps (image, version,
 * strategy, replicas or autoscaling range, hosts), what grades each release and what pages for each
 * app (the Rollout's analysis and the Service each measures; the PrometheusRule's alerts), and a
 * Mermaid diagram of the traffic path (Ingress
 * -> Services -> Rollout or Deployment), which GitHub and GitLab render when the folder is opened;
 * `dist/README.md`, the index of the folders. A release changes only its own folder's page, so a
 * deploy's commit stays within `releases/<env>.json` and `dist/<env>/`.
 */
export const INVENTORY_FILE = 'README.md';

interface App {
  readonly name: string;
  /** The object that owns the replicas: the Rollout when there is one, else the Deployment (StatefulSet...). */
  readonly owner: any;
  /** The object whose pod template carries the image (the Deployment a Rollout's workloadRef names, or the owner). */
  readonly template: any;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout']);
const GENERATED = 'Written by `npm run synth` from the synthesized objects; do not edit (`npm run check` holds it to them).';

/** The inventory pages by path relative to the output folder: `README.md` and `<folder>/README.md`. */
export function renderInventory(manifests: Manifest[]): Map<string, string> {
  const byFolder = new Map<string, any[]>();
  for (const m of manifests) {
    const folder = m.file.split('/')[0];
    const list = byFolder.get(folder) ?? [];
    list.push(m.doc);
    byFolder.set(folder, list);
  }
  const pages = new Map<string, string>();
  const index = ['# What runs where', '', GENERATED];
  const withApps: string[] = [];
  const others: string[] = [];
  for (const folder of [...byFolder.keys()].sort()) {
    const docs = byFolder.get(folder)!;
    const apps = appsOf(docs, byName(docs));
    if (apps.length === 0) {
      others.push(`| \`${folder}/\` | ${kindsOf(docs)} |`);
      continue;
    }
    const namespaces = [...new Set(docs.map((d) => d.metadata?.namespace).filter(Boolean))].sort();
    const where = namespaces.map((n) => `\`${n}\``).join(', ') || '(cluster-scoped)';
    // Names and strategies only: versions live on the folder's own page, which a release changes.
    withApps.push(`| [\`${folder}/\`](${folder}/${INVENTORY_FILE}) | ${where} | ${apps.map((a) => `${cell(a.name)} (${cell(strategyOf(a))})`).join('<br>')} |`);
    pages.set(`${folder}/${INVENTORY_FILE}`, folderPage(folder, where, docs, apps));
  }
  if (withApps.length) index.push('', '| folder | namespace | apps (strategy) |', '|---|---|---|', ...withApps);
  if (others.length) index.push('', '## Other folders', '', '| folder | objects |', '|---|---|', ...others);
  pages.set(INVENTORY_FILE, `${index.join('\n')}\n`);
  return pages;
}

function folderPage(folder: string, where: string, docs: any[], apps: App[]): string {
  const index = indexOf(docs);
  const out = [`# What runs in ${folder}`, '', GENERATED, '', `Namespace ${where}: ${apps.length} app${apps.length === 1 ? '' : 's'}, ${docs.length} objects.`, ''];
  out.push('| app | image | version | strategy | replicas | hosts |', '|---|---|---|---|---|---|');
  for (const app of apps) {
    const images = containersOf(app.template).map((c) => `\`${c.image}\``).join('<br>');
    const version = app.template.metadata?.labels?.['app.kubernetes.io/version'] ?? app.owner.metadata?.labels?.['app.kubernetes.io/version'] ?? '';
    out.push(`| ${cell(app.name)} | ${images} | ${cell(version)} | ${cell(strategyOf(app))} | ${cell(replicasOf(app, index))} | ${hostsOf(app, index).map(cell).join('<br>')} |`);
  }
  out.push('', '```mermaid', ...diagram(apps, index), '```');
  const checked = apps.map((app) => ({ app, analysis: analysisOf(app), alerts: alertsOf(app, index) }))
    .filter((a) => a.analysis.length || a.alerts.length);
  if (checked.length) {
    out.push('', '## Analysis and alerts', '', 'What grades each release (the templates each analysis runs, on the Service it measures) and what pages for each app.', '');
    out.push('| app | analysis | alerts |', '|---|---|---|');
    for (const c of checked) out.push(`| ${cell(c.app.name)} | ${c.analysis.map(cell).join('<br>') || 'none'} | ${c.alerts.map(cell).join('<br>') || 'none'} |`);
  }
  return `${out.join('\n')}\n`;
}

/** The objects of one folder, indexed so that every app is looked up in constant time (thousands of apps). */
/** A host and path to a Service, by an Ingress or an HTTPRoute (on its Gateways, with its weight). */
interface Route {
  readonly kind: 'Ingress' | 'HTTPRoute';
  readonly name: string;
  readonly host: string;
  readonly path: string;
  readonly service: string;
  readonly gateways: readonly string[];
  readonly weight?: number;
}

interface Index {
  /** Services by namespace and the first label of their selector (`ns`, `k=v`). */
  readonly services: Map<string, any[]>;
  /** Services by namespace and name. */
  readonly serviceNames: Map<string, any>;
  /** Ingress and HTTPRoute routes by namespace and backend Service. */
  readonly routes: Map<string, Route[]>;
  readonly hpas: Map<string, any>;
  /** PrometheusRules by namespace and the app they belong to (`app.kubernetes.io/name`). */
  readonly rules: Map<string, any[]>;
}

const key = (...parts: unknown[]) => parts.map(String).join('\u0000');

function byName(docs: any[]): Map<string, any> {
  return new Map(docs.map((d) => [key(d.kind, d.metadata?.namespace, d.metadata?.name), d]));
}

function indexOf(docs: any[]): Index {
  const services = new Map<string, any[]>();
  const serviceNames = new Map<string, any>();
  const routes = new Map<string, Route[]>();
  const hpas = new Map<string, any>();
  const rules = new Map<string, any[]>();
  const add = <T>(map: Map<string, T[]>, k: string, d: T) => {
    const list = map.get(k);
    if (list) list.push(d);
    else map.set(k, [d]);
  };
  for (const d of docs) {
    const ns = d.metadata?.namespace;
    if (d.kind === 'Service') {
      serviceNames.set(key(ns, d.metadata?.name), d);
      const first = Object.entries(d.spec?.selector ?? {}).sort(([a], [b]) => compare(a, b))[0];
      if (first) add(services, key(ns, `${first[0]}=${first[1]}`), d);
    }
    if (d.kind === 'Ingress') {
      for (const rule of d.spec?.rules ?? []) {
        for (const p of rule.http?.paths ?? []) {
          const service = p.backend?.service?.name;
          if (service) add(routes, key(ns, service), { kind: 'Ingress', name: d.metadata.name, host: rule.host ?? '*', path: p.path ?? '/', service, gateways: [] });
        }
      }
    }
    if (d.kind === 'HTTPRoute') for (const r of httpRoutes(d)) add(routes, key(ns, r.service), r);
    if (d.kind === 'HorizontalPodAutoscaler') hpas.set(key(ns, d.spec?.scaleTargetRef?.kind, d.spec?.scaleTargetRef?.name), d);
    if (d.kind === 'PrometheusRule') add(rules, key(ns, d.metadata?.labels?.['app.kubernetes.io/name']), d);
  }
  return { services, serviceNames, routes, hpas, rules };
}

/** An HTTPRoute's hosts and path matches to each Service backend (no hostnames: `*`; no matches: `/`). */
function httpRoutes(d: any): Route[] {
  const ns = d.metadata?.namespace;
  const gateways = (d.spec?.parentRefs ?? []).filter((p: any) => (p?.kind ?? 'Gateway') === 'Gateway')
    .map((p: any) => `${p.namespace ?? ns}/${p.name}`);
  const hosts: string[] = d.spec?.hostnames?.length ? d.spec.hostnames : ['*'];
  const out: Route[] = [];
  for (const rule of d.spec?.rules ?? []) {
    const paths: string[] = (rule?.matches?.length ? rule.matches : [{}]).map((m: any) => m?.path?.value ?? '/');
    const backends = (rule?.backendRefs ?? []).filter((b: any) => (b?.kind ?? 'Service') === 'Service' && !b?.group && b?.name);
    for (const b of backends) {
      for (const host of hosts) {
        for (const path of paths) {
          out.push({ kind: 'HTTPRoute', name: d.metadata?.name, host, path, service: b.name, gateways, weight: backends.length > 1 ? b.weight ?? 1 : undefined });
        }
      }
    }
  }
  return out;
}

function appsOf(docs: any[], named: Map<string, any>): App[] {
  const apps: App[] = [];
  const driven = new Set<string>();
  for (const d of docs) {
    if (d.kind === 'Rollout' && d.spec?.workloadRef?.name) driven.add(`${d.spec.workloadRef.kind}/${d.spec.workloadRef.name}`);
  }
  for (const d of docs) {
    if (!WORKLOAD_KINDS.has(d.kind) || driven.has(`${d.kind}/${d.metadata?.name}`)) continue;
    const ref = d.kind === 'Rollout' ? d.spec?.workloadRef : undefined;
    const template = ref ? named.get(key(ref.kind, d.metadata?.namespace, ref.name)) ?? d : d;
    apps.push({ name: d.metadata?.labels?.['app.kubernetes.io/name'] ?? d.metadata?.name, owner: d, template });
  }
  return apps.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function containersOf(workload: any): any[] {
  return workload.spec?.template?.spec?.containers ?? [];
}

function podLabels(app: App): Record<string, string> {
  return app.template.spec?.template?.metadata?.labels ?? {};
}

function strategyOf(app: App): string {
  const s = app.owner.spec?.strategy;
  if (app.owner.kind === 'Rollout') {
    if (s?.blueGreen) return `blue-green (${s.blueGreen.autoPromotionEnabled === false ? 'manual promotion' : 'auto promotion'})`;
    if (s?.canary) {
      const routers = Object.entries(s.canary.trafficRouting ?? {}).filter(([k]) => k !== 'managedRoutes')
        .flatMap(([k, v]) => (k === 'plugins' ? Object.keys(v ?? {}) : [k]));
      const routing = routers.length ? routers.join(', ') : 'pod count';
      return `canary (${(s.canary.steps ?? []).length} steps, ${routing})`;
    }
    return 'rollout';
  }
  if (app.owner.kind === 'Deployment') return s?.type === 'Recreate' ? 'recreate' : 'rolling update';
  return app.owner.kind;
}

/** Each analysis of the app's Rollout: when it runs, its templates, and the Service it measures (its `service-name` arg). */
function analysisOf(app: App): string[] {
  const s = app.owner.kind === 'Rollout' ? app.owner.spec?.strategy : undefined;
  const line = (when: string, a: any) => {
    const templates = (a?.templates ?? []).map((t: any) => `\`${t.templateName ?? t.clusterScope ?? '?'}\``).join(', ');
    const service = (a?.args ?? []).find((arg: any) => arg?.name === 'service-name')?.value;
    return `${when}: ${templates}${service ? ` on Service \`${service}\`` : ''}`;
  };
  const out: string[] = [];
  if (s?.blueGreen?.prePromotionAnalysis) out.push(line('before promotion', s.blueGreen.prePromotionAnalysis));
  if (s?.blueGreen?.postPromotionAnalysis) out.push(line('after promotion', s.blueGreen.postPromotionAnalysis));
  if (s?.canary?.analysis) out.push(line(`in the background from step ${s.canary.analysis.startingStep ?? 0}`, s.canary.analysis));
  (s?.canary?.steps ?? []).forEach((step: any, i: number) => {
    if (step?.analysis) out.push(line(`step ${i}`, step.analysis));
  });
  return out;
}

/** The alerts of the app's PrometheusRules: name, and what it says when it fires (its summary, where it has no template). */
function alertsOf(app: App, index: Index): string[] {
  const rules = index.rules.get(key(app.owner.metadata?.namespace, app.name)) ?? [];
  return rules.flatMap((r) => (r.spec?.groups ?? []).flatMap((g: any) => g?.rules ?? []))
    .filter((rule: any) => rule?.alert)
    .map((rule: any) => {
      const summary = rule.annotations?.summary;
      return `\`${rule.alert}\`${summary && !summary.includes('{{') ? `: ${summary}` : ''}`;
    });
}

function replicasOf(app: App, index: Index): string {
  const hpa = index.hpas.get(key(app.owner.metadata?.namespace, app.owner.kind, app.owner.metadata?.name));
  if (hpa) {
    const cpu = (hpa.spec.metrics ?? []).find((m: any) => m.resource?.name === 'cpu')?.resource?.target?.averageUtilization;
    return `${hpa.spec.minReplicas ?? 1}-${hpa.spec.maxReplicas} (autoscaled${cpu ? `, CPU ${cpu}%` : ''})`;
  }
  return String(app.owner.spec?.replicas ?? 1);
}

/** Services that reach the app's pods, with their role for a Rollout (active, preview, stable, canary). */
const servicesCache = new WeakMap<App, { name: string; role?: string }[]>();

function servicesOf(app: App, index: Index): { name: string; role?: string }[] {
  let services = servicesCache.get(app);
  if (!services) servicesCache.set(app, services = findServices(app, index));
  return services;
}

function findServices(app: App, index: Index): { name: string; role?: string }[] {
  const s = app.owner.kind === 'Rollout' ? app.owner.spec?.strategy : undefined;
  const roles = new Map<string, string>();
  if (s?.blueGreen) {
    if (s.blueGreen.activeService) roles.set(s.blueGreen.activeService, 'active');
    if (s.blueGreen.previewService) roles.set(s.blueGreen.previewService, 'preview');
  }
  if (s?.canary) {
    if (s.canary.stableService) roles.set(s.canary.stableService, 'stable');
    if (s.canary.canaryService) roles.set(s.canary.canaryService, 'canary');
  }
  const namespace = app.owner.metadata?.namespace;
  const found = new Map<string, any>();
  for (const name of roles.keys()) {
    const svc = index.serviceNames.get(key(namespace, name));
    if (svc) found.set(name, svc);
  }
  const labels = podLabels(app);
  for (const [k, v] of Object.entries(labels)) {
    for (const svc of index.services.get(key(namespace, `${k}=${v}`)) ?? []) {
      if (selects(svc.spec?.selector, labels)) found.set(svc.metadata.name, svc);
    }
  }
  return [...found.keys()]
    .map((name) => ({ name, role: roles.get(name) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Ingress and HTTPRoute rules (host and path) whose backend is one of the app's Services. */
function ingressRoutes(app: App, index: Index): Route[] {
  return servicesOf(app, index).flatMap((svc) => index.routes.get(key(app.owner.metadata?.namespace, svc.name)) ?? []);
}

function hostsOf(app: App, index: Index): string[] {
  const roles = new Map(servicesOf(app, index).map((s) => [s.name, s.role]));
  return [...new Set(ingressRoutes(app, index).map((r) => {
    const role = roles.get(r.service);
    return `${r.host}${r.path === '/' ? '' : r.path}${role && role !== 'active' && role !== 'stable' ? ` (${role})` : ''}`;
  }))];
}

function diagram(apps: App[], index: Index): string[] {
  const lines = ['flowchart LR'];
  const ids = new Map<string, string>();
  const node = (key: string, label: string, shape: '[]' | '([])' | '[[]]') => {
    let id = ids.get(key);
    if (!id) {
      id = `n${ids.size}`;
      ids.set(key, id);
      const text = `"${label.replace(/"/g, '#quot;')}"`;
      lines.push(`  ${id}${shape === '[]' ? `[${text}]` : shape === '([])' ? `([${text}])` : `[[${text}]]`}`);
    }
    return id;
  };
  for (const app of apps) {
    const owner = app.owner;
    const workload = node(`${owner.kind}/${owner.metadata.name}`, `${owner.kind} ${owner.metadata.name}<br>${containersOf(app.template).map((c) => c.image).join('<br>')}`, '[[]]');
    if (app.template !== owner) {
      const template = node(`${app.template.kind}/${app.template.metadata.name}`, `${app.template.kind} ${app.template.metadata.name}<br>pod template`, '[]');
      lines.push(`  ${workload} -. workloadRef .-> ${template}`);
    }
    for (const svc of servicesOf(app, index)) {
      const s = node(`Service/${svc.name}`, `Service ${svc.name}`, '[]');
      lines.push(svc.role ? `  ${s} -- ${svc.role} --> ${workload}` : `  ${s} --> ${workload}`);
    }
    for (const r of ingressRoutes(app, index)) {
      const route = node(`${r.kind}/${r.name}`, `${r.kind} ${r.name}<br>${r.host}${r.path === '/' ? '' : r.path}`, '([])');
      for (const g of r.gateways) {
        const gateway = node(`Gateway/${g}`, `Gateway ${g}`, '([])');
        const edge = `  ${gateway} --> ${route}`;
        if (!lines.includes(edge)) lines.push(edge);
      }
      const service = node(`Service/${r.service}`, `Service ${r.service}`, '[]');
      lines.push(r.weight === undefined ? `  ${route} --> ${service}` : `  ${route} -- weight ${r.weight} --> ${service}`);
    }
    // NGINX canaries: the controller clones the stable Ingress to the canary Service with a weight.
    const nginx = owner.spec?.strategy?.canary?.trafficRouting?.nginx;
    if (nginx?.stableIngress && owner.spec.strategy.canary.canaryService) {
      const ing = ids.get(`Ingress/${nginx.stableIngress}`);
      if (ing) lines.push(`  ${ing} -. canary weight .-> ${node(`Service/${owner.spec.strategy.canary.canaryService}`, `Service ${owner.spec.strategy.canary.canaryService}`, '[]')}`);
    }
  }
  return lines;
}

function kindsOf(docs: any[]): string {
  const counts = new Map<string, number>();
  for (const d of docs) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => compare(a, b)).map(([k, n]) => `${n} ${k}`).join(', ');
}

/** A table cell: pipes escaped. */
function cell(text: string): string {
  return String(text).replace(/\|/g, '\\|');
}
