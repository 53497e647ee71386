import { spawnSync } from 'child_process';
import * as path from 'path';
// bench/ helpers are plain JavaScript, run by bin/bench.js.
const { targets, formatTargets } = require('../bench/targets') as {
  targets: (rows: object[], sample?: object) => { name: string; value: number | null; medianValue?: number | null; userCpuValue?: number | null; holds: boolean | null }[];
  formatTargets: (list: object[]) => string[];
};
const { formatReport } = require('../bench/report') as { formatReport: (result: object) => string[] };

const ROOT = path.join(__dirname, '..');
const bench = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'bench.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

// The benchmark is not a timed test: this only checks that it runs and reports well-formed figures.

/** The sample's figures: positive, each the fastest of its runs, the ratio and the shares their figures'. */
function expectSample(sample: any, runs: number): void {
  expect(sample.runs).toBe(runs);
  for (const figure of [sample.synth, sample.nodeStart]) {
    expect(figure.runs).toHaveLength(runs);
    for (const t of figure.runs) expect(t).toBeGreaterThan(0);
    expect(figure.seconds).toBe(Math.min(...figure.runs));
    expect(figure.medianSeconds).toBeGreaterThanOrEqual(figure.seconds);
  }
  expect(sample.ratio).toBeCloseTo(sample.synth.seconds / sample.nodeStart.seconds, 10);
  const load = sample.load;
  expect(load.runs).toHaveLength(runs);
  expect(load.totalSeconds).toBe(Math.min(...load.runs));
  for (const key of ['nodeStartSeconds', 'moduleLoadSeconds', 'constructsSynthSeconds', 'libIndexLoadedSeconds']) expect(load[key]).toBeGreaterThan(0);
  // lib/index.ts is the bulk of what loads: it is loaded once node has started, and takes most of the module load.
  expect(load.libIndexLoadedSeconds).toBeGreaterThan(load.nodeStartSeconds);
  expect(load.libIndexLoadedSeconds).toBeLessThan(load.nodeStartSeconds + load.moduleLoadSeconds + load.constructsSynthSeconds);
  expect(load.modules).toBeGreaterThan(100);
  // The module load by source: the project's lib/ and the packages it loads, largest first, adding up to at most the whole.
  const sources = Object.entries(load.bySourceSeconds) as [string, number][];
  expect(sources.map(([k]) => k)).toEqual(expect.arrayContaining(['lib/', 'imports/', 'cdk8s']));
  // A synth never loads a YAML library (the emitter writes the YAML; cdk8s's own copy is deferred).
  expect(sources.map(([k]) => k)).not.toContain('yaml');
  expect(sources.map(([, v]) => v)).toEqual([...sources.map(([, v]) => v)].sort((a, b) => b - a));
  for (const [, v] of sources) expect(v).toBeGreaterThanOrEqual(0);
  const sum = sources.reduce((a, [, v]) => a + v, 0);
  expect(sum).toBeLessThanOrEqual(load.moduleLoadSeconds + 1e-6);
  expect(sum).toBeGreaterThan(load.moduleLoadSeconds / 2);
  // The phases add up to the run, and each share is its phase's.
  expect(load.nodeStartSeconds + load.moduleLoadSeconds + load.constructsSynthSeconds + load.exitSeconds).toBeCloseTo(load.totalSeconds, 6);
  for (const phase of ['nodeStart', 'moduleLoad', 'constructsSynth', 'exit']) expect(load.shares[phase]).toBeCloseTo(load[`${phase}Seconds`] / load.totalSeconds, 10);
}
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
        // CPU time over the same window, all the process's threads: user time is never zero, kernel time can be.
        expect(row[mode].userCpuSeconds).toBeGreaterThan(0);
        expect(row[mode].systemCpuSeconds).toBeGreaterThanOrEqual(0);
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
    expectSample(out.sample, 1);
    expect(out.options).toEqual({ runs: 2, sampleRuns: 1, plainTimeout: 120 });
    // A saved result prints as the run would have: the table, the sample, the targets.
    const printed: string[] = formatReport(out);
    expect(printed[0]).toBe('| apps | objects | synth s | objects/s | peak RSS MiB | chart/app s | top charts s | floor s | x floor | plain cdk8s s | x plain |');
    expect(printed).toContain('each figure: the fastest of 2 runs in fresh processes (plain cdk8s: one run)');
    expect(printed).toContain(`sample synth: ${out.sample.synth.seconds.toFixed(2)} s = ${out.sample.ratio.toFixed(1)} x a bare node start (${Math.round(out.sample.nodeStart.seconds * 1000)} ms)`);
    expect(printed[printed.length - 4]).toBe('targets (wall-clock, fastest runs):');
    // Without 1,000 and 2,000 apps the scale targets are named but not measured.
    expect(out.targets.map((t: any) => [t.name, t.limit])).toEqual([['sample', 4.5], ['1000-apps-floor', 1.5], ['2000-apps-scaling', 2.1]]);
    expect(out.targets[0]).toMatchObject({ value: out.sample.ratio, holds: out.sample.ratio <= 4.5 });
    expect(out.targets.slice(1)).toEqual([
      expect.objectContaining({ value: null, holds: null, needs: expect.stringContaining('--apps with 1000') }),
      expect.objectContaining({ value: null, holds: null, needs: expect.stringContaining('--apps with 1000 and 2000') }),
    ]);
  });

  test('reports the scale targets as ratios of the rows it measured', () => {
    // The targets' own app counts take minutes to measure: their arithmetic is checked on given rows.
    const rows = [
      { apps: 100, platform: { seconds: 0.5, userCpuSeconds: 0.4, runs: [0.5] }, floor: { seconds: 0.6, userCpuSeconds: 0.5, runs: [0.6] } },
      { apps: 1000, platform: { seconds: 6, userCpuSeconds: 4, runs: [7, 6, 8] }, floor: { seconds: 5, userCpuSeconds: 5, runs: [5, 8, 7] } },
      { apps: 2000, platform: { seconds: 13, userCpuSeconds: 7.8, runs: [13, 14, 15] }, floor: { seconds: 9, userCpuSeconds: 9, runs: [9, 9, 9] } },
    ];
    const list = targets(rows, { ratio: 4, synth: { medianSeconds: 0.5 }, nodeStart: { medianSeconds: 0.1 } });
    expect(list.map((t) => [t.name, t.value, t.holds])).toEqual([['sample', 4, true], ['1000-apps-floor', 1.2, true], ['2000-apps-scaling', 13 / 6, false]]);
    expect(list.map((t) => t.userCpuValue)).toEqual([undefined, 0.8, 7.8 / 4]);
    // The medians of the runs: 7 / 7 and 14 / 7.
    expect(list.map((t) => t.medianValue)).toEqual([5, 1, 2]);
    expect(formatTargets(list)).toEqual([
      'targets (wall-clock, fastest runs):',
      '  sample synth <= 4.5 x a bare node start     4.00 x  holds  (medians 5.00 x)',
      '  1,000 apps <= 1.5 x floor                   1.20 x  holds  (medians 1.00 x, user CPU 0.80 x)',
      '  2,000 apps <= 2.1 x the time of 1,000 apps  2.17 x  MISSED  (medians 2.00 x, user CPU 1.95 x)',
    ]);
    // Without the floor at 1,000 apps, that target is not measured.
    expect(targets([rows[1]].map(({ apps, platform }) => ({ apps, platform })), undefined).map((t) => t.holds)).toEqual([null, null, null]);
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
    const sample = lines.slice(8);
    expect(sample[0]).toMatch(/^sample synth: \d+\.\d\d s = \d+\.\d x a bare node start \(\d+ ms\)$/);
    // The printed ratio is the two printed figures' (rounding aside).
    const [, synth, ratio, node] = sample[0].match(/([\d.]+) s = ([\d.]+) x .*\((\d+) ms\)/)!.map(Number);
    expect(Math.abs(ratio - synth / (node / 1000))).toBeLessThan(0.05 + ratio * 0.05);
    expect(sample[1]).toBe("  cold `node bin/synth.js --quiet` of main.ts and `node -e ''`, each the fastest of 1 interleaved runs after a warm-up (medians " + sample[1].match(/medians (.*)\)$/)![1] + ')');
    expect(sample[2]).toMatch(/^sample synth, where the time goes \(with bench\/load-probe\.js, fastest of 1: [\d.]+ s\):$/);
    expect(sample[3]).toMatch(/^ {2}node start \d+ ms \(\d+%\)$/);
    expect(sample[4]).toMatch(/^ {2}module load \d+ ms \(\d+%; \d+ modules, lib\/index\.ts loaded at \d+ ms\)$/);
    expect(sample[5]).toMatch(/(: |, )lib\/ \d+ ms/);
    expect(sample[5]).toMatch(/^ {4}by source: ([\w@./-]+ \d+ ms, ){5}\d+ more \d+ ms$/);
    expect(sample[6]).toMatch(/^ {2}constructs \+ synth \d+ ms \(\d+%\)$/);
    expect(sample[7]).toMatch(/^ {2}exit and teardown -?\d+ ms \(-?\d+%\)$/);
    expect(sample.slice(8)).toEqual([
      'targets (wall-clock, fastest runs):',
      expect.stringMatching(/^ {2}sample synth <= 4\.5 x a bare node start {5}\d+\.\d\d x {2}(holds|MISSED) {2}\(medians \d+\.\d\d x\)$/),
      '  1,000 apps <= 1.5 x floor                   not measured (needs --apps with 1000 and --modes with platform and floor)',
      '  2,000 apps <= 2.1 x the time of 1,000 apps  not measured (needs --apps with 1000 and 2000 and --modes with platform)',
    ]);
  });

  test('--apps none measures the sample alone', () => {
    const r = bench('--apps', 'none', '--sample-runs', '1');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^sample synth: /);
    expect(r.stdout).not.toContain('| apps |');
    expect(r.stdout).toContain('  1,000 apps <= 1.5 x floor                   not measured');
  });

  test('refuses a bad --sample-runs value', () => {
    const r = bench('--sample-runs', '-1');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--sample-runs takes a whole number');
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
