import * as fs from 'fs';
import * as path from 'path';
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as workflows from '../imports/workflows-argoproj.io';
import { Environment } from './environment';
import { checkProps } from './prop-schema';
import { PipelineTemplatePropsSchema } from './prop-schemas';
import { check, checkImage, checkName, isDnsSubdomain, parseQuantity } from './props';

/** The build tool of a Java project. */
export enum BuildTool {
  /** Apache Maven (`pom.xml`; `./mvnw` when the project has the wrapper). */
  MAVEN = 'maven',
  /** Gradle (`build.gradle[.kts]`; `./gradlew` when the project has the wrapper). */
  GRADLE = 'gradle',
}

/** Container images of the pipeline. Each must be pinned to a version tag or a digest. */
export interface PipelineImages {
  /**
   * Git client with a POSIX shell, used to clone the source and to update the GitOps repository.
   * @default 'alpine/git:v2.47.2'
   */
  readonly git?: string;
  /**
   * Maven with a JDK, for `build_tool=maven`.
   * @default 'maven:3.9.9-eclipse-temurin-21'
   */
  readonly maven?: string;
  /**
   * Gradle with a JDK, for `build_tool=gradle`.
   * @default 'gradle:8.12.1-jdk21'
   */
  readonly gradle?: string;
  /**
   * curl with a POSIX shell, to fetch a prebuilt artifact.
   * @default 'curlimages/curl:8.11.1'
   */
  readonly curl?: string;
  /**
   * Rootless BuildKit (must be a `-rootless` variant: it runs as UID 1000).
   * @default 'moby/buildkit:v0.23.2-rootless'
   */
  readonly buildkit?: string;
  /**
   * kubectl with a POSIX shell, to wait for the Rollout.
   * @default 'alpine/k8s:1.31.4'
   */
  readonly kubectl?: string;
  /**
   * The `kubectl-argo-rollouts` plugin image, to promote and abort.
   * @default 'quay.io/argoproj/kubectl-argo-rollouts:v1.9.1'
   */
  readonly rolloutsPlugin?: string;
  /**
   * Base image of generated Dockerfiles for executable jars (`app_type=springboot`).
   * @default 'eclipse-temurin:21.0.5_11-jre'
   */
  readonly jarBase?: string;
  /**
   * Base image of generated Dockerfiles for WARs (`app_type=spring`).
   * @default 'tomcat:9.0.98-jre17'
   */
  readonly warBase?: string;
}

export interface PipelineTemplateProps {
  /**
   * Namespace of the WorkflowTemplates, where the workflows run.
   * @default 'argo'
   */
  readonly namespace?: string;
  /** URL of the GitOps repository that holds `releases/<environment>.json` (this repository). */
  readonly gitopsRepo: string;
  /**
   * Branch of the GitOps repository that Argo CD syncs.
   * @default 'main'
   */
  readonly gitopsBranch?: string;
  /**
   * Secret with the keys `username` and `password` (a password or an access token) for the GitOps
   * repository; also used, when present, to clone private application repositories.
   * @default 'gitops-credentials'
   */
  readonly gitCredentialsSecret?: string;
  /**
   * Secret of type `kubernetes.io/dockerconfigjson` with the push credentials of the registry.
   * @default 'registry-credentials'
   */
  readonly registryCredentialsSecret?: string;
  /**
   * ServiceAccount of the workflow pods. The deploy and promote steps need `get` and `patch` on
   * `rollouts.argoproj.io` and `get` on `deployments.apps` in the app namespaces.
   * @default 'workflow-runner'
   */
  readonly serviceAccountName?: string;
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
   * PersistentVolumeClaim that keeps the Maven and Gradle dependency caches between runs. It must
   * exist in `namespace`; ReadWriteMany lets builds on different nodes share it.
   * @default 'java-build-cache'
   */
  readonly buildCacheClaimName?: string;
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
}

const DEFAULT_IMAGES: Required<PipelineImages> = {
  git: 'alpine/git:v2.47.2',
  maven: 'maven:3.9.9-eclipse-temurin-21',
  gradle: 'gradle:8.12.1-jdk21',
  curl: 'curlimages/curl:8.11.1',
  buildkit: 'moby/buildkit:v0.23.2-rootless',
  kubectl: 'alpine/k8s:1.31.4',
  rolloutsPlugin: 'quay.io/argoproj/kubectl-argo-rollouts:v1.9.1',
  jarBase: 'eclipse-temurin:21.0.5_11-jre',
  warBase: 'tomcat:9.0.98-jre17',
};

