import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { validateManifests } from '../lib';
import { entriesWithoutStore, goDuration, parseGoDuration, producedKeys, rendersSecret, silentFetchOnce, storeRefs, targetSecretName, templateLiteral, templateReads, webhookRules } from '../lib/rules/external-secrets';
import { checkExternalSecret, checkSecretSources, clusterStoresOf } from '../lib/validate/external-secrets';
import { validateSchema } from '../lib/validate/schema';
import { deployment, FILE, index, lines, manifest, NS } from './support/docs';

type Doc = Record<string, any>;

/** An ExternalSecret as the platform writes it: every default written out, one key from ClusterSecretStore "vault". */
function es(name = 'db', spec: Doc = {}): Doc {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: NS },
    spec: {
      refreshPolicy: 'Periodic',
      refreshInterval: '1h0m0s',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
      target: { name, creationPolicy: 'Owner', deletionPolicy: 'Retain', template: { engineVersion: 'v2', mergePolicy: 'Replace', type: 'Opaque' } },
      data: [{ secretKey: 'password', remoteRef: { key: 'shop/db', property: 'password' } }],
      ...spec,
    },
  };
}

const O = `${FILE} ExternalSecret db`;
/** The problems of one ExternalSecret after `change` (webhook rules and policy). */
function object(change: (doc: Doc) => void = () => undefined, policy = true): string[] {
  const doc = es();
  change(doc);
  return lines(checkExternalSecret(manifest(doc), policy));
}

test('the ExternalSecret the platform writes passes its schema and every rule', () => {
  expect(object()).toEqual([]);
  expect(validateSchema(es(), O)).toEqual([]);
});

describe('ESO\'s webhook (external-secrets@v2.9.0 apis/externalsecrets/v1/externalsecret_validator.go): each rule refuses and accepts', () => {
  test.each<[string, (d: Doc) => void, string[]]>([
    // validateExternalSecret
    ['neither data nor dataFrom', (d) => { d.spec.data = []; }, [`${O} spec: either data or dataFrom should be specified`]],
    ['dataFrom alone', (d) => { delete d.spec.data; d.spec.dataFrom = [{ extract: { key: 'shop/db' } }]; }, []],
    // validatePolicies
    ...(['Merge', 'None', 'CreateOrMerge'] as const).map((creation): [string, (d: Doc) => void, string[]] => [`deletionPolicy Delete with creationPolicy ${creation}`,
      (d) => { d.spec.target.creationPolicy = creation; d.spec.target.deletionPolicy = 'Delete'; },
      [`${O} spec.target.deletionPolicy: Delete must not be used when the operator does not own the Secret (creationPolicy ${creation}): set creationPolicy Owner`]]),
    ['deletionPolicy Delete with creationPolicy Owner', (d) => { d.spec.target.deletionPolicy = 'Delete'; }, []],
    ['deletionPolicy Delete with the creation policy defaulted (Owner)', (d) => { delete d.spec.target.creationPolicy; d.spec.target.deletionPolicy = 'Delete'; }, []],
    ['deletionPolicy Merge with creationPolicy None', (d) => { d.spec.target.creationPolicy = 'None'; d.spec.target.deletionPolicy = 'Merge'; },
      [`${O} spec.target.deletionPolicy: Merge must not be used with creationPolicy None: there is no Secret to merge with`]],
    ['deletionPolicy Merge with creationPolicy Merge', (d) => { d.spec.target.creationPolicy = 'Merge'; d.spec.target.deletionPolicy = 'Merge'; }, []],
    // validatePrivilegedTemplate
    ['a bootstrap token', (d) => { d.spec.target.template.type = 'bootstrap.kubernetes.io/token'; }, [`${O} spec.target.template.type: bootstrap.kubernetes.io/token is not allowed`]],
    ['a service-account token naming its account', (d) => { d.spec.target.template.type = 'kubernetes.io/service-account-token'; d.spec.target.template.metadata = { annotations: { 'kubernetes.io/service-account.name': 'admin' } }; },
      [`${O} spec.target.template.metadata.annotations: type kubernetes.io/service-account-token with the annotation kubernetes.io/service-account.name is not allowed`]],
    ['a service-account token with templateFrom into annotations', (d) => {
      d.spec.target.template.type = 'kubernetes.io/service-account-token';
      d.spec.target.template.templateFrom = [{ target: 'annotations', literal: 'a: b' }];
    }, [`${O} spec.target.template.templateFrom[0].target: type kubernetes.io/service-account-token with a templateFrom target Annotations is not allowed`]],
    ['a service-account token without either', (d) => { d.spec.target.template.type = 'kubernetes.io/service-account-token'; }, []],
    // validateTemplateFromTarget / ValidateSecretTemplateFromTargets
    ['templateFrom into another field of a Secret', (d) => { d.spec.target.template.templateFrom = [{ target: 'metadata.ownerReferences', literal: 'x' }]; },
      [`${O} spec.target.template.templateFrom[0].target: "metadata.ownerReferences" is not allowed when the target is a Secret: must be Data, Annotations or Labels`]],
    ['templateFrom into data, labels (any case) or the default', (d) => { d.spec.target.template.templateFrom = [{ target: 'data', literal: 'a: b' }, { target: 'LABELS', literal: 'c: d' }, { literal: 'e: f' }]; }, []],
    ['templateFrom into a field of a ConfigMap target', (d) => { d.spec.target.manifest = { apiVersion: 'v1', kind: 'ConfigMap' }; d.spec.target.template.templateFrom = [{ target: 'spec.x', literal: 'a: b' }]; }, []],
    // validateExtractFindGenerator, validateFindExtractSourceRef, validateSourceRef
    ['dataFrom with extract and find', (d) => { d.spec.dataFrom = [{ extract: { key: 'a' }, find: { path: 'b' } }]; }, [`${O} spec.dataFrom[0]: extract, find, or generatorRef cannot be set at the same time`]],
    ['dataFrom with find and a generator', (d) => { d.spec.dataFrom = [{ find: { path: 'b' }, sourceRef: { generatorRef: { kind: 'Password', name: 'pw' } } }]; },
      [`${O} spec.dataFrom[0]: extract, find, or generatorRef cannot be set at the same time`]],
    ['dataFrom with nothing to read', (d) => { d.spec.dataFrom = [{ rewrite: [] }]; }, [`${O} spec.dataFrom[0]: either extract, find, or sourceRef must be set to dataFrom`]],
    ['dataFrom with an empty sourceRef', (d) => { d.spec.dataFrom = [{ sourceRef: {} }]; }, [`${O} spec.dataFrom[0].sourceRef: generatorRef or storeRef must be set when using sourceRef in dataFrom`]],
    ['dataFrom extracting from a store of its own', (d) => { d.spec.dataFrom = [{ extract: { key: 'a' }, sourceRef: { storeRef: { kind: 'ClusterSecretStore', name: 'vault' } } }]; }, []],
    // validateDuplicateKeys: only under deletionPolicy Retain, written or defaulted
    ['a key fetched twice (Retain)', (d) => { d.spec.data.push({ secretKey: 'password', remoteRef: { key: 'other' } }); }, [`${O} spec.data[1].secretKey: duplicate secretKey found: password`]],
    ['a key fetched twice (deletionPolicy defaulted to Retain)', (d) => { delete d.spec.target.deletionPolicy; d.spec.data.push({ secretKey: 'password', remoteRef: { key: 'other' } }); },
      [`${O} spec.data[1].secretKey: duplicate secretKey found: password`]],
    ['a key fetched twice under Delete (not checked upstream)', (d) => { d.spec.target.deletionPolicy = 'Delete'; d.spec.data.push({ secretKey: 'password', remoteRef: { key: 'other' } }); }, []],
  ])('%s', (_case, change, expected) => {
    expect(object(change)).toEqual(expected);
  });
});

