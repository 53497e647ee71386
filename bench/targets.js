'use strict';
// The performance targets, each with the value measured in this run and whether it holds. The
// benchmark only reports them: no test fails on a wall-clock figure.

/**
 * The targets measurable from `rows` (one per app count, each mode's fastest run) and `sample`
 * (bench/sample.js); a target whose figures were not measured has value and holds null.
 */
function targets(rows, sample) {
  const row = (apps) => rows.find((r) => r.apps === apps);
  const ratio = (a, b) => (a && b ? a.seconds / b.seconds : null);
  // The same ratio between the medians of the runs: one lucky run cannot move it.
  const median = (list) => [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)];
  const medianRatio = (a, b) => (a?.runs && b?.runs ? median(a.runs) / median(b.runs) : null);
  // The same ratio in user CPU time (of the fastest runs), which a busy machine moves least.
  const cpuRatio = (a, b) => (a?.userCpuSeconds && b?.userCpuSeconds ? a.userCpuSeconds / b.userCpuSeconds : null);
  const list = [
    { name: 'sample', text: 'sample synth <= 4.5 x a bare node start', limit: 4.5, value: sample ? sample.ratio : null,
      medianValue: sample ? sample.synth.medianSeconds / sample.nodeStart.medianSeconds : null,
      needs: '--sample-runs of at least 1' },
    { name: '1000-apps-floor', text: '1,000 apps <= 1.5 x floor', limit: 1.5, value: ratio(row(1000)?.platform, row(1000)?.floor),
      medianValue: medianRatio(row(1000)?.platform, row(1000)?.floor),
      userCpuValue: cpuRatio(row(1000)?.platform, row(1000)?.floor),
      needs: '--apps with 1000 and --modes with platform and floor' },
    { name: '2000-apps-scaling', text: '2,000 apps <= 2.1 x the time of 1,000 apps', limit: 2.1, value: ratio(row(2000)?.platform, row(1000)?.platform),
      medianValue: medianRatio(row(2000)?.platform, row(1000)?.platform),
      userCpuValue: cpuRatio(row(2000)?.platform, row(1000)?.platform),
      needs: '--apps with 1000 and 2000 and --modes with platform' },
  ];
  return list.map(({ needs, ...t }) => ({ ...t, holds: t.value === null ? null : t.value <= t.limit, ...(t.value === null ? { needs } : {}) }));
}

function formatTarget(t) {
  if (t.value === null) return `not measured (needs ${t.needs})`;
  const others = [t.medianValue ? `medians ${t.medianValue.toFixed(2)} x` : '', t.userCpuValue ? `user CPU ${t.userCpuValue.toFixed(2)} x` : ''].filter(Boolean);
  return `${t.value.toFixed(2)} x  ${t.holds ? 'holds' : 'MISSED'}${others.length ? `  (${others.join(', ')})` : ''}`;
}

/** The targets as printed lines. */
function formatTargets(list) {
  const width = Math.max(...list.map((t) => t.text.length));
  return ['targets (wall-clock, fastest runs):', ...list.map((t) => `  ${t.text.padEnd(width)}  ${formatTarget(t)}`)];
}

module.exports = { targets, formatTargets };
