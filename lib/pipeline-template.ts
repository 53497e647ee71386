import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as workflows from '../imports/workflows-argoproj.io';
import { ArgoCdCluster, checkCluster, IN_CLUSTER } from './cluster';
import { Environment } from './environment';
import { ARGO_CD_ROLE_SOURCE, ArgoCdProjectRoleSource } from './gitops';
import { JavaApp } from './java-app';
import { PipelineAccess, PipelineServiceAccounts } from './pipeline-access';
import { BuildCache, BuildTool, DIGEST, PipelineImages, TAG_ONLY_ALLOWED, TAG_ONLY_REASON, withDefaultImages } from './pipeline-options';
import * as promotion from './pipeline-promotion';
import {
  args, BUILD, BUILDKIT_SECURITY, EnvVar, env, inputs, noRetryOnUsage, POD_SECURITY, readScript, RENDER, retry, RetryPolicy,
  rolloutsCommandStep, ScriptOptions, scriptStep, secretEnv, sizeLimit, SMALL, Template, TRANSIENT_ONLY, VolumeMount,
} from './pipeline-steps';
import { check, checkImage, checkName, isDnsSubdomain, parseImage, parseQuantity } from './props';
import { urlCarriesCredentials } from './rules/credentials';
import { IMAGE_DIGEST_EXEMPTION } from './validate/workflow-lint';
import { checkProps } from './prop-schema';
import { PipelineTemplatePropsSchema } from './prop-schemas';

// The option types live beside the builders that read them; users import them from here.
export { BuildCache, BuildTool } from './pipeline-options';
export type { PerAppBuildCacheOptions, PipelineImages } from './pipeline-options';

export interface PipelineTemplateProps {
  /**
   * Namespace of the WorkflowTemplates, where the workflows (and so the BuildKit pods) run: a
   * namespace of the pipeline's own, not Argo Workflows' installation namespace.
   * @default 'ci'
   */
  readonly namespace?: string;
  /**
   * Generate the Namespace: Pod Security "privileged" (rootless BuildKit needs Unconfined profiles),
   * the reason in an annotation. Every other namespace of the platform keeps "restricted".
   * @default true
   */
  readonly createNamespace?: boolean;
  /** URL of the GitOps repository that holds `releases/<environment>.json` (this repository). */
  readonly gitopsRepo: string;
  /**
   * Branch of the GitOps repository that Argo CD syncs.
   * @default 'main'
   */
  readonly gitopsBranch?: string;
  /**
   * Secret with the keys `username` and `password` (a password or an access token) with write access
   * to the GitOps repository. Only the deploy step reads it; no build step does.
   * @default 'gitops-credentials'
   */
  readonly gitCredentialsSecret?: string;
  /**
   * The one host (`host` or `host:port`) of the application source repositories that may receive the
   * source credentials, over https only. Fixed here, not by a workflow parameter: whatever
   * `git_repo` names, git offers the credentials to no other host.
   * @default none: git is given no credentials (public repositories only)
   */
  readonly sourceRepoHost?: string;
  /**
   * Secret with the keys `username` and `password` (a read-only token) for the source repositories
   * on `sourceRepoHost`. Optional in the cluster: without it, only public repositories can be cloned.
   * @default 'source-credentials'
   */
  readonly sourceCredentialsSecret?: string;
  /**
   * Secret of type `kubernetes.io/dockerconfigjson` with the push credentials of the registry; only
   * the image build mounts it (its `.dockerconfigjson` key, read-only). Give it push (and pull) rights
   * on the apps' repositories and nothing else.
   * @default 'registry-credentials'
   */
  readonly registryCredentialsSecret?: string;
  /**
   * Where each app's image may be pushed: a repository pattern with `{app}` standing for the app's
   * name, e.g. `'ghcr.io/acme-shop/{app}'`. Every JavaApp's image must match it (checked at synth);
   * the build refuses any other `image` parameter.
   * @default the repositories of the images that the platform's JavaApps run
   */
  readonly imageRepository?: string;
  /**
   * Prefix of the generated ServiceAccounts, one per role: `<prefix>-executor` (Argo's executor
   * containers), `<prefix>-wait`, `<prefix>-promote` and `<prefix>-abort` (Roles in each
   * Environment's namespace). Build and Git steps run without a Kubernetes token.
   * @default 'pipeline'
   */
  readonly serviceAccountPrefix?: string;
  /**
   * Default of the workflow parameter `build_tool`.
   * @default BuildTool.MAVEN
   */
  readonly buildTool?: BuildTool;
  /**
   * After pushing the GitOps change, wait until Argo CD has applied it and the Rollout is Healthy
   * or Paused (waiting for promotion).
   * @default true
   */
  readonly waitForSync?: boolean;
  /**
   * How long the deploy waits for the Rollout, in seconds.
   * @default 900
   */
  readonly waitTimeoutSeconds?: number;
  /**
   * Where Maven and Gradle keep downloaded dependencies. Never shared between apps: one app's build
   * (its own code) must not change the dependencies another app's build uses.
   * @default BuildCache.perApp()
   */
  readonly buildCache?: BuildCache;
  /**
   * Size of the per-workflow workspace volume (source, archive).
   * @default '2Gi'
   */
  readonly workspaceSize?: string;
  /**
   * StorageClass of the workspace volume.
   * @default the cluster's default StorageClass
   */
  readonly workspaceStorageClass?: string;
  /**
   * Value of the `app.kubernetes.io/part-of` label.
   * @default 'platform'
   */
  readonly partOf?: string;
  /**
   * Container images of the steps.
   * @default the pinned images listed in PipelineImages
   */
  readonly images?: PipelineImages;
  /**
   * The cluster the workflows run in, as registered in Argo CD. Environments on it are waited for,
   * promoted and aborted with kubectl; environments on any other cluster through Argo CD's API.
   * @default IN_CLUSTER (Argo CD's own cluster)
   */
  readonly cluster?: ArgoCdCluster;
  /**
   * https:// URL of the Argo CD API server, for environments on another cluster than the
   * pipeline's (required when there is one).
   * @default none
   */
  readonly argoCdServer?: string;
  /**
   * Secret in the pipeline namespace with the key `token`: a token of the `pipeline` project role
   * that ArgoCdBootstrap generates on the AppProject of each environment on another cluster
   * (`argocd proj role create-token <project> pipeline`). Only the wait, promote and abort steps read it.
   * @default 'argocd-pipeline-token'
   */
  readonly argoCdTokenSecret?: string;
  /**
   * How long promote-release waits for the source environment to be Synced and Healthy on the
   * image it promotes, in seconds.
   * @default 300
   */
  readonly promotionCheckSeconds?: number;
}

