import { spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { gitopsSandbox, GitopsSandbox, NODE_MODULES, Remote, ROOT, script } from './support/gitops-remote';

/**
 * The release loop with the real scripts and real git, no cluster: a bare remote holding this whole
 * project; update-image.sh renders and pushes; rollback-image.sh commits the previous image;
 * wait-rollout.sh reads a fake kubectl that answers from the pushed dist/.
 */

// Each test runs git, npm and node processes for a few seconds: no time limit of jest's own.
jest.setTimeout(30 * 60 * 1000);

// The project in a bare remote, and git/npm isolated from the user's configuration (shared helpers).
let box: GitopsSandbox;
beforeAll(() => { box = gitopsSandbox('release-loop-'); });
afterAll(() => box.cleanup());
const tmpDir = (name: string) => box.tmpDir(name);
const baseEnv = (extra: Record<string, string> = {}) => box.baseEnv(extra);
const run = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> => box.run(cmd, args, opts);
const git = (args: string[], cwd?: string) => box.git(args, cwd);
const remote = (change?: (work: string) => void): Remote => box.remote(change);
const check = (bare: string, rev = 'main') => box.check(bare, rev);

const deployEnv = (bare: string, extra: Record<string, string> = {}) =>
  baseEnv({ GITOPS_REPO: bare, NODE_MODULES_DIR: NODE_MODULES, PUSH_RETRY_DELAY: '0', ...extra });

function deploy(bare: string, args: string[], extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  return run('sh', [script('update-image.sh'), ...args], { env: deployEnv(bare, extra) });
}

/** The same, as a child process that runs beside others. */
function deployAsync(bare: string, args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', [script('update-image.sh'), ...args], { env: deployEnv(bare) });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

const releases = (r: Remote, rev = 'main') => JSON.parse(r.show(rev, 'releases/dev.json'));
const imagesIn = (yaml: string) => [...yaml.matchAll(/^\s+image: (\S+)$/gm)].map((m) => m[1]);

describe('update-image.sh: the rendered deploy', () => {
  test('pushes ONE commit with releases/dev.json and the re-rendered dist/dev/, on which npm run check passes', () => {
    // GIVEN the project in a bare remote
    const r = remote();
    const before = r.head();
    const out = tmpDir('out');
    // WHEN orders 1.5.0 is deployed to dev
    const d = deploy(r.bare, ['orders', 'dev', 'ghcr.io/acme-shop/orders:1.5.0'], {
      COMMIT_FILE: path.join(out, 'commit'), IMAGE_FILE: path.join(out, 'image'),
    });
    // THEN one commit on top, holding exactly the release line and dist/dev/
    expect([d.status, d.stderr]).toEqual([0, '']);
    const after = r.head();
    expect(git(['--git-dir', r.bare, 'rev-parse', `${after}~1`]).trim()).toBe(before);
    const changed = r.changed(before, after);
    expect(changed).toContain('releases/dev.json');
    expect(changed.filter((f) => f !== 'releases/dev.json' && !f.startsWith('dist/dev/'))).toEqual([]);
    expect(changed).toContain('dist/dev/orders.yaml');
    expect(releases(r)).toEqual({ ...releases(r, before), orders: 'ghcr.io/acme-shop/orders:1.5.0' });
    expect(git(['--git-dir', r.bare, 'diff', '--numstat', before, after, '--', 'releases/dev.json'])).toBe('1\t1\treleases/dev.json\n');
    // The rendered Deployment runs the new image; prod is untouched.
    expect(imagesIn(r.show(after, 'dist/dev/orders.yaml'))).toContain('ghcr.io/acme-shop/orders:1.5.0');
    expect(r.show(after, 'dist/prod/orders.yaml')).toBe(r.show(before, 'dist/prod/orders.yaml'));
    expect(git(['--git-dir', r.bare, 'log', '-1', '--format=%s', after]).trim()).toBe('deploy orders to dev: ghcr.io/acme-shop/orders:1.5.0');
    expect(fs.readFileSync(path.join(out, 'commit'), 'utf8').trim()).toBe(after);
    expect(fs.readFileSync(path.join(out, 'image'), 'utf8').trim()).toBe('ghcr.io/acme-shop/orders:1.5.0');
    // AND the pushed head passes the project's own drift gate
    const c = check(r.bare);
    expect([c.status, c.stderr]).toEqual([0, '']);
  });

  test('accepts a digest, keeps the JSON valid, and pushes nothing when the app already runs that image', () => {
    const r = remote();
    const image = `ghcr.io/acme-shop/catalog:2.4.0@sha256:${'ab12'.repeat(16)}`;
    expect(deploy(r.bare, ['catalog', 'dev', image]).status).toBe(0);
    expect(releases(r).catalog).toBe(image);
    const head = r.head();
    const again = deploy(r.bare, ['catalog', 'dev', image]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`already sets catalog to ${image}; nothing to push`);
    expect(r.head()).toBe(head);
  });

  test('two deploys of different apps at the same moment both land, each rendered', async () => {
    // GIVEN the project in a bare remote
    const r = remote();
    const before = r.count();
    // WHEN orders and catalog are deployed to dev at once
    const [a, b] = await Promise.all([
      deployAsync(r.bare, ['orders', 'dev', 'ghcr.io/acme-shop/orders:1.6.0']),
      deployAsync(r.bare, ['catalog', 'dev', 'ghcr.io/acme-shop/catalog:2.5.0']),
    ]);
    // THEN both succeed, two commits landed, and the head names and renders both images
    expect([a.status, a.stderr.replace(/.*push rejected.*\n|.*moved since the render.*\n|.*\[(remote )?rejected\].*\n|.*(error: failed to push|hint:|To file:|remote: error: cannot lock ref).*\n/g, '')]).toEqual([0, '']);
    expect([b.status, b.stderr.replace(/.*push rejected.*\n|.*moved since the render.*\n|.*\[(remote )?rejected\].*\n|.*(error: failed to push|hint:|To file:|remote: error: cannot lock ref).*\n/g, '')]).toEqual([0, '']);
    expect(r.count()).toBe(before + 2);
    expect(releases(r)).toMatchObject({ orders: 'ghcr.io/acme-shop/orders:1.6.0', catalog: 'ghcr.io/acme-shop/catalog:2.5.0' });
    expect(imagesIn(r.show('main', 'dist/dev/orders.yaml'))).toContain('ghcr.io/acme-shop/orders:1.6.0');
    expect(imagesIn(r.show('main', 'dist/dev/catalog.yaml'))).toContain('ghcr.io/acme-shop/catalog:2.5.0');
    for (const rev of ['main', 'main~1']) {
      expect(r.changed(`${rev}~1`, rev).filter((f) => f !== 'releases/dev.json' && !f.startsWith('dist/dev/'))).toEqual([]);
    }
    const c = check(r.bare);
    expect([c.status, c.stderr]).toEqual([0, '']);
  });

  test('a push rejected because the branch moved starts again from the new head and re-renders', () => {
    // GIVEN catalog is deployed by someone else between our render and our push (a git on PATH
    // that runs that deploy when our first push starts)
    const r = remote();
    const before = r.head();
    const bin = tmpDir('bin');
    const realGit = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
    const marker = path.join(bin, 'raced');
    fs.writeFileSync(path.join(bin, 'git'), [
      '#!/bin/sh',
      'for a in "$@"; do',
      `  if [ "$a" = push ] && [ ! -e '${marker}' ]; then touch '${marker}'; PATH='${process.env.PATH}' sh '${script('update-image.sh')}' catalog dev ghcr.io/acme-shop/catalog:2.6.0 >/dev/null 2>&1 || exit 99; break; fi`,
      'done',
      `exec '${realGit}' "$@"`,
    ].join('\n'), { mode: 0o755 });
    // WHEN we deploy orders
    const d = deploy(r.bare, ['orders', 'dev', 'ghcr.io/acme-shop/orders:1.7.0'], { PATH: `${bin}:${process.env.PATH}` });
    // THEN the first push is rejected, the second lands on top of the other deploy, rendered again
    expect(d.status).toBe(0);
    expect(d.stderr).toContain('push rejected (attempt 1 of 5): main moved; starting again from its new head');
    expect(git(['--git-dir', r.bare, 'log', '--format=%s', `${before}..main`]).trim().split('\n')).toEqual([
      'deploy orders to dev: ghcr.io/acme-shop/orders:1.7.0', 'deploy catalog to dev: ghcr.io/acme-shop/catalog:2.6.0',
    ]);
    expect(imagesIn(r.show('main', 'dist/dev/catalog.yaml'))).toContain('ghcr.io/acme-shop/catalog:2.6.0');
    expect(imagesIn(r.show('main', 'dist/dev/orders.yaml'))).toContain('ghcr.io/acme-shop/orders:1.7.0');
    expect(r.changed('main~1', 'main').filter((f) => f !== 'releases/dev.json' && !f.startsWith('dist/dev/'))).toEqual([]);
    const c = check(r.bare);
    expect([c.status, c.stderr]).toEqual([0, '']);
  });

  test.each([
    // [arguments, exit status, message]
    [['orders', 'dev', 'ghcr.io/acme-shop/orders:latest'], 2, 'uses the tag latest'],
    [['orders', 'dev', 'ghcr.io/acme-shop/orders'], 2, 'has no tag'],
    [['orders', 'dev', 'ghcr.io/acme-shop/orders:1.0"; rm -rf /'], 2, 'is not a valid image reference'],
    [['orders', 'dev', 'ghcr.io/acme-shop/orders:1.0\nghcr.io/x'], 2, 'is not a valid image reference'],
    [['orders', 'dev', '--upload-pack=touch /tmp/x:1.0'], 2, 'is not a valid image reference'],
    [['payments', 'dev', 'ghcr.io/acme-shop/payments:1.0.0'], 2, 'releases/dev.json has no line for app "payments"'],
    [['orders', 'staging', 'ghcr.io/acme-shop/orders:1.5.0'], 2, 'releases/staging.json does not exist'],
    [['orders\ncatalog', 'dev', 'ghcr.io/acme-shop/orders:1.5.0'], 2, 'is not a DNS-1123 label'],
    [['-orders', 'dev', 'ghcr.io/acme-shop/orders:1.5.0'], 2, 'is not a DNS-1123 label'],
    [['orders', 'dev'], 2, 'no image given'],
    // Passes the script's own checks, refused by the platform's validation gate.
    [['orders', 'dev', 'ghcr.io/acme-shop/Orders:1.5.0'], 3, 'is not a valid image reference'],
  ])('refuses %j with status %d, says why, and pushes nothing', (args, status, message) => {
    const r = remote();
    const before = r.head();
    const d = deploy(r.bare, args as string[]);
    expect(d.status).toBe(status);
    expect(d.stderr).toContain(message);
    expect(r.head()).toBe(before);
  });

  test('the gate\'s message is passed on when the synth refuses', () => {
    const r = remote();
    const d = deploy(r.bare, ['orders', 'dev', 'ghcr.io/acme-shop/Orders:1.5.0']);
    expect(d.stderr).toContain('synth failed, dist/ left unchanged');
    expect(d.stderr).toContain('render-release: error: the synth or the validation gate refused ghcr.io/acme-shop/Orders:1.5.0 for orders in dev');
  });

  test('refuses to push when the synth changes files outside releases/<env>.json and dist/<env>/', () => {
    // GIVEN a branch whose dist/ci is stale (edited by hand)
    const r = remote((work) => fs.appendFileSync(path.join(work, 'dist', 'ci', 'pipeline.yaml'), '# edited by hand\n'));
    const before = r.head();
    // WHEN a deploy renders it
    const d = deploy(r.bare, ['orders', 'dev', 'ghcr.io/acme-shop/orders:1.5.0']);
    // THEN it fails, names the file, and pushes nothing
    expect(d.status).toBe(3);
    expect(d.stderr).toContain('the synth changed files outside releases/dev.json and dist/dev/');
    expect(d.stderr).toContain('dist/ci/pipeline.yaml');
    expect(r.head()).toBe(before);
  });

  test('a push refused for another reason than a moved branch is not rendered again: transient status, nothing pushed', () => {
    // GIVEN a remote whose pre-receive hook declines every push
    const r = remote();
    const before = r.head();
    fs.writeFileSync(path.join(r.bare, 'hooks', 'pre-receive'), '#!/bin/sh\necho "closed for maintenance" >&2\nexit 1\n', { mode: 0o755 });
    const d = deploy(r.bare, ['orders', 'dev', 'ghcr.io/acme-shop/orders:1.5.0']);
    expect(d.status).toBe(75);
    expect(d.stderr).toContain('closed for maintenance');
    expect(d.stderr).toContain('cannot push to main (above); nothing was changed on the remote');
    expect(d.stderr).not.toContain('push rejected (attempt');
    expect(r.head()).toBe(before);
  });

  test('never sends the Git credentials over plain http: refused before any request', () => {
    const d = deploy('http://127.0.0.1:9/platform.git', ['orders', 'dev', 'ghcr.io/acme-shop/orders:1.5.0'], { GIT_USERNAME: 'gitops-bot', GIT_PASSWORD: 's3cret' });
    expect(d.status).toBe(2);
    expect(d.stderr).toContain('GIT_USERNAME/GIT_PASSWORD are only sent over https://');
    expect(d.stdout + d.stderr).not.toContain('s3cret');
  });

  test('the credential helper answers only the GitOps host: a redirect to another host gets no token (loopback https)', async () => {
    // GIVEN an https server on 127.0.0.1 that redirects the GitOps repository to "localhost" (another
    // host for git), where it asks for a login and records every Authorization header it gets
    const dir = tmpDir('tls');
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    const ssl = run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost']);
    expect(ssl.status).toBe(0);
    const seen: string[] = [];
    const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
      seen.push(`${req.headers.host} ${req.url} ${req.headers.authorization ?? '-'}`);
      if ((req.headers.host ?? '').startsWith('127.0.0.1')) {
        res.writeHead(302, { Location: `https://localhost:${port}/elsewhere${req.url}` });
      } else {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      }
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as import('net').AddressInfo).port;
    try {
      // WHEN the deploy runs with the GitOps token
      const d = await new Promise<{ status: number | null; out: string }>((resolve) => {
        const child = spawn('sh', [script('update-image.sh'), 'orders', 'dev', 'ghcr.io/acme-shop/orders:1.5.0'], {
          env: deployEnv(`https://127.0.0.1:${port}/platform.git`, { GIT_USERNAME: 'gitops-bot', GIT_PASSWORD: 's3cret', GIT_SSL_NO_VERIFY: '1' }),
        });
        let out = '';
        child.stdout.on('data', (x) => { out += x; });
        child.stderr.on('data', (x) => { out += x; });
        child.on('close', (status) => resolve({ status, out }));
      });
      // THEN the clone fails, and no request ever carried credentials
      expect(d.status).toBe(75);
      expect(seen.some((l) => l.startsWith('localhost'))).toBe(true);
      expect(seen.filter((l) => !l.endsWith(' -'))).toEqual([]);
      expect(d.out).not.toContain('s3cret');
    } finally {
      server.close();
    }
  });

  test('fails with the transient status when the repository cannot be cloned', () => {
    const d = deploy(path.join(tmpDir('gone'), 'missing.git'), ['orders', 'dev', 'ghcr.io/acme-shop/orders:1.5.0']);
    expect(d.status).toBe(75);
    expect(d.stderr).toContain('cannot clone branch main');
  });

  test('without NODE_MODULES_DIR it installs the dependencies itself, without their lifecycle scripts (npm ci --omit=dev --ignore-scripts)', () => {
    // Offline, from npm's cache of this machine (filled by the npm ci that installed the project).
    const r = remote();
    const d = run('sh', [script('update-image.sh'), 'orders', 'dev', 'ghcr.io/acme-shop/orders:1.8.0'], {
      env: baseEnv({ GITOPS_REPO: r.bare, npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), '.npm'), npm_config_offline: 'true' }),
    });
    expect([d.status, d.stderr]).toEqual([0, '']);
    expect(d.stdout).toContain('installing the project\'s dependencies (npm ci --omit=dev --ignore-scripts)');
    expect(releases(r).orders).toBe('ghcr.io/acme-shop/orders:1.8.0');
  });
});

