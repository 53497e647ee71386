import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/** Whether objects built key by key still share a map after `count` apps, one Chart each. */
function mapsShared(kind: 'platform' | 'plain', count: number): boolean {
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-r', path.join(ROOT, 'bin', 'ts-register-hook.js'),
    path.join(__dirname, 'support', 'map-probe.ts'), kind, String(count)], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

// constructs keys each child table by id; thousands of tables starting with distinct ids exhaust the
// transitions of V8's map for `{}`, after which synth runs several times slower (see lib/synth/child-tables.ts).
describe('construct child tables', () => {
  test('one Chart per app, past the transition limit, leaves object maps shared under PlatformApp', () => {
    expect(mapsShared('platform', 3000)).toBe(true);
  });

  test('the probe detects the problem: a plain cdk8s App of the same shape loses shared maps', () => {
    expect(mapsShared('plain', 3000)).toBe(false);
  });
});
