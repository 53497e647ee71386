import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { DeployStrategy, JavaApp, PipelineTemplate, validateManifests, ValidationError } from '../lib';
import { provideGateThread, startValidation } from '../lib/synth/gate-runner';
import { GateOptions } from '../lib/validate/gate';
import { Manifest } from '../lib/validate/manifest';
import { platform } from './support/platform';

/**
 * The gate on a thread of its own (bin/gate-thread.js, started by the synth runner): the same
 * problems as the gate run here, in the same order, for valid and refused objects alike; and
 * whatever goes wrong on the thread, the main thread validates itself.
 */
const { startGateThread } = require('../bin/gate-thread');

/** The sample-like platform's objects, and what its environments tell the gate. */
function objects(): { manifests: Manifest[]; options: GateOptions } {
  const { app, env } = platform();
  new JavaApp(env, 'orders', { image: 'ghcr.io/acme/orders:1.0.0', strategy: DeployStrategy.blueGreen() });
  new JavaApp(env, 'catalog', { image: 'ghcr.io/acme/catalog:2.0.0' });
  new PipelineTemplate(new Chart(app, 'ci'), 'pipeline', { gitopsRepo: 'https://github.com/acme/gitops.git', imageRepository: 'ghcr.io/acme/{app}' });
  const manifests = app.manifests();
  return { manifests, options: { folders: new Map([['dev', { server: 'https://kubernetes.default.svc', namespace: env.namespace, gateways: [], secretStores: [] }]]) } };
}

/** The same objects, some of them refused: an unknown field, a privileged container, a Service selecting nothing, a bad CEL-checked WorkflowTemplate. */
function refused(manifests: Manifest[]): Manifest[] {
  const copy: Manifest[] = JSON.parse(JSON.stringify(manifests));
  const kind = (k: string) => copy.filter((m) => m.doc.kind === k);
  kind('Deployment')[0].doc.spec.template.spec.containers[0].securityContext.privileged = true;
  kind('Deployment')[0].doc.spec.replicaz = 1;
  kind('Service')[0].doc.spec.selector = { app: 'nobody' };
  kind('WorkflowTemplate')[0].doc.spec.templates[0].activeDeadlineSeconds = 'soon';
  return copy;
}

describe('gate thread', () => {
  const thread = startGateThread();
  afterAll(() => provideGateThread(undefined));

  test('is started where there are two CPUs or more', () => {
    expect(typeof thread).toBe('function');
  });

  test('finds exactly the problems the gate finds here: none for valid objects, the same list for refused ones', () => {
    const { manifests, options } = objects();
    expect(thread(manifests, options).problems()).toEqual([]);
    const bad = refused(manifests);
    const here = validateManifests(bad, options);
    expect(here.length).toBeGreaterThanOrEqual(4);
    expect(thread(bad, options).problems()).toEqual(here);
    // And again: the thread serves one validation after another.
    expect(thread(manifests, options).problems()).toEqual([]);
  });

  test('a synth validates on the thread and refuses as the gate here does', () => {
    let calls = 0;
    provideGateThread((m: readonly Manifest[], o: GateOptions) => {
      calls++;
      return thread(m, o);
    });
    const { manifests, options } = objects();
    const bad = refused(manifests);
    expect(startValidation(bad, options).problems()).toEqual(validateManifests(bad, options));
    expect(calls).toBe(1);
    calls = 0;
    const { app, env } = platform();
    const orders = new JavaApp(env, 'orders', { image: 'ghcr.io/acme/orders:1.0.0' });
    // Past the props, through cdk8s' escape hatch: only the gate sees it.
    ApiObject.of(orders).addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true));
    let message = '';
    try {
      app.synth();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      message = (err as Error).message;
    }
    let expected = '';
    provideGateThread(undefined);
    try {
      app.synth();
    } catch (err) {
      expected = (err as Error).message;
    }
    expect(calls).toBe(1);
    expect(message).toMatch(/hostNetwork/);
    expect(message).toBe(expected);
  });

  test('a failure on the thread is no answer: the main thread validates and throws what the gate throws', () => {
    provideGateThread(thread);
    // Not an object the gate can read: it throws, on the thread and here alike.
    const broken = [{ file: 'dev/x.yaml', doc: null }] as unknown as Manifest[];
    expect(thread(broken, {}).problems()).toBeUndefined();
    let here: unknown;
    try {
      validateManifests(broken, {});
    } catch (err) {
      here = err;
    }
    expect(here).toBeInstanceOf(Error);
    expect(() => startValidation(broken, {}).problems()).toThrow((here as Error).message);
  });
});
