import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Environment } from '../../lib/platform/environment';
import { ArgoCdBootstrap } from '../../lib/gitops/bootstrap';
import { BuildCache, BuildTool, PipelineTemplate, PipelineTemplateProps } from '../../lib/pipeline/template';
import { PropError, unpinnedImage } from '../../lib/props/checks';
import { lintWorkflowTemplates } from '../../lib/validate/workflow-lint';
import { controllerObjects } from '../../lib/validate/controller-objects';
import { validateManifests } from '../../lib/validate/gate';
import { indexByNamespace } from '../../lib/validate/manifest';

const GITOPS_REPO = 'https://github.com/acme/gitops.git';
/** A digest for overridden images in tests (never pulled). */
const DIGEST = `sha256:${'0'.repeat(64)}`;
/** A pinned image for the lint rules' sample templates. */
const PIPELINE_DIR = path.join(__dirname, '..', '..', 'lib', 'pipeline', 'scripts');

/** The WorkflowTemplates of a pipeline; `synthAll` also returns its access objects. */
function synth(props: Partial<PipelineTemplateProps> = {}): any[] {
  return synthAll(props).filter((d) => d.kind === 'WorkflowTemplate');
}

function synthAll(props: Partial<PipelineTemplateProps> = {}): any[] {
  const chart = Testing.chart();
  new PipelineTemplate(chart, 'pipeline', { gitopsRepo: GITOPS_REPO, ...props });
  return Testing.synth(chart);
}

function byName(docs: any[], name: string): any {
  const doc = docs.find((d) => d.metadata?.name === name);
  if (!doc) throw new Error(`no object named ${name}`);
  return doc;
}

function template(doc: any, name: string): any {
  const t = doc.spec.templates.find((x: any) => x.name === name);
  if (!t) throw new Error(`no template ${name} in ${doc.metadata.name}`);
  return t;
}

/** Every container-like part of every template, with where it is. */
function containers(docs: any[]): Array<{ where: string; template: any; c: any }> {
  const out: Array<{ where: string; template: any; c: any }> = [];
  for (const doc of docs) {
    for (const t of doc.spec.templates) {
      for (const field of ['container', 'script']) {
        if (t[field]) out.push({ where: `${doc.metadata.name}/${t.name}`, template: t, c: t[field] });
      }
    }
  }
  return out;
}

function podTemplates(docs: any[]): Array<{ where: string; t: any }> {
  return docs.flatMap((doc) => doc.spec.templates
    .filter((t: any) => t.container || t.script)
    .map((t: any) => ({ where: `${doc.metadata.name}/${t.name}`, t })));
}

function env(c: any): Record<string, any> {
  return Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

// ---------------------------------------------------------------------------------------------
// A small structural validator for the pinned CRD schema (test-only): unknown fields, wrong
// types, missing required fields and values outside an enum are errors, as for the API server.
// ---------------------------------------------------------------------------------------------

let crdSchema: any;
function workflowTemplateSchema(): any {
  if (!crdSchema) {
    const file = path.join(__dirname, '..', '..', 'crds', 'argo-workflows-v4.1.2', 'argoproj.io_workflowtemplates.yaml');
    const crd = YAML.parse(fs.readFileSync(file, 'utf8'));
    crdSchema = crd.spec.versions.find((v: any) => v.name === 'v1alpha1').schema.openAPIV3Schema;
  }
  return crdSchema;
}

function schemaErrors(schema: any, value: any, at: string, errors: string[]): void {
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !Number.isInteger(value)) errors.push(`${at}: expected an integer or a string, got ${JSON.stringify(value)}`);
    return;
  }
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        errors.push(`${at}: expected an object`);
        return;
      }
      for (const r of schema.required ?? []) if (!(r in value)) errors.push(`${at}: missing required field ${r}`);
      const open = !schema.properties || schema['x-kubernetes-preserve-unknown-fields'];
      for (const [k, v] of Object.entries(value)) {
        const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
        if (sub) schemaErrors(sub, v, `${at}.${k}`, errors);
        else if (!open && schema.additionalProperties !== true) errors.push(`${at}.${k}: unknown field`);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) {
        errors.push(`${at}: expected an array`);
        return;
      }
      value.forEach((v, i) => schema.items && schemaErrors(schema.items, v, `${at}[${i}]`, errors));
      return;
    case 'string':
      if (typeof value !== 'string') errors.push(`${at}: expected a string, got ${JSON.stringify(value)}`);
      else if (schema.enum && !schema.enum.includes(value)) errors.push(`${at}: "${value}" is not one of ${schema.enum.join(', ')}`);
      return;
    case 'integer':
      if (!Number.isInteger(value)) errors.push(`${at}: expected an integer, got ${JSON.stringify(value)}`);
      return;
    case 'number':
      if (typeof value !== 'number') errors.push(`${at}: expected a number, got ${JSON.stringify(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${at}: expected a boolean, got ${JSON.stringify(value)}`);
      return;
    default:
  }
}

function crdErrors(doc: any): string[] {
  const errors: string[] = [];
  const { metadata, ...rest } = doc;
  schemaErrors(workflowTemplateSchema(), { ...rest, metadata: {} }, doc.metadata.name, errors);
  return errors;
}

// ---------------------------------------------------------------------------------------------

