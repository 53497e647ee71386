import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as argocd from '../imports/argocd-argoproj.io';
import * as argocdproject from '../imports/argocdproject-argoproj.io';
import { Environment } from './environment';
import { checkOptions, checkProps } from './prop-schema';
import { ArgoCdBootstrapPropsSchema, AutomatedSyncOptionsSchema, SyncPolicyOptionsSchema } from './prop-schemas';
import { check, checkInteger, checkName } from './props';
import { isNamespaced } from './validate/schema';

/** Options shared by manual and automated sync policies. */
export interface SyncPolicyOptions {
  /**
   * Apply with Kubernetes server-side apply (`ServerSideApply=true`). Refused for a folder whose
   * Services Argo Rollouts manages: the Rollouts controller and Argo CD would fight over the
   * Service selector (argoproj/argo-rollouts#3437).
   * @default false (client-side apply, Argo CD's default)
   */
  readonly serverSideApply?: boolean;
  /**
   * Retries of a failed sync, with exponential backoff from 10s up to 3m. 0 turns retries off.
   * @default 5
   */
  readonly retryLimit?: number;
}

/** Options of an automated sync policy. */
export interface AutomatedSyncOptions extends SyncPolicyOptions {
  /**
   * Delete objects from the cluster that are no longer in Git (after everything else is synced:
   * `PruneLast=true`).
   * @default false
   */
  readonly prune?: boolean;
  /**
   * Revert changes made in the cluster outside Git.
   * @default false
   */
  readonly selfHeal?: boolean;
}

/** When Argo CD applies a folder of `dist/`: on every commit, or when someone presses Sync. */
export class SyncPolicy {
  /** Argo CD syncs every commit by itself (typical for development environments). */
  public static automated(options: AutomatedSyncOptions = {}): SyncPolicy {
    checkOptions('SyncPolicy.automated', options, AutomatedSyncOptionsSchema);
    return new SyncPolicy(true, options.prune ?? false, options.selfHeal ?? false, options);
  }

  /** Argo CD shows the difference; a person syncs it (typical for production). */
  public static manual(options: SyncPolicyOptions = {}): SyncPolicy {
    checkOptions('SyncPolicy.manual', options, SyncPolicyOptionsSchema);
    return new SyncPolicy(false, false, false, options);
  }

  public readonly serverSideApply: boolean;
  public readonly retryLimit: number;

  private constructor(
    public readonly isAutomated: boolean,
    public readonly prune: boolean,
    public readonly selfHeal: boolean,
    options: SyncPolicyOptions,
  ) {
    this.serverSideApply = options.serverSideApply ?? false;
    this.retryLimit = options.retryLimit ?? 5;
  }
}

export interface ArgoCdBootstrapProps {
  /**
   * URL of the Git repository Argo CD syncs (the one that holds `dist/`). The AppProject accepts
   * no other source.
   */
  readonly repoUrl: string;
  /**
   * Branch, tag or commit of the repository that Argo CD syncs.
   * @default 'main'
   */
  readonly targetRevision?: string;
  /**
   * Folder of the repository that holds the synthesized output; each Application syncs
   * `<path>/<folder>`.
   * @default 'dist'
   */
  readonly path?: string;
  /**
   * Namespace Argo CD runs in, where the AppProject and the Applications live.
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Name of the AppProject of the platform's folders; also the prefix of the Applications' names
   * (`<project>-<folder>`).
   * @default 'platform'
   */
  readonly project?: string;
  /**
   * API server of the cluster the Applications deploy to.
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in)
   */
  readonly server?: string;
  /**
   * Sync policy per folder of `dist/` (an environment's name, or a top-level chart's id). A name
   * that is not a synthesized folder fails the synth.
   * @default `defaultSyncPolicy` for every folder
   */
  readonly syncPolicies?: { readonly [folder: string]: SyncPolicy };
  /**
   * Sync policy of the folders that `syncPolicies` does not name.
   * @default SyncPolicy.manual()
   */
  readonly defaultSyncPolicy?: SyncPolicy;
  /**
   * Also generate an Application for this construct's own folder, so that after the first
   * `kubectl apply` Argo CD picks up new folders from Git. It belongs to a second AppProject,
   * `<project>-bootstrap`, that may only manage Applications and AppProjects in `namespace`.
   * @default true
   */
  readonly selfManaged?: boolean;
  /**
   * Value of the `app.kubernetes.io/part-of` label of the generated objects.
   * @default 'platform'
   */
  readonly partOf?: string;
}

