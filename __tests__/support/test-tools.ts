import * as fs from 'fs';
import * as path from 'path';

/**
 * The Debian packages the tests need, from the one list that `.ci/run` and jest's global setup
 * install from (tools/test-tools/packages): a test that finds one missing names the exact command.
 */
export const PACKAGE_LIST = path.join(__dirname, '..', '..', 'tools', 'test-tools', 'packages');

export interface TestPackage {
  readonly name: string;
  /** Commands on PATH, or absolute paths, that prove it is installed. */
  readonly probes: readonly string[];
  readonly why: string;
}

export function testPackages(file = PACKAGE_LIST): TestPackage[] {
  return fs.readFileSync(file, 'utf8').split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [name, probes, ...why] = line.split(/\s+/);
      return { name, probes: probes.split(','), why: why.join(' ') };
    });
}

/** `sudo apt-get install -y <package>` for the packages that provide these commands or paths. */
export function installCommand(...probes: string[]): string {
  const names = testPackages().filter((p) => p.probes.some((q) => probes.includes(q))).map((p) => p.name);
  if (names.length === 0) throw new Error(`no package of ${PACKAGE_LIST} provides ${probes.join(', ')}`);
  return `sudo apt-get install -y ${[...new Set(names)].join(' ')}`;
}

/** What a test says when a tool is missing: the tool, the command, and that `npm test` installs it as root. */
export function missingTool(tool: string, ...probes: string[]): string {
  return `${tool} is not installed: ${installCommand(...(probes.length ? probes : [tool]))} `
    + '(npm test installs it itself when run as root on Debian; the list is tools/test-tools/packages)';
}
