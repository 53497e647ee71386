import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Environment } from '../lib/environment';
import { ArgoCdBootstrap } from '../lib/gitops';
import { BuildCache, BuildTool, PipelineTemplate, PipelineTemplateProps } from '../lib/pipeline-template';
import { unpinnedImage } from '../lib/props';
import { lintWorkflowTemplates, MAX_TEMPLATES } from '../lib/validate/workflow-lint';

const GITOPS_REPO = 'https://github.com/acme/gitops.git';
/** A digest for overridden images in tests (never pulled). */
const DIGEST = `sha256:${'0'.repeat(64)}`;
/** A pinned image for the lint rules' sample templates. */
const PINNED = 'curlimages/curl:8.11.1@sha256:c1fe1679c34d9784c1b0d1e5f62ac0a79fca01fb6377cdd33e90473c6f9f9a69';
const PIPELINE_DIR = path.join(__dirname, '..', 'lib', 'pipeline');

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
    const file = path.join(__dirname, '..', 'crds', 'argo-workflows-v4.1.2', 'argoproj.io_workflowtemplates.yaml');
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
  const docs = synth();
  const serve = byName(docs, 'serve-java-app');
  const deploy = byName(docs, 'deploy-app');
  const promote = byName(docs, 'promote-java-app');
  const abort = byName(docs, 'abort-java-app');

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

  test('deploy-app: update-gitops then wait-for-rollout, with the Git credentials from the Secret', () => {
    expect(deploy.spec.entrypoint).toBe('deploy-java-app');
    const main = template(deploy, 'deploy-java-app');
    expect(main.inputs.parameters.map((p: any) => p.name)).toEqual(['app_name', 'environment', 'image', 'namespace']);
    expect(main.steps.map((g: any[]) => g.map((s) => s.name))).toEqual([['update-gitops'], ['wait-for-rollout']]);
    const update = template(deploy, 'update-gitops');
    const e = env(update.script);
    // The rendered deploy needs node, npm and git: one pinned image with all three.
    expect(update.script.image).toBe('node:22.12.0-bookworm');
    expect(e.WORK_DIR).toBe('/render');
    expect(update.volumes).toContainEqual({ name: 'render', emptyDir: { sizeLimit: '2Gi' } });
    expect(e.GITOPS_REPO).toBe(GITOPS_REPO);
    expect(e.GITOPS_BRANCH).toBe('main');
    expect(e.GIT_USERNAME).toEqual({ secretKeyRef: { name: 'gitops-credentials', key: 'username', optional: false } });
    expect(e.GIT_PASSWORD).toEqual({ secretKeyRef: { name: 'gitops-credentials', key: 'password', optional: false } });
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

  test('promote-java-app runs kubectl argo rollouts promote with app_name and namespace', () => {
    expect(promote.spec.arguments.parameters.map((p: any) => p.name)).toEqual(['app_name', 'namespace']);
    expect(promote.spec.entrypoint).toBe('promote');
    expect(template(promote, 'rollouts-promote').container.command).toEqual(['kubectl-argo-rollouts']);
    expect(template(promote, 'rollouts-promote').container.args).toEqual(['promote', '{{inputs.parameters.app_name}}', '--namespace', '{{inputs.parameters.namespace}}']);
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
    expect(env(previous.script).GIT_PASSWORD).toEqual({ secretKeyRef: { name: 'gitops-credentials', key: 'password', optional: false } });
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
    for (const [doc, name] of [[deploy, 'update-gitops'], [abort, 'previous-image']]) {
      expect(policy(doc, name)).toBe('Always');
      expect(expression(doc, name)).toBe('lastRetry.status == "Error" || asInt(lastRetry.exitCode) == 75');
    }
    for (const [doc, name] of [[deploy, 'wait-for-rollout'], [promote, 'rollouts-promote'], [abort, 'abort-rollout']]) {
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
        // Rootless BuildKit needs its user namespace: see the comment in pipeline-template.ts.
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

  test('embedded scripts are the files of lib/pipeline', () => {
    const source = (doc: any, name: string) => template(doc, name).script.source;
    const file = (name: string) => fs.readFileSync(path.join(PIPELINE_DIR, name), 'utf8');
    expect(source(deploy, 'update-gitops')).toBe(file('update-image.sh'));
    expect(source(deploy, 'wait-for-rollout')).toBe(file('wait-rollout.sh'));
    expect(source(serve, 'check-parameters')).toBe(file('check-parameters.sh'));
    expect(source(abort, 'abort-rollout')).toBe(file('abort-rollout.sh'));
    expect(source(abort, 'previous-image')).toBe(file('previous-image.sh'));
    expect(source(serve, 'clone-source')).toBe(file('clone-source.sh'));
    expect(source(serve, 'build-maven')).toBe(file('build-jar.sh'));
    expect(source(serve, 'fetch-artifact')).toBe(file('fetch-artifact.sh'));
    expect(source(serve, 'build-image')).toBe(file('build-image.sh'));
    // Argo would substitute {{...}} inside a script: the scripts must not contain any.
    for (const f of fs.readdirSync(PIPELINE_DIR)) expect([f, file(f).includes('{{')]).toEqual([f, false]);
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
    [{ waitTimeoutSeconds: 5 }, /waitTimeoutSeconds must be an integer 60-86400/],
    [{ workspaceSize: 'big' }, /workspaceSize must be a Kubernetes quantity/],
  ])('refuses wrong props %j', (props, message) => {
    expect(() => synth(props as Partial<PipelineTemplateProps>)).toThrow(message);
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
  const { all, byChart } = platform();
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
      const r = spawnSync('kubectl', ['kustomize', path.join(__dirname, '..', 'dist', folder)], { encoding: 'utf8' });
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

// ---------------------------------------------------------------------------------------------

/** A minimal valid WorkflowTemplate for the lint rules, changed by each test. */
function wft(name: string, spec: any): any {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name, namespace: 'argo' }, spec };
}

const hello = (name: string, extra: any = {}) => ({
  name,
  container: { image: PINNED, command: ['echo', 'hi'] },
  ...extra,
});

function lint(...docs: any[]): Array<[string, string, string]> {
  return lintWorkflowTemplates(docs).map((p) => [p.object, p.path, p.message]);
}

describe('lintWorkflowTemplates', () => {
  test('a valid workflow has no problem, and other kinds are ignored', () => {
    const doc = wft('ok', {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'who', value: 'world' }] },
      templates: [
        {
          name: 'main',
          steps: [
            [{ name: 'a', template: 'say', arguments: { parameters: [{ name: 'msg', value: '{{workflow.parameters.who}}' }] } }],
            [{ name: 'b', template: 'say', arguments: { parameters: [{ name: 'msg', value: '{{steps.a.outputs.parameters.out}} {{steps.a.outputs.result}}' }] } }],
            [{ name: 'c', template: 'say', withItems: ['x'], arguments: { parameters: [{ name: 'msg', value: '{{item}}' }] } }],
          ],
        },
        {
          name: 'say',
          inputs: { parameters: [{ name: 'msg' }, { name: 'optional', default: '' }] },
          outputs: { parameters: [{ name: 'out', valueFrom: { path: '/tmp/out' } }] },
          script: { image: PINNED, command: ['sh'], source: 'echo "{{inputs.parameters.msg}}" | tee /tmp/out' },
        },
      ],
    });
    expect(lint(doc, { kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual([]);
  });

  test('entrypoint must be a template', () => {
    // GIVEN an entrypoint that names no template
    const doc = wft('w', { entrypoint: 'mian', templates: [hello('main')] });
    // THEN
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.entrypoint', 'entrypoint "mian" is not a template of this WorkflowTemplate: use one of "main"']]);
  });

  test('template names are unique', () => {
    const doc = wft('w', { entrypoint: 'main', templates: [hello('main'), hello('main')] });
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.templates[1].name', 'template name "main" is already used by spec.templates[0]: template names must be unique']]);
  });

  test('a step names an existing template', () => {
    const doc = wft('w', { entrypoint: 'main', templates: [{ name: 'main', steps: [[{ name: 'one', template: 'hello' }]] }, hello('say')] });
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.templates[0].steps[0][0].template',
      'template "main", step "one": calls template "hello", which does not exist in WorkflowTemplate w: use one of "main", "say", or a templateRef to another WorkflowTemplate']]);
  });

  test('a step names exactly one of template, templateRef or inline', () => {
    const doc = wft('w', { templates: [{ name: 'main', steps: [[{ name: 'one', template: 'say', templateRef: { name: 'w', template: 'say' } }]] }, hello('say')] });
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.templates[0].steps[0][0]',
      'template "main", step "one": names template and templateRef; set exactly one of template, templateRef or inline']]);
  });

  test('a templateRef names an existing WorkflowTemplate and template, or a declared external one', () => {
    // GIVEN references to a missing WorkflowTemplate and to a missing template of an existing one
    const caller = wft('caller', {
      entrypoint: 'main',
      templates: [{
        name: 'main',
        steps: [
          [{ name: 'deploy-app', templateRef: { name: 'deploy', template: 'deploy-java-app' } }],
          [{ name: 'other', templateRef: { name: 'lib', template: 'nope' } }],
          [{ name: 'outside', templateRef: { name: 'installed', template: 'notify' } }],
        ],
      }],
    });
    const lib = wft('lib', { templates: [hello('yes')] });
    // WHEN linted with one external template declared
    const problems = lintWorkflowTemplates([caller, lib], { external: [{ name: 'installed', template: 'notify' }] });
    // THEN
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['spec.templates[0].steps[0][0].templateRef',
        'template "main", step "deploy-app": refers to WorkflowTemplate "deploy", which does not exist among the synthesized WorkflowTemplates ("caller", "lib"): fix templateRef.name or declare {name: "deploy", template: "deploy-java-app"} as external'],
      ['spec.templates[0].steps[1][0].templateRef',
        'template "main", step "other": WorkflowTemplate "lib" has no template "nope": use one of "yes"'],
    ]);
    expect(problems[0].object).toBe('WorkflowTemplate caller');
  });

  test('{{inputs.parameters.x}} must be an input of that template', () => {
    const doc = wft('w', { templates: [{ name: 'say', inputs: { parameters: [{ name: 'msg' }] }, container: { image: PINNED, args: ['{{inputs.parameters.message}}'] } }] });
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.templates[0].container.args[0]',
      'template "say": {{inputs.parameters.message}} refers to input parameter "message", which template "say" does not declare (inputs: "msg"): add it to inputs.parameters or fix the name']]);
  });

  test('{{workflow.parameters.x}} must be a workflow argument, also inside expressions', () => {
    const doc = wft('w', {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'app_name' }] },
      templates: [hello('main', { container: { image: PINNED, args: ['{{workflow.parameters.app}}', "{{=workflow.parameters['app-name']}}"] } })],
    });
    expect(lint(doc)).toEqual([
      ['WorkflowTemplate w', 'spec.templates[0].container.args[0]',
        'template "main": {{workflow.parameters.app}} refers to workflow parameter "app", which is not in spec.arguments.parameters ("app_name"): add it there or fix the name'],
      ['WorkflowTemplate w', 'spec.templates[0].container.args[1]',
        'template "main": {{=workflow.parameters[\'app-name\']}} refers to workflow parameter "app-name", which is not in spec.arguments.parameters ("app_name"): add it there or fix the name'],
    ]);
  });

  test('{{steps.s.outputs...}} must name an earlier step and a declared output', () => {
    const say = { name: 'say', inputs: { parameters: [{ name: 'msg' }] }, outputs: { parameters: [{ name: 'out', valueFrom: { path: '/tmp/out' } }] }, container: { image: PINNED } };
    const msg = (value: string) => ({ parameters: [{ name: 'msg', value }] });
    const doc = wft('w', {
      templates: [{
        name: 'main',
        steps: [
          [{ name: 'a', template: 'say', arguments: msg('x') }, { name: 'b', template: 'say', arguments: msg('{{steps.a.outputs.parameters.out}}') }],
          [{ name: 'c', template: 'say', arguments: msg('{{steps.a.outputs.parameters.digest}}') }],
          [{ name: 'd', template: 'say', arguments: msg('{{steps.build.outputs.result}}') }],
        ],
      }, say],
    });
    expect(lint(doc)).toEqual([
      ['WorkflowTemplate w', 'spec.templates[0].steps[0][1].arguments.parameters[0].value',
        'template "main", step "b": {{steps.a.outputs.parameters.out}} refers to step "a", which has not run yet at this point: only steps of earlier groups can be referenced (a step of the same group runs in parallel): move it to a later group'],
      ['WorkflowTemplate w', 'spec.templates[0].steps[1][0].arguments.parameters[0].value',
        'template "main", step "c": {{steps.a.outputs.parameters.digest}} refers to output parameter "digest" of step "a", but template "say" does not declare it (outputs: "out"): add it to its outputs.parameters or fix the name'],
      ['WorkflowTemplate w', 'spec.templates[0].steps[2][0].arguments.parameters[0].value',
        'template "main", step "d": {{steps.build.outputs.result}} refers to step "build", which does not exist in template "main": use one of "a", "b", "c", "d"'],
    ]);
  });

  test('{{steps...}} outside a steps template is a problem', () => {
    const doc = wft('w', { templates: [hello('main', { container: { image: PINNED, args: ['{{steps.a.outputs.result}}'] } })] });
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.templates[0].container.args[0]',
      'template "main": {{steps.a.outputs.result}} refers to a step, but template "main" is not a steps template']]);
  });

  test('{{tasks.t.outputs...}} must name a task the task depends on, and dependencies must exist', () => {
    const say = { name: 'say', inputs: { parameters: [{ name: 'msg' }] }, outputs: { parameters: [{ name: 'out', valueFrom: { path: '/tmp/out' } }] }, container: { image: PINNED } };
    const msg = (value: string) => ({ parameters: [{ name: 'msg', value }] });
    const doc = wft('w', {
      templates: [{
        name: 'main',
        dag: {
          tasks: [
            { name: 'a', template: 'say', arguments: msg('x') },
            { name: 'b', template: 'say', arguments: msg('{{tasks.a.outputs.parameters.out}}') },
            { name: 'c', template: 'say', depends: 'a && (zz.Succeeded)', arguments: msg('{{tasks.a.outputs.parameters.out}}') },
          ],
        },
      }, say],
    });
    expect(lint(doc)).toEqual([
      ['WorkflowTemplate w', 'spec.templates[0].dag.tasks[2].depends',
        'template "main", task "c": depends on task "zz", which does not exist: use one of "a", "b", "c"'],
      ['WorkflowTemplate w', 'spec.templates[0].dag.tasks[1].arguments.parameters[0].value',
        'template "main", task "b": {{tasks.a.outputs.parameters.out}} refers to task "a", which has not run yet at this point: a task can only reference tasks it depends on: add it to the dependencies (or depends) of "b"'],
    ]);
  });

  test('arguments match the inputs of the called template', () => {
    // GIVEN a call with an unknown argument and without a required one, across a templateRef
    const caller = wft('serve-java-app', {
      templates: [{
        name: 'main',
        steps: [[{
          name: 'deploy-app',
          templateRef: { name: 'deploy-app', template: 'deploy-java-app' },
          arguments: { parameters: [{ name: 'app_name', value: 'orders' }, { name: 'app_type', value: 'springboot' }] },
        }]],
      }],
    });
    const callee = wft('deploy-app', {
      templates: [hello('deploy-java-app', { inputs: { parameters: [{ name: 'app_name' }, { name: 'image' }, { name: 'namespace', default: '' }] } })],
    });
    // THEN
    expect(lint(caller, callee)).toEqual([
      ['WorkflowTemplate serve-java-app', 'spec.templates[0].steps[0][0].arguments.parameters[1].name',
        'template "main", step "deploy-app": passes "app_type", but template "deploy-java-app" of WorkflowTemplate "deploy-app" has no input parameter "app_type" (inputs: "app_name", "image", "namespace"): remove the argument or fix its name'],
      ['WorkflowTemplate serve-java-app', 'spec.templates[0].steps[0][0].arguments',
        'template "main", step "deploy-app": template "deploy-java-app" of WorkflowTemplate "deploy-app" requires the input parameter "image", which is not passed: add it to arguments.parameters'],
    ]);
  });

  test('a template has exactly one type', () => {
    const doc = wft('w', {
      templates: [
        { name: 'none', inputs: {} },
        { name: 'two', container: { image: PINNED }, script: { image: PINNED, source: 'true' } },
      ],
    });
    expect(lint(doc)).toEqual([
      ['WorkflowTemplate w', 'spec.templates[0]',
        'template "none" has no template type: set exactly one of container, containerSet, script, steps, dag, resource, suspend, data, http, plugin'],
      ['WorkflowTemplate w', 'spec.templates[1]', 'template "two" has 2 template types (container, script): keep exactly one'],
    ]);
  });

  test(`at most ${MAX_TEMPLATES} templates`, () => {
    const doc = wft('big', { templates: Array.from({ length: MAX_TEMPLATES + 1 }, (_, i) => hello(`t${i}`)) });
    expect(lint(doc)).toEqual([['WorkflowTemplate big', 'spec.templates',
      `has ${MAX_TEMPLATES + 1} templates; Argo allows at most ${MAX_TEMPLATES}: split it into several WorkflowTemplates joined by templateRef`]]);
  });

  test('no privileged container and no privilege escalation', () => {
    const doc = wft('w', {
      templates: [
        { name: 'dind', container: { image: `docker:27.4.1-dind@${DIGEST}`, securityContext: { privileged: true } } },
        { name: 'sudo', script: { image: PINNED, source: 'true', securityContext: { allowPrivilegeEscalation: true } } },
        hello('side', { sidecars: [{ name: 'docker', image: `docker:27.4.1-dind@${DIGEST}`, securityContext: { privileged: true } }] }),
      ],
    });
    expect(lint(doc)).toEqual([
      ['WorkflowTemplate w', 'spec.templates[0].container.securityContext.privileged',
        'template "dind" is privileged: remove privileged (use rootless tools such as rootless BuildKit instead)'],
      ['WorkflowTemplate w', 'spec.templates[1].script.securityContext.allowPrivilegeEscalation',
        'template "sudo" allows privilege escalation: set allowPrivilegeEscalation to false or remove it'],
      ['WorkflowTemplate w', 'spec.templates[2].sidecars[0].securityContext.privileged',
        'template "side" container "docker" is privileged: remove privileged (use rootless tools such as rootless BuildKit instead)'],
    ]);
  });

  test('parameter values are strings', () => {
    const doc = wft('w', {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'replicas', value: 3 }, { name: 'debug', value: 'yes', enum: ['true', false] }] },
      templates: [
        { name: 'main', steps: [[{ name: 'one', template: 'say', arguments: { parameters: [{ name: 'wait', value: true }] } }]] },
        hello('say', { inputs: { parameters: [{ name: 'wait', default: 10 }] } }),
      ],
    });
    expect(lint(doc)).toEqual([
      ['WorkflowTemplate w', 'spec.arguments.parameters[0].value',
        'workflow parameter "replicas" has the number 3 as value: parameter values are strings, quote it ("3")'],
      ['WorkflowTemplate w', 'spec.arguments.parameters[1].enum[1]', 'workflow parameter "debug" has the non-string enum entry false: quote it'],
      ['WorkflowTemplate w', 'spec.arguments.parameters[1].value', 'workflow parameter "debug" has the value "yes", which is not one of its enum "true", "false"'],
      ['WorkflowTemplate w', 'spec.templates[0].steps[0][0].arguments.parameters[0].value',
        'template "main", step "one": argument "wait" has the boolean true as value: parameter values are strings, quote it ("true")'],
      ['WorkflowTemplate w', 'spec.templates[1].inputs.parameters[0].default',
        'template "say": input parameter "wait" has the number 10 as default: parameter values are strings, quote it ("10")'],
    ]);
  });

  test('{{item}} only in a loop', () => {
    const doc = wft('w', { templates: [{ name: 'main', steps: [[{ name: 'one', template: 'say', arguments: { parameters: [{ name: 'm', value: '{{item}}' }] } }]] }, hello('say', { inputs: { parameters: [{ name: 'm' }] } })] });
    expect(lint(doc)).toEqual([['WorkflowTemplate w', 'spec.templates[0].steps[0][0].arguments.parameters[0].value',
      'template "main", step "one": {{item}} is only defined in a step or task with withItems, withParam or withSequence']]);
  });

  test('every step image is pinned by digest, unless the WorkflowTemplate names it in its exemption with a reason', () => {
    // GIVEN tag-only images in a container, a script and an init container
    const templates = [
      { name: 'main', steps: [[{ name: 'a', template: 'tagged' }], [{ name: 'b', template: 'script' }], [{ name: 'c', template: 'init' }]] },
      { name: 'tagged', container: { image: 'busybox:1.36.1' } },
      { name: 'script', script: { image: 'busybox:1.36.1', source: 'true' } },
      hello('init', { initContainers: [{ name: 'setup', image: 'alpine:3.20' }] }),
    ];
    // THEN each is refused, with where and how to fix it
    expect(lint(wft('w', { entrypoint: 'main', templates }))).toEqual([
      ['WorkflowTemplate w', 'spec.templates[1].container.image', expect.stringContaining('template "tagged": image "busybox:1.36.1" is not pinned by digest: write repository:tag@sha256:<digest>')],
      ['WorkflowTemplate w', 'spec.templates[2].script.image', expect.stringContaining('template "script": image "busybox:1.36.1" is not pinned by digest')],
      ['WorkflowTemplate w', 'spec.templates[3].initContainers[0].image', expect.stringContaining('template "init" container "setup": image "alpine:3.20" is not pinned by digest')],
    ]);
    // An exemption that names the image and gives a reason accepts exactly that image.
    const exempt = (value: string) => ({ ...wft('w', { entrypoint: 'main', templates }), metadata: { name: 'w', annotations: { 'exempt.policy.platform/image-digest': value } } });
    expect(lint(exempt('busybox:1.36.1 alpine:3.20: no digest published yet'))).toEqual([]);
    expect(lint(exempt('busybox:1.36.1: no digest published yet')).map(([, at]) => at)).toEqual(['spec.templates[3].initContainers[0].image']);
    // Without a reason, the exemption counts for nothing.
    expect(lint(exempt('busybox:1.36.1 alpine:3.20')).length).toBe(3);
    expect(lint(exempt('busybox:1.36.1 alpine:3.20:  ')).length).toBe(3);
    // A digest-pinned image, and an image chosen by a parameter, are accepted.
    expect(lint(wft('w', {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'img', value: PINNED }] },
      templates: [{ name: 'main', container: { image: '{{workflow.parameters.img}}' } }, hello('x')],
    }))).toEqual([]);
  });

  test('a pod without its token names the executor\'s ServiceAccount, as Argo requires', () => {
    const doc = (template: any, spec: any = {}) => wft('w', { entrypoint: 'x', ...spec, templates: [hello('x', template)] });
    // GIVEN automountServiceAccountToken false without an executor account, on the template or the spec
    expect(lint(doc({ automountServiceAccountToken: false }))).toEqual([['WorkflowTemplate w', 'spec.templates[0].executor.serviceAccountName',
      'template "x" mounts no ServiceAccount token but names no executor ServiceAccount: Argo refuses to run it; set executor.serviceAccountName (a ServiceAccount allowed to create and patch workflowtaskresults)']]);
    expect(lint(doc({}, { automountServiceAccountToken: false })).length).toBe(1);
    // THEN an executor account on the template or the spec, or a mounted token, is accepted
    expect(lint(doc({ automountServiceAccountToken: false, executor: { serviceAccountName: 'exec' } }))).toEqual([]);
    expect(lint(doc({ automountServiceAccountToken: false }, { executor: { serviceAccountName: 'exec' } }))).toEqual([]);
    expect(lint(doc({ automountServiceAccountToken: true }, { automountServiceAccountToken: false }))).toEqual([]);
  });

  test('when: never splices a parameter or item into its expression', () => {
    const doc = (when: string, params: any[] = [{ name: 'p', value: '' }]) => wft('w', {
      entrypoint: 'main',
      arguments: { parameters: params },
      templates: [
        { name: 'main', inputs: { parameters: [{ name: 'i', default: '' }] }, steps: [[{ name: 'check', template: 'say' }], [{ name: 'run', template: 'say', when }]] },
        hello('say', { outputs: { parameters: [{ name: 'build', valueFrom: { path: '/tmp/build' } }] } }),
      ],
    });
    // GIVEN the forms that let a value rewrite the condition (quoted or not)
    for (const when of ["'{{workflow.parameters.p}}' == ''", '{{workflow.parameters.p}} == x', "'{{inputs.parameters.i}}' != 'x'", '{{ workflow.parameters.p }} == x']) {
      expect([when, lint(doc(when))]).toEqual([when, [['WorkflowTemplate w', 'spec.templates[0].steps[1][0].when',
        expect.stringMatching(/^template "main", step "run": when splices \{\{(workflow|inputs)\.parameters\.[ip]\}\} into its expression, so the value can rewrite the condition: compare a fixed word/)]]]);
    }
    // THEN a step output compared with a fixed word, or an {{=...}} expression, is accepted
    expect(lint(doc('{{steps.check.outputs.parameters.build}} == maven'))).toEqual([]);
    expect(lint(doc("{{=workflow.parameters.p == 'x'}}"))).toEqual([]);
  });

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