describe('the CRD\'s patterns and the durations the webhook decodes', () => {
  test.each<[string, (d: Doc) => void, string[]]>([
    ['a secretKey with "/"', (d) => { d.spec.data[0].secretKey = 'db/password'; }, [`${O} spec.data[0].secretKey: "db/password" must be at most 253 of letters, digits, '-', '_' or '.' (^[-._a-zA-Z0-9]+$)`]],
    ['a secretKey of 254 characters', (d) => { d.spec.data[0].secretKey = 'k'.repeat(254); }, [`${O} spec.data[0].secretKey: "${'k'.repeat(254)}" must be at most 253 of letters, digits, '-', '_' or '.' (^[-._a-zA-Z0-9]+$)`]],
    ['a secretKey of 253 with dots and dashes', (d) => { d.spec.data[0].secretKey = `a.-_${'k'.repeat(249)}`; d.spec.target.template.data = undefined; }, []],
    ['a store name in capitals', (d) => { d.spec.secretStoreRef.name = 'Vault'; }, [expect.stringMatching(new RegExp(`^${O} spec.secretStoreRef.name: "Vault": `))] as any],
    ['a target name with "_"', (d) => { d.spec.target.name = 'db_creds'; }, [expect.stringMatching(new RegExp(`^${O} spec.target.name: "db_creds": `))] as any],
    ['a refresh interval in days', (d) => { d.spec.refreshInterval = '1d'; }, [`${O} spec.refreshInterval: "1d" is not a Go duration such as "1h0m0s", "30m0s" or "15s" (units ns, us, ms, s, m, h; no days)`]],
    ['a refresh interval without a unit', (d) => { d.spec.refreshInterval = '60'; }, [`${O} spec.refreshInterval: "60" is not a Go duration such as "1h0m0s", "30m0s" or "15s" (units ns, us, ms, s, m, h; no days)`]],
    ['a refresh interval Go reads ("90m")', (d) => { d.spec.refreshInterval = '90m'; }, []],
    ['a sync window of a bad duration', (d) => { d.spec.syncWindows = { kind: 'allow', windows: [{ schedule: '0 8 * * *', duration: 'eight hours' }] }; },
      [`${O} spec.syncWindows.windows[0].duration: "eight hours" is not a Go duration such as "8h0m0s"`]],
    ['an unserved version', (d) => { d.apiVersion = 'external-secrets.io/v1beta1'; },
      [`${O} apiVersion: ESO v2.9.0 serves ExternalSecret as external-secrets.io/v1 only (external-secrets.io/v1beta1 is served: false in its CRD): write apiVersion: external-secrets.io/v1`]],
  ])('%s', (_case, change, expected) => {
    expect(object(change)).toEqual(expected);
  });

  test('the schema walk refuses an unserved version and unknown fields, as the API server does', () => {
    expect(lines(validateSchema({ ...es(), apiVersion: 'external-secrets.io/v1beta1' }, O))).toEqual([`${O} : external-secrets.io/v1beta1 ExternalSecret is not served: the API server serves ExternalSecret as external-secrets.io/v1`]);
    const doc = es();
    doc.spec.target.creationPolicy = 'Adopt';
    doc.spec.data[0].remoteRef = { keys: 'shop/db' };
    expect(lines(validateSchema(doc, O))).toEqual([
      `${O} spec.target.creationPolicy: must be one of "Owner", "Orphan", "Merge", "None", "CreateOrMerge", got "Adopt"`,
      `${O} spec.data[0].remoteRef.key: required field is missing`,
      `${O} spec.data[0].remoteRef.keys: unknown field`,
    ]);
  });

  test.each<[string, number | undefined]>([
    ['1h0m0s', 3600e9], ['1h', 3600e9], ['90m', 5400e9], ['1m30s', 90e9], ['1.5s', 1.5e9], ['.5s', 0.5e9], ['500ms', 500e6], ['10us', 10e3], ['10µs', 10e3],
    ['0', 0], ['0s', 0], ['-1h', -3600e9], ['+5m', 300e9], ['1d', undefined], ['60', undefined], ['', undefined], ['1h 30m', undefined], ['h', undefined], ['3000000h', undefined],
  ])('Go\'s time.ParseDuration("%s")', (text, ns) => {
    expect(parseGoDuration(text)).toBe(ns);
  });

  test.each<[number, string]>([
    [0, '0s'], [500, '500ms'], [1000, '1s'], [1500, '1.5s'], [45_000, '45s'], [60_000, '1m0s'], [90_000, '1m30s'], [1_800_000, '30m0s'], [3_600_000, '1h0m0s'],
    [5_400_000, '1h30m0s'], [86_400_000, '24h0m0s'], [3_661_001, '1h1m1.001s'],
  ])('Go\'s Duration.String() of %d ms is %s', (ms, text) => {
    expect(goDuration(ms)).toBe(text);
    expect(parseGoDuration(text)).toBe(ms * 1e6);
  });
});

