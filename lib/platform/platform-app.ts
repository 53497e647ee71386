import { ApiObject, App, Chart } from 'cdk8s';
import { Node } from 'constructs';
import { ConfigError } from '../props/errors';
import { useDictionaryChildTables } from '../synth/child-tables';
import { Environment } from './environment';
import { FolderTarget } from '../validate/folders';
import { validateManifests, ValidationError } from '../validate/gate';
import { Manifest } from '../validate/manifest';
import { isNamespaced } from '../schemas';
import { selfCheckProblems } from '../validate/self-check';
import { provideSelfCheck, underPlatformGate } from '../props/self-check';
import { stringifyManifest } from '../synth/yaml-emitter';
import { buildReport, emitSynth, readFiles } from '../synth/synth-report';
import { renderInventory } from '../synth/inventory';
import { StagedOutput } from '../synth/output-folder';
import { checkOptions, P } from '../props/schema';
import { compare } from '../util';

export interface PlatformAppProps {
  /**
   * Folder the manifests are written to.
   * @default the CDK8S_OUTDIR the cdk8s CLI sets, else 'dist'
   */
  readonly outdir?: string;
}

/** The Argo CD sync wave of each kind: what others depend on first, workloads next, then what points at them. */
const SYNC_WAVES: Record<string, number> = {
  Namespace: -1,
  ServiceAccount: 0, ConfigMap: 0, PersistentVolumeClaim: 0, Service: 0, NetworkPolicy: 0,
  // Scraping must run before a paused Rollout (Suspended) holds the later waves back: its analysis reads it.
  ServiceMonitor: 0, PodMonitor: 0, PrometheusRule: 0,
  // A Secret filled from a store is there (the ExternalSecret healthy) before the pods that read it start.
  AnalysisTemplate: 1, ExternalSecret: 1,
  // Argo Rollouts' Gateway API plugin reads and writes the HTTPRoute whenever the Rollout sets a
  // weight: the route is there before the Rollout changes (its Services, wave 0, before it).
  HTTPRoute: 1,
  Deployment: 2, Rollout: 2, StatefulSet: 2, WorkflowTemplate: 2,
  HorizontalPodAutoscaler: 3, PodDisruptionBudget: 3, Ingress: 3,
};
/** Waves of kinds not listed above. */
export const DEFAULT_SYNC_WAVE = 2;
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
/**
 * Objects that hold data Git cannot give back (a volume's claim, a namespace with everything in
 * it): Argo CD never prunes them when they leave Git (`Prune=false`) nor deletes them with their
 * Application (`Delete=false`). Deleting them is a deliberate act by a person (docs/gitops.md).
 */
const RETAINED_KINDS = new Set(['PersistentVolumeClaim', 'Namespace']);
export const RETAIN_OPTIONS = ['Prune=false', 'Delete=false'];

/** The sync-options annotation of an object: its own options, with Prune and Delete forced off for retained kinds. */
export function syncOptionsOf(apiVersion: string, kind: string, current: string | undefined): string | undefined {
  if (apiVersion !== 'v1' || !RETAINED_KINDS.has(kind)) return current;
  // Options are comma-separated and trimmed (Argo CD's sync-options annotation); any other Prune/Delete gives way.
  const others = (current ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '' && !/^(Prune|Delete)=/.test(o));
  return [...others, ...RETAIN_OPTIONS].join(',');
}

/**
 * The kustomization of each folder. Named `Kustomization` (a name kustomize and Argo CD accept), so
 * that `kubectl apply -f dist/<folder>/`, which reads only *.yaml, *.yml and *.json, skips it.
 */
export const KUSTOMIZATION_FILE = 'Kustomization';

export function syncWaveOf(kind: string): number {
  return SYNC_WAVES[kind] ?? DEFAULT_SYNC_WAVE;
}

/** Constructs whose file in `dist/` is named after them, below the environment folder. */
function placement(obj: ApiObject, root: App): { folder: string; unit: string } {
  const scopes = obj.node.scopes;
  const envIndex = scopes.findIndex((s) => Environment.isEnvironment(s));
  // The folder is the environment, else the top-level chart; the file is the next construct down.
  const folderIndex = envIndex >= 0 ? envIndex : scopes.findIndex((s) => s !== root && Chart.isChart(s));
  const folderScope = scopes[folderIndex];
  const folder = Environment.isEnvironment(folderScope) ? folderScope.name : folderScope.node.id;
  const unitScope = scopes[folderIndex + 1] ?? folderScope;
  const unit = unitScope.node.id;
  return { folder, unit };
}

