import { checkControllerObjects, controllerObjects, generatedName } from '../lib/validate/controller-objects';
import { backend, deployment, index, ingress, lines, NS, rollout, service } from './support/docs';

/**
 * Objects the controllers create at run time, built as upstream builds them and checked with their
 * kind's rules: the PersistentVolumeClaims of Argo Workflows' volumeClaimTemplates (v4.1.2
 * workflow/controller/operator.go createPVCs) and the canary Ingress of Argo Rollouts' NGINX traffic
 * routing (v1.9.1 rollout/trafficrouting/nginx buildCanaryIngress, utils/ingress GetCanaryIngressName).
 */
type Doc = Record<string, any>;

const SUBDOMAIN = 'must be a DNS-1123 subdomain: lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (e.g. "example.com")';
const claim = (overrides: Doc = {}): Doc => ({ metadata: { name: 'workspace' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } }, ...overrides });

function workflowTemplate(claims: Doc[], name = 'serve-java-app'): Doc {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name, namespace: NS },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox:1.36' } }], volumeClaimTemplates: claims },
  };
}

describe('volumeClaimTemplates -> PersistentVolumeClaim, as the workflow controller creates it (createPVCs)', () => {
  const W = 'dev/app.yaml WorkflowTemplate serve-java-app';
  const T = `${W} spec.volumeClaimTemplates[0]`;
  const pvc = 'the PersistentVolumeClaim "serve-java-app-xxxxx-workspace" that the workflow controller creates (createPVCs)';

  test('the claim is named <workflow>-<template>, the workflow named as the API server generates it from "<template>-"', () => {
    const [o] = controllerObjects(index(workflowTemplate([claim({ metadata: { name: 'workspace', labels: { team: 'ci' } } })])));
    expect(o.doc).toEqual({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name: 'serve-java-app-xxxxx-workspace', namespace: NS, labels: { team: 'ci', 'workflows.argoproj.io/workflow': 'serve-java-app-xxxxx' } },
      spec: claim().spec,
    });
    // SimpleNameGenerator: the base is cut to 58 characters before its 5 random ones.
    expect(generatedName(`${'a'.repeat(70)}-`)).toBe(`${'a'.repeat(58)}xxxxx`);
  });

  test.each<[string, Doc, string[]]>([
    ['a claim name with a capital', claim({ metadata: { name: 'Workspace' } }),
      [`${T}.metadata.name: the PersistentVolumeClaim "serve-java-app-xxxxx-Workspace" that the workflow controller creates (createPVCs): metadata.name: "serve-java-app-xxxxx-Workspace" is not a valid PersistentVolumeClaim name (a DNS-1123 subdomain): ${SUBDOMAIN}`]],
    ['a claim without access modes', claim({ spec: { resources: { requests: { storage: '2Gi' } } } }),
      [`${T}.spec.accessModes: ${pvc}: spec.accessModes: at least 1 access mode is required`]],
    ['a claim of size 0', claim({ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0' } } } }),
      [`${T}.spec.resources.requests.storage: ${pvc}: spec.resources.requests.storage: must be greater than zero, got "0"`]],
    ['a storage class that is no DNS subdomain', claim({ spec: { ...claim().spec, storageClassName: 'Fast_SSD' } }),
      [`${T}.spec.storageClassName: ${pvc}: spec.storageClassName: "Fast_SSD": ${SUBDOMAIN}`]],
    ['a label the API server refuses', claim({ metadata: { name: 'workspace', labels: { team: 'a b' } } }),
      [`${T}.metadata.labels.team: ${pvc}: metadata.labels.team: label value "a b" of "team": must be empty or consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit`]],
    ['a field a claim does not have', claim({ spec: { ...claim().spec, size: '2Gi' } }),
      [`${T}.spec.size: ${pvc}: spec.size: unknown field`]],
    ['a claim without a spec', { metadata: { name: 'workspace' } },
      [`${T}.spec.accessModes: ${pvc}: spec.accessModes: at least 1 access mode is required`, `${T}.spec.resources.requests.storage: ${pvc}: spec.resources.requests.storage: Required value: the size of the claim, e.g. "1Gi"`]],
  ])('refuses %s', (_case, c, expected) => {
    expect(lines(checkControllerObjects(index(workflowTemplate([c]))))).toEqual(expected);
  });

  test('a claim name that makes the claim\'s name longer than 253 characters', () => {
    const name = `w${'x'.repeat(240)}`;
    const problems = lines(checkControllerObjects(index(workflowTemplate([claim({ metadata: { name } })]))));
    expect(problems).toEqual([`${T}.metadata.name: the PersistentVolumeClaim "serve-java-app-xxxxx-${name}" that the workflow controller creates (createPVCs): metadata.name: "serve-java-app-xxxxx-${name}" is not a valid PersistentVolumeClaim name (a DNS-1123 subdomain): must be no more than 253 characters (got 262)`]);
  });

  test('a claim template without a name: the controller refuses the workflow, in its words', () => {
    expect(lines(checkControllerObjects(index(workflowTemplate([claim(), claim({ metadata: {} })])))))
      .toEqual([`${W} spec.volumeClaimTemplates[1].metadata.name: the workflow controller (createPVCs) refuses the workflow: volumeClaimTemplates[1].metadata.name is required`]);
    expect(lines(checkControllerObjects(index(workflowTemplate([{ spec: claim().spec }, claim({ metadata: { name: '' } })])))))
      .toEqual([0, 1].map((i) => `${W} spec.volumeClaimTemplates[${i}].metadata.name: the workflow controller (createPVCs) refuses the workflow: volumeClaimTemplates[${i}].metadata.name is required`));
  });

  test('a Workflow (its name or generateName) and a CronWorkflow (its spec.workflowSpec, "<cron>-<time>") alike', () => {
    const bad = claim({ spec: { resources: { requests: { storage: '1Gi' } } } });
    const workflow = (metadata: Doc) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { namespace: NS, ...metadata }, spec: { entrypoint: 'main', templates: [], volumeClaimTemplates: [bad] } });
    const cron = { apiVersion: 'argoproj.io/v1alpha1', kind: 'CronWorkflow', metadata: { name: 'nightly', namespace: NS }, spec: { schedules: ['0 1 * * *'], workflowSpec: { entrypoint: 'main', templates: [], volumeClaimTemplates: [bad] } } };
    expect(lines(checkControllerObjects(index(workflow({ name: 'build-1' }), workflow({ generateName: 'build-' }), cron)))).toEqual([
      'dev/app.yaml Workflow build-1 spec.volumeClaimTemplates[0].spec.accessModes: the PersistentVolumeClaim "build-1-workspace" that the workflow controller creates (createPVCs): spec.accessModes: at least 1 access mode is required',
      'dev/app.yaml Workflow ? spec.volumeClaimTemplates[0].spec.accessModes: the PersistentVolumeClaim "build-xxxxx-workspace" that the workflow controller creates (createPVCs): spec.accessModes: at least 1 access mode is required',
      'dev/app.yaml CronWorkflow nightly spec.workflowSpec.volumeClaimTemplates[0].spec.accessModes: the PersistentVolumeClaim "nightly-1700000000-workspace" that the workflow controller creates (createPVCs): spec.accessModes: at least 1 access mode is required',
    ]);
  });

  test('a ClusterWorkflowTemplate is submitted as "<name>-" too; its claims land in the workflow\'s namespace', () => {
    const doc = { ...workflowTemplate([claim({ spec: { resources: { requests: { storage: '1Gi' } } } })], 'shared'), kind: 'ClusterWorkflowTemplate', metadata: { name: 'shared' } };
    const [o] = controllerObjects(index(doc));
    expect(o.doc.metadata).toStrictEqual({ name: 'shared-xxxxx-workspace', labels: { 'workflows.argoproj.io/workflow': 'shared-xxxxx' } });
    expect(lines(checkControllerObjects(index(doc)))).toEqual([
      'dev/app.yaml ClusterWorkflowTemplate shared spec.volumeClaimTemplates[0].spec.accessModes: the PersistentVolumeClaim "shared-xxxxx-workspace" that the workflow controller creates (createPVCs): spec.accessModes: at least 1 access mode is required',
    ]);
  });

  test.each<[string, Doc[]]>([
    ['valid claims, one with a class and labels', [claim(), claim({ metadata: { name: 'cache', labels: { team: 'ci' } }, spec: { ...claim().spec, storageClassName: 'fast.ssd' } })]],
    ['no claims', []],
    ['claim entries that are not objects (left to the schema)', [null as any, 'x' as any]],
  ])('accepts %s', (_case, claims) => {
    expect(checkControllerObjects(index(workflowTemplate(claims)))).toEqual([]);
  });

  test('a WorkflowTemplate without volumeClaimTemplates, or with them in the wrong shape, creates no claim', () => {
    const doc = workflowTemplate([]);
    delete doc.spec.volumeClaimTemplates;
    expect(controllerObjects(index(doc))).toEqual([]);
    expect(controllerObjects(index({ ...doc, metadata: undefined, spec: { volumeClaimTemplates: {} } }))).toEqual([]);
    expect(controllerObjects(index({ ...doc, spec: undefined }, { ...doc, kind: 'CronWorkflow', spec: undefined }))).toEqual([]);
    // A Workflow with neither name nor generateName: the API server refuses it, the claim is named after the random part alone.
    const [o] = controllerObjects(index({ ...workflowTemplate([claim()]), kind: 'Workflow', metadata: { namespace: NS } }));
    expect(o.doc.metadata.name).toBe('xxxxx-workspace');
  });
});

