import { checkApiRules } from '../lib/validate/api-rules';
import { formatProblem } from '../lib/validate/problem';
import { container, deployment, hpa, ingress, manifest, networkPolicy, NS, pdb, podSpec, rollout, service } from './support/docs';

type Doc = Record<string, any>;
type Change = (d: Doc) => void;

/** The API-server problems of one document, as `object path: message`. */
const rules = (doc: Doc) => checkApiRules(manifest(doc)).map(formatProblem);
/** The problems of `make()` after `change` edited it. */
const after = (make: () => Doc, change: Change) => {
  const doc = make();
  change(doc);
  return rules(doc);
};
const web = () => deployment('web');
const pod = (d: Doc) => d.spec.template.spec;
const c0 = (d: Doc) => pod(d).containers[0];

const D = 'dev/app.yaml Deployment web';
const P = `${D} spec.template.spec`;
const C0 = `${P}.containers[0]`;
const S = 'dev/app.yaml Service web';
const I = 'dev/app.yaml Ingress web';
const N = 'dev/app.yaml NetworkPolicy web';

// Messages of the shared rules (lib/rules/), as the gate passes them on.
const LABEL1123 = 'must be a DNS-1123 label: lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "my-name")';
const SUBDOMAIN = 'must be a DNS-1123 subdomain: lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (e.g. "example.com")';
const LABEL1035 = 'must be a DNS-1035 label: lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit (e.g. "my-name")';
const LABEL_VALUE = 'must be empty or consist of letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit';
const KEY_NAME = 'name part must consist of letters, digits, \'-\', \'_\' or \'.\', and must start and end with a letter or digit (e.g. "my.name")';
const PORT = (v: unknown) => `must be an integer between 1 and 65535, got ${v}`;
const PORT_CHARS = 'must contain only lowercase letters, digits and \'-\'';
const CONFIG_KEY = 'must consist of letters, digits, \'-\', \'_\' or \'.\' (e.g. "password" or "db.password"; no \'/\')';

test('the valid documents of each kind pass', () => {
  for (const doc of [
    web(), service('web', { app: 'web' }), ingress('web', [{ service: { name: 'web', port: { name: 'http' } } }]), hpa('web', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }),
    pdb('web', { app: 'web' }), networkPolicy('web', { app: 'web' }), rollout('web', { canary: {} }),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: NS }, data: { 'application.yaml': 'a: 1' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: NS }, data: { 'db.password': 'eA==' }, stringData: { token: 'x' } },
  ]) {
    expect(rules(doc)).toEqual([]);
  }
});

test('a document that is not an object has no API-server problems (the schema reports it)', () => {
  for (const doc of [null, 'text', 7]) expect(checkApiRules({ file: 'dev/app.yaml', doc })).toEqual([]);
});

describe('ValidateObjectMeta: the name rule of the kind, namespace, labels and annotations', () => {
  test.each<[string, () => Doc, string[]]>([
    ['a Service name that starts with a digit (a DNS-1035 label)', () => ({ ...service('web', { app: 'web' }), metadata: { name: '2fa', namespace: NS } }),
      [`dev/app.yaml Service 2fa metadata.name: "2fa" is not a valid Service name (a DNS-1035 label): ${LABEL1035}`]],
    ['a Namespace name with a dot (a DNS-1123 label)', () => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop.dev' } }),
      ['dev/app.yaml Namespace shop.dev metadata.name: "shop.dev" is not a valid Namespace name (a DNS-1123 label): must not contain dots']],
    ['a Deployment name with a capital (a DNS-1123 subdomain)', () => ({ ...web(), metadata: { name: 'Web', namespace: NS } }),
      [`dev/app.yaml Deployment Web metadata.name: "Web" is not a valid Deployment name (a DNS-1123 subdomain): ${SUBDOMAIN}`]],
    ['a name that breaks two parts of its rule, naming both', () => ({ ...service('web', { app: 'web' }), metadata: { name: `A${'a'.repeat(63)}`, namespace: NS } }),
      [`dev/app.yaml Service A${'a'.repeat(63)} metadata.name: "A${'a'.repeat(63)}" is not a valid Service name (a DNS-1035 label): must be no more than 63 characters (got 64); ${LABEL1035}`]],
    ['an empty name', () => ({ ...web(), metadata: { name: '', namespace: NS } }),
      ['dev/app.yaml Deployment  metadata.name: "" is not a valid Deployment name (a DNS-1123 subdomain): is required']],
    ['a bad name of a document without a kind, by the default rule', () => ({ apiVersion: 'v1', metadata: { name: 'A' } }),
      [`dev/app.yaml ? A metadata.name: "A" is not a valid object name (a DNS-1123 subdomain): ${SUBDOMAIN}`]],
    ['a namespace that is no DNS-1123 label', () => ({ ...web(), metadata: { name: 'web', namespace: 'shop_dev' } }),
      [`${D} metadata.namespace: "shop_dev" (a namespace is a DNS-1123 label): ${LABEL1123}`]],
    ['a label value with a space, by its key', () => ({ ...web(), metadata: { name: 'web', namespace: NS, labels: { tier: 'front end' } } }),
      [`${D} metadata.labels.tier: label value "front end" of "tier": ${LABEL_VALUE}`]],
    ['a label key that is not an identifier is quoted in the path', () => ({ ...web(), metadata: { name: 'web', namespace: NS, labels: { 'app.kubernetes.io/part-of': 'a b', 'bad key': 'x' } } }),
      [
        `${D} metadata.labels["app.kubernetes.io/part-of"]: label value "a b" of "app.kubernetes.io/part-of": ${LABEL_VALUE}`,
        `${D} metadata.labels["bad key"]: label key "bad key": ${KEY_NAME}`,
      ]],
    ['a label key starting with a digit is quoted too', () => ({ ...web(), metadata: { name: 'web', namespace: NS, labels: { '1tier': 'a b' } } }),
      [`${D} metadata.labels["1tier"]: label value "a b" of "1tier": ${LABEL_VALUE}`]],
    ['an annotation key with a space', () => ({ ...web(), metadata: { name: 'web', namespace: NS, annotations: { 'example.com/a b': 'x' } } }),
      [`${D} metadata.annotations["example.com/a b"]: annotation key "example.com/a b": ${KEY_NAME}`]],
    ['annotations over 256 KiB are reported on the map', () => ({ ...web(), metadata: { name: 'web', namespace: NS, annotations: { a: 'x'.repeat(256 * 1024) } } }),
      [`${D} metadata.annotations: annotations take 262145 bytes, more than the API server's limit of 262144 (256 KiB)`]],
  ])('refuses %s', (_case, make, expected) => {
    expect(rules(make())).toEqual(expected);
  });

  test.each<[string, () => Doc]>([
    ['a Service name that starts with a letter', () => ({ ...service('web', { app: 'web' }), metadata: { name: 'a2', namespace: NS } })],
    ['a dotted name where the kind allows a subdomain', () => ({ ...web(), metadata: { name: 'web.v2', namespace: NS } })],
    ['a name that is no string (the schema reports it)', () => ({ ...web(), metadata: { name: ['Web'], namespace: NS } })],
    ['an empty namespace (the gate reports it once, as missing)', () => ({ ...web(), metadata: { name: 'web', namespace: '' } })],
    ['valid labels and annotations (keys with a prefix, an empty label value, exactly 256 KiB)', () => ({
      ...web(), metadata: { name: 'web', namespace: NS, labels: { 'app.kubernetes.io/name': 'web', tier: '' }, annotations: { 'Example.com/Owner': 'team a', a: 'x'.repeat(256 * 1024 - 24) } },
    })],
    ['metadata that is not an object, labels and annotations that are not maps', () => ({ ...web(), metadata: 'web' })],
    ['labels and annotations that are not maps', () => ({ ...web(), metadata: { name: 'web', namespace: NS, labels: 'a', annotations: ['a b'] } })],
  ])('accepts %s', (_case, make) => {
    expect(rules(make())).toEqual([]);
  });

  test('the pod template: labels and annotations are checked, its name is not', () => {
    expect(after(web, (d) => {
      d.spec.template.metadata = { name: 'Not_A_Name', namespace: 'Bad_Ns', labels: { app: 'web', 'bad key': 'x' }, annotations: { 'a b': '' } };
    })).toEqual([
      `${D} spec.template.metadata.namespace: "Bad_Ns" (a namespace is a DNS-1123 label): ${LABEL1123}`,
      `${D} spec.template.metadata.labels["bad key"]: label key "bad key": ${KEY_NAME}`,
      `${D} spec.template.metadata.annotations["a b"]: annotation key "a b": ${KEY_NAME}`,
    ]);
  });

  test('the pod template of a CronJob is under its jobTemplate', () => {
    const cron = {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: NS },
      spec: { schedule: '0 0 * * *', jobTemplate: { spec: { template: { metadata: { labels: { 'a b': 'x' } }, spec: podSpec({ containers: [container({ name: 'Job' })] }) } } } },
    };
    const T = 'dev/app.yaml CronJob nightly spec.jobTemplate.spec.template';
    expect(rules(cron)).toEqual([
      `${T}.metadata.labels["a b"]: label key "a b": ${KEY_NAME}`,
      `${T}.spec.containers[0].name: "Job": ${LABEL1123}`,
    ]);
  });

  test('a CronJob name has at most 52 characters (its Jobs get a suffix)', () => {
    const cron = (name: string) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: NS }, spec: { schedule: '0 0 * * *', jobTemplate: { spec: {} } } });
    expect(rules(cron('n'.repeat(52)))).toEqual([]);
    expect(rules(cron('n'.repeat(53)))).toEqual([
      `dev/app.yaml CronJob ${'n'.repeat(53)} metadata.name: "${'n'.repeat(53)}" is not a valid CronJob name (a DNS-1123 subdomain): must be no more than 52 characters (got 53)`,
    ]);
  });
});

