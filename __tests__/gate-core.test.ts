import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { inShape, validateManifests, ValidationError } from '../lib/validate/gate';
import { describe as describeObject, indexByNamespace, NamespaceIndex, podTemplateOf } from '../lib/validate/manifest';
import { formatProblem } from '../lib/validate/problem';
import { addSelfCheck, provideSelfCheck, underPlatformGate } from '../lib/props/self-check';
import { selfCheckProblems } from '../lib/validate/self-check';
import { container, deployment, manifest, manifests, NS, podSpec, rollout, service } from './support/docs';

const gate = (docs: any[], options = {}) => validateManifests(manifests(...docs), options).map(formatProblem);
const D = 'dev/app.yaml Deployment web';
const HASH = 'rollouts-pod-template-hash';

describe('validateManifests', () => {
  test('valid objects of several kinds and namespaces pass', () => {
    const other = { ...deployment('api'), metadata: { name: 'api', namespace: 'other' } };
    expect(gate([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
      deployment('web'), service('web', { app: 'web' }), other, { ...service('api', { app: 'api' }), metadata: { name: 'api', namespace: 'other' } },
    ])).toEqual([]);
  });

  test('a namespaced object needs its namespace; a cluster-scoped one and an unknown kind do not get that problem', () => {
    expect(gate([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }]))
      .toEqual(['dev/app.yaml ConfigMap c metadata.namespace: namespaced objects need an explicit namespace']);
    expect(gate([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: '' } }]))
      .toEqual(['dev/app.yaml ConfigMap c metadata.namespace: namespaced objects need an explicit namespace']);
    expect(gate([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }])).toEqual([]);
    expect(gate([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]))
      .toEqual(['dev/app.yaml Widget w: no schema for example.com/v1 Widget: vendor its CRD in crds/ and run npm run import']);
  });

  test.each<[string, (d: any) => void]>([
    ['metadata.labels', (d) => { d.metadata.labels = { [HASH]: 'abc' }; }],
    ['spec.selector.matchLabels', (d) => { d.spec.selector.matchLabels[HASH] = 'abc'; }],
    ['spec.template.metadata.labels', (d) => { d.spec.template.metadata.labels[HASH] = 'abc'; }],
  ])('the Rollouts hash label in %s is refused', (at, change) => {
    const d = deployment('web');
    change(d);
    expect(validateManifests(manifests(d), { policy: false }).filter((p) => p.path.endsWith(HASH)).map(formatProblem)).toEqual([
      `${D} ${at}.${HASH}: only the Rollouts controller sets this label (it adds it to the pods and Service selectors it manages): use the stable app labels`,
    ]);
  });

  test('the hash label of a Service selector is refused too', () => {
    expect(gate([deployment('web'), service('web', { app: 'web', [HASH]: 'x' })])).toEqual([
      `dev/app.yaml Service web spec.selector.${HASH}: only the Rollouts controller sets this label (it adds it to the pods and Service selectors it manages): use the stable app labels`,
      'dev/app.yaml Service web spec.selector: selects no pods of this namespace ({"app":"web","rollouts-pod-template-hash":"x"}): use the labels of the app\'s pod template',
    ]);
  });

  test('labels that are no object carry no hash label', () => {
    const d = deployment('web');
    d.spec.selector.matchLabels = { app: 'web', 'rollouts-pod-template-hash-not': 'x' };
    d.spec.template.metadata.labels = { ...d.spec.selector.matchLabels };
    d.metadata.labels = HASH;
    expect(validateManifests(manifests(d), { policy: false }).map(formatProblem)).toEqual([`${D} metadata.labels: must be object, got string`]);
  });

  test('objects without metadata or a pod template without metadata are reported, not a crash', () => {
    const d = deployment('web');
    delete d.spec.template.metadata;
    expect(gate([{ apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } }, d])).toEqual([
      'dev/app.yaml ConfigMap ? metadata: metadata is required',
      'dev/app.yaml ConfigMap ? metadata.namespace: namespaced objects need an explicit namespace',
      // The API server's rule (ValidateDeploymentSpec): the template must carry the selector's labels.
      'dev/app.yaml Deployment web spec.template.metadata.labels: `selector` does not match template `labels`: the template must carry every label of spec.selector.matchLabels',
    ]);
  });

  test('the policy applies by default and can be turned off', () => {
    const d = deployment('web', { spec: podSpec({ hostNetwork: true }) });
    expect(gate([d])).toEqual([`${D} spec.template.spec.hostNetwork: hostNetwork is not allowed (Pod Security "restricted")`]);
    expect(gate([d], { policy: true })).toEqual([`${D} spec.template.spec.hostNetwork: hostNetwork is not allowed (Pod Security "restricted")`]);
    expect(gate([d], { policy: false })).toEqual([]);
  });

  test('references and Rollout rules are checked per namespace', () => {
    const api = { ...deployment('web'), metadata: { name: 'web', namespace: 'other' } };
    expect(gate([api, service('web', { app: 'web' })])).toEqual([
      'dev/app.yaml Service web spec.selector: selects no pods of this namespace ({"app":"web"}): use the labels of the app\'s pod template',
    ]);
    expect(gate([api, rollout('web', { canary: {} })])).toEqual([
      'dev/app.yaml Rollout web spec.workloadRef.name: Deployment "web" does not exist in this namespace',
    ]);
  });

  test('duplicates are found across files', () => {
    const ms = [manifest(deployment('web'), 'dev/a.yaml'), manifest(deployment('web'), 'dev/b.yaml')];
    expect(validateManifests(ms).map(formatProblem)).toEqual(['dev/b.yaml Deployment web metadata.name: duplicates dev/a.yaml Deployment web: names must be unique per kind and namespace']);
  });

  test('WorkflowTemplates are linted', () => {
    const wft = (entrypoint: string) => ({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'w', namespace: NS },
      spec: { entrypoint, templates: [{ name: 'main', container: { image: 'alpine:3.20' } }] },
    });
    // (Other rules of the lint, e.g. image digests and the executor's account, have their own tests.)
    const entrypoint = (doc: any) => gate([doc]).filter((p) => p.includes(' spec.entrypoint: '));
    expect(entrypoint(wft('main'))).toEqual([]);
    expect(entrypoint(wft('nope'))).toEqual(['WorkflowTemplate w spec.entrypoint: entrypoint "nope" is not a template of this WorkflowTemplate: use one of "main"']);
  });

  test('ValidationError lists every problem, singular or plural', () => {
    const one = new ValidationError([{ object: 'o', path: 'p', message: 'm' }]);
    expect(one.message).toBe('validation failed with 1 problem:\n  - o p: m');
    expect(one.name).toBe('ValidationError');
    expect(one.problems).toEqual([{ object: 'o', path: 'p', message: 'm' }]);
    expect(new ValidationError([{ object: 'o', path: '', message: 'm' }, { object: 'q', path: 'r', message: 's' }]).message)
      .toBe('validation failed with 2 problems:\n  - o: m\n  - q r: s');
  });
});