/** A group/kind as AppProject whitelists name it (the core group is ''). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** What one folder of `dist/` contains, as far as Argo CD needs to know. */
interface FolderFacts {
  readonly folder: string;
  /** Namespaces of its namespaced objects. */
  readonly namespaces: Map<string, number>;
  /** Names of the Namespace objects it creates. */
  readonly createdNamespaces: Set<string>;
  readonly clusterKinds: Map<string, GroupKind>;
  readonly namespacedKinds: Map<string, GroupKind>;
  /** The namespace the environment declares, when the folder is one. */
  readonly environmentNamespace?: string;
  /** Objects whose fields controllers change: `group/kind/namespace/name` -> JSON pointers. */
  readonly ignored: Map<string, IgnoredFields>;
  /** Services that Argo Rollouts manages (their selectors), as `namespace/name`. */
  readonly rolloutServices: Set<string>;
}

/** Fields of one object that a controller owns in the cluster. */
interface IgnoredFields {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly pointers: Set<string>;
  readonly jq: Set<string>;
}

interface Inventory {
  readonly folders: Map<string, FolderFacts>;
}

const BOOTSTRAP = Symbol.for('platform.ArgoCdBootstrap');
const DEFAULT_SERVER = 'https://kubernetes.default.svc';
/**
 * The pod-template-hash label the Rollouts controller adds to the selectors of the Services it
 * manages (a jq path over the selector's keys, so the stable labels beside it are still compared).
 */
const POD_HASH_SELECTOR = '.spec.selector | objects | .[keys[] | select(startswith("rollouts-pod-template"))]';
const MANAGED_BY_ROLLOUTS = '/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts';

