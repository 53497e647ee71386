import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type * as argocdproject from '../../imports/argocdproject-argoproj.io';
import * as workflows from '../../imports/workflows-argoproj.io';
import { ArgoCdCluster, checkCluster, IN_CLUSTER } from '../platform';
import { ARGO_CD_ROLE_SOURCE, ArgoCdProjectRoleSource } from '../gitops';
import { PipelineAccess, PipelineServiceAccounts } from './access';
import { GitOpsTarget, PipelineContext, TEMPLATE_NAMES } from './context';
import { abortJavaAppSpec, deployAppSpec } from './deploy';
import { BuildCache, BuildTool, PipelineImages, TAG_ONLY_ALLOWED, TAG_ONLY_REASON, TemplateReferencing, withDefaultImages } from './options';
import { promoteJavaAppSpec, promoteReleaseSpec } from './promotion';
import { badArgoCdServer, crossClusterProblems, isCrossCluster, pipelineProjectRole, ReachMode, reachModes } from './reach';
import { allowedImages, platformApps, serveJavaAppSpec } from './serve';
import { POD_SECURITY } from './steps';
import { check, checkImage, checkName, checkSeconds, isDnsSubdomain, parseQuantity } from '../props/checks';
import { urlCarriesCredentials } from '../rules/credentials';
import { IMAGE_DIGEST_EXEMPTION, TEMPLATE_REFERENCING_ANNOTATION, TEMPLATE_REFERENCING_EXEMPTION } from '../rules/exemptions';
import { pinnedByDigest } from '../rules/images';
import { checkProps } from '../props/schema';
import { compare } from '../util';
import { PipelineTemplateProps, PipelineTemplatePropsSchema } from './template-props';

// The option types live beside the builders that read them; users import them from here.
export { BuildCache, BuildTool, TemplateReferencing } from './options';
export type { PerAppBuildCacheOptions, PipelineImages } from './options';
export * from './template-props';


/** The props with their defaults, checked. */
interface ResolvedProps {
  readonly namespace: string;
  readonly serviceAccounts: PipelineServiceAccounts;
  readonly partOf: string;
  readonly gitops: GitOpsTarget;
  readonly registrySecret: string;
  readonly sourceSecret: string;
  readonly buildTool: BuildTool;
  readonly waitForSync: boolean;
  /** Seconds: the steps' YAML takes numbers. */
  readonly waitTimeout: number;
  readonly cache: BuildCache;
  readonly workspaceSize: string;
  readonly images: Required<PipelineImages>;
  readonly cluster: ArgoCdCluster;
  /** The Argo CD API server without a trailing slash. */
  readonly argoCdServer?: string;
  readonly argoCdTokenSecret: string;
  /** Seconds. */
  readonly promotionCheckTimeout: number;
  readonly templateReferencing: TemplateReferencing;
}

/**
 * The Argo Workflows templates of the Java delivery pipeline, in one construct:
 *
 * - `serve-java-app` (entrypoint `main`): build the .jar with Maven or Gradle, or fetch a prebuilt
 *   one; build and push the image with rootless BuildKit; then call `deploy-app`.
 * - `deploy-app` (template `deploy-java-app`): change the app's image in
 *   `releases/<environment>.json` of the GitOps repository, render `dist/<environment>/` with the
 *   project's own synth and gate, push both in one commit, and wait for the Rollout.
 * - `promote-java-app`: finish a blue-green release; `abort-java-app`: abort the Rollout and commit
 *   the previous image through `deploy-app`.
 * - `promote-release`: commit the image one environment runs to the next one.
 *
 * Credentials are only referenced by Secret name; scripts are the files of `lib/pipeline/scripts/`. The
 * namespace, ServiceAccounts and Roles the templates need are generated beside them
 * (`PipelineAccess`). Each template's spec is built by its own module (serve.ts, deploy.ts,
 * promotion.ts) from the step library (steps.ts).
 */
