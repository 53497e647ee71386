import { check } from '../props/checks';
import { ConfigError } from '../props/errors';
import { checkOptions, P } from '../props/schema';
import { ingressClassName } from '../rules/ingress';
import { dns1123Label, dns1123Subdomain } from '../rules/names';

/** A Gateway (Gateway API) that routes attach to. */
export interface GatewayRef {
  /** Name of the Gateway. */
  readonly name: string;
  /** Namespace of the Gateway (a shared Gateway usually lives in its own, e.g. `gateway-system`). */
  readonly namespace: string;
  /**
   * The listener routes attach to (`parentRefs[].sectionName`), e.g. `https`.
   * @default every listener of the Gateway that admits the route
   */
  readonly sectionName?: string;
}

/** How apps are reached through the Gateway API. */
export interface GatewayApiOptions {
  /** The Gateway that serves the apps' hosts: every app's HTTPRoute attaches to it. */
  readonly gateway: GatewayRef;
  /**
   * A Gateway reachable from private networks only (an internal load balancer): blue-green preview
   * routes attach to it. HTTPRoute has no client-address filter, so without it a preview is refused
   * unless it asks for the public Gateway explicitly (`previewIngress.publicGateway`).
   * @default none
   */
  readonly previewGateway?: GatewayRef;
  /**
   * Namespace of the Gateway's proxies, which apps with a NetworkPolicy admit on their `http` port.
   * @default the Gateway's namespace (where Istio, kgateway and NGINX Gateway Fabric run them; Envoy
   * Gateway runs them in `envoy-gateway-system` unless configured otherwise)
   */
  readonly dataPlaneNamespace?: string;
}

/** How apps are reached through Ingresses (ingress-nginx). */
export interface IngressTrafficOptions {
  /**
   * Ingress class of every Ingress, unless an app names its own.
   * @default 'nginx'
   */
  readonly className?: string;
  /**
   * TLS Secret of every Ingress, unless an app names its own: `{name}` stands for the Ingress's name
   * (the app, or `<app>-preview`), e.g. `'{name}-tls'` gives `orders-tls` and `orders-preview-tls`.
   * @default no TLS
   */
  readonly tlsSecretName?: string;
}

/** Options of `Traffic.transition()`: both ways at once. */
export interface TransitionOptions extends GatewayApiOptions, IngressTrafficOptions {}

/**
 * How traffic enters the apps of an environment (or one app): Ingresses, the Gateway API, or both
 * while DNS moves from one to the other. Switching an environment is one line: its `traffic`.
 */
export class Traffic {
  /** Ingresses, served by ingress-nginx (canaries through its canary annotations). */
  public static ingress(options: IngressTrafficOptions = {}): Traffic {
    checkOptions('Traffic.ingress', options, IngressTrafficOptionsSchema);
    checkIngress('Traffic.ingress', options);
    return new Traffic(options, undefined);
  }

  /**
   * An HTTPRoute per app on the given Gateway (Gateway API `gateway.networking.k8s.io/v1`);
   * canaries through Argo Rollouts' Gateway API plugin. TLS is the Gateway listener's.
   */
  public static gatewayApi(options: GatewayApiOptions): Traffic {
    checkOptions('Traffic.gatewayApi', options, GatewayApiOptionsSchema);
    checkGateways('Traffic.gatewayApi', options);
    return new Traffic(undefined, options);
  }

  /**
   * Both: every host is served by an Ingress and by an HTTPRoute to the same Service, while DNS
   * moves from the ingress controller to the Gateway. Canaries shift both.
   */
  public static transition(options: TransitionOptions): Traffic {
    checkOptions('Traffic.transition', options, TransitionOptionsSchema);
    checkIngress('Traffic.transition', options);
    checkGateways('Traffic.transition', options);
    const { className, tlsSecretName, ...gateways } = options;
    return new Traffic({ className, tlsSecretName }, gateways);
  }

  private constructor(
    /** Ingresses, when the traffic goes through them. */
    public readonly ingress: IngressTrafficOptions | undefined,
    /** The Gateways, when the traffic goes through the Gateway API. */
    public readonly gatewayApi: GatewayApiOptions | undefined,
  ) {}

