import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Duration, JsonPatch } from 'cdk8s';
import {
  ConfigError, DeployStrategy, Environment, EnvironmentProps, JavaApp, JavaAppProps, PlatformApp, PropError, SecretRef, SecretRefresh,
  SecretStoreRef, SecretTemplate, StoreSecret, StoreValue, stringifyManifest,
} from '../../lib';
import { validateSchema } from '../../lib/validate/schema';
import { renderTemplates } from '../support/eso-template';
import { find, one, problemsOf, tempDir } from '../support/platform';
import { hasKustomize, kustomize, readWithGo } from '../support/yaml-readers';

const IMAGE = 'ghcr.io/acme-shop/orders:1.4.2';
const VAULT = SecretStoreRef.cluster('vault');

/** GIVEN an environment `dev` with `envProps` and the app `orders` with `props`; its manifests. */
function build(props: Partial<JavaAppProps>, envProps: EnvironmentProps = { secretStores: { default: VAULT } }) {
  const app = new PlatformApp({ outdir: tempDir() });
  const env = new Environment(app, 'dev', { namespace: 'shop-dev', ...envProps });
  new JavaApp(env, 'orders', { image: IMAGE, ...props });
  return { app, env, manifests: () => app.manifests() };
}

const password = SecretRef.envFromStore('SPRING_DATASOURCE_PASSWORD', 'orders-db', 'password', StoreValue.key('shop/dev/orders/db', { property: 'password' }));
const LABELS = { 'app.kubernetes.io/instance': 'orders', 'app.kubernetes.io/managed-by': 'cdk8s', 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/part-of': 'platform' };

describe('a Secret filled from the environment\'s default store', () => {
  const { manifests } = build({ secrets: [password] });
  const all = manifests();

  test('one ExternalSecret named after the Secret, every default written out, in wave 1', () => {
    expect(one(all, 'ExternalSecret', 'orders-db')).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'orders-db', namespace: 'shop-dev', labels: LABELS, annotations: { 'argocd.argoproj.io/sync-wave': '1' } },
      spec: {
        refreshPolicy: 'Periodic',
        refreshInterval: '1h0m0s',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
        target: {
          name: 'orders-db',
          creationPolicy: 'Owner',
          deletionPolicy: 'Retain',
          template: { engineVersion: 'v2', mergePolicy: 'Replace', type: 'Opaque', metadata: { labels: LABELS } },
        },
        data: [{ secretKey: 'password', remoteRef: { key: 'shop/dev/orders/db', property: 'password' } }],
      },
    });
  });

  test('the workload reads it, in a later wave, with a checksum of the ExternalSecret in its pod template', () => {
    const deployment = one(all, 'Deployment', 'orders');
    expect(Number(deployment.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(1);
    const env = deployment.spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'SPRING_DATASOURCE_PASSWORD')).toEqual({ name: 'SPRING_DATASOURCE_PASSWORD', valueFrom: { secretKeyRef: { name: 'orders-db', key: 'password' } } });
    expect(deployment.spec.template.metadata.annotations['checksum/secrets']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('it passes the vendored CRD schema, and reads back unchanged through sigs.k8s.io/yaml', () => {
    const es = one(all, 'ExternalSecret', 'orders-db');
    expect(validateSchema(es, 'orders-db')).toEqual([]);
    expect(readWithGo(stringifyManifest(es))).toEqual([es]);
  });
});

describe('templates: values built from several keys of the store', () => {
  const db = (property: string) => StoreValue.key('shop/dev/orders/db', { property });
  const files = SecretRef.filesFromStore('orders-secrets', '/etc/secrets/orders', {
    'jdbc-url': StoreValue.template(SecretTemplate.jdbcUrl('jdbc:postgresql://orders-db:5432/orders', { user: 'username', password: 'password' }), { username: db('username'), password: db('password') }),
    'application-secrets.properties': StoreValue.template(
      SecretTemplate.properties({ 'spring.datasource.username': 'username', 'spring.datasource.password': 'password', 'orders.api-key': 'api-key' }),
      { username: db('username'), password: db('password'), 'api-key': StoreValue.key('shop/dev/orders/api', { version: '3' }) },
    ),
    password: db('password'),
  });
  const { manifests } = build({ secrets: [files] });
  const es = one(manifests(), 'ExternalSecret', 'orders-secrets');

  test('each input fetched once, sorted; every key of the Secret templated, so Replace keeps exactly them', () => {
    expect(es.spec.data).toEqual([
      { secretKey: 'api-key', remoteRef: { key: 'shop/dev/orders/api', version: '3' } },
      { secretKey: 'password', remoteRef: { key: 'shop/dev/orders/db', property: 'password' } },
      { secretKey: 'username', remoteRef: { key: 'shop/dev/orders/db', property: 'username' } },
    ]);
    expect(Object.keys(es.spec.target.template.data)).toEqual(['application-secrets.properties', 'jdbc-url', 'password']);
    expect(es.spec.target.template.mergePolicy).toBe('Replace');
  });

  test('Go\'s text/template renders them as ESO would (missingkey=error): URL-encoded credentials, the properties file, the plain key', () => {
    const rendered = renderTemplates(es.spec.target.template.data, { username: 'orders', password: 'p&ss wörd/=%', 'api-key': 'k-123' });
    expect(rendered).toEqual({
      'jdbc-url': 'jdbc:postgresql://orders-db:5432/orders?user=orders&password=p%26ss+w%C3%B6rd%2F%3D%25',
      'application-secrets.properties': 'spring.datasource.username=orders\nspring.datasource.password=p&ss wörd/=%\norders.api-key=k-123\n',
      password: 'p&ss wörd/=%',
    });
    expect(renderTemplates({ x: '{{ .pasword }}' }, { password: 'p' })).toEqual({ error: expect.stringContaining('map has no entry for key "pasword"') });
    expect(renderTemplates({ x: '{{ .db-password }}' }, {})).toEqual({ error: expect.stringContaining('bad character') });
  });

  test('the object passes the gate and its schema, and reads back unchanged through sigs.k8s.io/yaml and kubectl kustomize', () => {
    expect(validateSchema(es, 'orders-secrets')).toEqual([]);
    const text = stringifyManifest(es);
    expect(readWithGo(text)).toEqual([es]);
    if (!hasKustomize()) return;
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'es.yaml'), text);
    fs.writeFileSync(path.join(dir, 'Kustomization'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- es.yaml\n');
    expect(readWithGo(kustomize(dir))).toEqual([es]);
  });

  test('the factories refuse what ESO would fail on, in their own words', () => {
    expect(() => StoreValue.template(SecretTemplate.text('{{ .user }}:{{ .pasword }}'), { user: db('u'), password: db('p') }))
      .toThrow(new ConfigError('StoreValue.template: the template reads "pasword", which is not among its inputs (user, password): the operator would fail it (missingkey=error)'));
    expect(() => SecretTemplate.text('{{ .db-password }}')).toThrow('SecretTemplate.text: .db-password: Go templates cannot read a name with \'-\' as a field: write {{ index . "db-password" }}');
    expect(() => SecretTemplate.text('password=hunter2')).toThrow('SecretTemplate.text: "template" sets password to plain text, not a value of the store: read every secret from the store with {{ .name }}');
    expect(() => SecretTemplate.jdbcUrl('jdbc:postgresql://orders:hunter2@db/orders', { password: 'password' })).toThrow('SecretTemplate.jdbcUrl: url holds a password in a URL (user:password@): name the store\'s inputs in credentials instead');
    expect(() => SecretTemplate.jdbcUrl('postgres://db/orders', { password: 'password' })).toThrow('SecretTemplate.jdbcUrl: url must be a JDBC URL such as jdbc:postgresql://orders-db:5432/orders, got "postgres://db/orders"');
    expect(() => SecretTemplate.jdbcUrl('jdbc:postgresql://db/orders', {})).toThrow('SecretTemplate.jdbcUrl: name the input of the user, the password or both');
    expect(() => SecretTemplate.properties({ 'a b': 'x' })).toThrow('SecretTemplate.properties: property "a b" must be letters, digits, \'.\', \'-\' or \'_\'');
    expect(() => StoreValue.template(SecretTemplate.text('{{ .a }}'), { a: StoreValue.template(SecretTemplate.text('x'), {}) })).toThrow('StoreValue.template: input "a" must be a StoreValue.key()');
    expect(() => StoreValue.key(' ')).toThrow('StoreValue.key: the remote key must be a non-empty string');
    expect(() => StoreValue.key('k', { property: '' })).toThrow('StoreValue.key: property must not be empty');
    expect(() => StoreValue.key('k', { propery: 'x' } as any)).toThrow(/StoreValue\.key: unknown prop `propery`: did you mean `property`\?/);
    expect(SecretTemplate.jdbcUrl('jdbc:mysql://db/orders?useSSL=true', { user: 'u' }).text).toBe('jdbc:mysql://db/orders?useSSL=true&user={{ index . "u" | urlquery }}');
  });

  test('a template input and a key of one name must be one value of the store', () => {
    const clash = SecretRef.filesFromStore('orders-secrets', '/etc/secrets/orders', {
      url: StoreValue.template(SecretTemplate.text('{{ .password }}'), { password: db('password') }),
      password: db('other'),
    });
    expect(() => build({ secrets: [clash] })).toThrow(new PropError('StoreSecret', 'orders-secrets', '"password" (a key of the Secret) is fetched from "shop/dev/orders/db" property "other" and from "shop/dev/orders/db" property "password" (an input of the template of "url"): give one of them another name'));
  });
});

describe('stores: the environment\'s default, the app\'s, the Secret\'s; each declared', () => {
  const AWS = SecretStoreRef.cluster('aws');
  const declared = { secretStores: { default: VAULT, others: [AWS, SecretStoreRef.namespaced('team')] } };
  const storeOf = (props: Partial<JavaAppProps>, envProps: EnvironmentProps = declared) => one(build(props, envProps).manifests(), 'ExternalSecret', 'orders-db').spec.secretStoreRef;

  test('the app\'s store overrides the default; the Secret\'s overrides both', () => {
    expect(storeOf({ secrets: [password] })).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
    expect(storeOf({ secrets: [password], secretStore: AWS })).toEqual({ kind: 'ClusterSecretStore', name: 'aws' });
    const own = SecretRef.envFromStore('DB_PASSWORD', 'orders-db', 'password', StoreValue.key('k'), { store: SecretStoreRef.namespaced('team') });
    expect(storeOf({ secrets: [own], secretStore: AWS })).toEqual({ kind: 'SecretStore', name: 'team' });
  });

  test('a store the environment does not declare is refused at the app, naming the declared ones', () => {
    expect(() => build({ secrets: [password], secretStore: SecretStoreRef.cluster('valut') }, declared))
      .toThrow(new PropError('JavaApp', 'orders', 'secrets: Secret "orders-db" reads ClusterSecretStore "valut", which Environment "dev" does not declare (declared: ClusterSecretStore "vault", ClusterSecretStore "aws", SecretStore "team"): add it to the Environment\'s secretStores.others, or fix the name'));
    expect(() => build({ secrets: [password] }, {}))
      .toThrow(new PropError('JavaApp', 'orders', 'secrets: Secret "orders-db" names no secret store and Environment "dev" has no default: set secretStores: { default: SecretStoreRef.cluster(\'<name>\') } on the Environment, or name the store'));
  });

  test('outside an environment the app names its store', () => {
    const chart = new Chart(new App({ outdir: tempDir() }), 'c', { namespace: 'shop' });
    expect(() => new JavaApp(chart, 'orders', { image: IMAGE, secrets: [password] })).toThrow('JavaApp "orders": secrets: Secret "orders-db" names no secret store: put the app in an Environment with secretStores: { default: ... }, or set secretStore');
    new JavaApp(chart, 'billing', { image: IMAGE, secrets: [password], secretStore: VAULT });
    expect(chart.node.findAll().filter((c) => c instanceof ApiObject && c.kind === 'ExternalSecret')).toHaveLength(1);
  });

  test('the gate refuses a store an escape hatch names that the environment does not declare', () => {
    const { app } = build({ secrets: [password] });
    const es = app.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === 'ExternalSecret')!;
    es.addJsonPatch(JsonPatch.replace('/spec/secretStoreRef/name', 'aws'));
    expect(problemsOf(app)).toEqual(['dev/orders.yaml ExternalSecret orders-db spec.secretStoreRef: ClusterSecretStore "aws" is neither in the output nor declared as provided by the cluster (declared: ClusterSecretStore "vault"): declare it in the Environment\'s secretStores, or fix the name']);
  });

  test('SecretStoreRef names must be DNS subdomains', () => {
    expect(() => SecretStoreRef.cluster('Vault')).toThrow(/SecretStoreRef "Vault": ClusterSecretStore name must be a DNS-1123 subdomain/);
    expect(() => new Environment(new PlatformApp({ outdir: tempDir() }), 'dev', { secretStores: { default: 'vault' as any } })).toThrow('Environment "dev": secretStores.default: expected a SecretStoreRef, got the string "vault"');
  });
});

