/**
 * Gateway API HTTPRoutes and the Argo Rollouts Gateway API plugin: the defaults the API server
 * applies to references (gateway-api@v1.6.1 config/crd/standard/gateway.networking.k8s.io_httproutes.yaml),
 * the host and path a route claims, and the settings the plugin reads
 * (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi@v0.15.0 pkg/plugin/types.go).
 */

/** The API group of Gateway API objects. */
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** The key of the plugin under `trafficRouting.plugins` (plugin.go `PluginName`). */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';
/** HTTPRoute `spec.rules` maxItems (apis/v1/httproute_types.go `+kubebuilder:validation:MaxItems=16`). */
export const MAX_ROUTE_RULES = 16;

/** What a parentRef or backendRef points at, with the API server's defaults applied. */
export interface RefTarget {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** ParentReference: group defaults to gateway.networking.k8s.io, kind to Gateway, namespace to the route's (shared_types.go). */
export function parentTarget(ref: any, routeNamespace: string): RefTarget {
  return { group: ref?.group ?? GATEWAY_GROUP, kind: ref?.kind ?? 'Gateway', namespace: ref?.namespace ?? routeNamespace, name: String(ref?.name) };
}

/** BackendObjectReference: group defaults to "" (core), kind to Service, namespace to the route's (shared_types.go). */
export function backendTarget(ref: any, routeNamespace: string): RefTarget {
  return { group: ref?.group ?? '', kind: ref?.kind ?? 'Service', namespace: ref?.namespace ?? routeNamespace, name: String(ref?.name) };
}

/** The fields of a reference the API server would default (schema `default`), which a committed route must write. */
export function defaultedFields(ref: any, fields: readonly string[]): string[] {
  return fields.filter((f) => ref?.[f] === undefined);
}

/** One host and path an HTTPRoute claims: rule and match index, for problems. */
export interface RouteClaim {
  /** The hostname, `*` for a route without hostnames (every host of the listener). */
  readonly host: string;
  readonly path: string;
  readonly rule: number;
  readonly match: number;
}

/** A match that only narrows a path by header, query parameter or method makes no claim of its own. */
function conditional(match: any): boolean {
  return (match?.headers ?? []).length > 0 || (match?.queryParams ?? []).length > 0 || match?.method !== undefined;
}

/**
 * The (hostname, path) pairs an HTTPRoute serves: each hostname times each PathPrefix or Exact
 * path match. A rule without matches, or a match without path, is PathPrefix "/" (the CRD's
 * defaults); RegularExpression paths and matches narrowed by headers, query parameters or method
 * claim nothing.
 */
export function routeClaims(spec: any): RouteClaim[] {
  const hosts: string[] = spec?.hostnames?.length ? spec.hostnames : ['*'];
  const claims: RouteClaim[] = [];
  (spec?.rules ?? []).forEach((rule: any, r: number) => {
    const matches: any[] = rule?.matches?.length ? rule.matches : [{}];
    matches.forEach((match: any, i: number) => {
      const type = match?.path?.type ?? 'PathPrefix';
      if (conditional(match) || (type !== 'PathPrefix' && type !== 'Exact')) return;
      for (const host of hosts) claims.push({ host, path: match?.path?.value ?? '/', rule: r, match: i });
    });
  });
  return claims;
}

/** The settings of GatewayAPITrafficRouting (pkg/plugin/types.go @v0.15.0); the plugin ignores any other key. */
export const PLUGIN_SETTINGS: readonly string[] = [
  'httpRoute', 'httpRoutes', 'httpRouteSelector',
  'grpcRoute', 'grpcRoutes', 'grpcRouteSelector',
  'tcpRoute', 'tcpRoutes', 'tcpRouteSelector',
  'tlsRoute', 'tlsRoutes', 'tlsRouteSelector',
  'namespace', 'disableInProgressLabel', 'inProgressLabelKey', 'inProgressLabelValue',
];

/** The settings that name routes; without one the plugin fails every step (errors.go `GatewayAPIManifestError`). */
export const PLUGIN_ROUTE_SETTINGS: readonly string[] = PLUGIN_SETTINGS.filter((s) => /Route/.test(s));

/**
 * A setHeaderRoute match value the plugin turns into a portable HTTPRoute header match: only
 * `exact` becomes `Exact` (Core); `prefix` and `regex` become `RegularExpression`, whose support
 * is implementation-specific (httproute.go `getHTTPHeaderRouteRuleList`).
 */
export function headerMatchProblems(headerValue: any): string[] {
  const kinds = ['exact', 'prefix', 'regex'].filter((k) => headerValue?.[k] !== undefined && headerValue[k] !== '');
  if (kinds.length === 1 && kinds[0] === 'exact') return [];
  if (kinds.length === 0) return ['needs an exact header value'];
  const others = kinds.filter((k) => k !== 'exact');
  return [`${others.join(' and ')} become${others.length === 1 ? 's' : ''} a RegularExpression header match, which Gateway API implementations support differently (implementation-specific): match an exact value`];
}

/**
 * What an Argo CD Application ignores on a route the plugin drives: the weights it writes at each
 * step (plugin docs/features/multiple-routes.md after #223; notes/gateway-api.md section 5).
 */
export const IGNORED_WEIGHTS_JQ = '.spec.rules[].backendRefs[].weight';

/** The jq expression that ignores the header rules the plugin adds for a managed route: `<name>`, `<name>-1`, ... (httproute.go `setHTTPHeaderRoute`). */
export function ignoredManagedRulesJq(managedRoute: string): string {
  return `.spec.rules[] | select(.name // "" | test("^${managedRoute}(-[0-9]+)?$"))`;
}

/**
 * HTTPRoute path matches, as the CRD's CEL rules refuse them (config/crd/standard/
 * gateway.networking.k8s.io_httproutes.yaml, `HTTPPathMatch` of apis/v1/httproute_types.go), for
 * `Exact` and `PathPrefix` matches; messages are the CRD's.
 */
const PATH_CHARACTERS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;
const INVALID_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F', '#'];
const INVALID_SUFFIXES = ['/..', '/.'];
const WHEN = 'when type one of [\'Exact\', \'PathPrefix\']';

/** The problems of an `Exact` or `PathPrefix` HTTPRoute path value, empty when the API server accepts it. */
export function httpRoutePath(path: string): string[] {
  const errs: string[] = [];
  if (!path.startsWith('/')) errs.push(`value must be an absolute path and start with '/' ${WHEN}, got "${path}"`);
  for (const s of INVALID_SEQUENCES) if (path.includes(s)) errs.push(`must not contain '${s}' ${WHEN}, got "${path}"`);
  for (const s of INVALID_SUFFIXES) if (path.endsWith(s)) errs.push(`must not end with '${s}' ${WHEN}, got "${path}"`);
  if (!PATH_CHARACTERS.test(path)) errs.push(`must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) ${WHEN}, got "${path}"`);
  return errs;
}