describe('ValidateLabelSelector: matchLabels and matchExpressions', () => {
  const selector = (sel: any) => () => ({ ...pdb('web', undefined), spec: { maxUnavailable: 1, selector: sel } });
  const B = 'dev/app.yaml PodDisruptionBudget web spec.selector';
  test.each<[string, any, string[]]>([
    ['a matchLabels value with a space', { matchLabels: { app: 'a b' } }, [`${B}.matchLabels.app: label value "a b" of "app": ${LABEL_VALUE}`]],
    ['a matchLabels key that is no qualified name', { matchLabels: { '-app': 'web' } }, [`${B}.matchLabels["-app"]: label key "-app": ${KEY_NAME}`]],
    ['an expression key that is no qualified name', { matchExpressions: [{ key: 'a b', operator: 'Exists' }] }, [`${B}.matchExpressions[0].key: "a b": ${KEY_NAME}`]],
    ['an expression without a key', { matchExpressions: [{ operator: 'Exists' }] }, [`${B}.matchExpressions[0].key: "": name part must be non-empty`]],
    ['In without values', { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, [`${B}.matchExpressions[0].values: must be specified when operator is In`]],
    ['NotIn without values', { matchExpressions: [{ key: 'app', operator: 'NotIn' }] }, [`${B}.matchExpressions[0].values: must be specified when operator is NotIn`]],
    ['Exists with values', { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['web'] }] }, [`${B}.matchExpressions[0].values: may not be specified when operator is Exists`]],
    ['DoesNotExist with values', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist', values: ['web'] }] },
      [`${B}.matchExpressions[0].values: may not be specified when operator is DoesNotExist`]],
    ['an unknown operator', { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] },
      [`${B}.matchExpressions[0].operator: must be In, NotIn, Exists or DoesNotExist, got "Equals"`]],
    ['no operator', { matchExpressions: [{ key: 'app' }] }, [`${B}.matchExpressions[0].operator: must be In, NotIn, Exists or DoesNotExist, got "undefined"`]],
    ['an expression that is not an object', { matchExpressions: [null] }, [
      `${B}.matchExpressions[0].key: "": name part must be non-empty`,
      `${B}.matchExpressions[0].operator: must be In, NotIn, Exists or DoesNotExist, got "undefined"`,
    ]],
    ['a value that is no label value, by index, in the second expression', {
      matchExpressions: [{ key: 'app', operator: 'Exists' }, { key: 'tier', operator: 'In', values: ['front', 'back end'] }],
    }, [`${B}.matchExpressions[1].values[1]: "back end": ${LABEL_VALUE}`]],
  ])('refuses %s', (_case, sel, expected) => {
    expect(rules(selector(sel)())).toEqual(expected);
  });

  test.each<[string, any]>([
    ['In and NotIn with values', { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }, { key: 'example.com/tier', operator: 'NotIn', values: ['a', ''] }] }],
    ['Exists and DoesNotExist without values', { matchExpressions: [{ key: 'app', operator: 'Exists' }, { key: 'tier', operator: 'DoesNotExist', values: [] }] }],
    ['values that are not strings are left to the schema', { matchExpressions: [{ key: 'app', operator: 'In', values: [1, ['a b']] }] }],
    ['matchLabels and matchExpressions that are not a map and a list', { matchLabels: ['a b'], matchExpressions: { key: 'a b' } }],
    ['a selector that is not an object', 'app=web'],
  ])('accepts %s', (_case, sel) => {
    expect(rules(selector(sel)())).toEqual([]);
  });
});

