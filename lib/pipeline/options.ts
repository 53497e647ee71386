import { checkOptions, P } from '../props/schema';

// The option types of PipelineTemplateProps, with their defaults. Re-exported by
// pipeline-template.ts, where users import them from.

/** The build tool of a Java project. */
export enum BuildTool {
  /** Apache Maven (`pom.xml`; `./mvnw` when the project has the wrapper). */
  MAVEN = 'maven',
  /** Gradle (`build.gradle[.kts]`; `./gradlew` when the project has the wrapper). */
  GRADLE = 'gradle',
}

/**
 * Container images of the pipeline. Each is pinned by digest (`repository:tag@sha256:...`): a tag
 * can be moved to other bytes, a digest cannot. The defaults' digests are those that public pinned
 * references record for these tags (see docs/security.md); resolve your own with
 * `crane digest <image>` or `docker buildx imagetools inspect <image>` and pass them here.
 */
export interface PipelineImages {
  /**
   * Git client with a POSIX shell, used to check the parameters, clone the source and read the
   * GitOps history.
   * @default 'alpine/git:v2.47.2@sha256:062a01ad...'
   */
  readonly git?: string;
  /**
   * Node.js with npm, git and a POSIX shell: the deploy step clones the GitOps repository, runs its
   * synth and validation gate, and pushes the rendered commit.
   * @default 'node:22.12.0-bookworm'
   */
  readonly node?: string;
  /**
   * Maven with a JDK, for `build_tool=maven`.
   * @default 'maven:3.9.9-eclipse-temurin-21@sha256:3a4ab327...'
   */
  readonly maven?: string;
  /**
   * Gradle with a JDK, for `build_tool=gradle`.
   * @default 'gradle:8.14.2-jdk21@sha256:cf0caeaa...'
   */
  readonly gradle?: string;
  /**
   * curl with a POSIX shell and sha256sum, to fetch a prebuilt artifact.
   * @default 'curlimages/curl:8.11.1@sha256:c1fe1679...'
   */
  readonly curl?: string;
  /**
   * Rootless BuildKit (must be a `-rootless` variant: it runs as UID 1000).
   * @default 'moby/buildkit:v0.23.2-rootless@sha256:cab93674...'
   */
  readonly buildkit?: string;
  /**
   * kubectl with a POSIX shell, to wait for and abort the Rollout.
   * @default 'alpine/k8s:1.31.4@sha256:9c4976d4...'
   */
  readonly kubectl?: string;
  /**
   * The `kubectl-argo-rollouts` plugin image, to promote. The only image that may stay
   * tag-only (no digest for it could be confirmed): the WorkflowTemplates that use it then carry the
   * annotation `exempt.policy.platform/image-digest` with the reason, which the gate requires.
   * @default 'quay.io/argoproj/kubectl-argo-rollouts:v1.9.1' (tag only)
   */
  readonly rolloutsPlugin?: string;
  /**
   * Base image of generated Dockerfiles for executable jars (`app_type=springboot`).
   * @default 'eclipse-temurin:21-jre@sha256:7a65df4b...'
   */
  readonly jarBase?: string;
  /**
   * Base image of generated Dockerfiles for WARs (`app_type=spring`; Tomcat 10.1: Jakarta EE, Spring 6).
   * @default 'tomcat:10.1.34-jdk17-temurin@sha256:6cc7480f...'
   */
  readonly warBase?: string;
}

/** Options of `BuildCache.perApp()`. */
export interface PerAppBuildCacheOptions {
  /**
   * Prefix of the claims: `<prefix>-<app>`.
   * @default 'java-build-cache'
   */
  readonly claimPrefix?: string;
  /**
   * Size of each app's claim.
   * @default '5Gi'
   */
  readonly size?: string;
  /**
   * StorageClass of the claims.
   * @default the pipeline's workspaceStorageClass
   */
  readonly storageClassName?: string;
}

/** The dependency cache of the builds. */
export class BuildCache {
  /**
   * One PersistentVolumeClaim per app of the platform, `<prefix>-<app>` (ReadWriteOnce), generated
   * in the pipeline's namespace; a build mounts only its own app's claim.
   */
  public static perApp(options: PerAppBuildCacheOptions = {}): BuildCache {
    checkOptions('BuildCache.perApp', options, PerAppBuildCacheOptionsSchema);
    return new BuildCache(true, options.claimPrefix ?? 'java-build-cache', options.size ?? '5Gi', options.storageClassName);
  }

  /**
   * Nothing kept between builds: each build downloads its dependencies into an emptyDir of this size.
   * No claim per app (for platforms with many apps, or storage without WaitForFirstConsumer binding).
   */
  public static none(size = '5Gi'): BuildCache {
    return new BuildCache(false, '', size, undefined);
  }

