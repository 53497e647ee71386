#!/usr/bin/env node
// Synth benchmark: `npm run bench -- --apps 100,1000,2000 [--runs 3] [--modes ...] [--json]`.
// Each figure comes from fresh processes, the fastest of --runs; baselines are measured in the same run on the same objects.
// The sample's cold synth and its module-load share are measured by bench/sample.js, the targets checked by bench/targets.js.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { measureSample } = require('../bench/sample');
const { targets } = require('../bench/targets');
const { formatReport } = require('../bench/report');

const HELP = `Usage: npm run bench [-- [options]]

Synth benchmark: generates realistic apps in two environments and synthesizes them through the
real pipeline (validation included) into temporary folders, in fresh processes, next to two
baselines (the serialization floor and plain cdk8s). Prints a Markdown table, then the sample's
cold synth as a multiple of a bare node start with its module-load share, then the performance
targets with the values measured (README, Performance).

Options:
  --apps N,N,...        app counts to measure (default 100,1000,2000); \`none\`: the sample alone
  --runs N              fresh processes per figure, the fastest counts (default 3)
  --sample-runs N       cold \`node bin/synth.js --quiet\` runs of the sample, each next to a bare
                        \`node -e ''\` start and a run that measures module loading; after one
                        warm-up, the fastest counts (default 5; 0 leaves the sample out)
  --modes M,M,...       platform, platform-chart-per-app, platform-top-charts, floor, plain
                        (default: all)
  --plain-timeout S     seconds before plain cdk8s is reported as a bound (default 120)
  --json                every run as JSON as well
  --test [JEST ARGS]    run the benchmark's own tests (__tests__/*.bench.ts, kept out of \`npm test\`
                        for their length) with jest and these arguments, e.g. --json --outputFile=F
  -h, --help            this text
`;
// The benchmark's tests run the benchmark several times: they have their own mode instead of
// slowing down every `npm test` (CI runs them after the tests).
if (process.argv[2] === '--test') {
  const jest = require.resolve('jest/bin/jest');
  const r = spawnSync(process.execPath, [jest, '--testMatch', '**/*.bench.ts', ...process.argv.slice(3)], { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const KNOWN = ['--apps', '--runs', '--sample-runs', '--modes', '--plain-timeout', '--json', '-h', '--help'];
const args = process.argv.slice(2);
if (args.includes('-h') || args.includes('--help')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const unknownOption = args.find((a, i) => a.startsWith('-') && !KNOWN.includes(a) && !(i > 0 && KNOWN.includes(args[i - 1]) && args[i - 1] !== '--json'));
if (unknownOption) {
  console.error(`bench: unknown option ${unknownOption} (see --help)`);
  process.exit(2);
}
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const appsOption = option('apps', '100,1000,2000');
const counts = appsOption === 'none' ? [] : appsOption.split(',').map(Number);
if (counts.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error('--apps takes positive integers separated by commas, e.g. --apps 100,1000 (or none: the sample alone)');
  process.exit(2);
}
const sampleRuns = Number(option('sample-runs', '5'));
if (!Number.isInteger(sampleRuns) || sampleRuns < 0) {
  console.error('--sample-runs takes a whole number: how many times the sample is synthesized (0: not at all)');
  process.exit(2);
}
const runs = Number(option('runs', '3'));
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs takes a positive integer: how many times each figure is measured (the fastest counts)');
  process.exit(2);
}
// Plain cdk8s grows quadratically with the number of charts; past this many seconds it is reported as a lower bound.
const plainTimeout = Number(option('plain-timeout', '120'));
const modes = option('modes', 'platform,platform-chart-per-app,platform-top-charts,floor,plain').split(',');
const root = path.join(__dirname, '..');
const worker = path.join(root, 'bench', 'worker.ts');

function measure(mode, count, objectsFile) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${mode}-`));
  try {
    const timeout = mode === 'plain' ? plainTimeout * 1000 : undefined;
    const r = spawnSync(process.execPath, ['-r', path.join(__dirname, 'ts-register-hook.js'), worker, mode, String(count), outdir, objectsFile || ''],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26, timeout, killSignal: 'SIGKILL' });
    if (r.error && r.error.code === 'ETIMEDOUT') return { mode, count, seconds: plainTimeout, timedOut: true };
    if (r.status !== 0) throw new Error(`${mode} ${count} failed:\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The fastest of the runs (the machine is shared: interference only ever slows a run down), with the highest peak RSS. */
function best(results) {
  const fastest = results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { ...fastest, peakRssMiB: Math.max(...results.map((r) => r.peakRssMiB ?? 0)), runs: results.map((r) => r.seconds) };
}

const rows = [];
for (const count of counts) {
  const objectsFile = path.join(os.tmpdir(), `bench-objects-${process.pid}-${count}.json`);
  const results = {};
  // Rounds interleave the modes, so that a slow spell of the machine hits all of them alike.
  for (let round = 0; round < runs; round++) {
    for (const mode of modes) {
      if (mode === 'floor' && !modes.includes('platform')) continue;
      // Plain cdk8s takes minutes at large sizes: one run.
      if (mode === 'plain' && round > 0) continue;
      (results[mode] ??= []).push(measure(mode, count, mode === 'platform' || mode === 'floor' ? objectsFile : undefined));
    }
  }
  fs.rmSync(objectsFile, { force: true });
  const row = { apps: count };
  for (const [mode, list] of Object.entries(results)) row[mode] = best(list);
  rows.push(row);
}
const sample = sampleRuns > 0 ? measureSample(sampleRuns) : undefined;

const result = { options: { runs, sampleRuns, plainTimeout }, rows, sample, targets: targets(rows, sample) };
if (args.includes('--json')) console.log(JSON.stringify(result));
else for (const line of formatReport(result)) console.log(line);