/** UID and GID of every step except the image build (BuildKit's rootless image uses 1000). */
const RUN_AS = 65532;
const WORKSPACE = '/workspace';
const SOURCE_DIR = `${WORKSPACE}/src`;
const ARTIFACT_DIR = `${WORKSPACE}/artifact`;
const CACHE_DIR = '/cache';
const OUT_DIR = '/mnt/out';

type Template = workflows.WorkflowTemplateSpecTemplates;
type Script = workflows.WorkflowTemplateSpecTemplatesScript;
type Container = workflows.WorkflowTemplateSpecTemplatesContainer;
type EnvVar = workflows.WorkflowTemplateSpecTemplatesScriptEnv;
type Volume = workflows.WorkflowTemplateSpecTemplatesVolumes;
type VolumeMount = workflows.WorkflowTemplateSpecTemplatesScriptVolumeMounts;

/** Reads a script of `lib/pipeline/`. */
function readScript(name: string): string {
  const candidates = [
    path.join(__dirname, 'pipeline', name),
    // When the app is bundled, __dirname is the bundle's folder: fall back to the source tree.
    path.join(process.cwd(), 'lib', 'pipeline', name),
  ];
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`PipelineTemplate: script ${name} not found (looked in ${candidates.join(', ')})`);
  return fs.readFileSync(file, 'utf8');
}

interface Size { readonly cpu: [string, string]; readonly memory: [string, string] }
const SMALL: Size = { cpu: ['50m', '500m'], memory: ['64Mi', '256Mi'] };
const BUILD: Size = { cpu: ['1', '2'], memory: ['2Gi', '4Gi'] };

function resources(size: Size): workflows.WorkflowTemplateSpecTemplatesScriptResources {
  return {
    requests: {
      cpu: workflows.WorkflowTemplateSpecTemplatesScriptResourcesRequests.fromString(size.cpu[0]),
      memory: workflows.WorkflowTemplateSpecTemplatesScriptResourcesRequests.fromString(size.memory[0]),
    },
    limits: {
      cpu: workflows.WorkflowTemplateSpecTemplatesScriptResourcesLimits.fromString(size.cpu[1]),
      memory: workflows.WorkflowTemplateSpecTemplatesScriptResourcesLimits.fromString(size.memory[1]),
    },
  };
}

/** The strictest container security context: the "restricted" Pod Security Standard and more. */
const STRICT: workflows.WorkflowTemplateSpecTemplatesScriptSecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS,
  runAsGroup: RUN_AS,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * Rootless BuildKit is as strict as it can be, but not "restricted":
 * - rootlesskit maps the build's users through a user namespace with the setuid helpers
 *   newuidmap/newgidmap, which need CAP_SETUID/CAP_SETGID in the bounding set and a process that
 *   may gain privileges: so SETUID and SETGID stay, and allowPrivilegeEscalation is left at the
 *   Kubernetes default (setting it to false sets no_new_privs and the helpers fail);
 * - the default seccomp and AppArmor profiles forbid the unshare/mount calls that create that user
 *   namespace and the build's mounts: so both are Unconfined for this one container.
 * It is never privileged and never runs as root on the node; `--oci-worker-no-process-sandbox`
 * (BUILDKITD_FLAGS) avoids needing a new PID namespace. The namespace of the workflows therefore
 * cannot enforce the "baseline" or "restricted" Pod Security Standards.
 */
const BUILDKIT_SECURITY: workflows.WorkflowTemplateSpecTemplatesScriptSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  privileged: false,
  capabilities: { drop: ['ALL'], add: ['SETUID', 'SETGID'] },
  seccompProfile: { type: 'Unconfined' },
  appArmorProfile: { type: 'Unconfined' },
};

/** Pod security context of every step; also set per template for steps called by templateRef. */
const POD_SECURITY: workflows.WorkflowTemplateSpecTemplatesSecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS,
  runAsGroup: RUN_AS,
  fsGroup: RUN_AS,
  seccompProfile: { type: 'RuntimeDefault' },
};

