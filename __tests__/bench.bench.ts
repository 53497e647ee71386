import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const bench = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'bench.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

// The benchmark is not a timed test: this only checks that it runs and reports well-formed figures.
describe('npm run bench', () => {
  test('measures the platform and both baselines on the same objects', () => {
    const r = bench('--apps', '3,6', '--runs', '2', '--sample-runs', '1', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows.map((row: any) => row.apps)).toEqual([3, 6]);
    for (const row of out.rows) {
      for (const mode of ['platform', 'platform-chart-per-app', 'platform-top-charts', 'floor', 'plain']) {
        expect(row[mode]).toMatchObject({ mode, count: row.apps });
        expect(row[mode].seconds).toBeGreaterThan(0);
        expect(row[mode].peakRssMiB).toBeGreaterThan(0);
        // The figure is the fastest of its runs; plain cdk8s runs once.
        expect(row[mode].runs).toHaveLength(mode === 'plain' ? 1 : 2);
        expect(row[mode].seconds).toBe(Math.min(...row[mode].runs));
      }
      // Both arrangements and both baselines describe the same objects.
      expect(row['platform-chart-per-app'].objects).toBe(row.platform.objects);
      expect(row.floor.objects).toBe(row.platform.objects);
      // Without Environments there are no Namespace objects: one per environment fewer.
      expect(row['platform-top-charts'].objects).toBe(row.platform.objects - 2);
      expect(row.plain.objects).toBe(row.platform.objects - 2);
    }
    expect(out.rows[1].platform.objects).toBeGreaterThan(out.rows[0].platform.objects);
    expect(out.sampleSynthSeconds).toBeGreaterThan(0);
  });

  test('prints a table with ratios to the baselines', () => {
    const r = bench('--apps', '2,4', '--runs', '1', '--sample-runs', '1');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('| apps | objects | synth s | objects/s | peak RSS MiB | chart/app s | top charts s | floor s | x floor | plain cdk8s s | x plain |');
    expect(lines[2]).toMatch(/^\| 2 \| \d+ \| [\d.]+ \| \d+ \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|$/);
    expect(lines[3]).toMatch(/^\| 4 \| /);
    // Scaling is reported for both arrangements of the apps.
    expect(lines[4]).toMatch(/^scaling 2 -> 4 apps, apps in their environment: time x[\d.]+, peak RSS x[\d.]+ \(\d+ MiB\) for x2\.00 apps$/);
    expect(lines[5]).toMatch(/^scaling 2 -> 4 apps, one Chart per app: time x[\d.]+, peak RSS x[\d.]+ \(\d+ MiB\) for x2\.00 apps$/);
    expect(lines[6]).toMatch(/^scaling 2 -> 4 apps, top-level charts: time x[\d.]+, peak RSS x[\d.]+ \(\d+ MiB\) for x2\.00 apps$/);
    expect(lines[7]).toBe('each figure: the fastest of 1 run in fresh processes (plain cdk8s: one run)');
    expect(r.stdout).toMatch(/sample main.ts, cold `npm run synth` \(median of 1\): [\d.]+ s/);
  });

  test('refuses a bad --apps value', () => {
    const r = bench('--apps', 'many');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--apps takes positive integers');
  });

  test('refuses a bad --runs value', () => {
    const r = bench('--apps', '1', '--runs', '0');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--runs takes a positive integer');
  });
});
