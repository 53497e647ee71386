import { GATEWAY_API_PLUGIN, GATEWAY_GROUP, headerMatchProblems, IGNORED_WEIGHTS_JQ, ignoredManagedRulesJq, MAX_ROUTE_RULES, PLUGIN_ROUTE_SETTINGS, PLUGIN_SETTINGS } from '../rules/gateway';
import { labelSelectorMatches } from '../rules/labels';
import { groupOf, isObject } from '../util';
import { child, index, key } from './field-path';
import { folderOf } from './folders';
import { describe, Manifest, NamespaceIndex } from './manifest';
import { formatProblem, Problem } from './problem';

type Report = (path: string, message: string) => void;

const WEIGHT_PATH = IGNORED_WEIGHTS_JQ;
const RESPECT = 'RespectIgnoreDifferences=true';
/** A jq expression that ignores the rules the plugin injects for header routes: `.spec.rules[] | select(.name ...)`. */
function selectsRulesByName(jq: string): boolean {
  return /^\.spec\.rules\[\]\s*\|\s*select\(\s*\.name\b/.test(jq);
}

/** An HTTPRoute the plugin drives for a Rollout, where the Rollout names it. */
interface Driven {
  readonly name: string;
  readonly path: string;
  /** Whether setHeaderRoute steps add rules to it (plugin.go `insertGatewayAPIRouteLists`, `discoverRoutesBySelector`). */
  readonly headers: boolean;
  readonly route?: Manifest;
}

/**
 * The Argo Rollouts Gateway API plugin (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi
 * v0.15.0), whose settings the API server never checks (the Rollout CRD keeps `plugins` as
 * preserve-unknown-fields): known settings only; each route exists in the plugin's namespace and has
 * a rule with both the canary and the stable Service; header steps stay portable and within the
 * route's 16 rules; and the Argo CD Application of the route's folder ignores the weights the plugin
 * writes, and nothing else.
 */
export function checkGatewayPlugin(namespaces: ReadonlyMap<string, NamespaceIndex>, applications: ReadonlyMap<string, Manifest>): Problem[] {
  const problems: Problem[] = [];
  for (const [namespace, ns] of namespaces) {
    for (const m of ns.ofKind('Rollout')) {
      const canary = m.doc.spec?.strategy?.canary;
      const config = canary?.trafficRouting?.plugins?.[GATEWAY_API_PLUGIN];
      if (config === undefined) continue;
      const report: Report = (path, message) => problems.push({ object: describe(m), path, message });
      const at = key('spec.strategy.canary.trafficRouting.plugins', GATEWAY_API_PLUGIN);
      if (!isObject(config)) {
        report(at, 'must be an object of the plugin\'s settings, e.g. {httpRoute: <name>}');
        continue;
      }
      const routes = checkSettings(namespaces, config, namespace, at, report);
      const managed = checkSteps(canary, report);
      for (const d of routes) {
        if (!d.route) continue;
        checkRoute(canary, d, managed, report);
        const app = applications.get(folderOf(d.route));
        if (app) checkIgnored(app, d.route, d.headers ? managed : [], problems);
      }
    }
  }
  // One Application may hold several driven routes: say each thing once.
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(formatProblem(p)) && !!seen.add(formatProblem(p)));
}

