import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { AccessMode, ArgoCdBootstrap, ArgoCdCluster, DeployStrategy, Environment, IN_CLUSTER, JavaApp, PipelineTemplate, PlatformApp, SyncPolicy } from '../lib';
import { PropError } from '../lib/props/checks';
import { lintWorkflowTemplates } from '../lib/validate/workflow-lint';
import { gitopsSandbox, GitopsSandbox, NODE_MODULES, ROOT, script } from './support/gitops-remote';
import { tempDir } from './support/platform';

/**
 * Promotion from one environment to the next, and the pipeline across clusters: the real scripts
 * against a bare remote holding this project, and against a loopback server that plays Argo CD's API.
 */

// Each test runs git, npm and node processes for a few seconds: no time limit of jest's own.
jest.setTimeout(30 * 60 * 1000);

let box: GitopsSandbox;
beforeAll(() => { box = gitopsSandbox('promotion-'); });
afterAll(() => box.cleanup());

const releasesOf = (r: { show(rev: string, f: string): string }, env: string, rev = 'main') => JSON.parse(r.show(rev, `releases/${env}.json`));
const imagesIn = (yaml: string) => [...yaml.matchAll(/^\s+image: (\S+)$/gm)].map((m) => m[1]);

function promote(bare: string, args: string[], extra: Record<string, string> = {}) {
  return box.run('sh', [script('promote-release.sh'), ...args], {
    env: box.baseEnv({ GITOPS_REPO: bare, NODE_MODULES_DIR: NODE_MODULES, PUSH_RETRY_DELAY: '0', ...extra }),
  });
}

