import { ApiObject, Chart, Testing } from 'cdk8s';
import { readFileSync } from 'fs';
import { parseAllDocuments } from 'yaml';
import { labelSelectorMatches } from '../lib/rules/labels';
import { FolderTarget } from '../lib/validate/folders';
import { validateManifests } from '../lib/validate/gate';
import { indexByNamespace } from '../lib/validate/manifest';
import { checkRoutes } from '../lib/validate/references';
import { checkGatewayRoutes, checkRouteDefaults } from '../lib/validate/routes';
import { selfCheckProblems } from '../lib/validate/self-check';
import { backend, index, ingress, lines, NS } from './support/docs';
import { gateway, GW, GW_NS, httpRoute, namespace, parent, placed, ref, referenceGrant, rule, svc } from './support/routes';

const SERVER = 'https://kubernetes.default.svc';
const DECLARED = new Map<string, FolderTarget>([['dev', { server: SERVER, namespace: NS, gateways: [`${GW_NS}/public`, `${GW_NS}/internal`] }]]);
const R = 'dev/app.yaml HTTPRoute web';
const WEB = svc('web');

/** The route reference rules (parents, backends) over documents of folder dev. */
const routes = (docs: any[], folders: ReadonlyMap<string, FolderTarget> | null = DECLARED) => lines(checkGatewayRoutes(indexByNamespace(placed(...docs)), folders ?? undefined));

describe('parentRefs name a Gateway the environment declares or the output holds', () => {
  const undeclared = (key: string, declared = '"gateway-system/public", "gateway-system/internal"') =>
    `${R} spec.parentRefs[0]: Gateway "${key}" is not declared and not in the output (the environment of folder "dev" declares ${declared}): attach the route to a declared Gateway, or declare this one in the Environment's traffic settings`;
  test.each<[string, any[], string[]]>([
    ['a declared Gateway', [WEB, httpRoute('web')], []],
    ['the second declared Gateway, by listener', [WEB, httpRoute('web', { parentRefs: [parent({ name: 'internal', sectionName: 'https' })] })], []],
    ['group and kind defaulted: still a Gateway', [WEB, httpRoute('web', { parentRefs: [{ name: 'public', namespace: GW_NS }] })], []],
    ['a Service parent (a mesh route, GAMMA) is not checked', [WEB, httpRoute('web', { parentRefs: [{ group: '', kind: 'Service', name: 'web' }] })], []],
    ['a parent of another API group is not checked', [WEB, httpRoute('web', { parentRefs: [parent({ group: 'example.com', name: 'other' })] })], []],
    ['an undeclared Gateway', [WEB, httpRoute('web', { parentRefs: [parent({ name: 'private' })] })], [undeclared('gateway-system/private')]],
    ['group and kind defaulted, undeclared', [WEB, httpRoute('web', { parentRefs: [{ name: 'private', namespace: GW_NS }] })], [undeclared('gateway-system/private')]],
    ['the namespace defaults to the route\'s', [WEB, httpRoute('web', { parentRefs: [{ group: GW, kind: 'Gateway', name: 'public' }] })], [undeclared('shop/public')]],
    ['a Gateway of another API group (Istio) is not the Gateway', [WEB, { ...gateway('private', GW_NS), apiVersion: 'networking.istio.io/v1' }, httpRoute('web', { parentRefs: [parent({ name: 'private' })] })],
      [undeclared('gateway-system/private')]],
    ['a parent of the Gateway API group that is not a Gateway is not checked', [WEB, httpRoute('web', { parentRefs: [parent({ kind: 'ListenerSet', name: 'other' })] })], []],
    ['a route without spec', [{ ...httpRoute('web'), spec: undefined }], []],
    ['a route without parentRefs and rules', [{ ...httpRoute('web'), spec: { hostnames: ['web.example.com'] } }], []],
    ['entries that are not objects are the schema\'s to refuse; the rest is checked', [WEB, httpRoute('web', { parentRefs: [null as any, parent({ name: 'x' })], rules: [null as any, rule([null as any, ref('web', { port: 81 })])] })],
      [undeclared('gateway-system/x').replace('parentRefs[0]', 'parentRefs[1]'), `${R} spec.rules[1].backendRefs[1].port: Service "web" has no port 81 (ports: 80): use one of its ports`]],
    ['the second parentRef is reported by index', [WEB, httpRoute('web', { parentRefs: [parent(), parent({ name: 'x', sectionName: 'a' })] })],
      [undeclared('gateway-system/x').replace('parentRefs[0]', 'parentRefs[1]')]],
  ])('%s', (_case, docs, expected) => {
    expect(routes(docs)).toEqual(expected);
  });

  test.each<[string, ReadonlyMap<string, FolderTarget> | null]>([
    ['a folder whose environment declares no Gateway', new Map([['dev', { server: SERVER, gateways: [] }]])],
    ['another folder declares it', new Map([['dev', { server: SERVER, gateways: [] }], ['prod', { server: SERVER, gateways: [`${GW_NS}/public`] }]])],
  ])('refused: %s', (_case, folders) => {
    expect(routes([WEB, httpRoute('web')], folders)).toEqual([undeclared('gateway-system/public', '').replace('declares ): ', 'declares no Gateway): ')]);
  });

  // dist/ read back alone does not say what the environments declare (main.ts does, at synth).
  test.each<[string, ReadonlyMap<string, FolderTarget> | null]>([
    ['no folders known', null],
    ['the folder\'s declarations unknown', new Map([['dev', { server: SERVER }]])],
  ])('accepted: %s', (_case, folders) => {
    expect(routes([WEB, httpRoute('web')], folders)).toEqual([]);
  });
});

