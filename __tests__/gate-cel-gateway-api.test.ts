import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { compile } from '../lib/validate/cel';
import { checkCelRules, findRuleNodes } from '../lib/validate/cel-rules';
import { loadCrds } from './support/crds';

/**
 * The CEL evaluator on the Gateway API v1.6.1 CRDs (the traffic layer's, 245 rules): every distinct
 * rule compiles, and each rule family refuses with the CRD's own message and accepts what the API
 * server accepts. The CRDs and examples are copied unchanged into __tests__/fixtures/ (README there).
 */

const FIXTURES = path.join(__dirname, 'fixtures');
const crds: any[] = loadCrds(path.join(FIXTURES, 'gateway-api-v1.6.1'));

function schemaOf(apiVersion: string, kind: string): any {
  const crd = crds.find((c) => c.spec.names.kind === kind);
  return crd.spec.versions.find((v: any) => `${crd.spec.group}/${v.name}` === apiVersion).schema.openAPIV3Schema;
}

/** The CEL problems of a document as `path: message`. */
const cel = (doc: any) => checkCelRules(doc, schemaOf(doc.apiVersion, doc.kind), `${doc.kind} ${doc.metadata.name}`).map((p) => `${p.path}: ${p.message}`);

function allRules(): { rule: string; message: string }[] {
  const found: { rule: string; message: string }[] = [];
  for (const crd of crds) {
    for (const version of crd.spec.versions) {
      const schema = version.schema.openAPIV3Schema;
      for (const pointer of findRuleNodes(schema)) found.push(...pointer.reduce((n: any, k) => n[k], schema)['x-kubernetes-validations']);
    }
  }
  return found;
}

test('every distinct rule of the Gateway API CRDs compiles (245 rules, 67 distinct)', () => {
  const rules = allRules();
  expect(rules).toHaveLength(245);
  const distinct = [...new Set(rules.map((r) => r.rule))];
  expect(distinct).toHaveLength(67);
  for (const rule of distinct) expect([rule, compile(rule)]).toEqual([rule, expect.objectContaining({ run: expect.any(Function) })]);
});

const route = (spec: any, apiVersion = 'gateway.networking.k8s.io/v1') => ({
  apiVersion, kind: 'HTTPRoute', metadata: { name: 'orders', namespace: 'shop' },
  spec: { parentRefs: [{ name: 'platform', namespace: 'gateways' }], ...spec },
});
const stable = { name: 'orders-stable', port: 80, weight: 100 };
const rule = (extra: any) => ({ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [stable], ...extra });
const at = (path: string) => `spec.rules[0].matches[0].path: ${path}`;

