import { checkDuplicates, checkReferences, checkRoutes } from '../lib/validate/references';
import {
  backend, container, deployment, hpa, index, ingress, lines, manifest, named, networkPolicy, NS, pdb, podSpec, rollout, service,
} from './support/docs';

const references = (...docs: any[]) => lines(checkReferences(index(...docs)));
const WEB = deployment('web');
const D = 'dev/app.yaml Deployment web spec.template.spec';

describe('a Service selects pods and reaches one of their ports', () => {
  const S = 'dev/app.yaml Service web';
  const web = (ports: any[], selector: Record<string, string> | null = { app: 'web' }) => service('web', selector ?? undefined, ports);
  test.each<[string, any[], string[]]>([
    ['a named targetPort of the container', [WEB, web([{ port: 80, targetPort: 'http' }])], []],
    ['a numeric targetPort', [WEB, web([{ port: 80, targetPort: 8080 }])], []],
    ['a numeric targetPort that is the second port of the container', [
      deployment('web', { spec: podSpec({ containers: [container({ ports: [{ name: 'http', containerPort: 8080 }, { name: 'admin', containerPort: 9090 }] })] }) }),
      web([{ port: 90, targetPort: 9090 }]),
    ], []],
    ['a numeric targetPort written as a string', [WEB, web([{ port: 80, targetPort: '8080' }])], []],
    ['no targetPort: the port itself', [WEB, web([{ port: 8080 }])], []],
    ['port names with digits', [
      deployment('web', { spec: podSpec({ containers: [container({ ports: [{ name: 'web8080', containerPort: 1 }, { name: '8080web', containerPort: 2 }] })] }) }),
      web([{ name: 'a', port: 80, targetPort: 'web8080' }, { name: 'b', port: 81, targetPort: '8080web' }]),
    ], []],
    ['a port of the second container, the first having none', [
      deployment('web', { spec: podSpec({ containers: [container({ name: 'side', ports: undefined }), container()] }) }),
      web([{ port: 80, targetPort: 'http' }]),
    ], []],
    ['a Service without a selector (endpoints managed elsewhere)', [web([{ port: 80 }], null)], []],
    ['an ExternalName Service is exempt', [{ ...web([{ port: 80 }], { app: 'nothing' }), spec: { type: 'ExternalName', externalName: 'db.example.com', selector: { app: 'nothing' } } }], []],
    ['a Service without ports', [WEB, { ...web([]), spec: { selector: { app: 'web' } } }], []],
    ['a selector that matches no pod', [WEB, web([{ port: 80 }], { app: 'webb' })],
      [`${S} spec.selector: selects no pods of this namespace ({"app":"webb"}): use the labels of the app's pod template`]],
    ['a selector of which one label matches', [WEB, web([{ port: 80 }], { app: 'web', tier: 'front' })],
      [`${S} spec.selector: selects no pods of this namespace ({"app":"web","tier":"front"}): use the labels of the app's pod template`]],
    ['an unknown numeric targetPort', [WEB, web([{ port: 80, targetPort: 9090 }])], [`${S} spec.ports[0].targetPort: no container of the selected pods has port 9090`]],
    ['an unknown numeric string targetPort', [WEB, web([{ port: 80, targetPort: '9090' }])], [`${S} spec.ports[0].targetPort: no container of the selected pods has port "9090"`]],
    ['an unknown named targetPort', [WEB, web([{ port: 80, targetPort: 'admin' }])], [`${S} spec.ports[0].targetPort: no container of the selected pods has port "admin"`]],
    ['no targetPort, and the port is not a container port', [WEB, web([{ port: 80 }])], [`${S} spec.ports[0].targetPort: no container of the selected pods has port 80`]],
    ['the second port is wrong', [WEB, web([{ name: 'a', port: 80, targetPort: 'http' }, { name: 'b', port: 81, targetPort: 'admin' }])],
      [`${S} spec.ports[1].targetPort: no container of the selected pods has port "admin"`]],
  ])('%s', (_case, docs, expected) => {
    expect(references(...docs)).toEqual(expected);
  });
});

