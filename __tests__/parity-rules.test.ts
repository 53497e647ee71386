import { argsReferenced, duplicateMetricNames, metricLimits, metricProviders, resolveArgs, runsIndefinitely, unresolvedArgs } from '../lib/rules/analysis';
import { pinnedByDigest } from '../lib/rules/images';
import { literalCredential, urlCarriesCredentials } from '../lib/rules/credentials';
import { ingressHost, ingressPath } from '../lib/rules/ingress';
import { configMapKey, envVarName, portName, portNumber, portNumberOrName } from '../lib/rules/keys';
import { annotationMap, dns1035Label, dns1123Label, dns1123Subdomain, labelValue, objectName, qualifiedName } from '../lib/rules/names';
import { countOrPercent, integerFormat } from '../lib/rules/quantity';
import { autoscaler, configMapData, disruptionBudget, probe, rollingUpdate, toleration } from '../lib/rules/workloads';

/** [upstream rule, input, valid?] — each rule at its boundary, refused and accepted. */
type Case = [string, unknown, boolean];

const ok = (errs: readonly unknown[]) => errs.length === 0;

describe('names, labels and annotations (apimachinery)', () => {
  test.each<Case>([
    ['IsDNS1035Label: starts with a letter', 'app-2fa', true],
    ['IsDNS1035Label: a leading digit is refused', '2fa', false],
    ['IsDNS1035Label: 63 characters', 'a'.repeat(63), true],
    ['IsDNS1035Label: 64 characters', 'a'.repeat(64), false],
  ])('%s (%j)', (_rule, value, valid) => expect(ok(dns1035Label(value as string))).toBe(valid));

  test.each<Case>([
    ['IsDNS1123Label: a leading digit is fine', '2fa', true],
    ['IsDNS1123Label: underscore', 'shop_prod', false],
    ['IsDNS1123Label: dots', 'a.b', false],
    ['IsDNS1123Subdomain: dots', 'db.credentials', true],
    ['IsDNS1123Subdomain: 253 characters', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, true],
    ['IsDNS1123Subdomain: 254 characters', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, false],
  ])('%s (%j)', (rule, value, valid) => {
    const fn = rule.startsWith('IsDNS1123Label') ? dns1123Label : dns1123Subdomain;
    expect(ok(fn(value as string))).toBe(valid);
  });

  test.each<[string, string, string, boolean]>([
    ['ValidateServiceName = NameIsDNS1035Label', 'Service', '2fa', false],
    ['ValidateNamespaceName = NameIsDNSLabel', 'Namespace', 'shop_prod', false],
    ['ValidateSecretName = NameIsDNSSubdomain: dotted names', 'Secret', 'example.com-tls', true],
    ['ValidateConfigMapName = NameIsDNSSubdomain', 'ConfigMap', 'orders.config', true],
    ['ValidateDeploymentName = NameIsDNSSubdomain: a leading digit', 'Deployment', '2fa', true],
    ['validateCronJob: 52 characters', 'CronJob', 'a'.repeat(52), true],
    ['validateCronJob: 53 characters', 'CronJob', 'a'.repeat(53), false],
    ['ValidateRBACName = IsValidPathSegmentName', 'Role', 'a/b', false],
  ])('%s: %s %j', (_rule, kind, name, valid) => expect(ok(objectName(kind, name))).toBe(valid));

  test.each<Case>([
    ['IsQualifiedName: prefix and name', 'app.kubernetes.io/part-of', true],
    ['IsQualifiedName: a space', 'bad key', false],
    ['IsQualifiedName: name part of 63', `example.com/${'a'.repeat(63)}`, true],
    ['IsQualifiedName: name part of 64', `example.com/${'a'.repeat(64)}`, false],
    ['IsQualifiedName: empty prefix', '/name', false],
    ['IsQualifiedName: two slashes', 'a/b/c', false],
  ])('%s (%j)', (_rule, value, valid) => expect(ok(qualifiedName(value as string))).toBe(valid));

  test.each<Case>([
    ['IsValidLabelValue: 63 characters', 'a'.repeat(63), true],
    ['IsValidLabelValue: 64 characters', 'a'.repeat(64), false],
    ['IsValidLabelValue: a space', 'shop platform', false],
    ['IsValidLabelValue: empty', '', true],
    ['IsValidLabelValue: ends with a dot', 'v1.', false],
  ])('%s (%j)', (_rule, value, valid) => expect(ok(labelValue(value as string))).toBe(valid));

  test('ValidateAnnotations: keys checked lowercased; 256 KiB of keys and values in total', () => {
    expect(annotationMap({ 'Example.com/Key': 'x' })).toEqual([]);
    expect(annotationMap({ 'bad key': 'x' })[0].message).toMatch(/^annotation key "bad key": name part must consist of/);
    expect(annotationMap({ k: 'x'.repeat(256 * 1024 - 1) })).toEqual([]);
    expect(annotationMap({ k: 'x'.repeat(256 * 1024) })[0]).toEqual({ at: 'size', message: 'annotations take 262145 bytes, more than the API server\'s limit of 262144 (256 KiB)' });
  });
});