describe('ValidatePodSpec: volumes, containers, ports, env, probes, resources, scheduling', () => {
  test.each<[string, Change, string[]]>([
    ['a volume name that is no DNS-1123 label', (d) => { pod(d).volumes = [{ name: 'tmp', emptyDir: {} }, { name: 'Cache', emptyDir: {} }]; },
      [`${P}.volumes[1].name: "Cache": ${LABEL1123}`]],
    ['two volumes of one name', (d) => { pod(d).volumes = [{ name: 'tmp', emptyDir: {} }, { name: 'tmp', emptyDir: {} }]; },
      [`${P}.volumes[1].name: duplicate volume name "tmp"`]],
    ['a container name that is no DNS-1123 label', (d) => { c0(d).name = 'App'; }, [`${C0}.name: "App": ${LABEL1123}`]],
    ['two containers of one name', (d) => { pod(d).containers.push(container({ ports: [] })); }, [`${P}.containers[1].name: duplicate container name "app"`]],
    ['an init container and a container of one name', (d) => { pod(d).initContainers = [container({ ports: [] })]; }, [`${C0}.name: duplicate container name "app"`]],
    ['an init container name that is no label', (d) => { pod(d).initContainers = [container({ name: 'Init', ports: [] })]; }, [`${P}.initContainers[0].name: "Init": ${LABEL1123}`]],
    ['containerPort 0', (d) => { c0(d).ports[0].containerPort = 0; }, [`${C0}.ports[0].containerPort: ${PORT(0)}`]],
    ['containerPort 65536', (d) => { c0(d).ports[0].containerPort = 65536; }, [`${C0}.ports[0].containerPort: ${PORT(65536)}`]],
    ['hostPort 65536', (d) => { c0(d).ports[0].hostPort = 65536; }, [`${C0}.ports[0].hostPort: ${PORT(65536)}`]],
    ['hostPort -1', (d) => { c0(d).ports[0].hostPort = -1; }, [`${C0}.ports[0].hostPort: ${PORT(-1)}`]],
    ['a port name that is no IANA service name', (d) => { c0(d).ports[0].name = 'http_a'; }, [`${C0}.ports[0].name: "http_a" (an IANA service name): ${PORT_CHARS}`]],
    ['two ports of one name in a container', (d) => { c0(d).ports.push({ name: 'http', containerPort: 9090 }); }, [`${C0}.ports[1].name: duplicate port name "http"`]],
    ['an env var name that starts with a digit, by index', (d) => { c0(d).env = [{ name: 'A', value: 'x' }, { name: '1A', value: 'x' }]; },
      [`${C0}.env[1].name: "1A": must consist of letters, digits, '_', '-' or '.', and must not start with a digit (e.g. "MY_ENV.NAME")`]],
    ['an env var with value and valueFrom', (d) => { c0(d).env = [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]; },
      [`${C0}.env[0].valueFrom: may not be specified when value is not empty`]],
    ['a liveness probe with two handlers', (d) => { c0(d).livenessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 8080 } }; },
      [`${C0}.livenessProbe: may not specify more than one handler type, got exec and tcpSocket`]],
    ['a readiness probe on port 0', (d) => { c0(d).readinessProbe.httpGet.port = 0; }, [`${C0}.readinessProbe.httpGet.port: ${PORT(0)}`]],
    ['a startup probe with successThreshold 2', (d) => { c0(d).startupProbe = { tcpSocket: { port: 'http' }, successThreshold: 2 }; },
      [`${C0}.startupProbe.successThreshold: must be 1 for a startup probe, got 2`]],
    ['a request that is no quantity', (d) => { c0(d).resources.requests.memory = '1GB'; },
      [`${C0}.resources.requests.memory: "1GB" is not a Kubernetes quantity (e.g. "500m", "1Gi", "2")`]],
    ['a limit that is neither string nor number', (d) => { c0(d).resources.limits.cpu = true; },
      [`${C0}.resources.limits.cpu: "true" is not a Kubernetes quantity (e.g. "500m", "1Gi", "2")`]],
    ['a request that is a list, not compared with its limit', (d) => { c0(d).resources.requests.cpu = ['2']; },
      [`${C0}.resources.requests.cpu: "2" is not a Kubernetes quantity (e.g. "500m", "1Gi", "2")`]],
    ['a limit that is a list, not compared with its request', (d) => { c0(d).resources.limits.cpu = ['0']; },
      [`${C0}.resources.limits.cpu: "0" is not a Kubernetes quantity (e.g. "500m", "1Gi", "2")`]],
    ['a negative limit', (d) => { c0(d).resources.limits['ephemeral-storage'] = '-1Gi'; }, [`${C0}.resources.limits.ephemeral-storage: must be greater than or equal to 0, got "-1Gi"`]],
    ['a negative numeric request', (d) => { c0(d).resources.requests.cpu = -1; }, [`${C0}.resources.requests.cpu: must be greater than or equal to 0, got "-1"`]],
    ['a request above its limit', (d) => { c0(d).resources.requests.cpu = '1001m'; }, [`${C0}.resources.requests.cpu: must be less than or equal to the cpu limit (1), got "1001m"`]],
    ['a numeric request above a string limit', (d) => { c0(d).resources.requests.cpu = 2; }, [`${C0}.resources.requests.cpu: must be less than or equal to the cpu limit (1), got "2"`]],
    ['a string request above a numeric limit', (d) => { c0(d).resources.limits.memory = 1024; c0(d).resources.requests.memory = '1Ki'; c0(d).resources.limits.cpu = 0.5; c0(d).resources.requests.cpu = '501m'; },
      [`${C0}.resources.requests.cpu: must be less than or equal to the cpu limit (0.5), got "501m"`]],
    ['a request above the limit in an init container', (d) => { pod(d).initContainers = [container({ name: 'init', ports: [], resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } })]; },
      [`${P}.initContainers[0].resources.requests.memory: must be less than or equal to the memory limit (1Gi), got "2Gi"`]],
    ['a nodeSelector value with a space', (d) => { pod(d).nodeSelector = { pool: 'java apps' }; }, [`${P}.nodeSelector.pool: nodeSelector value "java apps" of "pool": ${LABEL_VALUE}`]],
    ['a nodeSelector key that is no qualified name', (d) => { pod(d).nodeSelector = { 'a b': 'x' }; }, [`${P}.nodeSelector["a b"]: nodeSelector key "a b": ${KEY_NAME}`]],
    ['a toleration with Exists and a value, by index', (d) => { pod(d).tolerations = [{ operator: 'Exists' }, { key: 'dedicated', operator: 'Exists', value: 'java' }]; },
      [`${P}.tolerations[1].value: must be empty when operator is Exists (it tolerates every value of the key), got "java": remove value or use operator Equal`]],
    ['a serviceAccountName that is no subdomain', (d) => { pod(d).serviceAccountName = 'Runner'; }, [`${P}.serviceAccountName: "Runner": ${SUBDOMAIN}`]],
  ])('refuses %s', (_case, change, expected) => {
    expect(after(web, change)).toEqual(expected);
  });

  test.each<[string, Change]>([
    ['volumes of distinct valid names, and one without a name', (d) => { pod(d).volumes = [{ name: 'tmp', emptyDir: {} }, { name: 'cache', emptyDir: {} }, { emptyDir: {} }]; }],
    ['one port name in two containers', (d) => { pod(d).containers.push(container({ name: 'side' })); }],
    ['ports 1 and 65535, hostPort 0 (none)', (d) => { c0(d).ports = [{ name: 'a', containerPort: 1, hostPort: 0 }, { name: 'b', containerPort: 65535, hostPort: 65535 }]; }],
    ['ports without names or numbers (the schema reports them)', (d) => { c0(d).ports = [{ containerPort: '80', name: 7 }, null]; }],
    ['valid env vars', (d) => { c0(d).env = [{ name: 'my.env-name', value: 'x' }, { name: 'B', valueFrom: { secretKeyRef: { name: 'db', key: 'db.password' } } }]; }],
    ['an init container\'s probes are not checked', (d) => { pod(d).initContainers = [container({ name: 'init', ports: [], readinessProbe: {} })]; }],
    ['probes that are not objects are left to the schema', (d) => { c0(d).livenessProbe = 'yes'; }],
    ['a request equal to its limit, numeric quantities, requests without limits', (d) => {
      c0(d).resources = { requests: { cpu: '1', memory: 2 ** 20, 'ephemeral-storage': '1Gi' }, limits: { cpu: 1, memory: '1Mi' } };
    }],
    ['zero requests and limits', (d) => { c0(d).resources = { requests: { cpu: '0' }, limits: { cpu: 0 } }; }],
    ['a container without resources, ports, env or name', (d) => { pod(d).containers = [{ image: 'x:1' }]; }],
    ['a valid nodeSelector, tolerations and serviceAccountName', (d) => {
      Object.assign(pod(d), { nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'java', effect: 'NoSchedule' }], serviceAccountName: 'runner.v2' });
    }],
    ['lists and maps of the wrong type are left to the schema', (d) => { Object.assign(pod(d), { volumes: {}, initContainers: 'x', nodeSelector: ['a b'], tolerations: {} }); }],
  ])('accepts %s', (_case, change) => {
    expect(after(web, change)).toEqual([]);
  });

  test('list entries that are not objects are left to the schema, not a crash', () => {
    expect(after(web, (d) => {
      Object.assign(pod(d), { volumes: [null], initContainers: [null], tolerations: [null] });
      pod(d).containers.push(null);
      Object.assign(c0(d), { ports: [null], env: [null] });
    })).toEqual([`${C0}.env[0].name: "": must not be empty`, `${P}.tolerations[0].operator: must be Exists when key is empty (a toleration of every taint), got "Equal"`]);
  });

  test('a pod spec that is not an object is left to the schema', () => {
    expect(after(web, (d) => { d.spec.template.spec = 'pod'; })).toEqual([]);
  });
});