describe('the platform\'s policy for ExternalSecrets', () => {
  test.each<[string, (d: Doc) => void, string[]]>([
    ['a refresh interval of zero, said nowhere', (d) => { d.spec.refreshInterval = '0s'; },
      [`${O} spec.refreshInterval: "0s" fetches once and then never again, not even after this ExternalSecret changes in Git (ESO shouldRefreshPeriodic): say so with refreshPolicy: CreatedOnce, or use OnChange or an interval such as "1h0m0s"`]],
    ['a refresh interval of zero with no policy', (d) => { d.spec.refreshInterval = '0'; delete d.spec.refreshPolicy; },
      [`${O} spec.refreshInterval: "0" fetches once and then never again, not even after this ExternalSecret changes in Git (ESO shouldRefreshPeriodic): say so with refreshPolicy: CreatedOnce, or use OnChange or an interval such as "1h0m0s"`]],
    ['a refresh interval of zero with CreatedOnce said', (d) => { d.spec.refreshInterval = '0s'; d.spec.refreshPolicy = 'CreatedOnce'; }, []],
    ['a refresh interval of zero with OnChange', (d) => { d.spec.refreshInterval = '0s'; d.spec.refreshPolicy = 'OnChange'; }, []],
    ['a plain value under a secret name', (d) => { d.spec.target.template.data = { password: 'hunter2' }; },
      [`${O} spec.target.template.data["password"]: "password" looks like a secret but holds plain text, not a value of the store: fetch it from the store (data[]) and read it with {{ .key }}`]],
    ['a password in a JDBC URL', (d) => { d.spec.target.template.data = { url: 'jdbc:postgresql://db/orders?user={{ .user }}&password=hunter2' }; d.spec.data.push({ secretKey: 'user', remoteRef: { key: 'u' } }); },
      [`${O} spec.target.template.data["url"]: "url" holds a password in a connection string (password=) in plaintext: fetch it from the store (data[]) and read it with {{ .key }}`]],
    ['a password line in a properties file', (d) => { d.spec.target.template.data = { 'app.properties': 'spring.datasource.username={{ .password }}\nspring.datasource.password=hunter2\n' }; },
      [`${O} spec.target.template.data["app.properties"]: "app.properties" sets spring.datasource.password to plain text, not a value of the store: fetch it from the store (data[]) and read it with {{ .key }}`]],
    ['a token in a literal templateFrom', (d) => { d.spec.target.template.templateFrom = [{ literal: `token: ghp_${'a'.repeat(36)}` }]; },
      [`${O} spec.target.template.templateFrom[0].literal: "literal" holds a GitHub token in plaintext: fetch it from the store and read it with {{ .key }}`]],
    ['values read from the store', (d) => {
      d.spec.data.push({ secretKey: 'user', remoteRef: { key: 'u' } });
      d.spec.target.template.data = {
        password: '{{ .password }}',
        url: 'jdbc:postgresql://db/orders?user={{ index . "user" | urlquery }}&password={{ .password | urlquery }}',
        'app.properties': 'spring.datasource.password={{ .password }}\n# password: kept in the store\npassword-file=\n',
        'config.yaml': 'password: "{{ .password }}"\nuser: "{{ .user }}"\n',
      };
    }, []],
    ['the policy off: literals are the user\'s call', (d) => { d.spec.target.template.data = { password: 'hunter2' }; }, []],
  ])('%s', (_case, change, expected) => {
    expect(object(change, !_case.startsWith('the policy off'))).toEqual(expected);
  });

  test('the refresh and literal rules are policy, the webhook rules are not', () => {
    expect(object((d) => { d.spec.refreshInterval = '0s'; d.spec.data = []; }, false)).toEqual([`${O} spec: either data or dataFrom should be specified`]);
  });
});