describe('PipelineTemplate', () => {
  let docs: any[];
  let serve: any;
  let deploy: any;
  let promote: any;
  let abort: any;
  // Built in the first test that runs, not while the suite loads: a build that throws fails a test.
  beforeEach(() => {
    if (docs) return;
    docs = synth();
    serve = byName(docs, 'serve-java-app');
    deploy = byName(docs, 'deploy-app');
    promote = byName(docs, 'promote-java-app');
    abort = byName(docs, 'abort-java-app');
  });

  test('synthesizes five WorkflowTemplates with stable names, namespace ci and the standard labels, beside their identities', () => {
    // GIVEN the default props / WHEN synthesized / THEN
    expect(synthAll().map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual([
      'Namespace/ci',
      'Role/pipeline-executor', 'RoleBinding/pipeline-executor', 'Secret/pipeline-executor.service-account-token',
      'ServiceAccount/pipeline-abort', 'ServiceAccount/pipeline-executor', 'ServiceAccount/pipeline-promote', 'ServiceAccount/pipeline-wait',
      'WorkflowTemplate/abort-java-app', 'WorkflowTemplate/deploy-app', 'WorkflowTemplate/promote-java-app', 'WorkflowTemplate/promote-release',
      'WorkflowTemplate/serve-java-app',
    ]);
    for (const doc of docs) {
      expect(doc.apiVersion).toBe('argoproj.io/v1alpha1');
      expect(doc.metadata.namespace).toBe('ci');
      expect(doc.metadata.labels).toEqual({
        'app.kubernetes.io/name': doc.metadata.name,
        'app.kubernetes.io/part-of': 'platform',
        'app.kubernetes.io/managed-by': 'cdk8s',
      });
    }
  });

  test('every WorkflowTemplate passes the pinned CRD schema v4.1.2', () => {
    for (const doc of docs) expect(crdErrors(doc)).toEqual([]);
  });

  test('the test-only schema check does reject unknown fields and wrong types', () => {
    // GIVEN a template with a misspelled field and a number where a string belongs
    const bad = JSON.parse(JSON.stringify(promote));
    bad.spec.templates[0].stepz = [];
    bad.spec.arguments.parameters[0].value = 3;
    // THEN both are errors
    expect(crdErrors(bad)).toEqual([
      'promote-java-app.spec.arguments.parameters[0].value: expected a string, got 3',
      'promote-java-app.spec.templates[0].stepz: unknown field',
    ]);
  });

  test('the lint finds no problem in the synthesized templates', () => {
    expect(lintWorkflowTemplates(docs)).toEqual([]);
  });

  test('serve-java-app: entrypoint main and string parameters with the documented defaults', () => {
    expect(serve.spec.entrypoint).toBe('main');
    const params = Object.fromEntries(serve.spec.arguments.parameters.map((p: any) => [p.name, p]));
    expect(Object.keys(params)).toEqual([
      'app_name', 'app_type', 'build_tool', 'git_repo', 'git_revision', 'artifact_url', 'artifact_sha256', 'image', 'tag', 'overwrite_tag', 'environment',
    ]);
    expect(params.app_type.value).toBe('springboot');
    expect(params.app_type.enum).toEqual(['springboot', 'spring']);
    expect(params.build_tool.value).toBe('maven');
    expect(params.git_revision.value).toBe('main');
    expect(params.artifact_url.value).toBe('');
    expect(params.artifact_sha256.value).toBe('');
    expect(params.overwrite_tag).toMatchObject({ value: 'false', enum: ['false', 'true'] });
    for (const p of Object.values<any>(params)) {
      for (const field of ['value', 'default']) {
        if (field in p) expect(typeof p[field]).toBe('string');
      }
      expect(typeof p.description).toBe('string');
    }
    // Required at submit time: no value.
    for (const name of ['app_name', 'image', 'tag', 'environment']) expect(params[name].value).toBeUndefined();
  });

  test('serve-java-app: check the parameters, build or fetch, then build-image, then deploy-app through templateRef with the digest', () => {
    const main = template(serve, 'main');
    expect(main.steps.map((g: any[]) => g.map((s) => s.name))).toEqual([
      ['check-parameters'], ['clone-source'], ['build-maven', 'build-gradle', 'fetch-artifact'], ['build-image'], ['deploy-app'],
    ]);
    // Every workflow parameter goes through the check first.
    const [check] = main.steps[0];
    expect(check.arguments.parameters.map((p: any) => p.name)).toEqual(serve.spec.arguments.parameters.map((p: any) => p.name));
    expect(check.when).toBeUndefined();
    // when: compares the fixed word the check wrote, never a parameter.
    const [clone] = main.steps[1];
    const [maven, gradle, fetch] = main.steps[2];
    expect(clone.when).toBe('{{steps.check-parameters.outputs.parameters.build}} != artifact');
    expect(maven.when).toBe('{{steps.check-parameters.outputs.parameters.build}} == maven');
    expect(gradle.when).toBe('{{steps.check-parameters.outputs.parameters.build}} == gradle');
    expect(fetch.when).toBe('{{steps.check-parameters.outputs.parameters.build}} == artifact');
    expect(template(serve, 'check-parameters').outputs.parameters).toEqual([{ name: 'build', valueFrom: { path: '/tmp/build' } }]);

    const [deployStep] = main.steps[4];
    expect(deployStep.templateRef).toEqual({ name: 'deploy-app', template: 'deploy-java-app' });
    expect(deployStep.template).toBeUndefined();
    expect(deployStep.arguments.parameters).toEqual([
      { name: 'app_name', value: '{{workflow.parameters.app_name}}' },
      { name: 'environment', value: '{{workflow.parameters.environment}}' },
      { name: 'image', value: '{{steps.build-image.outputs.parameters.image_ref}}' },
    ]);
  });

  test('serve-java-app: Maven and Gradle builds mount the cache of their own app and the workspace', () => {
    expect(serve.spec.volumes).toBeUndefined();
    expect(serve.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'workspace' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
    }]);
    for (const [name, image] of [['build-maven', /^maven:3\.9\.9-eclipse-temurin-21@sha256:[a-f0-9]{64}$/], ['build-gradle', /^gradle:[\d.]+-jdk21@sha256:[a-f0-9]{64}$/]] as const) {
      const t = template(serve, name);
      expect(t.volumes).toContainEqual({ name: 'build-cache', persistentVolumeClaim: { claimName: 'java-build-cache-{{inputs.parameters.app_name}}' } });
      expect(t.inputs.parameters.map((p: any) => p.name)).toEqual(['app_name', 'app_type']);
      const s = t.script;
      expect(s.image).toMatch(image);
      expect(s.volumeMounts).toEqual(expect.arrayContaining([
        { name: 'workspace', mountPath: '/workspace' }, { name: 'build-cache', mountPath: '/cache' },
      ]));
      expect(env(s).BUILD_TOOL).toBe(name.replace('build-', ''));
    }
  });

  test('serve-java-app: build-image uses rootless BuildKit, never privileged, with the registry Secret as docker config', () => {
    const t = template(serve, 'build-image');
    expect(t.script.image).toMatch(/^moby\/buildkit:v\d+\.\d+\.\d+-rootless@sha256:[a-f0-9]{64}$/);
    expect(t.script.securityContext.privileged).toBe(false);
    expect(t.script.securityContext.allowPrivilegeEscalation).not.toBe(true);
    expect(t.script.securityContext.runAsNonRoot).toBe(true);
    expect(t.script.securityContext.runAsUser).toBe(1000);
    expect(t.script.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['SETUID', 'SETGID'] });
    expect(env(t.script).BUILDKITD_FLAGS).toBe('--oci-worker-no-process-sandbox');
    expect(env(t.script).DOCKER_CONFIG).toBe('/home/user/.docker');
    expect(t.volumes).toContainEqual({
      name: 'registry-credentials',
      secret: { secretName: 'registry-credentials', items: [{ key: '.dockerconfigjson', path: 'config.json' }] },
    });
    expect(t.script.volumeMounts).toContainEqual({ name: 'registry-credentials', mountPath: '/home/user/.docker', readOnly: true });
    expect(t.outputs.parameters).toEqual([
      { name: 'digest', valueFrom: { path: '/mnt/out/digest' } },
      { name: 'image_ref', valueFrom: { path: '/mnt/out/image_ref' } },
    ]);
    // No artifact repository is needed: the build log goes to the pod's log.
    expect(t.outputs.artifacts).toBeUndefined();
    for (const doc of docs) expect([doc.metadata.name, JSON.stringify(doc).includes('"artifacts"')]).toEqual([doc.metadata.name, false]);
    // Kubernetes before 1.30 reads AppArmor from the pod annotation only.
    expect(t.metadata).toEqual({ annotations: { 'container.apparmor.security.beta.kubernetes.io/main': 'unconfined' } });
    expect(template(deploy, 'update-gitops').metadata).toBeUndefined();
  });

  test('deploy-app: update-gitops then wait-for-rollout; the write credential only in the container that pushes', () => {
    expect(deploy.spec.entrypoint).toBe('deploy-java-app');
    const main = template(deploy, 'deploy-java-app');
    expect(main.inputs.parameters.map((p: any) => p.name)).toEqual(['app_name', 'environment', 'image', 'namespace']);
    expect(main.steps.map((g: any[]) => g.map((s) => s.name))).toEqual([['update-gitops'], ['wait-for-rollout']]);
    const update = template(deploy, 'update-gitops');
    const e = env(update.script);
    // Three containers over one volume: the checkout (read-only token), the render (node, npm and
    // git; no token), then the push (git; the write token).
    const [checkout, render] = update.initContainers;
    expect([checkout.name, render.name]).toEqual(['checkout', 'render']);
    expect(render.image).toBe('node:22.12.0-bookworm');
    expect(update.script.image).toMatch(/^alpine\/git:v2\.47\.2@sha256:[0-9a-f]{64}$/);
    expect(update.volumes).toContainEqual({ name: 'work', emptyDir: { sizeLimit: '2Gi' } });
    expect(update.script.volumeMounts).toContainEqual({ name: 'work', mountPath: '/work', readOnly: true });
    expect(e.GITOPS_REPO).toBe(GITOPS_REPO);
    expect(e.GITOPS_BRANCH).toBe('main');
    expect(e.GIT_USERNAME).toEqual({ secretKeyRef: { name: 'gitops-credentials', key: 'username', optional: false } });
    expect(e.GIT_PASSWORD).toEqual({ secretKeyRef: { name: 'gitops-credentials', key: 'password', optional: false } });
    expect(env(checkout).GIT_PASSWORD).toEqual({ secretKeyRef: { name: 'gitops-read-credentials', key: 'password', optional: true } });
    const { command: _script, ...renderSpec } = render;
    expect(JSON.stringify(renderSpec)).not.toMatch(/secret|GIT_PASSWORD|GIT_USERNAME/i);
    expect(Object.keys(env(render))).not.toContain('GIT_PASSWORD');
    expect(update.outputs.parameters).toEqual([
      { name: 'commit', valueFrom: { path: '/tmp/commit' } }, { name: 'image', valueFrom: { path: '/tmp/image' } },
    ]);
    // The wait step checks the image of the pushed commit.
    expect(main.steps[1][0].arguments.parameters).toContainEqual({ name: 'image', value: '{{steps.update-gitops.outputs.parameters.image}}' });
    const wait = template(deploy, 'wait-for-rollout');
    expect(env(wait.script).TIMEOUT_SECONDS).toBe('900');
  });

  test('deploy-app: the wait step knows the namespace of every environment of the app', () => {
    // GIVEN a platform with two environments in namespaces of their own, and the pipeline beside them
    const app = Testing.app();
    new Environment(app, 'dev', { namespace: 'shop-dev' });
    new Environment(app, 'prod', { namespace: 'shop-prod' });
    new PipelineTemplate(new Chart(app, 'ci'), 'pipeline', { gitopsRepo: GITOPS_REPO });
    // WHEN synthesized THEN the wait step maps each environment to its namespace
    const docs = app.charts.flatMap((c) => Testing.synth(c));
    expect(env(template(byName(docs, 'deploy-app'), 'wait-for-rollout').script).ENVIRONMENT_NAMESPACES).toBe('dev=shop-dev prod=shop-prod');
    expect(env(template(deploy, 'wait-for-rollout').script).ENVIRONMENT_NAMESPACES).toBe('');
  });

  test('deploy-app: without waitForSync there is no wait step', () => {
    // GIVEN waitForSync false / WHEN synthesized
    const d = byName(synth({ waitForSync: false }), 'deploy-app');
    // THEN
    expect(template(d, 'deploy-java-app').steps.map((g: any[]) => g.map((s) => s.name))).toEqual([['update-gitops']]);
    expect(d.spec.templates.map((t: any) => t.name)).toEqual(['deploy-java-app', 'update-gitops']);
  });

  test('promote-java-app runs kubectl argo rollouts promote with app_name and namespace, never spliced into its arguments', () => {
    expect(promote.spec.arguments.parameters.map((p: any) => p.name)).toEqual(['app_name', 'namespace']);
    expect(promote.spec.entrypoint).toBe('promote');
    expect(template(promote, 'rollouts-promote').container.command).toEqual(['kubectl-argo-rollouts']);
    // The parameters reach the command as environment variables Kubernetes puts in place of $(VAR),
    // each one whole argument: the namespace a flag's value, the name after `--`.
    const rollouts = template(promote, 'rollouts-promote').container;
    expect(rollouts.args).toEqual(['promote', '--namespace=$(NAMESPACE)', '--', '$(APP_NAME)']);
    expect(rollouts.env).toEqual([{ name: 'HOME', value: '/tmp' }, { name: 'APP_NAME', value: '{{inputs.parameters.app_name}}' }, { name: 'NAMESPACE', value: '{{inputs.parameters.namespace}}' }]);
  });

  test('abort-java-app aborts the Rollout, then commits the previous image through deploy-app: no undo fights Git', () => {
    expect(abort.spec.arguments.parameters.map((p: any) => p.name)).toEqual(['app_name', 'environment', 'namespace']);
    expect(abort.spec.entrypoint).toBe('abort');
    const main = template(abort, 'abort');
    expect(main.steps.map((g: any[]) => g.map((s) => s.name))).toEqual([['abort-rollout'], ['previous-image'], ['rollback']]);
    const rollback = main.steps[2][0];
    // The same rendered commit and wait as a deploy.
    expect(rollback.templateRef).toEqual({ name: 'deploy-app', template: 'deploy-java-app' });
    expect(rollback.arguments.parameters).toContainEqual({ name: 'image', value: '{{steps.previous-image.outputs.parameters.image}}' });
    expect(JSON.stringify(abort)).not.toContain('undo');
    const previous = template(abort, 'previous-image');
    expect(previous.outputs.parameters).toEqual([{ name: 'image', valueFrom: { path: '/tmp/image' } }]);
    // It only reads: the read-only token, optional (a public repository needs none).
    expect(env(previous.script).GIT_PASSWORD).toEqual({ secretKeyRef: { name: 'gitops-read-credentials', key: 'password', optional: true } });
    expect(template(abort, 'abort-rollout').script.image).toMatch(/^alpine\/k8s:1\.31\.4@sha256:[0-9a-f]{64}$/);
    // The whole set (both WorkflowTemplates) passes the lint: the templateRef and its arguments resolve.
    expect(lintWorkflowTemplates([deploy, abort])).toEqual([]);
  });

  test('every WorkflowTemplate has a deadline, podGC, a TTL and the service account', () => {
    for (const doc of docs) {
      expect(doc.spec.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(doc.spec.podGC).toEqual({ strategy: 'OnPodSuccess' });
      expect(doc.spec.ttlStrategy).toEqual({ secondsAfterSuccess: 3600, secondsAfterFailure: 604800 });
      // No token by default; Argo's executor containers get the executor's alone.
      expect(doc.spec.serviceAccountName).toBeUndefined();
      expect(doc.spec.automountServiceAccountToken).toBe(false);
      expect(doc.spec.executor).toEqual({ serviceAccountName: 'pipeline-executor' });
      expect(doc.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    }
  });

  test('every pod template has a deadline, requests and limits, a token only where it calls the API, and a pinned image', () => {
    const identities: Record<string, string> = {
      'deploy-app/wait-for-rollout': 'pipeline-wait',
      'promote-java-app/rollouts-promote': 'pipeline-promote',
      'abort-java-app/abort-rollout': 'pipeline-abort',
      'promote-release/check-source': 'pipeline-wait',
      'promote-release/wait-for-rollout': 'pipeline-wait',
    };
    for (const { where, t } of podTemplates(docs)) {
      const c = t.container ?? t.script;
      expect([where, t.activeDeadlineSeconds > 0]).toEqual([where, true]);
      expect([where, t.serviceAccountName]).toEqual([where, identities[where]]);
      expect([where, t.automountServiceAccountToken]).toEqual([where, identities[where] ? true : undefined]);
      for (const kind of ['requests', 'limits']) {
        expect([where, Object.keys(c.resources[kind]).sort()]).toEqual([where, ['cpu', 'memory']]);
      }
      expect([where, unpinnedImage(c.image)]).toEqual([where, undefined]);
    }
    // Base images of generated Dockerfiles are pinned too.
    const e = env(template(serve, 'build-image').script);
    expect(e.JAR_BASE_IMAGE).toMatch(/@sha256:[a-f0-9]{64}$/);
    expect(e.WAR_BASE_IMAGE).toMatch(/@sha256:[a-f0-9]{64}$/);
    // Every step image is pinned by digest, except the one the exemption annotation names.
    for (const { where, t } of podTemplates(docs)) {
      const image = (t.container ?? t.script).image;
      if (!/@sha256:[a-f0-9]{64}$/.test(image)) {
        const doc = docs.find((d) => d.metadata.name === where.split('/')[0]);
        expect([where, doc.metadata.annotations['exempt.policy.platform/image-digest']]).toEqual([where, expect.stringMatching(new RegExp(`^${image.replace(/[.]/g, '\\.')}: .+`))]);
      }
    }
  });

  test('network steps retry; the Git steps only on the transient exit status 75; the others only when the pod could not run', () => {
    const policy = (doc: any, name: string) => template(doc, name).retryStrategy?.retryPolicy;
    const expression = (doc: any, name: string) => template(doc, name).retryStrategy?.expression;
    for (const name of ['clone-source', 'fetch-artifact', 'build-image', 'build-maven', 'build-gradle']) expect(policy(serve, name)).toBe('Always');
    // What does not heal (exit 2: a refused parameter, a wrong checksum, an existing tag) is not retried.
    for (const name of ['clone-source', 'fetch-artifact', 'build-image']) {
      expect(template(serve, name).retryStrategy.expression).toBe('asInt(lastRetry.exitCode) != 2');
    }
    // A usage error (2), a missing app or a gate refusal (3) cannot heal: not retried.
    // An abort through Argo CD that did not get through exits 75: retried like the Git steps.
    for (const [doc, name] of [[deploy, 'update-gitops'], [abort, 'previous-image'], [abort, 'abort-rollout']]) {
      expect(policy(doc, name)).toBe('Always');
      expect(expression(doc, name)).toBe('lastRetry.status == "Error" || asInt(lastRetry.exitCode) == 75');
    }
    for (const [doc, name] of [[deploy, 'wait-for-rollout'], [promote, 'rollouts-promote']]) {
      expect(expression(doc, name)).toBe('lastRetry.status == "Error"');
    }
    for (const { where, t } of podTemplates(docs)) expect([where, t.retryStrategy.limit > 0]).toEqual([where, true]);
  });

  test('containers are non-root, without privilege escalation, with ALL capabilities dropped and RuntimeDefault seccomp (BuildKit aside)', () => {
    for (const { where, c } of containers(docs)) {
      const sc = c.securityContext;
      expect([where, sc.privileged]).toEqual([where, false]);
      expect([where, sc.runAsNonRoot]).toEqual([where, true]);
      expect([where, sc.capabilities.drop]).toEqual([where, ['ALL']]);
      if (where === 'serve-java-app/build-image') {
        // Rootless BuildKit needs its user namespace: see BUILDKIT_SECURITY in pipeline-steps.ts.
        expect(sc.seccompProfile).toEqual({ type: 'Unconfined' });
        expect(sc.appArmorProfile).toEqual({ type: 'Unconfined' });
        expect(sc.allowPrivilegeEscalation).toBeUndefined();
      } else {
        expect([where, sc]).toEqual([where, {
          runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, privileged: false, allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
        }]);
      }
    }
  });

  test('credentials appear only as Secret references, never as values', () => {
    for (const { where, c } of containers(docs)) {
      for (const e of c.env ?? []) {
        if (/PASSWORD|TOKEN|SECRET|USERNAME|CREDENTIAL/.test(e.name)) {
          expect([where, e.name, e.value, Object.keys(e.valueFrom ?? {})]).toEqual([where, e.name, undefined, ['secretKeyRef']]);
        }
      }
    }
    const json = JSON.stringify(docs);
    expect(json).not.toMatch(/https?:\/\/[^/"]+:[^/"]+@/);
    expect(json).not.toContain('dockerconfigjson":');
  });

  test('embedded scripts are the files of lib/pipeline/scripts', () => {
    const source = (doc: any, name: string) => template(doc, name).script.source;
    const read = (name: string) => fs.readFileSync(path.join(PIPELINE_DIR, name), 'utf8');
    const include = '# shellcheck source=include/gitops-repo.sh\n. "$(dirname -- "$0")/include/gitops-repo.sh" # include\n';
    // A step runs one script: the file it includes from beside it stands in place of that line.
    const file = (name: string) => read(name).replace(/^# shellcheck source=include\/([a-z-]+\.sh)\n\. "\$\(dirname -- "\$0"\)\/include\/\1" # include\n/gm,
      (_line, included: string) => read(`include/${included}`));
    for (const name of ['checkout-gitops.sh', 'push-release.sh', 'previous-image.sh', 'promote-release.sh']) expect([name, read(name).includes(include)]).toEqual([name, true]);
    expect(source(deploy, 'update-gitops')).not.toContain('/include/gitops-repo.sh" # include');
    expect(source(deploy, 'update-gitops')).toContain('credential.helper=$HELPER');
    expect(source(deploy, 'update-gitops')).toBe(file('push-release.sh'));
    // The init containers run their script as `sh -c <script> <name>`.
    const [checkout, render] = template(deploy, 'update-gitops').initContainers;
    expect(checkout.command).toEqual(['sh', '-c', file('checkout-gitops.sh'), 'checkout-gitops.sh']);
    expect(render.command).toEqual(['sh', '-c', file('render-release.sh'), 'render-release.sh']);
    expect(source(deploy, 'wait-for-rollout')).toBe(file('wait-rollout.sh'));
    expect(source(serve, 'check-parameters')).toBe(file('check-parameters.sh'));
    expect(source(abort, 'abort-rollout')).toBe(file('abort-rollout.sh'));
    expect(source(abort, 'previous-image')).toBe(file('previous-image.sh'));
    expect(source(serve, 'clone-source')).toBe(file('clone-source.sh'));
    expect(source(serve, 'build-maven')).toBe(file('build-jar.sh'));
    expect(source(serve, 'fetch-artifact')).toBe(file('fetch-artifact.sh'));
    expect(source(serve, 'build-image')).toBe(file('build-image.sh'));
    // Argo would substitute {{...}} inside a script: the scripts must not contain any.
    for (const f of [...fs.readdirSync(PIPELINE_DIR).filter((x) => x.endsWith('.sh')), ...fs.readdirSync(path.join(PIPELINE_DIR, 'include')).map((x) => `include/${x}`)]) expect([f, read(f).includes('{{')]).toEqual([f, false]);
  });

  test('BuildCache.none(): an emptyDir per build, no claim', () => {
    const t = template(byName(synth({ buildCache: BuildCache.none('3Gi') }), 'serve-java-app'), 'build-maven');
    expect(t.volumes).toContainEqual({ name: 'build-cache', emptyDir: { sizeLimit: '3Gi' } });
    expect(JSON.stringify(t)).not.toContain('persistentVolumeClaim');
  });

  test('props override the namespace, Secrets, service account, build tool, branch and images', () => {
    // GIVEN overrides
    const d = synth({
      namespace: 'builds',
      gitopsBranch: 'release',
      gitCredentialsSecret: 'gh-bot',
      registryCredentialsSecret: 'ghcr-push',
      serviceAccountPrefix: 'builder',
      buildTool: BuildTool.GRADLE,
      buildCache: BuildCache.perApp({ claimPrefix: 'gradle-cache' }),
      workspaceSize: '5Gi',
      workspaceStorageClass: 'fast',
      partOf: 'shop',
      images: { buildkit: `moby/buildkit:v0.22.0-rootless@${DIGEST}` },
    });
    // THEN
    const s = byName(d, 'serve-java-app');
    const dep = byName(d, 'deploy-app');
    for (const doc of d) {
      expect(doc.metadata.namespace).toBe('builds');
      expect(doc.metadata.labels['app.kubernetes.io/part-of']).toBe('shop');
      expect(doc.spec.executor.serviceAccountName).toBe('builder-executor');
    }
    expect(s.spec.arguments.parameters.find((p: any) => p.name === 'build_tool').value).toBe('gradle');
    expect(template(s, 'build-image').script.image).toBe(`moby/buildkit:v0.22.0-rootless@${DIGEST}`);
    expect(template(s, 'build-image').volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'ghcr-push' }) }));
    expect(template(s, 'build-gradle').volumes).toContainEqual({ name: 'build-cache', persistentVolumeClaim: { claimName: 'gradle-cache-{{inputs.parameters.app_name}}' } });
    expect(template(s, 'build-image').serviceAccountName).toBeUndefined();
    expect(s.spec).toMatchObject({ automountServiceAccountToken: false, executor: { serviceAccountName: 'builder-executor' } });
    expect(s.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } });
    const e = env(template(dep, 'update-gitops').script);
    expect(e.GITOPS_BRANCH).toBe('release');
    expect(e.GIT_PASSWORD.secretKeyRef.name).toBe('gh-bot');
    expect(template(dep, 'wait-for-rollout').serviceAccountName).toBe('builder-wait');
    expect(lintWorkflowTemplates(d)).toEqual([]);
  });

  test.each([
    [{ images: { maven: 'maven:latest' } }, /images.maven "maven:latest" uses the tag latest/],
    [{ images: { git: 'alpine/git' } }, /images.git "alpine\/git" has no tag/],
    [{ images: { maven: 'maven:3.9.9-eclipse-temurin-21' } }, /images.maven "maven:3.9.9-eclipse-temurin-21" is not pinned by digest: give repository:tag@sha256:<digest>/],
    [{ images: { jarBase: 'eclipse-temurin:21-jre' } }, /images.jarBase "eclipse-temurin:21-jre" is not pinned by digest/],
    [{ sourceCredentialsSecret: 'gitops-credentials' }, /sourceCredentialsSecret must not be the GitOps write Secret "gitops-credentials"/],
    [{ sourceRepoHost: 'https://github.com' }, /sourceRepoHost must be a host name or host:port/],
    [{ sourceRepoHost: 'bot@github.com' }, /sourceRepoHost must be a host name or host:port/],
    [{ imageRepository: 'ghcr.io/acme/orders' }, /imageRepository must be registry\/path with exactly one \{app\} path segment/],
    [{ imageRepository: 'ghcr.io/acme/{app}:1.0' }, /imageRepository must be registry\/path/],
    [{ imageRepository: '{app}' }, /imageRepository must be registry\/path/],
    [{ buildCache: BuildCache.perApp({ claimPrefix: 'Cache' }) }, /buildCache claimPrefix must be lowercase letters/],
    [{ buildCache: BuildCache.perApp({ size: 'lots' }) }, /buildCache size must be a Kubernetes quantity/],
    [{ buildCache: BuildCache.none('lots') }, /buildCache size must be a Kubernetes quantity/],
    [{ gitopsRepo: '' }, /gitopsRepo must be the URL/],
    [{ gitopsRepo: 'https://bot:s3cret@github.com/acme/gitops.git' }, /gitopsRepo must not contain credentials/],
    [{ namespace: 'Argo' }, /namespace must be a DNS-1123 label/],
    [{ registryCredentialsSecret: 'Registry_Creds' }, /registryCredentialsSecret must be a DNS-1123 subdomain/],
    [{ workspaceSize: 'big' }, /workspaceSize must be a Kubernetes quantity/],
  ])('refuses wrong props %j', (props, message) => {
    expect(() => synth(props as Partial<PipelineTemplateProps>)).toThrow(message);
  });

  const WAIT_RANGE = 'waitTimeout must be a whole number of seconds of at least 1s';
  test.each([
    ['Duration.seconds(0)', Duration.seconds(0), `${WAIT_RANGE}, got 0s`],
    ['Duration.millis(90500)', Duration.millis(90500), `${WAIT_RANGE}, got 90500ms`],
  ])('refuses waitTimeout: %s', (_label, waitTimeout, message) => {
    expect(() => synth({ waitTimeout })).toThrow(new PropError('PipelineTemplate', 'pipeline', message));
  });

  test.each([
    // The bounds are accepted; the deploy's deadline leaves 30 minutes for the rendered commit.
    ['Duration.seconds(1)', 1, Duration.seconds(1)],
    ['Duration.hours(48) (no maximum of ours)', 172800, Duration.hours(48)],
    ['Duration.seconds(90)', 90, Duration.seconds(90)],
  ])('accepts waitTimeout: %s, the wait step waits %d seconds', (_label, seconds, waitTimeout) => {
    const deploy = byName(synth({ waitTimeout }), 'deploy-app');
    const wait = template(deploy, 'wait-for-rollout');
    expect(env(wait.script).TIMEOUT_SECONDS).toBe(String(seconds));
    expect(wait.activeDeadlineSeconds).toBe(seconds + 120);
    expect(deploy.spec.activeDeadlineSeconds).toBe(seconds + 1800);
  });

  test('waitTimeoutSeconds, the number it replaced, is refused with the new name', () => {
    expect(() => synth({ waitTimeoutSeconds: 900 } as Partial<PipelineTemplateProps>))
      .toThrow(new PropError('PipelineTemplate', 'pipeline', 'unknown prop `waitTimeoutSeconds`: did you mean `waitTimeout`?'));
  });
});