describe('ValidateService: ports and selector', () => {
  const svc = (ports: any[], selector: any = { app: 'web' }, type?: string) => () => {
    const doc = service('web', selector, ports);
    if (type) doc.spec.type = type;
    return doc;
  };
  test.each<[string, () => Doc, string[]]>([
    ['a second port without a name', svc([{ name: 'http', port: 80 }, { port: 81 }]), [`${S} spec.ports[1].name: is required when a Service has more than one port`]],
    ['a second port that is not an object, as one without a name', svc([{ name: 'http', port: 80 }, null]), [`${S} spec.ports[1].name: is required when a Service has more than one port`]],
    ['two ports with empty names', svc([{ name: '', port: 80 }, { name: '', port: 81 }]), [
      `${S} spec.ports[0].name: is required when a Service has more than one port`, `${S} spec.ports[1].name: is required when a Service has more than one port`,
    ]],
    ['a port name that is no DNS-1123 label', svc([{ name: 'Http', port: 80 }]), [`${S} spec.ports[0].name: "Http": ${LABEL1123}`]],
    ['two ports of one name', svc([{ name: 'http', port: 80 }, { name: 'http', port: 81 }]), [`${S} spec.ports[1].name: duplicate port name "http"`]],
    ['port 0', svc([{ port: 0 }]), [`${S} spec.ports[0].port: ${PORT(0)}`]],
    ['port 65536', svc([{ port: 65536 }]), [`${S} spec.ports[0].port: ${PORT(65536)}`]],
    ['a targetPort above 65535', svc([{ port: 80, targetPort: 65536 }]), [`${S} spec.ports[0].targetPort: ${PORT(65536)}`]],
    ['a numeric targetPort written as a string', svc([{ port: 80, targetPort: '8080' }]), [`${S} spec.ports[0].targetPort: a port given as a string must be a name, got "8080": write the number without quotes`]],
    ['a targetPort name that is no IANA service name', svc([{ port: 80, targetPort: 'Http' }]), [`${S} spec.ports[0].targetPort: ${PORT_CHARS}`]],
    ['a nodePort above 65535', svc([{ port: 80, nodePort: 70000 }], undefined, 'NodePort'), [`${S} spec.ports[0].nodePort: ${PORT(70000)}`]],
    ['a negative nodePort', svc([{ port: 80, nodePort: -1 }], undefined, 'NodePort'), [`${S} spec.ports[0].nodePort: ${PORT(-1)}`]],
    ['a selector value with a space', svc([{ port: 80 }], { app: 'a b' }), [`${S} spec.selector.app: label value "a b" of "app": ${LABEL_VALUE}`]],
  ])('refuses %s', (_case, make, expected) => {
    expect(rules(make())).toEqual(expected);
  });

  test.each<[string, () => Doc]>([
    ['one port without a name', svc([{ port: 80 }])],
    ['ports 1 and 65535, a named targetPort, targetPort and nodePort 0 (unset)', svc([{ name: 'a', port: 1, targetPort: 'http', nodePort: 0 }, { name: 'b', port: 65535, targetPort: 0, nodePort: 30080 }], undefined, 'NodePort')],
    ['a port that is no number (left to the schema)', svc([{ port: '80' }])],
    ['port names that are no strings (left to the schema)', svc([{ name: 7, port: 80 }, { name: 7, port: 81 }])],
    ['no ports and no selector in a headless Service', () => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS }, spec: { clusterIP: 'None' } })],
    ['ports and a selector of the wrong type', () => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS }, spec: { ports: {}, selector: ['a b'] } })],
  ])('accepts %s', (_case, make) => {
    expect(rules(make())).toEqual([]);
  });
});