describe('an Ingress backend names a Service of the namespace and one of its ports', () => {
  const I = 'dev/app.yaml Ingress web';
  const P = `${I} spec.rules[0].http.paths[0].backend`;
  const SVC = service('web', { app: 'web' }, [{ name: 'http', port: 80, targetPort: 'http' }]);
  test.each<[string, any[], string[]]>([
    ['a port by name', [WEB, SVC, ingress('web', [backend('web', { name: 'http' })])], []],
    ['a port by number', [WEB, SVC, ingress('web', [backend('web', { number: 80 })])], []],
    ['a port among several, by name and by number', [WEB, service('web', { app: 'web' }, [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'admin', port: 90, targetPort: 'http' }]),
      ingress('web', [backend('web', { name: 'admin' }), backend('web', { number: 90 })])], []],
    ['an Ingress with only a default backend', [WEB, SVC, { ...ingress('web', [], backend('web', { number: 80 })), spec: { defaultBackend: backend('web', { number: 80 }) } }], []],
    ['a path without a backend is left to the schema', [WEB, SVC, ingress('web', [undefined as any])], []],
    ['a default backend', [WEB, SVC, ingress('web', [], backend('web', { number: 80 }))], []],
    ['a resource backend has no Service to check', [WEB, SVC, ingress('web', [{ resource: { apiGroup: 'k8s.example.com', kind: 'Bucket', name: 'b' } }])], []],
    ['a missing Service', [WEB, SVC, ingress('web', [backend('nope', { number: 80 })])], [`${P}.service.name: Service "nope" does not exist in this namespace`]],
    ['a missing port name', [WEB, SVC, ingress('web', [backend('web', { name: 'admin' })])], [`${P}.service.port: Service "web" has no port {"name":"admin"}`]],
    ['a missing port number', [WEB, SVC, ingress('web', [backend('web', { number: 8080 })])], [`${P}.service.port: Service "web" has no port {"number":8080}`]],
    ['a backend without a port', [WEB, SVC, ingress('web', [{ service: { name: 'web' } }])], [`${P}.service.port: Service "web" has no port undefined`]],
    ['a backend without a port, to a Service without ports', [WEB, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bare', namespace: NS } }, ingress('web', [{ service: { name: 'bare' } }])],
      [`${P}.service.port: Service "bare" has no port undefined`]],
    ['a name where the Service port has only a number', [WEB, service('web', { app: 'web' }, [{ port: 80, targetPort: 'http' }]), ingress('web', [backend('web', { name: 'http' })])],
      [`${P}.service.port: Service "web" has no port {"name":"http"}`]],
    ['a default backend to a missing Service', [WEB, SVC, ingress('web', [], backend('nope', { number: 80 }))],
      [`${I} spec.defaultBackend.service.name: Service "nope" does not exist in this namespace`]],
    ['a default backend to a missing port', [WEB, SVC, ingress('web', [], backend('web', { number: 81 }))],
      [`${I} spec.defaultBackend.service.port: Service "web" has no port {"number":81}`]],
  ])('%s', (_case, docs, expected) => {
    expect(references(...docs)).toEqual(expected);
  });

  test('paths are reported by rule and path index', () => {
    const ing = ingress('web', []);
    ing.spec.rules = [
      { host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('web', { number: 80 }) }] } },
      { host: 'b.example.com' },
      { host: 'c.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('web', { number: 80 }) }, { path: '/x', pathType: 'Prefix', backend: backend('gone', { number: 80 }) }] } },
    ];
    expect(references(WEB, SVC, ing)).toEqual([`${I} spec.rules[2].http.paths[1].backend.service.name: Service "gone" does not exist in this namespace`]);
  });
});

describe('a HorizontalPodAutoscaler finds its target, which owns the replicas', () => {
  const H = 'dev/app.yaml HorizontalPodAutoscaler web';
  const toDeployment = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
  const toRollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web' };
  const driving = rollout('web', { canary: {} });
  test.each<[string, any[], string[]]>([
    ['a Deployment', [WEB, hpa('web', toDeployment)], []],
    ['a Rollout with its apiVersion', [WEB, driving, hpa('web', toRollout)], []],
    ['a missing Deployment', [WEB, hpa('web', { ...toDeployment, name: 'nope' })], [`${H} spec.scaleTargetRef: Deployment "nope" does not exist in this namespace`]],
    ['a target of another kind of the same name', [WEB, hpa('web', { ...toDeployment, kind: 'StatefulSet' })], [`${H} spec.scaleTargetRef: StatefulSet "web" does not exist in this namespace`]],
    ['a Rollout with the wrong apiVersion', [WEB, driving, hpa('web', { ...toRollout, apiVersion: 'apps/v1' })],
      [`${H} spec.scaleTargetRef.apiVersion: must be argoproj.io/v1alpha1 for a Rollout`]],
    ['a Deployment that a Rollout drives', [WEB, driving, hpa('web', toDeployment)],
      [`${H} spec.scaleTargetRef: targets Deployment "web", which Rollout "web" drives with workloadRef: target the Rollout (apiVersion argoproj.io/v1alpha1, kind Rollout), which owns the replicas`]],
    ['a Deployment that another Deployment\'s Rollout drives is fine', [WEB, deployment('api'), rollout('api', { canary: {} }), hpa('web', toDeployment)], []],
  ])('%s', (_case, docs, expected) => {
    expect(references(...docs)).toEqual(expected);
  });
});