// ---------------------------------------------------------------------------------------------

describe('PipelineTemplate: identities and namespace on a stock cluster', () => {
  /** A platform with two environments, the pipeline and Argo CD, synthesized by chart. */
  function platform(props: Partial<PipelineTemplateProps> = {}): { all: any[]; byChart: Record<string, any[]> } {
    const app = Testing.app();
    new Environment(app, 'dev', { namespace: 'shop-dev' });
    new Environment(app, 'prod', { namespace: 'shop-prod' });
    new PipelineTemplate(new Chart(app, 'ci'), 'pipeline', { gitopsRepo: GITOPS_REPO, ...props });
    new ArgoCdBootstrap(app, 'argocd', { repoUrl: GITOPS_REPO });
    const byChart = Object.fromEntries(app.charts.map((c) => [c.node.id, Testing.synth(c)]));
    return { all: Object.values(byChart).flat(), byChart };
  }
  let all: any[];
  let byChart: Record<string, any[]>;
  // Built in a hook, not while the suite loads: a build that throws fails the tests.
  beforeAll(() => ({ all, byChart } = platform()));
  const find = (kind: string, name: string, namespace?: string) => all.filter((d) => d.kind === kind && d.metadata.name === name && (namespace === undefined || d.metadata.namespace === namespace));

  test('the pipeline namespace is generated "privileged" with the reason; the environments keep "restricted"', () => {
    const [ns] = find('Namespace', 'ci');
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/audit': 'restricted' });
    expect(ns.metadata.annotations['platform/pod-security-reason']).toContain('Rootless BuildKit');
    for (const env of ['shop-dev', 'shop-prod']) {
      expect(find('Namespace', env)[0].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    }
    // Without createNamespace, the namespace is left to whoever created it.
    expect(platform({ createNamespace: false }).all.filter((d) => d.kind === 'Namespace').map((d) => d.metadata.name).sort()).toEqual(['shop-dev', 'shop-prod']);
  });

  test('one ServiceAccount per role; only the executor may report results, with its token Secret', () => {
    expect(all.filter((d) => d.kind === 'ServiceAccount').map((d) => `${d.metadata.namespace}/${d.metadata.name}`).sort()).toEqual([
      'ci/pipeline-abort', 'ci/pipeline-executor', 'ci/pipeline-promote', 'ci/pipeline-wait',
    ]);
    expect(find('ServiceAccount', 'pipeline-executor')[0].automountServiceAccountToken).toBe(false);
    expect(find('Role', 'pipeline-executor', 'ci')[0].rules).toEqual([{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }]);
    expect(find('RoleBinding', 'pipeline-executor', 'ci')[0].subjects).toEqual([{ kind: 'ServiceAccount', name: 'pipeline-executor', namespace: 'ci' }]);
    const [secret] = find('Secret', 'pipeline-executor.service-account-token');
    expect(secret).toMatchObject({ type: 'kubernetes.io/service-account-token', metadata: { annotations: { 'kubernetes.io/service-account.name': 'pipeline-executor' } } });
    expect(secret.data).toBeUndefined();
  });

  test('wait, promote and abort get Roles in each Environment\'s namespace, written to its folder; nothing cluster-wide', () => {
    for (const [env, ns] of [['dev', 'shop-dev'], ['prod', 'shop-prod']]) {
      const roles = byChart[env].filter((d) => d.kind === 'Role');
      expect(roles.map((r) => r.metadata.name).sort()).toEqual(['pipeline-abort', 'pipeline-promote', 'pipeline-wait']);
      const rules = Object.fromEntries(roles.map((r) => [r.metadata.name, r.rules.flatMap((x: any) => x.resources.map((res: string) => `${res}:${x.verbs.join(',')}`))]));
      expect(rules).toEqual({
        'pipeline-wait': ['rollouts:get', 'deployments:get'],
        'pipeline-promote': ['rollouts:get,patch', 'rollouts/status:patch'],
        'pipeline-abort': ['rollouts/status:patch'],
      });
      for (const b of byChart[env].filter((d) => d.kind === 'RoleBinding')) {
        expect(b.metadata.namespace).toBe(ns);
        expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: b.metadata.name });
        expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: b.metadata.name, namespace: 'ci' }]);
      }
    }
    expect(all.filter((d) => /^Cluster/.test(d.kind))).toEqual([]);
  });

  test('each folder\'s AppProject allows the new kinds, derived from what is synthesized', () => {
    const kinds = (list: any[]) => list.map((k: any) => `${k.group}/${k.kind}${k.name ? `/${k.name}` : ''}`);
    const [ci] = find('AppProject', 'platform-ci');
    expect(kinds(ci.spec.namespaceResourceWhitelist)).toEqual(expect.arrayContaining([
      '/Secret', '/ServiceAccount', 'rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/RoleBinding', 'argoproj.io/WorkflowTemplate',
    ]));
    expect(kinds(ci.spec.clusterResourceWhitelist)).toEqual(['/Namespace/ci']);
    expect(ci.spec.destinations.map((d: any) => d.namespace)).toEqual(['ci']);
    for (const env of ['dev', 'prod']) {
      const [project] = find('AppProject', `platform-${env}`);
      expect(kinds(project.spec.namespaceResourceWhitelist)).toEqual(expect.arrayContaining([
        'rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/RoleBinding',
      ]));
      expect(project.spec.destinations.map((d: any) => d.namespace)).toEqual([`shop-${env}`]);
    }
  });

  test('`kubectl kustomize` of the committed dist/ci and dist/dev renders the identities', () => {
    const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (kubectl.status !== 0) {
      console.warn('kubectl is not installed: skipped kubectl kustomize of dist/ci');
      return;
    }
    const render = (folder: string) => {
      const r = spawnSync('kubectl', ['kustomize', path.join(__dirname, '..', '..', 'dist', folder)], { encoding: 'utf8' });
      expect([r.status, r.stderr]).toEqual([0, '']);
      return YAML.parseAllDocuments(r.stdout).map((d) => d.toJSON()).map((d: any) => `${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`);
    };
    expect(render('ci')).toEqual(expect.arrayContaining([
      'Namespace//ci', 'ServiceAccount/ci/pipeline-executor', 'ServiceAccount/ci/pipeline-wait', 'ServiceAccount/ci/pipeline-promote',
      'ServiceAccount/ci/pipeline-abort', 'Role/ci/pipeline-executor', 'RoleBinding/ci/pipeline-executor', 'Secret/ci/pipeline-executor.service-account-token',
    ]));
    expect(render('dev')).toEqual(expect.arrayContaining([
      'Role/shop-dev/pipeline-wait', 'Role/shop-dev/pipeline-promote', 'Role/shop-dev/pipeline-abort',
      'RoleBinding/shop-dev/pipeline-wait', 'RoleBinding/shop-dev/pipeline-promote', 'RoleBinding/shop-dev/pipeline-abort',
    ]));
  });

  test('an Environment created after the pipeline fails the synth: its namespace would have no Roles', () => {
    const app = Testing.app();
    new PipelineTemplate(new Chart(app, 'ci'), 'pipeline', { gitopsRepo: GITOPS_REPO });
    new Environment(app, 'dev', { namespace: 'shop-dev' });
    expect(() => app.synth()).toThrow(/Environment "dev" was created after the pipeline/);
  });
});

