'use strict';
// The main job: a cold `node bin/synth.js --quiet` of the sample (main.ts), next to a bare
// `node -e ''` start measured in the same run, and where the synth's time goes (bench/load-probe.js).
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const PROBE = path.join(__dirname, 'load-probe.js');

/** Runs node with `args` in a fresh process; its wall-clock seconds, spawn to exit. */
function timed(args, env) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${r.stderr}`);
  return seconds;
}

const fastest = (list) => Math.min(...list);
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const summary = (runs) => ({ seconds: fastest(runs), medianSeconds: median(runs), runs });

/**
 * `runs` rounds, each a bare node start, a synth and a probed synth, after one warm-up of both
 * synth variants (the probe's `-r` gives the code cache a folder of its own). The fastest counts:
 * on a shared machine interference only ever slows a run down.
 */
function measureSample(runs) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sample-'));
  const probeFile = path.join(outdir, 'probe.json');
  const env = { ...process.env };
  delete env.CDK8S_OUTDIR;
  delete env.BENCH_LOAD_PROBE_OUT;
  const probeEnv = { ...env, BENCH_LOAD_PROBE_OUT: probeFile };
  const synth = [path.join(ROOT, 'bin', 'synth.js'), '--quiet', '--outdir', path.join(outdir, 'dist')];
  const probed = ['-r', PROBE, ...synth];
  try {
    timed(synth, env);
    timed(probed, probeEnv);
    const bare = [];
    const synthRuns = [];
    const probes = [];
    for (let i = 0; i < runs; i++) {
      bare.push(timed(['-e', ''], env));
      synthRuns.push(timed(synth, env));
      const seconds = timed(probed, probeEnv);
      probes.push({ seconds, ...JSON.parse(fs.readFileSync(probeFile, 'utf8')) });
    }
    const nodeStart = summary(bare);
    const synthFigure = summary(synthRuns);
    return { runs, synth: synthFigure, nodeStart, ratio: synthFigure.seconds / nodeStart.seconds, load: loadShare(probes) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The phases of the fastest probed run, in seconds and as shares of its wall-clock time. */
function loadShare(probes) {
  const p = probes.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const total = p.seconds;
  const phases = {
    nodeStart: p.preloadMs / 1000,
    moduleLoad: p.moduleLoadMs / 1000,
    constructsSynth: (p.exitMs - p.preloadMs - p.moduleLoadMs) / 1000,
    exit: total - p.exitMs / 1000,
  };
  const shares = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, v / total]));
  return {
    totalSeconds: total,
    nodeStartSeconds: phases.nodeStart,
    moduleLoadSeconds: phases.moduleLoad,
    constructsSynthSeconds: phases.constructsSynth,
    exitSeconds: phases.exit,
    libIndexLoadedSeconds: p.libIndexMs === undefined ? null : p.libIndexMs / 1000,
    // Largest first.
    bySourceSeconds: Object.fromEntries(Object.entries(p.bySourceMs).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / 1000])),
    modules: p.modules,
    shares,
    runs: probes.map((r) => r.seconds),
  };
}

/** The five largest sources of module load time, then the rest together. */
function bySource(seconds, ms) {
  const list = Object.entries(seconds);
  const rest = list.slice(5);
  const restSeconds = rest.reduce((a, [, v]) => a + v, 0);
  return [...list.slice(0, 5).map(([k, v]) => `${k} ${ms(v)}`), ...(rest.length ? [`${rest.length} more ${ms(restSeconds)}`] : [])].join(', ');
}

/** The sample's figures as printed lines. */
function formatSample(s) {
  const ms = (x) => `${Math.round(x * 1000)} ms`;
  const pct = (x) => `${Math.round(x * 100)}%`;
  const l = s.load;
  return [
    `sample synth: ${s.synth.seconds.toFixed(2)} s = ${s.ratio.toFixed(1)} x a bare node start (${ms(s.nodeStart.seconds)})`,
    `  cold \`node bin/synth.js --quiet\` of main.ts and \`node -e ''\`, each the fastest of ${s.runs} interleaved runs after a warm-up`
      + ` (medians ${s.synth.medianSeconds.toFixed(2)} s and ${ms(s.nodeStart.medianSeconds)})`,
    `sample synth, where the time goes (with bench/load-probe.js, fastest of ${s.runs}: ${l.totalSeconds.toFixed(2)} s):`,
    `  node start ${ms(l.nodeStartSeconds)} (${pct(l.shares.nodeStart)})`,
    `  module load ${ms(l.moduleLoadSeconds)} (${pct(l.shares.moduleLoad)}; ${l.modules} modules, lib/index.ts loaded at ${l.libIndexLoadedSeconds === null ? '-' : ms(l.libIndexLoadedSeconds)})`,
    `    by source: ${bySource(l.bySourceSeconds, ms)}`,
    `  constructs + synth ${ms(l.constructsSynthSeconds)} (${pct(l.shares.constructsSynth)})`,
    `  exit and teardown ${ms(l.exitSeconds)} (${pct(l.shares.exit)})`,
  ];
}

module.exports = { measureSample, formatSample };
