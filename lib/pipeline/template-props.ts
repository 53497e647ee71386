import { Duration } from 'cdk8s';
import { ArgoCdCluster, ArgoCdClusterSchema } from '../platform';
import { P } from '../props/schema';
import { BuildCache, BuildTool, PipelineImages, PipelineImagesSchema, TemplateReferencing } from './options';

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
   * Secret with the keys `username` and `password`: a read-only token of the GitOps repository,
   * for the steps that only read it (the deploy's clone, `previous-image`, `source-image`). No step
   * that reads is given the write token, and no step that runs the repository's code (npm, main.ts)
   * is given either. Optional in the cluster: a public GitOps repository needs none.
   * @default 'gitops-read-credentials'
   */
  readonly gitReadCredentialsSecret?: string;
  /**
   * The npm packages whose install scripts the deploy step runs (`npm rebuild <package>`). The
   * deploy installs the GitOps repository's dependencies with `npm ci --ignore-scripts`: no
   * lifecycle script of a dependency or of the project runs unless it is listed here.
   * @default none
   */
  readonly deployInstallScripts?: string[];
  /**
   * What the Argo Workflows controller of this namespace enforces
   * (`workflowRestrictions.templateReferencing` in its workflow-controller ConfigMap, which the
   * Argo Workflows installation owns): set it to `Secure` there (Argo Workflows 3.7.14 / 4.0.5 or
   * later, docs/security.md). Declared on each WorkflowTemplate; the gate refuses a WorkflowTemplate
   * that holds credentials without the declaration.
   * @default TemplateReferencing.SECURE
   */
  readonly templateReferencing?: TemplateReferencing;
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
   * How long the deploy waits for the Rollout: whole seconds, from 1 minute to 24 hours.
   * @default Duration.minutes(15)
   */
  readonly waitTimeout?: Duration;
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
   * image it promotes: whole seconds, from 30 seconds to 1 hour.
   * @default Duration.minutes(5)
   */
  readonly promotionCheckTimeout?: Duration;
}

// The runtime schema of the props interface (see props/schema.ts).
export const PipelineTemplatePropsSchema = P.object('PipelineTemplateProps', {
  namespace: P.string, gitopsRepo: P.required(P.string), gitopsBranch: P.string, gitCredentialsSecret: P.string,
  gitReadCredentialsSecret: P.string, deployInstallScripts: P.strings, templateReferencing: P.instance('TemplateReferencing', TemplateReferencing),
  sourceRepoHost: P.string, sourceCredentialsSecret: P.string, imageRepository: P.string, createNamespace: P.boolean,
  registryCredentialsSecret: P.string, serviceAccountPrefix: P.string, buildTool: P.enumOf('BuildTool', BuildTool),
  waitForSync: P.boolean, waitTimeout: P.duration, buildCache: P.instance('BuildCache', BuildCache), workspaceSize: P.string,
  workspaceStorageClass: P.string, partOf: P.string, images: PipelineImagesSchema,
  cluster: ArgoCdClusterSchema, argoCdServer: P.string, argoCdTokenSecret: P.string, promotionCheckTimeout: P.duration,
});