export class PipelineTemplate extends Construct implements ArgoCdProjectRoleSource {
  /** Name of the build-and-deploy WorkflowTemplate. */
  public static readonly SERVE = TEMPLATE_NAMES.serve;
  /** Name of the deploy WorkflowTemplate, and of its template. */
  public static readonly DEPLOY = TEMPLATE_NAMES.deploy;
  public static readonly DEPLOY_TEMPLATE = TEMPLATE_NAMES.deployTemplate;
  public static readonly PROMOTE = TEMPLATE_NAMES.promote;
  public static readonly ABORT = TEMPLATE_NAMES.abort;
  public static readonly PROMOTE_RELEASE = TEMPLATE_NAMES.promoteRelease;

  public readonly namespace: string;
  public readonly serve: workflows.WorkflowTemplate;
  public readonly deploy: workflows.WorkflowTemplate;
  public readonly promote: workflows.WorkflowTemplate;
  public readonly abort: workflows.WorkflowTemplate;
  public readonly promoteRelease: workflows.WorkflowTemplate;
  /** How the steps reach each environment's Rollout, by environment name. */
  public readonly reach: ReadonlyMap<string, ReachMode>;
  public readonly [ARGO_CD_ROLE_SOURCE] = true as const;

  /** The ServiceAccount of each role (generated with their Roles by PipelineAccess). */
  public readonly serviceAccounts: PipelineServiceAccounts;
  public readonly access: PipelineAccess;
  private readonly partOf: string;
  /** Tag-only images that the gate accepts, because PipelineImages allows them. */
  private readonly tagOnlyImages: Set<string>;
  /** The controller setting the WorkflowTemplates declare. */
  private readonly templateReferencing: TemplateReferencing;

  constructor(scope: Construct, id: string, props: PipelineTemplateProps) {
    super(scope, id);
    const c = 'PipelineTemplate';
    const r = resolveProps(c, id, props);
    this.namespace = r.namespace;
    this.serviceAccounts = r.serviceAccounts;
    this.partOf = r.partOf;
    this.templateReferencing = r.templateReferencing;
    this.tagOnlyImages = new Set(Object.values(r.images).filter((i) => !pinnedByDigest(i)));
    // Environments are known when the pipeline is declared (PipelineAccess requires it).
    this.reach = reachModes(this, r.cluster);
    this.node.addValidation({ validate: () => crossClusterProblems(this, `${c} "${id}"`, reachModes(this, r.cluster), r.argoCdServer) });

    // The apps the pipeline builds: those of the platform, known when it is declared.
    const apps = platformApps(this);
    this.node.addValidation({ validate: () => this.checkApps(apps, props.imageRepository) });
    if (r.cache.persistent) {
      for (const app of [...apps.keys()].sort()) this.cacheClaim(r.cache.claimPrefix, app, r.cache.size, r.cache.storageClassName ?? props.workspaceStorageClass);
    }

    this.serve = this.workflowTemplate(TEMPLATE_NAMES.serve, serveJavaAppSpec({
      buildTool: r.buildTool, cache: r.cache, workspaceSize: r.workspaceSize, workspaceStorageClass: props.workspaceStorageClass,
      registrySecret: r.registrySecret, images: r.images, sourceRepoHost: props.sourceRepoHost, sourceSecret: r.sourceSecret,
      appNames: [...apps.keys()].sort().join(' '),
      allowedImages: allowedImages(apps, props.imageRepository),
    }));
    const ctx: PipelineContext = {
      images: r.images, serviceAccounts: this.serviceAccounts, gitops: r.gitops, waitTimeout: r.waitTimeout,
      reach: { scope: this, modes: this.reach, argoCdServer: r.argoCdServer, argoCdTokenSecret: r.argoCdTokenSecret },
    };
    this.deploy = this.workflowTemplate(TEMPLATE_NAMES.deploy, deployAppSpec(ctx, r.waitForSync));
    this.promote = this.workflowTemplate(TEMPLATE_NAMES.promote, promoteJavaAppSpec(ctx));
    this.abort = this.workflowTemplate(TEMPLATE_NAMES.abort, abortJavaAppSpec(ctx));
    this.promoteRelease = this.workflowTemplate(TEMPLATE_NAMES.promoteRelease, promoteReleaseSpec(ctx, r.promotionCheckTimeout));
    this.access = new PipelineAccess(this, 'access', {
      namespace: this.namespace,
      createNamespace: props.createNamespace ?? true,
      serviceAccounts: this.serviceAccounts,
      partOf: this.partOf,
      throughArgoCd: new Set([...this.reach].filter(([, m]) => m === ReachMode.ARGO_CD).map(([e]) => e)),
    });
  }

