import { ConfigError } from '../props/errors';
import { check, checkRule, PropError } from '../props/checks';
import { P } from '../props/schema';
import { dns1123Subdomain } from '../rules/names';
import type { StoreKind, StoreRef } from '../rules/external-secrets';

/**
 * A secret store of the External Secrets Operator, by name: a `ClusterSecretStore` (one per
 * cluster, shared by namespaces) or a namespaced `SecretStore` (in the app's namespace). The
 * platform names stores and never writes them: the cluster provides them (docs/secrets.md).
 */
export class SecretStoreRef {
  /** A ClusterSecretStore, e.g. `SecretStoreRef.cluster('vault')`. */
  public static cluster(name: string): SecretStoreRef {
    return new SecretStoreRef('ClusterSecretStore', name);
  }

  /** A SecretStore in the namespace of the app that reads it. */
  public static namespaced(name: string): SecretStoreRef {
    return new SecretStoreRef('SecretStore', name);
  }

  private constructor(public readonly kind: StoreKind, public readonly name: string) {
    checkRule('SecretStoreRef', name, `${kind} name`, dns1123Subdomain(name));
  }

  /** `ClusterSecretStore "vault"`, as messages name it. */
  public toString(): string {
    return `${this.kind} "${this.name}"`;
  }

  /** The same store as `other`. */
  public equals(other: SecretStoreRef): boolean {
    return this.kind === other.kind && this.name === other.name;
  }

  /** As the gate and an ExternalSecret's `secretStoreRef` name it. */
  public toRef(): StoreRef {
    return { kind: this.kind, name: this.name };
  }
}

/** The secret stores an environment's cluster provides (EnvironmentProps.secretStores). */
export interface SecretStoresOptions {
  /**
   * The store an app's Secrets come from unless the app (JavaAppProps.secretStore) or the Secret
   * (`SecretRef.envFromStore(..., { store })`) names another.
   * @default none: each app or Secret from a store names its store
   */
  readonly default?: SecretStoreRef;
  /**
   * Other stores the cluster provides, which apps and Secrets may name.
   * @default none
   */
  readonly others?: SecretStoreRef[];
}

/**
 * The stores declared for one environment, and the Secrets its apps fill from them: a store must
 * be declared before a Secret names it, and each Secret comes from one declaration only.
 */
export class SecretStores {
  private readonly stores: SecretStoreRef[];
  private readonly defaultStore?: SecretStoreRef;
  private readonly claims = new Map<string, string>();

  /** `options` as the Environment's props schema checked them. */
  constructor(private readonly construct: string, private readonly id: string, options: SecretStoresOptions = {}) {
    this.defaultStore = options.default;
    this.stores = [];
    for (const store of [...(options.default ? [options.default] : []), ...(options.others ?? [])]) {
      if (!this.stores.some((s) => s.equals(store))) this.stores.push(store);
    }
  }

  /** Every store declared, for the gate (FolderTarget.secretStores). */
  public get declared(): StoreRef[] {
    return this.stores.map((s) => s.toRef());
  }

  /**
   * The store a Secret of `owner` comes from: the first given of `choices` (the Secret's, the
   * app's), else the default; it must be declared here.
   */
  public resolve(owner: string, ownerId: string, prop: string, ...choices: (SecretStoreRef | undefined)[]): SecretStoreRef {
    const store = choices.find((c) => c !== undefined) ?? this.defaultStore;
    if (!store) {
      throw new PropError(owner, ownerId, `${prop} names no secret store and ${this.construct} "${this.id}" has no default: set secretStores: { default: SecretStoreRef.cluster('<name>') } on the ${this.construct}, or name the store`);
    }
    const declared = this.stores.map(String).join(', ') || 'none';
    check(this.stores.some((s) => s.equals(store)), owner, ownerId, () =>
      `${prop} reads ${store}, which ${this.construct} "${this.id}" does not declare (declared: ${declared}): add it to the ${this.construct}'s secretStores.others, or fix the name`);
    return store;
  }

  /** Records that `owner` fills Secret `secretName` from a store: one declaration per Secret in an environment. */
  public claim(secretName: string, owner: string): void {
    const first = this.claims.get(secretName);
    if (first !== undefined && first !== owner) {
      throw new ConfigError(`${owner}: Secret "${secretName}" is already filled from a store by ${first} in ${this.construct} "${this.id}": one ExternalSecret per Secret; read it with SecretRef.env() or SecretRef.files() here instead`);
    }
    this.claims.set(secretName, owner);
  }
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
const store = P.instance('SecretStoreRef', SecretStoreRef);
export const SecretStoresOptionsSchema = P.object('SecretStoresOptions', { default: store, others: P.array(store) });