describe('lintWorkflowTemplates on the synthesized pipeline', () => {
  test('the synthesized pipeline splices no parameter into a when:', () => {
    const serve = byName(synth(), 'serve-java-app');
    const whens = template(serve, 'main').steps.flat().map((step: any) => step.when).filter(Boolean);
    expect(whens.length).toBe(4);
    for (const when of whens) expect(when).toMatch(/^\{\{steps\.check-parameters\.outputs\.parameters\.build\}\} (==|!=) (maven|gradle|artifact)$/);
  });

  test('finds a broken reference in the synthesized pipeline, with the template and step', () => {
    // GIVEN the pipeline with the deploy step pointing at an output build-image does not declare
    const docs = JSON.parse(JSON.stringify(synth()));
    const serve = byName(docs, 'serve-java-app');
    template(serve, 'main').steps[4][0].arguments.parameters[2].value = '{{steps.build-image.outputs.parameters.image}}';
    // THEN
    expect(lintWorkflowTemplates(docs)).toEqual([{
      object: 'WorkflowTemplate serve-java-app',
      path: 'spec.templates[0].steps[4][0].arguments.parameters[2].value',
      message: 'template "main", step "deploy-app": {{steps.build-image.outputs.parameters.image}} refers to output parameter "image" of step "build-image", but template "build-image" does not declare it (outputs: "digest", "image_ref"): add it to its outputs.parameters or fix the name',
    }]);
  });
});

