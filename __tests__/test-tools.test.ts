import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './support/platform';
import { installCommand, PACKAGE_LIST, testPackages } from './support/test-tools';

/**
 * A fresh Debian machine passes `npm test` with nothing installed by hand: jest's global setup runs
 * tools/test-tools/install.sh, which installs the Debian packages of tools/test-tools/packages that
 * are missing (as root or through sudo -n), the same script and list .ci/run uses; elsewhere it
 * names the exact install command.
 */
const ROOT = path.join(__dirname, '..');
const SCRIPT = path.join(ROOT, 'tools', 'test-tools', 'install.sh');

/** A folder of fake commands (each logs its arguments to `log`) put before the real PATH. */
function fakes(dir: string, log: string, commands: Record<string, string>): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(commands)) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\n${body}\n`, { mode: 0o755 });
  }
  return `${bin}:${process.env.PATH}`;
}

function run(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env });
}

describe('one list of Debian packages, installed by npm test and .ci/run alike', () => {
  test('jest runs the install as its global setup; .ci/run runs the same script and names no package itself', () => {
    const config = require(path.join(ROOT, 'jest.config.js'));
    expect(config.globalSetup).toBe('<rootDir>/bin/test-setup.js');
    expect(fs.readFileSync(path.join(ROOT, 'bin', 'test-setup.js'), 'utf8')).toContain("'tools', 'test-tools', 'install.sh'");
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toContain('bash tools/test-tools/install.sh --install');
    expect(ci.indexOf('bash tools/test-tools/install.sh')).toBeLessThan(ci.indexOf('\nnpm test'));
    for (const file of ['.ci/run', '.github/workflows/ci.yml', '.gitlab-ci.yml']) {
      expect({ file, installs: /apt-get install/.test(fs.readFileSync(path.join(ROOT, file), 'utf8')) }).toEqual({ file, installs: false });
    }
  });

  test('the list names every tool the consumer tests run', () => {
    const probes = testPackages().flatMap((p) => p.probes);
    expect(probes).toEqual(expect.arrayContaining(['shellcheck', 'openssl', 'curl', 'jq', 'go', '/usr/share/gocode/src/sigs.k8s.io/yaml', 'promtool', 'prometheus', 'kubectl']));
    expect(installCommand('go', '/usr/share/gocode/src/sigs.k8s.io/yaml')).toBe('sudo apt-get install -y golang-go golang-k8s-sigs-yaml-dev');
    expect(installCommand('promtool')).toBe('sudo apt-get install -y prometheus');
    // kubectl is no Debian package of a version that renders as Argo CD does: never installed, only named.
    expect(testPackages().find((p) => p.probes.includes('kubectl'))!.name).toBe('-');
  });

  test('in CI every tool of the list is there after the setup', () => {
    const r = run([], { ...process.env });
    if (process.env.CI) expect([r.status, r.stderr]).toEqual([0, '']);
    else expect([0, 1]).toContain(r.status);
  });
});

describe('tools/test-tools/install.sh', () => {
  const list = (dir: string) => {
    const file = path.join(dir, 'packages');
    fs.writeFileSync(file, [
      '# a comment',
      'bash-pkg       bash                   present: never installed',
      'fake-one       no-such-tool-1,bash    the first missing tool',
      'fake-two       /no/such/path/at/all   a missing path',
      'fake-one       no-such-tool-2         the same package again',
      '-              no-such-tool-3         not from Debian',
      '',
    ].join('\n'));
    return file;
  };

  test('nothing missing: exit 0, silent', () => {
    const dir = tempDir();
    const file = path.join(dir, 'packages');
    fs.writeFileSync(file, 'bash-pkg bash present\n');
    expect(run(['--list', file], process.env)).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });

  test('refused: check only, the missing packages, why, and the exact install command', () => {
    const dir = tempDir();
    const r = run(['--list', list(dir)], process.env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('fake-one (no-such-tool-1,bash): the first missing tool');
    expect(r.stderr).toContain('fake-two (/no/such/path/at/all): a missing path');
    expect(r.stderr).toContain('install them with: sudo apt-get install -y fake-one fake-two\n');
    expect(r.stderr).toContain('no-such-tool-3 is not installed (no Debian package of it will do): not from Debian');
    expect(r.stderr).not.toContain('bash-pkg');
  });

  test('--install without root: apt-get through sudo -n, exactly the missing packages, services kept from starting', () => {
    const dir = tempDir();
    const log = path.join(dir, 'log');
    const PATH = fakes(dir, log, { id: 'echo 1000', sudo: 'exit 0', 'apt-get': 'exit 0' });
    const r = run(['--install', '--list', list(dir)], { ...process.env, PATH });
    const calls = fs.readFileSync(log, 'utf8');
    expect(calls).toContain('sudo -n apt-get update -qq\n');
    expect(calls).toContain('sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fake-one fake-two\n');
    // Nothing ran for real (the fakes install nothing), so it says what is still missing.
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('test-tools: could not install fake-one fake-two');
    if (!fs.existsSync('/usr/sbin/policy-rc.d')) expect(calls).toMatch(/sudo -n tee \/usr\/sbin\/policy-rc.d[\s\S]*apt-get install[\s\S]*sudo -n rm -f \/usr\/sbin\/policy-rc.d/);
  });

  test('--install where sudo asks for a password: nothing runs, the command is named', () => {
    const dir = tempDir();
    const log = path.join(dir, 'log');
    const PATH = fakes(dir, log, { id: 'echo 1000', sudo: 'exit 1', 'apt-get': 'exit 0' });
    const r = run(['--install', '--list', list(dir)], { ...process.env, PATH });
    expect(r.status).toBe(1);
    expect(fs.readFileSync(log, 'utf8')).not.toContain('apt-get');
    expect(r.stderr).toContain('install them with: sudo apt-get install -y fake-one fake-two');
  });

  test('the real list parses for the script as for the tests', () => {
    const r = spawnSync('bash', ['-n', SCRIPT]);
    expect(r.status).toBe(0);
    expect(testPackages(PACKAGE_LIST).every((p) => p.name && p.probes.length && p.why)).toBe(true);
  });
});

describe('the Quick start', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1)).replace(/\s+/g, ' ');

  test('names the prerequisites: Node.js, every package of the list, kubectl, and that npm test installs them', () => {
    expect(quickStart).toContain('Node.js 20');
    for (const p of testPackages().filter((x) => x.name !== '-')) expect(quickStart).toContain(`\`${p.name}\``);
    expect(quickStart).toContain('`kubectl` 1.27');
    expect(quickStart).toContain('tools/test-tools/packages');
    expect(quickStart).toMatch(/npm test` installs the missing packages itself/);
  });

  test('npm run typecheck is tsc alone; one suite is run with npx jest <file>', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.typecheck).toBe('tsc -p .');
    expect(pkg.scripts.test).toBe('tsc -p . && jest');
    expect(quickStart).toContain('`npm run typecheck`');
    const one = /`npx jest (__tests__\/[\w.-]+\.test\.ts)`/.exec(quickStart)!;
    expect(fs.existsSync(path.join(ROOT, one[1]))).toBe(true);
    expect(quickStart).toMatch(/`npm test` \d+ min \d+ s/);
  });
});