describe('one declaration per Secret, and the keys the app reads', () => {
  test('two SecretRefs of one Secret give one ExternalSecret with both keys', () => {
    const user = SecretRef.envFromStore('SPRING_DATASOURCE_USERNAME', 'orders-db', 'username', StoreValue.key('shop/dev/orders/db', { property: 'username' }));
    const es = one(build({ secrets: [password, user] }).manifests(), 'ExternalSecret', 'orders-db');
    expect(es.spec.data.map((d: any) => d.secretKey)).toEqual(['password', 'username']);
  });

  test('a key declared twice with different values, or different stores for one Secret, is refused', () => {
    const other = SecretRef.envFromStore('DB_PASSWORD', 'orders-db', 'password', StoreValue.key('shop/dev/other'));
    expect(() => build({ secrets: [password, other] })).toThrow('JavaApp "orders": secrets: key "password" of Secret "orders-db" is declared twice from a store, with different values: declare it once');
    const here = SecretRef.envFromStore('DB_PASSWORD', 'orders-db', 'password', StoreValue.key('p'), { store: VAULT });
    const elsewhere = SecretRef.envFromStore('DB_USER', 'orders-db', 'user', StoreValue.key('u'), { store: SecretStoreRef.cluster('aws') });
    expect(() => build({ secrets: [here, elsewhere] }, { secretStores: { default: VAULT, others: [SecretStoreRef.cluster('aws')] } })).toThrow('JavaApp "orders": secrets: Secret "orders-db" is declared with two different store options: give them once, the same for every SecretRef of the Secret');
  });

  test('two apps of an environment filling one Secret from the store are refused; the second may read it', () => {
    const app = new PlatformApp({ outdir: tempDir() });
    const env = new Environment(app, 'dev', { secretStores: { default: VAULT } });
    new JavaApp(env, 'orders', { image: IMAGE, secrets: [password] });
    expect(() => new JavaApp(env, 'billing', { image: IMAGE, secrets: [password] }))
      .toThrow(new ConfigError('JavaApp "billing": Secret "orders-db" is already filled from a store by JavaApp "orders" in Environment "dev": one ExternalSecret per Secret; read it with SecretRef.env() or SecretRef.files() here instead'));
    new JavaApp(env, 'reports', { image: IMAGE, secrets: [SecretRef.env('DB_PASSWORD', 'orders-db', 'password')] });
    expect(find(app.manifests(), 'ExternalSecret')).toHaveLength(1);
  });

  test('the app reading a key of its Secret that the store does not fill is refused at the app; the gate refuses it across apps', () => {
    const reads = SecretRef.env('DB_USER', 'orders-db', 'username');
    expect(() => build({ secrets: [password, reads] })).toThrow(`JavaApp "orders": secrets: DB_USER reads key "username" of Secret "orders-db", which the app's ExternalSecret does not produce (it produces "password"): declare it with SecretRef.envFromStore('DB_USER', 'orders-db', 'username', StoreValue.key('<remote key>')) or read a key it produces`);
    const app = new PlatformApp({ outdir: tempDir() });
    const env = new Environment(app, 'dev', { secretStores: { default: VAULT } });
    new JavaApp(env, 'orders', { image: IMAGE, secrets: [password] });
    new JavaApp(env, 'reports', { image: IMAGE, secrets: [reads] });
    expect(problemsOf(app)).toEqual([expect.stringMatching(/^dev\/reports\.yaml Deployment reports spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.valueFrom\.secretKeyRef\.key: reads key "username" of Secret "orders-db", which dev\/orders\.yaml ExternalSecret orders-db does not produce \(it produces "password"\)/)]);
  });

  test('filesFromStore needs a key; keys are Secret keys', () => {
    expect(() => build({ secrets: [SecretRef.filesFromStore('s', '/etc/s', {})] })).toThrow('JavaApp "orders": secrets: Secret "s" from a store needs at least one key');
    expect(() => build({ secrets: [SecretRef.filesFromStore('s', '/etc/s', { 'a/b': StoreValue.key('k') })] })).toThrow('JavaApp "orders": secrets: key "a/b" of Secret "s" must consist of letters');
  });
});