describe('ValidateIngressSpec: rules, backends, paths, TLS and class', () => {
  const ing = (spec: any, annotations?: Record<string, string>) => () => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: NS, ...(annotations ? { annotations } : {}) }, spec,
  });
  const be = (port: any, name = 'web') => ({ service: { name, port } });
  const rule = (paths: any[], host: any = 'web.example.com') => ({ host, http: { paths } });
  const path = (backend: any, p = '/', pathType = 'Prefix') => ({ path: p, pathType, backend });
  const R0 = `${I} spec.rules[0]`;
  const B0 = `${R0}.http.paths[0].backend`;
  test.each<[string, () => Doc, string[]]>([
    ['neither rules nor a default backend', ing({ rules: [] }), [`${I} spec: either defaultBackend or rules must be specified`]],
    ['no spec at all', () => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: NS } }), [`${I} spec: either defaultBackend or rules must be specified`]],
    ['a backend Service name that is no DNS-1035 label', ing({ rules: [rule([path(be({ number: 80 }, '2fa'))])] }), [`${B0}.service.name: "2fa" (a Service name): ${LABEL1035}`]],
    ['a backend port with name and number', ing({ rules: [rule([path(be({ name: 'http', number: 80 }))])] }), [`${B0}.service.port: cannot set both port name and port number`]],
    ['a backend port name that is no IANA name', ing({ rules: [rule([path(be({ name: 'http_a' }))])] }), [`${B0}.service.port.name: "http_a": ${PORT_CHARS}`]],
    ['a backend port number above 65535', ing({ rules: [rule([path(be({ number: 65536 }))])] }), [`${B0}.service.port.number: ${PORT(65536)}`]],
    ['a backend port without name or number', ing({ rules: [rule([path(be({}))])] }), [`${B0}.service.port: port name or number is required`]],
    ['a backend port number 0', ing({ rules: [rule([path(be({ number: 0 }))])] }), [`${B0}.service.port: port name or number is required`]],
    ['a default backend without a port', ing({ defaultBackend: { service: { name: 'web' } } }), [`${I} spec.defaultBackend.service.port: port name or number is required`]],
    ['a host that is an IP address', ing({ rules: [rule([path(be({ number: 80 }))], '10.0.0.1')] }), [`${R0}.host: "10.0.0.1": must be a DNS name, not an IP address, got "10.0.0.1"`]],
    ['a wildcard that is not the first label', ing({ rules: [rule([path(be({ number: 80 }))], 'a.*.example.com')] }),
      [`${R0}.host: "a.*.example.com": a wildcard host must start with '*.' followed by a DNS-1123 subdomain (e.g. "*.example.com"); '*' is only allowed as the whole first label`]],
    ['an http rule without paths', ing({ rules: [{ host: 'web.example.com', http: {} }] }), [`${R0}.http.paths: is required`]],
    ['a path without pathType, in the second path', ing({ rules: [rule([path(be({ number: 80 })), { path: '/x', backend: be({ number: 80 }) }])] }),
      [`${R0}.http.paths[1].pathType: pathType must be specified`]],
    ['a path that is not an object', ing({ rules: [rule([null])] }), [`${R0}.http.paths[0].pathType: pathType must be specified`]],
    ['a Prefix path with /../, in the second rule', ing({ rules: [rule([path(be({ number: 80 }))]), rule([path(be({ number: 80 }), '/a/../b')])] }),
      [`${I} spec.rules[1].http.paths[0].path: must not contain '/../', got "/a/../b"`]],
    ['a Prefix path without a path', ing({ rules: [rule([{ pathType: 'Prefix', backend: be({ number: 80 }) }])] }),
      [`${R0}.http.paths[0].path: must start with '/', got "" (an absolute path)`]],
    ['an unknown pathType', ing({ rules: [rule([path(be({ number: 80 }), '/', 'Regex')])] }),
      [`${R0}.http.paths[0].path: pathType must be one of Exact, ImplementationSpecific or Prefix, got "Regex"`]],
    ['a TLS host that is no subdomain', ing({ rules: [rule([path(be({ number: 80 }))])], tls: [{ hosts: ['web.example.com'] }, { hosts: ['ok.example.com', 'Web.example.com'] }] }),
      [`${I} spec.tls[1].hosts[1]: "Web.example.com": ${SUBDOMAIN}`]],
    ['a TLS wildcard host that is not the first label', ing({ rules: [rule([path(be({ number: 80 }))])], tls: [{ hosts: ['a.*.example.com'] }] }),
      [`${I} spec.tls[0].hosts[0]: "a.*.example.com": a wildcard host must start with '*.' followed by a DNS-1123 subdomain (e.g. "*.example.com"); '*' is only allowed as the whole first label`]],
    ['a TLS Secret name that is no subdomain', ing({ rules: [rule([path(be({ number: 80 }))])], tls: [{ secretName: 'Web_TLS' }] }),
      [`${I} spec.tls[0].secretName: "Web_TLS" (a Secret name): ${SUBDOMAIN}`]],
    ['an ingressClassName that is no subdomain', ing({ ingressClassName: 'Nginx_Public', rules: [rule([path(be({ number: 80 }))])] }),
      [`${I} spec.ingressClassName: "Nginx_Public": ${SUBDOMAIN}`]],
    ['a class annotation that differs from ingressClassName', ing({ ingressClassName: 'nginx', rules: [rule([path(be({ number: 80 }))])] }, { 'kubernetes.io/ingress.class': 'traefik' }),
      [`${I} metadata.annotations["kubernetes.io/ingress.class"]: must match ingressClassName ("nginx") when both are specified, got "traefik"`]],
  ])('refuses %s', (_case, make, expected) => {
    expect(rules(make())).toEqual(expected);
  });

  test.each<[string, () => Doc]>([
    ['only a default backend', ing({ defaultBackend: be({ name: 'http' }) })],
    ['a default backend without a Service (a resource backend)', ing({ defaultBackend: { resource: { apiGroup: 'example.com', kind: 'Bucket', name: 'b' } } })],
    ['backend ports 1 and 65535, a port name', ing({ rules: [rule([path(be({ number: 1 })), path(be({ number: 65535 }), '/b'), path(be({ name: 'http' }), '/c')])] })],
    ['a backend Service name that is no string (the schema reports it)', ing({ rules: [rule([path({ service: { name: 7, port: { number: 80 } } })])] })],
    ['a path without a backend (the schema reports it)', ing({ rules: [rule([{ path: '/', pathType: 'Prefix' }])] })],
    ['a wildcard host, an empty host, a rule without http', ing({ rules: [rule([path(be({ number: 80 }))], '*.example.com'), rule([path(be({ number: 80 }))], ''), { host: 'x.example.com' }] })],
    ['a host that is no string, a rule that is not an object, TLS entries that are not objects or strings', ing({ rules: [rule([path(be({ number: 80 }))], 7), null], tls: [null, { secretName: ['Web_TLS'] }] })],
    ['an Ingress without metadata', () => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', spec: { defaultBackend: be({ number: 80 }) } })],
    ['Exact and ImplementationSpecific paths', ing({ rules: [rule([path(be({ number: 80 }), '/api', 'Exact'), path(be({ number: 80 }), '/v1..2'), path(be({ number: 80 }), '', 'ImplementationSpecific')])] })],
    ['TLS with wildcard and plain hosts, a dotted Secret name, hosts that are no strings', ing({
      rules: [rule([path(be({ number: 80 }))])], tls: [{ hosts: ['*.example.com', 'web.example.com', 7], secretName: 'web.example.com-tls' }, { secretName: '' }, {}],
    })],
    ['a valid ingressClassName with the same annotation', ing({ ingressClassName: 'nginx', rules: [rule([path(be({ number: 80 }))])] }, { 'kubernetes.io/ingress.class': 'nginx' })],
    ['the class annotation alone', ing({ rules: [rule([path(be({ number: 80 }))])] }, { 'kubernetes.io/ingress.class': 'traefik' })],
    ['ingressClassName alone', ing({ ingressClassName: 'nginx', rules: [rule([path(be({ number: 80 }))])] })],
  ])('accepts %s', (_case, make) => {
    expect(rules(make())).toEqual([]);
  });
});