/** The plugin's settings (types.go `GatewayAPITrafficRouting`) and the HTTPRoutes they name, looked up in the plugin namespace. */
function checkSettings(namespaces: ReadonlyMap<string, NamespaceIndex>, config: Record<string, any>, rolloutNs: string, at: string, report: Report): Driven[] {
  for (const k of Object.keys(config)) {
    if (!PLUGIN_SETTINGS.includes(k)) report(key(at, k), `"${k}" is not a setting of the ${GATEWAY_API_PLUGIN} plugin, which ignores it (the API server does not check plugin settings): use one of ${PLUGIN_SETTINGS.join(', ')}`);
  }
  if (!PLUGIN_ROUTE_SETTINGS.some((k) => config[k] !== undefined)) report(at, 'names no route, so the plugin fails every step ("No routes configured"): set httpRoute to the name of the app\'s HTTPRoute');
  // getGatewayAPITrafficRoutingConfig: an empty namespace is the Rollout's.
  const namespace = config.namespace || rolloutNs;
  const ns = namespaces.get(namespace);
  const lookup = (name: string) => {
    const m = ns?.get('HTTPRoute', name);
    return m && groupOf(m.doc.apiVersion) === GATEWAY_GROUP ? m : undefined;
  };
  const named: Driven[] = [];
  if (config.httpRoute !== undefined) named.push({ name: String(config.httpRoute), path: child(at, 'httpRoute'), headers: true });
  (Array.isArray(config.httpRoutes) ? config.httpRoutes : []).forEach((r: any, i: number) => {
    if (!r?.name) report(child(index(child(at, 'httpRoutes'), i), 'name'), 'is required: the name of an HTTPRoute');
    else named.push({ name: String(r.name), path: child(index(child(at, 'httpRoutes'), i), 'name'), headers: r.useHeaderRoutes === true });
  });
  const driven = named.map((d) => ({ ...d, route: lookup(d.name) }));
  for (const d of driven) {
    if (!d.route) report(d.path, `HTTPRoute "${d.name}" does not exist in namespace "${namespace}": name the app's HTTPRoute, or set namespace to the route's`);
  }
  if (config.httpRouteSelector !== undefined) {
    const selected = (ns?.ofKind('HTTPRoute') ?? []).filter((r) => groupOf(r.doc.apiVersion) === GATEWAY_GROUP && labelSelectorMatches(config.httpRouteSelector, r.doc.metadata.labels ?? {}));
    if (!selected.length) report(child(at, 'httpRouteSelector'), `selects no HTTPRoute of namespace "${namespace}": match the labels of the app's HTTPRoute`);
    for (const r of selected) driven.push({ name: r.doc.metadata.name, path: child(at, 'httpRouteSelector'), headers: false, route: r });
  }
  return driven;
}

/**
 * The canary steps as the plugin serves them; returns the managed routes that header steps add.
 * setHeaderRoute: only `exact` values are portable (httproute.go `getHTTPHeaderRouteRuleList`) and
 * the name is a managed route (argo-rollouts@v1.9.1 validation.go `ValidateStepRouteFoundInManagedRoute`);
 * setMirrorRoute: the plugin does nothing (plugin.go `SetMirrorRoute`).
 */
function checkSteps(canary: any, report: Report): string[] {
  const managed = new Set((canary.trafficRouting.managedRoutes ?? []).map((r: any) => r?.name));
  const added = new Set<string>();
  (canary.steps ?? []).forEach((step: any, i: number) => {
    const at = `spec.strategy.canary.steps[${i}]`;
    if (step?.setMirrorRoute !== undefined) report(child(at, 'setMirrorRoute'), `the ${GATEWAY_API_PLUGIN} plugin does not mirror traffic (SetMirrorRoute does nothing): remove the step`);
    const header = step?.setHeaderRoute;
    if (header === undefined) return;
    if (!managed.has(header.name)) report(child(at, 'setHeaderRoute.name'), `"${header.name}" is not in trafficRouting.managedRoutes: add {name: ${header.name}} there`);
    (header.match ?? []).forEach((match: any, j: number) => {
      for (const message of headerMatchProblems(match?.headerValue)) report(child(index(child(at, 'setHeaderRoute.match'), j), 'headerValue'), message);
    });
    if ((header.match ?? []).length) added.add(header.name);
  });
  return [...added];
}

/**
 * The route a Rollout drives: a rule holds both Services (httproute.go `setHTTPRouteWeight` fails
 * with "backendRef was not found in httpRoute", `getAllRouteRules` finds no source rule for header
 * routes), and the header rules the plugin adds (one per such rule and managed route) keep the route
 * within its 16 rules, else the plugin's update is refused mid-release.
 */
