import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { missingTool } from './support/test-tools';

/**
 * The shell scripts that the WorkflowTemplates embed, checked and run for real: syntax, shellcheck,
 * and the GitOps update against a local bare repository (no network, no cluster).
 */

const PIPELINE_DIR = path.join(__dirname, '..', 'lib', 'pipeline', 'scripts');
const SCRIPTS = fs.readdirSync(PIPELINE_DIR).filter((f) => f.endsWith('.sh')).sort();
const script = (name: string) => path.join(PIPELINE_DIR, name);

const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

let tmpRoot: string;
beforeAll(() => {
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-scripts-'));
});
afterAll(() => {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

let counter = 0;
function tmpDir(name: string): string {
  const dir = path.join(tmpRoot, `${name}-${++counter}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** An environment isolated from the user's Git configuration, with a fixed identity. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = tmpDir('home');
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
    GIT_AUTHOR_NAME: 'Test Bot',
    GIT_AUTHOR_EMAIL: 'bot@example.test',
    GIT_COMMITTER_NAME: 'Test Bot',
    GIT_COMMITTER_EMAIL: 'bot@example.test',
    ...extra,
  };
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? baseEnv(), encoding: 'utf8' });
}

function git(args: string[], cwd?: string): string {
  const r = run('git', args, { cwd });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Writes an executable fake command into `dir`. */
function fakeCommand(dir: string, name: string, body: string): void {
  fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

describe.each(SCRIPTS)('%s', (name) => {
  test('starts with a shebang and set -eu', () => {
    const text = fs.readFileSync(script(name), 'utf8');
    expect(text).toMatch(/^#!\/bin\/(ba)?sh\n/);
    expect(text).toMatch(/^set -eu/m);
  });

  test('passes bash -n', () => {
    const r = run('bash', ['-n', script(name)]);
    expect([r.status, r.stderr]).toEqual([0, '']);
  });

  test('passes shellcheck', () => {
    if (!hasShellcheck) {
      if (process.env.CI) {
        throw new Error(`${missingTool('shellcheck')}: the pipeline scripts cannot be checked`);
      }
      console.warn(`${missingTool('shellcheck')}: skipped the shellcheck of ${name}`);
      return;
    }
    // -x: the files a script includes (include/*.sh) are checked with it, from its own folder.
    const r = run('shellcheck', ['-x', '--source-path=SCRIPTDIR', '--format=gcc', script(name)]);
    expect([r.status, r.stdout + r.stderr]).toEqual([0, '']);
  });
});

// ---------------------------------------------------------------------------------------------
// The rendered deploy (update-image.sh), the rollback and the wait against the pushed dist/ run in
// __tests__/release-loop.test.ts, against a bare remote holding the whole project.

const RELEASES = '{\n  "catalog": "ghcr.io/acme/catalog:2.3.1",\n  "orders": "ghcr.io/acme/orders:1.4.2"\n}\n';
const DIGEST = `sha256:${'ab12'.repeat(16)}`;

/** A bare GitOps repository whose main branch holds releases/dev.json. */
function gitopsRepo(): { bare: string; head: () => string; show: (rev: string, file: string) => string } {
  const dir = tmpDir('gitops');
  const bare = path.join(dir, 'gitops.git');
  const work = path.join(dir, 'seed');
  git(['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  git(['init', '--quiet', '--initial-branch=main', work]);
  fs.mkdirSync(path.join(work, 'releases'));
  fs.writeFileSync(path.join(work, 'releases', 'dev.json'), RELEASES);
  fs.writeFileSync(path.join(work, 'README.md'), '# gitops\n');
  git(['add', '.'], work);
  git(['commit', '--quiet', '-m', 'initial'], work);
  git(['push', '--quiet', bare, 'main'], work);
  return {
    bare,
    head: () => git(['--git-dir', bare, 'rev-parse', 'refs/heads/main']).trim(),
    show: (rev, file) => git(['--git-dir', bare, 'show', `${rev}:${file}`]),
  };
}

// ---------------------------------------------------------------------------------------------

describe('clone-source.sh', () => {
  // Cloning over https, and what it refuses to send where, is run in pipeline-attacks.test.ts.
  test('fetches over https only, and never with credentials in the URL', () => {
    const repo = gitopsRepo();
    for (const url of [repo.bare, `file://${repo.bare}`, 'http://127.0.0.1:9/x.git', 'ssh://example.test/x.git', 'ext::sh -c touch% /tmp/x']) {
      const dest = path.join(tmpDir('ws'), 'src');
      const r = run('sh', [script('clone-source.sh')], { env: baseEnv({ GIT_REPO: url, GIT_REVISION: 'main', SOURCE_DIR: dest }) });
      expect([url, r.status]).toEqual([url, 2]);
      expect(r.stderr).toContain('git_repo must be an https:// URL of a Git repository');
      expect(fs.existsSync(dest)).toBe(false);
    }
    const bad = run('sh', [script('clone-source.sh')], { env: baseEnv({ GIT_REPO: 'https://bot:pw@example.test/x.git', SOURCE_DIR: path.join(tmpDir('ws'), 'src') }) });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('git_repo contains credentials in the URL');
    expect(bad.stderr).not.toContain('pw');
  });

  test('explains that git_repo or artifact_url is needed', () => {
    const r = run('sh', [script('clone-source.sh')], { env: baseEnv({ SOURCE_DIR: tmpDir('ws') }) });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('the parameter git_repo is empty');
  });
});