describe('a Gateway in the output admits the route', () => {
  const at = (...listeners: any[]) => gateway('edge', GW_NS, listeners);
  const to = (overrides: any = {}) => httpRoute('web', { parentRefs: [parent({ name: 'edge', ...overrides })] });
  const http = (name: string, allowedRoutes?: any, protocol = 'HTTP') => ({ name, protocol, port: 80, ...(allowedRoutes ? { allowedRoutes } : {}) });
  const from = (f: string, selector?: any) => ({ namespaces: { from: f, ...(selector ? { selector } : {}) } });
  const fix = `set the listener's allowedRoutes.namespaces to from: All, or from: Selector matching namespace "${NS}"`;
  const none = (why: string) => `${R} spec.parentRefs[0]: no listener of Gateway "gateway-system/edge" admits it (${why}): ${fix}`;
  const same = (l: string) => `"${l}" admits routes from its own namespace "gateway-system" only (allowedRoutes.namespaces.from defaults to Same)`;
  test.each<[string, any[], string[]]>([
    ['a Gateway of the route\'s namespace: Same by default', [WEB, gateway('edge', NS), httpRoute('web', { parentRefs: [parent({ name: 'edge', namespace: NS })] })], []],
    ['from All', [WEB, at(http('http', from('All'))), to()], []],
    ['one listener of two admits it', [WEB, at(http('a'), http('b', from('All'))), to()], []],
    ['the named listener admits it', [WEB, at(http('a'), http('b', from('All'))), to({ sectionName: 'b' })], []],
    ['an HTTPS listener', [WEB, at(http('https', from('All'), 'HTTPS')), to()], []],
    ['kinds list HTTPRoute (group defaulted)', [WEB, at(http('a', { ...from('All'), kinds: [{ kind: 'GRPCRoute' }, { kind: 'HTTPRoute' }] })), to()], []],
    ['kinds list HTTPRoute on a TCP listener', [WEB, at(http('a', { ...from('All'), kinds: [{ group: GW, kind: 'HTTPRoute' }] }, 'TCP')), to()], []],
    ['an implementation\'s own protocol', [WEB, at(http('a', from('All'), 'example.com/h3')), to()], []],
    ['a Gateway without listeners (the schema refuses it)', [WEB, at(), to()], []],
    ['a Gateway without spec', [WEB, { ...at(), spec: undefined }, to()], []],
    ['entries that are not objects are the schema\'s', [WEB, at(null, http('a', { namespaces: { from: 'All' }, kinds: [null, { kind: 'HTTPRoute' }] })), to()], []],
    ['from All, the Namespace in the output', [WEB, at(http('http', from('All'))), to(), namespace(NS)], []],
    ['an unknown from (the schema refuses it)', [WEB, at(http('http', from('Nobody'))), to(), namespace(NS)], []],
    ['from Same, another namespace', [WEB, at(http('http')), to()], [none(same('http'))]],
    ['from Same explicitly', [WEB, at(http('http', from('Same'))), to()], [none(same('http'))]],
    ['every listener refuses it, one reason each', [WEB, at(http('a'), http('b', undefined, 'TLS')), to()], [none(`${same('a')}; "b" is a TLS listener`)]],
    ['two listeners refuse it for one reason', [WEB, at(http('a', { kinds: [{ kind: 'GRPCRoute' }] }), http('a', { kinds: [{ kind: 'GRPCRoute' }] })), to()], [none('"a" allows only GRPCRoute')]],
    ['kinds without HTTPRoute', [WEB, at(http('a', { ...from('All'), kinds: [{ kind: 'GRPCRoute' }, { kind: 'TLSRoute' }] })), to()], [none('"a" allows only GRPCRoute, TLSRoute')]],
    ['kinds with HTTPRoute of another group', [WEB, at(http('a', { ...from('All'), kinds: [{ group: 'example.com', kind: 'HTTPRoute' }] })), to()], [none('"a" allows only HTTPRoute')]],
    ['a TCP listener', [WEB, at(http('a', from('All'), 'TCP')), to()], [none('"a" is a TCP listener')]],
    ['a UDP listener', [WEB, at(http('a', from('All'), 'UDP')), to()], [none('"a" is a UDP listener')]],
    ['the named listener refuses it, another would admit it', [WEB, at(http('a'), http('b', from('All'))), to({ sectionName: 'a' })],
      [`${R} spec.parentRefs[0]: listener "a" of Gateway "gateway-system/edge" does not admit it (${same('a')}): ${fix}`]],
    ['a listener name the Gateway does not have', [WEB, at(http('a'), http('b')), to({ sectionName: 'https' })],
      [`${R} spec.parentRefs[0].sectionName: Gateway "gateway-system/edge" has no listener "https" (listeners: a, b): name one of them, or leave sectionName out to attach to all`]],
    ['kinds that are not objects are not kinds', [WEB, at(http('a', { ...from('All'), kinds: [null, { kind: 'GRPCRoute' }] })), to()], [none('"a" allows only GRPCRoute')]],
    ['a listener name, and the Gateway has no spec', [WEB, { ...at(), spec: undefined }, to({ sectionName: 'https' })],
      [`${R} spec.parentRefs[0].sectionName: Gateway "gateway-system/edge" has no listener "https" (listeners: none): name one of them, or leave sectionName out to attach to all`]],
    ['a listener name, and the Gateway has none', [WEB, at(), to({ sectionName: 'https' })],
      [`${R} spec.parentRefs[0].sectionName: Gateway "gateway-system/edge" has no listener "https" (listeners: none): name one of them, or leave sectionName out to attach to all`]],
  ])('%s', (_case, docs, expected) => {
    expect(routes(docs)).toEqual(expected);
  });

  describe('from Selector: the labels of the route\'s namespace decide', () => {
    const selecting = (selector: any) => [WEB, at(http('a', from('Selector', selector))), to()];
    const refused = [none(`the selector of "a" does not match the labels of namespace "${NS}"`)];
    test.each<[string, any[], string[]]>([
      ['matching labels', [...selecting({ matchLabels: { edge: 'public' } }), namespace(NS, { edge: 'public' })], []],
      ['the name label the API server sets', [...selecting({ matchLabels: { 'kubernetes.io/metadata.name': NS } }), namespace(NS)], []],
      ['an expression', [...selecting({ matchExpressions: [{ key: 'edge', operator: 'In', values: ['public', 'all'] }] }), namespace(NS, { edge: 'all' })], []],
      ['the Namespace is not in the output: the gate cannot tell', selecting({ matchLabels: { edge: 'public' } }), []],
      ['other labels', [...selecting({ matchLabels: { edge: 'public' } }), namespace(NS, { edge: 'private' })], refused],
      ['a Namespace without labels', [...selecting({ matchLabels: { edge: 'public' } }), namespace(NS)], refused],
      ['another namespace\'s name label', [...selecting({ matchLabels: { 'kubernetes.io/metadata.name': 'other' } }), namespace(NS, { 'kubernetes.io/metadata.name': 'other' })], refused],
      ['no selector selects nothing', [...selecting(undefined), namespace(NS)], refused],
    ])('%s', (_case, docs, expected) => {
      expect(routes(docs)).toEqual(expected);
    });
  });
});

