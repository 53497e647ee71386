import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as argocd from '../../imports/argocd-argoproj.io';
import * as argocdproject from '../../imports/argocdproject-argoproj.io';
import { compare, FolderFacts, GroupKind, NamedGroupKind, scanFolders } from './inventory';
import { badServer, Environment, IN_CLUSTER } from '../platform';
import { checkProps, P } from '../props/schema';
import { check, checkInteger, checkName } from '../props/checks';
import { SyncPolicy } from './sync-policy';
import { urlCarriesCredentials } from '../rules/credentials';

export { GroupKind } from './inventory';
export * from './sync-policy';

export interface ArgoCdBootstrapProps {
  /**
   * URL of the Git repository Argo CD syncs (the one that holds `dist/`). The AppProjects accept
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
   * Namespace Argo CD runs in, where the AppProjects and the Applications live.
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Prefix of the names of the AppProjects and Applications: each folder gets an AppProject and an
   * Application named `<project>-<folder>`.
   * @default 'platform'
   */
  readonly project?: string;
  /**
   * API server of the cluster that folders other than environments (e.g. the pipeline's `ci`)
   * deploy to. Environments deploy to their own `cluster`; this construct's folder always goes to
   * Argo CD's own cluster, where Argo CD reads its Applications.
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in)
   */
  readonly server?: string;
  /**
   * Sync policy per folder of `dist/` (an environment's name, or a top-level chart's id). A name
   * that is not a synthesized folder fails the synth. This construct's own folder always syncs by
   * hand: an automated policy for it is refused.
   * @default `defaultSyncPolicy` for every folder
   */
  readonly syncPolicies?: { readonly [folder: string]: SyncPolicy };
  /**
   * Sync policy of the folders that `syncPolicies` does not name (but this construct's own folder,
   * which is always manual).
   * @default SyncPolicy.manual()
   */
  readonly defaultSyncPolicy?: SyncPolicy;
  /**
   * Also generate an Application for this construct's own folder, so that after the first
   * `kubectl apply` Argo CD picks up new folders from Git. Its AppProject is the only one that may
   * manage AppProjects and Applications (in `namespace` only), and it syncs by hand.
   * @default true
   */
  readonly selfManaged?: boolean;
  /**
   * Value of the `app.kubernetes.io/part-of` label of the generated objects.
   * @default 'platform'
   */
  readonly partOf?: string;
}

const BOOTSTRAP = Symbol.for('platform.ArgoCdBootstrap');
const ROLE_SOURCE = Symbol.for('platform.ArgoCdProjectRoleSource');

/**
 * A construct that needs Argo CD project roles (e.g. the pipeline, for environments it reaches
 * through Argo CD's API): the bootstrap asks it, when it renders each AppProject, for that folder's roles.
 */
export interface ArgoCdProjectRoleSource {
  readonly [ROLE_SOURCE]: true;
  /** The roles of the AppProject `project` of `folder` (empty for none). */
  projectRoles(folder: string, project: string): argocdproject.AppProjectSpecRoles[];
}

/** Marks a construct as an ArgoCdProjectRoleSource. */
export const ARGO_CD_ROLE_SOURCE: typeof ROLE_SOURCE = ROLE_SOURCE;

function isRoleSource(x: IConstruct): x is IConstruct & ArgoCdProjectRoleSource {
  return typeof x === 'object' && x !== null && ROLE_SOURCE in x;
}
const ARGO_CD_KINDS = new Set(['Application', 'ApplicationSet', 'AppProject']);