describe('keys and ports (apimachinery)', () => {
  test.each<[string, (v: any) => string[], unknown, boolean]>([
    ['IsEnvVarName', envVarName, 'my.env-name', true],
    ['IsEnvVarName: leading digit', envVarName, '1PASSWORD', false],
    ['IsEnvVarName: a space', envVarName, 'bad name', false],
    ['IsEnvVarName: hasChDirPrefix', envVarName, '..A', false],
    ['IsConfigMapKey: dotted', configMapKey, 'db.password', true],
    ['IsConfigMapKey: a slash', configMapKey, 'db/password', false],
    ['IsConfigMapKey: 253 characters', configMapKey, 'k'.repeat(253), true],
    ['IsConfigMapKey: 254 characters', configMapKey, 'k'.repeat(254), false],
    ['IsValidPortNum: 1', portNumber, 1, true],
    ['IsValidPortNum: 65535', portNumber, 65535, true],
    ['IsValidPortNum: 0', portNumber, 0, false],
    ['IsValidPortNum: 80800', portNumber, 80800, false],
    ['IsValidPortName: 15 characters', portName, 'management-port', true],
    ['IsValidPortName: 16 characters', portName, 'management-ports', false],
    ['IsValidPortName: no letter', portName, '8080', false],
    ['IsValidPortName: consecutive hyphens', portName, 'a--b', false],
    ['IsValidPortName: leading hyphen', portName, '-http', false],
    ['IsValidPortName: uppercase', portName, 'HTTP', false],
    ['ValidatePortNumOrName: a name', portNumberOrName, 'http', true],
    ['ValidatePortNumOrName: a number', portNumberOrName, 8080, true],
  ])('%s (%j)', (_rule, fn, value, valid) => expect(ok(fn(value))).toBe(valid));
});

describe('quantities and integer ranges', () => {
  test.each<[string, number, string, boolean]>([
    ['int32 maximum', 2 ** 31 - 1, 'int32', true],
    ['int32 given 3,000,000,000', 3_000_000_000, 'int32', false],
    ['int32 minimum', -(2 ** 31), 'int32', true],
    ['int64 given 3,000,000,000', 3_000_000_000, 'int64', true],
  ])('%s', (_rule, value, format, valid) => expect(ok(integerFormat(value, format))).toBe(valid));

  test.each<[string, number | string, boolean, boolean]>([
    ['ValidatePositiveIntOrPercent: 0', 0, true, true],
    ['IsNotMoreThan100Percent: 100%', '100%', true, true],
    ['IsNotMoreThan100Percent: 150%', '150%', true, false],
    ['maxSurge has no 100% cap: 150%', '150%', false, true],
    ['ValidatePositiveIntOrPercent: -1', -1, false, false],
    ['IsValidPercent: a numeric string', '3', false, false],
    ['IsValidPercent: "25 %"', '25 %', false, false],
  ])('%s', (_rule, value, max100, valid) => expect(ok(countOrPercent(value, max100))).toBe(valid));
});