describe('the workspace claim as the workflow controller creates it (lib/validate/controller-objects.ts)', () => {
  const gate = (docs: any[]) => validateManifests(docs.map((doc) => ({ file: 'ci/pipeline.yaml', doc })), { policy: false });

  test('the committed pipeline\'s volumeClaimTemplates become a claim the API server accepts', () => {
    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(__dirname, '..', '..', 'dist', 'ci', 'pipeline.yaml'), 'utf8')).map((d) => d.toJS());
    const made = [...indexByNamespace(docs.map((doc) => ({ file: 'ci/pipeline.yaml', doc }))).values()].flatMap((ns) => controllerObjects(ns));
    expect(made.map((o) => o.doc.metadata.name)).toEqual(['serve-java-app-xxxxx-workspace']);
    expect(gate(docs)).toEqual([]);
  });

  test('a workspace storage class the API server refuses fails the gate, although only the controller writes the claim', () => {
    const problems = gate(synthAll({ workspaceStorageClass: 'Fast_SSD', buildCache: BuildCache.none() }));
    expect(problems.map((p) => `${p.object} ${p.path}: ${p.message}`)).toEqual([
      'ci/pipeline.yaml WorkflowTemplate serve-java-app spec.volumeClaimTemplates[0].spec.storageClassName: the PersistentVolumeClaim "serve-java-app-xxxxx-workspace" that the workflow controller creates (createPVCs): spec.storageClassName: "Fast_SSD": must be a DNS-1123 subdomain: lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (e.g. "example.com")',
    ]);
  });
});