  /** The Argo CD project role of the pipeline, on the AppProject of each environment it reaches through Argo CD. */
  public projectRoles(folder: string, project: string): argocdproject.AppProjectSpecRoles[] {
    return this.reach.get(folder) === ReachMode.ARGO_CD ? [pipelineProjectRole(project)] : [];
  }

  /** Whether some environment is reached through Argo CD's API. */
  public get crossCluster(): boolean {
    return isCrossCluster(this.reach);
  }

  /**
   * At synth: the apps are those the pipeline was declared with (their caches and allowed images
   * were generated then), and each app's images match `imageRepository`.
   */
  private checkApps(declared: Map<string, Set<string>>, pattern?: string): string[] {
    const now = platformApps(this);
    const problems: string[] = [];
    const added = [...now.keys()].filter((a) => !declared.has(a)).sort();
    if (added.length) {
      problems.push(`PipelineTemplate "${this.node.id}": the apps ${added.join(', ')} were declared after the PipelineTemplate, which has no build cache or image rule for them: declare the PipelineTemplate after the apps`);
    }
    if (pattern) {
      for (const [app, repos] of [...now].sort(([a], [b]) => compare(a, b))) {
        const expected = pattern.replace('{app}', app);
        for (const repo of [...repos].sort()) {
          if (repo !== expected) {
            problems.push(`PipelineTemplate "${this.node.id}": imageRepository "${pattern}" allows ${expected} for the app ${app}, but it runs ${repo}: fix the app's image or imageRepository`);
          }
        }
      }
    }
    return problems;
  }

  /** The dependency cache of one app's builds. */
  private cacheClaim(prefix: string, app: string, size: string, storageClassName?: string): void {
    const name = `${prefix}-${app}`;
    new k8s.KubePersistentVolumeClaim(this, `cache-${app}`, {
      metadata: {
        name,
        namespace: this.namespace,
        labels: {
          'app.kubernetes.io/name': name,
          'app.kubernetes.io/component': 'build-cache',
          'app.kubernetes.io/instance': app,
          'app.kubernetes.io/part-of': this.partOf,
          'app.kubernetes.io/managed-by': 'cdk8s',
        },
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(size) } },
      },
    });
  }

  private workflowTemplate(name: string, spec: workflows.WorkflowTemplateSpec): workflows.WorkflowTemplate {
    const images = JSON.stringify(spec.templates ?? []);
    const tagOnly = [...this.tagOnlyImages].filter((i) => images.includes(JSON.stringify(i))).sort();
    const controller = this.templateReferencing;
    return new workflows.WorkflowTemplate(this, name, {
      metadata: {
        name,
        namespace: this.namespace,
        annotations: {
          ...(tagOnly.length ? { [IMAGE_DIGEST_EXEMPTION]: `${tagOnly.join(' ')}: ${TAG_ONLY_REASON}` } : {}),
          // What the controller must enforce for the model of docs/security.md to hold.
          ...(controller.setting === 'None'
            ? { [TEMPLATE_REFERENCING_EXEMPTION]: controller.reason ?? '' }
            : { [TEMPLATE_REFERENCING_ANNOTATION]: controller.setting }),
        },
        labels: {
          'app.kubernetes.io/name': name,
          'app.kubernetes.io/part-of': this.partOf,
          'app.kubernetes.io/managed-by': 'cdk8s',
        },
      },
      spec: {
        // No Kubernetes token in a step unless its template names a ServiceAccount (wait, promote,
        // abort); Argo's executor containers get the executor's token alone (workflowpod.go
        // setupServiceAccount: executor.serviceAccountName is required when automount is off).
        automountServiceAccountToken: false,
        executor: { serviceAccountName: this.serviceAccounts.executor },
        securityContext: POD_SECURITY,
        podGc: { strategy: workflows.WorkflowTemplateSpecPodGcStrategy.ON_POD_SUCCESS },
        // Successful runs are cleaned up after an hour; failed ones stay a week for debugging.
        ttlStrategy: { secondsAfterSuccess: 3600, secondsAfterFailure: 7 * 86400 },
        ...spec,
      },
    });
  }
}