describe('manifest helpers', () => {
  test('objects are named by file, kind and name, with ? for what is missing', () => {
    expect(describeObject(manifest(deployment('web')))).toBe('dev/app.yaml Deployment web');
    expect(describeObject({ file: 'f.yaml', doc: {} })).toBe('f.yaml ? ?');
    expect(describeObject({ file: 'f.yaml', doc: undefined })).toBe('f.yaml ? ?');
  });

  test.each<[string, string, boolean]>([
    ['Deployment', 'spec.template', true], ['StatefulSet', 'spec.template', true], ['DaemonSet', 'spec.template', true],
    ['Rollout', 'spec.template', true], ['Job', 'spec.template', false],
  ])('the pod template of a %s', (kind, path, serving) => {
    const d: any = { ...deployment('web'), kind };
    d.spec.template.metadata.annotations = { a: 'b' };
    const pod = podTemplateOf(manifest(d))!;
    expect({ path: pod.path, serving: pod.serving, labels: pod.labels, annotations: pod.annotations, spec: pod.spec }).toEqual({
      path, serving, labels: { app: 'web' }, annotations: { a: 'b' }, spec: d.spec.template.spec,
    });
  });

  test('a CronJob\'s pods; no template, no pods', () => {
    const spec = podSpec();
    const pod = podTemplateOf(manifest({ kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec } } } } }))!;
    expect({ path: pod.path, serving: pod.serving, labels: pod.labels, annotations: pod.annotations, spec: pod.spec })
      .toEqual({ path: 'spec.jobTemplate.spec.template', serving: false, labels: {}, annotations: {}, spec });
    expect(podTemplateOf(manifest({ kind: 'Deployment', metadata: { name: 'd' }, spec: {} }))).toBeUndefined();
    expect(podTemplateOf(manifest({ kind: 'Service', metadata: { name: 's' }, spec: { template: { spec } } }))).toBeUndefined();
    expect(podTemplateOf(manifest({ kind: 'Rollout', metadata: { name: 'r' } }))).toBeUndefined();
    expect(podTemplateOf({ file: 'f.yaml', doc: undefined })).toBeUndefined();
  });

  test('the namespace index finds objects, pods, Services and Rollouts', () => {
    const ns = new NamespaceIndex();
    const docs = [
      deployment('web'), deployment('api', { labels: { app: 'api', tier: 'back' } }),
      service('web', { app: 'web' }), service('all', { tier: 'back' }), service('bare', undefined), service('both', { app: 'api', tier: 'back' }),
      rollout('web', { canary: {} }), rollout('solo', { canary: {} }, { workloadRef: null, template: { metadata: { labels: { app: 'solo' } }, spec: podSpec() } }),
      rollout('stray', { canary: {} }, { workloadRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'api' } }),
    ];
    for (const d of docs) ns.add(manifest(d));
    expect(ns.ofKind('Deployment').map((m) => m.doc.metadata.name)).toEqual(['web', 'api']);
    expect(ns.ofKind('Secret')).toEqual([]);
    expect(ns.get('Service', 'all')?.doc.metadata.name).toBe('all');
    expect(ns.get('Service', 'none')).toBeUndefined();
    expect(ns.pods.map((p) => p.owner.doc.metadata.name)).toEqual(['web', 'api', 'solo']);
    expect(ns.podsSelectedBy({ tier: 'back' }).map((p) => p.owner.doc.metadata.name)).toEqual(['api']);
    expect(ns.podsSelectedBy({ app: 'api', tier: 'front' })).toEqual([]);
    expect(ns.podsSelectedBy({})).toEqual([]);
    expect(ns.podsSelectedBy(undefined)).toEqual([]);
    expect(ns.servicesSelecting({ app: 'api', tier: 'back' }).map((s) => s.doc.metadata.name).sort()).toEqual(['all', 'both']);
    expect(ns.servicesSelecting({ app: 'web' }).map((s) => s.doc.metadata.name)).toEqual(['web']);
    expect(ns.servicesSelecting({})).toEqual([]);
    expect(ns.rolloutDriving('web')?.doc.metadata.name).toBe('web');
    expect(ns.rolloutDriving('api')).toBeUndefined();
    expect(ns.rolloutPods(ns.get('Rollout', 'web')!)?.owner.doc.kind).toBe('Deployment');
    expect(ns.rolloutPods(ns.get('Rollout', 'solo')!)?.owner.doc.kind).toBe('Rollout');
    expect(ns.rolloutPods(ns.get('Rollout', 'stray')!)).toBeUndefined();
    // Objects without metadata or spec are indexed too (the schema reports them).
    ns.add(manifest({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' }));
    expect(ns.get('Rollout', undefined)?.doc.kind).toBe('Rollout');
    expect(ns.rolloutPods(ns.get('Rollout', undefined)!)).toBeUndefined();
    const fresh = new NamespaceIndex();
    fresh.add(manifest({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' } }));
    expect(fresh.rolloutDriving('r')).toBeUndefined();
  });

  test('indexByNamespace groups by namespace, cluster-scoped objects under ""', () => {
    const index = indexByNamespace(manifests(deployment('web'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, { ...deployment('api'), metadata: { name: 'api', namespace: 'other' } }));
    expect([...index.keys()]).toEqual([NS, '', 'other']);
    expect([...index.get(NS)!.objects.keys()]).toEqual(['Deployment/web']);
    expect([...index.get('')!.objects.keys()]).toEqual(['Namespace/x']);
    expect([...indexByNamespace([{ file: 'f.yaml', doc: { kind: 'ConfigMap' } }]).keys()]).toEqual(['']);
  });
});

describe('the self-check of a construct before the platform provides the gate', () => {
  test('reports nothing (the platform, loaded with the public API, provides it)', () => {
    const g = new Construct(new Chart(Testing.app(), 'c', { namespace: NS }), 'group');
    new ApiObject(g, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, dataa: {} });
    addSelfCheck(g, 'Group "g"');
    expect(g.node.validate()).toEqual([]);
    provideSelfCheck(selfCheckProblems);
    expect(g.node.validate()).toEqual(['Group "g" ConfigMap cm dataa: unknown field']);
  });
});

describe('the self-check of a construct (a plain cdk8s App)', () => {
  beforeAll(() => provideSelfCheck(selfCheckProblems));

  function group(options = {}) {
    const chart = new Chart(Testing.app(), 'c', { namespace: NS });
    const g = new Construct(chart, 'group');
    const cm = new ApiObject(g, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } });
    const extra = new ApiObject(chart, 'outside', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'outside' } });
    addSelfCheck(g, 'Group "g"', options, () => [extra]);
    return { chart, g, cm, extra };
  }

  test('reports the gate\'s problems for its objects and the extra ones, named by its label', () => {
    const { g, extra } = group();
    expect(g.node.validate()).toEqual([]);
    extra.addJsonPatch(JsonPatch.add('/dataa', { a: 'b' }));
    expect(g.node.validate()).toEqual(['Group "g" ConfigMap outside dataa: unknown field']);
  });

  test('sees objects and patches added after a first validation', () => {
    const { g, cm } = group();
    expect(g.node.validate()).toEqual([]);
    cm.addJsonPatch(JsonPatch.add('/binaryData', { b: 1 }));
    expect(g.node.validate()).toEqual(['Group "g" ConfigMap cm binaryData.b: must be string, got integer']);
    new ApiObject(g, 'dup', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    expect(g.node.validate()).toEqual([
      'Group "g" ConfigMap cm binaryData.b: must be string, got integer',
      'Group "g" ConfigMap cm metadata.name: duplicates Group "g" ConfigMap cm: names must be unique per kind and namespace',
    ]);
  });

  test('passes its options to the gate', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: NS });
    const unsafe = podSpec({ hostPID: true, containers: [container()] });
    const on = new Construct(chart, 'on');
    new ApiObject(on, 'd', deployment('web', { spec: unsafe }) as any);
    addSelfCheck(on, 'On');
    const off = new Construct(chart, 'off');
    new ApiObject(off, 'd', deployment('api', { spec: unsafe }) as any);
    addSelfCheck(off, 'Off', { policy: false });
    expect(on.node.validate()).toEqual(['On Deployment web spec.template.spec.hostPID: hostPID is not allowed (Pod Security "restricted")']);
    expect(off.node.validate()).toEqual([]);
  });

  test('stands aside while a platform gate runs, and only then', () => {
    const { g, cm } = group();
    cm.addJsonPatch(JsonPatch.add('/dataa', {}));
    expect(underPlatformGate(() => g.node.validate())).toEqual([]);
    expect(g.node.validate()).toEqual(['Group "g" ConfigMap cm dataa: unknown field']);
    expect(() => underPlatformGate(() => { throw new Error('boom'); })).toThrow('boom');
    expect(g.node.validate()).toEqual(['Group "g" ConfigMap cm dataa: unknown field']);
  });
});

