import { folderClusters } from '../lib/validate/folders';
import { validateManifests } from '../lib/validate/gate';
import { indexByNamespace, Manifest } from '../lib/validate/manifest';
import { checkGatewayPlugin } from '../lib/validate/route-plugin';
import { lines, NS, rollout } from './support/docs';
import { application, GW, httpRoute, placed, ref, rule, svc, WEIGHTS } from './support/routes';

const PLUGIN = 'spec.strategy.canary.trafficRouting.plugins["argoproj-labs/gatewayAPI"]';
const RO = 'dev/app.yaml Rollout web';
const SERVICES = [svc('web-stable'), svc('web-canary')];
/** The route the constructs write for a canary: stable at 100, canary at 0. */
const SPLIT = rule([ref('web-stable', { weight: 100 }), ref('web-canary', { weight: 0 })]);
const ROUTE = httpRoute('web', { rules: [SPLIT] });

/** A canary Rollout through the plugin with `config`, and its steps (null: none) and managed routes. */
function canary(config: any, options: { steps?: any[] | null; managedRoutes?: any[]; namespace?: string } = {}): any {
  const r = rollout('web', {
    canary: {
      canaryService: 'web-canary',
      stableService: 'web-stable',
      trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': config }, ...(options.managedRoutes ? { managedRoutes: options.managedRoutes } : {}) },
      ...(options.steps === null ? {} : { steps: options.steps ?? [{ setWeight: 20 }, { pause: {} }] }),
    },
  });
  if (options.namespace) r.metadata.namespace = options.namespace;
  return r;
}

const plugin = (...items: any[]) => {
  const ms: Manifest[] = placed(...items);
  return lines(checkGatewayPlugin(indexByNamespace(ms), folderClusters(ms).applications));
};