/** The API group of an apiVersion: `apps/v1` -> `apps`, `v1` -> ''. */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The Argo CD side of the platform, in its own folder of `dist/` (the construct's id, e.g.
 * `dist/argocd/`), applyable with one `kubectl apply -f dist/argocd/`:
 *
 * - an AppProject that accepts only `repoUrl` as source, only the namespaces the platform's objects
 *   use as destinations, and only the group/kinds they have (cluster-scoped ones in the cluster
 *   whitelist) -- all derived from the other folders when the app is synthesized;
 * - one Application per folder of `dist/` (each environment, the pipeline's folder, ...), with the
 *   folder's sync policy and the `ignoreDifferences` for the fields that Argo Rollouts and
 *   autoscalers change in the cluster.
 *
 * Folders are discovered when the construct is created: create it after every other chart. The
 * synth fails when an Application would point at a folder that is not synthesized, or when a
 * synthesized folder has no Application.
 */
export class ArgoCdBootstrap extends Chart {
  /** Whether `x` is an ArgoCdBootstrap (`instanceof` is true for any Chart: cdk8s overrides it). */
  public static isArgoCdBootstrap(x: unknown): x is ArgoCdBootstrap {
    return typeof x === 'object' && x !== null && BOOTSTRAP in x;
  }

  public readonly [BOOTSTRAP] = true;
  /** Name of this construct's folder in `dist/`. */
  public readonly folder: string;
  public readonly namespace: string;
  public readonly repoUrl: string;
  public readonly targetRevision: string;
  public readonly projectName: string;
  public readonly project: argocdproject.AppProject;
  /** The bootstrap AppProject, when `selfManaged`. */
  public readonly bootstrapProject?: argocdproject.AppProject;
  /** Applications by the folder they sync. */
  public readonly applications: ReadonlyMap<string, argocd.Application>;

  private readonly path: string;
  private readonly server: string;
  private readonly partOf: string;
  private readonly selfManaged: boolean;
  private readonly syncPolicies: { readonly [folder: string]: SyncPolicy };
  private readonly defaultSyncPolicy: SyncPolicy;
  private cached?: Inventory;

  constructor(scope: Construct, id: string, props: ArgoCdBootstrapProps) {
    const namespace = props.namespace ?? 'argocd';
    super(scope, id, { namespace, disableResourceNameHashes: true });
    const c = 'ArgoCdBootstrap';
    checkProps(c, id, props, ArgoCdBootstrapPropsSchema);
    check(scope.node.scope === undefined, c, id, () => 'must be created directly in the app (it is a folder of dist/ of its own), not inside another chart');
    checkName(c, id, 'id', id);
    checkName(c, id, 'namespace', namespace);
    this.folder = id;
    this.namespace = namespace;
    this.repoUrl = props.repoUrl.trim();
    this.targetRevision = props.targetRevision ?? 'main';
    this.projectName = props.project ?? 'platform';
    this.path = (props.path ?? 'dist').replace(/^\.?\/+|\/+$/g, '');
    this.server = props.server ?? DEFAULT_SERVER;
    this.partOf = props.partOf ?? 'platform';
    this.selfManaged = props.selfManaged ?? true;
    this.syncPolicies = props.syncPolicies ?? {};
    this.defaultSyncPolicy = props.defaultSyncPolicy ?? SyncPolicy.manual();

    check(/^(https?|ssh):\/\/\S+$|^git@[^:\s]+:\S+$/.test(this.repoUrl), c, id,
      () => `repoUrl must be the URL of the Git repository (https://..., ssh://... or git@host:path), got "${props.repoUrl}"`);
    check(!/^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(this.repoUrl) || /^ssh:\/\/git@/i.test(this.repoUrl), c, id,
      () => 'repoUrl must not contain credentials: register them in Argo CD as a repository Secret');
    check(/^[A-Za-z0-9._/-]+$/.test(this.targetRevision) && !this.targetRevision.includes('..'), c, id,
      () => `targetRevision must be a branch, tag or commit, got "${this.targetRevision}"`);
    check(this.path !== '' && !this.path.split('/').includes('..'), c, id,
      () => `path must be a folder of the repository such as "dist", got "${props.path}"`);
    check(/^https:\/\/\S+$/.test(this.server), c, id, () => `server must be the https:// URL of a Kubernetes API server, got "${this.server}"`);
    checkName(c, id, 'project', this.projectName);
    for (const policy of [this.defaultSyncPolicy, ...Object.values(this.syncPolicies)]) {
      checkInteger(c, id, 'retryLimit', policy.retryLimit, 0, 100);
    }

    const labels = { 'app.kubernetes.io/part-of': this.partOf, 'app.kubernetes.io/managed-by': 'cdk8s' };
    const projects = new Construct(this, 'project');
    this.project = new argocdproject.AppProject(projects, 'platform', {
      metadata: { name: this.projectName, labels },
      spec: {
        description: `Folders of ${this.path}/ synthesized by cdk8s: only this repository, only the namespaces and kinds they use`,
        sourceRepos: [this.repoUrl],
        destinations: Lazy.any({ produce: () => this.destinations(this.otherFolders()) }),
        clusterResourceWhitelist: Lazy.any({ produce: () => this.whitelist(this.otherFolders(), 'cluster') }),
        namespaceResourceWhitelist: Lazy.any({ produce: () => this.whitelist(this.otherFolders(), 'namespaced') }),
      },
    });
    if (this.selfManaged) {
      this.bootstrapProject = new argocdproject.AppProject(projects, 'bootstrap', {
        metadata: { name: this.bootstrapProjectName, labels },
        spec: {
          description: `The Argo CD objects of ${this.path}/${this.folder}: Applications and AppProjects in ${namespace} only`,
          sourceRepos: [this.repoUrl],
          destinations: [{ server: this.server, namespace }],
          namespaceResourceWhitelist: Lazy.any({ produce: () => this.whitelist(this.ownFolder(), 'namespaced') }),
        },
      });
    }

    const applications = new Map<string, argocd.Application>();
    const parent = new Construct(this, 'applications');
    for (const folder of this.discoverFolders()) {
      const name = this.applicationName(folder);
      checkName(c, id, `Application name for folder "${folder}"`, name);
      applications.set(folder, new argocd.Application(parent, folder, {
        metadata: { name, labels },
        spec: Lazy.any({ produce: () => this.applicationSpec(folder) }),
      }));
    }
    this.applications = applications;

    this.node.addValidation({ validate: () => this.problems() });
  }

  /** Name of the AppProject of this construct's own folder, when `selfManaged`. */
  public get bootstrapProjectName(): string {
    return `${this.projectName}-bootstrap`;
  }

  /** The Application name of a folder: `<project>-<folder>`. */
  public applicationName(folder: string): string {
    return `${this.projectName}-${folder}`;
  }

  /** The repository path an Application of `folder` syncs. */
  public sourcePath(folder: string): string {
    return `${this.path}/${folder}`;
  }

  /** The folders of dist/ known now: every Environment, every other top-level chart, and this one. */
  private discoverFolders(): string[] {
    const root = this.node.root;
    const folders = new Set<string>();
    for (const c of root.node.findAll()) {
      if (Environment.isEnvironment(c)) folders.add(c.name);
    }
    for (const child of root.node.children) {
      if (child === this || Environment.isEnvironment(child) || !Chart.isChart(child)) continue;
      // A chart that only groups environments has no folder of its own.
      const onlyEnvironments = child.node.findAll().some((c) => Environment.isEnvironment(c))
        && !child.node.findAll().some((c) => c instanceof ApiObject && !Environment.find(c));
      if (!onlyEnvironments) folders.add(child.node.id);
    }
    if (this.selfManaged) folders.add(this.folder);
    return [...folders].sort();
  }

  private otherFolders(): FolderFacts[] {
    return [...this.inventory().folders.values()].filter((f) => f.folder !== this.folder);
  }

  private ownFolder(): FolderFacts[] {
    const own = this.inventory().folders.get(this.folder);
    return own ? [own] : [];
  }

  private inventory(): Inventory {
    this.cached ??= this.scan();
    return this.cached;
  }

  /** One walk over the app: what each folder contains (synthesized the way PlatformApp places objects). */
  private scan(): Inventory {
    const root = this.node.root;
    const folders = new Map<string, FolderFacts>();
    const facts = (folder: string, env?: Environment): FolderFacts => {
      let f = folders.get(folder);
      if (!f) {
        f = {
          folder, namespaces: new Map(), createdNamespaces: new Set(), clusterKinds: new Map(), namespacedKinds: new Map(),
          environmentNamespace: env?.namespace, ignored: new Map(), rolloutServices: new Set(),
        };
        folders.set(folder, f);
      }
      return f;
    };
    const ignore = (f: FolderFacts, group: string, kind: string, namespace: string | undefined, name: string, pointers: string[], jq: string[] = []) => {
      const key = `${group}/${kind}/${namespace ?? ''}/${name}`;
      let entry = f.ignored.get(key);
      if (!entry) f.ignored.set(key, entry = { group, kind, namespace, name, pointers: new Set(), jq: new Set() });
      for (const p of pointers) entry.pointers.add(p);
      for (const e of jq) entry.jq.add(e);
    };

    for (const obj of root.node.findAll()) {
      if (!(obj instanceof ApiObject)) continue;
      const env = Environment.find(obj);
      const folder = env ? env.name : topChartId(obj, root);
      if (folder === undefined) continue;
      const f = facts(folder, env);
      const group = groupOf(obj.apiVersion);
      const gk: GroupKind = { group, kind: obj.kind };
      const namespace = obj.metadata.namespace;
      const namespaced = isNamespaced(obj.apiVersion, obj.kind) ?? namespace !== undefined;
      if (namespaced) {
        f.namespacedKinds.set(`${group}/${obj.kind}`, gk);
        if (namespace) f.namespaces.set(namespace, (f.namespaces.get(namespace) ?? 0) + 1);
      } else {
        f.clusterKinds.set(`${group}/${obj.kind}`, gk);
        if (group === '' && obj.kind === 'Namespace' && obj.name) f.createdNamespaces.add(obj.name);
      }

      // Fields that controllers own in the cluster; only these objects are rendered here.
      if (obj.kind === 'Rollout' && group === 'argoproj.io') {
        const spec = obj.toJson().spec ?? {};
        const strategy = spec.strategy ?? {};
        const services = [
          strategy.blueGreen?.activeService, strategy.blueGreen?.previewService,
          strategy.canary?.stableService, strategy.canary?.canaryService,
          strategy.canary?.pingPong?.pingService, strategy.canary?.pingPong?.pongService,
        ].filter((s): s is string => typeof s === 'string' && s !== '');
        for (const svc of services) {
          f.rolloutServices.add(`${namespace ?? ''}/${svc}`);
          ignore(f, '', 'Service', namespace, svc, [MANAGED_BY_ROLLOUTS], [POD_HASH_SELECTOR]);
        }
        const ref = spec.workloadRef;
        if (ref?.kind && ref?.name && ref.scaleDown && ref.scaleDown !== 'never') {
          // The Rollouts controller scales the referenced workload down as the Rollout takes over.
          ignore(f, groupOf(ref.apiVersion ?? 'apps/v1'), ref.kind, namespace, ref.name, ['/spec/replicas']);
        }
      } else if (obj.kind === 'HorizontalPodAutoscaler') {
        const target = obj.toJson().spec?.scaleTargetRef;
        if (target?.kind && target?.name) ignore(f, groupOf(target.apiVersion ?? ''), target.kind, namespace, target.name, ['/spec/replicas']);
      }
    }
    return { folders };
  }

  /** The namespace an Application deploys to by default (its objects all name theirs explicitly). */
  private destinationNamespace(f: FolderFacts): string | undefined {
    if (f.environmentNamespace) return f.environmentNamespace;
    if (f.folder === this.folder) return this.namespace;
    // The namespace most objects use; ties go to the first in alphabetical order.
    const ranked = [...f.namespaces.entries()].sort(([a, n], [b, m]) => m - n || compare(a, b));
    return ranked[0]?.[0];
  }

  private needsCreateNamespace(f: FolderFacts): boolean {
    const ns = this.destinationNamespace(f);
    return ns !== undefined && f.folder !== this.folder && !f.createdNamespaces.has(ns);
  }

  private destinations(folders: FolderFacts[]): argocdproject.AppProjectSpecDestinations[] | undefined {
    const namespaces = new Set<string>();
    for (const f of folders) {
      for (const ns of f.namespaces.keys()) namespaces.add(ns);
      const dest = this.destinationNamespace(f);
      if (dest) namespaces.add(dest);
    }
    const list = [...namespaces].sort(compare).map((namespace) => ({ server: this.server, namespace }));
    return list.length ? list : undefined;
  }

  private whitelist(folders: FolderFacts[], scope: 'cluster' | 'namespaced'): GroupKind[] | undefined {
    const kinds = new Map<string, GroupKind>();
    for (const f of folders) {
      for (const [k, gk] of scope === 'cluster' ? f.clusterKinds : f.namespacedKinds) kinds.set(k, gk);
      // A namespace that Argo CD creates (CreateNamespace=true) is a Namespace the project manages.
      if (scope === 'cluster' && this.needsCreateNamespace(f)) kinds.set('/Namespace', { group: '', kind: 'Namespace' });
    }
    const list = [...kinds.values()].sort((a, b) => compare(a.group, b.group) || compare(a.kind, b.kind));
    return list.length ? list : undefined;
  }

  private policyOf(folder: string): SyncPolicy {
    return this.syncPolicies[folder] ?? this.defaultSyncPolicy;
  }

  private applicationSpec(folder: string): argocd.ApplicationSpec {
    const f = this.inventory().folders.get(folder);
    const policy = this.policyOf(folder);
    const ignoreDifferences = f ? [...f.ignored.values()]
      .sort((a, b) => compare(a.group, b.group) || compare(a.kind, b.kind) || compare(a.namespace ?? '', b.namespace ?? '') || compare(a.name, b.name))
      .map((e): argocd.ApplicationSpecIgnoreDifferences => ({
        group: e.group || undefined,
        kind: e.kind,
        namespace: e.namespace,
        name: e.name,
        jsonPointers: e.pointers.size ? [...e.pointers].sort(compare) : undefined,
        jqPathExpressions: e.jq.size ? [...e.jq].sort(compare) : undefined,
      })) : [];
    const syncOptions: string[] = [];
    if (f && this.needsCreateNamespace(f)) syncOptions.push('CreateNamespace=true');
    if (policy.prune) syncOptions.push('PruneLast=true');
    // Keep what controllers set (selectors, replicas) when applying, not only when comparing.
    if (ignoreDifferences.length) syncOptions.push('RespectIgnoreDifferences=true');
    if (policy.serverSideApply) syncOptions.push('ServerSideApply=true');
    return {
      project: folder === this.folder ? this.bootstrapProjectName : this.projectName,
      source: { repoUrl: this.repoUrl, targetRevision: this.targetRevision, path: this.sourcePath(folder) },
      destination: { server: this.server, namespace: f ? this.destinationNamespace(f) : undefined },
      ignoreDifferences: ignoreDifferences.length ? ignoreDifferences : undefined,
      syncPolicy: {
        automated: policy.isAutomated ? { prune: policy.prune, selfHeal: policy.selfHeal } : undefined,
        retry: policy.retryLimit > 0 ? { limit: policy.retryLimit, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } } : undefined,
        syncOptions: syncOptions.length ? syncOptions : undefined,
      },
    };
  }

  /** Checked when the app is synthesized: Applications and folders match one to one. */
  private problems(): string[] {
    this.cached = this.scan();
    const produced = this.cached.folders;
    const problems: string[] = [];
    const list = (names: Iterable<string>) => [...names].sort().join(', ') || 'none';
    for (const [folder, application] of this.applications) {
      if (!produced.has(folder)) {
        problems.push(`Application "${application.name}" syncs ${this.sourcePath(folder)}, but this synth produces no folder "${folder}" (folders: ${list(produced.keys())}): give the chart "${folder}" objects or remove it`);
      }
    }
    for (const folder of produced.keys()) {
      if (!this.applications.has(folder) && (folder !== this.folder || this.selfManaged)) {
        problems.push(`folder "${folder}" of ${this.path}/ has no Application: create the ArgoCdBootstrap after every other chart (it discovers the folders when it is created)`);
      }
    }
    for (const folder of Object.keys(this.syncPolicies)) {
      if (!this.applications.has(folder)) {
        problems.push(`syncPolicies names "${folder}", which is not a folder of ${this.path}/ (folders: ${list(this.applications.keys())})`);
      }
    }
    for (const [folder, facts] of produced) {
      if (this.applications.has(folder) && this.policyOf(folder).serverSideApply && facts.rolloutServices.size) {
        problems.push(`folder "${folder}" uses serverSideApply, but Argo Rollouts manages its Services ${list(facts.rolloutServices)}: server-side apply would take their selectors back from the Rollouts controller; leave serverSideApply off for this folder`);
      }
    }
    return problems;
  }
}

/** The id of the top-level chart that holds `obj` (PlatformApp's folder for objects outside environments). */
function topChartId(obj: IConstruct, root: IConstruct): string | undefined {
  const scope = obj.node.scopes.find((s) => s !== root && Chart.isChart(s));
  return scope?.node.id;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