describe('pods and workloads (core, apps, policy, autoscaling)', () => {
  test.each<[string, unknown, boolean]>([
    ['validateTolerations: Exists without value', { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, true],
    ['validateTolerations: Exists with a value', { key: 'dedicated', operator: 'Exists', value: 'java' }, false],
    ['validateTolerations: empty key needs Exists', { operator: 'Equal', value: 'x' }, false],
    ['validateTolerations: effect enum', { key: 'k', value: 'v', effect: 'NoRun' }, false],
    ['validateTolerations: tolerationSeconds needs NoExecute', { key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }, false],
    ['validateTolerations: tolerationSeconds with NoExecute', { key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }, true],
    ['validateTolerations: key format', { key: 'bad key', operator: 'Exists' }, false],
  ])('%s', (_rule, t, valid) => expect(ok(toleration(t))).toBe(valid));

  test.each<[string, unknown, boolean]>([
    ['validateHandler: one handler', { httpGet: { path: '/', port: 8080 } }, true],
    ['validateHandler: no handler', { periodSeconds: 5 }, false],
    ['validateHandler: two handlers', { httpGet: { path: '/', port: 8080 }, tcpSocket: { port: 8080 } }, false],
    ['ValidatePortNumOrName: httpGet port 80800', { httpGet: { path: '/', port: 80800 } }, false],
    ['ValidatePortNumOrName: httpGet named port', { httpGet: { path: '/', port: 'management' } }, true],
    ['validateHTTPGetAction: path required', { httpGet: { port: 8080 } }, false],
    ['validateProbe: liveness successThreshold must be 1', { tcpSocket: { port: 8080 }, successThreshold: 2 }, false],
  ])('%s', (_rule, p, valid) => expect(ok(probe(p, 'liveness'))).toBe(valid));

  test.each<[string, unknown, unknown, boolean]>([
    ['ValidateRollingUpdateDeployment: 25% and 0', '25%', 0, true],
    ['ValidateRollingUpdateDeployment: maxUnavailable 150%', '25%', '150%', false],
    ['ValidateRollingUpdateDeployment: both 0', 0, '0%', false],
    ['ValidateRollingUpdateDeployment: maxSurge 0 with the default maxUnavailable', 0, undefined, true],
  ])('%s', (_rule, surge, unavailable, valid) => expect(ok(rollingUpdate(surge as any, unavailable as any))).toBe(valid));

  test.each<[string, unknown, boolean]>([
    ['ValidatePodDisruptionBudgetSpec: maxUnavailable 0', { maxUnavailable: 0 }, true],
    ['ValidatePodDisruptionBudgetSpec: minAvailable 100%', { minAvailable: '100%' }, true],
    ['ValidatePodDisruptionBudgetSpec: maxUnavailable 150%', { maxUnavailable: '150%' }, false],
    ['ValidatePodDisruptionBudgetSpec: both set', { minAvailable: 1, maxUnavailable: 1 }, false],
  ])('%s', (_rule, spec, valid) => expect(ok(disruptionBudget(spec))).toBe(valid));

  const target = { kind: 'Deployment', name: 'orders' };
  const cpu = (averageUtilization: number) => [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } }];
  test.each<[string, unknown, boolean]>([
    ['validateHorizontalPodAutoscalerSpec: min = max', { scaleTargetRef: target, minReplicas: 3, maxReplicas: 3, metrics: cpu(70) }, true],
    ['validateHorizontalPodAutoscalerSpec: min > max', { scaleTargetRef: target, minReplicas: 4, maxReplicas: 3 }, false],
    ['validateHorizontalPodAutoscalerSpec: min 0', { scaleTargetRef: target, minReplicas: 0, maxReplicas: 3 }, false],
    ['validateMetricTarget: averageUtilization 0', { scaleTargetRef: target, maxReplicas: 3, metrics: cpu(0) }, false],
    ['validateMetricSpec: Utilization needs averageUtilization', { scaleTargetRef: target, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }] }, false],
  ])('%s', (_rule, spec, valid) => expect(ok(autoscaler(spec))).toBe(valid));

  test('ValidateConfigMap: 1 MiB of values is the limit, keys are config keys', () => {
    expect(configMapData({ 'application.yaml': 'x'.repeat(1024 * 1024) }, undefined)).toEqual([]);
    expect(configMapData({ 'application.yaml': 'x'.repeat(1024 * 1024 + 1) }, undefined)).toEqual([['', 'data takes 1048577 bytes, more than the API server\'s limit of 1048576 (1 MiB)']]);
    expect(configMapData({ 'a/b': 'x' }, undefined).map(([p]) => p)).toEqual(['data["a/b"]']);
    expect(configMapData({ a: 'x' }, { a: 'eA==' }).map(([, m]) => m)).toEqual(['key "a" is also in data: keys must be unique across data and binaryData']);
  });
});