describe('HTTPRoute', () => {
  test('a canary route with both Services weighted, defaults left to the API server, passes in both served versions', () => {
    const spec = { hostnames: ['orders.example.com'], rules: [{ backendRefs: [stable, { name: 'orders-canary', port: 80, weight: 0 }] }] };
    expect(cel(route(spec))).toEqual([]);
    expect(cel(route(spec, 'gateway.networking.k8s.io/v1beta1'))).toEqual([]);
  });

  test.each<[string, string, string[]]>([
    ['a relative path', 'api', [at("value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']")]],
    ["'//'", '/a//b', [at("must not contain '//' when type one of ['Exact', 'PathPrefix']")]],
    ["'/./'", '/a/./b', [at("must not contain '/./' when type one of ['Exact', 'PathPrefix']")]],
    ["'/../'", '/a/../b', [at("must not contain '/../' when type one of ['Exact', 'PathPrefix']")]],
    ["'%2f'", '/a%2fb', [at("must not contain '%2f' when type one of ['Exact', 'PathPrefix']")]],
    ["'%2F'", '/a%2Fb', [at("must not contain '%2F' when type one of ['Exact', 'PathPrefix']")]],
    ["'#'", '/a#b', [at("must not contain '#' when type one of ['Exact', 'PathPrefix']"),
      at("must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']")]],
    ["a trailing '/..'", '/a/..', [at("must not end with '/..' when type one of ['Exact', 'PathPrefix']")]],
    ["a trailing '/.'", '/a/.', [at("must not end with '/.' when type one of ['Exact', 'PathPrefix']")]],
    ['a space', '/a b', [at("must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']")]],
  ])('path match: %s is refused', (_case, value, expected) => {
    for (const type of ['PathPrefix', 'Exact']) expect(cel(route({ rules: [rule({ matches: [{ path: { type, value } }] })] }))).toEqual(expected);
    // A regular expression is the implementation's to judge.
    expect(cel(route({ rules: [rule({ matches: [{ path: { type: 'RegularExpression', value } }] })] }))).toEqual([]);
  });

  test.each(['/', '/api', '/api/v1/', '/a%2Eb', "/~!$&'()*+,;=:@"])('path match %s passes', (value) => {
    expect(cel(route({ rules: [rule({ matches: [{ path: { type: 'PathPrefix', value } }] })] }))).toEqual([]);
  });

  test('a backendRef to a Service needs a port; its group and kind are the defaults when not written', () => {
    expect(cel(route({ rules: [rule({ backendRefs: [{ name: 'orders-stable' }] })] }))).toEqual(['spec.rules[0].backendRefs[0]: Must have port for Service reference']);
    expect(cel(route({ rules: [rule({ backendRefs: [{ group: '', kind: 'Service', name: 'orders-stable' }] })] }))).toEqual(['spec.rules[0].backendRefs[0]: Must have port for Service reference']);
    expect(cel(route({ rules: [rule({ backendRefs: [{ group: 'example.com', kind: 'Bucket', name: 'assets' }] })] }))).toEqual([]);
  });

  test('each filter type needs its own configuration and no other', () => {
    const filters = (f: any[]) => route({ rules: [rule({ filters: f })] });
    expect(cel(filters([{ type: 'RequestHeaderModifier' }]))).toEqual(['spec.rules[0].filters[0]: filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type']);
    expect(cel(filters([{ type: 'URLRewrite', requestHeaderModifier: { set: [{ name: 'x', value: 'y' }] } }]))).toEqual([
      'spec.rules[0].filters[0]: filter.requestHeaderModifier must be nil if the filter.type is not RequestHeaderModifier',
      'spec.rules[0].filters[0]: filter.urlRewrite must be specified for URLRewrite filter.type',
    ]);
    expect(cel(filters([{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x', value: 'y' }] } }]))).toEqual([]);
  });

  test('a filter is not repeated, and RequestRedirect neither meets URLRewrite nor backendRefs', () => {
    const modifier = { type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x', value: 'y' }] } };
    const redirect = { type: 'RequestRedirect', requestRedirect: { scheme: 'https' } };
    const rewrite = { type: 'URLRewrite', urlRewrite: { hostname: 'a.example.com' } };
    expect(cel(route({ rules: [rule({ filters: [modifier, modifier] })] }))).toEqual(['spec.rules[0].filters: RequestHeaderModifier filter cannot be repeated']);
    expect(cel(route({ rules: [rule({ backendRefs: [], filters: [redirect, rewrite] })] }))).toEqual(['spec.rules[0].filters: May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both']);
    expect(cel(route({ rules: [rule({ filters: [redirect] })] }))).toEqual(['spec.rules[0]: RequestRedirect filter must not be used together with backendRefs']);
    expect(cel(route({ rules: [rule({ backendRefs: [], filters: [redirect] })] }))).toEqual([]);
  });

  test('ReplacePrefixMatch needs exactly one PathPrefix match', () => {
    const rewrite = { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } } };
    expect(cel(route({ rules: [rule({ matches: [{ path: { type: 'Exact', value: '/v1' } }], filters: [rewrite] })] })))
      .toEqual(['spec.rules[0]: When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified']);
    expect(cel(route({ rules: [rule({ matches: [{ path: { type: 'PathPrefix', value: '/v1' } }], filters: [rewrite] })] }))).toEqual([]);
    expect(cel(route({ rules: [rule({ filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch' } } }] })] })))
      .toEqual(["spec.rules[0].filters[0].urlRewrite.path: replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'"]);
  });

  test('parentRefs to one parent need distinct sectionNames, all or none; namespaces tell parents apart', () => {
    const refs = (parentRefs: any[]) => route({ parentRefs, rules: [rule({})] });
    expect(cel(refs([{ name: 'platform' }, { name: 'platform' }]))).toEqual(['spec.parentRefs: sectionName must be unique when parentRefs includes 2 or more references to the same parent']);
    expect(cel(refs([{ name: 'platform', sectionName: 'https' }, { name: 'platform' }]))).toEqual(['spec.parentRefs: sectionName must be specified when parentRefs includes 2 or more references to the same parent']);
    expect(cel(refs([{ name: 'platform', sectionName: 'https' }, { name: 'platform', sectionName: 'http' }]))).toEqual([]);
    // `namespace` is a CEL keyword: the rule reads it as `__namespace__`.
    expect(cel(refs([{ name: 'platform', namespace: 'a' }, { name: 'platform', namespace: 'b' }]))).toEqual([]);
  });

  test('at most 128 matches over all rules; a rule without matches counts its default one', () => {
    const matches = (n: number) => Array.from({ length: n }, (_, i) => ({ path: { type: 'PathPrefix', value: `/p${i}` } }));
    const rules = (last: number) => Array.from({ length: 16 }, (_, i) => rule({ matches: matches(i === 15 ? last : 8) }));
    const message = 'spec.rules: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128';
    expect(cel(route({ rules: rules(8) }))).toEqual([]);
    expect(cel(route({ rules: rules(9) }))).toEqual([message]);
    expect(cel(route({ rules: Array.from({ length: 16 }, () => ({ backendRefs: [stable] })) }))).toEqual([]);
  });

  test('timeouts: backendRequest not above request, unless request is 0s', () => {
    const timeouts = (t: any) => route({ rules: [rule({ timeouts: t })] });
    expect(cel(timeouts({ request: '10s', backendRequest: '20s' }))).toEqual(['spec.rules[0].timeouts: backendRequest timeout cannot be longer than request timeout']);
    expect(cel(timeouts({ request: '1m', backendRequest: '59s' }))).toEqual([]);
    expect(cel(timeouts({ request: '0s', backendRequest: '1h' }))).toEqual([]);
  });

  test("CORS: '*' stands alone", () => {
    const cors = (allowOrigins: string[]) => route({ rules: [rule({ filters: [{ type: 'CORS', cors: { allowOrigins } }] })] });
    expect(cel(cors(['*', 'https://a.example.com']))).toEqual(["spec.rules[0].filters[0].cors.allowOrigins: AllowOrigins cannot contain '*' alongside other origins"]);
    expect(cel(cors(['*']))).toEqual([]);
  });
});

describe('Gateway', () => {
  const gateway = (listeners: any[], spec: any = {}) => ({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'platform', namespace: 'gateways' },
    spec: { gatewayClassName: 'eg', listeners, ...spec },
  });
  const http = { name: 'http', protocol: 'HTTP', port: 80 };
  const https = { name: 'https', protocol: 'HTTPS', port: 443, tls: { certificateRefs: [{ name: 'tls' }] } };

  test('listeners: unique names and port/protocol/hostname, tls only where it belongs', () => {
    expect(cel(gateway([http, https]))).toEqual([]);
    expect(cel(gateway([http, { ...http, port: 8080 }]))).toEqual(['spec.listeners: Listener name must be unique within the Gateway']);
    expect(cel(gateway([http, { ...http, name: 'other' }]))).toEqual(['spec.listeners: Combination of port, protocol and hostname must be unique for each listener']);
    expect(cel(gateway([{ ...http, tls: { certificateRefs: [{ name: 'tls' }] } }]))).toEqual(["spec.listeners: tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"]);
    expect(cel(gateway([{ name: 'tcp', protocol: 'TCP', port: 5432, hostname: 'db.example.com' }]))).toEqual(["spec.listeners: hostname must not be specified for protocols ['TCP', 'UDP']"]);
  });

  test('a Terminate listener (the default mode) needs certificateRefs or options', () => {
    // Neither is set: the rule reads a field that is absent, an evaluation error the API server refuses too.
    expect(cel(gateway([{ ...https, tls: {} }]))).toEqual(['spec.listeners[0].tls: no such key: certificateRefs evaluating rule: certificateRefs or options must be specified when mode is Terminate']);
    expect(cel(gateway([{ ...https, tls: { certificateRefs: [] } }]))).toEqual(['spec.listeners[0].tls: no such key: options evaluating rule: certificateRefs or options must be specified when mode is Terminate']);
    expect(cel(gateway([{ ...https, tls: { certificateRefs: [], options: {} } }]))).toEqual(['spec.listeners[0].tls: certificateRefs or options must be specified when mode is Terminate']);
  });

  test('infrastructure labels: keys are qualified names', () => {
    expect(cel(gateway([http], { infrastructure: { labels: { 'example.com/team': 'web', team: 'web' } } }))).toEqual([]);
    expect(cel(gateway([http], { infrastructure: { labels: { '-team': 'web' } } })))
      .toEqual(['spec.infrastructure.labels: Label keys must be in the form of an optional DNS subdomain prefix followed by a required name segment of up to 63 characters.']);
  });

  test('addresses are unique', () => {
    const address = { type: 'IPAddress', value: '10.0.0.1' };
    expect(cel(gateway([http], { addresses: [address, address] }))).toEqual(['spec.addresses: IPAddress values must be unique']);
    expect(cel(gateway([http], { addresses: [address, { ...address, value: '10.0.0.2' }] }))).toEqual([]);
  });
});

describe('GRPCRoute and GatewayClass', () => {
  const grpc = (matches: any[], backendRefs: any[] = [{ name: 'orders', port: 9090 }]) => ({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'orders', namespace: 'shop' },
    spec: { parentRefs: [{ name: 'platform' }], rules: [{ matches, backendRefs }] },
  });

  test('a method match names a service or a method; a service name matches case-insensitively (RE2 (?i))', () => {
    expect(cel(grpc([{ method: { service: 'Shop.Orders', method: 'Get' } }]))).toEqual([]);
    expect(cel(grpc([{ method: { type: 'Exact' } }]))).toEqual(["spec.rules[0].matches[0].method: One or both of 'service' or 'method' must be specified"]);
    expect(cel(grpc([{ method: { service: 'shop/orders' } }])))
      .toEqual(['spec.rules[0].matches[0].method: service must only contain valid characters (matching ^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)']);
    expect(cel(grpc([{ method: { service: 'x' } }], [{ name: 'orders' }]))).toEqual(['spec.rules[0].backendRefs[0]: Must have port for Service reference']);
  });

  test("a GatewayClass's only rule compares with the old object: it runs on updates, not on create", () => {
    const doc = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'eg' }, spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' } };
    expect(cel(doc)).toEqual([]);
  });
});

test.each(['gatewayapi-canary-envoygateway.yaml', 'gatewayapi-canary-header-based.yaml'])('the upstream example %s passes', (file) => {
  const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(FIXTURES, 'examples', file), 'utf8')).map((d) => d.toJSON())
    .filter((d) => String(d.apiVersion).startsWith('gateway.networking.k8s.io/'));
  expect(docs.length).toBeGreaterThan(0);
  for (const doc of docs) expect(cel(doc)).toEqual([]);
});