describe('label selectors as the API server evaluates them', () => {
  const labels = { app: 'web', tier: 'front' };
  test.each<[string, any, boolean]>([
    ['empty: everything', {}, true],
    ['absent: nothing', undefined, false],
    ['not an object', 'app=web', false],
    ['matchLabels', { matchLabels: { app: 'web' } }, true],
    ['matchLabels, one differs', { matchLabels: { app: 'web', tier: 'back' } }, false],
    ['In', { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'web'] }] }, true],
    ['In, other values', { matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] }, false],
    ['In, no such label', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['undefined'] }] }, false],
    ['NotIn', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }] }, true],
    ['NotIn, listed', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, false],
    ['NotIn, no such label', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    ['Exists, absent', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
    ['DoesNotExist', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    ['DoesNotExist, present', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['an unknown operator', { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }, false],
    ['labels and expressions together', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    ['labels match, an expression does not', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
    ['a label key inherited by every object is not a label', { matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, false],
  ])('%s', (_case, selector, expected) => {
    expect(labelSelectorMatches(selector, labels)).toBe(expected);
  });
});

describe('backendRefs resolve to a Service and one of its ports', () => {
  const P = `${R} spec.rules[0].backendRefs[0]`;
  const routeTo = (...refs: any[]) => httpRoute('web', { rules: [rule(refs)] });
  test.each<[string, any[], string[]]>([
    ['a Service and its port', [WEB, routeTo(ref('web'))], []],
    ['the second port of a Service', [svc('web', NS, [{ name: 'a', port: 80 }, { name: 'b', port: 8081 }]), routeTo(ref('web', { port: 8081 }))], []],
    ['group and kind defaulted', [WEB, routeTo({ name: 'web', port: 80 })], []],
    ['a backend of another kind is the implementation\'s', [routeTo(ref('web', { group: 'multicluster.x-k8s.io', kind: 'ServiceImport' }))], []],
    ['a core kind other than Service', [routeTo(ref('web', { kind: 'Pod' }))], []],
    ['a Service of another group', [routeTo(ref('web', { group: 'example.com' }))], []],
    ['a port among ports that are not objects', [svc('web', NS, [null, { port: 80 }] as any), routeTo(ref('web'))], []],
    ['no such port among several', [svc('web', NS, [{ port: 81 }, null, { port: 82 }] as any), routeTo(ref('web'))], [`${P}.port: Service "web" has no port 80 (ports: 81, 82): use one of its ports`]],
    ['the port of a Service without spec', [{ ...svc('web'), spec: undefined }, routeTo(ref('web'))], [`${P}.port: Service "web" has no port 80 (ports: none): use one of its ports`]],
    ['a rule without backendRefs', [httpRoute('web', { rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }] })], []],
    ['a route of another API group is not checked', [{ ...routeTo(ref('nope')), apiVersion: 'example.com/v1' }], []],
    ['no such Service', [WEB, routeTo(ref('nope'))], [`${P}.name: Service "nope" does not exist in this namespace: name a Service of the output`]],
    ['a Service of another API group is not the Service', [{ ...svc('web'), apiVersion: 'serving.knative.dev/v1' }, routeTo(ref('web'))],
      [`${P}.name: Service "web" does not exist in this namespace: name a Service of the output`]],
    ['no such port', [WEB, routeTo(ref('web', { port: 8080 }))], [`${P}.port: Service "web" has no port 8080 (ports: 80): use one of its ports`]],
    ['the port of a Service without ports', [svc('web', NS, []), routeTo(ref('web'))], [`${P}.port: Service "web" has no port 80 (ports: none): use one of its ports`]],
    ['no port', [svc('web', NS, [{ port: 80 }, { port: 81 }]), routeTo(ref('web', { port: undefined }))], [`${P}.port: a backendRef to a Service needs its port: set port to one of 80, 81`]],
    ['no port, to a Service without ports', [{ ...svc('web'), spec: {} }, routeTo(ref('web', { port: undefined }))],
      [`${P}.port: a backendRef to a Service needs its port: set port to one of its ports (it has none)`]],
    ['the second backendRef of the second rule', [WEB, httpRoute('web', { rules: [rule([ref('web')]), rule([ref('web'), ref('gone')], '/x')] })],
      [`${R} spec.rules[1].backendRefs[1].name: Service "gone" does not exist in this namespace: name a Service of the output`]],
  ])('%s', (_case, docs, expected) => {
    expect(routes(docs)).toEqual(expected);
  });
});

describe('a backendRef into another namespace needs a ReferenceGrant there', () => {
  const P = `${R} spec.rules[0].backendRefs[0]`;
  const OTHER = 'shared';
  const across = httpRoute('web', { rules: [rule([ref('auth', { namespace: OTHER })])] });
  const AUTH = svc('auth', OTHER);
  const refused = [`${P}.namespace: the Service is in namespace "${OTHER}", and no ReferenceGrant there allows HTTPRoutes of namespace "${NS}" to reference it: add one (from: group ${GW}, kind HTTPRoute, namespace ${NS}; to: group "", kind Service), or route to a Service of this namespace`];
  const from = { group: GW, kind: 'HTTPRoute', namespace: NS };
  test.each<[string, any[], string[]]>([
    ['a grant for every Service', [AUTH, referenceGrant(OTHER), across], []],
    ['a grant for this Service', [AUTH, referenceGrant(OTHER, from, { group: '', kind: 'Service', name: 'auth' }), across], []],
    ['one of several grants', [AUTH, { ...referenceGrant(OTHER), spec: { from: [{ ...from, kind: 'GRPCRoute' }, from], to: [{ group: '', kind: 'Secret' }, { group: '', kind: 'Service' }] } }, across], []],
    ['grants without spec, and entries that are not objects, are passed over', [AUTH, { ...referenceGrant(OTHER), metadata: { name: 'a', namespace: OTHER }, spec: undefined },
      { ...referenceGrant(OTHER), spec: { from: [null, from], to: [null, { group: '', kind: 'Service' }] } }, across], []],
    ['the namespace given as the route\'s own needs no grant', [WEB, httpRoute('web', { rules: [rule([ref('web', { namespace: NS })])] })], []],
    ['no grant', [AUTH, across], refused],
    ['a grant in the route\'s namespace instead', [AUTH, referenceGrant(NS), across], refused],
    ['a grant for another Service', [AUTH, referenceGrant(OTHER, from, { group: '', kind: 'Service', name: 'db' }), across], refused],
    ['a grant for another kind', [AUTH, referenceGrant(OTHER, from, { group: '', kind: 'Secret' }), across], refused],
    ['a grant to another group', [AUTH, referenceGrant(OTHER, from, { group: 'example.com', kind: 'Service' }), across], refused],
    ['a grant from GRPCRoutes', [AUTH, referenceGrant(OTHER, { ...from, kind: 'GRPCRoute' }), across], refused],
    ['a grant from another namespace', [AUTH, referenceGrant(OTHER, { ...from, namespace: 'prod' }), across], refused],
    ['a grant from another group', [AUTH, referenceGrant(OTHER, { ...from, group: 'example.com' }), across], refused],
    ['a ReferenceGrant of another API group', [AUTH, { ...referenceGrant(OTHER), apiVersion: 'example.com/v1' }, across], refused],
    ['no such Service there', [referenceGrant(OTHER), across], [`${P}.name: Service "auth" does not exist in namespace "${OTHER}": name a Service of the output`]],
    ['no such port there, and no grant', [svc('auth', OTHER, [{ port: 8080 }]), across], [`${P}.port: Service "auth" has no port 80 (ports: 8080): use one of its ports`, ...refused]],
  ])('%s', (_case, docs, expected) => {
    expect(routes(docs)).toEqual(expected);
  });
});

describe('one claim per host and path across HTTPRoutes and Ingresses of a namespace', () => {
  const claims = (...docs: any[]) => lines(checkRoutes(index(...docs)));
  const on = (name: string, host: string | undefined, rules: any[]) => httpRoute(name, { hostnames: host ? [host] : [], rules });
  const match = (m: any, backendRefs = [ref('web')]) => ({ matches: [m], backendRefs });
  const byRoute = (name: string, what: string, path = 'spec.rules[0].matches[0]', by = 'dev/app.yaml HTTPRoute a (spec.rules[0].matches[0])') =>
    `dev/app.yaml HTTPRoute ${name} ${path}: ${what} is already routed by ${by}: one route per host and path in an environment; use another host or path`;
  const X = 'x.example.com';
  test.each<[string, any[], string[]]>([
    ['two HTTPRoutes for one host and path', [on('a', X, [rule([ref('a')])]), on('b', X, [rule([ref('b')])])], [byRoute('b', `host "${X}" path "/"`)]],
    ['two HTTPRoutes for every host', [on('a', undefined, [rule([ref('a')])]), on('b', undefined, [rule([ref('b')])])], [byRoute('b', 'host "*" path "/"')]],
    ['a rule without matches is the path "/"', [on('a', X, [rule([ref('a')])]), on('b', X, [{ backendRefs: [ref('b')] }])], [byRoute('b', `host "${X}" path "/"`)]],
    ['a match without path is the path "/"', [on('a', X, [rule([ref('a')])]), on('b', X, [match({})])], [byRoute('b', `host "${X}" path "/"`)]],
    ['a path without type is a PathPrefix', [on('a', X, [rule([ref('a')], '/api')]), on('b', X, [match({ path: { value: '/api' } })])], [byRoute('b', `host "${X}" path "/api"`)]],
    ['an Exact and a PathPrefix match of one path (one app per path, whatever the type)', [on('a', X, [rule([ref('a')], '/api')]), on('b', X, [match({ path: { type: 'Exact', value: '/api' } })])],
      [byRoute('b', `host "${X}" path "/api"`)]],
    ['the claim of a second hostname and a second match', [on('a', X, [rule([ref('a')], '/api')]), httpRoute('b', { hostnames: ['y.example.com', X], rules: [rule([ref('b')], '/'), { matches: [{ path: { type: 'PathPrefix', value: '/b' } }, { path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [ref('b')] }] })],
      [byRoute('b', `host "${X}" path "/api"`, 'spec.rules[1].matches[1]')]],
    ['a third HTTPRoute names the first', [on('a', X, [rule([ref('a')])]), on('b', X, [rule([ref('b')])]), on('c', X, [rule([ref('c')])])],
      [byRoute('b', `host "${X}" path "/"`), byRoute('c', `host "${X}" path "/"`)]],
  ])('%s', (_case, docs, expected) => {
    expect(claims(...docs)).toEqual(expected);
  });

  test.each<[string, any[]]>([
    ['other paths of one host', [on('a', X, [rule([ref('a')])]), on('b', X, [rule([ref('b')], '/api')])]],
    ['one path of other hosts', [on('a', X, [rule([ref('a')])]), on('b', 'y.example.com', [rule([ref('b')])])]],
    ['one path twice in one HTTPRoute (its first rule wins, by the spec)', [on('a', X, [rule([ref('a')]), rule([ref('b')])])]],
    ['a match narrowed by a header (a preview on the production host)', [on('a', X, [rule([ref('a')])]), on('b', X, [match({ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'x-preview', value: '1' }] })])]],
    ['a match narrowed by a query parameter', [on('a', X, [rule([ref('a')])]), on('b', X, [match({ queryParams: [{ type: 'Exact', name: 'v', value: '2' }] })])]],
    ['a match narrowed by method', [on('a', X, [rule([ref('a')])]), on('b', X, [match({ method: 'POST' })])]],
    ['a RegularExpression path claims nothing', [on('a', X, [rule([ref('a')])]), on('b', X, [match({ path: { type: 'RegularExpression', value: '/' } })])]],
    ['empty header and query lists narrow nothing, on other hosts', [on('a', X, [rule([ref('a')])]), on('b', 'y.example.com', [match({ headers: [], queryParams: [] })])]],
    ['routes without spec or rules', [{ ...on('a', X, []), spec: undefined }, on('b', X, [])]],
  ])('accepted: %s', (_case, docs) => {
    expect(claims(...docs)).toEqual([]);
  });

  describe('one Ingress and one HTTPRoute share a claim only while moving, to the same Service', () => {
    const ing = (name: string, service = 'web', annotations?: Record<string, string>) => {
      const i = ingress(name, [backend(service, { number: 80 })]);
      i.spec.rules[0].host = X;
      if (annotations) i.metadata.annotations = annotations;
      return i;
    };
    const moving = (refs: any[]) => on('r', X, [rule(refs)]);
    const refused = (to: string, service = 'shop/web') =>
      `dev/app.yaml HTTPRoute r spec.rules[0].matches[0]: host "${X}" path "/" is also routed by dev/app.yaml Ingress i (spec.rules[0].http.paths[0]) to Service "${service}", and this rule sends it to ${to}: an Ingress and an HTTPRoute share a host and path only while an environment moves to the Gateway API, and then send it to the same Service; use another host or path`;
    test.each<[string, any[], string[]]>([
      ['the same Service', [ing('i'), moving([ref('web')])], []],
      ['backendRefs that are not objects are the schema\'s', [ing('i'), moving([null, ref('web')])], []],
      ['objects without metadata', [{ ...ing('i'), metadata: undefined }, { ...moving([ref('web', { namespace: undefined })]), metadata: undefined }], []],
      ['the same Service, named with its namespace', [ing('i'), moving([ref('web', { namespace: NS })])], []],
      ['a canary route: stable at 100, canary at 0, the Ingress to the stable Service', [ing('i', 'web-stable'), moving([ref('web-stable', { weight: 100 }), ref('web-canary', { weight: 0 })])], []],
      ['weights defaulted', [ing('i'), moving([{ name: 'web', port: 80 }])], []],
      ['an ingress-nginx canary Ingress claims nothing', [ing('i'), ing('i-canary', 'web-canary', { 'nginx.ingress.kubernetes.io/canary': 'true' }), moving([ref('web')])], []],
      ['another Service', [ing('i'), moving([ref('api')])], [refused('"shop/api"')]],
      ['two Services with weight', [ing('i'), moving([ref('web'), ref('api')])], [refused('"shop/web", "shop/api"')]],
      ['the Service of another namespace', [ing('i'), moving([ref('web', { namespace: 'other' })])], [refused('"other/web"')]],
      ['a backend of another kind', [ing('i'), moving([ref('web', { group: 'example.com', kind: 'Backend' })])], [refused('no Service')]],
      ['a core kind other than Service', [ing('i'), moving([ref('web', { kind: 'Pod' })])], [refused('no Service')]],
      ['a Service of another group', [ing('i'), moving([ref('web', { group: 'example.com' })])], [refused('no Service')]],
      ['a rule that is not an object (the schema refuses it) claims "/"', [ing('i'), on('r', X, [null])], [refused('no Service')]],
      ['an Ingress path without backend', [{ ...ing('i'), spec: { rules: [{ host: X, http: { paths: [{ path: '/', pathType: 'Prefix' }] } }] } }, moving([ref('web')])],
        [refused('"shop/web"', 'none')]],
      ['only a zero weight', [ing('i'), moving([ref('web', { weight: 0 })])], [refused('no Service')]],
      ['no backendRefs', [ing('i'), on('r', X, [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }])], [refused('no Service')]],
      ['an Ingress to a resource backend', [{ ...ing('i'), spec: { rules: [{ host: X, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { resource: { apiGroup: 'k8s.example.com', kind: 'Bucket', name: 'b' } } }] } }] } }, moving([ref('web')])],
        [refused('"shop/web"', 'none')]],
      ['a second HTTPRoute, even to the same Service', [ing('i'), moving([ref('web')]), on('s', X, [rule([ref('web')])])],
        [byRoute('s', `host "${X}" path "/"`, 'spec.rules[0].matches[0]', 'dev/app.yaml HTTPRoute r (spec.rules[0].matches[0])')]],
      ['a second Ingress, even to the same Service', [ing('i'), ing('j'), moving([ref('web')])],
        ['dev/app.yaml Ingress j spec.rules[0].http.paths[0]: host "x.example.com" path "/" is already routed by dev/app.yaml Ingress i (spec.rules[0].http.paths[0]): one Ingress per host and path in an environment; use another host or path']],
    ])('%s', (_case, docs, expected) => {
      expect(claims(...docs)).toEqual(expected);
    });
  });
});