/**
 * An App whose `synth()` runs the validation gate on every object and writes `dist/<env>/<app>.yaml`
 * atomically: a failed synth throws, listing every problem, and leaves the previous output as it was.
 */
// Constructs check their own objects through the gate when no PlatformApp does (a plain cdk8s
// App): the platform hands them the gate, which they never import themselves.
provideSelfCheck(selfCheckProblems);

export class PlatformApp extends App {
  constructor(props: PlatformAppProps = {}) {
    super({ outdir: props.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist' });
    checkOptions('PlatformApp', props, PlatformAppPropsSchema);
    // Before any construct is added: large trees (one Chart per app) stay linear in time and memory.
    useDictionaryChildTables();
    useClearDuplicateIdErrors();
  }

  /** Every object, rendered and checked, with the file it belongs to; throws ValidationError on problems. */
  public manifests(): Manifest[] {
    const { manifests, folders } = this.rendered();
    gate(manifests, folders);
    return manifests;
  }

  /**
   * Every object rendered (construct validations, toJson, the platform's annotations) with its file,
   * and what each environment folder declares; not yet through the gate.
   */
  protected rendered(): { manifests: Manifest[]; folders: Map<string, FolderTarget> } {
    const errors: string[] = [];
    const objects: ApiObject[] = [];
    const folders = new Map<string, FolderTarget>();
    // One walk over the tree: construct validations and object collection (linear in the tree size).
    underPlatformGate(() => {
      for (const c of this.node.findAll()) {
        for (const message of c.node.validate()) errors.push(`${c.node.path}: ${message}`);
        if (c instanceof ApiObject) objects.push(c);
        else if (Environment.isEnvironment(c)) {
          folders.set(c.name, { server: c.cluster.server, namespace: c.namespace, gateways: c.gateways, secretStores: c.secretStores.declared });
        }
      }
    });
    if (errors.length) {
      throw new ValidationError(errors.map((message) => ({ object: 'construct', path: '', message })));
    }
    const manifests: Manifest[] = objects.map((obj) => {
      const { folder, unit } = placement(obj, this);
      const doc = normalize(obj.toJson());
      return { file: `${folder}/${unit}.yaml`, doc };
    });
    return { manifests, folders };
  }

  /** The manifests' files (path relative to the output folder -> content): YAML and a Kustomization per folder, sorted and stable. */
  public files(): Map<string, string> {
    return renderFiles(this.manifests());
  }

  /** Exactly what `synth()` writes: `files()` plus the inventory pages (what runs where). */
  public outputFiles(): Map<string, string> {
    return outputFiles(this.manifests());
  }

  /**
   * Renders and validates, then replaces the output folder with the new files in one rename; reports
   * what changed (`onSynth`). Files are staged as they render, while the gate runs, and dropped if
   * it refuses.
   */
  public override synth(): void {
    const { manifests, folders } = this.rendered();
    const before = readFiles(this.outdir);
    const staged = new StagedOutput(this.outdir, before);
    let files: Map<string, string>;
    try {
      files = outputFiles(manifests, (file, content) => staged.add(file, content));
    } catch (e) {
      staged.discard();
      // Objects the gate refuses may not render: its problems are the message, not the renderer's.
      gate(manifests, folders);
      throw e;
    }
    try {
      gate(manifests, folders);
    } catch (e) {
      staged.discard();
      throw e;
    }
    // A synth that changes nothing writes nothing: the folder already holds exactly these files.
    if (sameFiles(before, files)) staged.discard();
    else staged.commit();
    emitSynth(buildReport(this.outdir, manifests, before, files));
  }

  /** Not used by the gate: cdk8s' own per-chart YAML is replaced by `files()`. */
  public override synthYaml(): string {
    return [...this.files().values()].join('---\n');
  }
}

/** Runs the validation gate over the manifests; throws ValidationError listing every problem. */
function gate(manifests: Manifest[], folders: Map<string, FolderTarget>): void {
  const problems = validateManifests(manifests, { folders });
  if (problems.length) throw new ValidationError(problems);
}

function normalize(doc: any): any {
  const namespaced = isNamespaced(doc.apiVersion, doc.kind);
  if (namespaced === false && doc.metadata?.namespace !== undefined) {
    // A chart's namespace applies to every object; cluster-scoped ones must not carry it.
    const { namespace: _ignored, ...metadata } = doc.metadata;
    doc = { ...doc, metadata };
  }
  const { name, namespace, labels, annotations, ...rest } = doc.metadata ?? {};
  // Reviewers read name and namespace first; every object carries its Argo CD sync wave (and data its retention).
  const syncOptions = syncOptionsOf(doc.apiVersion, doc.kind, annotations?.[SYNC_OPTIONS_ANNOTATION]);
  const stamped = { ...annotations, [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(doc.kind)), ...(syncOptions === undefined ? {} : { [SYNC_OPTIONS_ANNOTATION]: syncOptions }) };
  const metadata = { name, namespace, labels, annotations: stamped, ...rest };
  if (namespace === undefined) delete metadata.namespace;
  if (labels === undefined) delete metadata.labels;
  const { apiVersion, kind, metadata: _old, ...body } = doc;
  return { apiVersion, kind, metadata, ...body };
}

function order(a: Manifest, b: Manifest): number {
  return syncWaveOf(a.doc.kind) - syncWaveOf(b.doc.kind)
    || compare(a.doc.kind, b.doc.kind)
    || compare(a.doc.metadata?.name ?? '', b.doc.metadata?.name ?? '');
}

/** Receives each file as it is rendered (path relative to the output folder, content). */
type FileSink = (file: string, content: string) => void;

/** The manifests' files plus the inventory pages `README.md` and `<folder>/README.md` (what runs where). */
function outputFiles(manifests: Manifest[], sink?: FileSink): Map<string, string> {
  const files = renderFiles(manifests, sink);
  for (const [file, page] of renderInventory(manifests)) {
    files.set(file, page);
    sink?.(file, page);
  }
  return new Map([...files.entries()].sort(([a], [b]) => compare(a, b)));
}

/** Groups manifests into YAML files, objects ordered by sync wave, kind and name; adds a kustomization per folder. */
export function renderFiles(manifests: Manifest[], sink?: FileSink): Map<string, string> {
  const byFile = new Map<string, Manifest[]>();
  for (const m of manifests) {
    const list = byFile.get(m.file);
    if (list) list.push(m);
    else byFile.set(m.file, [m]);
  }
  const files = new Map<string, string>();
  const folders = new Map<string, string[]>();
  for (const file of [...byFile.keys()].sort()) {
    const docs = byFile.get(file)!.sort(order);
    const content = docs.map((m) => stringifyManifest(m.doc)).join('---\n');
    files.set(file, content);
    sink?.(file, content);
    const [folder, ...rest] = file.split('/');
    const list = folders.get(folder) ?? [];
    list.push(rest.join('/'));
    folders.set(folder, list);
  }
  for (const [folder, resources] of folders) {
    // `kubectl kustomize dist/<env>` (and Argo CD) render exactly the synthesized objects.
    const kustomization = stringifyManifest({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });
    files.set(`${folder}/${KUSTOMIZATION_FILE}`, kustomization);
    sink?.(`${folder}/${KUSTOMIZATION_FILE}`, kustomization);
  }
  return new Map([...files.entries()].sort(([a], [b]) => compare(a, b)));
}

/** Whether two folders' files (path -> content) are the same files with the same contents. */
function sameFiles(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [file, content] of a) if (b.get(file) !== content) return false;
  return true;
}

const DUPLICATE_IDS = Symbol.for('platform.clearDuplicateIdErrors');

/**
 * Two constructs of one id in one scope (most often two apps of one name in an environment) fail
 * with a ConfigError naming both, which the synth runner prints as one line at the user's code,
 * instead of constructs' plain Error. Idempotent.
 */
function useClearDuplicateIdErrors(): void {
  const proto = Node.prototype as any;
  if (proto[DUPLICATE_IDS] || typeof proto.addChild !== 'function') return;
  const addChild = proto.addChild;
  proto.addChild = function addChildOnce(this: any, child: any, childName: string) {
    const existing = this._children?.[childName];
    if (existing !== undefined && !this.locked) {
      const scope = this.path ? `${this.host.constructor.name} "${this.path}"` : 'the app';
      throw new ConfigError(`${child?.constructor?.name ?? 'Construct'} "${childName}": ${scope} already has a ${existing.constructor.name} named "${childName}": `
        + 'ids must be unique in their scope (an app name once per environment)');
    }
    return addChild.call(this, child, childName);
  };
  Object.defineProperty(proto, DUPLICATE_IDS, { value: true });
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const PlatformAppPropsSchema = P.object('PlatformAppProps', { outdir: P.string });