describe('budgets and network policies select pods of the namespace', () => {
  test.each<[string, any[], string[]]>([
    ['a PodDisruptionBudget on the app labels', [WEB, pdb('web', { app: 'web' })], []],
    ['a PodDisruptionBudget that selects nothing', [WEB, pdb('web', { app: 'api' })],
      ['dev/app.yaml PodDisruptionBudget web spec.selector: selects no pods of this namespace: use the app\'s stable labels (app.kubernetes.io/name and instance)']],
    ['a PodDisruptionBudget without matchLabels', [WEB, pdb('web', undefined)],
      ['dev/app.yaml PodDisruptionBudget web spec.selector: selects no pods of this namespace: use the app\'s stable labels (app.kubernetes.io/name and instance)']],
    ['a PodDisruptionBudget without a selector', [WEB, { ...pdb('web', undefined), spec: { maxUnavailable: 1 } }],
      ['dev/app.yaml PodDisruptionBudget web spec.selector: selects no pods of this namespace: use the app\'s stable labels (app.kubernetes.io/name and instance)']],
    ['a NetworkPolicy without a podSelector', [WEB, { ...networkPolicy('web', undefined), spec: { policyTypes: ['Ingress'] } }], []],
    ['a NetworkPolicy on the app labels', [WEB, networkPolicy('web', { app: 'web' })], []],
    ['a NetworkPolicy that selects nothing', [WEB, networkPolicy('web', { app: 'api' })], ['dev/app.yaml NetworkPolicy web spec.podSelector: selects no pods of this namespace']],
    ['a NetworkPolicy for every pod (podSelector {}, a default deny)', [WEB, networkPolicy('deny', undefined)], []],
    ['a NetworkPolicy by matchExpressions only', [WEB, { ...networkPolicy('expr', undefined), spec: { podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } } }], []],
    ['a NetworkPolicy with empty matchLabels (every pod)', [WEB, { ...networkPolicy('empty', undefined), spec: { podSelector: { matchLabels: {} } } }], []],
    ['kinds without references are not checked', [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: NS }, spec: { selector: { app: 'none' } } }], []],
  ])('%s', (_case, docs, expected) => {
    expect(references(...docs)).toEqual(expected);
  });
});

describe('what a pod uses exists in its namespace', () => {
  const withPod = (spec: any) => deployment('web', { spec: podSpec(spec) });
  test.each<[string, any[], string[]]>([
    ['an existing ServiceAccount', [withPod({ serviceAccountName: 'runner' }), named('ServiceAccount', 'runner')], []],
    ['the default ServiceAccount needs no object', [withPod({ serviceAccountName: 'default' })], []],
    ['a missing ServiceAccount', [withPod({ serviceAccountName: 'runner' })], [`${D}.serviceAccountName: ServiceAccount "runner" does not exist in this namespace`]],
    ['an existing ConfigMap', [withPod({ volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }] }), named('ConfigMap', 'cfg')], []],
    ['an optional ConfigMap may be missing', [withPod({ volumes: [{ name: 'cfg', configMap: { name: 'cfg', optional: true } }] })], []],
    ['a missing ConfigMap', [withPod({ volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }] })],
      [`${D}.volumes[1].configMap.name: ConfigMap "cfg" does not exist in this namespace`]],
    ['a ConfigMap that is explicitly not optional', [withPod({ volumes: [{ name: 'cfg', configMap: { name: 'cfg', optional: false } }] })],
      [`${D}.volumes[0].configMap.name: ConfigMap "cfg" does not exist in this namespace`]],
    ['an existing PersistentVolumeClaim', [withPod({ volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }), named('PersistentVolumeClaim', 'data')], []],
    ['a missing PersistentVolumeClaim', [withPod({ volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'data', persistentVolumeClaim: { claimName: 'data' } }] })],
      [`${D}.volumes[1].persistentVolumeClaim.claimName: PersistentVolumeClaim "data" does not exist in this namespace`]],
    ['a mount of a volume of the pod', [withPod({ volumes: [{ name: 'tmp', emptyDir: {} }], containers: [container({ volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] })] })], []],
    ['a mount without its volume', [withPod({
      volumes: [{ name: 'tmp', emptyDir: {} }],
      containers: [container(), container({ name: 'side', volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'cache', mountPath: '/cache' }] })],
    })], [`${D}.containers[1].volumeMounts[1].name: no volume named "cache" in the pod`]],
    ['a mount in a pod without volumes', [withPod({ containers: [container({ volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] })] })],
      [`${D}.containers[0].volumeMounts[0].name: no volume named "tmp" in the pod`]],
  ])('%s', (_case, docs, expected) => {
    expect(references(...docs)).toEqual(expected);
  });

  test('pods of a CronJob are found at their own path', () => {
    const cron = {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: NS },
      spec: { schedule: '0 1 * * *', jobTemplate: { spec: { template: { spec: podSpec({ serviceAccountName: 'batch', restartPolicy: 'Never' }) } } } },
    };
    expect(references(cron)).toEqual(['dev/app.yaml CronJob nightly spec.jobTemplate.spec.template.spec.serviceAccountName: ServiceAccount "batch" does not exist in this namespace']);
  });
});