describe('the plugin\'s settings name routes it can drive', () => {
  test.each<[string, any[], string[]]>([
    ['httpRoute in the Rollout\'s namespace', [ROUTE, canary({ httpRoute: 'web' })], []],
    ['httpRoute with the namespace given', [ROUTE, canary({ httpRoute: 'web', namespace: NS })], []],
    ['an empty namespace is the Rollout\'s', [ROUTE, canary({ httpRoute: 'web', namespace: '' })], []],
    ['a route of another namespace, named with it', [{ ...ROUTE, metadata: { name: 'web', namespace: 'edge' } }, canary({ httpRoute: 'web', namespace: 'edge' })], []],
    ['httpRoutes', [ROUTE, httpRoute('web2', { rules: [SPLIT] }), canary({ httpRoutes: [{ name: 'web', useHeaderRoutes: true }, { name: 'web2' }] })], []],
    ['every setting the plugin reads', [ROUTE, canary({ httpRoute: 'web', namespace: NS, disableInProgressLabel: true, inProgressLabelKey: 'k', inProgressLabelValue: 'v' })], []],
    ['a GRPCRoute only (not checked further)', [canary({ grpcRoute: 'grpc' })], []],
    ['a selector', [httpRoute('web', { rules: [SPLIT], labels: { app: 'web' } }), canary({ httpRouteSelector: { matchLabels: { app: 'web' } } })], []],
    ['a Rollout without the plugin', [rollout('web', { canary: { trafficRouting: { plugins: { 'example.com/other': { route: 'x' } } } } })], []],
    ['a Rollout without strategy', [{ ...rollout('web', {}), spec: {} }], []],
    ['a Rollout without spec', [{ ...rollout('web', {}), spec: undefined }], []],
    ['traffic routing without plugins', [rollout('web', { canary: { trafficRouting: { nginx: { stableIngress: 'web' } } } })], []],
    ['httpRoutes entries that are not objects', [ROUTE, canary({ httpRoutes: [null, { name: 'web' }] })], [`${RO} ${PLUGIN}.httpRoutes[0].name: is required: the name of an HTTPRoute`]],
    ['a selector in a namespace the output does not hold', [ROUTE, canary({ httpRouteSelector: {}, namespace: 'nowhere' })],
      [`${RO} ${PLUGIN}.httpRouteSelector: selects no HTTPRoute of namespace "nowhere": match the labels of the app's HTTPRoute`]],
    ['an empty selector selects a route without labels', [ROUTE, canary({ httpRouteSelector: {} })], []],
    ['not an object', [ROUTE, canary('web')], [`${RO} ${PLUGIN}: must be an object of the plugin's settings, e.g. {httpRoute: <name>}`]],
    ['a list', [ROUTE, canary(['web'])], [`${RO} ${PLUGIN}: must be an object of the plugin's settings, e.g. {httpRoute: <name>}`]],
    ['a misspelt setting', [ROUTE, canary({ httpRoute: 'web', httproute: 'web' })],
      [`${RO} ${PLUGIN}.httproute: "httproute" is not a setting of the argoproj-labs/gatewayAPI plugin, which ignores it (the API server does not check plugin settings): use one of httpRoute, httpRoutes, httpRouteSelector, grpcRoute, grpcRoutes, grpcRouteSelector, tcpRoute, tcpRoutes, tcpRouteSelector, tlsRoute, tlsRoutes, tlsRouteSelector, namespace, disableInProgressLabel, inProgressLabelKey, inProgressLabelValue`]],
    ['the configMap of plugin versions before v0.13', [ROUTE, canary({ httpRoute: 'web', 'config-map': 'argo-gatewayapi-configmap' })],
      [`${RO} ${PLUGIN}["config-map"]: "config-map" is not a setting of the argoproj-labs/gatewayAPI plugin, which ignores it (the API server does not check plugin settings): use one of httpRoute, httpRoutes, httpRouteSelector, grpcRoute, grpcRoutes, grpcRouteSelector, tcpRoute, tcpRoutes, tcpRouteSelector, tlsRoute, tlsRoutes, tlsRouteSelector, namespace, disableInProgressLabel, inProgressLabelKey, inProgressLabelValue`]],
    ['no route', [ROUTE, canary({ namespace: NS })], [`${RO} ${PLUGIN}: names no route, so the plugin fails every step ("No routes configured"): set httpRoute to the name of the app's HTTPRoute`]],
    ['no such route', [ROUTE, canary({ httpRoute: 'webb' })], [`${RO} ${PLUGIN}.httpRoute: HTTPRoute "webb" does not exist in namespace "${NS}": name the app's HTTPRoute, or set namespace to the route's`]],
    ['the route is in another namespace than the plugin\'s', [ROUTE, canary({ httpRoute: 'web', namespace: 'edge' })],
      [`${RO} ${PLUGIN}.httpRoute: HTTPRoute "web" does not exist in namespace "edge": name the app's HTTPRoute, or set namespace to the route's`]],
    ['an HTTPRoute of another API group', [{ ...ROUTE, apiVersion: 'example.com/v1' }, canary({ httpRoute: 'web' })],
      [`${RO} ${PLUGIN}.httpRoute: HTTPRoute "web" does not exist in namespace "${NS}": name the app's HTTPRoute, or set namespace to the route's`]],
    ['httpRoutes without a name', [ROUTE, canary({ httpRoutes: [{ name: 'web' }, { useHeaderRoutes: true }] })], [`${RO} ${PLUGIN}.httpRoutes[1].name: is required: the name of an HTTPRoute`]],
    ['httpRoutes naming no route', [ROUTE, canary({ httpRoutes: [{ name: 'nope' }] })],
      [`${RO} ${PLUGIN}.httpRoutes[0].name: HTTPRoute "nope" does not exist in namespace "${NS}": name the app's HTTPRoute, or set namespace to the route's`]],
    ['httpRoutes not a list', [ROUTE, canary({ httpRoute: 'web', httpRoutes: 'web' })], []],
    ['a selector that selects nothing', [ROUTE, canary({ httpRouteSelector: { matchLabels: { app: 'web' } } })],
      [`${RO} ${PLUGIN}.httpRouteSelector: selects no HTTPRoute of namespace "${NS}": match the labels of the app's HTTPRoute`]],
    ['a selector does not select routes of another API group', [{ ...httpRoute('web', { labels: { app: 'web' } }), apiVersion: 'example.com/v1' }, canary({ httpRouteSelector: { matchLabels: { app: 'web' } } })],
      [`${RO} ${PLUGIN}.httpRouteSelector: selects no HTTPRoute of namespace "${NS}": match the labels of the app's HTTPRoute`]],
  ])('%s', (_case, docs, expected) => {
    expect(plugin(...docs)).toEqual(expected);
  });
});