function retry(limit: number, policy: workflows.WorkflowTemplateSpecTemplatesRetryStrategyRetryPolicy): workflows.WorkflowTemplateSpecTemplatesRetryStrategy {
  return {
    limit: workflows.WorkflowTemplateSpecTemplatesRetryStrategyLimit.fromNumber(limit),
    retryPolicy: policy,
    backoff: {
      duration: '10s',
      factor: workflows.WorkflowTemplateSpecTemplatesRetryStrategyBackoffFactor.fromNumber(2),
      maxDuration: '5m',
    },
  };
}
const RetryPolicy = workflows.WorkflowTemplateSpecTemplatesRetryStrategyRetryPolicy;

function deadline(seconds: number): workflows.WorkflowTemplateSpecTemplatesActiveDeadlineSeconds {
  return workflows.WorkflowTemplateSpecTemplatesActiveDeadlineSeconds.fromNumber(seconds);
}

function inputs(...names: string[]): workflows.WorkflowTemplateSpecTemplatesInputs {
  return { parameters: names.map((name) => ({ name })) };
}

function args(values: Record<string, string>): workflows.WorkflowTemplateSpecTemplatesStepsArguments {
  return { parameters: Object.entries(values).map(([name, value]) => ({ name, value })) };
}

function env(values: Record<string, string>): EnvVar[] {
  return Object.entries(values).map(([name, value]) => ({ name, value }));
}

function secretEnv(name: string, secret: string, key: string, optional: boolean): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key, optional } } };
}

function size(q: string): workflows.WorkflowTemplateSpecTemplatesVolumesEmptyDirSizeLimit {
  return workflows.WorkflowTemplateSpecTemplatesVolumesEmptyDirSizeLimit.fromString(q);
}

const TMP_VOLUME: Volume = { name: 'tmp', emptyDir: { sizeLimit: size('512Mi') } };
const TMP_MOUNT: VolumeMount = { name: 'tmp', mountPath: '/tmp' };

/**
 * The Argo Workflows templates of the Java delivery pipeline, in one construct:
 *
 * - `serve-java-app` (entrypoint `main`): build the .jar with Maven or Gradle, or fetch a prebuilt
 *   one; build and push the image with rootless BuildKit; then call `deploy-app`.
 * - `deploy-app` (template `deploy-java-app`): change the app's image in
 *   `releases/<environment>.json` of the GitOps repository, push, and wait for the Rollout.
 * - `promote-java-app` and `abort-java-app`: finish or cancel a blue-green release.
 *
 * Credentials are only referenced by Secret name; scripts are the files of `lib/pipeline/`.
 */
export class PipelineTemplate extends Construct {
  /** Name of the build-and-deploy WorkflowTemplate. */
  public static readonly SERVE = 'serve-java-app';
  /** Name of the deploy WorkflowTemplate, and of its template. */
  public static readonly DEPLOY = 'deploy-app';
  public static readonly DEPLOY_TEMPLATE = 'deploy-java-app';
  public static readonly PROMOTE = 'promote-java-app';
  public static readonly ABORT = 'abort-java-app';

  public readonly namespace: string;
  public readonly serve: workflows.WorkflowTemplate;
  public readonly deploy: workflows.WorkflowTemplate;
  public readonly promote: workflows.WorkflowTemplate;
  public readonly abort: workflows.WorkflowTemplate;

  private readonly serviceAccountName: string;
  private readonly partOf: string;