describe('templates (external-secrets@v2.9.0 runtime/template/v2/template.go, execute: missingkey=error)', () => {
  test.each<[string, Doc, string[]]>([
    ['a key no data entry fetches', { x: '{{ .pasword }}' }, [`${O} spec.target.template.data["x"]: reads "pasword", which no data[].secretKey fetches: the operator fails the template (missingkey=error); fetch it or fix the name`]],
    ['a key with "-" read as a field', { x: '{{ .db-password }}' }, [`${O} spec.target.template.data["x"]: .db-password: Go templates cannot read a key with '-' as a field: write {{ index . "db-password" }}`]],
    ['a key read with index', { x: '{{ index . "password" }}' }, []],
    ['a key read with index that is not fetched', { x: '{{ index . "db-password" }}' }, [`${O} spec.target.template.data["x"]: reads "db-password", which no data[].secretKey fetches: the operator fails the template (missingkey=error); fetch it or fix the name`]],
    ['a template that rebinds the dot (not followed)', { x: '{{ range $k, $v := . }}{{ .anything }}{{ end }}' }, []],
  ])('%s', (_case, data, expected) => {
    expect(object((d) => { d.spec.target.template.data = data; })).toEqual(expected);
  });

  test('with dataFrom the fetched keys are not knowable: no reference is refused', () => {
    expect(object((d) => { d.spec.dataFrom = [{ extract: { key: 'shop/db' } }]; d.spec.target.template.data = { x: '{{ .anything }}' }; })).toEqual([]);
  });

  test('templateReads: fields, index, pipelines, variables and dashed names', () => {
    expect(templateReads('{{ .a }} {{index . "b-c"}} {{ .d | urlquery }} {{ $.e }} {{ printf "%s" .f }} {{ .g.h }}')).toEqual({ keys: ['a', 'b-c', 'd', 'f', 'g'], dashed: [] });
    expect(templateReads('{{ .a-b }}')).toEqual({ keys: [], dashed: ['.a-b'] });
    expect(templateReads('{{ with .a }}{{ . }}{{ end }}').keys).toBeUndefined();
  });

  test('templateLiteral: the same words as a plain env value, under the template\'s key', () => {
    expect(templateLiteral('DB_PASSWORD', 'x')).toBe('"DB_PASSWORD" looks like a secret but holds plain text, not a value of the store');
    expect(templateLiteral('DB_PASSWORD', '')).toBeUndefined();
    expect(templateLiteral('url', 'postgres://app:s3cret@db/app')).toBe('"url" holds a password in a URL (user:password@) in plaintext');
    expect(templateLiteral('url', 'postgres://{{ .user }}:{{ .password }}@db/app')).toBeUndefined();
  });
});