const WORKSPACE = '/workspace';
const SOURCE_DIR = `${WORKSPACE}/src`;
const ARTIFACT_DIR = `${WORKSPACE}/artifact`;
const CACHE_DIR = '/cache';
const OUT_DIR = '/mnt/out';


/** The parameters of serve-java-app, all checked by its first step. */
const SERVE_PARAMETERS = [
  'app_name', 'app_type', 'build_tool', 'git_repo', 'git_revision', 'artifact_url', 'artifact_sha256',
  'image', 'tag', 'overwrite_tag', 'environment',
] as const;

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
 *
 * Credentials are only referenced by Secret name; scripts are the files of `lib/pipeline/`. The
 * namespace, ServiceAccounts and Roles the templates need are generated beside them
 * (`PipelineAccess`).
 */
export class PipelineTemplate extends Construct implements ArgoCdProjectRoleSource {
  /** Name of the build-and-deploy WorkflowTemplate. */
  public static readonly SERVE = 'serve-java-app';
  /** Name of the deploy WorkflowTemplate, and of its template. */
  public static readonly DEPLOY = 'deploy-app';
  public static readonly DEPLOY_TEMPLATE = 'deploy-java-app';
  public static readonly PROMOTE = 'promote-java-app';
  public static readonly ABORT = 'abort-java-app';
  public static readonly PROMOTE_RELEASE = 'promote-release';

  public readonly namespace: string;
  public readonly serve: workflows.WorkflowTemplate;
  public readonly deploy: workflows.WorkflowTemplate;
  public readonly promote: workflows.WorkflowTemplate;
  public readonly abort: workflows.WorkflowTemplate;
  public readonly promoteRelease: workflows.WorkflowTemplate;
  /** How the steps reach each environment's Rollout, by environment name. */
  public readonly reach: ReadonlyMap<string, promotion.ReachMode>;
  public readonly [ARGO_CD_ROLE_SOURCE] = true as const;
  private readonly argoCd: { server?: string; tokenSecret: string };
  private deployOptions?: { gitopsRepo: string; gitopsBranch: string; gitSecret: string; images: Required<PipelineImages>; waitTimeout: number };

  /** The ServiceAccount of each role (generated with their Roles by PipelineAccess). */
  public readonly serviceAccounts: PipelineServiceAccounts;
  public readonly access: PipelineAccess;
  private readonly partOf: string;
  /** Tag-only images that the gate accepts, because PipelineImages allows them. */
  private readonly tagOnlyImages: Set<string>;