  private constructor(
    public readonly persistent: boolean,
    public readonly claimPrefix: string,
    public readonly size: string,
    public readonly storageClassName: string | undefined,
  ) {}
}

// Digests as recorded by public pinned references of these tags (docs/security.md lists them).
export const DEFAULT_IMAGES: Required<PipelineImages> = {
  git: 'alpine/git:v2.47.2@sha256:062a01ad7a0eb17cff382bc5e26086b4d710e56dfdfdf001109a49b6d9bd378c',
  node: 'node:22.12.0-bookworm',
  maven: 'maven:3.9.9-eclipse-temurin-21@sha256:3a4ab3276a087bf276f79cae96b1af04f53731bec53fb2e651aca79e4b10211e',
  gradle: 'gradle:8.14.2-jdk21@sha256:cf0caeaac06e2824fac26daa6a55728fcb0e0e0e2ff28a430d2292547fe84dff',
  curl: 'curlimages/curl:8.11.1@sha256:c1fe1679c34d9784c1b0d1e5f62ac0a79fca01fb6377cdd33e90473c6f9f9a69',
  buildkit: 'moby/buildkit:v0.23.2-rootless@sha256:cab936745de5d673465948f1e93ff4d6e372bbe33f218afd3314eba45a6f85a9',
  kubectl: 'alpine/k8s:1.31.4@sha256:9c4976d47656d78cf53a92b0203fc54ac45eae18a2b45001ac221c27da4c8036',
  rolloutsPlugin: 'quay.io/argoproj/kubectl-argo-rollouts:v1.9.1',
  jarBase: 'eclipse-temurin:21-jre@sha256:7a65df4b22d2de92d4e04056e884f3b9122d70b21e2847fd66084278bd0ce037',
  warBase: 'tomcat:10.1.34-jdk17-temurin@sha256:6cc7480fb8de7028d1f740704364703c55878564204bbe89186f549eb78e7ee7',
};

/** The pipeline's images: those given, the defaults for the others. */
export function withDefaultImages(images: PipelineImages = {}): Required<PipelineImages> {
  const given = Object.fromEntries(Object.entries(images).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_IMAGES, ...given };
}

/** Images that may stay tag-only, with the reason written on the WorkflowTemplates that use them. */
export const TAG_ONLY_ALLOWED: ReadonlyArray<keyof PipelineImages> = ['node', 'rolloutsPlugin'];
export const TAG_ONLY_REASON = 'no digest of this image could be confirmed; pin it through PipelineImages (repository:tag@sha256:...)';

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const PerAppBuildCacheOptionsSchema = P.object('PerAppBuildCacheOptions', { claimPrefix: P.string, size: P.string, storageClassName: P.string });
export const PipelineImagesSchema = P.object('PipelineImages', {
  git: P.string, node: P.string, maven: P.string, gradle: P.string, curl: P.string, buildkit: P.string, kubectl: P.string,
  rolloutsPlugin: P.string, jarBase: P.string, warBase: P.string,
});

/**
 * What the Argo Workflows controller of the pipeline's namespace enforces, as its
 * workflow-controller ConfigMap sets it (`workflowRestrictions.templateReferencing`; the ConfigMap
 * belongs to the Argo Workflows installation, not to this platform). The pipeline's security model
 * needs `Secure` (or `Strict`): a submitter may then only run these WorkflowTemplates with their
 * parameters. Without it, whoever may create a Workflow in the namespace may run any pod there,
 * with the GitOps write token, the registry push secret or any ServiceAccount of the namespace
 * (argo-workflows docs/security.md, docs/workflow-restrictions.md). Written on each
 * WorkflowTemplate as an annotation the validation gate checks; see docs/security.md.
 */
export class TemplateReferencing {
  /** `templateReferencing: Secure`: Strict, and a running Workflow errors out when its WorkflowTemplate changes. */
  public static readonly SECURE = new TemplateReferencing('Secure');
  /** `templateReferencing: Strict`: only Workflows that reference a WorkflowTemplate run. */
  public static readonly STRICT = new TemplateReferencing('Strict');
  /**
   * No restriction on the controller: every submitter can run any pod in the namespace. Recorded
   * as a reviewed exception with its reason (the gate refuses an empty one).
   */
  public static unrestricted(reason: string): TemplateReferencing {
    return new TemplateReferencing('None', reason);
  }

  private constructor(
    /** The controller setting, or `None`. */
    public readonly setting: 'Secure' | 'Strict' | 'None',
    /** Why the namespace runs without it (unrestricted only). */
    public readonly reason?: string,
  ) {}
}