describe('ValidateNetworkPolicySpec: ports, peers and policy types', () => {
  const np = (spec: any) => () => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: NS }, spec: { podSelector: {}, ...spec } });
  const ingressPorts = (...ports: any[]) => np({ ingress: [{ ports }] });
  const from = (...peers: any[]) => np({ ingress: [{ from: peers }] });
  const cidr = (c: any) => from({ ipBlock: { cidr: c } });
  const IN = `${N} spec.ingress[0]`;
  const CIDR = (c: string) => [`${IN}.from[0].ipBlock.cidr: must be a CIDR such as 10.0.0.0/8, got "${c}"`];
  test.each<[string, () => Doc, string[]]>([
    ['a podSelector with an unknown operator', np({ podSelector: { matchExpressions: [{ key: 'app', operator: 'Is' }] } }),
      [`${N} spec.podSelector.matchExpressions[0].operator: must be In, NotIn, Exists or DoesNotExist, got "Is"`]],
    ['an unknown protocol', ingressPorts({ protocol: 'HTTP', port: 80 }), [`${IN}.ports[0].protocol: must be TCP, UDP or SCTP, got "HTTP"`]],
    ['an endPort without a port', ingressPorts({ endPort: 90 }), [`${IN}.ports[0].endPort: may not be specified when port is not specified`]],
    ['port 0', ingressPorts({ port: 0 }), [`${IN}.ports[0].port: ${PORT(0)}`]],
    ['an endPort below the port', ingressPorts({ port: 80, endPort: 79 }), [`${IN}.ports[0].endPort: must be greater than or equal to port (80), got 79`]],
    ['an endPort above 65535', ingressPorts({ port: 80, endPort: 65536 }), [`${IN}.ports[0].endPort: ${PORT(65536)}`]],
    ['an endPort with a named port', ingressPorts({ port: 'http', endPort: 90 }), [`${IN}.ports[0].endPort: may not be specified when port is non-numeric`]],
    ['a named port that is no IANA name', ingressPorts({ port: 'http_a' }), [`${IN}.ports[0].port: ${PORT_CHARS}`]],
    ['a numeric port written as a string, in the second entry', ingressPorts({ port: 80 }, { port: '80' }), [`${IN}.ports[1].port: a port given as a string must be a name, got "80": write the number without quotes`]],
    ['an egress port, under egress', np({ egress: [{ ports: [{ port: 70000 }] }] }), [`${N} spec.egress[0].ports[0].port: ${PORT(70000)}`]],
    ['a peer of no kind', from({}), [`${IN}.from[0]: must specify a peer: podSelector, namespaceSelector or ipBlock`]],
    ['a peer that is not an object', from(null), [`${IN}.from[0]: must specify a peer: podSelector, namespaceSelector or ipBlock`]],
    ['a peer whose selectors are null', from({ podSelector: null, namespaceSelector: null }), [`${IN}.from[0]: must specify a peer: podSelector, namespaceSelector or ipBlock`]],
    ['an ipBlock with a podSelector', from({ podSelector: {}, ipBlock: { cidr: '10.0.0.0/8' } }), [`${IN}.from[0]: may not specify both ipBlock and another peer`]],
    ['an ipBlock with a namespaceSelector, in egress', np({ egress: [{ to: [{ podSelector: {} }, { namespaceSelector: {}, ipBlock: { cidr: '10.0.0.0/8' } }] }] }),
      [`${N} spec.egress[0].to[1]: may not specify both ipBlock and another peer`]],
    ['a peer podSelector with a bad label', from({ podSelector: { matchLabels: { app: 'a b' } } }), [`${IN}.from[0].podSelector.matchLabels.app: label value "a b" of "app": ${LABEL_VALUE}`]],
    ['a peer namespaceSelector with a bad label', from({ namespaceSelector: { matchLabels: { 'a b': 'x' } } }), [`${IN}.from[0].namespaceSelector.matchLabels["a b"]: label key "a b": ${KEY_NAME}`]],
    ['a CIDR without a prefix length', cidr('10.0.0.0'), CIDR('10.0.0.0')],
    ['a CIDR with an empty prefix length', cidr('10.0.0.0/'), CIDR('10.0.0.0/')],
    ['a CIDR with a prefix length that is no number', cidr('10.0.0.0/8a'), CIDR('10.0.0.0/8a')],
    ['a CIDR with a prefix length that is no number, before the digits', cidr('10.0.0.0/a8'), CIDR('10.0.0.0/a8')],
    ['an IPv4 prefix above 32', cidr('10.0.0.0/33'), CIDR('10.0.0.0/33')],
    ['an IPv6 prefix above 128', cidr('fd00::/129'), CIDR('fd00::/129')],
    ['a CIDR of no address', cidr('example.com/8'), CIDR('example.com/8')],
    ['a CIDR with two prefix lengths', cidr('10.0.0.0/8/16'), CIDR('10.0.0.0/8/16')],
    ['an ipBlock without a cidr', from({ ipBlock: {} }), CIDR('')],
    ['three policy types', np({ policyTypes: ['Ingress', 'Egress', 'Ingress'] }), [`${N} spec.policyTypes: may not specify more than two policyTypes`]],
    ['an unknown policy type', np({ policyTypes: ['Ingress', 'ingress'] }), [`${N} spec.policyTypes[1]: must be Ingress or Egress, got "ingress"`]],
  ])('refuses %s', (_case, make, expected) => {
    expect(rules(make())).toEqual(expected);
  });

  test.each<[string, () => Doc]>([
    ['TCP, UDP and SCTP, ports 1 and 65535, no protocol', ingressPorts({ protocol: 'TCP', port: 1 }, { protocol: 'UDP', port: 65535 }, { protocol: 'SCTP', port: 'http' }, {})],
    ['a port entry that is not an object (left to the schema)', ingressPorts(null)],
    ['an endPort equal to the port, and the largest range', ingressPorts({ port: 80, endPort: 80 }, { port: 1, endPort: 65535 })],
    ['podSelector with namespaceSelector (one peer, both)', from({ podSelector: { matchLabels: { app: 'web' } }, namespaceSelector: {} })],
    ['each peer kind alone', from({ podSelector: {} }, { namespaceSelector: {} }, { ipBlock: { cidr: '10.0.0.0/8' } })],
    ['prefixes /0 and /32 of IPv4, /64 and /128 of IPv6', from({ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '10.0.0.1/32' } }, { ipBlock: { cidr: 'fd00::/64' } }, { ipBlock: { cidr: '::1/128' } })],
    ['Ingress and Egress', np({ policyTypes: ['Ingress', 'Egress'] })],
    ['rules, ports and peers of the wrong type are left to the schema', np({ ingress: {}, egress: [{ ports: {}, to: {} }, null], policyTypes: 'Ingress' })],
    ['no spec at all', () => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: NS } })],
  ])('accepts %s', (_case, make) => {
    expect(rules(make())).toEqual([]);
  });
});