describe('the pipeline orders environments the same on every machine', () => {
  // Under a Danish locale, "aa" collates as "å", after "z": a locale-aware sort would order a
  // platform's environments, and the promotion templates built from them, by the machine's locale.
  test.each(['C.UTF-8', 'da_DK.UTF-8'])('in code-point order under LC_ALL=%s', (locale) => {
    const root = path.join(__dirname, '..', '..');
    const script = `
      const { App } = require('cdk8s');
      const { Environment } = require('./lib/platform/environment');
      const { platformEnvironments } = require('./lib/pipeline/reach');
      const app = new App();
      for (const name of ['zed', 'aab', 'b-1', 'b']) new Environment(app, name);
      console.log(JSON.stringify([Intl.Collator().resolvedOptions().locale, platformEnvironments(app).map((e) => e.name)]));`;
    const r = spawnSync(process.execPath, ['-r', path.join(root, 'bin', 'ts-register-hook.js'), '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, LC_ALL: locale, LANG: locale } });
    expect(r.stderr).toBe('');
    const [collation, names] = JSON.parse(r.stdout);
    expect(collation).toBe(locale === 'C.UTF-8' ? 'en-US' : 'da-DK');
    expect(names).toEqual(['aab', 'b', 'b-1', 'zed']);
  });
});