describe('the gate on objects in the wrong shape', () => {
  const misshapen = (kind: string, apiVersion: string, spec: object) => ({ file: 'dev/x.yaml', doc: { apiVersion, kind, metadata: { name: 'x', namespace: NS }, spec } });
  // Each tripped a check that reads objects in their schema's shape (a TypeError) before.
  test.each<[string, { file: string; doc: any }, string]>([
    ['Ingress rules a string (the references across objects)', misshapen('Ingress', 'networking.k8s.io/v1', { rules: 'x' }), 'spec.rules'],
    ['Ingress paths a string', misshapen('Ingress', 'networking.k8s.io/v1', { rules: [{ host: 'a.example.com', http: { paths: 'x' } }] }), 'spec.rules[0].http.paths'],
    ['pod volumes a string (the policy)', misshapen('Deployment', 'apps/v1', { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'a', image: 'a:1' }], volumes: 'x' } } }), 'spec.template.spec.volumes'],
    ['volumeMounts a number', misshapen('Deployment', 'apps/v1', { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'a', image: 'a:1', volumeMounts: 5 }] } } }), 'spec.template.spec.containers[0].volumeMounts'],
    ['WorkflowTemplate templates a string (the pipeline identities)', misshapen('WorkflowTemplate', 'argoproj.io/v1alpha1', { entrypoint: 'a', templates: 'x' }), 'spec.templates'],
  ])('%s: its schema problem, no error', (_, m, at) => {
    const problems = validateManifests([m]);
    expect(problems.map((p) => p.path)).toContain(at);
  });

  test('a check that fails where nothing refuses the object is the gate\'s fault and surfaces', () => {
    const fault = () => {
      throw new TypeError('x is not a function');
    };
    expect(() => inShape(false, fault)).toThrow('x is not a function');
    expect(inShape(true, fault)).toEqual([]);
    // Only a misshapen value's error gives way; any other error surfaces even then.
    expect(() => inShape(true, () => {
      throw new RangeError('too deep');
    })).toThrow('too deep');
  });
});
