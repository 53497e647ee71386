import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'ts-register');

describe('TypeScript require hook', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-register-'));
  const source = path.join(dir, 'probe.ts');
  const prefix = `${crypto.createHash('sha1').update(source).digest('hex').slice(0, 16)}-`;
  const entries = () => (fs.existsSync(CACHE) ? fs.readdirSync(CACHE).filter((e) => e.startsWith(prefix)) : []);
  const run = (value: number) => {
    fs.writeFileSync(source, `const value: number = ${value};\nprocess.stdout.write(String(value));\n`);
    const r = spawnSync(process.execPath, ['-r', path.join(ROOT, 'bin', 'ts-register-hook.js'), source], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout;
  };

  afterAll(() => {
    for (const e of entries()) fs.rmSync(path.join(CACHE, e), { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('runs TypeScript and keeps one cache entry per source file, replaced when the source changes', () => {
    expect(run(1)).toBe('1');
    const first = entries();
    expect(first).toHaveLength(1);
    expect(run(1)).toBe('1');
    expect(entries()).toEqual(first);
    expect(run(2)).toBe('2');
    const second = entries();
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
  });
});