describe('promote-release.sh: an image from one environment to the next, through Git', () => {
  test('orders dev -> prod: ONE commit with releases/prod.json and dist/prod/ only, prod runs dev\'s image, npm run check passes', () => {
    // GIVEN dev and prod running different images of orders
    const r = box.remote();
    const before = r.head();
    const image = releasesOf(r, 'dev').orders;
    expect(releasesOf(r, 'prod').orders).not.toBe(image);
    // WHEN orders is promoted from dev to prod
    const p = promote(r.bare, ['orders', 'dev', 'prod']);
    // THEN one commit on top, whose diff is exactly the release line of prod and dist/prod/
    expect([p.status, p.stderr]).toEqual([0, '']);
    expect(p.stdout).toContain(`orders runs ${image} in dev; promoting it to prod`);
    const after = r.head();
    expect(box.git(['--git-dir', r.bare, 'rev-parse', `${after}~1`]).trim()).toBe(before);
    const changed = r.changed(before, after);
    expect(changed).toContain('releases/prod.json');
    expect(changed).toContain('dist/prod/orders.yaml');
    expect(changed.filter((f) => f !== 'releases/prod.json' && !f.startsWith('dist/prod/'))).toEqual([]);
    expect(box.git(['--git-dir', r.bare, 'diff', '--numstat', before, after, '--', 'releases/prod.json'])).toBe('1\t1\treleases/prod.json\n');
    expect(releasesOf(r, 'prod')).toEqual({ ...releasesOf(r, 'prod', before), orders: image });
    expect(releasesOf(r, 'dev')).toEqual(releasesOf(r, 'dev', before));
    expect(imagesIn(r.show(after, 'dist/prod/orders.yaml'))).toContain(image);
    expect(imagesIn(r.show(after, 'dist/prod/orders.yaml'))).not.toContain(releasesOf(r, 'prod', before).orders);
    // AND the pushed head passes the project's own drift gate
    const c = box.check(r.bare);
    expect([c.status, c.stderr]).toEqual([0, '']);
    // AND promoting again is a no-op success
    const again = promote(r.bare, ['orders', 'dev', 'prod']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('nothing to push');
    expect(r.head()).toBe(after);
  });

  test('reads the source at the remote head, with EXPECTED_IMAGE as a gate, and SOURCE_IMAGE_ONLY for the workflow', () => {
    // GIVEN dev moved to catalog 2.9.0 (deployed the rendered way) after it was checked
    const r = box.remote();
    const deployed = box.run('sh', [script('update-image.sh'), 'catalog', 'dev', 'ghcr.io/acme-shop/catalog:2.9.0'], {
      env: box.baseEnv({ GITOPS_REPO: r.bare, NODE_MODULES_DIR: NODE_MODULES }),
    });
    expect([deployed.status, deployed.stderr]).toEqual([0, '']);
    const head = r.head();
    // WHEN the workflow resolves the promotion THEN it reads the head and the target's sync policy
    const out = box.tmpDir('out');
    const only = promote(r.bare, ['catalog', 'dev', 'prod'], {
      SOURCE_IMAGE_ONLY: 'yes', IMAGE_FILE: path.join(out, 'image'), SYNC_FILE: path.join(out, 'sync'), SYNC_POLICIES: 'dev=automated prod=manual',
    });
    expect([only.status, only.stdout, only.stderr]).toEqual([0, 'ghcr.io/acme-shop/catalog:2.9.0\n', '']);
    expect(fs.readFileSync(path.join(out, 'sync'), 'utf8')).toBe('manual\n');
    expect(fs.readFileSync(path.join(out, 'image'), 'utf8')).toBe('ghcr.io/acme-shop/catalog:2.9.0\n');
    const toDev = promote(r.bare, ['catalog', 'prod', 'dev'], { SOURCE_IMAGE_ONLY: 'yes', SYNC_FILE: path.join(out, 'sync2'), SYNC_POLICIES: 'dev=automated prod=manual' });
    expect(toDev.status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'sync2'), 'utf8')).toBe('automated\n');
    const unlisted = promote(r.bare, ['catalog', 'prod', 'dev'], { SOURCE_IMAGE_ONLY: 'yes', SYNC_FILE: path.join(out, 'sync3') });
    expect(unlisted.status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'sync3'), 'utf8')).toBe('unknown\n');
    expect(r.head()).toBe(head);
    // AND a promotion whose checked image is no longer the source's is refused (3), pushing nothing
    const moved = promote(r.bare, ['catalog', 'dev', 'prod'], { EXPECTED_IMAGE: 'ghcr.io/acme-shop/catalog:2.3.1' });
    expect(moved.status).toBe(3);
    expect(moved.stderr).toContain('dev now names ghcr.io/acme-shop/catalog:2.9.0 for catalog, not the checked ghcr.io/acme-shop/catalog:2.3.1');
    expect(r.head()).toBe(head);
    // AND the matching one is accepted
    const ok = promote(r.bare, ['catalog', 'dev', 'prod'], { EXPECTED_IMAGE: 'ghcr.io/acme-shop/catalog:2.9.0' });
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    expect(releasesOf(r, 'prod').catalog).toBe('ghcr.io/acme-shop/catalog:2.9.0');
  });

  test.each([
    [['orders', 'dev'], 2, 'is not a DNS-1123 label'],
    [['orders', 'dev', 'prod', 'extra'], 2, 'too many arguments'],
    [['-orders', 'dev', 'prod'], 2, 'is not a DNS-1123 label'],
    [['orders', '--upload-pack=touch', 'prod'], 2, 'is not a DNS-1123 label'],
    [['orders\nx', 'dev', 'prod'], 2, 'is not a DNS-1123 label'],
    [['orders', 'dev', 'dev'], 2, 'cannot promote from dev to itself'],
    [['payments', 'dev', 'prod'], 2, 'releases/dev.json has no line for app "payments"'],
    [['orders', 'staging', 'prod'], 2, 'releases/staging.json does not exist'],
    [['orders', 'dev', 'staging'], 2, 'releases/staging.json does not exist'],
  ])('refuses %j with status %d, pushing nothing', (args, status, message) => {
    const r = box.remote();
    const head = r.head();
    const p = promote(r.bare, args as string[]);
    expect(p.status).toBe(status);
    expect(p.stderr).toContain(message);
    expect(r.head()).toBe(head);
  });

  test('a gate refusal in the target (3) pushes nothing', () => {
    // GIVEN dev names an image that the gate refuses (latest)
    const r = box.remote((work) => {
      const file = path.join(work, 'releases', 'dev.json');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"orders": "[^"]*"/, '"orders": "ghcr.io/acme-shop/orders:latest"'));
    });
    const head = r.head();
    const p = promote(r.bare, ['orders', 'dev', 'prod']);
    expect([2, 3]).toContain(p.status);
    expect(p.stderr).toContain('latest');
    expect(r.head()).toBe(head);
  });
});

// ---------------------------------------------------------------------------------------------
// A loopback server that plays Argo CD's API (127.0.0.1 only; bounded: each test polls at most a
// few times a second for at most TIMEOUT_SECONDS).
// ---------------------------------------------------------------------------------------------

interface Seen { method: string; url: string; authorization?: string; body: string }
interface FakeArgoCd { url: string; seen: Seen[]; close(): Promise<void> }

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwcm9qOnBsYXRmb3JtLXByb2Q6cGlwZWxpbmUifQ.c2lnbmF0dXJl';