/** Applies the defaults and checks the props: the first wrong one throws a PropError that names it. */
function resolveProps(c: string, id: string, props: PipelineTemplateProps): ResolvedProps {
  checkProps(c, id, props, PipelineTemplatePropsSchema);
  const saPrefix = props.serviceAccountPrefix ?? 'pipeline';
  const r: ResolvedProps = {
    namespace: props.namespace ?? 'ci',
    serviceAccounts: {
      executor: `${saPrefix}-executor`, wait: `${saPrefix}-wait`, promote: `${saPrefix}-promote`, abort: `${saPrefix}-abort`,
    },
    partOf: props.partOf ?? 'platform',
    gitops: {
      repo: props.gitopsRepo, branch: props.gitopsBranch ?? 'main', secret: props.gitCredentialsSecret ?? 'gitops-credentials',
      readSecret: props.gitReadCredentialsSecret ?? 'gitops-read-credentials', installScripts: props.deployInstallScripts ?? [],
    },
    registrySecret: props.registryCredentialsSecret ?? 'registry-credentials',
    sourceSecret: props.sourceCredentialsSecret ?? 'source-credentials',
    buildTool: props.buildTool ?? BuildTool.MAVEN,
    waitForSync: props.waitForSync ?? true,
    // The scripts' own timeouts: whole seconds from 1 (0 would read as "none"); no maximum of ours.
    waitTimeout: checkSeconds(c, id, 'waitTimeout', props.waitTimeout ?? Duration.minutes(15), 1),
    cache: props.buildCache ?? BuildCache.perApp(),
    workspaceSize: props.workspaceSize ?? '2Gi',
    images: withDefaultImages(props.images),
    cluster: props.cluster === undefined ? IN_CLUSTER : checkCluster(c, id, 'cluster', props.cluster),
    argoCdServer: props.argoCdServer?.replace(/\/+$/, ''),
    argoCdTokenSecret: props.argoCdTokenSecret ?? 'argocd-pipeline-token',
    promotionCheckTimeout: checkSeconds(c, id, 'promotionCheckTimeout', props.promotionCheckTimeout ?? Duration.minutes(5), 1),
    templateReferencing: props.templateReferencing ?? TemplateReferencing.SECURE,
  };
  checkGitOps(c, id, props, r);
  checkBuild(c, id, props, r);
  checkImages(c, id, r.images);
  checkArgoCd(c, id, props, r);
  return r;
}

/** The namespace, the GitOps repository and the Secrets: the build's never the GitOps write Secret. */
function checkGitOps(c: string, id: string, props: PipelineTemplateProps, r: ResolvedProps): void {
  const { branch, secret, readSecret } = r.gitops;
  checkName(c, id, 'namespace', r.namespace);
  check(props.gitopsRepo.trim() !== '', c, id, () => 'gitopsRepo must be the URL of the GitOps repository, got ""');
  check(!urlCarriesCredentials(props.gitopsRepo), c, id,
    () => 'gitopsRepo must not contain credentials: put them in the Secret named by gitCredentialsSecret');
  check(/^[A-Za-z0-9._/-]+$/.test(branch) && !branch.includes('..'), c, id,
    () => `gitopsBranch must be a branch name, got "${branch}"`);
  for (const [prop, value] of [['gitCredentialsSecret', secret], ['gitReadCredentialsSecret', readSecret], ['registryCredentialsSecret', r.registrySecret],
    ['sourceCredentialsSecret', r.sourceSecret], ['serviceAccountPrefix', r.serviceAccounts.executor]]) {
    check(isDnsSubdomain(value), c, id, () => `${prop} must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.'), got "${value}"`);
  }
  check(r.sourceSecret !== secret, c, id,
    () => `sourceCredentialsSecret must not be the GitOps write Secret "${secret}": give the build a read-only token of its own`);
  check(readSecret !== secret, c, id,
    () => `gitReadCredentialsSecret must not be the GitOps write Secret "${secret}": give the steps that only read a read-only token of their own`);
  for (const pkg of r.gitops.installScripts) {
    check(/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/.test(pkg), c, id,
      () => `deployInstallScripts must list npm package names (e.g. "esbuild" or "@scope/name"), got "${pkg}"`);
  }
  const controller = r.templateReferencing;
  check(controller.setting !== 'None' || (controller.reason ?? '').trim() !== '', c, id,
    () => 'templateReferencing: TemplateReferencing.unrestricted() needs the reason why the namespace runs without the controller\'s restriction');
}

