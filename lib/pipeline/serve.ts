import { Construct } from 'constructs';
import * as workflows from '../../imports/workflows-argoproj.io';
import { JavaApp } from '../app';
import { TEMPLATE_NAMES } from './context';
import { BuildCache, BuildTool, PipelineImages } from './options';
import {
  args, BUILD, BUILDKIT_SECURITY, env, inputs, noRetryOnUsage, retry, RetryPolicy, scriptStep, secretEnv, sizeLimit, SMALL,
  Template, VolumeMount,
} from './steps';
import { parseImage } from '../props/checks';

// serve-java-app: check the parameters, clone and build the .jar (or fetch a prebuilt one), build
// and push the image with rootless BuildKit, then deploy it by digest through deploy-app.

const WORKSPACE = '/workspace';
const SOURCE_DIR = `${WORKSPACE}/src`;
const ARTIFACT_DIR = `${WORKSPACE}/artifact`;
const CACHE_DIR = '/cache';
const OUT_DIR = '/mnt/out';

const WORKSPACE_MOUNT: VolumeMount = { name: 'workspace', mountPath: WORKSPACE };

/** The parameters of serve-java-app, all checked by its first step. */
const SERVE_PARAMETERS = [
  'app_name', 'app_type', 'build_tool', 'git_repo', 'git_revision', 'artifact_url', 'artifact_sha256',
  'image', 'tag', 'overwrite_tag', 'environment',
] as const;

/** The JavaApps under the tree's root, by name, with the repositories of the images they run. */
export function platformApps(scope: Construct): Map<string, Set<string>> {
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
export function allowedImages(apps: Map<string, Set<string>>, pattern?: string): string {
  if (pattern) return `*=${pattern}`;
  const pairs: string[] = [];
  for (const [app, repos] of apps) for (const repo of repos) pairs.push(`${app}=${repo}`);
  return pairs.sort().join(' ');
}

/** What serve-java-app is built from, resolved from the props by PipelineTemplate. */
export interface ServeOptions {
  readonly images: Required<PipelineImages>;
  readonly buildTool: BuildTool;
  readonly cache: BuildCache;
  readonly workspaceSize: string;
  readonly workspaceStorageClass?: string;
  readonly registrySecret: string;
  readonly sourceRepoHost?: string;
  readonly sourceSecret: string;
  /** The platform's apps, sorted and space-separated. */
  readonly appNames: string;
  /** The only images the build may push: allowedImages(). */
  readonly allowedImages: string;
}

export function serveJavaAppSpec(o: ServeOptions): workflows.WorkflowTemplateSpec {
  return {
    entrypoint: 'main',
    activeDeadlineSeconds: 2 * 3600,
    arguments: { parameters: serveParameters(o.buildTool) },
    volumeClaimTemplates: [{
      metadata: { name: 'workspace' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: o.workspaceStorageClass,
        resources: { requests: { storage: workflows.WorkflowTemplateSpecVolumeClaimTemplatesSpecResourcesRequests.fromString(o.workspaceSize) } },
      },
    }],
    templates: [
      mainSteps(),
      checkParametersStep(o),
      cloneSourceStep(o),
      buildJarStep(o, BuildTool.MAVEN, o.images.maven),
      buildJarStep(o, BuildTool.GRADLE, o.images.gradle),
      fetchArtifactStep(o),
      buildImageStep(o),
    ],
  };
}

function serveParameters(buildTool: BuildTool): workflows.WorkflowTemplateSpecArgumentsParameters[] {
  return [
    { name: 'app_name', description: 'Name of the app: its key in releases/<environment>.json and the name of its Rollout' },
    { name: 'app_type', value: 'springboot', enum: ['springboot', 'spring'], description: 'springboot: an executable .jar; spring: a .war run by Tomcat' },
    { name: 'build_tool', value: buildTool, enum: [BuildTool.MAVEN, BuildTool.GRADLE], description: 'Build tool of the source repository' },
    { name: 'git_repo', value: '', description: 'https URL of the source repository (not needed with artifact_url)' },
    { name: 'git_revision', value: 'main', description: 'Branch, tag or commit to build' },
    { name: 'artifact_url', value: '', description: 'https URL of a prebuilt .jar/.war; when set, nothing is built from source' },
    { name: 'artifact_sha256', value: '', description: 'sha256 of the prebuilt archive (required with artifact_url): checked before it is used' },
    { name: 'image', description: 'registry/repository of the image, without tag: the one the platform allows for the app' },
    { name: 'tag', description: 'Tag of the image (not latest), e.g. the version or the commit' },
    { name: 'overwrite_tag', value: 'false', enum: ['false', 'true'], description: 'true replaces an existing tag; otherwise an existing tag stops the build' },
    { name: 'environment', description: 'Environment to deploy to, e.g. dev' },
  ];
}

/** The entrypoint: check, clone or fetch, build, build the image, deploy. */
function mainSteps(): Template {
  // `when:` compares the word check-parameters wrote (maven, gradle or artifact), never a
  // parameter: a value with a quote cannot change the expression.
  const build = '{{steps.check-parameters.outputs.parameters.build}}';
  const wf = (name: string) => `{{workflow.parameters.${name}}}`;
  return {
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
        templateRef: { name: TEMPLATE_NAMES.deploy, template: TEMPLATE_NAMES.deployTemplate },
        arguments: args({
          app_name: wf('app_name'),
          environment: wf('environment'),
          // Deploy by digest: exactly the bytes that were built, whatever happens to the tag.
          image: '{{steps.build-image.outputs.parameters.image_ref}}',
        }),
      }],
    ],
  };
}