describe('Ingress (networking)', () => {
  test.each<[string, string, boolean]>([
    ['validateIngressRules: a DNS name', 'orders.example.com', true],
    ['IsWildcardDNS1123Subdomain: *. as the first label', '*.example.com', true],
    ['IsWildcardDNS1123Subdomain: * elsewhere', 'orders.*.example.com', false],
    ['IsWildcardDNS1123Subdomain: a bare *', '*', false],
    ['validateIngressRules: an IPv4 address', '10.0.0.1', false],
    ['validateIngressRules: an IPv6 address', '::1', false],
    ['IsDNS1123Subdomain: uppercase', 'Orders.example.com', false],
  ])('%s (%j)', (_rule, host, valid) => expect(ok(ingressHost(host))).toBe(valid));

  test.each<[string, string, string, boolean]>([
    ['validateHTTPIngressPath: absolute', '/api', 'Prefix', true],
    ['validateHTTPIngressPath: relative', 'api', 'Prefix', false],
    ['invalidPathSequences: /../', '/api/../admin', 'Prefix', false],
    ['invalidPathSequences: //', '/api//v1', 'Exact', false],
    ['invalidPathSequences: %2F', '/a%2Fb', 'Prefix', false],
    ['invalidPathSuffixes: /..', '/api/..', 'Prefix', false],
    ['invalidPathSuffixes: /.', '/api/.', 'Exact', false],
    ['dots inside a segment are fine', '/v1..2/x', 'Prefix', true],
    ['ImplementationSpecific: only absolute', '/a//b', 'ImplementationSpecific', true],
  ])('%s (%j %s)', (_rule, path, type, valid) => expect(ok(ingressPath(path, type))).toBe(valid));
});

describe('Argo Rollouts analysis (utils/analysis, rollouts/validation)', () => {
  test.each<[string, Record<string, unknown>, boolean]>([
    ['ValidateMetric: failureLimit == count', { count: 3, interval: '1m', failureLimit: 3 }, true],
    ['ValidateMetric: failureLimit > count', { count: 3, interval: '1m', failureLimit: 4 }, false],
    ['ValidateMetric: inconclusiveLimit == count', { count: 3, interval: '1m', inconclusiveLimit: 3 }, true],
    ['ValidateMetric: count below inconclusiveLimit', { count: 2, interval: '1m', inconclusiveLimit: 3 }, false],
    ['ValidateMetric: count > 1 needs an interval', { count: 2 }, false],
    ['ValidateMetric: failureLimit -1 disables it', { count: 3, interval: '1m', failureLimit: -1, consecutiveSuccessLimit: 2 }, true],
    ['ValidateMetric: failureLimit and consecutiveSuccessLimit both disabled', { failureLimit: -1 }, false],
    ['ValidateMetric: count from an arg is not checked', { count: '{{args.count}}', interval: '1m', failureLimit: 5 }, true],
  ])('%s', (_rule, metric, valid) => expect(ok(metricLimits(metric))).toBe(valid));

  test('ValidateMetric: exactly one provider', () => {
    expect(metricProviders({ web: { url: 'http://a' } })).toEqual([]);
    expect(metricProviders({})).toEqual(['no provider specified: set exactly one (prometheus, web, job, ...)']);
    expect(metricProviders({ plugin: { 'argoproj-labs/a': {}, 'argoproj-labs/b': {} } })).toEqual(['multiple providers specified (plugin argoproj-labs/a, plugin argoproj-labs/b): set exactly one']);
  });

  test('Metric.EffectiveCount: an interval without a count (or count 0) runs indefinitely', () => {
    expect(runsIndefinitely({ interval: '1m' })).toBe(true);
    expect(runsIndefinitely({ interval: '1m', count: 0 })).toBe(true);
    expect(runsIndefinitely({ interval: '1m', count: 1 })).toBe(false);
    expect(runsIndefinitely({})).toBe(false);
  });

  test('flattenMetrics: metric names unique across the templates of one analysis', () => {
    expect(duplicateMetricNames([{ name: 'a', metrics: [{ name: 'rate' }] }, { name: 'b', metrics: [{ name: 'latency' }] }])).toEqual([]);
    expect(duplicateMetricNames([{ name: 'a', metrics: [{ name: 'rate' }] }, { name: 'b', metrics: [{ name: 'rate' }] }])[0]).toMatch(/^two metrics have the same name "rate" \(templates "a" and "b"\)/);
  });

  test('MergeArgs/ResolveArgs: every arg without a value is passed; flattenArgs: no conflicting values', () => {
    const t = [{ name: 'sr', args: [{ name: 'service-name' }, { name: 'window', value: '5m' }] }];
    expect(unresolvedArgs(t, [{ name: 'service-name', value: 'orders' }])).toEqual([]);
    expect(unresolvedArgs(t, [])).toEqual(['AnalysisTemplate "sr" declares arg "service-name" without a value: pass it here (name "service-name")']);
    expect(unresolvedArgs([...t, { name: 'lat', args: [{ name: 'window', value: '1m' }] }], [{ name: 'service-name', value: 'x' }])[0]).toMatch(/arg "window" is declared by templates "sr" and "lat" with different values/);
  });
});