describe('the canary Ingress the Rollouts controller builds from the stable one (buildCanaryIngress)', () => {
  const R = 'dev/app.yaml Rollout web';
  const N = `${R} spec.strategy.canary.trafficRouting.nginx`;
  const made = 'the Ingress "web-web-canary" that the Rollouts controller creates from Ingress "web" (buildCanaryIngress)';

  /** A canary Rollout routed by NGINX; `nginx` and the stable Ingress edited by the case. */
  function docs(nginx: Doc = {}, edit: (stable: Doc) => void = () => undefined): Doc[] {
    const stable = ingress('web', [backend('web-stable', { name: 'http' })]);
    stable.spec.rules[0].http.paths.push({ path: '/admin', pathType: 'Prefix', backend: backend('admin', { number: 80 }) });
    stable.spec.rules.push({ host: 'other.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('other', { number: 80 }) }] } }, { host: 'bare.example.com' });
    edit(stable);
    return [
      deployment('web', { replicas: 0 }), service('web-stable', { app: 'web' }), service('web-canary', { app: 'web' }), stable,
      rollout('web', { canary: { canaryService: 'web-canary', stableService: 'web-stable', trafficRouting: { nginx: { stableIngress: 'web', ...nginx } }, steps: [{ setWeight: 20 }] } }),
    ];
  }

  test('it keeps the stable Ingress\'s class, TLS and rules to the stable Service, pointed at the canary Service, with the controller\'s annotations', () => {
    const [o] = controllerObjects(index(...docs({ additionalIngressAnnotations: { 'canary-by-header': 'X-Canary' }, canaryIngressAnnotations: { 'example.com/owner': 'shop' } }, (s) => {
      s.metadata.annotations = { 'kubernetes.io/ingress.class': 'nginx', 'example.com/other': 'x' };
      s.spec.ingressClassName = 'nginx';
      s.spec.tls = [{ hosts: ['web.example.com'], secretName: 'web-tls' }];
    })));
    expect(o.doc).toEqual({
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: {
        name: 'web-web-canary', namespace: NS,
        annotations: {
          'kubernetes.io/ingress.class': 'nginx', 'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary', 'example.com/owner': 'shop',
          'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '0',
        },
      },
      spec: {
        ingressClassName: 'nginx', tls: [{ hosts: ['web.example.com'], secretName: 'web-tls' }],
        rules: [{ host: 'web.example.com', http: { paths: [
          { path: '/', pathType: 'Prefix', backend: backend('web-canary', { name: 'http' }) },
          { path: '/admin', pathType: 'Prefix', backend: backend('admin', { number: 80 }) },
        ] } }],
      },
    });
    expect(checkControllerObjects(index(...docs()))).toEqual([]);
    // Without class, TLS or namespace the canary Ingress has none either.
    const bare = docs();
    delete bare[4].metadata.namespace;
    expect(controllerObjects(index(...bare))[0].doc).toStrictEqual({
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: { name: 'web-web-canary', annotations: { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '0' } },
      spec: { rules: [expect.objectContaining({ host: 'web.example.com' })] },
    });
  });

  test('rules and paths the schema refuses (null, no backend) are skipped as the controller would see them', () => {
    const [o] = controllerObjects(index(...docs({}, (s) => {
      s.spec.rules.unshift(null);
      s.spec.rules[1].http.paths.unshift(null, { path: '/x', pathType: 'Prefix' }, { path: '/y', pathType: 'Prefix', backend: {} });
    })));
    expect(o.doc.spec.rules).toHaveLength(1);
    expect(o.doc.spec.rules[0].http.paths.slice(0, 3)).toEqual([null, { path: '/x', pathType: 'Prefix' }, { path: '/y', pathType: 'Prefix', backend: {} }]);
  });

  test('one canary Ingress per stable Ingress; the weight total with maxTrafficWeight; a prefixed key is kept', () => {
    const all = docs({ stableIngress: undefined, stableIngresses: ['web', 'web2', 'missing'], annotationPrefix: 'custom.io', additionalIngressAnnotations: { 'custom.io/x': 'y' } });
    all.push(ingress('web2', [backend('web-stable', { name: 'http' })]));
    all[4].spec.strategy.canary.trafficRouting.maxTrafficWeight = 1000;
    const made2 = controllerObjects(index(...all));
    expect(made2.map((o) => [o.doc.metadata.name, o.doc.metadata.annotations])).toEqual(['web', 'web2'].map((n) => [`web-${n}-canary`, {
      'custom.io/x': 'y', 'custom.io/canary': 'true', 'custom.io/canary-weight': '0', 'custom.io/canary-weight-total': '1000',
    }]));
  });

  test.each<[string, Doc, (s: Doc) => void, string[]]>([
    ['an additional annotation whose key the API server refuses', { additionalIngressAnnotations: { 'a b': 'x' } }, () => undefined,
      [`${N}.additionalIngressAnnotations: ${made}: metadata.annotations["nginx.ingress.kubernetes.io/a b"]: annotation key "nginx.ingress.kubernetes.io/a b": name part must consist of letters, digits, '-', '_' or '.', and must start and end with a letter or digit (e.g. "my.name")`]],
    ['a canary Ingress annotation whose key the API server refuses', { canaryIngressAnnotations: { 'a/b/c': 'x' } }, () => undefined,
      [`${N}.canaryIngressAnnotations: ${made}: metadata.annotations["a/b/c"]: annotation key "a/b/c": must be a qualified name: an optional DNS subdomain prefix and '/', then a name of letters, digits, '-', '_' or '.' that starts and ends with a letter or digit (e.g. "example.com/my-name")`]],
    ['a canary Ingress annotation key without a prefix that ends in "_"', { canaryIngressAnnotations: { bad_: 'x' } }, () => undefined,
      [`${N}.canaryIngressAnnotations: ${made}: metadata.annotations.bad_: annotation key "bad_": name part must consist of letters, digits, '-', '_' or '.', and must start and end with a letter or digit (e.g. "my.name")`]],
    ['an additional annotation key that starts with the prefix, so it is kept as written', { annotationPrefix: 'x', additionalIngressAnnotations: { xy_: 'x' } }, () => undefined,
      [`${N}.additionalIngressAnnotations: ${made}: metadata.annotations.xy_: annotation key "xy_": name part must consist of letters, digits, '-', '_' or '.', and must start and end with a letter or digit (e.g. "my.name")`]],
    ['annotations above 256 KiB together', { canaryIngressAnnotations: { 'example.com/big': 'x'.repeat(256 * 1024) } }, () => undefined,
      [`${N}: ${made}: metadata.annotations: annotations take 262239 bytes, more than the API server's limit of 262144 (256 KiB)`]],
    ['a stable Ingress\'s class annotation copied beside a different class name', {}, (s) => { s.metadata.annotations = { 'kubernetes.io/ingress.class': 'public' }; s.spec.ingressClassName = 'nginx'; },
      [`${N}.stableIngress: ${made}: metadata.annotations["kubernetes.io/ingress.class"]: must match ingressClassName ("nginx") when both are specified, got "public"`]],
  ])('refuses %s', (_case, nginx, edit, expected) => {
    const problems = lines(checkControllerObjects(index(...docs(nginx, edit))));
    expect(problems).toEqual(expected);
  });

  test('stableIngresses: each canary Ingress is reported on its entry', () => {
    const all = docs({ stableIngress: undefined, stableIngresses: ['web'] }, (s) => { s.metadata.annotations = { 'kubernetes.io/ingress.class': 'public' }; s.spec.ingressClassName = 'nginx'; });
    expect(lines(checkControllerObjects(index(...all)))).toEqual([
      `${N}.stableIngresses[0]: ${made}: metadata.annotations["kubernetes.io/ingress.class"]: must match ingressClassName ("nginx") when both are specified, got "public"`,
    ]);
    expect(controllerObjects(index(...docs({ stableIngress: undefined, stableIngresses: 'web' })))).toEqual([]);
  });

  test('a name cut to 253 characters that ends in a dot before "-canary" (GetCanaryIngressName)', () => {
    const name = `${'a'.repeat(241)}.${'b'.repeat(10)}`;
    const all = docs({ stableIngress: name });
    all[3].metadata.name = name;
    const cut = `web-${'a'.repeat(241)}.-canary`;
    expect(lines(checkControllerObjects(index(...all)))).toEqual([
      `${N}.stableIngress: the Ingress "${cut}" that the Rollouts controller creates from Ingress "${name}" (buildCanaryIngress): metadata.name: "${cut}" is not a valid Ingress name (a DNS-1123 subdomain): ${SUBDOMAIN}`,
    ]);
  });

  test.each<[string, Doc[]]>([
    ['no traffic routing', [rollout('web', { canary: { steps: [{ setWeight: 20 }] } })]],
    ['blue-green', [rollout('web', { blueGreen: { activeService: 'a', previewService: 'b' } })]],
    ['a stable Ingress that does not exist (reported by checkRollouts)', [rollout('web', { canary: { stableService: 's', canaryService: 'c', trafficRouting: { nginx: { stableIngress: 'nope' } } } })]],
    ['a stable Ingress without a rule to the stable Service (the controller\'s error, reported by checkRollouts)', docs({}, (s) => { s.spec.rules = [s.spec.rules[1]]; })],
    ['a stable Ingress without a spec', docs({}, (s) => { delete s.spec; })],
    ['a Rollout without a spec', [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web', namespace: NS } }]],
    ['a Rollout without a strategy', [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web', namespace: NS }, spec: {} }]],
  ])('creates nothing for %s', (_case, all) => {
    expect(controllerObjects(index(...all))).toEqual([]);
  });
});