describe('a driven route has a rule with both the canary and the stable Service', () => {
  const missing = (path = `${PLUGIN}.httpRoute`) => `${RO} ${path}: HTTPRoute "web" has no rule whose backendRefs list both the canary Service "web-canary" and the stable Service "web-stable", so the plugin fails with "backendRef was not found in httpRoute": list both in the app's rule (weights 0 and 100)`;
  test.each<[string, any[], string[]]>([
    ['the second rule has both', [httpRoute('web', { rules: [rule([ref('web-stable')], '/static'), SPLIT] }), canary({ httpRoute: 'web' })], []],
    ['only the stable Service', [httpRoute('web', { rules: [rule([ref('web-stable')])] }), canary({ httpRoute: 'web' })], [missing()]],
    ['only the canary Service', [httpRoute('web', { rules: [rule([ref('web-canary')])] }), canary({ httpRoute: 'web' })], [missing()]],
    ['each in another rule', [httpRoute('web', { rules: [rule([ref('web-stable')]), rule([ref('web-canary')], '/x')] }), canary({ httpRoute: 'web' })], [missing()]],
    ['a route without rules', [{ ...ROUTE, spec: { parentRefs: ROUTE.spec.parentRefs } }, canary({ httpRoute: 'web' })], [missing()]],
    ['a rule without backendRefs', [httpRoute('web', { rules: [{}] }), canary({ httpRoute: 'web' })], [missing()]],
    ['a route without spec', [{ ...ROUTE, spec: undefined }, canary({ httpRoute: 'web' })], [missing()]],
    ['rules and backendRefs that are not objects', [httpRoute('web', { rules: [null, { ...SPLIT, backendRefs: [null, ...SPLIT.backendRefs] }] as any }), canary({ httpRoute: 'web' })], []],
    ['found by selector', [httpRoute('web', { rules: [rule([ref('web-stable')])], labels: { app: 'web' } }), canary({ httpRouteSelector: { matchLabels: { app: 'web' } } })],
      [missing(`${PLUGIN}.httpRouteSelector`)]],
  ])('%s', (_case, docs, expected) => {
    expect(plugin(...docs)).toEqual(expected);
  });
});

