import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The project in a bare Git remote, for tests that run the pipeline's real scripts with real git:
 * a seed commit of the working tree (tracked and new files), cloned bare per test.
 */

export const ROOT = path.join(__dirname, '..', '..');
export const PIPELINE_DIR = path.join(ROOT, 'lib', 'pipeline', 'scripts');
export const NODE_MODULES = path.join(ROOT, 'node_modules');
export const script = (name: string) => path.join(PIPELINE_DIR, name);

export interface GitopsSandbox {
  tmpDir(name: string): string;
  /** An environment isolated from the user's Git configuration, with a fixed identity. */
  baseEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  run(cmd: string, args: string[], opts?: { cwd?: string; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string>;
  git(args: string[], cwd?: string): string;
  /** A bare remote holding the whole project (the seed), optionally with a change committed on top. */
  remote(change?: (work: string) => void): Remote;
  /** Checks out `rev` of the remote and runs the project's drift gate (`npm run check`) there. */
  check(bare: string, rev?: string): SpawnSyncReturns<string>;
  cleanup(): void;
}

export interface Remote {
  readonly bare: string;
  head(): string;
  show(rev: string, file: string): string;
  /** Files changed between two commits. */
  changed(from: string, to: string): string[];
  count(): number;
}

/** Call in beforeAll; `cleanup()` in afterAll. */
export function gitopsSandbox(prefix: string): GitopsSandbox {
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let counter = 0;
  const tmpDir = (name: string) => {
    const dir = path.join(tmpRoot, `${name}-${++counter}`);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  };
  const baseEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
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
      npm_config_update_notifier: 'false',
      ...extra,
    };
  };
  const run = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
    spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? baseEnv(), encoding: 'utf8' });
  const git = (args: string[], cwd?: string) => {
    const r = run('git', args, { cwd });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  const seed = path.join(tmpRoot, 'seed');
  const files = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT).split('\0').filter((f) => f && fs.existsSync(path.join(ROOT, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(seed, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(seed, f));
  }
  git(['init', '--quiet', '--initial-branch=main', seed]);
  git(['add', '--all'], seed);
  git(['commit', '--quiet', '-m', 'the platform'], seed);

  const remote = (change?: (work: string) => void): Remote => {
    const dir = tmpDir('remote');
    const bare = path.join(dir, 'platform.git');
    git(['clone', '--quiet', '--bare', seed, bare]);
    if (change) {
      const work = path.join(dir, 'work');
      git(['clone', '--quiet', bare, work]);
      change(work);
      git(['commit', '--quiet', '--all', '-m', 'a change'], work);
      git(['push', '--quiet', 'origin', 'main'], work);
    }
    const g = (args: string[]) => git(['--git-dir', bare, ...args]);
    return {
      bare,
      head: () => g(['rev-parse', 'refs/heads/main']).trim(),
      show: (rev, file) => g(['show', `${rev}:${file}`]),
      changed: (from, to) => g(['diff', '--name-only', from, to]).trim().split('\n').filter(Boolean),
      count: () => Number(g(['rev-list', '--count', 'main']).trim()),
    };
  };
  const check = (bare: string, rev = 'main') => {
    const work = path.join(tmpDir('check'), 'platform');
    git(['clone', '--quiet', '--branch', 'main', bare, work]);
    git(['checkout', '--quiet', rev], work);
    fs.symlinkSync(NODE_MODULES, path.join(work, 'node_modules'));
    return run('npm', ['run', '--silent', 'check'], { cwd: work });
  };
  return { tmpDir, baseEnv, run, git, remote, check, cleanup: () => fs.rmSync(tmpRoot, { recursive: true, force: true }) };
}