describe('ValidateDeploymentSpec and the Rollouts controller\'s ValidateRolloutSpec', () => {
  test.each<[string, () => Doc, Change, string[]]>([
    ['negative replicas', web, (d) => { d.spec.replicas = -1; }, [`${D} spec.replicas: must be greater than or equal to 0, got -1`]],
    ['a negative revisionHistoryLimit', web, (d) => { d.spec.revisionHistoryLimit = -1; }, [`${D} spec.revisionHistoryLimit: must be greater than or equal to 0, got -1`]],
    ['a negative minReadySeconds', web, (d) => { d.spec.minReadySeconds = -1; }, [`${D} spec.minReadySeconds: must be greater than or equal to 0, got -1`]],
    ['a negative progressDeadlineSeconds', web, (d) => { d.spec.progressDeadlineSeconds = -1; }, [`${D} spec.progressDeadlineSeconds: must be greater than or equal to 0, got -1`]],
    ['minReadySeconds equal to the default deadline (600)', web, (d) => { d.spec.minReadySeconds = 600; },
      [`${D} spec.progressDeadlineSeconds: must be greater than minReadySeconds (600), got 600`]],
    ['a deadline equal to minReadySeconds', web, (d) => { d.spec.minReadySeconds = 30; d.spec.progressDeadlineSeconds = 30; },
      [`${D} spec.progressDeadlineSeconds: must be greater than minReadySeconds (30), got 30`]],
    ['a selector the template does not carry', web, (d) => { d.spec.selector.matchLabels.tier = 'front'; },
      [`${D} spec.template.metadata.labels: \`selector\` does not match template \`labels\`: the template must carry every label of spec.selector.matchLabels`]],
    ['a template without labels', web, (d) => { delete d.spec.template.metadata; },
      [`${D} spec.template.metadata.labels: \`selector\` does not match template \`labels\`: the template must carry every label of spec.selector.matchLabels`]],
    ['a bad selector label', web, (d) => { d.spec.selector.matchLabels = { app: 'a b' }; d.spec.template.metadata.labels = { app: 'a b' }; }, [
      `${D} spec.template.metadata.labels.app: label value "a b" of "app": ${LABEL_VALUE}`,
      `${D} spec.selector.matchLabels.app: label value "a b" of "app": ${LABEL_VALUE}`,
    ]],
    ['rollingUpdate with the Recreate strategy', web, (d) => { d.spec.strategy = { type: 'Recreate', rollingUpdate: { maxUnavailable: '150%' } }; },
      [`${D} spec.strategy.rollingUpdate: may not be specified when strategy type is Recreate`]],
    ['maxUnavailable above 100%', web, (d) => { d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '101%' } }; },
      [`${D} spec.strategy.rollingUpdate.maxUnavailable: must not be greater than 100%, got "101%"`]],
    ['maxSurge and maxUnavailable both 0, without a type', web, (d) => { d.spec.strategy = { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }; },
      [`${D} spec.strategy.rollingUpdate.maxUnavailable: may not be 0 when maxSurge is 0: the update could never make progress`]],
    ['a Rollout: negative replicas and a deadline at minReadySeconds', () => rollout('web', { canary: {} }), (d) => { d.spec.replicas = -2; d.spec.minReadySeconds = 700; }, [
      'dev/app.yaml Rollout web spec.replicas: must be greater than or equal to 0, got -2',
      'dev/app.yaml Rollout web spec.progressDeadlineSeconds: must be greater than minReadySeconds (700), got 600',
    ]],
    ['a Rollout selector with a bad label', () => rollout('web', { canary: {} }, { selector: { app: 'a b' } }), () => undefined,
      [`dev/app.yaml Rollout web spec.selector.matchLabels.app: label value "a b" of "app": ${LABEL_VALUE}`]],
    ['a Rollout\'s canary maxSurge that is a numeric string', () => rollout('web', { canary: { maxSurge: '3' } }), () => undefined,
      ['dev/app.yaml Rollout web spec.strategy.canary.maxSurge: must be a count (a number, not the string "3") or a percentage such as "25%"']],
    ['a Rollout\'s negative canary maxUnavailable', () => rollout('web', { canary: { maxUnavailable: -1 } }), () => undefined,
      ['dev/app.yaml Rollout web spec.strategy.canary.maxUnavailable: must be greater than or equal to 0, got -1']],
    ['a Rollout\'s own pod template', () => rollout('web', { canary: {} }, { workloadRef: null, template: { metadata: { labels: { app: 'web' } }, spec: podSpec({ containers: [container({ name: 'App' })] }) } }), () => undefined,
      [`dev/app.yaml Rollout web spec.template.spec.containers[0].name: "App": ${LABEL1123}`]],
  ])('refuses %s', (_case, make, change, expected) => {
    expect(after(make, change)).toEqual(expected);
  });

  test.each<[string, () => Doc, Change]>([
    ['zero replicas, revisions and minReadySeconds', web, (d) => { Object.assign(d.spec, { replicas: 0, revisionHistoryLimit: 0, minReadySeconds: 0 }); }],
    ['minReadySeconds just below the default deadline', web, (d) => { d.spec.minReadySeconds = 599; }],
    ['a deadline just above minReadySeconds', web, (d) => { d.spec.minReadySeconds = 30; d.spec.progressDeadlineSeconds = 31; }],
    ['a deadline without minReadySeconds', web, (d) => { d.spec.progressDeadlineSeconds = 0; }],
    ['fields that are not numbers are left to the schema', web, (d) => { Object.assign(d.spec, { replicas: '-1', minReadySeconds: '900' }); }],
    ['a template with more labels than the selector', web, (d) => { d.spec.template.metadata.labels.version = '1'; }],
    ['no selector', web, (d) => { delete d.spec.selector; }],
    ['Recreate without rollingUpdate', web, (d) => { d.spec.strategy = { type: 'Recreate' }; }],
    ['maxUnavailable 100% and maxSurge 200%, or one of them 0', web, (d) => { d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%', maxSurge: '200%' } }; }],
    ['maxSurge 0 with the default maxUnavailable', web, (d) => { d.spec.strategy = { rollingUpdate: { maxSurge: 0 } }; }],
    ['a Rollout\'s canary maxSurge above 100% (the controller caps it)', () => rollout('web', { canary: { maxSurge: '150%', maxUnavailable: 0 } }), () => undefined],
    ['a Rollout with no strategy', () => rollout('web', {}), (d) => { delete d.spec.strategy; }],
    ['a Rollout\'s selector its Deployment does not carry (the Rollouts rules check workloadRef)', () => rollout('web', { canary: {} }, { selector: { tier: 'x' } }), () => undefined],
  ])('accepts %s', (_case, make, change) => {
    expect(after(make, change)).toEqual([]);
  });

  test('a Deployment without a spec is left to the schema', () => {
    expect(rules({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS } })).toEqual([]);
  });
});

