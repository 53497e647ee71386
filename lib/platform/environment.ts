import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { ArgoCdCluster, ArgoCdClusterSchema, checkCluster, IN_CLUSTER } from './cluster';
import { Monitoring } from '../monitoring';
import { Traffic } from '../traffic';
import { SecretStores, SecretStoresOptions, SecretStoresOptionsSchema } from '../secrets';
import { checkName, checkRule, PropError } from '../props/checks';
import { routeKey } from '../rules/ingress';
import { labelValue } from '../rules/names';

const ENVIRONMENT = Symbol.for('platform.Environment');
import { ConfigError } from '../props/errors';
import { checkProps, P } from '../props/schema';

export interface EnvironmentProps {
  /**
   * Namespace of every object in the environment.
   * @default the environment's name
   */
  readonly namespace?: string;
  /**
   * Value of the `app.kubernetes.io/part-of` label on every object.
   * @default 'platform'
   */
  readonly partOf?: string;
  /**
   * Also generate the Namespace object, labelled to enforce Pod Security "restricted".
   * Turn off when the namespace is shared and created elsewhere.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * The cluster the environment runs on, as registered in Argo CD (its credentials Secret stays
   * out of Git: see docs/gitops.md, "Add a cluster"). The bootstrap's Application deploys
   * `dist/<name>/` there, and the environment's AppProject allows only its namespace on it.
   * @default IN_CLUSTER (Argo CD's own cluster: `in-cluster`, https://kubernetes.default.svc)
   */
  readonly cluster?: ArgoCdCluster;
  /**
   * How the apps of the environment are scraped, unless an app says otherwise: the labels its
   * Prometheus selects monitors by, the interval, or annotations only without the Prometheus Operator.
   * @default Monitoring.serviceMonitor() (label `release: kube-prometheus-stack`, every 30 s)
   */
  readonly monitoring?: Monitoring;
  /**
   * How traffic enters the apps, unless an app says otherwise: Ingresses, the Gateway API (an
   * HTTPRoute per app on a shared Gateway), or both while DNS moves. One line switches it.
   * @default Traffic.ingress() (ingress-nginx, class `nginx`)
   */
  readonly traffic?: Traffic;
  /**
   * The secret stores (External Secrets Operator) the environment's cluster provides: the default
   * one apps fill their Secrets from, and the others apps may name (docs/secrets.md).
   * @default none: an app that fills a Secret from a store names a declared one, so it must be declared
   */
  readonly secretStores?: SecretStoresOptions;
}

/**
 * One deployment environment (e.g. `dev`, `prod`): a Chart whose objects are written to
 * `dist/<name>/`, one file per app, all in one namespace.
 */
export class Environment extends Chart {
  /** The environment that contains `construct`, if any. */
  public static find(construct: IConstruct): Environment | undefined {
    const scopes = construct.node.scopes;
    for (let i = scopes.length - 1; i >= 0; i--) {
      if (Environment.isEnvironment(scopes[i])) return scopes[i] as Environment;
    }
    return undefined;
  }

  public static isEnvironment(x: unknown): x is Environment {
    return typeof x === 'object' && x !== null && ENVIRONMENT in x;
  }

  /** Name of the environment, and of its folder in `dist/`. */
  public readonly name: string;
  public readonly namespace: string;
  public readonly partOf: string;
  /** The Argo CD cluster that runs the environment. */
  public readonly cluster: ArgoCdCluster;
  /** The apps' default monitoring (see EnvironmentProps.monitoring). */
  public readonly monitoring?: Monitoring;
  /** How traffic enters the apps (see EnvironmentProps.traffic). */
  public readonly traffic: Traffic;
  /** The secret stores declared for the environment, and the Secrets its apps fill from them. */
  public readonly secretStores: SecretStores;
  private readonly apps = new Map<string, Construct>();
  private readonly overrides: Traffic[] = [];
  private readonly routes = new Map<string, string>();
  public readonly [ENVIRONMENT] = true;

  constructor(scope: Construct, name: string, props: EnvironmentProps = {}) {
    const namespace = props.namespace ?? name;
    super(scope, name, { namespace, disableResourceNameHashes: true });
    checkProps('Environment', name, props, EnvironmentPropsSchema);
    checkName('Environment', name, 'name', name);
    checkName('Environment', name, 'namespace', namespace);
    this.name = name;
    this.namespace = namespace;
    this.partOf = props.partOf ?? 'platform';
    this.cluster = props.cluster === undefined ? IN_CLUSTER : checkCluster('Environment', name, 'cluster', props.cluster);
    this.monitoring = props.monitoring;
    this.traffic = props.traffic ?? Traffic.ingress();
    this.secretStores = new SecretStores('Environment', name, props.secretStores);
    checkRule('Environment', name, `partOf "${this.partOf}" (the value of the app.kubernetes.io/part-of label)`, labelValue(this.partOf));

    if (props.createNamespace ?? true) {
      const ns = new Construct(this, 'namespace');
      new k8s.KubeNamespace(ns, 'Resource', {
        metadata: {
          name: namespace,
          labels: {
            'app.kubernetes.io/part-of': this.partOf,
            'app.kubernetes.io/managed-by': 'cdk8s',
            // Pods that fall short of "restricted" are refused by the API server itself.
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'v1.27',
          },
        },
      });
    }
  }

  /**
   * Records that an Ingress or HTTPRoute of `owner` routes `host` + `path`: one claim per route in an
   * environment (ingress-nginx's admission refuses a second Ingress for the same host and path, and
   * of two HTTPRoutes only the oldest gets the requests); an owner may claim its route twice (an
   * Ingress and an HTTPRoute to the same Service, while DNS moves).
   */
  public claimRoute(host: string, path: string, construct: string, id: string, prop: string): void {
    const key = routeKey(host, path);
    const owner = `${construct} "${id}" ${prop}`;
    const other = this.routes.get(key);
    if (other !== undefined && other !== owner) {
      throw new PropError(construct, id, `${prop} host "${host}" path "${path}" is already routed by ${other} in environment "${this.name}": use another host or path`);
    }
    this.routes.set(key, owner);
  }

  /** Records the traffic an app chose over the environment's, so its Gateways count as declared. */
  public useTraffic(traffic: Traffic): void {
    if (traffic !== this.traffic) this.overrides.push(traffic);
  }

  /** The Gateways the environment's routes may attach to, as `namespace/name` (for the gate). */
  public get gateways(): string[] {
    return [...new Set([this.traffic, ...this.overrides].flatMap((t) => t.gateways))];
  }

  /** Records an app of this environment; two apps of one name would overwrite each other's objects. */
  public registerApp(app: Construct & { readonly name: string }): void {
    const other = this.apps.get(app.name);
    if (other && other !== app) {
      throw new ConfigError(`${app.constructor.name} "${app.name}": an app of that name already exists in environment "${this.name}" (${other.node.path}): app names must be unique per environment`);
    }
    this.apps.set(app.name, app);
  }
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const EnvironmentPropsSchema = P.object('EnvironmentProps', {
  namespace: P.string, partOf: P.string, createNamespace: P.boolean, cluster: ArgoCdClusterSchema, monitoring: P.instance('Monitoring', Monitoring),
  traffic: P.instance('Traffic', Traffic),
  secretStores: SecretStoresOptionsSchema,
});