  /** The TLS Secret of the Ingress `name` from the environment's pattern, if it has one. */
  public tlsSecretFor(name: string): string | undefined {
    return this.ingress?.tlsSecretName?.split('{name}').join(name);
  }

  /** The Gateways routes may attach to, as `namespace/name` (for the gate). */
  public get gateways(): string[] {
    const g = this.gatewayApi;
    return g ? [...new Set([g.gateway, ...(g.previewGateway ? [g.previewGateway] : [])].map((r) => `${r.namespace}/${r.name}`))] : [];
  }

  /** What the traffic is, for messages: `the Gateway API (gateway-system/public)`. */
  public describe(): string {
    const g = this.gatewayApi;
    if (!g) return 'Ingress';
    return `${this.ingress ? 'the transition to ' : ''}the Gateway API (Gateway ${g.gateway.namespace}/${g.gateway.name})`;
  }
}

/** Why each prop of an Ingress has no place where the traffic goes through the Gateway API alone. */
const INGRESS_ONLY: Readonly<Record<string, string>> = {
  tlsSecretName: 'TLS belongs to the Gateway\'s listener: put the certificate there (docs/traffic.md)',
  className: 'the Gateway decides which controller serves the route',
  annotations: 'ingress controller annotations do not apply to an HTTPRoute',
  allowSourceRanges: 'an HTTPRoute has no client-address filter: the preview attaches to the environment\'s internal Gateway (previewGateway) instead',
};

/**
 * Refuses, with the reason, each of `keys` that `options` (the construct's prop `prop`) sets while
 * `traffic` writes no Ingress: an Ingress's settings are refused there, never dropped.
 */
export function checkIngressOnly(traffic: Traffic, construct: string, id: string, prop: string, options: object, keys: readonly string[], subject: string): void {
  if (traffic.ingress) return;
  for (const key of keys) {
    check((options as Record<string, unknown>)[key] === undefined, construct, id, () =>
      `${prop}.${key} applies to an Ingress, but ${subject} goes through ${traffic.describe()}: ${INGRESS_ONLY[key]}; remove ${prop}.${key}`);
  }
}

function checkIngress(factory: string, options: IngressTrafficOptions): void {
  if (options.className !== undefined) fail(factory, 'className', options.className, ingressClassName(options.className));
  if (options.tlsSecretName !== undefined) {
    // The pattern must give a Secret name for any app name.
    fail(factory, 'tlsSecretName', options.tlsSecretName, dns1123Subdomain(options.tlsSecretName.split('{name}').join('app')));
  }
}

function checkGateways(factory: string, options: GatewayApiOptions): void {
  const refs: [string, GatewayRef | undefined][] = [['gateway', options.gateway], ['previewGateway', options.previewGateway]];
  for (const [prop, ref] of refs) {
    if (!ref) continue;
    fail(factory, `${prop}.name`, ref.name, dns1123Subdomain(ref.name));
    fail(factory, `${prop}.namespace`, ref.namespace, dns1123Label(ref.namespace));
    // SectionName is a DNS-1123 subdomain (gateway-api v1.6.1 apis/v1/shared_types.go, `SectionName`).
    if (ref.sectionName !== undefined) fail(factory, `${prop}.sectionName`, ref.sectionName, dns1123Subdomain(ref.sectionName));
  }
  if (options.dataPlaneNamespace !== undefined) fail(factory, 'dataPlaneNamespace', options.dataPlaneNamespace, dns1123Label(options.dataPlaneNamespace));
}

function fail(factory: string, prop: string, value: string, problems: readonly string[]): void {
  if (problems.length) throw new ConfigError(`${factory}: ${prop} "${value}": ${problems.join('; ')}`);
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const GatewayRefSchema = P.object('GatewayRef', { name: P.required(P.string), namespace: P.required(P.string), sectionName: P.string });
export const GatewayApiOptionsSchema = P.object('GatewayApiOptions', {
  gateway: P.required(GatewayRefSchema), previewGateway: GatewayRefSchema, dataPlaneNamespace: P.string,
});
export const IngressTrafficOptionsSchema = P.object('IngressTrafficOptions', { className: P.string, tlsSecretName: P.string });
export const TransitionOptionsSchema = P.object('TransitionOptions', { ...GatewayApiOptionsSchema.fields, ...IngressTrafficOptionsSchema.fields });