describe('header steps: exact values, managed routes, at most 16 rules, no header matched twice', () => {
  const header = (headerValue: any, name = 'preview', headerName = 'X-Canary') => ({ setHeaderRoute: { name, match: [{ headerName, headerValue }] } });
  const managedRoutes = [{ name: 'preview' }, { name: 'beta' }];
  const steps = (...s: any[]) => canary({ httpRoute: 'web' }, { managedRoutes, steps: [{ setWeight: 10 }, ...s, { setHeaderRoute: { name: 'preview' } }] });
  const S = (i: number) => `${RO} spec.strategy.canary.steps[${i}]`;
  const regex = 'becomes a RegularExpression header match, which Gateway API implementations support differently (implementation-specific): match an exact value';
  /** A route of n rules, each with both Services. */
  const rules = (n: number) => httpRoute('web', { rules: Array.from({ length: n }, (_, i) => rule(SPLIT.backendRefs, `/p${i}`)) });
  test.each<[string, any[], string[]]>([
    ['an exact value', [ROUTE, steps(header({ exact: '1' }))], []],
    ['an exact value beside empty others', [ROUTE, steps(header({ exact: '1', prefix: '' }))], []],
    ['a prefix', [ROUTE, steps(header({ prefix: 'a' }))], [`${S(1)}.setHeaderRoute.match[0].headerValue: prefix ${regex}`]],
    ['a regex', [ROUTE, steps(header({ regex: 'a.*' }))], [`${S(1)}.setHeaderRoute.match[0].headerValue: regex ${regex}`]],
    ['exact and prefix', [ROUTE, steps(header({ exact: 'a', prefix: 'a' }))], [`${S(1)}.setHeaderRoute.match[0].headerValue: prefix ${regex}`]],
    ['prefix and regex', [ROUTE, steps(header({ prefix: 'a', regex: 'a' }))],
      [`${S(1)}.setHeaderRoute.match[0].headerValue: prefix and regex become a RegularExpression header match, which Gateway API implementations support differently (implementation-specific): match an exact value`]],
    ['no value', [ROUTE, steps(header({}))], [`${S(1)}.setHeaderRoute.match[0].headerValue: needs an exact header value`]],
    ['no headerValue', [ROUTE, steps({ setHeaderRoute: { name: 'preview', match: [{ headerName: 'X-Canary' }] } })], [`${S(1)}.setHeaderRoute.match[0].headerValue: needs an exact header value`]],
    ['steps, matches and managed routes that are not objects', [ROUTE, canary({ httpRoute: 'web' }, { managedRoutes: [null, ...managedRoutes], steps: [null, { setHeaderRoute: { name: 'preview', match: [null] } }] })],
      [`${S(1)}.setHeaderRoute.match[0].headerValue: needs an exact header value`]],
    ['a canary without steps', [ROUTE, canary({ httpRoute: 'web' }, { managedRoutes, steps: null })], []],
    ['a route not in managedRoutes', [ROUTE, steps(header({ exact: '1' }, 'gamma'))],
      [`${S(1)}.setHeaderRoute.name: "gamma" is not in trafficRouting.managedRoutes: add {name: gamma} there`]],
    ['no managedRoutes', [ROUTE, canary({ httpRoute: 'web' }, { steps: [header({ exact: '1' })] })],
      [`${S(0)}.setHeaderRoute.name: "preview" is not in trafficRouting.managedRoutes: add {name: preview} there`]],
    ['a mirror step', [ROUTE, steps({ setMirrorRoute: { name: 'preview' } })],
      [`${S(1)}.setMirrorRoute: the argoproj-labs/gatewayAPI plugin does not mirror traffic (SetMirrorRoute does nothing): remove the step`]],
    ['8 rules and one header route: 16', [rules(8), steps(header({ exact: '1' }))], []],
    ['5 rules and two header routes, one set twice: 15', [rules(5), steps(header({ exact: '1' }), header({ exact: '1' }, 'beta'), header({ exact: '2' }))], []],
    ['9 rules and one header route: 18', [rules(9), steps(header({ exact: '1' }))],
      [`${RO} ${PLUGIN}.httpRoute: HTTPRoute "web" has 9 rules and the header routes add 9 (one per rule with both Services, for each of preview): more than 16 rules are refused by the API server, so the plugin's update would fail mid-release; use fewer rules or header routes`]],
    ['6 rules and two header routes: 18', [rules(6), steps(header({ exact: '1' }), header({ exact: '1' }, 'beta'))],
      [`${RO} ${PLUGIN}.httpRoute: HTTPRoute "web" has 6 rules and the header routes add 12 (one per rule with both Services, for each of preview, beta): more than 16 rules are refused by the API server, so the plugin's update would fail mid-release; use fewer rules or header routes`]],
    ['only rules with both Services are copied: 10 + 6', [httpRoute('web', { rules: [...rules(6).spec.rules, ...Array.from({ length: 4 }, (_, i) => rule([ref('web-stable')], `/s${i}`))] }), steps(header({ exact: '1' }))], []],
    ['17 rules without header routes', [rules(17), canary({ httpRoute: 'web' })],
      [`${RO} ${PLUGIN}.httpRoute: HTTPRoute "web" has 17 rules and the header routes add 0 (one per rule with both Services, for each of ): more than 16 rules are refused by the API server, so the plugin's update would fail mid-release; use fewer rules or header routes`]],
    ['a route without header routes gets no header rules', [rules(9), canary({ httpRoutes: [{ name: 'web' }] }, { managedRoutes, steps: [header({ exact: '1' })] })], []],
    ['httpRoutes with useHeaderRoutes: 9 rules and one header route', [rules(9), canary({ httpRoutes: [{ name: 'web', useHeaderRoutes: true }] }, { managedRoutes, steps: [header({ exact: '1' })] })],
      [`${RO} ${PLUGIN}.httpRoutes[0].name: HTTPRoute "web" has 9 rules and the header routes add 9 (one per rule with both Services, for each of preview): more than 16 rules are refused by the API server, so the plugin's update would fail mid-release; use fewer rules or header routes`]],
    ['a step that removes a header route adds none: 8 rules, 16', [rules(8), steps(header({ exact: '1' }), { setHeaderRoute: { name: 'beta' } }, { setHeaderRoute: { name: 'beta', match: [] } })], []],
    ['useHeaderRoutes false', [rules(9), canary({ httpRoutes: [{ name: 'web', useHeaderRoutes: false }] }, { managedRoutes, steps: [header({ exact: '1' })] })], []],
    ['a route found by selector gets no header rules', [{ ...rules(9), metadata: { name: 'web', namespace: NS, labels: { app: 'web' } } }, canary({ httpRouteSelector: { matchLabels: { app: 'web' } } }, { managedRoutes, steps: [header({ exact: '1' })] })], []],
    ['a header the route already matches', [httpRoute('web', { rules: [{ ...SPLIT, matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'x-canary', value: 'no' }] }] }] }), steps(header({ exact: '1' }))],
      [`${S(1)}.setHeaderRoute.match[0].headerName: HTTPRoute "web" already matches header "X-Canary", and a match lists each header once: the plugin's update would be refused; use another header`]],
    ['matches, headers and step matches that are not objects', [httpRoute('web', { rules: [{ ...SPLIT, matches: [null, { headers: [null, { name: 'X-Other', value: 'no' }] }] }] }),
      canary({ httpRoute: 'web' }, { managedRoutes, steps: [null, { setHeaderRoute: { name: 'preview', match: [null, { headerName: 'X-Canary', headerValue: { exact: '1' } }] } }] })],
      [`${S(1)}.setHeaderRoute.match[0].headerValue: needs an exact header value`]],
    ['a header of a rule the plugin does not copy', [httpRoute('web', { rules: [SPLIT, { ...rule([ref('web-stable')]), matches: [{ headers: [{ name: 'X-Canary', value: 'no' }] }] }] }), steps(header({ exact: '1' }))], []],
    ['a header the route matches, without header routes', [httpRoute('web', { rules: [{ ...SPLIT, matches: [{ headers: [{ name: 'X-Canary', value: 'no' }] }] }] }), canary({ httpRoutes: [{ name: 'web' }] }, { managedRoutes, steps: [header({ exact: '1' })] })], []],
  ])('%s', (_case, docs, expected) => {
    expect(plugin(...docs)).toEqual(expected);
  });
});