describe('objects are unique per kind, API group, namespace and name', () => {
  const sa = (name: string, namespace?: string) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, ...(namespace ? { namespace } : {}) } });
  const dup = (...docs: [any, string][]) => lines(checkDuplicates(docs.map(([d, f]) => manifest(d, f))));
  test.each<[string, [any, string][], string[]]>([
    ['different names', [[sa('a', NS), 'a.yaml'], [sa('b', NS), 'b.yaml']], []],
    ['different namespaces', [[sa('a', NS), 'a.yaml'], [sa('a', 'other'), 'b.yaml']], []],
    ['different kinds', [[sa('a', NS), 'a.yaml'], [{ ...named('ConfigMap', 'a') }, 'b.yaml']], []],
    ['the same kind in different API groups', [
      [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'a', namespace: NS } }, 'a.yaml'],
      [{ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'a', namespace: NS } }, 'b.yaml'],
    ], []],
    ['the same name twice', [[sa('a', NS), 'a.yaml'], [sa('a', NS), 'b.yaml']],
      ['b.yaml ServiceAccount a metadata.name: duplicates a.yaml ServiceAccount a: names must be unique per kind and namespace']],
    ['groups that share their first letter', [
      [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'a', namespace: NS } }, 'a.yaml'],
      [{ apiVersion: 'networking.example.com/v1', kind: 'Ingress', metadata: { name: 'a', namespace: NS } }, 'b.yaml'],
    ], []],
    ['no namespace and an empty one are the same', [[sa('a'), 'a.yaml'], [{ ...sa('a'), metadata: { name: 'a', namespace: '' } }, 'b.yaml']],
      ['b.yaml ServiceAccount a metadata.name: duplicates a.yaml ServiceAccount a: names must be unique per kind and namespace']],
    ['objects without apiVersion or metadata do not break the check', [
      [{ kind: 'ConfigMap' }, 'a.yaml'], [{ kind: 'ConfigMap' }, 'b.yaml'], [{ kind: 'Secret', metadata: {} }, 'c.yaml'],
    ], ['b.yaml ConfigMap ? metadata.name: duplicates a.yaml ConfigMap ?: names must be unique per kind and namespace']],
    ['two versions of one API group are one object', [
      [{ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'a', namespace: NS } }, 'a.yaml'],
      [{ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'a', namespace: NS } }, 'b.yaml'],
    ], ['b.yaml HorizontalPodAutoscaler a metadata.name: duplicates a.yaml HorizontalPodAutoscaler a: names must be unique per kind and namespace']],
    ['cluster-scoped objects twice', [[{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, 'a.yaml'], [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, 'b.yaml']],
      ['b.yaml Namespace x metadata.name: duplicates a.yaml Namespace x: names must be unique per kind and namespace']],
    ['a third copy names the first', [[sa('a', NS), 'a.yaml'], [sa('a', NS), 'b.yaml'], [sa('a', NS), 'c.yaml']], [
      'b.yaml ServiceAccount a metadata.name: duplicates a.yaml ServiceAccount a: names must be unique per kind and namespace',
      'c.yaml ServiceAccount a metadata.name: duplicates a.yaml ServiceAccount a: names must be unique per kind and namespace',
    ]],
  ])('%s', (_case, docs, expected) => {
    expect(dup(...docs)).toEqual(expected);
  });
});