function checkParametersStep(o: ServeOptions): Template {
  return scriptStep('check-parameters', {
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
  });
}

function cloneSourceStep(o: ServeOptions): Template {
  const credentials = o.sourceRepoHost === undefined ? [] : [
    // Optional: public repositories need no credentials. Never the GitOps write credentials.
    secretEnv('SOURCE_USERNAME', o.sourceSecret, 'username', true),
    secretEnv('SOURCE_PASSWORD', o.sourceSecret, 'password', true),
  ];
  return scriptStep('clone-source', {
    image: o.images.git,
    file: 'clone-source.sh',
    inputs: inputs('git_repo', 'git_revision'),
    env: [
      ...env({ GIT_REPO: '{{inputs.parameters.git_repo}}', GIT_REVISION: '{{inputs.parameters.git_revision}}', SOURCE_DIR }),
      ...(o.sourceRepoHost === undefined ? [] : env({ SOURCE_REPO_HOST: o.sourceRepoHost })),
      ...credentials,
    ],
    mounts: [WORKSPACE_MOUNT],
    size: SMALL,
    deadlineSeconds: 600,
    retry: noRetryOnUsage(retry(3, RetryPolicy.ALWAYS)),
  });
}

function buildJarStep(o: ServeOptions, tool: BuildTool, image: string): Template {
  return scriptStep(`build-${tool}`, {
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
    mounts: [WORKSPACE_MOUNT, { name: 'build-cache', mountPath: CACHE_DIR }],
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
}

function fetchArtifactStep(o: ServeOptions): Template {
  return scriptStep('fetch-artifact', {
    image: o.images.curl,
    file: 'fetch-artifact.sh',
    inputs: inputs('artifact_url', 'artifact_sha256', 'app_type'),
    env: env({
      ARTIFACT_URL: '{{inputs.parameters.artifact_url}}',
      ARTIFACT_SHA256: '{{inputs.parameters.artifact_sha256}}',
      APP_TYPE: '{{inputs.parameters.app_type}}',
      ARTIFACT_DIR,
    }),
    mounts: [WORKSPACE_MOUNT],
    size: SMALL,
    deadlineSeconds: 600,
    retry: noRetryOnUsage(retry(3, RetryPolicy.ALWAYS)),
  });
}

/** Rootless BuildKit: the image from the archive, pushed with the registry Secret, its digest out. */
function buildImageStep(o: ServeOptions): Template {
  return scriptStep('build-image', {
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
      WORKSPACE_MOUNT,
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
  });
}