describe('the Argo CD Application of the route\'s folder ignores exactly the plugin\'s weights', () => {
  const A = 'argocd/applications.yaml Application dev';
  const driven = [...SERVICES, ROUTE, canary({ httpRoute: 'web' })];
  const what = `HTTPRoute "${NS}/web"`;
  const missing = `${A} spec.ignoreDifferences: the Rollouts plugin changes the weights of ${what} during a release: add {group: ${GW}, kind: HTTPRoute, jqPathExpressions: [".spec.rules[].backendRefs[].weight"]}, or a sync mid-release resets them`;
  const respect = `${A} spec.syncPolicy.syncOptions: add "RespectIgnoreDifferences=true": without it a sync applies the Git weights of ${what} over the live ones that the Rollouts plugin set`;
  const more = (path: string) => `${A} ${path}: ignores more of ${what} than the weights the Rollouts plugin writes, so changes to it in Git would not be applied: use ${path.includes('jq') ? '"' : 'jqPathExpressions ["'}.spec.rules[].backendRefs[].weight"${path.includes('jq') ? '' : ']'}`;
  const LABEL = 'select(.metadata.labels["rollouts.argoproj.io/gatewayapi-canary"] == "in-progress") | .spec.rules';
  test.each<[string, any[], string[]]>([
    ['the weight path and RespectIgnoreDifferences', [...driven, application()], []],
    ['no Application syncs the folder: nothing to check', driven, []],
    ['an entry for this route by name and namespace', [...driven, application([{ ...WEIGHTS, name: 'web', namespace: NS }])], []],
    ['the path with spaces around it', [...driven, application([{ ...WEIGHTS, jqPathExpressions: [' .spec.rules[].backendRefs[].weight '] }])], []],
    ['a route of the Application that the plugin does not drive needs nothing', [...SERVICES, ROUTE, application(null, null)], []],
    ['no ignoreDifferences', [...driven, application(null)], [missing]],
    ['no RespectIgnoreDifferences', [...driven, application([WEIGHTS], ['ServerSideApply=true'])], [respect]],
    ['no syncOptions', [...driven, application([WEIGHTS], null)], [respect]],
    ['an entry without group (the core group)', [...driven, application([{ ...WEIGHTS, group: undefined }])], [missing]],
    ['an entry for another kind', [...driven, application([{ ...WEIGHTS, kind: 'GRPCRoute' }])], [missing]],
    ['an entry for another route', [...driven, application([{ ...WEIGHTS, name: 'api' }])], [missing]],
    ['an entry for another namespace', [...driven, application([{ ...WEIGHTS, namespace: 'prod' }])], [missing]],
    ['the label-keyed expression of the v0.15.0 quick-start', [...driven, application([{ ...WEIGHTS, jqPathExpressions: [LABEL] }])], [
      `${A} spec.ignoreDifferences[0].jqPathExpressions[0]: selects by a label that only the live ${what} carries, so Argo CD sees a difference forever and a sync mid-release resets the weights: use ".spec.rules[].backendRefs[].weight"`,
      missing,
    ]],
    ['a broader expression beside the weights', [...driven, application([{ ...WEIGHTS, jqPathExpressions: ['.spec.rules[].backendRefs[].weight', '.spec.rules'] }])], [more('spec.ignoreDifferences[0].jqPathExpressions[1]')]],
    ['jsonPointers', [...driven, application([{ ...WEIGHTS, jsonPointers: ['/spec/rules'] }])], [more('spec.ignoreDifferences[0].jsonPointers')]],
    ['managedFieldsManagers (the plugin owns every rule)', [...driven, application([{ ...WEIGHTS, managedFieldsManagers: ['rollouts-controller'] }])], [more('spec.ignoreDifferences[0].managedFieldsManagers')]],
    ['empty lists are nothing', [...driven, application([{ ...WEIGHTS, jsonPointers: [], managedFieldsManagers: [] }])], []],
    ['another kind\'s broad entry is not this rule\'s business', [...driven, application([WEIGHTS, { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }])], []],
    ['entries that are not objects, and an entry without jq paths', [...driven, application([null as any, { group: GW, kind: 'HTTPRoute' }, WEIGHTS])], []],
    ['no syncPolicy', [...driven, application([WEIGHTS], null)], [respect]],
    ['a route found by selector gets no header rules to ignore', [...SERVICES, httpRoute('web', { rules: [SPLIT], labels: { app: 'web' } }),
      canary({ httpRouteSelector: { matchLabels: { app: 'web' } } }, { managedRoutes: [{ name: 'preview' }], steps: [{ setHeaderRoute: { name: 'preview', match: [{ headerName: 'X-Canary', headerValue: { exact: '1' } }] } }] }), application()], []],
    ['two Rollouts on one route: each thing said once', [...driven, { ...canary({ httpRoute: 'web' }), metadata: { name: 'web2', namespace: NS } }, application(null)], [missing]],
  ])('%s', (_case, docs, expected) => {
    expect(plugin(...docs)).toEqual(expected);
  });

  describe('with header routes, the rules the plugin adds are ignored too', () => {
    const headed = [...SERVICES, ROUTE, canary({ httpRoute: 'web' }, { managedRoutes: [{ name: 'preview' }], steps: [{ setHeaderRoute: { name: 'preview', match: [{ headerName: 'X-Canary', headerValue: { exact: '1' } }] } }] })];
    const SELECT = '.spec.rules[] | select(.name // "" | test("^preview(-[0-9]+)?$"))';
    test.each<[string, string[], string[]]>([
      ['a select on the managed route\'s name', [WEIGHTS.jqPathExpressions[0], SELECT], []],
      ['a select by equality', [WEIGHTS.jqPathExpressions[0], '.spec.rules[] | select(.name == "preview")'], []],
      ['without spaces', [WEIGHTS.jqPathExpressions[0], '.spec.rules[]|select(.name=="preview")'], []],
      ['with more spaces', [WEIGHTS.jqPathExpressions[0], '.spec.rules[]  |  select( .name == "preview")'], []],
      ['a select after something else', [WEIGHTS.jqPathExpressions[0], '.metadata | .spec.rules[] | select(.name == "preview")'], [
        more('spec.ignoreDifferences[0].jqPathExpressions[1]'),
        `${A} spec.ignoreDifferences: the Rollouts plugin adds header rules named "preview" (and "preview-1", ...) to ${what} during a release: ignore them with the jqPathExpression '${SELECT}', or a sync mid-release removes them`,
      ]],
      ['no select', [WEIGHTS.jqPathExpressions[0]], [
        `${A} spec.ignoreDifferences: the Rollouts plugin adds header rules named "preview" (and "preview-1", ...) to ${what} during a release: ignore them with the jqPathExpression '${SELECT}', or a sync mid-release removes them`,
      ]],
      ['a select on another name', [WEIGHTS.jqPathExpressions[0], '.spec.rules[] | select(.name == "beta")'], [
        `${A} spec.ignoreDifferences: the Rollouts plugin adds header rules named "preview" (and "preview-1", ...) to ${what} during a release: ignore them with the jqPathExpression '${SELECT}', or a sync mid-release removes them`,
      ]],
      ['the name mentioned outside a select', [WEIGHTS.jqPathExpressions[0], '.spec.rules[] | .preview'], [
        more('spec.ignoreDifferences[0].jqPathExpressions[1]'),
        `${A} spec.ignoreDifferences: the Rollouts plugin adds header rules named "preview" (and "preview-1", ...) to ${what} during a release: ignore them with the jqPathExpression '${SELECT}', or a sync mid-release removes them`,
      ]],
    ])('%s', (_case, jq, expected) => {
      expect(plugin(...headed, application([{ ...WEIGHTS, jqPathExpressions: jq }]))).toEqual(expected);
    });
  });
});

test('the gate runs the plugin rules, the Application in the bootstrap folder', () => {
  const problems = validateManifests(placed(...SERVICES, ROUTE, canary({ httpRoute: 'webb' }), application()), { policy: false });
  expect(problems.map((p) => `${p.object} ${p.path}: ${p.message}`)).toContain(
    `${RO} ${PLUGIN}.httpRoute: HTTPRoute "webb" does not exist in namespace "${NS}": name the app's HTTPRoute, or set namespace to the route's`,
  );
});