describe('build-jar.sh', () => {
  function project(files: string[]): { src: string; bin: string; artifact: string } {
    const src = tmpDir('src');
    fs.writeFileSync(path.join(src, 'pom.xml'), '<project/>\n');
    const bin = tmpDir('bin');
    // A fake mvn that "builds" the given files and records its arguments.
    fakeCommand(bin, 'mvn', `echo "$@" > args.txt\nmkdir -p target\nfor f in ${files.join(' ')}; do echo jar > "target/$f"; done`);
    return { src, bin, artifact: path.join(tmpDir('artifact'), 'out') };
  }

  test('copies the one runnable jar, ignoring sources and plain jars, and uses the cache', () => {
    const p = project(['orders-1.0.jar', 'orders-1.0-sources.jar', 'orders-1.0-plain.jar', 'orders-1.0.jar.original']);
    const r = run('sh', [script('build-jar.sh')], {
      env: baseEnv({ PATH: `${p.bin}:${process.env.PATH}`, BUILD_TOOL: 'maven', SOURCE_DIR: p.src, ARTIFACT_DIR: p.artifact, CACHE_DIR: '/cache-dir' }),
    });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(fs.readdirSync(p.artifact)).toEqual(['app.jar']);
    expect(fs.readFileSync(path.join(p.src, 'args.txt'), 'utf8')).toBe('--batch-mode --no-transfer-progress -Dmaven.repo.local=/cache-dir/maven package\n');
  });

  test('fails clearly with no or several archives, or the wrong build tool', () => {
    const none = project([]);
    const env = (p: { src: string; bin: string; artifact: string }, extra: Record<string, string> = {}) =>
      baseEnv({ PATH: `${p.bin}:${process.env.PATH}`, BUILD_TOOL: 'maven', SOURCE_DIR: p.src, ARTIFACT_DIR: p.artifact, CACHE_DIR: tmpDir('cache'), ...extra });
    let r = run('sh', [script('build-jar.sh')], { env: env(none) });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('the build produced no .jar');

    const two = project(['a.war', 'b.war']);
    r = run('sh', [script('build-jar.sh')], { env: env(two, { APP_TYPE: 'spring' }) });
    expect(r.stderr).toContain('the build produced 2 .war files');

    r = run('sh', [script('build-jar.sh')], { env: env(two, { BUILD_TOOL: 'gradle' }) });
    expect(r.stderr).toContain('build_tool is gradle but');
  });
});

