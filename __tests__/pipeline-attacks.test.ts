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