  constructor(scope: Construct, id: string, props: PipelineTemplateProps) {
    super(scope, id);
    const c = 'PipelineTemplate';
    checkProps(c, id, props, PipelineTemplatePropsSchema);
    this.namespace = props.namespace ?? 'ci';
    const saPrefix = props.serviceAccountPrefix ?? 'pipeline';
    this.serviceAccounts = {
      executor: `${saPrefix}-executor`, wait: `${saPrefix}-wait`, promote: `${saPrefix}-promote`, abort: `${saPrefix}-abort`,
    };
    this.partOf = props.partOf ?? 'platform';
    const gitopsBranch = props.gitopsBranch ?? 'main';
    const gitSecret = props.gitCredentialsSecret ?? 'gitops-credentials';
    const registrySecret = props.registryCredentialsSecret ?? 'registry-credentials';
    const buildTool = props.buildTool ?? BuildTool.MAVEN;
    const waitForSync = props.waitForSync ?? true;
    const waitTimeout = props.waitTimeoutSeconds ?? 900;
    const cache = props.buildCache ?? BuildCache.perApp();
    const workspaceSize = props.workspaceSize ?? '2Gi';
    const sourceSecret = props.sourceCredentialsSecret ?? 'source-credentials';
    const images = withDefaultImages(props.images);

    checkName(c, id, 'namespace', this.namespace);
    check(props.gitopsRepo.trim() !== '', c, id, () => 'gitopsRepo must be the URL of the GitOps repository, got ""');
    check(!urlCarriesCredentials(props.gitopsRepo), c, id,
      () => 'gitopsRepo must not contain credentials: put them in the Secret named by gitCredentialsSecret');
    check(/^[A-Za-z0-9._/-]+$/.test(gitopsBranch) && !gitopsBranch.includes('..'), c, id,
      () => `gitopsBranch must be a branch name, got "${gitopsBranch}"`);
    for (const [prop, value] of [['gitCredentialsSecret', gitSecret], ['registryCredentialsSecret', registrySecret],
      ['sourceCredentialsSecret', sourceSecret], ['serviceAccountPrefix', this.serviceAccounts.executor]]) {
      check(isDnsSubdomain(value), c, id, () => `${prop} must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.'), got "${value}"`);
    }
    check(sourceSecret !== gitSecret, c, id,
      () => `sourceCredentialsSecret must not be the GitOps write Secret "${gitSecret}": give the build a read-only token of its own`);
    // Claims are named <prefix>-<app>: a short prefix of lowercase letters, digits and '-'.
    check(!cache.persistent || /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/.test(cache.claimPrefix), c, id,
      () => `buildCache claimPrefix must be lowercase letters, digits and '-', at most 32 characters, got "${cache.claimPrefix}"`);
    check((parseQuantity(cache.size) ?? 0) > 0, c, id, () => `buildCache size must be a Kubernetes quantity such as "5Gi", got "${cache.size}"`);
    if (props.sourceRepoHost !== undefined) {
      check(SOURCE_HOST.test(props.sourceRepoHost), c, id,
        () => `sourceRepoHost must be a host name or host:port without scheme, path or credentials (e.g. "github.com"), got "${props.sourceRepoHost}"`);
    }
    if (props.imageRepository !== undefined) checkRepositoryPattern(c, id, props.imageRepository);
    check(Object.values(BuildTool).includes(buildTool), c, id, () => `buildTool must be BuildTool.MAVEN or BuildTool.GRADLE, got "${buildTool}"`);
    check(Number.isInteger(waitTimeout) && waitTimeout >= 60 && waitTimeout <= 86400, c, id,
      () => `waitTimeoutSeconds must be an integer 60-86400, got ${waitTimeout}`);
    check((parseQuantity(workspaceSize) ?? 0) > 0, c, id, () => `workspaceSize must be a Kubernetes quantity such as "2Gi", got "${workspaceSize}"`);
    for (const [key, image] of Object.entries(images)) {
      checkImage(c, id, `images.${key}`, image);
      check(DIGEST.test(image) || TAG_ONLY_ALLOWED.includes(key as keyof PipelineImages), c, id,
        () => `images.${key} "${image}" is not pinned by digest: give repository:tag@sha256:<digest> (crane digest ${image})`);
    }
    this.tagOnlyImages = new Set(Object.values(images).filter((i) => !DIGEST.test(i)));
    const cluster = props.cluster === undefined ? IN_CLUSTER : checkCluster(c, id, 'cluster', props.cluster);
    this.argoCd = { server: props.argoCdServer?.replace(/\/+$/, ''), tokenSecret: props.argoCdTokenSecret ?? 'argocd-pipeline-token' };
    if (props.argoCdServer !== undefined) {
      const why = promotion.badArgoCdServer(props.argoCdServer);
      check(why === undefined, c, id, () => `argoCdServer ${why}`);
    }
    check(isDnsSubdomain(this.argoCd.tokenSecret) && this.argoCd.tokenSecret !== gitSecret, c, id,
      () => `argoCdTokenSecret must be a DNS-1123 subdomain other than the GitOps Secret, got "${this.argoCd.tokenSecret}"`);
    const checkSeconds = props.promotionCheckSeconds ?? 300;
    check(Number.isInteger(checkSeconds) && checkSeconds >= 30 && checkSeconds <= 3600, c, id,
      () => `promotionCheckSeconds must be an integer 30-3600, got ${checkSeconds}`);
    // Environments are known when the pipeline is declared (PipelineAccess requires it).
    this.reach = promotion.reachModes(this, cluster);
    this.node.addValidation({ validate: () => promotion.crossClusterProblems(this, `${c} "${id}"`, promotion.reachModes(this, cluster), this.argoCd.server) });

    // The apps the pipeline builds: those of the platform, known when it is declared.
    const apps = platformApps(this);
    this.node.addValidation({ validate: () => this.checkApps(apps, props.imageRepository) });
    if (cache.persistent) {
      for (const app of [...apps.keys()].sort()) this.cacheClaim(cache.claimPrefix, app, cache.size, cache.storageClassName ?? props.workspaceStorageClass);
    }

    this.serve = this.serveJavaApp({
      buildTool, cache, workspaceSize, workspaceStorageClass: props.workspaceStorageClass, registrySecret, images,
      sourceRepoHost: props.sourceRepoHost, sourceSecret,
      appNames: [...apps.keys()].sort().join(' '),
      allowedImages: allowedImages(apps, props.imageRepository),
    });
    this.deploy = this.deployApp({ gitopsRepo: props.gitopsRepo, gitopsBranch, gitSecret, waitForSync, waitTimeout, images });
    this.promote = this.promoteJavaApp(images);
    this.abort = this.abortJavaApp({ gitopsRepo: props.gitopsRepo, gitopsBranch, gitSecret, images });
    this.promoteRelease = this.workflowTemplate(PipelineTemplate.PROMOTE_RELEASE, {
      entrypoint: 'promote',
      activeDeadlineSeconds: checkSeconds + waitTimeout + 1800,
      arguments: {
        parameters: [
          { name: 'app_name', description: 'Name of the app: its key in releases/<environment>.json' },
          { name: 'from_environment', description: 'Environment whose image is promoted, e.g. dev: it must run it Synced and Healthy' },
          { name: 'to_environment', description: 'Environment that receives the image, e.g. prod' },
        ],
      },
      templates: promotion.promoteReleaseTemplates(this, {
        gitopsRepo: props.gitopsRepo, gitopsBranch, gitSecret, gitImage: images.git,
        syncPolicies: promotion.syncPolicies(this), checkTimeout: checkSeconds,
      }),
    });
    this.access = new PipelineAccess(this, 'access', {
      namespace: this.namespace,
      createNamespace: props.createNamespace ?? true,
      serviceAccounts: this.serviceAccounts,
      partOf: this.partOf,
      throughArgoCd: new Set([...this.reach].filter(([, m]) => m === promotion.ReachMode.ARGO_CD).map(([e]) => e)),
    });
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
      for (const [app, repos] of [...now].sort(([a], [b]) => a.localeCompare(b))) {
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
    return new workflows.WorkflowTemplate(this, name, {
      metadata: {
        name,
        namespace: this.namespace,
        annotations: tagOnly.length ? { [IMAGE_DIGEST_EXEMPTION]: `${tagOnly.join(' ')}: ${TAG_ONLY_REASON}` } : undefined,
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

  /** The Argo CD project role of the pipeline, on the AppProject of each environment it reaches through Argo CD. */
  public projectRoles(folder: string, project: string): import('../imports/argocdproject-argoproj.io').AppProjectSpecRoles[] {
    return this.reach.get(folder) === promotion.ReachMode.ARGO_CD ? [promotion.pipelineProjectRole(project)] : [];
  }

  /** Whether some environment is reached through Argo CD's API. */
  public get crossCluster(): boolean {
    return [...this.reach.values()].includes(promotion.ReachMode.ARGO_CD);
  }

  /**
   * A step that reaches a Rollout: its kubectl script alone when every environment is on the
   * pipeline's cluster, else a dispatch by environment to argocd-app.sh, with the Argo CD server,
   * the Applications and the token Secret.
   */
  /** @internal */
  public reachStep(file: string, command: 'wait' | 'abort'): { source: string; env: EnvVar[] } {
    if (!this.crossCluster) return { source: readScript(file), env: [] };
    return {
      source: promotion.dispatchSource(readScript(file), readScript('argocd-app.sh'), command),
      env: [
        ...env({ ARGOCD_SERVER: this.argoCd.server ?? '', ARGOCD_APPLICATIONS: promotion.argoCdApplications(this, this.reach as Map<string, promotion.ReachMode>) }),
        secretEnv('ARGOCD_AUTH_TOKEN', this.argoCd.tokenSecret, 'token', false),
      ],
    };
  }

  /** @internal The wait for a Rollout (deploy-app, promote-release): Healthy, or Paused when `acceptPaused`. */
  public waitStep(name: string, acceptPaused: boolean, timeoutSeconds: number): Template {
    const o = this.deployOptions!;
    const timeout = timeoutSeconds || o.waitTimeout;
    const reach = this.reachStep('wait-rollout.sh', 'wait');
    return this.script(name, {
      image: o.images.kubectl,
      file: 'wait-rollout.sh',
      source: reach.source,
      inputs: inputs('app_name', 'namespace', 'environment', 'image', 'revision'),
      env: [
        ...env({
          APP_NAME: '{{inputs.parameters.app_name}}',
          NAMESPACE: '{{inputs.parameters.namespace}}',
          ENVIRONMENT: '{{inputs.parameters.environment}}',
          ENVIRONMENT_NAMESPACES: this.environmentNamespacesValue(),
          IMAGE: '{{inputs.parameters.image}}',
          // The pushed commit: Argo CD's Application must be synced at it (kubectl checks the image).
          REVISION: '{{inputs.parameters.revision}}',
          ACCEPT_PAUSED: acceptPaused ? 'yes' : 'no',
          TIMEOUT_SECONDS: String(timeout),
        }),
        ...reach.env,
      ],
      size: SMALL,
      deadlineSeconds: timeout + 120,
      // The script polls by itself; retry only when the pod could not run.
      retry: retry(2, RetryPolicy.ALWAYS, 'lastRetry.status == "Error"'),
      serviceAccount: this.serviceAccounts.wait,
    });
  }

  /** @internal A script step; `deadlineSeconds` also bounds retries of a stuck pod. */
  public script(name: string, opts: ScriptOptions): Template {
    return scriptStep(name, opts);
  }


  private serveJavaApp(o: {
    buildTool: BuildTool; cache: BuildCache; workspaceSize: string; workspaceStorageClass?: string;
    registrySecret: string; images: Required<PipelineImages>; sourceRepoHost?: string; sourceSecret: string;
    appNames: string; allowedImages: string;
  }): workflows.WorkflowTemplate {
    const workspace: VolumeMount = { name: 'workspace', mountPath: WORKSPACE };
    const cache: VolumeMount = { name: 'build-cache', mountPath: CACHE_DIR };
    // `when:` compares the word check-parameters wrote (maven, gradle or artifact), never a
    // parameter: a value with a quote cannot change the expression.
    const build = '{{steps.check-parameters.outputs.parameters.build}}';
    const wf = (name: string) => `{{workflow.parameters.${name}}}`;
    const sourceCredentials = o.sourceRepoHost === undefined ? [] : [
      // Optional: public repositories need no credentials. Never the GitOps write credentials.
      secretEnv('SOURCE_USERNAME', o.sourceSecret, 'username', true),
      secretEnv('SOURCE_PASSWORD', o.sourceSecret, 'password', true),
    ];

    const buildJar = (tool: BuildTool, image: string): Template => this.script(`build-${tool}`, {
      image,
      file: 'build-jar.sh',
      inputs: inputs('app_name', 'app_type'),
      env: [
        ...env({
          BUILD_TOOL: tool, APP_TYPE: '{{inputs.parameters.app_type}}',
          SOURCE_DIR, ARTIFACT_DIR, CACHE_DIR,
        }),
        // JVM temporary files and the Gradle daemon directory go to the /tmp volume.
        { name: 'JAVA_TOOL_OPTIONS', value: '-Djava.io.tmpdir=/tmp' },
      ],
      mounts: [workspace, cache],
      // The cache of this app only (check-parameters has checked app_name against the platform's
      // apps); template volumes take input parameters (argo-workflows docs/walk-through/volumes.md).
      volumes: [o.cache.persistent
        ? { name: 'build-cache', persistentVolumeClaim: { claimName: `${o.cache.claimPrefix}-{{inputs.parameters.app_name}}` } }
        : { name: 'build-cache', emptyDir: { sizeLimit: sizeLimit(o.cache.size) } }],
      size: BUILD,
      deadlineSeconds: 1800,
      // Dependency downloads can fail transiently; a failing build fails the same way again, so
      // one retry only.
      retry: retry(1, RetryPolicy.ALWAYS),
    });

    const templates: Template[] = [
      {
        name: 'main',
        steps: [
          [{
            name: 'check-parameters',
            template: 'check-parameters',
            arguments: args(Object.fromEntries(SERVE_PARAMETERS.map((p) => [p, wf(p)]))),
          }],
          [{
            name: 'clone-source',
            template: 'clone-source',
            when: `${build} != artifact`,
            arguments: args({ git_repo: wf('git_repo'), git_revision: wf('git_revision') }),
          }],
          [
            ...[BuildTool.MAVEN, BuildTool.GRADLE].map((tool) => ({
              name: `build-${tool}`,
              template: `build-${tool}`,
              when: `${build} == ${tool}`,
              arguments: args({ app_name: wf('app_name'), app_type: wf('app_type') }),
            })),
            {
              name: 'fetch-artifact',
              template: 'fetch-artifact',
              when: `${build} == artifact`,
              arguments: args({ artifact_url: wf('artifact_url'), artifact_sha256: wf('artifact_sha256'), app_type: wf('app_type') }),
            },
          ],
          [{
            name: 'build-image',
            template: 'build-image',
            arguments: args({
              app_name: wf('app_name'),
              image: wf('image'),
              tag: wf('tag'),
              app_type: wf('app_type'),
              overwrite_tag: wf('overwrite_tag'),
            }),
          }],
          [{
            name: 'deploy-app',
            templateRef: { name: PipelineTemplate.DEPLOY, template: PipelineTemplate.DEPLOY_TEMPLATE },
            arguments: args({
              app_name: wf('app_name'),
              environment: wf('environment'),
              // Deploy by digest: exactly the bytes that were built, whatever happens to the tag.
              image: '{{steps.build-image.outputs.parameters.image_ref}}',
            }),
          }],
        ],
      },
      this.script('check-parameters', {
        image: o.images.git,
        file: 'check-parameters.sh',
        inputs: inputs(...SERVE_PARAMETERS),
        env: [
          ...SERVE_PARAMETERS.map((p) => ({ name: p.toUpperCase(), value: `{{inputs.parameters.${p}}}` })),
          ...env({ OUT_DIR: '/tmp' }),
          // Fixed at synth: the platform's apps and the repositories each may push to.
          { name: 'APP_NAMES', value: o.appNames },
          { name: 'ALLOWED_IMAGES', value: o.allowedImages },
        ],
        size: SMALL,
        deadlineSeconds: 120,
        // A refused parameter does not heal: retry only when the pod could not run.
        retry: retry(2, RetryPolicy.ON_ERROR),
        outputs: { parameters: [{ name: 'build', valueFrom: { path: '/tmp/build' } }] },
      }),
      this.script('clone-source', {
        image: o.images.git,
        file: 'clone-source.sh',
        inputs: inputs('git_repo', 'git_revision'),
        env: [
          ...env({ GIT_REPO: '{{inputs.parameters.git_repo}}', GIT_REVISION: '{{inputs.parameters.git_revision}}', SOURCE_DIR }),
          ...(o.sourceRepoHost === undefined ? [] : env({ SOURCE_REPO_HOST: o.sourceRepoHost })),
          ...sourceCredentials,
        ],
        mounts: [workspace],
        size: SMALL,
        deadlineSeconds: 600,
        retry: noRetryOnUsage(retry(3, RetryPolicy.ALWAYS)),
      }),
      buildJar(BuildTool.MAVEN, o.images.maven),
      buildJar(BuildTool.GRADLE, o.images.gradle),
      this.script('fetch-artifact', {
        image: o.images.curl,
        file: 'fetch-artifact.sh',
        inputs: inputs('artifact_url', 'artifact_sha256', 'app_type'),
        env: env({
          ARTIFACT_URL: '{{inputs.parameters.artifact_url}}',
          ARTIFACT_SHA256: '{{inputs.parameters.artifact_sha256}}',
          APP_TYPE: '{{inputs.parameters.app_type}}',
          ARTIFACT_DIR,
        }),
        mounts: [workspace],
        size: SMALL,
        deadlineSeconds: 600,
        retry: noRetryOnUsage(retry(3, RetryPolicy.ALWAYS)),
      }),
      this.script('build-image', {
        image: o.images.buildkit,
        file: 'build-image.sh',
        inputs: inputs('app_name', 'image', 'tag', 'app_type', 'overwrite_tag'),
        env: env({
          APP_NAME: '{{inputs.parameters.app_name}}',
          IMAGE: '{{inputs.parameters.image}}',
          ALLOWED_IMAGES: o.allowedImages,
          TAG: '{{inputs.parameters.tag}}',
          OVERWRITE_TAG: '{{inputs.parameters.overwrite_tag}}',
          APP_TYPE: '{{inputs.parameters.app_type}}',
          SOURCE_DIR, ARTIFACT_DIR, OUT_DIR,
          JAR_BASE_IMAGE: o.images.jarBase,
          WAR_BASE_IMAGE: o.images.warBase,
          BUILDKITD_FLAGS: '--oci-worker-no-process-sandbox',
          DOCKER_CONFIG: '/home/user/.docker',
        }),
        mounts: [
          workspace,
          { name: 'out', mountPath: OUT_DIR },
          { name: 'buildkit-state', mountPath: '/home/user/.local/share/buildkit' },
          { name: 'registry-credentials', mountPath: '/home/user/.docker', readOnly: true },
        ],
        volumes: [
          { name: 'out', emptyDir: { sizeLimit: sizeLimit('256Mi') } },
          { name: 'buildkit-state', emptyDir: { sizeLimit: sizeLimit('10Gi') } },
          {
            name: 'registry-credentials',
            secret: { secretName: o.registrySecret, items: [{ key: '.dockerconfigjson', path: 'config.json' }] },
          },
        ],
        size: BUILD,
        deadlineSeconds: 1800,
        retry: noRetryOnUsage(retry(2, RetryPolicy.ALWAYS)),
        securityContext: BUILDKIT_SECURITY,
        outputs: {
          parameters: [
            { name: 'digest', valueFrom: { path: `${OUT_DIR}/digest` } },
            { name: 'image_ref', valueFrom: { path: `${OUT_DIR}/image_ref` } },
          ],
        },
      }),
    ];

    return this.workflowTemplate(PipelineTemplate.SERVE, {
      entrypoint: 'main',
      activeDeadlineSeconds: 2 * 3600,
      arguments: {
        parameters: [
          { name: 'app_name', description: 'Name of the app: its key in releases/<environment>.json and the name of its Rollout' },
          { name: 'app_type', value: 'springboot', enum: ['springboot', 'spring'], description: 'springboot: an executable .jar; spring: a .war run by Tomcat' },
          { name: 'build_tool', value: o.buildTool, enum: [BuildTool.MAVEN, BuildTool.GRADLE], description: 'Build tool of the source repository' },
          { name: 'git_repo', value: '', description: 'https URL of the source repository (not needed with artifact_url)' },
          { name: 'git_revision', value: 'main', description: 'Branch, tag or commit to build' },
          { name: 'artifact_url', value: '', description: 'https URL of a prebuilt .jar/.war; when set, nothing is built from source' },
          { name: 'artifact_sha256', value: '', description: 'sha256 of the prebuilt archive (required with artifact_url): checked before it is used' },
          { name: 'image', description: 'registry/repository of the image, without tag: the one the platform allows for the app' },
          { name: 'tag', description: 'Tag of the image (not latest), e.g. the version or the commit' },
          { name: 'overwrite_tag', value: 'false', enum: ['false', 'true'], description: 'true replaces an existing tag; otherwise an existing tag stops the build' },
          { name: 'environment', description: 'Environment to deploy to, e.g. dev' },
        ],
      },
      volumeClaimTemplates: [{
        metadata: { name: 'workspace' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: o.workspaceStorageClass,
          resources: { requests: { storage: workflows.WorkflowTemplateSpecVolumeClaimTemplatesSpecResourcesRequests.fromString(o.workspaceSize) } },
        },
      }],
      templates,
    });
  }

  /** `name=namespace` of every Environment of the app, sorted, for the wait step. */
  private environmentNamespaces(): string {
    return this.node.root.node.findAll().filter(Environment.isEnvironment)
      .map((e) => `${e.name}=${e.namespace}`).sort().join(' ');
  }

  private deployApp(o: {
    gitopsRepo: string; gitopsBranch: string; gitSecret: string; waitForSync: boolean; waitTimeout: number;
    images: Required<PipelineImages>;
  }): workflows.WorkflowTemplate {
    this.deployOptions = o;
    const appInputs: workflows.WorkflowTemplateSpecTemplatesInputs = {
      parameters: [
        { name: 'app_name' },
        { name: 'environment' },
        { name: 'image' },
        // Empty: the environment's namespace as the platform declares it (else its name).
        { name: 'namespace', default: '' },
      ],
    };
    const steps: workflows.WorkflowTemplateSpecTemplatesSteps[][] = [
      [{
        name: 'update-gitops',
        template: 'update-gitops',
        arguments: args({
          app_name: '{{inputs.parameters.app_name}}',
          environment: '{{inputs.parameters.environment}}',
          image: '{{inputs.parameters.image}}',
        }),
      }],
    ];
    const templates: Template[] = [
      { name: PipelineTemplate.DEPLOY_TEMPLATE, inputs: appInputs, steps },
      this.updateGitops(o),
    ];
    if (o.waitForSync) {
      steps.push([{
        name: 'wait-for-rollout',
        template: 'wait-for-rollout',
        arguments: args({
          app_name: '{{inputs.parameters.app_name}}',
          namespace: '{{inputs.parameters.namespace}}',
          environment: '{{inputs.parameters.environment}}',
          // The image of the pushed commit, as update-image.sh wrote it.
          image: '{{steps.update-gitops.outputs.parameters.image}}',
          revision: '{{steps.update-gitops.outputs.parameters.commit}}',
        }),
      }]);
      templates.push(this.waitStep('wait-for-rollout', true, 0));
    }

    return this.workflowTemplate(PipelineTemplate.DEPLOY, {
      entrypoint: PipelineTemplate.DEPLOY_TEMPLATE,
      activeDeadlineSeconds: o.waitTimeout + 1800,
      arguments: {
        parameters: [
          { name: 'app_name', description: 'Name of the app: its key in releases/<environment>.json' },
          { name: 'environment', description: 'Environment to deploy to, e.g. dev' },
          { name: 'image', description: 'Pinned image to deploy: repository:tag, repository@sha256:... or both' },
          { name: 'namespace', value: '', description: 'Namespace of the Rollout; empty for the namespace of the environment' },
        ],
      },
      templates,
    });
  }

  /** @internal Where each environment lives ("dev=shop-dev prod=shop-prod"), read from the platform at synth. */
  public environmentNamespacesValue(): string {
    return Lazy.any({ produce: () => this.environmentNamespaces() }) as unknown as string;
  }

  /**
   * The rendered deploy: update-image.sh clones the GitOps repository, sets the app's line, runs the
   * project's synth and gate, and pushes one commit with the release file and dist/<environment>/.
   */
  /** @internal */
  public updateGitops(o: { gitopsRepo: string; gitopsBranch: string; gitSecret: string; images: Required<PipelineImages> } = this.deployOptions!): Template {
    const render = '/render';
    return this.script('update-gitops', {
      image: o.images.node,
      file: 'update-image.sh',
      inputs: inputs('app_name', 'environment', 'image'),
      env: [
        ...env({
          APP_NAME: '{{inputs.parameters.app_name}}',
          ENVIRONMENT: '{{inputs.parameters.environment}}',
          IMAGE: '{{inputs.parameters.image}}',
          GITOPS_REPO: o.gitopsRepo,
          GITOPS_BRANCH: o.gitopsBranch,
          GIT_AUTHOR_NAME: 'argo-workflows',
          GIT_AUTHOR_EMAIL: 'argo-workflows@noreply.local',
          // The clone, its node_modules and npm's cache live on their own volume.
          WORK_DIR: render,
          npm_config_cache: `${render}/.npm`,
          npm_config_update_notifier: 'false',
          COMMIT_FILE: '/tmp/commit',
          IMAGE_FILE: '/tmp/image',
        }),
        secretEnv('GIT_USERNAME', o.gitSecret, 'username', false),
        secretEnv('GIT_PASSWORD', o.gitSecret, 'password', false),
      ],
      mounts: [{ name: 'render', mountPath: render }],
      volumes: [{ name: 'render', emptyDir: { sizeLimit: sizeLimit('2Gi') } }],
      size: RENDER,
      deadlineSeconds: 900,
      // The script starts from a fresh clone each time and is idempotent (a retry after a lost
      // response finds the line already set and pushes nothing); it exits 75 for what may heal.
      retry: retry(3, RetryPolicy.ALWAYS, TRANSIENT_ONLY),
      outputs: {
        parameters: [
          { name: 'commit', valueFrom: { path: '/tmp/commit' } },
          { name: 'image', valueFrom: { path: '/tmp/image' } },
        ],
      },
    });
  }

  /** @internal A `kubectl argo rollouts <command>` step (the plugin image runs the plugin binary directly). */
  public rolloutsCommand(name: string, command: string[], image: string, serviceAccount: string): Template {
    return rolloutsCommandStep(name, command, image, serviceAccount);
  }


  private promoteJavaApp(images: Required<PipelineImages>): workflows.WorkflowTemplate {
    if (this.crossCluster) return this.workflowTemplate(PipelineTemplate.PROMOTE, promotion.promoteAcrossClusters(this, images));
    const forward = args({ app_name: '{{inputs.parameters.app_name}}', namespace: '{{inputs.parameters.namespace}}' });
    return this.workflowTemplate(PipelineTemplate.PROMOTE, {
      entrypoint: 'promote',
      activeDeadlineSeconds: 900,
      arguments: {
        parameters: [
          { name: 'app_name', description: 'Name of the Rollout' },
          { name: 'namespace', description: 'Namespace of the Rollout (the environment)' },
        ],
      },
      templates: [
        { name: 'promote', inputs: inputs('app_name', 'namespace'), steps: [[{ name: 'promote', template: 'rollouts-promote', arguments: forward }]] },
        this.rolloutsCommand('rollouts-promote', ['promote'], images.rolloutsPlugin, this.serviceAccounts.promote),
      ],
    });
  }

  /**
   * Abort through Git: abort the Rollout (traffic stays on, or returns to, the stable version), find
   * the image the environment ran before in the history of releases/<environment>.json, and deploy
   * it through deploy-app (the same rendered commit and wait), so Argo CD's self-heal keeps it.
   */
  private abortJavaApp(o: { gitopsRepo: string; gitopsBranch: string; gitSecret: string; images: Required<PipelineImages> }): workflows.WorkflowTemplate {
    const app = { app_name: '{{inputs.parameters.app_name}}', environment: '{{inputs.parameters.environment}}', namespace: '{{inputs.parameters.namespace}}' };
    return this.workflowTemplate(PipelineTemplate.ABORT, {
      entrypoint: 'abort',
      activeDeadlineSeconds: 3600,
      arguments: {
        parameters: [
          { name: 'app_name', description: 'Name of the app and of its Rollout' },
          { name: 'environment', description: 'Environment of the release to abort, e.g. dev' },
          { name: 'namespace', value: '', description: 'Namespace of the Rollout; empty for the namespace of the environment' },
        ],
      },
      templates: [
        {
          name: 'abort',
          inputs: { parameters: [{ name: 'app_name' }, { name: 'environment' }, { name: 'namespace', default: '' }] },
          steps: [
            [{ name: 'abort-rollout', template: 'abort-rollout', arguments: args(app) }],
            [{ name: 'previous-image', template: 'previous-image', arguments: args({ app_name: app.app_name, environment: app.environment }) }],
            [{
              name: 'rollback',
              templateRef: { name: PipelineTemplate.DEPLOY, template: PipelineTemplate.DEPLOY_TEMPLATE },
              arguments: args({ ...app, image: '{{steps.previous-image.outputs.parameters.image}}' }),
            }],
          ],
        },
        this.script('abort-rollout', {
          image: o.images.kubectl,
          file: 'abort-rollout.sh',
          source: this.reachStep('abort-rollout.sh', 'abort').source,
          inputs: inputs('app_name', 'environment', 'namespace'),
          env: [
            ...env({
              APP_NAME: '{{inputs.parameters.app_name}}',
              ENVIRONMENT: '{{inputs.parameters.environment}}',
              NAMESPACE: '{{inputs.parameters.namespace}}',
              ENVIRONMENT_NAMESPACES: this.environmentNamespacesValue(),
            }),
            ...this.reachStep('abort-rollout.sh', 'abort').env,
          ],
          size: SMALL,
          deadlineSeconds: 120,
          retry: retry(2, RetryPolicy.ALWAYS, 'lastRetry.status == "Error"'),
          serviceAccount: this.serviceAccounts.abort,
        }),
        this.script('previous-image', {
          image: o.images.git,
          file: 'previous-image.sh',
          inputs: inputs('app_name', 'environment'),
          env: [
            ...env({
              APP_NAME: '{{inputs.parameters.app_name}}',
              ENVIRONMENT: '{{inputs.parameters.environment}}',
              GITOPS_REPO: o.gitopsRepo,
              GITOPS_BRANCH: o.gitopsBranch,
              IMAGE_FILE: '/tmp/image',
            }),
            secretEnv('GIT_USERNAME', o.gitSecret, 'username', false),
            secretEnv('GIT_PASSWORD', o.gitSecret, 'password', false),
          ],
          size: SMALL,
          deadlineSeconds: 300,
          retry: retry(3, RetryPolicy.ALWAYS, TRANSIENT_ONLY),
          outputs: { parameters: [{ name: 'image', valueFrom: { path: '/tmp/image' } }] },
        }),
      ],
    });
  }
}

/** A host name or IPv4 address, with an optional port: what git's credential protocol calls `host`. */
const SOURCE_HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?$/;
/** registry[:port]/path/with/{app}: lowercase, no tag or digest. */
const REPOSITORY_PATTERN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/([a-z0-9]+([._-]{1,2}[a-z0-9]+)*|\{app\}))+$/;

function checkRepositoryPattern(c: string, id: string, pattern: string): void {
  check(REPOSITORY_PATTERN.test(pattern) && pattern.split('{app}').length === 2 && pattern.includes('/'), c, id,
    () => `imageRepository must be registry/path with exactly one {app} path segment and no tag, e.g. "ghcr.io/acme-shop/{app}", got "${pattern}"`);
}

/** The JavaApps under the tree's root, by name, with the repositories of the images they run. */
function platformApps(scope: Construct): Map<string, Set<string>> {
  const apps = new Map<string, Set<string>>();
  for (const c of scope.node.root.node.findAll()) {
    if (!(c instanceof JavaApp)) continue;
    const repos = apps.get(c.name) ?? new Set<string>();
    repos.add(parseImage(c.image).repository);
    apps.set(c.name, repos);
  }
  return apps;
}

/**
 * The only images the build may push, for the scripts: the pattern as `*=<pattern>` (one short
 * entry however many apps), else the sorted `app=repository` pairs of the images the apps run.
 */
function allowedImages(apps: Map<string, Set<string>>, pattern?: string): string {
  if (pattern) return `*=${pattern}`;
  const pairs: string[] = [];
  for (const [app, repos] of apps) for (const repo of repos) pairs.push(`${app}=${repo}`);
  return pairs.sort().join(' ');
}