describe('one Ingress per host and path in an environment', () => {
  const routes = (...docs: any[]) => lines(checkRoutes(index(...docs)));
  /** An Ingress with one rule for `host` (none: every host) and the given paths (undefined: no path). */
  const routed = (name: string, host: string | undefined, paths: (string | undefined)[], annotations?: Record<string, unknown>) => {
    const ing = ingress(name, []);
    ing.spec.rules = [{ ...(host ? { host } : {}), http: { paths: paths.map((path) => ({ ...(path ? { path } : {}), pathType: 'Prefix', backend: backend('web', { number: 80 }) })) } }];
    if (annotations) ing.metadata.annotations = annotations;
    return ing;
  };
  const claimed = (name: string, route: string, by = 'dev/app.yaml Ingress a (spec.rules[0].http.paths[0])') =>
    `dev/app.yaml Ingress ${name} spec.rules[0].http.paths[0]: ${route} is already routed by ${by}: one Ingress per host and path in an environment; use another host or path`;
  test.each<[string, any[], string[]]>([
    ['two Ingresses for one host and path', [routed('a', 'shop.example.com', ['/']), routed('b', 'shop.example.com', ['/'])], [claimed('b', 'host "shop.example.com" path "/"')]],
    ['two Ingresses for every host', [routed('a', undefined, ['/api']), routed('b', undefined, ['/api'])], [claimed('b', 'host "*" path "/api"')]],
    ['no path is the path "/"', [routed('a', 'shop.example.com', ['/']), routed('b', 'shop.example.com', [undefined])], [claimed('b', 'host "shop.example.com" path "/"')]],
    ['one path twice in one Ingress', [routed('a', 'shop.example.com', ['/', '/'])],
      ['dev/app.yaml Ingress a spec.rules[0].http.paths[1]: host "shop.example.com" path "/" appears twice in this Ingress (also spec.rules[0].http.paths[0])']],
    ['a third Ingress names the first', [routed('a', 'x.example.com', ['/']), routed('b', 'x.example.com', ['/']), routed('c', 'x.example.com', ['/'])],
      [claimed('b', 'host "x.example.com" path "/"'), claimed('c', 'host "x.example.com" path "/"')]],
    ['an Ingress whose canary annotation is off', [routed('a', 'x.example.com', ['/']), routed('b', 'x.example.com', ['/'], { 'nginx.ingress.kubernetes.io/canary': 'false' })],
      [claimed('b', 'host "x.example.com" path "/"')]],
    ['an annotation that only ends in "canary"', [routed('a', 'x.example.com', ['/']), routed('b', 'x.example.com', ['/'], { 'example.com/notcanary': 'true' })],
      [claimed('b', 'host "x.example.com" path "/"')]],
  ])('%s', (_case, docs, expected) => {
    expect(routes(...docs)).toEqual(expected);
  });

  test.each<[string, any[]]>([
    ['other paths of one host', [routed('a', 'x.example.com', ['/']), routed('b', 'x.example.com', ['/api'])]],
    ['one path of other hosts', [routed('a', 'x.example.com', ['/']), routed('b', 'y.example.com', ['/'])]],
    ['a canary Ingress shares its stable Ingress\'s routes', [routed('a', 'x.example.com', ['/']), routed('a-canary', 'x.example.com', ['/'], { 'nginx.ingress.kubernetes.io/canary': 'true' })]],
    ['a canary under any annotation prefix', [routed('a', 'x.example.com', ['/']), routed('a-canary', 'x.example.com', ['/'], { 'custom.io/canary': true })]],
    ['a canary annotation without a prefix', [routed('a', 'x.example.com', ['/']), routed('a-canary', 'x.example.com', ['/'], { canary: 'true' })]],
    ['Ingresses without rules or paths', [{ ...ingress('a', []), spec: {} }, { ...ingress('b', []), spec: { rules: [{ host: 'x.example.com' }] } }]],
  ])('accepted: %s', (_case, docs) => {
    expect(routes(...docs)).toEqual([]);
  });
});