describe('across objects: one ExternalSecret per Secret, the keys pods read, the stores', () => {
  const store = { declared: () => [{ kind: 'ClusterSecretStore' as const, name: 'vault' }], clusterStores: new Set<string>() };
  const reading = (key: string, secret = 'db', optional?: boolean) => {
    const d = deployment('web');
    d.spec.template.spec.containers[0].env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: secret, key, optional } } }];
    return d;
  };
  const W = `${FILE} Deployment web spec.template.spec`;
  const across = (...docs: Doc[]) => lines(checkSecretSources(index(...docs), store));

  test('a pod reading a key the ExternalSecret produces passes; one it does not produce is refused', () => {
    expect(across(es(), reading('password'))).toEqual([]);
    expect(across(es(), reading('username'))).toEqual([
      `${W}.containers[0].env[0].valueFrom.secretKeyRef.key: reads key "username" of Secret "db", which ${O} does not produce (it produces "password"): the pod would not start (CreateContainerConfigError); add the key to the ExternalSecret or read one it produces`,
    ]);
    expect(across(es(), reading('username', 'db', true))).toEqual([]);
    expect(across(es(), reading('username', 'other'))).toEqual([]);
  });

  test('keys of a data template: Replace keeps only the templated keys, Merge both', () => {
    const templated = (mergePolicy: string) => {
      const d = es();
      d.spec.target.template = { engineVersion: 'v2', mergePolicy, data: { url: '{{ .password }}' } };
      return d;
    };
    expect(across(templated('Replace'), reading('password'))).toEqual([expect.stringContaining('reads key "password" of Secret "db", which dev/app.yaml ExternalSecret db does not produce (it produces "url")')]);
    expect(across(templated('Merge'), reading('password'))).toEqual([]);
    expect(producedKeys(templated('Replace'))).toEqual(new Set(['url']));
    expect(producedKeys({ spec: { data: [{ secretKey: 'a' }] } })).toEqual(new Set(['a']));
  });

  test('keys the operator decides at run time are not checked: dataFrom, templateFrom, a Merge creation policy', () => {
    for (const change of [
      (d: Doc) => { d.spec.dataFrom = [{ extract: { key: 'x' } }]; },
      (d: Doc) => { d.spec.target.template.templateFrom = [{ configMap: { name: 'tpl', items: [{ key: 'k' }] } }]; },
      (d: Doc) => { d.spec.target.creationPolicy = 'Merge'; },
    ]) {
      const d = es();
      change(d);
      expect(producedKeys(d)).toBeUndefined();
      expect(across(d, reading('anything'))).toEqual([]);
    }
  });

  test('secret volumes and projected volumes: each item\'s key', () => {
    const d = deployment('web');
    d.spec.template.spec.volumes = [
      { name: 'a', secret: { secretName: 'db', items: [{ key: 'password', path: 'p' }, { key: 'user', path: 'u' }] } },
      { name: 'b', projected: { sources: [{ secret: { name: 'db', items: [{ key: 'token', path: 't' }] } }] } },
      { name: 'c', secret: { secretName: 'db' } },
    ];
    expect(across(es(), d)).toEqual([
      expect.stringMatching(new RegExp(`^${W.replace(/\./g, '\\.')}\\.volumes\\[0\\]\\.secret\\.items\\[1\\]\\.key: reads key "user"`)),
      expect.stringMatching(new RegExp(`^${W.replace(/\./g, '\\.')}\\.volumes\\[1\\]\\.projected\\.sources\\[0\\]\\.secret\\.items\\[0\\]\\.key: reads key "token"`)),
    ]);
  });

  test('two ExternalSecrets writing one Secret are refused (applyOwnership: "target is owned by another ExternalSecret")', () => {
    const second = es('db-copy');
    second.spec.target.name = 'db';
    expect(across(es(), second)).toEqual([
      `${FILE} ExternalSecret db-copy spec.target.name: Secret "db" is already written by ${O}: one ExternalSecret per Secret (the second fails with "target is owned by another ExternalSecret"); merge the two into one`,
    ]);
    const byName = es('db');
    delete byName.spec.target.name;
    const other = es('db-2');
    other.spec.target.name = 'db-2';
    expect(across(byName, other)).toEqual([]);
  });

  test('a Secret object of the output that an ExternalSecret also writes is refused', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: NS } };
    expect(across(es(), secret)).toEqual([`${O} spec.target.name: Secret "db" is also an object of the output: Argo CD and the operator would overwrite each other; drop the Secret object`]);
  });

  test('stores: declared, in the output, or refused; not checked when the folders are not told', () => {
    const other = es();
    other.spec.secretStoreRef = { kind: 'ClusterSecretStore', name: 'aws' };
    expect(across(other)).toEqual([`${O} spec.secretStoreRef: ClusterSecretStore "aws" is neither in the output nor declared as provided by the cluster (declared: ClusterSecretStore "vault"): declare it in the Environment's secretStores, or fix the name`]);
    const noKind = es();
    noKind.spec.secretStoreRef = { name: 'vault' };
    expect(across(noKind)).toEqual([`${O} spec.secretStoreRef: SecretStore "vault" is neither in the output nor declared as provided by the cluster (declared: ClusterSecretStore "vault"): declare it in the Environment's secretStores, or fix the name (kind defaults to SecretStore)`]);
    const local = es();
    local.spec.secretStoreRef = { kind: 'SecretStore', name: 'team' };
    const team = { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'team', namespace: NS }, spec: {} };
    expect(across(local, team)).toEqual([]);
    expect(lines(checkSecretSources(index(other), { declared: () => [], clusterStores: new Set(['aws']) }))).toEqual([]);
    expect(lines(checkSecretSources(index(other), { clusterStores: new Set() }))).toEqual([]);
    const entry = es();
    entry.spec.data[0].sourceRef = { storeRef: { kind: 'ClusterSecretStore', name: 'gcp' } };
    expect(across(entry)).toEqual([expect.stringMatching(/spec\.data\[0\]\.sourceRef\.storeRef: ClusterSecretStore "gcp" is neither/)]);
  });

  test('an entry with no store at all is refused', () => {
    const d = es();
    delete d.spec.secretStoreRef;
    expect(across(d)).toEqual([`${O} spec.data[0]: names no store: set spec.secretStoreRef, or sourceRef.storeRef on the entry`]);
    d.spec.data[0].sourceRef = { storeRef: { kind: 'ClusterSecretStore', name: 'vault' } };
    expect(across(d)).toEqual([]);
  });

  test('the gate: stores checked per folder as the platform declares them, in the cluster of the folder', () => {
    const folders = (secretStores: { kind: 'ClusterSecretStore'; name: string }[]) => new Map([['dev', { server: 'https://kubernetes.default.svc', namespace: NS, secretStores }]]);
    const m = [manifest(es())];
    expect(lines(validateManifests(m, { folders: folders([{ kind: 'ClusterSecretStore', name: 'vault' }]) }))).toEqual([]);
    expect(lines(validateManifests(m, { folders: folders([]) }))).toEqual([`${O} spec.secretStoreRef: ClusterSecretStore "vault" is neither in the output nor declared as provided by the cluster (declared: none): declare it in the Environment's secretStores, or fix the name`]);
    expect(lines(validateManifests(m))).toEqual([]);
    // Folders told, but not this one: it declares none.
    const prodOnly = new Map([['prod', { server: 'https://kubernetes.default.svc', namespace: 'shop-prod', secretStores: [{ kind: 'ClusterSecretStore' as const, name: 'vault' }] }]]);
    expect(lines(validateManifests(m, { folders: prodOnly }))).toEqual([`${O} spec.secretStoreRef: ClusterSecretStore "vault" is neither in the output nor declared as provided by the cluster (declared: none): declare it in the Environment's secretStores, or fix the name`]);
  });
});

