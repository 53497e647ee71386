import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { snapshotTree } from '../support/platform';

/**
 * Bad secret declarations as a user meets them in `npm run synth` (bin/synth.js on an entry file):
 * one line at the user's line naming what to change, and dist/ left as it was.
 */
const ROOT = path.join(__dirname, '..', '..');
fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
const work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'secrets-bad-input-'));
const outdir = path.join(work, 'dist');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let n = 0;
function synth(lines: string[]) {
  const file = path.join(work, `entry-${++n}.ts`);
  fs.writeFileSync(file, lines.join('\n'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js'), file, '--outdir', outdir, '--quiet'], { cwd: ROOT, encoding: 'utf8' });
  return { ...r, file: path.relative(ROOT, file), lines };
}

const platform = (body: string[]) => [
  `import { Duration } from 'cdk8s';`,
  `import { Environment, JavaApp, PlatformApp, SecretRef, SecretRefresh, SecretStoreRef, StoreValue } from ${JSON.stringify(path.join(ROOT, 'lib'))};`,
  'const app = new PlatformApp();',
  "const env = new Environment(app, 'dev', { namespace: 'shop-dev', secretStores: { default: SecretStoreRef.cluster('vault') } });",
  "const password = SecretRef.envFromStore('SPRING_DATASOURCE_PASSWORD', 'orders-db', 'password', StoreValue.key('shop/dev/orders/db', { property: 'password' }));",
  ...body,
  'app.synth();',
];
const lineOf = (lines: string[], marker: string) => lines.findIndex((l) => l.includes(marker)) + 1;
const failed = `synth failed, ${path.relative(ROOT, outdir)}/ left unchanged`;

let before: Record<string, string>;
beforeAll(() => {
  const good = synth(platform(["new JavaApp(env, 'orders', { image: 'ghcr.io/acme/orders:1.0.0', secrets: [password] });"]));
  expect(good.stderr).toBe('');
  expect(good.status).toBe(0);
  before = snapshotTree(outdir);
  expect(before['dev/orders.yaml']).toContain('kind: ExternalSecret');
});
afterEach(() => expect(snapshotTree(outdir)).toEqual(before));

test.each<[string, string[], string, string]>([
  ['a key the app reads that its ExternalSecret does not produce',
    ["new JavaApp(env, 'orders', { image: 'ghcr.io/acme/orders:1.0.0', secrets: [password, SecretRef.env('DB_USER', 'orders-db', 'username')] }); // here"], '// here',
    `JavaApp "orders": secrets: DB_USER reads key "username" of Secret "orders-db", which the app's ExternalSecret does not produce (it produces "password"): declare it with SecretRef.envFromStore('DB_USER', 'orders-db', 'username', StoreValue.key('<remote key>')) or read a key it produces`],
  ['a store never declared',
    ["new JavaApp(env, 'orders', { image: 'ghcr.io/acme/orders:1.0.0', secrets: [password], secretStore: SecretStoreRef.cluster('aws') }); // here"], '// here',
    'JavaApp "orders": secrets: Secret "orders-db" reads ClusterSecretStore "aws", which Environment "dev" does not declare (declared: ClusterSecretStore "vault"): add it to the Environment\'s secretStores.others, or fix the name'],
  ['a refresh interval of zero without saying so',
    ["const refresh = SecretRefresh.every(Duration.seconds(0)); // here", "new JavaApp(env, 'orders', { image: 'ghcr.io/acme/orders:1.0.0', secrets: [password] });"], '// here',
    'SecretRefresh.every: the interval must be a positive whole number of milliseconds, got 0ms: an interval of zero fetches once and never again, not even after a change in Git; say SecretRefresh.createdOnce() if that is meant'],
  ['two declarations of one Secret',
    ["new JavaApp(env, 'orders', { image: 'ghcr.io/acme/orders:1.0.0', secrets: [password] });", "new JavaApp(env, 'billing', { image: 'ghcr.io/acme/billing:1.0.0', secrets: [password] }); // here"], '// here',
    'JavaApp "billing": Secret "orders-db" is already filled from a store by JavaApp "orders" in Environment "dev": one ExternalSecret per Secret; read it with SecretRef.env() or SecretRef.files() here instead'],
])('%s: one line at the user\'s line, dist/ unchanged', (_case, body, marker, message) => {
  const r = synth(platform(body));
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.startsWith(`${failed}: ${r.file}:${lineOf(r.lines, marker)}:`)).toBe(true);
  expect(r.stderr).toContain(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
});
