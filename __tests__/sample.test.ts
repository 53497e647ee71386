import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { Manifest, Releases, validateManifests } from '../lib';
import { isNamespaced, validateSchema } from '../lib/validate/schema';
import { snapshotTree, tempDir } from './support/platform';

const ROOT = path.join(__dirname, '..');

/** Runs the sample main.ts the way `npm run synth` does, into `outdir`. */
function synthSample(outdir: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth.js')], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: outdir }, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

function manifestsOf(tree: Record<string, string>): Manifest[] {
  return Object.entries(tree)
    .filter(([file]) => file.endsWith('.yaml'))
    .flatMap(([file, content]) => YAML.parseAllDocuments(content).map((d) => ({ file, doc: d.toJSON() })));
}

describe('the sample platform (main.ts)', () => {
  const outdir = tempDir();
  let run: ReturnType<typeof synthSample>;
  let tree: Record<string, string>;
  let manifests: Manifest[];
  // In a hook, not while the suite loads: a synth that fails fails the tests.
  beforeAll(() => {
    run = synthSample(outdir);
    tree = snapshotTree(outdir);
    manifests = manifestsOf(tree);
  });

  test('synthesizes one folder per environment, one file per app', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const env of ['dev', 'prod']) {
      expect(Object.keys(tree)).toEqual(expect.arrayContaining([`${env}/orders.yaml`, `${env}/catalog.yaml`, `${env}/Kustomization`]));
    }
  });

  test('every object passes the vendored schemas, with unknown fields rejected', () => {
    expect(manifests.length).toBeGreaterThan(20);
    const problems = manifests.flatMap((m) => validateSchema(m.doc, `${m.file} ${m.doc.kind} ${m.doc.metadata?.name}`));
    expect(problems).toEqual([]);
  });

  test('the whole output passes the validation gate as read back from YAML', () => {
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('every namespaced object has an explicit namespace; names carry no hash suffix', () => {
    for (const m of manifests) {
      if (isNamespaced(m.doc.apiVersion, m.doc.kind)) expect(m.doc.metadata.namespace).toMatch(/^\S+$/);
      expect(m.doc.metadata.name).not.toMatch(/-c8[0-9a-f]{6}$/);
    }
  });

  test('environments differ in replicas, resources and hosts', () => {
    const get = (env: string, kind: string, name: string) => manifests.find((m) => m.file.startsWith(`${env}/`) && m.doc.kind === kind && m.doc.metadata.name === name)!.doc;
    expect(get('dev', 'HorizontalPodAutoscaler', 'orders').spec.maxReplicas).not.toBe(get('prod', 'HorizontalPodAutoscaler', 'orders').spec.maxReplicas);
    const mem = (env: string) => get(env, 'Deployment', 'catalog').spec.template.spec.containers[0].resources.limits.memory;
    expect(mem('dev')).not.toBe(mem('prod'));
    expect(get('dev', 'HTTPRoute', 'orders').spec.hostnames[0]).not.toBe(get('prod', 'Ingress', 'orders').spec.rules[0].host);
  });

  test('both traffic paths are built: dev through the Gateway API, prod through Ingress', () => {
    const kinds = (env: string) => new Set(manifests.filter((m) => m.file.startsWith(`${env}/`)).map((m) => m.doc.kind));
    expect([kinds('dev').has('HTTPRoute'), kinds('dev').has('Ingress')]).toEqual([true, false]);
    expect([kinds('prod').has('HTTPRoute'), kinds('prod').has('Ingress')]).toEqual([false, true]);
    const rollout = (env: string) => manifests.find((m) => m.file === `${env}/catalog.yaml` && m.doc.kind === 'Rollout')!.doc.spec.strategy.canary.trafficRouting;
    expect(Object.keys(rollout('dev'))).toEqual(['plugins']);
    expect(Object.keys(rollout('prod'))).toEqual(['nginx']);
  });

  test('exercises every JavaApp feature in both environments', () => {
    for (const env of ['dev', 'prod']) {
      const kinds = new Set(manifests.filter((m) => m.file.startsWith(`${env}/`)).map((m) => m.doc.kind));
      for (const kind of ['ConfigMap', 'PersistentVolumeClaim', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceAccount', 'Rollout']) {
        expect([env, kinds.has(kind)]).toEqual([env, true]);
      }
      expect([env, kinds.has('Ingress') || kinds.has('HTTPRoute')]).toEqual([env, true]);
      const pods = manifests.filter((m) => m.file.startsWith(`${env}/`) && m.doc.kind === 'Deployment').map((m) => m.doc.spec.template.spec);
      expect(pods.some((p) => p.containers[0].env.some((e: any) => e.valueFrom?.secretKeyRef))).toBe(true);
      expect(pods.some((p) => p.volumes.some((v: any) => v.secret))).toBe(true);
    }
  });

  test('no plaintext secret and no rollouts-pod-template-hash anywhere in dist/', () => {
    const all = Object.values(tree).join('\n');
    // The only Secret is the pipeline executor's token, which Kubernetes fills in: no value in Git.
    const secrets = manifests.filter((m) => m.doc.kind === 'Secret');
    expect(secrets.map((m) => [m.doc.type, m.doc.data, m.doc.stringData])).toEqual([['kubernetes.io/service-account-token', undefined, undefined]]);
    expect(all).not.toContain('rollouts-pod-template-hash');
  });

  test('deterministic: a second synth is byte-identical', () => {
    const again = tempDir();
    expect(synthSample(again).status).toBe(0);
    expect(snapshotTree(again)).toEqual(tree);
  });

  test('the committed dist/ is what main.ts synthesizes (npm run check)', () => {
    expect(snapshotTree(path.join(ROOT, 'dist'))).toEqual(tree);
  });

  test('the cdk8s CLI (as CI runs it) produces the same dist/', () => {
    const cliOut = tempDir();
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', cliOut], { cwd: ROOT, stdio: 'pipe' });
    expect(snapshotTree(cliOut)).toEqual(tree);
  });
});

describe('npm run check', () => {
  test('fails when the committed dist/ differs from a fresh synth, and names the file', () => {
    // GIVEN a copy of the project whose dist/ has drifted
    const copy = tempDir();
    for (const entry of ['bin', 'lib', 'imports', 'schemas', 'releases', 'main.ts', 'dist', 'package.json']) {
      fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    const check = () => spawnSync(process.execPath, [path.join(copy, 'bin', 'check.js')], { cwd: copy, encoding: 'utf8' });
    expect(check().status).toBe(0);
    fs.appendFileSync(path.join(copy, 'dist', 'dev', 'orders.yaml'), '# edited by hand\n');
    fs.writeFileSync(path.join(copy, 'dist', 'dev', 'stale.yaml'), 'kind: ConfigMap\n');
    // WHEN the drift gate runs THEN it fails and names both files
    const r = check();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('differs: dev/orders.yaml');
    expect(r.stderr).toContain('in dist/ but no longer synthesized: dev/stale.yaml');
  });

  test('a bad releases file fails synth with a clear message and leaves dist/ alone', () => {
    const copy = tempDir();
    for (const entry of ['bin', 'lib', 'imports', 'schemas', 'releases', 'main.ts', 'dist']) {
      fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    const before = snapshotTree(path.join(copy, 'dist'));
    fs.writeFileSync(path.join(copy, 'releases', 'prod.json'), '{\n  "catalog": "ghcr.io/acme-shop/catalog:latest",\n  "orders": "ghcr.io/acme-shop/orders:1.4.1"\n}\n');
    const r = spawnSync(process.execPath, [path.join(copy, 'bin', 'synth.js')], { cwd: copy, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Releases "prod": releases/prod.json "catalog": "ghcr.io/acme-shop/catalog:latest" uses the tag latest');
    expect(snapshotTree(path.join(copy, 'dist'))).toEqual(before);
  });
});

describe('Releases', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'dev.json'), '{\n  "orders": "ghcr.io/acme-shop/orders:1.4.2",\n  "payments": "ghcr.io/acme-shop/payments:0.1.0"\n}\n');

  test('gives each app its pinned image and names apps nobody asked for', () => {
    const releases = Releases.load('dev', dir);
    expect(releases.image('orders')).toBe('ghcr.io/acme-shop/orders:1.4.2');
    expect(() => releases.assertAllUsed()).toThrow(`Releases "dev": ${path.join(dir, 'dev.json')} lists apps that are not declared: payments; remove them or declare the apps`);
    releases.image('payments');
    expect(() => releases.assertAllUsed()).not.toThrow();
  });

  test('refuses a missing app, a missing file and a file that is not an object', () => {
    expect(() => Releases.load('dev', dir).image('catalog')).toThrow(`has no image for app "catalog": add "catalog": "<registry>/<repository>:<tag>"`);
    expect(() => Releases.load('staging', dir)).toThrow(`Releases "staging": cannot read ${path.join(dir, 'staging.json')}`);
    fs.writeFileSync(path.join(dir, 'qa.json'), '["orders"]\n');
    expect(() => Releases.load('qa', dir)).toThrow('must be a JSON object of app name to image');
  });
});