/** The build: cache, source host, image repositories, build tool and workspace. */
function checkBuild(c: string, id: string, props: PipelineTemplateProps, r: ResolvedProps): void {
  const cache = r.cache;
  // Claims are named <prefix>-<app>: a short prefix of lowercase letters, digits and '-'.
  check(!cache.persistent || /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/.test(cache.claimPrefix), c, id,
    () => `buildCache claimPrefix must be lowercase letters, digits and '-', at most 32 characters, got "${cache.claimPrefix}"`);
  check((parseQuantity(cache.size) ?? 0) > 0, c, id, () => `buildCache size must be a Kubernetes quantity such as "5Gi", got "${cache.size}"`);
  if (props.sourceRepoHost !== undefined) {
    check(SOURCE_HOST.test(props.sourceRepoHost), c, id,
      () => `sourceRepoHost must be a host name or host:port without scheme, path or credentials (e.g. "github.com"), got "${props.sourceRepoHost}"`);
  }
  if (props.imageRepository !== undefined) checkRepositoryPattern(c, id, props.imageRepository);
  check(Object.values(BuildTool).includes(r.buildTool), c, id, () => `buildTool must be BuildTool.MAVEN or BuildTool.GRADLE, got "${r.buildTool}"`);
  check((parseQuantity(r.workspaceSize) ?? 0) > 0, c, id, () => `workspaceSize must be a Kubernetes quantity such as "2Gi", got "${r.workspaceSize}"`);
}

/** Each image pinned by digest, but those PipelineImages allows tag-only. */
function checkImages(c: string, id: string, images: Required<PipelineImages>): void {
  for (const [key, image] of Object.entries(images)) {
    checkImage(c, id, `images.${key}`, image);
    check(pinnedByDigest(image) || TAG_ONLY_ALLOWED.includes(key as keyof PipelineImages), c, id,
      () => `images.${key} "${image}" is not pinned by digest: give repository:tag@sha256:<digest> (crane digest ${image})`);
  }
}

/** The Argo CD API's access. */
function checkArgoCd(c: string, id: string, props: PipelineTemplateProps, r: ResolvedProps): void {
  if (props.argoCdServer !== undefined) {
    const why = badArgoCdServer(props.argoCdServer);
    check(why === undefined, c, id, () => `argoCdServer ${why}`);
  }
  check(isDnsSubdomain(r.argoCdTokenSecret) && r.argoCdTokenSecret !== r.gitops.secret, c, id,
    () => `argoCdTokenSecret must be a DNS-1123 subdomain other than the GitOps Secret, got "${r.argoCdTokenSecret}"`);
}

/** A host name or IPv4 address, with an optional port: what git's credential protocol calls `host`. */
const SOURCE_HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?$/;
/** registry[:port]/path/with/{app}: lowercase, no tag or digest. */
const REPOSITORY_PATTERN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/([a-z0-9]+([._-]{1,2}[a-z0-9]+)*|\{app\}))+$/;

function checkRepositoryPattern(c: string, id: string, pattern: string): void {
  check(REPOSITORY_PATTERN.test(pattern) && pattern.split('{app}').length === 2 && pattern.includes('/'), c, id,
    () => `imageRepository must be registry/path with exactly one {app} path segment and no tag, e.g. "ghcr.io/acme-shop/{app}", got "${pattern}"`);
}