describe('every field the API server defaults in a route\'s references is written (platform policy: no Argo CD drift)', () => {
  const defaults = (doc: any) => lines(checkRouteDefaults({ file: 'dev/app.yaml', doc }));
  const drift = (path: string, fields: string, them = true) => `${R} ${path}: write ${fields} explicitly: the API server defaults ${them ? 'them' : 'it'}, and Argo CD would show the route OutOfSync forever`;
  test.each<[string, any, string[]]>([
    ['everything explicit', httpRoute('web'), []],
    ['weight 0 and the core group "" are explicit values', httpRoute('web', { rules: [rule([ref('web', { weight: 0 })])] }), []],
    ['a route without spec', { ...httpRoute('web'), spec: undefined }, []],
    ['a route without backendRefs', httpRoute('web', { rules: [{}] }), []],
    ['not an HTTPRoute', { ...httpRoute('web', { parentRefs: [{ name: 'public' }] }), kind: 'GRPCRoute' }, []],
    ['rules and references that are not objects are the schema\'s', httpRoute('web', { rules: [null as any, { backendRefs: [ref('web')] }] }), []],
    ['an HTTPRoute of another API group', { ...httpRoute('web', { parentRefs: [{ name: 'public' }] }), apiVersion: 'example.com/v1' }, []],
    ['a parentRef without group', httpRoute('web', { parentRefs: [parent({ group: undefined })] }), [drift('spec.parentRefs[0]', 'group', false)]],
    ['a parentRef without group and kind', httpRoute('web', { parentRefs: [parent(), { name: 'public', namespace: GW_NS }] }), [drift('spec.parentRefs[1]', 'group and kind')]],
    ['a backendRef without weight', httpRoute('web', { rules: [rule([ref('web', { weight: undefined })])] }), [drift('spec.rules[0].backendRefs[0]', 'weight', false)]],
    ['a backendRef with only name and port', httpRoute('web', { rules: [rule([ref('web')]), rule([ref('web'), { name: 'web', port: 80 }], '/x')] }),
      [drift('spec.rules[1].backendRefs[1]', 'weight, group and kind')]],
  ])('%s', (_case, doc, expected) => {
    expect(defaults(doc)).toEqual(expected);
  });
});

