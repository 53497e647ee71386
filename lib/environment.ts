import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';

const ENVIRONMENT = Symbol.for('platform.Environment');
import { ConfigError } from './errors';
import { checkProps } from './prop-schema';
import { EnvironmentPropsSchema } from './prop-schemas';
import { checkName } from './props';

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
  private readonly apps = new Map<string, Construct>();
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

  /** Records an app of this environment; two apps of one name would overwrite each other's objects. */
  public registerApp(app: Construct & { readonly name: string }): void {
    const other = this.apps.get(app.name);
    if (other && other !== app) {
      throw new ConfigError(`${app.constructor.name} "${app.name}": an app of that name already exists in environment "${this.name}" (${other.node.path}): app names must be unique per environment`);
    }
    this.apps.set(app.name, app);
  }
}
