import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { SecretRefresh, SecretStoreRef, SecretStores, StoreSecret, StoreValue } from '../secrets';
import { CONSTRUCT } from './checks';
import { SecretRef } from './props';
import { check, checkRule, PropError } from '../props/checks';
import { configMapKey } from '../rules/keys';
import { compare } from '../util';

/** What an app tells the ExternalSecrets of the Secrets it fills from a store. */
export interface AppSecretsContext {
  /** The app's name. */
  readonly id: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The stores of the app's environment, if it has one. */
  readonly stores?: SecretStores;
  /** The app's own store (JavaAppProps.secretStore). */
  readonly appStore?: SecretStoreRef;
  readonly secrets: readonly SecretRef[];
}

/**
 * One ExternalSecret (StoreSecret) per Secret the app fills from a store, named after the Secret,
 * with the keys of every SecretRef that fills it. Returns the pod annotation `checksum/secrets`,
 * a hash of those ExternalSecrets: a change of them in Git (a pinned version bumped, a key added)
 * rolls the pods through the app's release strategy. Empty when the app fills no Secret.
 */
export function storeSecrets(app: Construct, ctx: AppSecretsContext): Record<string, string> {
  const bySecret = new Map<string, SecretRef[]>();
  for (const s of ctx.secrets) {
    if (!s.fromStore) continue;
    const list = bySecret.get(s.secretName);
    if (list) list.push(s);
    else bySecret.set(s.secretName, [s]);
  }
  const checksums: string[] = [];
  for (const name of [...bySecret.keys()].sort(compare)) {
    const refs = bySecret.get(name)!;
    const keys = secretKeys(ctx.id, name, refs);
    checkPlainReads(ctx, name, keys);
    const store = one(ctx.id, name, 'store', refs.map((r) => r.fromStore!.store), (a, b) => a.equals(b));
    const refresh = one(ctx.id, name, 'refresh', refs.map((r) => r.fromStore!.refresh), (a: SecretRefresh, b) => a.policy === b.policy && a.interval === b.interval);
    const prop = `secrets: Secret "${name}"`;
    const resolved = ctx.stores
      ? ctx.stores.resolve(CONSTRUCT, ctx.id, prop, store, ctx.appStore)
      : store ?? ctx.appStore ?? missingStore(ctx.id, prop);
    ctx.stores?.claim(name, `${CONSTRUCT} "${ctx.id}"`);
    const secret = new StoreSecret(app, `ExternalSecret-${name}`, { name, namespace: ctx.namespace, labels: ctx.labels, store: resolved, keys, refresh });
    checksums.push(`${name}=${secret.checksum}`);
  }
  return checksums.length ? { 'checksum/secrets': createHash('sha256').update(checksums.join('\n')).digest('hex') } : {};
}

/** The keys of one Secret from all its SecretRefs; one value per key. */
function secretKeys(id: string, name: string, refs: SecretRef[]): Record<string, StoreValue> {
  const keys: Record<string, StoreValue> = {};
  for (const ref of refs) {
    const given = Object.entries(ref.fromStore!.keys);
    check(given.length > 0, CONSTRUCT, id, () => `secrets: Secret "${name}" from a store needs at least one key: SecretRef.filesFromStore('${name}', '<mountPath>', { '<key>': StoreValue.key('<remote key>') })`);
    for (const [key, value] of given) {
      checkRule(CONSTRUCT, id, `secrets: key "${key}" of Secret "${name}"`, configMapKey(key), 'a Secret key is letters, digits, \'-\', \'_\' or \'.\', e.g. "password"');
      check(value instanceof StoreValue, CONSTRUCT, id, () => `secrets: key "${key}" of Secret "${name}" must be a StoreValue (StoreValue.key() or StoreValue.template())`);
      const first = keys[key];
      check(first === undefined || JSON.stringify(first) === JSON.stringify(value), CONSTRUCT, id, () =>
        `secrets: key "${key}" of Secret "${name}" is declared twice from a store, with different values: declare it once`);
      keys[key] = value;
    }
  }
  return keys;
}

/** A plain SecretRef.env() of a Secret the app fills from a store must read a key it fills. */
function checkPlainReads(ctx: AppSecretsContext, name: string, keys: Record<string, StoreValue>): void {
  for (const s of ctx.secrets) {
    if (s.fromStore || s.secretName !== name || !s.env || s.env.key in keys) continue;
    throw new PropError(CONSTRUCT, ctx.id, `secrets: ${s.env.variable} reads key "${s.env.key}" of Secret "${name}", which the app's ExternalSecret does not produce (it produces ${Object.keys(keys).sort(compare).map((k) => `"${k}"`).join(', ')}): `
      + `declare it with SecretRef.envFromStore('${s.env.variable}', '${name}', '${s.env.key}', StoreValue.key('<remote key>')) or read a key it produces`);
  }
}

/** The one value the SecretRefs of a Secret give for an option (or undefined); two different ones are refused. */
function one<T>(id: string, name: string, option: string, values: (T | undefined)[], same: (a: T, b: T) => boolean): T | undefined {
  const given = values.filter((v): v is T => v !== undefined);
  check(given.every((v) => same(v, given[0])), CONSTRUCT, id, () => `secrets: Secret "${name}" is declared with two different ${option} options: give them once, the same for every SecretRef of the Secret`);
  return given[0];
}

function missingStore(id: string, prop: string): never {
  throw new PropError(CONSTRUCT, id, `${prop} names no secret store: put the app in an Environment with secretStores: { default: ... }, or set secretStore`);
}