describe('the gate runs the route rules', () => {
  const gate = (docs: any[], options: { policy?: boolean } = {}) => validateManifests(placed(...docs), { folders: DECLARED, ...options }).map((p) => `${p.object} ${p.path}: ${p.message}`);
  const valid = [svc('web'), httpRoute('web')];
  test('a valid route passes every rule, schema and policy included', () => {
    expect(gate(valid)).toEqual([]);
  });
  test('refused: an undeclared Gateway, a Service port, a second route on the same host and path, a missing weight', () => {
    const second = httpRoute('web2', { hostnames: ['web.example.com'], parentRefs: [parent({ name: 'nope' })], rules: [rule([ref('web', { port: 81, weight: undefined })])] });
    expect(gate([...valid, second])).toEqual([
      'dev/app.yaml HTTPRoute web2 spec.rules[0].backendRefs[0]: write weight explicitly: the API server defaults it, and Argo CD would show the route OutOfSync forever',
      'dev/app.yaml HTTPRoute web2 spec.parentRefs[0]: Gateway "gateway-system/nope" is not declared and not in the output (the environment of folder "dev" declares "gateway-system/public", "gateway-system/internal"): attach the route to a declared Gateway, or declare this one in the Environment\'s traffic settings',
      'dev/app.yaml HTTPRoute web2 spec.rules[0].backendRefs[0].port: Service "web" has no port 81 (ports: 80): use one of its ports',
      'dev/app.yaml HTTPRoute web2 spec.rules[0].matches[0]: host "web.example.com" path "/" is already routed by dev/app.yaml HTTPRoute web (spec.rules[0].matches[0]): one route per host and path in an environment; use another host or path',
    ]);
  });
  test('the drift rule is platform policy: off with the policy', () => {
    expect(gate([svc('web'), httpRoute('web', { rules: [rule([{ name: 'web', port: 80 }])] })], { policy: false })).toEqual([]);
  });
  test('routes of different clusters do not see each other\'s Services', () => {
    const folders = new Map<string, FolderTarget>([...DECLARED, ['prod', { server: 'https://prod.example.com', namespace: NS, gateways: [`${GW_NS}/public`] }]]);
    const problems = validateManifests([{ file: 'prod/app.yaml', doc: svc('web') }, ...placed(httpRoute('web'))], { folders }).map((p) => p.message);
    expect(problems).toEqual(['Service "web" does not exist in this namespace: name a Service of the output']);
  });
});

