import { Duration } from 'cdk8s';
import { ConfigError } from '../props/errors';
import { checkOptions, P } from '../props/schema';
import { literalCredential } from '../rules/credentials';
import { goDuration, templateLiteral, templateReads } from '../rules/external-secrets';
import { configMapKey } from '../rules/keys';
import { SecretStoreRef } from './secret-store';

/** Where in a store one value sits, beside its key. */
export interface RemoteKeyOptions {
  /**
   * The field of a JSON or map value to take (`remoteRef.property`), e.g. `password` of
   * `{"username": ..., "password": ...}`.
   * @default the whole value
   */
  readonly property?: string;
  /**
   * The provider's version of the value (`remoteRef.version`), where the provider keeps versions
   * (AWS Secrets Manager, GCP Secret Manager, Vault KV v2...). Pinning it makes rotation a commit.
   * @default the latest version
   */
  readonly version?: string;
}

/** The template and the values it reads, of a StoreValue.template(). */
export interface TemplateSource {
  readonly text: string;
  readonly inputs: Readonly<Record<string, RemoteValue>>;
}

/** One value of the store: `spec.data[].remoteRef`. */
export interface RemoteValue {
  readonly key: string;
  readonly property?: string;
  readonly version?: string;
}

const nonEmpty = (where: string, what: string, value: string | undefined) => {
  if (value !== undefined && value.trim() === '') throw new ConfigError(`${where}: ${what} must not be empty`);
};

/**
 * A Go template (ESO's engine v2) that builds one Secret value from several values of the store:
 * `SecretTemplate.text()`, `SecretTemplate.jdbcUrl()`, `SecretTemplate.properties()`.
 */
export class SecretTemplate {
  /**
   * A Go template of your own: `{{ .name }}` (or `{{ index . "db-name" }}` for a name with `-`)
   * reads the input of that name. Never write a secret into it: the gate refuses it.
   */
  public static text(goTemplate: string): SecretTemplate {
    const where = 'SecretTemplate.text';
    if (typeof goTemplate !== 'string' || goTemplate.trim() === '') throw new ConfigError(`${where}: the template must be a non-empty string`);
    const { dashed } = templateReads(goTemplate);
    if (dashed.length) throw new ConfigError(`${where}: ${dashed[0]}: Go templates cannot read a name with '-' as a field: write {{ index . "${dashed[0].slice(1)}" }}`);
    const literal = templateLiteral('template', goTemplate);
    if (literal) throw new ConfigError(`${where}: ${literal}: read every secret from the store with {{ .name }}`);
    return new SecretTemplate(goTemplate);
  }

  /**
   * A JDBC URL with the user and password from the store as query parameters, URL-encoded
   * (`urlquery`): `SecretTemplate.jdbcUrl('jdbc:postgresql://orders-db:5432/orders', { user: 'username', password: 'password' })`
   * gives `jdbc:postgresql://orders-db:5432/orders?user=...&password=...`, the form PostgreSQL's
   * and MySQL's drivers read. `credentials` name inputs of the StoreValue.template().
   */
  public static jdbcUrl(url: string, credentials: JdbcCredentials): SecretTemplate {
    const where = 'SecretTemplate.jdbcUrl';
    checkOptions(where, credentials, JdbcCredentialsSchema);
    if (!/^jdbc:[a-z0-9]+:\/\/\S+$/i.test(url)) throw new ConfigError(`${where}: url must be a JDBC URL such as jdbc:postgresql://orders-db:5432/orders, got "${url}"`);
    const credential = literalCredential(url);
    if (credential) throw new ConfigError(`${where}: url holds ${credential}: name the store's inputs in credentials instead`);
    const params = [['user', credentials.user], ['password', credentials.password]]
      .filter((p): p is [string, string] => p[1] !== undefined)
      .map(([param, input]) => `${param}={{ index . ${JSON.stringify(input)} | urlquery }}`);
    if (params.length === 0) throw new ConfigError(`${where}: name the input of the user, the password or both`);
    return new SecretTemplate(`${url}${url.includes('?') ? '&' : '?'}${params.join('&')}`);
  }

  /**
   * A Java properties file (e.g. `application-secrets.properties`, which Spring reads through
   * `spring.config.import`): each property set to the input named beside it, in the order given.
   * Values are written as the store holds them (a `\` in a value is an escape in properties files).
   */
  public static properties(entries: Record<string, string>): SecretTemplate {
    const where = 'SecretTemplate.properties';
    const names = Object.keys(entries ?? {});
    if (names.length === 0) throw new ConfigError(`${where}: give at least one property`);
    const lines = names.map((name) => {
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new ConfigError(`${where}: property "${name}" must be letters, digits, '.', '-' or '_'`);
      if (typeof entries[name] !== 'string') throw new ConfigError(`${where}: property "${name}" must name an input (a string)`);
      return `${name}={{ index . ${JSON.stringify(entries[name])} }}`;
    });
    return new SecretTemplate(`${lines.join('\n')}\n`);
  }

  private constructor(public readonly text: string) {}
}

/** The inputs a JDBC URL reads its credentials from. */
export interface JdbcCredentials {
  /**
   * The input holding the database user.
   * @default no user parameter
   */
  readonly user?: string;
  /**
   * The input holding the password.
   * @default no password parameter
   */
  readonly password?: string;
}

