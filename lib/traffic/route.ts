import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as gw from '../../imports/httproute-gateway.networking.k8s.io';
import { checkProps, P } from '../props/schema';
import { checkRule, checkPort } from '../props/checks';
import { httpRoutePath } from '../rules/gateway';
import { ingressHost } from '../rules/ingress';
import { objectName } from '../rules/names';
import { GatewayRef, GatewayRefSchema } from './traffic';

/** What an HTTPRoute of an app needs. */
export interface AppRouteProps {
  /** Name of the HTTPRoute. */
  readonly name: string;
  /**
   * Namespace of the HTTPRoute and its Service.
   * @default the chart's
   */
  readonly namespace?: string;
  /**
   * Labels of the HTTPRoute.
   * @default none
   */
  readonly labels?: Record<string, string>;
  /** The host it serves. */
  readonly host: string;
  /**
   * Path prefix routed to the Service.
   * @default '/'
   */
  readonly path?: string;
  /** The Gateway (listener) it attaches to. */
  readonly parent: GatewayRef;
  /** The Service it routes to. */
  readonly service: string;
  /** Port number of the Service. */
  readonly port: number;
}

const CONSTRUCT = 'AppRoute';

/**
 * An HTTPRoute (`gateway.networking.k8s.io/v1`) from one host and path prefix to one Service, with
 * every field the API server would default written out (`group`, `kind`, `namespace`, `weight`):
 * Argo CD compares what Git says with what the cluster holds, and a defaulted field would show as
 * drift. A canary splits it (`splitForCanary`): the stable Service at weight 100 and the canary at
 * 0 in the same rule, which Argo Rollouts' Gateway API plugin then shifts step by step.
 */
export class AppRoute extends Construct {
  public readonly name: string;
  private readonly route: gw.HttpRoute;
  private readonly backend: (name: string, weight: number) => gw.HttpRouteSpecRulesBackendRefs;
  private readonly service: string;

  constructor(scope: Construct, id: string, props: AppRouteProps) {
    super(scope, id);
    checkProps(CONSTRUCT, id, props, AppRoutePropsSchema);
    this.name = props.name;
    const path = props.path ?? '/';
    checkRule(CONSTRUCT, id, `name "${props.name}"`, objectName('HTTPRoute', props.name));
    checkRule(CONSTRUCT, id, `host "${props.host}"`, ingressHost(props.host));
    checkRule(CONSTRUCT, id, 'path', httpRoutePath(path));
    checkRule(CONSTRUCT, id, `service "${props.service}"`, objectName('Service', props.service));
    checkPort(CONSTRUCT, id, 'port', props.port);
    this.service = props.service;
    this.backend = (name, weight) => ({ group: '', kind: 'Service', name, port: props.port, weight });
    this.route = new gw.HttpRoute(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels && { ...props.labels } },
      spec: {
        parentRefs: [{
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: props.parent.name,
          namespace: props.parent.namespace,
          sectionName: props.parent.sectionName,
        }],
        hostnames: [props.host],
        rules: [{
          matches: [{ path: { type: gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: path } }],
          // One backend takes every request (weight 1, the default, written out).
          backendRefs: [this.backend(props.service, 1)],
        }],
      },
    });
  }

  /** Routes the rule to the stable Service at weight 100 and `canaryService` at 0, for the Rollout's plugin. */
  public splitForCanary(canaryService: string): void {
    const backends = [this.backend(this.service, 100), this.backend(canaryService, 0)].map(gw.toJson_HttpRouteSpecRulesBackendRefs);
    this.route.addJsonPatch(JsonPatch.replace('/spec/rules/0/backendRefs', backends));
  }
}

// The runtime schema of the props interface (see props/schema.ts).
export const AppRoutePropsSchema = P.object('AppRouteProps', {
  name: P.required(P.string), namespace: P.string, labels: P.stringMap, host: P.required(P.string), path: P.string,
  parent: P.required(GatewayRefSchema), service: P.required(P.string), port: P.required(P.number),
});