describe('a construct\'s self-check knows the Gateways of its environment', () => {
  const objects = () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: NS });
    return [new ApiObject(chart, 's', svc('web') as any), new ApiObject(chart, 'r', httpRoute('web') as any)];
  };
  test.each<[string, any, string[]]>([
    ['the declared Gateway', { gateways: [`${GW_NS}/public`] }, []],
    ['the policy passed on', { gateways: [`${GW_NS}/public`], policy: false }, []],
    ['other Gateways', { gateways: [`${GW_NS}/internal`] }, [
      'JavaApp "web" HTTPRoute web spec.parentRefs[0]: Gateway "gateway-system/public" is not declared and not in the output (the environment of folder "" declares "gateway-system/internal"): attach the route to a declared Gateway, or declare this one in the Environment\'s traffic settings',
    ]],
    ['none declared', { gateways: [] }, [
      'JavaApp "web" HTTPRoute web spec.parentRefs[0]: Gateway "gateway-system/public" is not declared and not in the output (the environment of folder "" declares no Gateway): attach the route to a declared Gateway, or declare this one in the Environment\'s traffic settings',
    ]],
    ['declarations unknown', {}, []],
  ])('%s', (_case, options, expected) => {
    expect(selfCheckProblems(objects(), 'JavaApp "web"', options)).toEqual(expected);
  });
  test('a label with a slash is one folder all the same', () => {
    expect(selfCheckProblems(objects(), 'JavaApp "shop/web"', { gateways: [`${GW_NS}/public`] })).toEqual([]);
  });
  test('the policy is passed on', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: NS });
    const bare = [new ApiObject(chart, 's', svc('web') as any), new ApiObject(chart, 'r', httpRoute('web', { rules: [rule([{ name: 'web', port: 80 }])] }) as any)];
    expect(selfCheckProblems(bare, 'JavaApp "web"', { gateways: [`${GW_NS}/public`], policy: false })).toEqual([]);
    expect(selfCheckProblems(bare, 'JavaApp "web"', { gateways: [`${GW_NS}/public`] })).toHaveLength(1);
  });
});