  constructor(scope: Construct, id: string, props: PipelineTemplateProps) {
    super(scope, id);
    const c = 'PipelineTemplate';
    checkProps(c, id, props, PipelineTemplatePropsSchema);
    this.namespace = props.namespace ?? 'argo';
    this.serviceAccountName = props.serviceAccountName ?? 'workflow-runner';
    this.partOf = props.partOf ?? 'platform';
    const gitopsBranch = props.gitopsBranch ?? 'main';
    const gitSecret = props.gitCredentialsSecret ?? 'gitops-credentials';
    const registrySecret = props.registryCredentialsSecret ?? 'registry-credentials';
    const buildTool = props.buildTool ?? BuildTool.MAVEN;
    const waitForSync = props.waitForSync ?? true;
    const waitTimeout = props.waitTimeoutSeconds ?? 900;
    const cacheClaim = props.buildCacheClaimName ?? 'java-build-cache';
    const workspaceSize = props.workspaceSize ?? '2Gi';
    const images: Required<PipelineImages> = { ...DEFAULT_IMAGES, ...dropUndefined(props.images ?? {}) };

    checkName(c, id, 'namespace', this.namespace);
    check(props.gitopsRepo.trim() !== '', c, id, () => 'gitopsRepo must be the URL of the GitOps repository, got ""');
    check(!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(props.gitopsRepo) || /^ssh:\/\/git@/i.test(props.gitopsRepo), c, id,
      () => 'gitopsRepo must not contain credentials: put them in the Secret named by gitCredentialsSecret');
    check(/^[A-Za-z0-9._/-]+$/.test(gitopsBranch) && !gitopsBranch.includes('..'), c, id,
      () => `gitopsBranch must be a branch name, got "${gitopsBranch}"`);
    for (const [prop, value] of [['gitCredentialsSecret', gitSecret], ['registryCredentialsSecret', registrySecret],
      ['serviceAccountName', this.serviceAccountName], ['buildCacheClaimName', cacheClaim]]) {
      check(isDnsSubdomain(value), c, id, () => `${prop} must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.'), got "${value}"`);
    }
    check(Object.values(BuildTool).includes(buildTool), c, id, () => `buildTool must be BuildTool.MAVEN or BuildTool.GRADLE, got "${buildTool}"`);
    check(Number.isInteger(waitTimeout) && waitTimeout >= 60 && waitTimeout <= 86400, c, id,
      () => `waitTimeoutSeconds must be an integer 60-86400, got ${waitTimeout}`);
    check((parseQuantity(workspaceSize) ?? 0) > 0, c, id, () => `workspaceSize must be a Kubernetes quantity such as "2Gi", got "${workspaceSize}"`);
    for (const [key, image] of Object.entries(images)) checkImage(c, id, `images.${key}`, image);

    this.serve = this.serveJavaApp({ buildTool, cacheClaim, workspaceSize, workspaceStorageClass: props.workspaceStorageClass, gitSecret, registrySecret, images });
    this.deploy = this.deployApp({ gitopsRepo: props.gitopsRepo, gitopsBranch, gitSecret, waitForSync, waitTimeout, images });
    this.promote = this.promoteJavaApp(images);
    this.abort = this.abortJavaApp(images);
  }

  private workflowTemplate(name: string, spec: workflows.WorkflowTemplateSpec): workflows.WorkflowTemplate {
    return new workflows.WorkflowTemplate(this, name, {
      metadata: {
        name,
        namespace: this.namespace,
        labels: {
          'app.kubernetes.io/name': name,
          'app.kubernetes.io/part-of': this.partOf,
          'app.kubernetes.io/managed-by': 'cdk8s',
        },
      },
      spec: {
        serviceAccountName: this.serviceAccountName,
        securityContext: POD_SECURITY,
        podGc: { strategy: workflows.WorkflowTemplateSpecPodGcStrategy.ON_POD_SUCCESS },
        // Successful runs are cleaned up after an hour; failed ones stay a week for debugging.
        ttlStrategy: { secondsAfterSuccess: 3600, secondsAfterFailure: 7 * 86400 },
        ...spec,
      },
    });
  }

  /** A script step; `deadlineSeconds` also bounds retries of a stuck pod. */
  private script(name: string, opts: {
    readonly image: string;
    readonly file: string;
    readonly inputs?: workflows.WorkflowTemplateSpecTemplatesInputs;
    readonly env: EnvVar[];
    readonly mounts?: VolumeMount[];
    readonly volumes?: Volume[];
    readonly size: Size;
    readonly deadlineSeconds: number;
    readonly retry?: workflows.WorkflowTemplateSpecTemplatesRetryStrategy;
    readonly securityContext?: workflows.WorkflowTemplateSpecTemplatesScriptSecurityContext;
    readonly outputs?: workflows.WorkflowTemplateSpecTemplatesOutputs;
  }): Template {
    const readOnlyRoot = (opts.securityContext ?? STRICT).readOnlyRootFilesystem === true;
    const script: Script = {
      image: opts.image,
      command: ['sh'],
      source: readScript(opts.file),
      // With a read-only root file system, HOME and every temporary file live on the /tmp volume.
      env: [...(readOnlyRoot ? env({ HOME: '/tmp' }) : []), ...opts.env],
      volumeMounts: [...(readOnlyRoot ? [TMP_MOUNT] : []), ...(opts.mounts ?? [])],
      resources: resources(opts.size),
      securityContext: opts.securityContext ?? STRICT,
    };
    return {
      name,
      inputs: opts.inputs,
      outputs: opts.outputs,
      serviceAccountName: this.serviceAccountName,
      securityContext: POD_SECURITY,
      activeDeadlineSeconds: deadline(opts.deadlineSeconds),
      retryStrategy: opts.retry,
      volumes: [...(readOnlyRoot ? [TMP_VOLUME] : []), ...(opts.volumes ?? [])],
      script,
    };
  }