/**
 * The Argo CD side of the platform, in its own folder of `dist/` (the construct's id, e.g.
 * `dist/argocd/`), applyable with one `kubectl apply -f dist/argocd/`:
 *
 * - one AppProject per folder of `dist/` (each environment, the pipeline's folder, this one), that
 *   accepts only `repoUrl` as source, only the (cluster, namespace) pairs the folder's objects use
 *   as destinations, and only the group/kinds they have (cluster-scoped objects by name, so a
 *   folder creates only its own Namespace) -- all derived from the folders when the app is
 *   synthesized. Only this folder's project may manage AppProjects and Applications;
 * - one Application per folder, in the folder's project, deploying to the folder's cluster (an
 *   environment's `cluster`), with the folder's sync policy and the `ignoreDifferences` for the
 *   fields that Argo Rollouts and autoscalers change in the cluster.
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
  /** The prefix of the AppProjects' and Applications' names. */
  public readonly projectPrefix: string;
  /** AppProjects by the folder whose Application uses them. */
  public readonly projects: ReadonlyMap<string, argocdproject.AppProject>;
  /** Applications by the folder they sync. */
  public readonly applications: ReadonlyMap<string, argocd.Application>;

  private readonly path: string;
  private readonly server: string;
  private readonly partOf: string;
  private readonly selfManaged: boolean;
  private readonly syncPolicies: { readonly [folder: string]: SyncPolicy };
  private readonly defaultSyncPolicy: SyncPolicy;
  private cached?: Map<string, FolderFacts>;

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
    this.projectPrefix = props.project ?? 'platform';
    this.path = (props.path ?? 'dist').replace(/^\.?\/+|\/+$/g, '');
    this.server = (props.server ?? IN_CLUSTER.server).replace(/\/+$/, '');
    this.partOf = props.partOf ?? 'platform';
    this.selfManaged = props.selfManaged ?? true;
    this.syncPolicies = props.syncPolicies ?? {};
    this.defaultSyncPolicy = props.defaultSyncPolicy ?? SyncPolicy.manual();

    check(/^(https?|ssh):\/\/\S+$|^git@[^:\s]+:\S+$/.test(this.repoUrl), c, id,
      () => `repoUrl must be the URL of the Git repository (https://..., ssh://... or git@host:path), got "${props.repoUrl}"`);
    check(!urlCarriesCredentials(this.repoUrl), c, id,
      () => 'repoUrl must not contain credentials: register them in Argo CD as a repository Secret');
    check(/^[A-Za-z0-9._/-]+$/.test(this.targetRevision) && !this.targetRevision.includes('..'), c, id,
      () => `targetRevision must be a branch, tag or commit, got "${this.targetRevision}"`);
    check(this.path !== '' && !this.path.split('/').includes('..'), c, id,
      () => `path must be a folder of the repository such as "dist", got "${props.path}"`);
    const serverProblem = badServer(this.server);
    check(serverProblem === undefined, c, id, () => `server ${serverProblem}`);
    checkName(c, id, 'project', this.projectPrefix);
    for (const policy of [this.defaultSyncPolicy, ...Object.values(this.syncPolicies)]) {
      // Argo CD retries without end below 0: platform policy (docs/validation.md) refuses that; no maximum.
      checkInteger(c, id, 'retryLimit', policy.retryLimit, 0, Infinity);
    }
    // Whoever can change this folder can create projects and Applications: a person looks first.
    check(!this.syncPolicies[this.folder]?.isAutomated, c, id,
      () => `syncPolicies.${this.folder} must be SyncPolicy.manual(): the folder "${this.folder}" creates AppProjects and Applications, so a person syncs it`);

    const labels = { 'app.kubernetes.io/part-of': this.partOf, 'app.kubernetes.io/managed-by': 'cdk8s' };
    const projects = new Map<string, argocdproject.AppProject>();
    const applications = new Map<string, argocd.Application>();
    const projectScope = new Construct(this, 'projects');
    const applicationScope = new Construct(this, 'applications');
    for (const folder of this.discoverFolders()) {
      const name = this.applicationName(folder);
      checkName(c, id, `AppProject and Application name for folder "${folder}"`, name);
      projects.set(folder, new argocdproject.AppProject(projectScope, folder, {
        metadata: { name: this.projectName(folder), labels },
        spec: Lazy.any({ produce: () => this.projectSpec(folder) }),
      }));
      applications.set(folder, new argocd.Application(applicationScope, folder, {
        metadata: { name, labels },
        spec: Lazy.any({ produce: () => this.applicationSpec(folder) }),
      }));
    }
    this.projects = projects;
    this.applications = applications;

    this.node.addValidation({ validate: () => this.problems() });
  }

  /** Name of the AppProject of this construct's own folder (the only one that may manage Argo CD objects). */
  public get bootstrapProjectName(): string {
    return this.projectName(this.folder);
  }

  /** The AppProject name of a folder: `<project>-<folder>`. */
  public projectName(folder: string): string {
    return `${this.projectPrefix}-${folder}`;
  }

  /** The Application name of a folder: `<project>-<folder>`. */
  public applicationName(folder: string): string {
    return `${this.projectPrefix}-${folder}`;
  }

  /** The repository path an Application of `folder` syncs. */
  public sourcePath(folder: string): string {
    return `${this.path}/${folder}`;
  }

  /** The API server a folder deploys to: its environment's cluster, Argo CD's own for this folder, else `server`. */
  public serverOf(folder: string): string {
    if (folder === this.folder) return IN_CLUSTER.server;
    const env = this.inventory().get(folder)?.environment ?? this.environments().get(folder);
    return env ? env.cluster.server : this.server;
  }

  private environments(): Map<string, Environment> {
    const envs = new Map<string, Environment>();
    for (const c of this.node.root.node.findAll()) if (Environment.isEnvironment(c)) envs.set(c.name, c);
    return envs;
  }

  /** The folders of dist/ known now: every Environment, every other top-level chart, and this one. */
  private discoverFolders(): string[] {
    const root = this.node.root;
    const folders = new Set<string>(this.environments().keys());
    for (const child of root.node.children) {
      if (child === this || Environment.isEnvironment(child) || !Chart.isChart(child)) continue;
      // A chart that only groups environments has no folder of its own.
      const all = child.node.findAll();
      const onlyEnvironments = all.some((c) => Environment.isEnvironment(c))
        && !all.some((c) => c instanceof ApiObject && !Environment.find(c));
      if (!onlyEnvironments) folders.add(child.node.id);
    }
    if (this.selfManaged) folders.add(this.folder);
    return [...folders].sort();
  }

  private inventory(): Map<string, FolderFacts> {
    this.cached ??= scanFolders(this.node.root);
    return this.cached;
  }

  /** The namespace an Application deploys to by default (its objects all name theirs explicitly). */
  private destinationNamespace(f: FolderFacts): string | undefined {
    if (f.folder === this.folder) return this.namespace;
    if (f.chartNamespace) return f.chartNamespace;
    // A chart without a namespace: the one most objects use; ties go to the first in alphabetical order.
    const ranked = [...f.namespaces.entries()].sort(([a, n], [b, m]) => m - n || compare(a, b));
    return ranked[0]?.[0];
  }

  private needsCreateNamespace(f: FolderFacts): boolean {
    const ns = this.destinationNamespace(f);
    return ns !== undefined && f.folder !== this.folder && !f.createdNamespaces.has(ns);
  }

  /** Exactly what one folder may do: this repository, its (cluster, namespace) pairs, its kinds. */
  private projectSpec(folder: string): argocdproject.AppProjectSpec {
    const f = this.inventory().get(folder);
    const server = this.serverOf(folder);
    const namespaces = new Set<string>(f ? f.namespaces.keys() : []);
    const dest = f ? this.destinationNamespace(f) : folder === this.folder ? this.namespace : undefined;
    if (dest) namespaces.add(dest);
    // Cluster-scoped objects by name: a folder may create its own Namespace, never relabel another's.
    const clusterObjects = new Map<string, NamedGroupKind>(f ? f.clusterObjects : []);
    if (f && this.needsCreateNamespace(f)) clusterObjects.set(`/Namespace/${dest}`, { group: '', kind: 'Namespace', name: dest! });
    const clusterResourceWhitelist = [...clusterObjects.values()]
      .sort((a, b) => compare(a.group, b.group) || compare(a.kind, b.kind) || compare(a.name, b.name))
      .map(({ group, kind, name }) => ({ group, kind, name }));
    const namespaceResourceWhitelist = [...(f?.namespacedKinds.values() ?? [])]
      .sort((a, b) => compare(a.group, b.group) || compare(a.kind, b.kind))
      .map(({ group, kind }: GroupKind) => ({ group, kind }));
    const roles = this.node.root.node.findAll().filter(isRoleSource)
      .flatMap((source) => source.projectRoles(folder, this.projectName(folder)))
      .sort((a, b) => compare(a.name, b.name));
    const env = f?.environment;
    const where = env ? `cluster ${env.cluster.name} (${server})` : server;
    return {
      description: `${this.sourcePath(folder)}: only this repository, only its namespaces on ${where}, only the kinds it synthesizes`,
      sourceRepos: [this.repoUrl],
      destinations: [...namespaces].sort(compare).map((namespace) => ({ server, namespace })),
      clusterResourceWhitelist: clusterResourceWhitelist.length ? clusterResourceWhitelist : undefined,
      namespaceResourceWhitelist: namespaceResourceWhitelist.length ? namespaceResourceWhitelist : undefined,
      // An absent whitelist would allow every namespaced kind (Argo CD's default): deny them instead.
      namespaceResourceBlacklist: namespaceResourceWhitelist.length ? undefined : [{ group: '*', kind: '*' }],
      roles: roles.length ? roles : undefined,
    };
  }

  /** The sync policy of a folder's Application. */
  public policyOf(folder: string): SyncPolicy {
    if (folder === this.folder) return this.syncPolicies[folder] ?? SyncPolicy.manual({ retryLimit: this.defaultSyncPolicy.retryLimit });
    return this.syncPolicies[folder] ?? this.defaultSyncPolicy;
  }

  private applicationSpec(folder: string): argocd.ApplicationSpec {
    const f = this.inventory().get(folder);
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
      project: this.projectName(folder),
      source: { repoUrl: this.repoUrl, targetRevision: this.targetRevision, path: this.sourcePath(folder) },
      destination: { server: this.serverOf(folder), namespace: f ? this.destinationNamespace(f) : undefined },
      ignoreDifferences: ignoreDifferences.length ? ignoreDifferences : undefined,
      syncPolicy: {
        automated: policy.isAutomated ? { prune: policy.prune, selfHeal: policy.selfHeal } : undefined,
        retry: policy.retryLimit > 0 ? { limit: policy.retryLimit, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } } : undefined,
        syncOptions: syncOptions.length ? syncOptions : undefined,
      },
    };
  }

  /** Checked when the app is synthesized: Applications and folders match one to one; clusters are consistent. */
  private problems(): string[] {
    this.cached = scanFolders(this.node.root);
    const produced = this.cached;
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
      const argoKinds = [...facts.namespacedKinds.values()].filter((gk) => gk.group === 'argoproj.io' && ARGO_CD_KINDS.has(gk.kind));
      if (folder !== this.folder && argoKinds.length) {
        problems.push(`folder "${folder}" synthesizes ${list(argoKinds.map((gk) => gk.kind))}: only the folder "${this.folder}" may hold Argo CD projects and Applications`);
      }
    }
    problems.push(...this.clusterProblems());
    return problems;
  }

  /** One cluster, one name: two environments that name a cluster differently would split its namespaces. */
  private clusterProblems(): string[] {
    const byName = new Map<string, Environment>();
    const byServer = new Map<string, Environment>();
    const problems: string[] = [];
    for (const env of [...this.environments().values()].sort((a, b) => compare(a.name, b.name))) {
      const { name, server } = env.cluster;
      const sameName = byName.get(name);
      const sameServer = byServer.get(server);
      if (sameName && sameName.cluster.server !== server) {
        problems.push(`environments "${sameName.name}" and "${env.name}" name cluster "${name}" with different servers (${sameName.cluster.server}, ${server}): one cluster has one address`);
      } else if (sameServer && sameServer.cluster.name !== name) {
        problems.push(`environments "${sameServer.name}" and "${env.name}" give the cluster ${server} different names ("${sameServer.cluster.name}", "${name}"): use the name it is registered under in Argo CD`);
      }
      byName.set(name, byName.get(name) ?? env);
      byServer.set(server, byServer.get(server) ?? env);
    }
    return problems;
  }
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
const syncPolicy = P.instance('SyncPolicy', SyncPolicy);
export const ArgoCdBootstrapPropsSchema = P.object('ArgoCdBootstrapProps', {
  repoUrl: P.required(P.string), targetRevision: P.string, path: P.string, namespace: P.string, project: P.string,
  server: P.string, syncPolicies: P.record(syncPolicy), defaultSyncPolicy: syncPolicy, selfManaged: P.boolean, partOf: P.string,
});