function checkRoute(canary: any, d: Driven, managed: string[], report: Report): void {
  const rules: any[] = d.route!.doc.spec?.rules ?? [];
  const names = (rule: any) => (rule?.backendRefs ?? []).map((b: any) => b?.name);
  const sources = rules.filter((r) => names(r).includes(canary.canaryService) && names(r).includes(canary.stableService));
  if (!sources.length) {
    report(d.path, `HTTPRoute "${d.name}" has no rule whose backendRefs list both the canary Service "${canary.canaryService}" and the stable Service "${canary.stableService}", so the plugin fails with "backendRef was not found in httpRoute": list both in the app's rule (weights 0 and 100)`);
    return;
  }
  const total = rules.length + (d.headers ? sources.length * managed.length : 0);
  if (total > MAX_ROUTE_RULES) {
    report(d.path, `HTTPRoute "${d.name}" has ${rules.length} rules and the header routes add ${total - rules.length} (one per rule with both Services, for each of ${managed.join(', ')}): more than ${MAX_ROUTE_RULES} rules are refused by the API server, so the plugin's update would fail mid-release; use fewer rules or header routes`);
  }
  if (!d.headers) return;
  // Header names match case-insensitively (HTTPHeaderName).
  const lower = (name: unknown) => (typeof name === 'string' ? name.toLowerCase() : undefined);
  const matched = new Set(sources.flatMap((r) => (r.matches ?? []).flatMap((m: any) => (m?.headers ?? []).map((h: any) => lower(h?.name)))));
  (canary.steps ?? []).forEach((step: any, i: number) => {
    (step?.setHeaderRoute?.match ?? []).forEach((match: any, j: number) => {
      const name = lower(match?.headerName);
      if (name !== undefined && matched.has(name)) {
        report(`spec.strategy.canary.steps[${i}].setHeaderRoute.match[${j}].headerName`, `HTTPRoute "${d.name}" already matches header "${match.headerName}", and a match lists each header once: the plugin's update would be refused; use another header`);
      }
    });
  });
}

/**
 * The Argo CD Application that syncs the route's folder ignores exactly the weights the plugin
 * writes, and the header rules it adds, with RespectIgnoreDifferences so that a sync keeps them
 * (argo-cd@v3.5.1 docs/user-guide/sync-options.md; plugin docs/features/multiple-routes.md after
 * #223). A label-keyed expression differs between live and Git (the label is only live; plugin
 * issue #208); anything broader hides Git's own changes to the route.
 */
function checkIgnored(app: Manifest, route: Manifest, managed: string[], problems: Problem[]): void {
  const report: Report = (path, message) => problems.push({ object: describe(app), path, message });
  const { name, namespace } = route.doc.metadata;
  const what = `HTTPRoute "${namespace}/${name}"`;
  const entries: any[] = app.doc.spec.ignoreDifferences ?? [];
  const expressions: string[] = [];
  entries.forEach((e, i) => {
    const covers = e?.group === GATEWAY_GROUP && e.kind === 'HTTPRoute' && (e.name === undefined || e.name === name) && (e.namespace === undefined || e.namespace === namespace);
    if (!covers) return;
    const at = `spec.ignoreDifferences[${i}]`;
    for (const field of ['jsonPointers', 'managedFieldsManagers']) {
      if ((e[field] ?? []).length) report(`${at}.${field}`, `ignores more of ${what} than the weights the Rollouts plugin writes, so changes to it in Git would not be applied: use jqPathExpressions ["${WEIGHT_PATH}"]`);
    }
    (e.jqPathExpressions ?? []).forEach((raw: unknown, j: number) => {
      const jq = String(raw).trim();
      expressions.push(jq);
      if (jq.includes('.metadata.labels')) report(`${at}.jqPathExpressions[${j}]`, `selects by a label that only the live ${what} carries, so Argo CD sees a difference forever and a sync mid-release resets the weights: use "${WEIGHT_PATH}"`);
      else if (jq !== WEIGHT_PATH && !selectsRulesByName(jq)) report(`${at}.jqPathExpressions[${j}]`, `ignores more of ${what} than the weights the Rollouts plugin writes, so changes to it in Git would not be applied: use "${WEIGHT_PATH}"`);
    });
  });
  if (!expressions.includes(WEIGHT_PATH)) {
    report('spec.ignoreDifferences', `the Rollouts plugin changes the weights of ${what} during a release: add {group: ${GATEWAY_GROUP}, kind: HTTPRoute, jqPathExpressions: ["${WEIGHT_PATH}"]}, or a sync mid-release resets them`);
  }
  for (const managedRoute of managed) {
    if (!expressions.some((jq) => selectsRulesByName(jq) && jq.includes(managedRoute))) {
      report('spec.ignoreDifferences', `the Rollouts plugin adds header rules named "${managedRoute}" (and "${managedRoute}-1", ...) to ${what} during a release: ignore them with the jqPathExpression '${ignoredManagedRulesJq(managedRoute)}', or a sync mid-release removes them`);
    }
  }
  if (!(app.doc.spec.syncPolicy?.syncOptions ?? []).includes(RESPECT)) {
    report('spec.syncPolicy.syncOptions', `add "${RESPECT}": without it a sync applies the Git weights of ${what} over the live ones that the Rollouts plugin set`);
  }
}