/** The value of one Secret key, from a secret store: `StoreValue.key()` or `StoreValue.template()`. */
export class StoreValue {
  /** The value under `remoteKey` in the store (`remoteRef.key`), or one field of it (`property`). */
  public static key(remoteKey: string, options: RemoteKeyOptions = {}): StoreValue {
    const where = 'StoreValue.key';
    checkOptions(where, options, RemoteKeyOptionsSchema);
    if (typeof remoteKey !== 'string' || remoteKey.trim() === '') throw new ConfigError(`${where}: the remote key must be a non-empty string`);
    nonEmpty(where, 'property', options.property);
    nonEmpty(where, 'version', options.version);
    return new StoreValue({ key: remoteKey, property: options.property, version: options.version }, undefined);
  }

  /**
   * A value built from several values of the store (a JDBC URL with user and password, a
   * properties file): `inputs` names each StoreValue.key() the template reads.
   */
  public static template(template: SecretTemplate, inputs: Record<string, StoreValue>): StoreValue {
    const where = 'StoreValue.template';
    if (!(template instanceof SecretTemplate)) throw new ConfigError(`${where}: expected a SecretTemplate (SecretTemplate.text(), jdbcUrl() or properties())`);
    const names = Object.keys(inputs ?? {});
    const resolved: Record<string, RemoteValue> = {};
    for (const name of names) {
      const problems = configMapKey(name);
      if (problems.length) throw new ConfigError(`${where}: input "${name}" ${problems.join('; ')}`);
      const value = inputs[name];
      if (!(value instanceof StoreValue) || !value.remote) throw new ConfigError(`${where}: input "${name}" must be a StoreValue.key()`);
      resolved[name] = value.remote;
    }
    const { keys } = templateReads(template.text);
    const missing = (keys ?? []).find((k) => !names.includes(k));
    if (missing !== undefined) throw new ConfigError(`${where}: the template reads "${missing}", which is not among its inputs (${names.join(', ') || 'none'}): the operator would fail it (missingkey=error)`);
    return new StoreValue(undefined, { text: template.text, inputs: resolved });
  }

  private constructor(
    /** The store's value, for StoreValue.key(). */
    public readonly remote: RemoteValue | undefined,
    /** The template and its inputs, for StoreValue.template(). */
    public readonly template: TemplateSource | undefined,
  ) {}
}

/** When the operator reads the store again: `SecretRefresh.every()`, `onChange()`, `createdOnce()`. */
export class SecretRefresh {
  /**
   * Every `interval` (refreshPolicy Periodic): rotation in the store reaches the Secret within it.
   * Short intervals cost provider API calls (rate limits).
   */
  public static every(interval: Duration): SecretRefresh {
    const ms = interval instanceof Duration ? interval.toMilliseconds({ integral: false }) : NaN;
    if (!Number.isInteger(ms) || ms <= 0) {
      throw new ConfigError(`SecretRefresh.every: the interval must be a positive whole number of milliseconds, got ${interval instanceof Duration ? `${ms}ms` : String(interval)}: an interval of zero fetches once and never again, not even after a change in Git; say SecretRefresh.createdOnce() if that is meant`);
    }
    return new SecretRefresh('Periodic', goDuration(ms));
  }

  /** Only when the ExternalSecret changes (in Git): a pinned `version` bumped, a key added. */
  public static onChange(): SecretRefresh {
    return new SecretRefresh('OnChange', '0s');
  }

  /** Once, when the Secret is created; never again, not even after a change in Git. */
  public static createdOnce(): SecretRefresh {
    return new SecretRefresh('CreatedOnce', '0s');
  }

  private constructor(
    /** `spec.refreshPolicy`. */
    public readonly policy: 'Periodic' | 'OnChange' | 'CreatedOnce',
    /** `spec.refreshInterval` as the operator writes it (`1h0m0s`). */
    public readonly interval: string,
  ) {}
}

/** Where a Secret of an app comes from, beside its values (SecretRef.envFromStore, SecretRef.filesFromStore). */
export interface FromStoreOptions {
  /**
   * The store the values are read from.
   * @default the app's `secretStore`, else the environment's default store
   */
  readonly store?: SecretStoreRef;
  /**
   * When the operator reads the store again.
   * @default SecretRefresh.every(Duration.hours(1)) (refreshInterval "1h0m0s", the operator's default)
   */
  readonly refresh?: SecretRefresh;
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const RemoteKeyOptionsSchema = P.object('RemoteKeyOptions', { property: P.string, version: P.string });
export const JdbcCredentialsSchema = P.object('JdbcCredentials', { user: P.string, password: P.string });
export const FromStoreOptionsSchema = P.object('FromStoreOptions', {
  store: P.instance('SecretStoreRef', SecretStoreRef), refresh: P.instance('SecretRefresh', SecretRefresh),
});
export const RemoteValueSchema = P.object('RemoteValue', { key: P.required(P.string), property: P.string, version: P.string });
export const TemplateSourceSchema = P.object('TemplateSource', { text: P.required(P.string), inputs: P.required(P.record(RemoteValueSchema)) });