describe('the upstream examples (external-secrets@v2.9.0 docs/snippets) pass where ESO\'s webhook accepts them', () => {
  const dir = path.join(__dirname, 'fixtures', 'eso');
  const examples = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  test.each(examples)('%s', (file) => {
    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((d) => d.toJSON()).filter((d) => d?.kind === 'ExternalSecret');
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      const m = manifest({ ...doc, metadata: { ...doc.metadata, namespace: NS } });
      expect(webhookRules(doc)).toEqual([]);
      expect(validateSchema(m.doc, 'example')).toEqual([]);
      expect(checkExternalSecret(m, true)).toEqual([]);
    }
  });

  test('and each refused once broken the way the webhook refuses', () => {
    const doc = YAML.parse(fs.readFileSync(path.join(dir, 'eso-externalsecret-template-v2.yaml'), 'utf8'));
    doc.spec.target.creationPolicy = 'Merge';
    doc.spec.target.deletionPolicy = 'Delete';
    doc.spec.data.push({ ...doc.spec.data[0] });
    expect(webhookRules(doc).map(([p]) => p)).toEqual(['spec.target.deletionPolicy']);
    doc.spec.target.deletionPolicy = 'Retain';
    expect(webhookRules(doc)).toEqual([['spec.data[3].secretKey', 'duplicate secretKey found: user']]);
  });
});