describe('refresh and rotation', () => {
  const refreshed = (refresh: SecretRefresh) => one(build({ secrets: [SecretRef.envFromStore('P', 'orders-db', 'password', StoreValue.key('k'), { refresh })] }).manifests(), 'ExternalSecret', 'orders-db').spec;

  test('every interval in the operator\'s form; onChange and createdOnce said explicitly', () => {
    expect(refreshed(SecretRefresh.every(Duration.minutes(30)))).toMatchObject({ refreshPolicy: 'Periodic', refreshInterval: '30m0s' });
    expect(refreshed(SecretRefresh.every(Duration.seconds(90)))).toMatchObject({ refreshPolicy: 'Periodic', refreshInterval: '1m30s' });
    expect(refreshed(SecretRefresh.onChange())).toMatchObject({ refreshPolicy: 'OnChange', refreshInterval: '0s' });
    expect(refreshed(SecretRefresh.createdOnce())).toMatchObject({ refreshPolicy: 'CreatedOnce', refreshInterval: '0s' });
  });

  test('an interval of zero is refused unless said with createdOnce()', () => {
    expect(() => SecretRefresh.every(Duration.seconds(0))).toThrow('SecretRefresh.every: the interval must be a positive whole number of milliseconds, got 0ms: an interval of zero fetches once and never again, not even after a change in Git; say SecretRefresh.createdOnce() if that is meant');
  });

  test('the pods roll when the ExternalSecret changes in Git (a pinned version bumped), not otherwise', () => {
    const checksum = (version: string, replicas = 2) => one(build({
      replicas, secrets: [SecretRef.envFromStore('P', 'orders-db', 'password', StoreValue.key('k', { version }))],
    }).manifests(), 'Deployment', 'orders').spec.template.metadata.annotations['checksum/secrets'];
    expect(checksum('1')).toBe(checksum('1', 3));
    expect(checksum('2')).not.toBe(checksum('1'));
    expect(one(build({ secrets: [SecretRef.env('P', 'hand-made', 'password')] }).manifests(), 'Deployment', 'orders').spec.template.metadata.annotations).toBeUndefined();
  });

  test('a blue-green app: the ExternalSecret is in wave 1, before the Deployment and Rollout', () => {
    const all = build({ secrets: [password], strategy: DeployStrategy.blueGreen() }).manifests();
    const wave = (kind: string) => Number(one(all, kind).metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('ExternalSecret')).toBeLessThan(wave('Deployment'));
    expect(wave('ExternalSecret')).toBeLessThan(wave('Rollout'));
  });
});

test('StoreSecret on its own: its props checked', () => {
  const chart = new Chart(new App({ outdir: tempDir() }), 'c');
  expect(() => new StoreSecret(chart, 'x', { name: 'x', namespace: 'ns', labels: {}, store: VAULT, keys: { a: 'literal' as any } }))
    .toThrow('StoreSecret "x": keys["a"]: expected a StoreValue');
});