describe('PodDisruptionBudget, HorizontalPodAutoscaler, ConfigMap and Secret', () => {
  const B = 'dev/app.yaml PodDisruptionBudget web';
  const H = 'dev/app.yaml HorizontalPodAutoscaler web';
  const target = () => ({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
  const configMap = (data?: any, binaryData?: any) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: NS }, ...(data ? { data } : {}), ...(binaryData ? { binaryData } : {}) });
  const secret = (data: any, stringData?: any) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: NS }, data, ...(stringData ? { stringData } : {}) });
  test.each<[string, () => Doc, string[]]>([
    ['a budget with both minAvailable and maxUnavailable', () => ({ ...pdb('web', { app: 'web' }), spec: { minAvailable: 1, maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } }),
      [`${B} spec: minAvailable and maxUnavailable cannot both be set`]],
    ['a budget of 101%', () => ({ ...pdb('web', { app: 'web' }), spec: { minAvailable: '101%', selector: { matchLabels: { app: 'web' } } } }),
      [`${B} spec.minAvailable: must not be greater than 100%, got "101%"`]],
    ['a budget selector with a bad label', () => pdb('web', { app: 'a b' }), [`${B} spec.selector.matchLabels.app: label value "a b" of "app": ${LABEL_VALUE}`]],
    ['an autoscaler whose minimum is above its maximum', () => ({ ...hpa('web', target()), spec: { scaleTargetRef: target(), minReplicas: 4, maxReplicas: 3 } }),
      [`${H} spec.maxReplicas: must be greater than or equal to minReplicas (4), got 3`]],
    ['an autoscaler target without a name', () => hpa('web', { apiVersion: 'apps/v1', kind: 'Deployment' }), [`${H} spec.scaleTargetRef.name: is required`]],
    ['an autoscaler metric with utilization 0', () => ({ ...hpa('web', target()), spec: { scaleTargetRef: target(), maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } }] } }),
      [`${H} spec.metrics[0].resource.target.averageUtilization: must be greater than 0, got 0`]],
    ['a ConfigMap key with a slash', () => configMap({ 'a/b': 'x' }), ['dev/app.yaml ConfigMap c data["a/b"]: key "a/b": ' + CONFIG_KEY]],
    ['a ConfigMap over 1 MiB, reported on the object', () => configMap({ a: 'x'.repeat(1024 * 1024) }, { b: 'eA==' }),
      ['dev/app.yaml ConfigMap c: data takes 1048577 bytes, more than the API server\'s limit of 1048576 (1 MiB)']],
    ['a key in data and binaryData', () => configMap({ a: 'x' }, { a: 'eA==' }), ['dev/app.yaml ConfigMap c binaryData["a"]: key "a" is also in data: keys must be unique across data and binaryData']],
    ['a Secret data key with a slash', () => secret({ 'db/password': 'eA==' }), ['dev/app.yaml Secret s data["db/password"]: key "db/password": ' + CONFIG_KEY]],
    ['a Secret stringData key that is too long', () => secret({}, { [`k${'x'.repeat(253)}`]: 'x' }),
      [`dev/app.yaml Secret s stringData.k${'x'.repeat(253)}: key "k${'x'.repeat(253)}": must be no more than 253 characters (got 254)`]],
    ['a Secret data key ".."', () => secret({ '..': 'eA==' }), ['dev/app.yaml Secret s data[".."]: key "..": must not be \'..\'']],
  ])('refuses %s', (_case, make, expected) => {
    expect(rules(make())).toEqual(expected);
  });

  test.each<[string, () => Doc]>([
    ['a budget of maxUnavailable 0', () => ({ ...pdb('web', { app: 'web' }), spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } } })],
    ['a budget of minAvailable 100%', () => ({ ...pdb('web', { app: 'web' }), spec: { minAvailable: '100%', selector: { matchLabels: { app: 'web' } } } })],
    ['an autoscaler with equal minimum and maximum', () => ({ ...hpa('web', target()), spec: { scaleTargetRef: target(), minReplicas: 3, maxReplicas: 3 } })],
    ['a ConfigMap of exactly 1 MiB, keys with dots and dashes', () => configMap({ 'application.yaml': 'x'.repeat(1024 * 1024 - 4), '-a_b': 'x' }, { c: 'eA==' })],
    ['a ConfigMap without data', () => configMap()],
    ['Secret data and stringData that are not maps are left to the schema', () => secret(['a/b'], 'a/b')],
  ])('accepts %s', (_case, make) => {
    expect(rules(make())).toEqual([]);
  });

  test('kinds without rules of their own: only metadata and the pod template are checked', () => {
    expect(rules({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'runner', namespace: NS }, secrets: [{ name: 'a/b' }], data: { 'a/b': 'x' } })).toEqual([]);
    expect(rules({
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: NS },
      spec: { replicas: -1, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'x' } }, spec: podSpec({ containers: [container({ name: 'DB' })] }) } },
    })).toEqual([`dev/app.yaml StatefulSet db spec.template.spec.containers[0].name: "DB": ${LABEL1123}`]);
  });
});
