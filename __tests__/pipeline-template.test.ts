import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Environment } from '../lib/environment';
import { BuildTool, PipelineTemplate, PipelineTemplateProps } from '../lib/pipeline-template';
import { unpinnedImage } from '../lib/props';
import { lintWorkflowTemplates } from '../lib/validate/workflow-lint';

const GITOPS_REPO = 'https://github.com/acme/gitops.git';
const PIPELINE_DIR = path.join(__dirname, '..', 'lib', 'pipeline');

function synth(props: Partial<PipelineTemplateProps> = {}): any[] {
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

  test('synthesizes four WorkflowTemplates with stable names, namespace argo and the standard labels', () => {
    // GIVEN the default props / WHEN synthesized / THEN
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual([
      'WorkflowTemplate/abort-java-app', 'WorkflowTemplate/deploy-app', 'WorkflowTemplate/promote-java-app', 'WorkflowTemplate/serve-java-app',
    ]);
    for (const doc of docs) {
      expect(doc.apiVersion).toBe('argoproj.io/v1alpha1');
      expect(doc.metadata.namespace).toBe('argo');
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
    expect(Object.keys(params)).toEqual(['app_name', 'app_type', 'build_tool', 'git_repo', 'git_revision', 'artifact_url', 'image', 'tag', 'environment']);
    expect(params.app_type.value).toBe('springboot');
    expect(params.app_type.enum).toEqual(['springboot', 'spring']);
    expect(params.build_tool.value).toBe('maven');
    expect(params.git_revision.value).toBe('main');
    expect(params.artifact_url.value).toBe('');
    for (const p of Object.values<any>(params)) {
      for (const field of ['value', 'default']) {
        if (field in p) expect(typeof p[field]).toBe('string');
      }
      expect(typeof p.description).toBe('string');
    }
    // Required at submit time: no value.
    for (const name of ['app_name', 'image', 'tag', 'environment']) expect(params[name].value).toBeUndefined();
  });

  test('serve-java-app: build or fetch, then build-image, then deploy-app through templateRef with the digest', () => {
    const main = template(serve, 'main');
    expect(main.steps.map((g: any[]) => g.map((s) => s.name))).toEqual([
      ['clone-source'], ['build-maven', 'build-gradle', 'fetch-artifact'], ['build-image'], ['deploy-app'],
    ]);
    const [clone] = main.steps[0];
    const [maven, gradle, fetch] = main.steps[1];
    expect(clone.when).toBe("'{{workflow.parameters.artifact_url}}' == ''");
    expect(maven.when).toBe("'{{workflow.parameters.artifact_url}}' == '' && '{{workflow.parameters.build_tool}}' == 'maven'");
    expect(gradle.when).toBe("'{{workflow.parameters.artifact_url}}' == '' && '{{workflow.parameters.build_tool}}' == 'gradle'");
    expect(fetch.when).toBe("'{{workflow.parameters.artifact_url}}' != ''");

    const [deployStep] = main.steps[3];
    expect(deployStep.templateRef).toEqual({ name: 'deploy-app', template: 'deploy-java-app' });
    expect(deployStep.template).toBeUndefined();
    expect(deployStep.arguments.parameters).toEqual([
      { name: 'app_name', value: '{{workflow.parameters.app_name}}' },
      { name: 'environment', value: '{{workflow.parameters.environment}}' },
      { name: 'image', value: '{{steps.build-image.outputs.parameters.image_ref}}' },
    ]);
  });

  test('serve-java-app: Maven and Gradle builds share a cache volume and the workspace', () => {
    expect(serve.spec.volumes).toEqual([{ name: 'build-cache', persistentVolumeClaim: { claimName: 'java-build-cache' } }]);
    expect(serve.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'workspace' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
    }]);
    for (const [name, image] of [['build-maven', 'maven:3.9.9-eclipse-temurin-21'], ['build-gradle', 'gradle:8.12.1-jdk21']]) {
      const s = template(serve, name).script;
      expect(s.image).toBe(image);
      expect(s.volumeMounts).toEqual(expect.arrayContaining([
        { name: 'workspace', mountPath: '/workspace' }, { name: 'build-cache', mountPath: '/cache' },
      ]));
      expect(env(s).BUILD_TOOL).toBe(name.replace('build-', ''));
    }
  });

  test('serve-java-app: build-image uses rootless BuildKit, never privileged, with the registry Secret as docker config', () => {
    const t = template(serve, 'build-image');
    expect(t.script.image).toMatch(/^moby\/buildkit:v\d+\.\d+\.\d+-rootless$/);
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
    expect(t.outputs.artifacts).toEqual([{ name: 'build-log', path: '/mnt/out/build_output.log', archive: { none: {} } }]);
  });

  test('deploy-app: update-gitops then wait-for-rollout, with the Git credentials from the Secret', () => {
    expect(deploy.spec.entrypoint).toBe('deploy-java-app');
    const main = template(deploy, 'deploy-java-app');
    expect(main.inputs.parameters.map((p: any) => p.name)).toEqual(['app_name', 'environment', 'image', 'namespace']);
    expect(main.steps.map((g: any[]) => g.map((s) => s.name))).toEqual([['update-gitops'], ['wait-for-rollout']]);
    const update = template(deploy, 'update-gitops');
    const e = env(update.script);
    expect(e.GITOPS_REPO).toBe(GITOPS_REPO);
    expect(e.GITOPS_BRANCH).toBe('main');
    expect(e.GIT_USERNAME).toEqual({ secretKeyRef: { name: 'gitops-credentials', key: 'username', optional: false } });
    expect(e.GIT_PASSWORD).toEqual({ secretKeyRef: { name: 'gitops-credentials', key: 'password', optional: false } });
    expect(update.outputs.parameters).toEqual([{ name: 'commit', valueFrom: { path: '/tmp/commit' } }]);
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

  test('promote-java-app and abort-java-app run kubectl argo rollouts with app_name and namespace', () => {
    for (const doc of [promote, abort]) {
      expect(doc.spec.arguments.parameters.map((p: any) => p.name)).toEqual(['app_name', 'namespace']);
    }
    const args = (doc: any, name: string) => template(doc, name).container.args;
    expect(promote.spec.entrypoint).toBe('promote');
    expect(args(promote, 'rollouts-promote')).toEqual(['promote', '{{inputs.parameters.app_name}}', '--namespace', '{{inputs.parameters.namespace}}']);
    expect(abort.spec.entrypoint).toBe('abort');
    expect(template(abort, 'abort').steps.map((g: any[]) => g.map((s) => s.template))).toEqual([['rollouts-abort'], ['rollouts-undo']]);
    expect(args(abort, 'rollouts-abort')[0]).toBe('abort');
    expect(args(abort, 'rollouts-undo')[0]).toBe('undo');
    expect(template(abort, 'rollouts-undo').container.command).toEqual(['kubectl-argo-rollouts']);
  });

  test('every WorkflowTemplate has a deadline, podGC, a TTL and the service account', () => {
    for (const doc of docs) {
      expect(doc.spec.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(doc.spec.podGC).toEqual({ strategy: 'OnPodSuccess' });
      expect(doc.spec.ttlStrategy).toEqual({ secondsAfterSuccess: 3600, secondsAfterFailure: 604800 });
      expect(doc.spec.serviceAccountName).toBe('workflow-runner');
      expect(doc.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    }
  });

  test('every pod template has a deadline, requests and limits, the service account and a pinned image', () => {
    for (const { where, t } of podTemplates(docs)) {
      const c = t.container ?? t.script;
      expect([where, t.activeDeadlineSeconds > 0]).toEqual([where, true]);
      expect([where, t.serviceAccountName]).toEqual([where, 'workflow-runner']);
      for (const kind of ['requests', 'limits']) {
        expect([where, Object.keys(c.resources[kind]).sort()]).toEqual([where, ['cpu', 'memory']]);
      }
      expect([where, unpinnedImage(c.image)]).toEqual([where, undefined]);
    }
    // Base images of generated Dockerfiles are pinned too.
    const e = env(template(serve, 'build-image').script);
    expect(unpinnedImage(e.JAR_BASE_IMAGE)).toBeUndefined();
    expect(unpinnedImage(e.WAR_BASE_IMAGE)).toBeUndefined();
  });

  test('network steps retry; the others retry only when the pod could not run', () => {
    const policy = (doc: any, name: string) => template(doc, name).retryStrategy?.retryPolicy;
    for (const name of ['clone-source', 'fetch-artifact', 'build-image', 'build-maven', 'build-gradle']) expect(policy(serve, name)).toBe('Always');
    expect(policy(deploy, 'update-gitops')).toBe('Always');
    expect(policy(deploy, 'wait-for-rollout')).toBe('OnError');
    expect(policy(promote, 'rollouts-promote')).toBe('OnError');
    expect(policy(abort, 'rollouts-undo')).toBe('OnError');
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
    expect(source(serve, 'clone-source')).toBe(file('clone-source.sh'));
    expect(source(serve, 'build-maven')).toBe(file('build-jar.sh'));
    expect(source(serve, 'fetch-artifact')).toBe(file('fetch-artifact.sh'));
    expect(source(serve, 'build-image')).toBe(file('build-image.sh'));
    // Argo would substitute {{...}} inside a script: the scripts must not contain any.
    for (const f of fs.readdirSync(PIPELINE_DIR)) expect([f, file(f).includes('{{')]).toEqual([f, false]);
  });

  test('props override the namespace, Secrets, service account, build tool, branch and images', () => {
    // GIVEN overrides
    const d = synth({
      namespace: 'ci',
      gitopsBranch: 'release',
      gitCredentialsSecret: 'gh-bot',
      registryCredentialsSecret: 'ghcr-push',
      serviceAccountName: 'builder',
      buildTool: BuildTool.GRADLE,
      buildCacheClaimName: 'gradle-cache',
      workspaceSize: '5Gi',
      workspaceStorageClass: 'fast',
      partOf: 'shop',
      images: { buildkit: 'moby/buildkit:v0.22.0-rootless' },
    });
    // THEN
    const s = byName(d, 'serve-java-app');
    const dep = byName(d, 'deploy-app');
    for (const doc of d) {
      expect(doc.metadata.namespace).toBe('ci');
      expect(doc.metadata.labels['app.kubernetes.io/part-of']).toBe('shop');
      expect(doc.spec.serviceAccountName).toBe('builder');
    }
    expect(s.spec.arguments.parameters.find((p: any) => p.name === 'build_tool').value).toBe('gradle');
    expect(template(s, 'build-image').script.image).toBe('moby/buildkit:v0.22.0-rootless');
    expect(template(s, 'build-image').volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'ghcr-push' }) }));
    expect(s.spec.volumes[0].persistentVolumeClaim.claimName).toBe('gradle-cache');
    expect(s.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } });
    const e = env(template(dep, 'update-gitops').script);
    expect(e.GITOPS_BRANCH).toBe('release');
    expect(e.GIT_PASSWORD.secretKeyRef.name).toBe('gh-bot');
    expect(template(dep, 'update-gitops').serviceAccountName).toBe('builder');
    expect(lintWorkflowTemplates(d)).toEqual([]);
  });

  test.each([
    [{ images: { maven: 'maven:latest' } }, /images.maven "maven:latest" uses the tag latest/],
    [{ images: { git: 'alpine/git' } }, /images.git "alpine\/git" has no tag/],
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

describe('lintWorkflowTemplates on the synthesized pipeline', () => {
  test('finds a broken reference in the synthesized pipeline, with the template and step', () => {
    // GIVEN the pipeline with the deploy step pointing at an output build-image does not declare
    const docs = JSON.parse(JSON.stringify(synth()));
    const serve = byName(docs, 'serve-java-app');
    template(serve, 'main').steps[3][0].arguments.parameters[2].value = '{{steps.build-image.outputs.parameters.image}}';
    // THEN
    expect(lintWorkflowTemplates(docs)).toEqual([{
      object: 'WorkflowTemplate serve-java-app',
      path: 'spec.templates[0].steps[3][0].arguments.parameters[2].value',
      message: 'template "main", step "deploy-app": {{steps.build-image.outputs.parameters.image}} refers to output parameter "image" of step "build-image", but template "build-image" does not declare it (outputs: "digest", "image_ref"): add it to its outputs.parameters or fix the name',
    }]);
  });
});