/** Answers GET of the Application with `states` in turn (the last one repeats), and actions with `actionStatus`. */
async function fakeArgoCd(states: object[], actionStatus = 200): Promise<FakeArgoCd> {
  const seen: Seen[] = [];
  let i = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      if (req.method === 'GET' && req.url === '/api/v1/applications/platform-prod') {
        const state = states[Math.min(i++, states.length - 1)];
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(state));
      } else if (req.method === 'POST' && req.url === '/api/v1/applications/platform-prod/resource/actions/v2') {
        res.writeHead(actionStatus, { 'Content-Type': 'application/json' });
        res.end('{}');
      } else {
        res.writeHead(404);
        res.end('{"error":"not found"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const app = (revision: string, sync: string, health: string, images = ['ghcr.io/acme-shop/orders:1.5.0']) =>
  ({ metadata: { name: 'platform-prod' }, status: { sync: { status: sync, revision }, health: { status: health }, summary: { images } } });
const REV = 'a'.repeat(40);
const OLD = 'b'.repeat(40);

/** Runs a shell script (file or source) without blocking the event loop (the fake server answers meanwhile). */
function runAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', args, { env: box.baseEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const argocd = (server: FakeArgoCd, command: string, extra: Record<string, string> = {}) => runAsync([script('argocd-app.sh'), command], {
  ARGOCD_SERVER: server.url, ARGOCD_AUTH_TOKEN: TOKEN, ARGOCD_APPLICATION: 'platform-prod', POLL_SECONDS: '0', TIMEOUT_SECONDS: '5', ...extra,
});