describe('boundaries and malformed documents: each rule reports what it can and never throws', () => {
  test('Go durations at their edges', () => {
    expect(parseGoDuration('+0')).toBe(0);
    expect(parseGoDuration('-0')).toBe(0);
    expect(parseGoDuration('.55s')).toBe(0.55e9);
    expect(parseGoDuration('--1h')).toBeUndefined();
    expect(parseGoDuration('1h-')).toBeUndefined();
    // The largest time.Duration is accepted, one more hour is not.
    expect(parseGoDuration('2562047h47m16.854775807s')).toBeDefined();
    expect(parseGoDuration('2562048h')).toBeUndefined();
    expect(() => goDuration(-1)).toThrow('goDuration: a whole, non-negative number of milliseconds, got -1');
    expect(() => goDuration(1.5)).toThrow('goDuration: a whole, non-negative number of milliseconds, got 1.5');
  });

  test('the webhook rules on documents with holes', () => {
    expect(webhookRules(null)).toEqual([['spec', 'either data or dataFrom should be specified']]);
    expect(webhookRules({ spec: { data: [null] } })).toEqual([]);
    expect(webhookRules({})).toEqual([['spec', 'either data or dataFrom should be specified']]);
    expect(webhookRules({ spec: null })).toEqual([['spec', 'either data or dataFrom should be specified']]);
    expect(webhookRules({ spec: { data: [{ secretKey: 'a', sourceRef: { generatorRef: { name: 'g' } } }], target: { template: { type: 'kubernetes.io/service-account-token', templateFrom: [null] } } } })).toEqual([]);
    // Go decodes a null entry to an empty one: two of them share the key "".
    expect(webhookRules({ spec: { data: [null, { remoteRef: { key: 'k' } }] } })).toEqual([['spec.data[1].secretKey', 'duplicate secretKey found: undefined']]);
    expect(webhookRules({ spec: { dataFrom: [null] } })).toEqual([['spec.dataFrom[0]', 'either extract, find, or sourceRef must be set to dataFrom']]);
    expect(webhookRules({ spec: { data: [{ secretKey: 'a' }], target: { template: { templateFrom: [null, {}] } }, syncWindows: { windows: [null, { schedule: '* * * * *' }, { duration: '8h' }] } } })).toEqual([]);
    expect(webhookRules({ spec: { data: [{ secretKey: 'a' }], target: null } })).toEqual([]);
  });

  test('only the find, only the extract, only a generator: each alone is fine', () => {
    for (const entry of [{ find: { path: 'p' } }, { extract: { key: 'k' } }, { sourceRef: { generatorRef: { kind: 'Password', name: 'pw' } } }]) {
      expect(webhookRules({ spec: { dataFrom: [entry] } })).toEqual([]);
    }
  });

  test('a service-account token with templateFrom into data or with no target is fine', () => {
    expect(webhookRules({ spec: { data: [{ secretKey: 'a' }], target: { template: { type: 'kubernetes.io/service-account-token', templateFrom: [{ target: 'Data' }, {}] } } } })).toEqual([]);
  });

  test('templateFrom targets: checked for a Secret manifest target, not for another kind or version', () => {
    const doc = (manifest: Doc) => ({ spec: { data: [{ secretKey: 'a' }], target: { manifest, template: { templateFrom: [{ target: 'spec.x' }] } } } });
    expect(webhookRules(doc({ apiVersion: 'v1', kind: 'Secret' }))).toEqual([['spec.target.template.templateFrom[0].target', '"spec.x" is not allowed when the target is a Secret: must be Data, Annotations or Labels']]);
    expect(webhookRules(doc({ apiVersion: 'v1', kind: 'ConfigMap' }))).toEqual([]);
    expect(webhookRules(doc({ apiVersion: 'example.com/v1', kind: 'Secret' }))).toEqual([]);
  });

  test('store names of entries, a window that parses', () => {
    expect(webhookRules({ spec: {
      data: [{ secretKey: 'a', sourceRef: { storeRef: { name: 'Bad' } } }],
      dataFrom: [{ extract: { key: 'k' }, sourceRef: { storeRef: { name: 'Worse' } } }],
      syncWindows: { kind: 'allow', windows: [{ schedule: '0 8 * * *', duration: '8h' }] },
    } }).map(([p]) => p)).toEqual(['spec.data[0].sourceRef.storeRef.name', 'spec.dataFrom[0].sourceRef.storeRef.name']);
  });

  test('stores and entries without a store, read from every place', () => {
    const doc = { spec: {
      secretStoreRef: { kind: 'ClusterSecretStore' },
      data: [{ secretKey: 'a', sourceRef: { storeRef: { name: 's1' } } }, null],
      dataFrom: [{ extract: { key: 'k' }, sourceRef: { storeRef: { kind: 'ClusterSecretStore', name: 's2' } } }, { extract: { key: 'k' } }, null],
    } };
    expect(storeRefs(doc)).toEqual([
      { path: 'spec.data[0].sourceRef.storeRef', kind: 'SecretStore', name: 's1' },
      { path: 'spec.dataFrom[0].sourceRef.storeRef', kind: 'ClusterSecretStore', name: 's2' },
    ]);
    expect(storeRefs(null)).toEqual([]);
    expect(entriesWithoutStore(doc)).toEqual([]);
    const bare = { spec: { data: [{ secretKey: 'a' }, { secretKey: 'b', sourceRef: { generatorRef: { name: 'g' } } }, null], dataFrom: [{ extract: { key: 'k' } }, { sourceRef: { generatorRef: { name: 'g' } } }] } };
    expect(entriesWithoutStore(bare)).toEqual(['spec.data[0]', 'spec.data[2]', 'spec.dataFrom[0]']);
    expect(entriesWithoutStore(null)).toEqual([]);
  });

  test('produced keys and target names of documents with holes', () => {
    expect(producedKeys(null)).toEqual(new Set());
    expect(producedKeys({ spec: { data: [null], target: { creationPolicy: 'CreateOrMerge' } } })).toBeUndefined();
    expect(producedKeys({ spec: { data: [{ secretKey: 'a' }], target: { creationPolicy: 'None' } } })).toBeUndefined();
    expect(producedKeys({ spec: { data: [null] } })).toEqual(new Set(['undefined']));
    expect(targetSecretName(null)).toBeUndefined();
    expect(targetSecretName({ metadata: { name: 'n' }, spec: { target: {} } })).toBe('n');
    expect(targetSecretName({ metadata: { name: 'n' } })).toBe('n');
    expect(targetSecretName({ metadata: { name: 'n' }, spec: {} })).toBe('n');
    expect(targetSecretName({})).toBeUndefined();
    expect(rendersSecret({})).toBe(true);
    expect(rendersSecret(null)).toBe(true);
    expect(silentFetchOnce(null)).toBe(false);
    expect(silentFetchOnce({ spec: { refreshInterval: '-1h' } })).toBe(true);
    expect(silentFetchOnce({ spec: { refreshInterval: '1s', refreshPolicy: 'Periodic' } })).toBe(false);
  });

  test('templates and literals: spaces, empty values, values around an action, dashes in property names', () => {
    expect(templateReads('{{range .}}{{ .x }}{{end}}').keys).toBeUndefined();
    expect(templateReads('{{ index  .  "a" }}{{ .b}}').keys).toEqual(['a', 'b']);
    expect(templateReads('no action .x').keys).toEqual([]);
    expect(templateLiteral('password', '   ')).toBeUndefined();
    expect(templateLiteral('f', 'password = hunter2')).toBe('"f" sets password to plain text, not a value of the store');
    expect(templateLiteral('f', 'tls.private-key=abc')).toBe('"f" sets tls.private-key to plain text, not a value of the store');
    expect(templateLiteral('f', 'password="\'"')).toBe('"f" sets password to plain text, not a value of the store');
    expect(templateLiteral('f', 'spring.datasource.password=\npassword: ""\npassword: \'\'\npassword=prefix-{{ .p }}')).toBeUndefined();
  });

  test('the gate\'s per-object checks: other groups and kinds, non-string templates, entries with holes', () => {
    expect(checkExternalSecret(manifest({ apiVersion: 'example.com/v1', kind: 'ExternalSecret', spec: {} }), true)).toEqual([]);
    expect(checkExternalSecret(manifest({ apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', spec: {} }), true)).toEqual([]);
    expect(checkExternalSecret(manifest(null as any), true)).toEqual([]);
    expect(object((d) => { d.spec.target.template.data = { n: 5, x: '{{ .password }}' }; d.spec.data.push(null); })).toEqual([]);
    expect(object((d) => { d.spec.target = {}; d.spec.target.template = undefined; })).toEqual([]);
    expect(object((d) => { d.spec.target.template.templateFrom = [null]; })).toEqual([]);
    expect(object((d) => { delete d.spec.target; })).toEqual([]);
  });

  test('across objects: nameless and unserved ExternalSecrets, pods with holes, init containers, the keys listed sorted', () => {
    const store = { declared: () => [{ kind: 'ClusterSecretStore' as const, name: 'vault' }, { kind: 'SecretStore' as const, name: 'team' }], clusterStores: new Set<string>() };
    const across = (...docs: Doc[]) => lines(checkSecretSources(index(...docs), store));
    const nameless = () => { const d = es(); delete d.metadata.name; delete d.spec.target.name; return d; };
    expect(across(nameless(), nameless())).toEqual([]);
    const old = es('db-old');
    old.apiVersion = 'external-secrets.io/v1beta1';
    old.spec.target.name = 'db';
    expect(across(es(), old)).toEqual([]);
    // A nameless ExternalSecret writes no Secret the gate can name (its schema problem says why).
    expect(across(nameless(), { apiVersion: 'v1', kind: 'Secret', metadata: { namespace: NS } })).toEqual([]);
    const two = es('db', { data: [{ secretKey: 'user', remoteRef: { key: 'u' } }, { secretKey: 'password', remoteRef: { key: 'p' } }] });
    const pod = deployment('web');
    pod.spec.template.spec.initContainers = [{ name: 'init', env: [{ name: 'PLAIN', value: 'x' }, { name: 'K', valueFrom: { secretKeyRef: { name: 'db', key: 'token' } } }, { name: 'NOKEY', valueFrom: { secretKeyRef: { name: 'db' } } }, null] }];
    pod.spec.template.spec.volumes = [null, { name: 'v', secret: { secretName: 'db', items: [null] } }, { name: 'p', projected: { sources: [null, { configMap: { name: 'c' } }, { secret: { name: 'db', items: [null] } }] } }];
    pod.spec.template.spec.containers.push(null);
    expect(across(two, pod)).toEqual([
      `${FILE} Deployment web spec.template.spec.initContainers[0].env[1].valueFrom.secretKeyRef.key: reads key "token" of Secret "db", which ${O} does not produce (it produces "password", "user"): the pod would not start (CreateContainerConfigError); add the key to the ExternalSecret or read one it produces`,
    ]);
    const empty = es('db', { data: [] });
    const reads = deployment('web');
    reads.spec.template.spec.containers[0].env = [{ name: 'K', valueFrom: { secretKeyRef: { name: 'db', key: 'k' } } }];
    expect(across(empty, reads)).toEqual([expect.stringContaining('does not produce (it produces no key)')]);
  });

  test('duplicates found by the metadata name; the declared stores listed; the kind hint only for spec.secretStoreRef', () => {
    const store = { declared: () => [{ kind: 'ClusterSecretStore' as const, name: 'vault' }, { kind: 'SecretStore' as const, name: 'team' }], clusterStores: new Set<string>() };
    const a = es('first');
    a.spec.target.name = 'db';
    const b = es('db');
    delete b.spec.target.name;
    b.spec.secretStoreRef = { name: 'team' };
    b.spec.data[0].sourceRef = { storeRef: { name: 'aws' } };
    expect(lines(checkSecretSources(index(a, b), store))).toEqual([
      `${O} metadata.name: Secret "db" is already written by ${FILE} ExternalSecret first: one ExternalSecret per Secret (the second fails with "target is owned by another ExternalSecret"); merge the two into one`,
      `${O} spec.data[0].sourceRef.storeRef: SecretStore "aws" is neither in the output nor declared as provided by the cluster (declared: ClusterSecretStore "vault", SecretStore "team"): declare it in the Environment's secretStores, or fix the name`,
    ]);
  });

  test('a second writer of one Secret found by its name, with or without a spec', () => {
    const first = es('first');
    first.spec.target.name = 'db';
    const message = `${O} metadata.name: Secret "db" is already written by ${FILE} ExternalSecret first: one ExternalSecret per Secret (the second fails with "target is owned by another ExternalSecret"); merge the two into one`;
    for (const spec of [undefined, {}]) {
      const second = { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'db', namespace: NS }, spec };
      expect(lines(checkSecretSources(index(first, second), { clusterStores: new Set() }))).toEqual([message]);
    }
  });

  test('ClusterSecretStores in the output count for the whole cluster; other groups\' do not', () => {
    const css = (apiVersion: string) => ({ apiVersion, kind: 'ClusterSecretStore', metadata: { name: 'vault' }, spec: {} });
    const folders = new Map([['dev', { server: 'https://kubernetes.default.svc', namespace: NS, secretStores: [] }]]);
    const run = (store: Doc) => lines(validateManifests([manifest(es()), manifest(store, 'stores/vault.yaml')], { folders, policy: false }))
      .filter((l) => l.includes('secretStoreRef'));
    expect(run(css('external-secrets.io/v1'))).toEqual([]);
    expect(run(css('example.com/v1'))).toEqual([expect.stringContaining('ClusterSecretStore "vault" is neither in the output')]);
    expect(clusterStoresOf([manifest(null as any), manifest({ kind: 'ClusterSecretStore', apiVersion: 'external-secrets.io/v1' })])).toEqual(new Set([undefined]));
  });
});
