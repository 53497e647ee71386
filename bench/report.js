'use strict';
// The benchmark's printed report, made from the same result --json prints (so a saved result
// prints the same text): the table of apps at scale, the sample, the targets.
const { formatSample } = require('./sample');
const { formatTargets } = require('./targets');

const LAYOUTS = [['platform', 'apps in their environment'], ['platform-chart-per-app', 'one Chart per app'], ['platform-top-charts', 'top-level charts']];
const HEADER = ['apps', 'objects', 'synth s', 'objects/s', 'peak RSS MiB', 'chart/app s', 'top charts s', 'floor s', 'x floor', 'plain cdk8s s', 'x plain'];
const f = (x, d = 2) => (x === undefined ? '-' : x.toFixed(d));

/** One table row: the platform's figures, the other arrangements and both baselines, with ratios. */
function tableRow(r, plainTimeout) {
  const p = r.platform;
  return [r.apps, p?.objects, f(p?.seconds), p ? Math.round(p.objects / p.seconds) : '-', f(p?.peakRssMiB, 0),
    f(r['platform-chart-per-app']?.seconds), f(r['platform-top-charts']?.seconds), f(r.floor?.seconds), p && r.floor ? f(p.seconds / r.floor.seconds) : '-',
    r.plain?.timedOut ? `> ${plainTimeout}` : f(r.plain?.seconds),
    p && r.plain ? `${r.plain.timedOut ? '< ' : ''}${f(p.seconds / r.plain.seconds)}` : '-'];
}

/** The apps at scale: a Markdown table, then how time and memory grow from one count to the next. */
function formatRows(rows, { runs, plainTimeout }) {
  if (!rows.length) return [];
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${tableRow(r, plainTimeout).join(' | ')} |`);
  for (let i = 1; i < rows.length; i++) {
    for (const [mode, layout] of LAYOUTS) {
      const a = rows[i - 1][mode]; const b = rows[i][mode];
      if (a && b) lines.push(`scaling ${rows[i - 1].apps} -> ${rows[i].apps} apps, ${layout}: time x${(b.seconds / a.seconds).toFixed(2)}, peak RSS x${(b.peakRssMiB / a.peakRssMiB).toFixed(2)} (${b.peakRssMiB.toFixed(0)} MiB) for x${(rows[i].apps / rows[i - 1].apps).toFixed(2)} apps`);
    }
  }
  lines.push(`each figure: the fastest of ${runs} run${runs === 1 ? '' : 's'} in fresh processes (plain cdk8s: one run)`);
  return lines;
}

/** The whole report of a result `{ options, rows, sample, targets }`. */
function formatReport(result) {
  return [...formatRows(result.rows, result.options), ...(result.sample ? formatSample(result.sample) : []), ...formatTargets(result.targets)];
}

module.exports = { formatReport };