describe('argocd-app.sh against a loopback Argo CD', () => {
  test('wait: polls the Application until it is at the revision, Synced, runs the image and is Healthy', async () => {
    const server = await fakeArgoCd([
      app(OLD, 'Synced', 'Healthy', ['ghcr.io/acme-shop/orders:1.4.1']),
      app(REV, 'OutOfSync', 'Healthy'),
      app(REV, 'Synced', 'Progressing'),
      app(REV, 'Synced', 'Healthy'),
    ]);
    try {
      const r = await argocd(server, 'wait', { REVISION: REV, IMAGE: 'ghcr.io/acme-shop/orders:1.5.0' });
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toContain(`at revision ${OLD}, not yet ${REV}`);
      expect(r.stdout).toContain('is OutOfSync');
      expect(r.stdout).toContain('Synced and Progressing');
      expect(r.stdout).toContain('platform-prod is Synced and Healthy');
      expect(server.seen).toHaveLength(4);
      for (const s of server.seen) {
        expect(s).toEqual({ method: 'GET', url: '/api/v1/applications/platform-prod', authorization: `Bearer ${TOKEN}`, body: '' });
      }
      // The token never reaches curl's arguments (it is read from standard input).
      expect(fs.readFileSync(script('argocd-app.sh'), 'utf8')).toMatch(/printf 'header = "Authorization: Bearer %s"\\n' "\$ARGOCD_AUTH_TOKEN" \| curl "\$@"/);
    } finally {
      await server.close();
    }
  });

  test('wait: Degraded fails at once; Suspended passes a deploy but not a promotion\'s source check', async () => {
    const degraded = await fakeArgoCd([app(REV, 'Synced', 'Degraded')]);
    try {
      const r = await argocd(degraded, 'wait', { REVISION: REV });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('Application platform-prod is Degraded');
      expect(degraded.seen).toHaveLength(1);
    } finally {
      await degraded.close();
    }
    const suspended = await fakeArgoCd([app(REV, 'Synced', 'Suspended')]);
    try {
      const deploy = await argocd(suspended, 'wait', { REVISION: REV });
      expect(deploy.status).toBe(0);
      expect(deploy.stdout).toContain('Suspended (a Rollout waits for promotion)');
      const source = await argocd(suspended, 'wait', { ACCEPT_PAUSED: 'no', IMAGE: 'ghcr.io/acme-shop/orders:1.5.0', TIMEOUT_SECONDS: '1', POLL_SECONDS: '1' });
      expect(source.status).toBe(1);
      expect(source.stderr).toContain('timed out after 1s: Application platform-prod is Synced and Suspended');
    } finally {
      await suspended.close();
    }
  });

  test('wait: times out, bounded, when the image never runs; 404 is a setting error', async () => {
    const server = await fakeArgoCd([app(REV, 'Synced', 'Healthy', ['ghcr.io/acme-shop/orders:1.4.1'])]);
    try {
      const r = await argocd(server, 'wait', { IMAGE: 'ghcr.io/acme-shop/orders:1.5.0', TIMEOUT_SECONDS: '1', POLL_SECONDS: '1' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('timed out after 1s: Application platform-prod does not run ghcr.io/acme-shop/orders:1.5.0');
      expect(server.seen.length).toBeGreaterThanOrEqual(1);
      expect(server.seen.length).toBeLessThanOrEqual(3);
      const missing = await argocd(server, 'wait', { ARGOCD_APPLICATION: 'platform-nope' });
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain('HTTP 404 for Application platform-nope');
    } finally {
      await server.close();
    }
  });

  test.each([['promote', 'resume'], ['abort', 'abort']])('%s: runs the Rollout action %s through resource/actions/v2', async (command, action) => {
    const server = await fakeArgoCd([]);
    try {
      const r = await argocd(server, command, { APP_NAME: 'orders', NAMESPACE: 'shop-prod' });
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(server.seen).toHaveLength(1);
      const [s] = server.seen;
      expect([s.method, s.url, s.authorization]).toEqual(['POST', '/api/v1/applications/platform-prod/resource/actions/v2', `Bearer ${TOKEN}`]);
      expect(JSON.parse(s.body)).toEqual({
        name: 'platform-prod', namespace: 'shop-prod', resourceName: 'orders', group: 'argoproj.io', kind: 'Rollout', version: 'v1alpha1', action,
      });
    } finally {
      await server.close();
    }
  });

  test('an action Argo CD cannot serve is transient (75); a refused token is not (2)', async () => {
    for (const [code, status] of [[503, 75], [403, 2], [400, 1]]) {
      const server = await fakeArgoCd([], code);
      try {
        const r = await argocd(server, 'abort', { APP_NAME: 'orders', NAMESPACE: 'shop-prod' });
        expect([code, r.status]).toEqual([code, status]);
      } finally {
        await server.close();
      }
    }
  });

  test.each([
    [{ ARGOCD_SERVER: 'http://argocd.example.com' }, 'ARGOCD_SERVER must be the https:// URL'],
    [{ ARGOCD_SERVER: 'https://user:pw@argocd.example.com' }, 'ARGOCD_SERVER must be scheme://host[:port] only'],
    [{ ARGOCD_SERVER: 'https://argocd.example.com/x' }, 'ARGOCD_SERVER must be scheme://host[:port] only'],
    [{ ARGOCD_AUTH_TOKEN: '' }, 'ARGOCD_AUTH_TOKEN is empty'],
    [{ ARGOCD_AUTH_TOKEN: 'abc"\nheader = "X: y' }, 'ARGOCD_AUTH_TOKEN is not a token'],
    [{ ARGOCD_APPLICATION: '../../settings' }, 'is not an Application name'],
    [{ REVISION: 'main; rm' }, 'REVISION must be a commit id'],
    [{ APP_NAME: '-orders', NAMESPACE: 'shop-prod', CMD: 'abort' }, 'APP_NAME "-orders" is not a DNS-1123 label'],
  ])('refuses %j (2) before any request', async (extra: Record<string, string>, message) => {
    const server = await fakeArgoCd([app(REV, 'Synced', 'Healthy')]);
    try {
      const { CMD, ...vars } = extra;
      const r = await argocd(server, CMD ?? 'wait', vars);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(message);
      expect(server.seen).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Synthesis: which environments go through Argo CD, the project role, the promote-release template.
// ---------------------------------------------------------------------------------------------

const REPO = 'https://github.com/acme-shop/platform-gitops.git';
const A: ArgoCdCluster = { name: 'cluster-a', server: 'https://a.k8s.example.com' };
const B: ArgoCdCluster = { name: 'cluster-b', server: 'https://b.k8s.example.com:6443' };

function platform(opts: { clusters: Record<string, ArgoCdCluster>; pipeline?: Record<string, unknown>; bootstrap?: boolean }) {
  const a = new PlatformApp({ outdir: tempDir() });
  for (const [name, cluster] of Object.entries(opts.clusters)) {
    const env = new Environment(a, name, { namespace: `shop-${name}`, partOf: 'shop', cluster });
    new JavaApp(env, 'orders', { image: 'ghcr.io/acme-shop/orders:1.4.2', strategy: DeployStrategy.blueGreen(), storage: { size: '1Gi', accessMode: AccessMode.READ_WRITE_MANY } });
  }
  new PipelineTemplate(new Chart(a, 'ci'), 'pipeline', { gitopsRepo: REPO, ...(opts.pipeline ?? {}) });
  if (opts.bootstrap ?? true) {
    const automated = ['dev', 'staging'].filter((e) => e in opts.clusters);
    new ArgoCdBootstrap(a, 'argocd', { repoUrl: REPO, syncPolicies: Object.fromEntries(automated.map((e) => [e, SyncPolicy.automated()])) });
  }
  return a;
}

const docsOf = (a: PlatformApp) => a.manifests().map((m) => m.doc);
const named = (docs: any[], kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
const step = (wt: any, name: string) => wt.spec.templates.find((t: any) => t.name === name);
const envOf = (t: any) => Object.fromEntries((t.script.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
const readPipeline = (name: string) => fs.readFileSync(path.join(ROOT, 'lib', 'pipeline', 'scripts', name), 'utf8');
/** A script as a step runs it: each file it includes from beside it stands in place of that line. */
const pipelineFile = (name: string) => readPipeline(name).replace(/^# shellcheck source=include\/([a-z-]+\.sh)\n\. "\$\(dirname -- "\$0"\)\/include\/\1" # include\n/gm,
  (_line, included: string) => readPipeline(`include/${included}`));

describe('the pipeline across clusters, synthesized', () => {
  const THREE = { dev: IN_CLUSTER, staging: A, prod: B };

  test('three clusters: Argo CD for the environments off the pipeline\'s cluster, kubectl for the others, and a project role on exactly those', () => {
    const docs = docsOf(platform({ clusters: THREE, pipeline: { argoCdServer: 'https://argocd-server.argocd.svc' } }));
    const deploy = named(docs, 'WorkflowTemplate', 'deploy-app');
    const wait = step(deploy, 'wait-for-rollout');
    expect(envOf(wait)).toMatchObject({
      ARGOCD_APPLICATIONS: 'prod=platform-prod staging=platform-staging',
      ARGOCD_SERVER: 'https://argocd-server.argocd.svc',
      ARGOCD_AUTH_TOKEN: { secretKeyRef: { name: 'argocd-pipeline-token', key: 'token', optional: false } },
      REVISION: '{{inputs.parameters.revision}}',
    });
    expect(wait.script.source).toContain('argocd_step wait');
    expect(wait.script.source).toContain(pipelineFile('argocd-app.sh').replace(/^#!.*\n/, '').trimEnd());
    expect(step(named(docs, 'WorkflowTemplate', 'abort-java-app'), 'abort-rollout').script.source).toContain('argocd_step abort');
    const roles = (project: string) => named(docs, 'AppProject', project).spec.roles;
    expect(roles('platform-dev')).toBeUndefined();
    expect(roles('platform-ci')).toBeUndefined();
    expect(roles('platform-staging')).toEqual([expect.objectContaining({ name: 'pipeline' })]);
    expect(roles('platform-prod')[0].policies).toEqual([
      'p, proj:platform-prod:pipeline, applications, get, platform-prod/*, allow',
      'p, proj:platform-prod:pipeline, applications, action/argoproj.io/Rollout/abort, platform-prod/*, allow',
      'p, proj:platform-prod:pipeline, applications, action/argoproj.io/Rollout/resume, platform-prod/*, allow',
    ]);
    // No Kubernetes Roles for the pipeline where it goes through Argo CD; kubectl Roles where it does not.
    const roleNamespaces = docs.filter((d) => d.kind === 'Role' && d.metadata.name === 'pipeline-wait').map((d) => d.metadata.namespace);
    expect(roleNamespaces).toEqual(['shop-dev']);
    // The token is a reference only: no Secret value anywhere.
    expect(JSON.stringify(docs)).not.toContain('eyJ');
  });

  test('the pipeline on cluster-a reaches staging with kubectl and dev, prod through Argo CD', () => {
    const docs = docsOf(platform({ clusters: THREE, pipeline: { argoCdServer: 'https://argocd.example.com', cluster: A } }));
    expect(envOf(step(named(docs, 'WorkflowTemplate', 'deploy-app'), 'wait-for-rollout')).ARGOCD_APPLICATIONS).toBe('dev=platform-dev prod=platform-prod');
    expect(named(docs, 'AppProject', 'platform-staging').spec.roles).toBeUndefined();
    expect(named(docs, 'AppProject', 'platform-dev').spec.roles).toHaveLength(1);
  });

  test('one cluster: the kubectl scripts alone, no Argo CD token, no project role', () => {
    const docs = docsOf(platform({ clusters: { dev: IN_CLUSTER, prod: IN_CLUSTER } }));
    const wait = step(named(docs, 'WorkflowTemplate', 'deploy-app'), 'wait-for-rollout');
    expect(wait.script.source).toBe(pipelineFile('wait-rollout.sh'));
    expect(envOf(wait).ARGOCD_AUTH_TOKEN).toBeUndefined();
    expect(step(named(docs, 'WorkflowTemplate', 'abort-java-app'), 'abort-rollout').script.source).toBe(pipelineFile('abort-rollout.sh'));
    expect(docs.filter((d) => d.kind === 'AppProject').map((p) => p.spec.roles)).toEqual(docs.filter((d) => d.kind === 'AppProject').map(() => undefined));
  });

  test('promote-release: source image, source check (Healthy only), the deploy\'s rendered commit, then wait or a message', () => {
    const docs = docsOf(platform({ clusters: THREE, pipeline: { argoCdServer: 'https://argocd-server.argocd.svc' } }));
    const wt = named(docs, 'WorkflowTemplate', 'promote-release');
    expect(wt.spec.arguments.parameters.map((p: any) => p.name)).toEqual(['app_name', 'from_environment', 'to_environment']);
    const main = step(wt, 'promote');
    expect(main.steps.map((s: any[]) => s.map((x) => x.name))).toEqual([['source-image'], ['check-source'], ['update-gitops'], ['wait-for-target', 'awaits-sync']]);
    expect(main.steps[3].map((x: any) => x.when)).toEqual([
      '{{steps.source-image.outputs.parameters.sync}} == automated',
      '{{steps.source-image.outputs.parameters.sync}} != automated',
    ]);
    // The sync policies come from the ArgoCdBootstrap, read at synth.
    expect(envOf(step(wt, 'source-image'))).toMatchObject({ SOURCE_IMAGE_ONLY: 'yes', SYNC_POLICIES: 'dev=automated prod=manual staging=automated' });
    expect(step(wt, 'source-image').script.source).toBe(pipelineFile('promote-release.sh'));
    expect(envOf(step(wt, 'check-source'))).toMatchObject({ ACCEPT_PAUSED: 'no', TIMEOUT_SECONDS: '300', ARGOCD_APPLICATIONS: 'prod=platform-prod staging=platform-staging' });
    expect(envOf(step(wt, 'wait-for-rollout')).ACCEPT_PAUSED).toBe('yes');
    // The promotion commits through the deploy's own step.
    const deploy = named(docs, 'WorkflowTemplate', 'deploy-app');
    expect(step(wt, 'update-gitops')).toEqual(step(deploy, 'update-gitops'));
    expect(step(wt, 'awaits-sync').outputs.parameters[0].name).toBe('message');
    // And the whole set passes the Workflow lint.
    expect(lintWorkflowTemplates(docs.filter((d) => d.kind === 'WorkflowTemplate'))).toEqual([]);
  });

  test('the sample: prod on prod-eu-1 is reached through Argo CD, prod syncs by hand', () => {
    const ci = YAML.parseAllDocuments(fs.readFileSync(path.join(ROOT, 'dist', 'ci', 'pipeline.yaml'), 'utf8')).map((d) => d.toJSON());
    const wt = named(ci, 'WorkflowTemplate', 'promote-release');
    expect(envOf(step(wt, 'source-image')).SYNC_POLICIES).toBe('dev=automated prod=manual');
    expect(envOf(step(wt, 'check-source')).ARGOCD_APPLICATIONS).toBe('prod=platform-prod');
  });

  test.each([
    [{ clusters: { dev: IN_CLUSTER, prod: B } }, /the environments prod run on another cluster than the pipeline's.*set argoCdServer/],
    [{ clusters: { dev: IN_CLUSTER, prod: B }, pipeline: { argoCdServer: 'https://argocd.example.com' }, bootstrap: false }, /declare an ArgoCdBootstrap/],
  ])('refuses a cross-cluster platform without what it needs: %#', (opts, message) => {
    expect(() => platform(opts).manifests()).toThrow(message);
  });

  test.each([
    [{ argoCdServer: 'http://argocd.example.com' }, /argoCdServer must be the https:\/\/ URL of the Argo CD API server/],
    [{ argoCdServer: 'https://admin:pw@argocd.example.com' }, /argoCdServer must not contain credentials/],
    [{ argoCdServer: 'https://argocd.example.com/api' }, /argoCdServer must be the Argo CD server's root URL without a path/],
    [{ argoCdTokenSecret: 'Bad_Name' }, /argoCdTokenSecret must be a DNS-1123 subdomain/],
    [{ argoCdTokenSecret: 'gitops-credentials' }, /argoCdTokenSecret must be a DNS-1123 subdomain other than the GitOps Secret/],
    [{ cluster: { name: 'in-cluster', server: 'https://a.k8s.example.com' } }, /cluster: "in-cluster" is Argo CD's own cluster/],
  ])('refuses PipelineTemplate props %j', (props, message) => {
    const chart = Testing.chart();
    expect(() => new PipelineTemplate(chart, 'pipeline', { gitopsRepo: REPO, ...props } as any)).toThrow(PropError);
    expect(() => new PipelineTemplate(Testing.chart(), 'pipeline', { gitopsRepo: REPO, ...props } as any)).toThrow(message);
  });

  const CHECK_RANGE = 'promotionCheckTimeout must be a whole number of seconds of at least 1s';
  test.each([
    ['Duration.seconds(0)', Duration.seconds(0), `${CHECK_RANGE}, got 0s`],
    ['Duration.millis(30500)', Duration.millis(30500), `${CHECK_RANGE}, got 30500ms`],
  ])('refuses promotionCheckTimeout: %s', (_label, promotionCheckTimeout, message) => {
    expect(() => new PipelineTemplate(Testing.chart(), 'pipeline', { gitopsRepo: REPO, promotionCheckTimeout }))
      .toThrow(new PropError('PipelineTemplate', 'pipeline', message));
  });

  test.each([
    // Check-source waits that long, and the template's deadline adds it; no maximum of ours.
    ['Duration.seconds(1)', 1, Duration.seconds(1)],
    ['Duration.hours(2)', 7200, Duration.hours(2)],
    ['Duration.minutes(2)', 120, Duration.minutes(2)],
  ])('accepts promotionCheckTimeout: %s, check-source waits %d seconds', (_label, seconds, promotionCheckTimeout) => {
    const wt = named(docsOf(platform({ clusters: { dev: IN_CLUSTER, prod: IN_CLUSTER }, pipeline: { promotionCheckTimeout } })), 'WorkflowTemplate', 'promote-release');
    expect(envOf(step(wt, 'check-source')).TIMEOUT_SECONDS).toBe(String(seconds));
    expect(step(wt, 'check-source').activeDeadlineSeconds).toBe(seconds + 120);
    // The deploy's wait (15 minutes by default) and 30 minutes for the commits.
    expect(wt.spec.activeDeadlineSeconds).toBe(seconds + 900 + 1800);
  });

  test('promotionCheckSeconds, the number it replaced, is refused with the new name', () => {
    expect(() => new PipelineTemplate(Testing.chart(), 'pipeline', { gitopsRepo: REPO, promotionCheckSeconds: 300 } as any))
      .toThrow(new PropError('PipelineTemplate', 'pipeline', 'unknown prop `promotionCheckSeconds`: did you mean `promotionCheckTimeout`?'));
  });

  test('accepts an https Argo CD server with a port and a trailing slash, and a custom token Secret', () => {
    const docs = docsOf(platform({ clusters: { dev: IN_CLUSTER, prod: B }, pipeline: { argoCdServer: 'https://argocd.example.com:8443/', argoCdTokenSecret: 'argocd-token' } }));
    const e = envOf(step(named(docs, 'WorkflowTemplate', 'deploy-app'), 'wait-for-rollout'));
    expect(e.ARGOCD_SERVER).toBe('https://argocd.example.com:8443');
    expect(e.ARGOCD_AUTH_TOKEN).toEqual({ secretKeyRef: { name: 'argocd-token', key: 'token', optional: false } });
  });
});

describe('promote-java-app across clusters', () => {
  const docs = () => docsOf(platform({ clusters: { dev: IN_CLUSTER, prod: B }, pipeline: { argoCdServer: 'https://argocd.example.com' } }));

  test('routes by environment: the plugin on the pipeline\'s cluster, Argo CD\'s resume elsewhere', () => {
    const wt = named(docs(), 'WorkflowTemplate', 'promote-java-app');
    expect(wt.spec.arguments.parameters.map((p: any) => p.name)).toEqual(['app_name', 'environment', 'namespace']);
    const main = step(wt, 'promote');
    expect(main.steps[1].map((x: any) => [x.template, x.when])).toEqual([
      ['rollouts-promote', '{{steps.route.outputs.parameters.mode}} == kubectl'],
      ['argocd-promote', '{{steps.route.outputs.parameters.mode}} == argocd'],
    ]);
    expect(step(wt, 'rollouts-promote').serviceAccountName).toBe('pipeline-promote');
    const argo = step(wt, 'argocd-promote');
    expect(argo.serviceAccountName).toBeUndefined();
    expect(argo.script.source).toBe(pipelineFile('argocd-app.sh'));
    expect(envOf(argo)).toMatchObject({ ARGOCD_COMMAND: 'promote', ARGOCD_SERVER: 'https://argocd.example.com', ARGOCD_AUTH_TOKEN: { secretKeyRef: { name: 'argocd-pipeline-token', key: 'token', optional: false } } });
    expect(envOf(step(wt, 'route')).ARGOCD_APPLICATIONS).toBe('prod=platform-prod');
  });

  test.each([
    [{ ENVIRONMENT: 'prod' }, 0, ['argocd', 'shop-prod', 'platform-prod']],
    [{ ENVIRONMENT: 'dev' }, 0, ['kubectl', 'shop-dev', '']],
    [{ ENVIRONMENT: '', NAMESPACE: 'team-a' }, 0, ['kubectl', 'team-a', '']],
    [{ ENVIRONMENT: 'prod', NAMESPACE: 'shop-prod-2' }, 0, ['argocd', 'shop-prod-2', 'platform-prod']],
    [{ ENVIRONMENT: '' }, 2, []],
    [{ ENVIRONMENT: 'prod\nx' }, 2, []],
    [{ ENVIRONMENT: '-prod' }, 2, []],
  ])('route-environment.sh %j', (vars: Record<string, string>, status, written) => {
    const out = box.tmpDir('route');
    const r = box.run('sh', [script('route-environment.sh')], {
      env: box.baseEnv({ ENVIRONMENT_NAMESPACES: 'dev=shop-dev prod=shop-prod', ARGOCD_APPLICATIONS: 'prod=platform-prod', OUT_DIR: out, ...vars }),
    });
    expect(r.status).toBe(status);
    const read = (f: string) => fs.existsSync(path.join(out, f)) ? fs.readFileSync(path.join(out, f), 'utf8').trim() : undefined;
    expect(status === 0 ? ['mode', 'namespace', 'application'].map(read) : read('mode')).toEqual(status === 0 ? written : undefined);
  });

  test('argocd-app.sh takes its command from ARGOCD_COMMAND too', async () => {
    const server = await fakeArgoCd([]);
    try {
      const r = await runAsync([script('argocd-app.sh')], {
        ARGOCD_COMMAND: 'promote', ARGOCD_SERVER: server.url, ARGOCD_AUTH_TOKEN: TOKEN, ARGOCD_APPLICATION: 'platform-prod', APP_NAME: 'orders', NAMESPACE: 'shop-prod',
      });
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(JSON.parse(server.seen[0].body).action).toBe('resume');
    } finally {
      await server.close();
    }
  });
});

describe('the synthesized wait step chooses kubectl or Argo CD by environment', () => {
  const docs = () => docsOf(platform({ clusters: { dev: IN_CLUSTER, prod: B }, pipeline: { argoCdServer: 'https://argocd.example.com' } }));

  test('prod goes to Argo CD (no kubectl), dev to kubectl (no request)', async () => {
    const wait = step(named(docs(), 'WorkflowTemplate', 'deploy-app'), 'wait-for-rollout');
    const file = path.join(box.tmpDir('step'), 'wait.sh');
    fs.writeFileSync(file, wait.script.source);
    const bin = box.tmpDir('bin');
    const log = path.join(bin, 'kubectl.log');
    fs.writeFileSync(path.join(bin, 'kubectl'), `#!/bin/sh\necho "$*" >> "${log}"\nexit 1\n`, { mode: 0o755 });
    const server = await fakeArgoCd([app(REV, 'Synced', 'Healthy')]);
    try {
      const common = {
        PATH: `${bin}:${process.env.PATH}`, APP_NAME: 'orders', NAMESPACE: '', IMAGE: 'ghcr.io/acme-shop/orders:1.5.0', REVISION: REV,
        ENVIRONMENT_NAMESPACES: 'dev=shop-dev prod=shop-prod', ARGOCD_APPLICATIONS: 'prod=platform-prod',
        ARGOCD_SERVER: server.url, ARGOCD_AUTH_TOKEN: TOKEN, TIMEOUT_SECONDS: '1', POLL_SECONDS: '1', ACCEPT_PAUSED: 'yes',
      };
      const prod = await runAsync([file], { ...common, ENVIRONMENT: 'prod' });
      expect([prod.status, prod.stderr]).toEqual([0, '']);
      expect(server.seen.map((s) => s.url)).toEqual(['/api/v1/applications/platform-prod']);
      expect(fs.existsSync(log)).toBe(false);
      const dev = await runAsync([file], { ...common, ENVIRONMENT: 'dev' });
      expect(dev.status).toBe(1);
      expect(dev.stderr).toContain('wait-rollout: error: timed out after 1s');
      expect(fs.readFileSync(log, 'utf8')).toContain('get rollouts.argoproj.io orders -n shop-dev');
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