describe('analysis arguments (ResolveArgs) and image digests', () => {
  test('argsReferenced: each {{args.<name>}} once, sorted, with or without spaces', () => {
    expect(argsReferenced('a{{args.b}} {{ args.a }} {{args.b}} {{workflow.name}} {{args.}}')).toEqual(['a', 'b']);
    expect(argsReferenced('no arguments')).toEqual([]);
  });

  test('resolveArgs replaces every reference, and only references', () => {
    expect(resolveArgs('rate({service="{{args.svc}}"}) {{ args.svc }} {{inputs.x}}', (n) => `<${n}>`)).toBe('rate({service="<svc>"}) <svc> {{inputs.x}}');
  });

  test.each<Case>([
    ['a tag and a digest', `node:22@sha256:${'a'.repeat(64)}`, true],
    ['a digest alone', `repo@sha256:${'0'.repeat(64)}`, true],
    ['a tag alone', 'node:22.12.0-bookworm', false],
    ['a short digest', `node@sha256:${'a'.repeat(63)}`, false],
    ['upper-case hex', `node@sha256:${'A'.repeat(64)}`, false],
    ['a digest followed by more', `node@sha256:${'a'.repeat(64)}x`, false],
  ])('pinnedByDigest: %s', (_case, image, pinned) => expect(pinnedByDigest(image as string)).toBe(pinned));
});

describe('credentials (platform policy)', () => {
  test.each<[string, string, string | undefined]>([
    ['Stripe live key', 'sk_live_51HxYzAbCdEfGhIjKlMn', 'a Stripe secret key'],
    ['GitHub token', `ghp_${'a1B2'.repeat(9)}`, 'a GitHub token'],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
    ['Slack bot token', 'xoxb-1234567890-abcdefghij', 'a Slack token'],
    ['GitLab token', 'glpat-abcdefghij0123456789', 'a GitLab personal access token'],
    ['PEM private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIE...', 'a PEM private key'],
    ['bearer JWT', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'a JSON Web Token'],
    ['JDBC URL with user:password@', 'jdbc:postgresql://app:s3cret@db:5432/orders', 'a password in a URL (user:password@)'],
    ['JDBC password parameter', 'jdbc:mysql://db/orders?user=app&password=s3cret', 'a password in a connection string (password=)'],
    ['a URL without credentials', 'jdbc:postgresql://db:5432/orders', undefined],
    ['a URL with a user only', 'https://app@example.com/', undefined],
    ['a placeholder for the password', 'postgres://app:${DB_PASSWORD}@db/orders', undefined],
    ['a plain value', 'graceful', undefined],
    ['a public key', '-----BEGIN PUBLIC KEY-----', undefined],
  ])('%s', (_case, value, what) => expect(literalCredential(value)).toBe(what));

  test('repository URLs: a user:password or token before @ is a credential; ssh://git@ is not', () => {
    expect(urlCarriesCredentials('https://token@github.com/acme/gitops.git')).toBe(true);
    expect(urlCarriesCredentials('https://u:p@github.com/acme/gitops.git')).toBe(true);
    expect(urlCarriesCredentials('ssh://git@github.com/acme/gitops.git')).toBe(false);
    expect(urlCarriesCredentials('https://github.com/acme/gitops.git')).toBe(false);
  });
});