describe('build-image.sh', () => {
  function setup(): { bin: string; env: NodeJS.ProcessEnv; out: string; artifact: string } {
    const bin = tmpDir('bin');
    const out = tmpDir('out');
    const artifact = tmpDir('artifact');
    fs.writeFileSync(path.join(artifact, 'app.jar'), 'jar');
    // A fake buildctl: a lookup (no --output) finds no tag; a build keeps the Dockerfile and its
    // arguments, logs, writes build metadata.
    fakeCommand(bin, 'fake-buildctl', [
      'case "$*" in *--output*) ;; *) echo "failed to resolve source metadata: not found"; exit 1 ;; esac',
      'echo "$@" > "$OUT_DIR/buildctl-args"',
      'for a in "$@"; do case "$a" in context=*) cp "${a#context=}/Dockerfile" "$OUT_DIR/Dockerfile.used" ;; esac; done',
      'echo "#1 building"',
      `printf '{\\n  "containerimage.digest": "${DIGEST}",\\n  "image.name": "x"\\n}\\n' > "$OUT_DIR/metadata.json"`,
    ].join('\n'));
    const env = baseEnv({
      BUILDCTL: path.join(bin, 'fake-buildctl'), OUT_DIR: out, ARTIFACT_DIR: artifact,
      APP_NAME: 'orders', IMAGE: 'ghcr.io/acme/orders', TAG: '1.4.3', ALLOWED_IMAGES: 'catalog=ghcr.io/acme/catalog orders=ghcr.io/acme/orders',
      JAR_BASE_IMAGE: `eclipse-temurin:21-jre@${DIGEST}`, WAR_BASE_IMAGE: `tomcat:10.1.34-jdk17-temurin@${DIGEST}`,
    });
    return { bin, env, out, artifact };
  }

  test('builds from a generated Dockerfile, keeps the log and outputs the digest', () => {
    const s = setup();
    const r = run('sh', [script('build-image.sh')], { env: s.env });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(fs.readFileSync(path.join(s.out, 'digest'), 'utf8')).toBe(DIGEST);
    expect(fs.readFileSync(path.join(s.out, 'image_ref'), 'utf8')).toBe(`ghcr.io/acme/orders:1.4.3@${DIGEST}`);
    const log = fs.readFileSync(path.join(s.out, 'build_output.log'), 'utf8');
    expect(log).toContain('#1 building');
    expect(log).toContain(`pushed ghcr.io/acme/orders:1.4.3@${DIGEST}`);
    expect(fs.readFileSync(path.join(s.out, 'buildctl-args'), 'utf8')).toContain('--output type=image,name=ghcr.io/acme/orders:1.4.3,push=true');
    const dockerfile = fs.readFileSync(path.join(s.out, 'Dockerfile.used'), 'utf8');
    expect(dockerfile).toContain(`FROM eclipse-temurin:21-jre@${DIGEST}`);
    expect(dockerfile).toContain('USER 10001');
  });

  test.each([
    [{ TAG: 'latest' }, 'the tag latest does not say what runs'],
    [{ TAG: '' }, 'the parameter tag is empty'],
    [{ IMAGE: 'ghcr.io/acme/orders:1.0' }, 'image must be registry/repository without a tag'],
    [{ APP_TYPE: 'spring' }, 'app.war does not exist'],
  ])('refuses %j', (extra, message) => {
    const s = setup();
    const r = run('sh', [script('build-image.sh')], { env: { ...s.env, ...extra } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(message);
  });
});

describe('wait-rollout.sh', () => {
  /** A fake kubectl answering for a Rollout with its own pod template. */
  function kubectl(image: string, phase: string, observed = '2'): string {
    const bin = tmpDir('bin');
    fakeCommand(bin, 'kubectl', [
      'case "$*" in',
      `  *workloadRef*) echo "/ 2 ${observed} " ;;`,
      `  *containers*) echo "${image}" ;;`,
      `  *status.phase*) echo "${phase}" ;;`,
      '  *) echo "unexpected kubectl $*" >&2; exit 1 ;;',
      'esac',
    ].join('\n'));
    return bin;
  }
  const wait = (bin: string, image: string, timeout = '5') => run('sh', [script('wait-rollout.sh')], {
    env: baseEnv({ PATH: `${bin}:${process.env.PATH}`, APP_NAME: 'orders', ENVIRONMENT: 'dev', IMAGE: image, TIMEOUT_SECONDS: timeout, POLL_SECONDS: '1' }),
  });

  test('succeeds when the Rollout runs the image and is Paused for promotion', () => {
    const r = wait(kubectl('ghcr.io/acme/orders:1.4.3', 'Paused'), 'ghcr.io/acme/orders:1.4.3');
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('orders is Paused on ghcr.io/acme/orders:1.4.3');
  });

  test('with ACCEPT_PAUSED=no (a promotion\'s source check) Paused keeps waiting, Healthy passes, anything else is refused', () => {
    const withPaused = (phase: string, accept: string, timeout = '1') => run('sh', [script('wait-rollout.sh')], {
      env: baseEnv({
        PATH: `${kubectl('ghcr.io/acme/orders:1.4.3', phase)}:${process.env.PATH}`, APP_NAME: 'orders', ENVIRONMENT: 'dev',
        IMAGE: 'ghcr.io/acme/orders:1.4.3', TIMEOUT_SECONDS: timeout, POLL_SECONDS: '1', ACCEPT_PAUSED: accept,
      }),
    });
    const paused = withPaused('Paused', 'no');
    expect(paused.status).toBe(1);
    expect(paused.stderr).toContain('timed out after 1s: rollout orders is Paused on ghcr.io/acme/orders:1.4.3 (not yet promoted)');
    const healthy = withPaused('Healthy', 'no', '5');
    expect([healthy.status, healthy.stderr]).toEqual([0, '']);
    const bad = withPaused('Healthy', 'maybe');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('ACCEPT_PAUSED must be yes or no');
  });

  test('fails at once when the Rollout is Degraded', () => {
    const r = wait(kubectl('ghcr.io/acme/orders:1.4.3', 'Degraded'), 'ghcr.io/acme/orders:1.4.3');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('rollout orders is Degraded');
  });

  test('follows a workloadRef to the Deployment and waits until the Rollout controller observed it', () => {
    const bin = tmpDir('bin');
    const image = 'ghcr.io/acme/orders:1.4.3';
    fakeCommand(bin, 'kubectl', [
      'case "$*" in',
      '  *workloadRef*) echo "Deployment/orders-app 1 1 $(cat "$0.observed" 2>/dev/null || echo 3)" ;;',
      `  *deployments.apps*) echo "4 ${image}"; echo 4 > "$0.observed" ;;`,
      '  *status.phase*) echo Healthy ;;',
      '  *) echo "unexpected kubectl $*" >&2; exit 1 ;;',
      'esac',
    ].join('\n'));
    const r = wait(bin, image);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('the Rollout controller has not yet observed the new template of orders');
    expect(r.stdout).toContain(`orders is Healthy on ${image}`);
  });

  test('finds the environment\'s namespace in ENVIRONMENT_NAMESPACES, else uses the environment\'s name', () => {
    const bin = kubectl('ghcr.io/acme/orders:1.4.3', 'Healthy');
    const inNamespace = (extra: Record<string, string>) => run('sh', [script('wait-rollout.sh')], {
      env: baseEnv({ PATH: `${bin}:${process.env.PATH}`, APP_NAME: 'orders', ENVIRONMENT: 'dev', IMAGE: 'ghcr.io/acme/orders:1.4.3', TIMEOUT_SECONDS: '5', POLL_SECONDS: '1', ...extra }),
    }).stdout.split('\n')[0];
    expect(inNamespace({ ENVIRONMENT_NAMESPACES: 'dev=shop-dev prod=shop-prod' })).toBe('wait-rollout: waiting up to 5s for rollout orders in shop-dev to run ghcr.io/acme/orders:1.4.3');
    expect(inNamespace({ ENVIRONMENT_NAMESPACES: 'prod=shop-prod' })).toContain('for rollout orders in dev to run');
    expect(inNamespace({ ENVIRONMENT_NAMESPACES: 'dev=shop-dev', NAMESPACE: 'team-a' })).toContain('for rollout orders in team-a to run');
  });

  test('times out while Argo CD has not applied the image', () => {
    const r = wait(kubectl('ghcr.io/acme/orders:1.4.2', 'Healthy'), 'ghcr.io/acme/orders:1.4.3', '1');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('timed out after 1s: rollout orders does not run ghcr.io/acme/orders:1.4.3 yet');
  });
});