describe('the upstream Gateway API plugin examples (v0.15.0) through the gate', () => {
  const example = (file: string) => parseAllDocuments(readFileSync(`${__dirname}/fixtures/${file}`, 'utf8')).map((d) => ({ file: `default/${file}`, doc: d.toJS() }));
  const routeKinds = new Set(['HTTPRoute', 'Gateway', 'GatewayClass', 'ReferenceGrant', 'Service', 'Rollout']);
  /** The gate's problems with the objects the route rules look at, not the pod policy (their pods are demos). */
  const problems = (file: string, policy: boolean) => validateManifests(example(file), { policy }).filter((p) => !p.path.startsWith('spec.template.'))
    .filter((p) => routeKinds.has(p.object.split(' ')[1])).map((p) => `${p.object.split(' ').slice(1).join(' ')} ${p.path}: ${p.message}`);

  test('Envoy Gateway canary: the Gateway admits the route (same namespace), backends and plugin settings resolve; only our drift policy refuses it', () => {
    expect(problems('gatewayapi-canary-envoygateway.yaml', false)).toEqual([
      // GatewayClass is cluster-scoped and not vendored: the platform never writes one.
      'GatewayClass eg : no schema for gateway.networking.k8s.io/v1 GatewayClass: vendor its CRD in crds/ and run npm run import',
    ]);
    // Right by policy: the example leaves group, kind and weight to the API server, so Argo CD would
    // report the live route OutOfSync forever (and weight 1/1 would split 50/50 before the first step).
    expect(problems('gatewayapi-canary-envoygateway.yaml', true)).toEqual([
      'GatewayClass eg : no schema for gateway.networking.k8s.io/v1 GatewayClass: vendor its CRD in crds/ and run npm run import',
      'HTTPRoute argo-rollouts-http-route spec.parentRefs[0]: write group and kind explicitly: the API server defaults them, and Argo CD would show the route OutOfSync forever',
      'HTTPRoute argo-rollouts-http-route spec.rules[0].backendRefs[0]: write weight and group explicitly: the API server defaults them, and Argo CD would show the route OutOfSync forever',
      'HTTPRoute argo-rollouts-http-route spec.rules[0].backendRefs[1]: write weight and group explicitly: the API server defaults them, and Argo CD would show the route OutOfSync forever',
    ]);
  });

  test('Cilium header-based canary (a mesh route: its parent is a Service): the route and the exact header step pass; weights left out are our drift policy', () => {
    const cilium = [
      // Cilium's documented workaround (cilium/cilium#38415): a parent Service that selects no pod, which the gate refuses on purpose.
      'Service argo-rollouts-service spec.selector: selects no pods of this namespace ({"app":"dummy"}): use the labels of the app\'s pod template',
    ];
    expect(problems('gatewayapi-canary-header-based.yaml', false)).toEqual(cilium);
    expect(problems('gatewayapi-canary-header-based.yaml', true)).toEqual([
      'HTTPRoute argo-rollouts-http-route spec.rules[0].backendRefs[0]: write weight explicitly: the API server defaults it, and Argo CD would show the route OutOfSync forever',
      'HTTPRoute argo-rollouts-http-route spec.rules[0].backendRefs[1]: write weight explicitly: the API server defaults it, and Argo CD would show the route OutOfSync forever',
      ...cilium,
    ]);
  });
});