describe('rollback-image.sh: abort through Git', () => {
  test('commits the image the environment ran before, through the same rendered path', () => {
    // GIVEN orders 1.4.2 (the project's), then catalog and orders deployed
    const r = remote();
    const original = releases(r).orders;
    expect(deploy(r.bare, ['orders', 'dev', 'ghcr.io/acme-shop/orders:1.9.0']).status).toBe(0);
    expect(deploy(r.bare, ['catalog', 'dev', 'ghcr.io/acme-shop/catalog:2.9.0']).status).toBe(0);
    const before = r.head();
    // WHEN orders is rolled back
    const d = run('sh', [script('rollback-image.sh'), 'orders', 'dev'], { env: deployEnv(r.bare) });
    // THEN its previous image is committed and rendered; catalog stays
    expect(d.status).toBe(0);
    expect(d.stderr).toContain(`orders in dev runs ghcr.io/acme-shop/orders:1.9.0; before it: ${original}`);
    expect(releases(r)).toMatchObject({ orders: original, catalog: 'ghcr.io/acme-shop/catalog:2.9.0' });
    expect(imagesIn(r.show('main', 'dist/dev/orders.yaml'))).toContain(original);
    expect(r.changed(before, 'main').filter((f) => f !== 'releases/dev.json' && !f.startsWith('dist/dev/'))).toEqual([]);
    const c = check(r.bare);
    expect([c.status, c.stderr]).toEqual([0, '']);
  });

  test('previous-image.sh prints the image and refuses when the history has none', () => {
    const r = remote();
    const p = run('sh', [script('previous-image.sh'), 'orders', 'dev'], { env: baseEnv({ GITOPS_REPO: r.bare }) });
    expect(p.status).toBe(2);
    expect(p.stderr).toContain('names no image of orders before');
    expect(deploy(r.bare, ['orders', 'dev', 'ghcr.io/acme-shop/orders:2.0.0']).status).toBe(0);
    const out = path.join(tmpDir('out'), 'image');
    const q = run('sh', [script('previous-image.sh'), 'orders', 'dev'], { env: baseEnv({ GITOPS_REPO: r.bare, IMAGE_FILE: out }) });
    expect(q.status).toBe(0);
    expect(q.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'releases', 'dev.json'), 'utf8')).orders);
    expect(fs.readFileSync(out, 'utf8')).toBe(q.stdout);
    expect(run('sh', [script('previous-image.sh'), '-x', 'dev'], { env: baseEnv({ GITOPS_REPO: r.bare }) }).status).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * A kubectl that answers `get <kind> <name> -n <ns> -o jsonpath=...` from the YAML files of a
 * folder (the pushed dist/dev/), as the cluster would after Argo CD synced it and the Rollouts
 * controller observed it: generation 1, observed 1, phase from $FAKE_PHASE. It also records
 * `patch` calls.
 */
function fakeKubectl(dir: string): string {
  const bin = tmpDir('bin');
  const js = `
const fs = require('fs');
const path = require('path');
const YAML = require(${JSON.stringify(path.join(NODE_MODULES, 'yaml'))});
const args = process.argv.slice(2);
if (args[0] === 'patch') { fs.appendFileSync(process.env.FAKE_LOG, JSON.stringify(args) + '\\n'); process.exit(0); }
const [verb, resource, name] = args;
const ns = args[args.indexOf('-n') + 1];
const out = (args.find((a) => a.startsWith('jsonpath=')) || '').slice('jsonpath='.length);
if (verb !== 'get') { console.error('unexpected kubectl ' + args.join(' ')); process.exit(1); }
const kind = { 'rollouts.argoproj.io': 'Rollout', 'deployments.apps': 'Deployment' }[resource];
const dir = ${JSON.stringify(dir)};
const docs = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON()));
const obj = docs.find((d) => d && d.kind === kind && d.metadata.name === name && d.metadata.namespace === ns);
if (!obj) { console.error('Error from server (NotFound): ' + resource + ' "' + name + '" not found'); process.exit(1); }
obj.metadata.generation = 1;
if (kind === 'Rollout') obj.status = { phase: process.env.FAKE_PHASE, observedGeneration: '1', workloadObservedGeneration: '1' };
const get = (o, p) => p.split('.').filter(Boolean).reduce((v, k) => {
  if (v === undefined) return undefined;
  const m = /^(\\w+)\\[\\*\\]$/.exec(k);
  return m ? v[m[1]] : Array.isArray(v) ? v.map((x) => x[k]) : v[k];
}, o);
const text = out.replace(/\\{([^}]*)\\}/g, (_, p) => { const v = get(obj, p); return v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v); });
process.stdout.write(text);
`;
  fs.writeFileSync(path.join(bin, 'kubectl.js'), js);
  fs.writeFileSync(path.join(bin, 'kubectl'), `#!/bin/sh\nexec node '${path.join(bin, 'kubectl.js')}' "$@"\n`, { mode: 0o755 });
  return bin;
}

/** The files of `dir` at the remote's head, in a folder. */
function exportDir(r: Remote, dir: string): string {
  const out = tmpDir('export');
  for (const f of git(['--git-dir', r.bare, 'ls-tree', '--name-only', `main:${dir}`]).trim().split('\n')) {
    fs.writeFileSync(path.join(out, f), r.show('main', `${dir}/${f}`));
  }
  return out;
}

describe('wait-rollout.sh against the pushed dist/', () => {
  const r = (() => ({ remote: undefined as Remote | undefined }))();
  beforeAll(() => {
    r.remote = remote();
    const d = deploy(r.remote.bare, ['orders', 'dev', 'ghcr.io/acme-shop/orders:3.0.0']);
    if (d.status !== 0) throw new Error(d.stderr);
  });
  const wait = (image: string, phase: string, extra: Record<string, string> = {}) => {
    const bin = fakeKubectl(exportDir(r.remote!, 'dist/dev'));
    return run('sh', [script('wait-rollout.sh')], {
      env: baseEnv({
        PATH: `${bin}:${process.env.PATH}`, FAKE_PHASE: phase,
        APP_NAME: 'orders', ENVIRONMENT: 'dev', ENVIRONMENT_NAMESPACES: 'dev=shop-dev prod=shop-prod',
        IMAGE: image, TIMEOUT_SECONDS: '2', POLL_SECONDS: '1', ...extra,
      }),
    });
  };

  test('succeeds when the live Rollout (through its workloadRef) runs the pushed image and is Paused', () => {
    const w = wait('ghcr.io/acme-shop/orders:3.0.0', 'Paused');
    expect([w.status, w.stderr]).toEqual([0, '']);
    expect(w.stdout).toContain('waiting up to 2s for rollout orders in shop-dev to run ghcr.io/acme-shop/orders:3.0.0');
    expect(w.stdout).toContain('orders is Paused on ghcr.io/acme-shop/orders:3.0.0');
    expect(wait('ghcr.io/acme-shop/orders:3.0.0', 'Healthy').stdout).toContain('orders is Healthy on');
  });

  test('fails when the live Rollout runs another image, or is Degraded', () => {
    const w = wait('ghcr.io/acme-shop/orders:3.0.1', 'Healthy');
    expect(w.status).toBe(1);
    expect(w.stderr).toContain('rollout orders does not run ghcr.io/acme-shop/orders:3.0.1 yet (live: ghcr.io/acme-shop/orders:3.0.0)');
    const d = wait('ghcr.io/acme-shop/orders:3.0.0', 'Degraded');
    expect(d.status).toBe(1);
    expect(d.stderr).toContain('rollout orders is Degraded');
  });

  test('refuses values that are not whole names, with the status that is not retried', () => {
    expect(wait('ghcr.io/acme-shop/orders:3.0.0', 'Healthy', { APP_NAME: 'orders\nx' }).status).toBe(2);
    expect(wait('-o=yaml', 'Healthy').status).toBe(2);
    expect(wait('ghcr.io/acme-shop/orders:3.0.0', 'Healthy', { NAMESPACE: '--all-namespaces' }).status).toBe(2);
  });
});

describe('abort-rollout.sh', () => {
  test('patches the status subresource with abort, in the environment\'s namespace', () => {
    const bin = fakeKubectl(tmpDir('empty'));
    const log = path.join(tmpDir('log'), 'calls');
    const env = (extra: Record<string, string>) => baseEnv({ PATH: `${bin}:${process.env.PATH}`, FAKE_LOG: log, ENVIRONMENT_NAMESPACES: 'dev=shop-dev', ...extra });
    const a = run('sh', [script('abort-rollout.sh')], { env: env({ APP_NAME: 'orders', ENVIRONMENT: 'dev' }) });
    expect([a.status, a.stderr]).toEqual([0, '']);
    expect(fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      ['patch', 'rollouts.argoproj.io', 'orders', '--namespace', 'shop-dev', '--subresource=status', '--type=merge', '--patch', '{"status":{"abort":true}}'],
    ]);
    expect(run('sh', [script('abort-rollout.sh')], { env: env({ APP_NAME: '-orders', ENVIRONMENT: 'dev' }) }).status).toBe(2);
    expect(run('sh', [script('abort-rollout.sh')], { env: env({ APP_NAME: 'orders', ENVIRONMENT: 'dev\nprod' }) }).status).toBe(2);
  });
});

test('the fake kubectl reads real objects: the pushed Rollout of orders points at its Deployment', () => {
  const doc = YAML.parseAllDocuments(fs.readFileSync(path.join(ROOT, 'dist', 'dev', 'orders.yaml'), 'utf8')).map((d) => d.toJSON())
    .find((d) => d.kind === 'Rollout');
  expect(doc.spec.workloadRef).toMatchObject({ kind: 'Deployment', name: 'orders' });
});
