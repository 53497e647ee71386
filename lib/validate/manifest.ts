import { selects } from '../rules/labels';

/** A synthesized object and the file of `dist/` it goes to. */
export interface Manifest {
  /** Path relative to the output folder, e.g. `dev/orders.yaml`. */
  readonly file: string;
  readonly doc: any;
}

/** How problems name an object: `dev/orders.yaml Deployment orders`. */
export function describe(m: Manifest): string {
  return `${m.file} ${m.doc?.kind ?? '?'} ${m.doc?.metadata?.name ?? '?'}`;
}

/** A pod template found in a workload, with the workload that owns it. */
export interface PodTemplate {
  readonly owner: Manifest;
  /** Dotted path of the template in the owner, for problems. */
  readonly path: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: any;
  /** Whether it serves traffic (Deployments, Rollouts, StatefulSets), as opposed to a batch pod. */
  readonly serving: boolean;
}

const TEMPLATE_PATHS: Record<string, { path: string[]; serving: boolean }> = {
  Deployment: { path: ['spec', 'template'], serving: true },
  StatefulSet: { path: ['spec', 'template'], serving: true },
  DaemonSet: { path: ['spec', 'template'], serving: true },
  Rollout: { path: ['spec', 'template'], serving: true },
  Job: { path: ['spec', 'template'], serving: false },
  CronJob: { path: ['spec', 'jobTemplate', 'spec', 'template'], serving: false },
};

export function podTemplateOf(m: Manifest): PodTemplate | undefined {
  const where = TEMPLATE_PATHS[m.doc?.kind];
  if (!where) return undefined;
  const template = where.path.reduce((o: any, k) => o?.[k], m.doc);
  if (!template?.spec) return undefined;
  return {
    owner: m,
    path: where.path.join('.'),
    labels: template.metadata?.labels ?? {},
    annotations: template.metadata?.annotations ?? {},
    spec: template.spec,
    serving: where.serving,
  };
}

/** Objects of one namespace, indexed for the reference checks. */
export class NamespaceIndex {
  public readonly objects = new Map<string, Manifest>();
  public readonly pods: PodTemplate[] = [];
  private readonly byKind = new Map<string, Manifest[]>();
  // Selection is indexed by label (key=value) so that matching stays linear in the namespace size.
  private podsByLabel?: Map<string, PodTemplate[]>;
  private servicesByFirstLabel?: Map<string, Manifest[]>;
  private rolloutsByWorkload?: Map<string, Manifest>;

  public add(m: Manifest): void {
    this.objects.set(`${m.doc.kind}/${m.doc.metadata?.name}`, m);
    const list = this.byKind.get(m.doc.kind);
    if (list) list.push(m);
    else this.byKind.set(m.doc.kind, [m]);
    const pod = podTemplateOf(m);
    if (pod) this.pods.push(pod);
  }

  public ofKind(kind: string): Manifest[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Services whose selector selects pods carrying `labels`. */
  public servicesSelecting(labels: Record<string, string>): Manifest[] {
    if (!this.servicesByFirstLabel) {
      this.servicesByFirstLabel = new Map();
      for (const svc of this.ofKind('Service')) {
        const first = Object.entries(svc.doc.spec?.selector ?? {})[0];
        if (first) push(this.servicesByFirstLabel, `${first[0]}=${first[1]}`, svc);
      }
    }
    const candidates = new Set(Object.entries(labels).flatMap(([k, v]) => this.servicesByFirstLabel!.get(`${k}=${v}`) ?? []));
    return [...candidates].filter((svc) => selects(svc.doc.spec?.selector, labels));
  }

  public get(kind: string, name: string | undefined): Manifest | undefined {
    return this.objects.get(`${kind}/${name}`);
  }

  /** Pod templates a label selector (`matchLabels` or a Service's plain map) selects. */
  public podsSelectedBy(selector: Record<string, string> | undefined): PodTemplate[] {
    const first = Object.entries(selector ?? {})[0];
    if (!first) return [];
    if (!this.podsByLabel) {
      this.podsByLabel = new Map();
      for (const p of this.pods) for (const [k, v] of Object.entries(p.labels)) push(this.podsByLabel, `${k}=${v}`, p);
    }
    return (this.podsByLabel.get(`${first[0]}=${first[1]}`) ?? []).filter((p) => selects(selector, p.labels));
  }

  /** The Rollout whose workloadRef names this Deployment, if any. */
  public rolloutDriving(deployment: string): Manifest | undefined {
    if (!this.rolloutsByWorkload) {
      this.rolloutsByWorkload = new Map();
      for (const r of this.ofKind('Rollout')) {
        const ref = r.doc.spec?.workloadRef;
        if (ref?.kind === 'Deployment') this.rolloutsByWorkload.set(ref.name, r);
      }
    }
    return this.rolloutsByWorkload.get(deployment);
  }

  /** The pods a Rollout runs: its own template or that of the Deployment it references. */
  public rolloutPods(rollout: Manifest): PodTemplate | undefined {
    const ref = rollout.doc.spec?.workloadRef;
    if (ref) {
      const target = this.get(ref.kind, ref.name);
      return target ? podTemplateOf(target) : undefined;
    }
    return podTemplateOf(rollout);
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Groups manifests by namespace (cluster-scoped ones under ''). */
export function indexByNamespace(manifests: Manifest[]): Map<string, NamespaceIndex> {
  const index = new Map<string, NamespaceIndex>();
  for (const m of manifests) {
    const ns = m.doc?.metadata?.namespace ?? '';
    let entry = index.get(ns);
    if (!entry) index.set(ns, entry = new NamespaceIndex());
    entry.add(m);
  }
  return index;
}
