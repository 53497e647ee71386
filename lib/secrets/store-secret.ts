import { createHash } from 'crypto';
import { Construct } from 'constructs';
import * as es from '../../imports/externalsecrets-external-secrets.io';
import { PropError } from '../props/checks';
import { checkProps, P } from '../props/schema';
import { SecretStoreRef } from './secret-store';
import { RemoteValue, SecretRefresh, StoreValue } from './store-value';
import { compare } from '../util';

export interface StoreSecretProps {
  /** Name of the Secret, and of the ExternalSecret that writes it. */
  readonly name: string;
  readonly namespace: string;
  /** Labels of the ExternalSecret and of the Secret it writes. */
  readonly labels: Record<string, string>;
  /** The store the values come from. */
  readonly store: SecretStoreRef;
  /** The Secret's keys and where each value comes from. */
  readonly keys: Record<string, StoreValue>;
  /**
   * When the operator reads the store again.
   * @default SecretRefresh.every(Duration.hours(1))
   */
  readonly refresh?: SecretRefresh;
}

const HOURLY = { policy: 'Periodic', interval: '1h0m0s' } as const;

/**
 * One ExternalSecret (External Secrets Operator, `external-secrets.io/v1`) that writes the Secret
 * of the same name with exactly the keys given. Every field the API server or the operator would
 * default is written out, so Argo CD sees no drift: refresh policy and interval in Go's form
 * (`1h0m0s`), the store's kind, creationPolicy Owner (the Secret is the ExternalSecret's and goes
 * with it), deletionPolicy Retain (a value missing in the store leaves the Secret as it was),
 * template engine v2, merge policy, type and the Secret's labels (so the ExternalSecret's Argo CD
 * annotations are not copied onto the Secret).
 */
export class StoreSecret extends Construct {
  /** The keys the Secret holds, sorted. */
  public readonly keys: string[];
  /** sha256 of the ExternalSecret's spec: what a pod template carries to roll when it changes. */
  public readonly checksum: string;

  constructor(scope: Construct, id: string, props: StoreSecretProps) {
    super(scope, id);
    checkProps('StoreSecret', id, props, StoreSecretPropsSchema);
    this.keys = Object.keys(props.keys).sort(compare);
    const refresh = props.refresh ?? HOURLY;
    const templated = this.keys.some((k) => props.keys[k].template);
    const spec: es.ExternalSecretSpec = {
      refreshPolicy: refresh.policy as es.ExternalSecretSpecRefreshPolicy,
      refreshInterval: refresh.interval,
      secretStoreRef: { kind: props.store.kind as es.ExternalSecretSpecSecretStoreRefKind, name: props.store.name },
      target: {
        name: props.name,
        creationPolicy: es.ExternalSecretSpecTargetCreationPolicy.OWNER,
        deletionPolicy: es.ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        template: {
          engineVersion: es.ExternalSecretSpecTargetTemplateEngineVersion.V2,
          mergePolicy: es.ExternalSecretSpecTargetTemplateMergePolicy.REPLACE,
          type: 'Opaque',
          metadata: { labels: props.labels },
          // With templates, Replace keeps only the templated keys: the plain ones are templated too, so the Secret holds exactly `keys`.
          data: templated ? Object.fromEntries(this.keys.map((k) => [k, props.keys[k].template?.text ?? `{{ index . ${JSON.stringify(k)} }}`])) : undefined,
        },
      },
      data: fetched(props.name, props.keys).map(([secretKey, remote]) => ({
        secretKey,
        remoteRef: { key: remote.key, property: remote.property, version: remote.version },
      })),
    };
    this.checksum = createHash('sha256').update(JSON.stringify(es.toJson_ExternalSecretSpec(spec))).digest('hex');
    new es.ExternalSecret(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec,
    });
  }
}

/** Every value the operator fetches, by the key it fetches it under: the plain keys, then each template's inputs; sorted. */
function fetched(secret: string, keys: Record<string, StoreValue>): [string, RemoteValue][] {
  const out = new Map<string, RemoteValue>();
  const why = new Map<string, string>();
  const add = (name: string, remote: RemoteValue, what: string) => {
    const first = out.get(name);
    if (first && JSON.stringify(first) !== JSON.stringify(remote)) {
      throw new PropError('StoreSecret', secret, `"${name}" (${what}) is fetched from ${show(remote)} and from ${show(first)} (${why.get(name)}): give one of them another name`);
    }
    out.set(name, remote);
    why.set(name, what);
  };
  for (const [key, value] of Object.entries(keys)) {
    if (value.remote) add(key, value.remote, 'a key of the Secret');
    for (const [name, remote] of Object.entries(value.template?.inputs ?? {})) add(name, remote, `an input of the template of "${key}"`);
  }
  return [...out.entries()].sort(([a], [b]) => compare(a, b));
}

function show(r: RemoteValue): string {
  return `"${r.key}"${r.property ? ` property "${r.property}"` : ''}${r.version ? ` version "${r.version}"` : ''}`;
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const StoreSecretPropsSchema = P.object('StoreSecretProps', {
  name: P.required(P.string), namespace: P.required(P.string), labels: P.required(P.stringMap),
  store: P.required(P.instance('SecretStoreRef', SecretStoreRef)), keys: P.required(P.record(P.instance('StoreValue', StoreValue))),
  refresh: P.instance('SecretRefresh', SecretRefresh),
});