  private serveJavaApp(o: {
    buildTool: BuildTool; cacheClaim: string; workspaceSize: string; workspaceStorageClass?: string;
    gitSecret: string; registrySecret: string; images: Required<PipelineImages>;
  }): workflows.WorkflowTemplate {
    const workspace: VolumeMount = { name: 'workspace', mountPath: WORKSPACE };
    const cache: VolumeMount = { name: 'build-cache', mountPath: CACHE_DIR };
    const fromSource = "'{{workflow.parameters.artifact_url}}' == ''";
    const gitCredentials = [
      // Optional: public repositories need no credentials.
      secretEnv('GIT_USERNAME', o.gitSecret, 'username', true),
      secretEnv('GIT_PASSWORD', o.gitSecret, 'password', true),
    ];

    const buildJar = (tool: BuildTool, image: string): Template => this.script(`build-${tool}`, {
      image,
      file: 'build-jar.sh',
      inputs: inputs('app_type'),
      env: [
        ...env({
          BUILD_TOOL: tool, APP_TYPE: '{{inputs.parameters.app_type}}',
          SOURCE_DIR, ARTIFACT_DIR, CACHE_DIR,
        }),
        // JVM temporary files and the Gradle daemon directory go to the /tmp volume.
        { name: 'JAVA_TOOL_OPTIONS', value: '-Djava.io.tmpdir=/tmp' },
      ],
      mounts: [workspace, cache],
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
            name: 'clone-source',
            template: 'clone-source',
            when: fromSource,
            arguments: args({ git_repo: '{{workflow.parameters.git_repo}}', git_revision: '{{workflow.parameters.git_revision}}' }),
          }],
          [
            ...[BuildTool.MAVEN, BuildTool.GRADLE].map((tool) => ({
              name: `build-${tool}`,
              template: `build-${tool}`,
              when: `${fromSource} && '{{workflow.parameters.build_tool}}' == '${tool}'`,
              arguments: args({ app_type: '{{workflow.parameters.app_type}}' }),
            })),
            {
              name: 'fetch-artifact',
              template: 'fetch-artifact',
              when: "'{{workflow.parameters.artifact_url}}' != ''",
              arguments: args({ artifact_url: '{{workflow.parameters.artifact_url}}', app_type: '{{workflow.parameters.app_type}}' }),
            },
          ],
          [{
            name: 'build-image',
            template: 'build-image',
            arguments: args({
              image: '{{workflow.parameters.image}}',
              tag: '{{workflow.parameters.tag}}',
              app_type: '{{workflow.parameters.app_type}}',
            }),
          }],
          [{
            name: 'deploy-app',
            templateRef: { name: PipelineTemplate.DEPLOY, template: PipelineTemplate.DEPLOY_TEMPLATE },
            arguments: args({
              app_name: '{{workflow.parameters.app_name}}',
              environment: '{{workflow.parameters.environment}}',
              // Deploy by digest: exactly the bytes that were built, whatever happens to the tag.
              image: '{{steps.build-image.outputs.parameters.image_ref}}',
            }),
          }],
        ],
      },
      this.script('clone-source', {
        image: o.images.git,
        file: 'clone-source.sh',
        inputs: inputs('git_repo', 'git_revision'),
        env: [
          ...env({ GIT_REPO: '{{inputs.parameters.git_repo}}', GIT_REVISION: '{{inputs.parameters.git_revision}}', SOURCE_DIR }),
          ...gitCredentials,
        ],
        mounts: [workspace],
        size: SMALL,
        deadlineSeconds: 600,
        retry: retry(3, RetryPolicy.ALWAYS),
      }),
      buildJar(BuildTool.MAVEN, o.images.maven),
      buildJar(BuildTool.GRADLE, o.images.gradle),
      this.script('fetch-artifact', {
        image: o.images.curl,
        file: 'fetch-artifact.sh',
        inputs: inputs('artifact_url', 'app_type'),
        env: env({ ARTIFACT_URL: '{{inputs.parameters.artifact_url}}', APP_TYPE: '{{inputs.parameters.app_type}}', ARTIFACT_DIR }),
        mounts: [workspace],
        size: SMALL,
        deadlineSeconds: 600,
        retry: retry(3, RetryPolicy.ALWAYS),
      }),
      this.script('build-image', {
        image: o.images.buildkit,
        file: 'build-image.sh',
        inputs: inputs('image', 'tag', 'app_type'),
        env: env({
          IMAGE: '{{inputs.parameters.image}}',
          TAG: '{{inputs.parameters.tag}}',
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
          { name: 'out', emptyDir: { sizeLimit: size('256Mi') } },
          { name: 'buildkit-state', emptyDir: { sizeLimit: size('10Gi') } },
          {
            name: 'registry-credentials',
            secret: { secretName: o.registrySecret, items: [{ key: '.dockerconfigjson', path: 'config.json' }] },
          },
        ],
        size: BUILD,
        deadlineSeconds: 1800,
        retry: retry(2, RetryPolicy.ALWAYS),
        securityContext: BUILDKIT_SECURITY,
        outputs: {
          parameters: [
            { name: 'digest', valueFrom: { path: `${OUT_DIR}/digest` } },
            { name: 'image_ref', valueFrom: { path: `${OUT_DIR}/image_ref` } },
          ],
          // Kept even when the build fails; needs the workflow controller's artifact repository.
          artifacts: [{ name: 'build-log', path: `${OUT_DIR}/build_output.log`, archive: { none: {} } }],
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
          { name: 'git_repo', value: '', description: 'URL of the source repository (not needed with artifact_url)' },
          { name: 'git_revision', value: 'main', description: 'Branch, tag or commit to build' },
          { name: 'artifact_url', value: '', description: 'https URL of a prebuilt .jar/.war; when set, nothing is built from source' },
          { name: 'image', description: 'registry/repository of the image, without tag' },
          { name: 'tag', description: 'Tag of the image (not latest), e.g. the version or the commit' },
          { name: 'environment', description: 'Environment to deploy to, e.g. dev' },
        ],
      },
      volumes: [{ name: 'build-cache', persistentVolumeClaim: { claimName: o.cacheClaim } }],
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
    const appInputs: workflows.WorkflowTemplateSpecTemplatesInputs = {
      parameters: [
        { name: 'app_name' },
        { name: 'environment' },
        { name: 'image' },
        // Empty: the environment's namespace as the platform declares it (else its name).
        { name: 'namespace', default: '' },
      ],
    };
    const forward = args({
      app_name: '{{inputs.parameters.app_name}}',
      environment: '{{inputs.parameters.environment}}',
      image: '{{inputs.parameters.image}}',
    });
    const steps: workflows.WorkflowTemplateSpecTemplatesSteps[][] = [
      [{ name: 'update-gitops', template: 'update-gitops', arguments: forward }],
    ];
    const templates: Template[] = [
      {
        name: PipelineTemplate.DEPLOY_TEMPLATE,
        inputs: appInputs,
        steps,
      },
      this.script('update-gitops', {
        image: o.images.git,
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
            COMMIT_FILE: '/tmp/commit',
          }),
          secretEnv('GIT_USERNAME', o.gitSecret, 'username', false),
          secretEnv('GIT_PASSWORD', o.gitSecret, 'password', false),
        ],
        size: SMALL,
        deadlineSeconds: 300,
        // The script clones afresh and is idempotent: a retry after a lost response finds the line
        // already set and pushes nothing.
        retry: retry(3, RetryPolicy.ALWAYS),
        outputs: { parameters: [{ name: 'commit', valueFrom: { path: '/tmp/commit' } }] },
      }),
    ];
    if (o.waitForSync) {
      steps.push([{
        name: 'wait-for-rollout',
        template: 'wait-for-rollout',
        arguments: args({
          app_name: '{{inputs.parameters.app_name}}',
          namespace: '{{inputs.parameters.namespace}}',
          environment: '{{inputs.parameters.environment}}',
          image: '{{inputs.parameters.image}}',
        }),
      }]);
      templates.push(this.script('wait-for-rollout', {
        image: o.images.kubectl,
        file: 'wait-rollout.sh',
        inputs: inputs('app_name', 'namespace', 'environment', 'image'),
        env: env({
          APP_NAME: '{{inputs.parameters.app_name}}',
          NAMESPACE: '{{inputs.parameters.namespace}}',
          ENVIRONMENT: '{{inputs.parameters.environment}}',
          // Where each environment of this app lives ("dev=shop-dev prod=shop-prod"), read from the
          // app's Environments when it is synthesized.
          ENVIRONMENT_NAMESPACES: Lazy.any({ produce: () => this.environmentNamespaces() }),
          IMAGE: '{{inputs.parameters.image}}',
          TIMEOUT_SECONDS: String(o.waitTimeout),
        }),
        size: SMALL,
        deadlineSeconds: o.waitTimeout + 120,
        // The script polls by itself; retry only when the pod could not run.
        retry: retry(2, RetryPolicy.ON_ERROR),
      }));
    }

    return this.workflowTemplate(PipelineTemplate.DEPLOY, {
      entrypoint: PipelineTemplate.DEPLOY_TEMPLATE,
      activeDeadlineSeconds: o.waitTimeout + 900,
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

  /** A `kubectl argo rollouts <command>` step (the plugin image runs the plugin binary directly). */
  private rolloutsCommand(name: string, command: string[], image: string): Template {
    const container: Container = {
      image,
      command: ['kubectl-argo-rollouts'],
      args: [...command, '{{inputs.parameters.app_name}}', '--namespace', '{{inputs.parameters.namespace}}'],
      env: env({ HOME: '/tmp' }),
      volumeMounts: [TMP_MOUNT],
      resources: resources(SMALL),
      securityContext: STRICT,
    };
    return {
      name,
      inputs: inputs('app_name', 'namespace'),
      serviceAccountName: this.serviceAccountName,
      securityContext: POD_SECURITY,
      activeDeadlineSeconds: deadline(120),
      // Only when the pod could not run: a command that ran and failed is not retried blindly.
      retryStrategy: retry(2, RetryPolicy.ON_ERROR),
      volumes: [TMP_VOLUME],
      container,
    };
  }

  private rolloutsWorkflow(name: string, entrypoint: Template, steps: Template[]): workflows.WorkflowTemplate {
    return this.workflowTemplate(name, {
      entrypoint: entrypoint.name,
      activeDeadlineSeconds: 900,
      arguments: {
        parameters: [
          { name: 'app_name', description: 'Name of the Rollout' },
          { name: 'namespace', description: 'Namespace of the Rollout (the environment)' },
        ],
      },
      templates: [entrypoint, ...steps],
    });
  }

  private promoteJavaApp(images: Required<PipelineImages>): workflows.WorkflowTemplate {
    const forward = args({ app_name: '{{inputs.parameters.app_name}}', namespace: '{{inputs.parameters.namespace}}' });
    return this.rolloutsWorkflow(PipelineTemplate.PROMOTE, {
      name: 'promote',
      inputs: inputs('app_name', 'namespace'),
      steps: [[{ name: 'promote', template: 'rollouts-promote', arguments: forward }]],
    }, [this.rolloutsCommand('rollouts-promote', ['promote'], images.rolloutsPlugin)]);
  }

  private abortJavaApp(images: Required<PipelineImages>): workflows.WorkflowTemplate {
    const forward = args({ app_name: '{{inputs.parameters.app_name}}', namespace: '{{inputs.parameters.namespace}}' });
    return this.rolloutsWorkflow(PipelineTemplate.ABORT, {
      name: 'abort',
      inputs: inputs('app_name', 'namespace'),
      steps: [
        // abort: the active Service stays on the stable version and the preview is scaled down;
        // undo: the Rollout's template goes back to the stable revision, so it is Healthy again.
        [{ name: 'abort', template: 'rollouts-abort', arguments: forward }],
        [{ name: 'undo', template: 'rollouts-undo', arguments: forward }],
      ],
    }, [
      this.rolloutsCommand('rollouts-abort', ['abort'], images.rolloutsPlugin),
      this.rolloutsCommand('rollouts-undo', ['undo'], images.rolloutsPlugin),
    ]);
  }
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
