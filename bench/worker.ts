// One measurement in a fresh process (so that peak RSS is its own): prints a JSON line.
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App } from 'cdk8s';
import { Manifest, PlatformApp, YAML_OPTIONS } from '../lib';
import { declarePlainCdk8s, declarePlatform } from './apps';

const [mode, countArg, outdir, objectsFile] = process.argv.slice(2);
const count = Number(countArg);

interface Clock { wall: number; cpu: NodeJS.CpuUsage }
interface Times { seconds: number; userCpuSeconds: number; systemCpuSeconds: number }

/** Starts the measured window: wall-clock and the process's CPU time (all its threads, GC helpers included). */
function startClock(): Clock {
  return { wall: performance.now(), cpu: process.cpuUsage() };
}

/**
 * Wall-clock seconds, and CPU seconds in user and kernel mode over the same window: on a shared
 * machine user CPU moves least between runs; kernel time is mostly writing the files.
 */
function stopClock(start: Clock): Times {
  const cpu = process.cpuUsage(start.cpu);
  return { seconds: (performance.now() - start.wall) / 1000, userCpuSeconds: cpu.user / 1e6, systemCpuSeconds: cpu.system / 1e6 };
}

function report(times: Times, objects: number): void {
  process.stdout.write(`${JSON.stringify({ mode, count, ...times, objects, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

/** A PlatformApp that keeps the manifests its synth() checked and wrote, for the floor to serialize. */
class MeasuredApp extends PlatformApp {
  public synthesized?: Manifest[];

  protected override rendered(): ReturnType<PlatformApp['rendered']> {
    const rendered = super.rendered();
    this.synthesized = rendered.manifests;
    return rendered;
  }
}

if (mode === 'platform' || mode === 'platform-chart-per-app' || mode === 'platform-top-charts') {
  const start = startClock();
  const app = new MeasuredApp({ outdir });
  // Top-level charts: the plain cdk8s arrangement (one Chart per app and environment), through PlatformApp.
  if (mode === 'platform-top-charts') declarePlainCdk8s(app, count);
  else declarePlatform(app, count, mode === 'platform' ? 'environment' : 'chart-per-app');
  // What `npm run synth` runs: checks, the manifests and inventory pages written, the report.
  app.synth();
  const times = stopClock(start);
  const manifests = app.synthesized!;
  if (objectsFile) fs.writeFileSync(objectsFile, JSON.stringify(manifests));
  report(times, manifests.length);
} else if (mode === 'floor') {
  // The same final objects, stringified with the same YAML library and written: no constructs, no checks.
  const manifests: { file: string; doc: unknown }[] = JSON.parse(fs.readFileSync(objectsFile, 'utf8'));
  // Loaded here only, as a synth never loads the YAML library: with it loaded, the constructs' toJson
  // of 2,000 apps took 2.0-2.3 s instead of 1.4-1.5 s (1,000 apps: 0.8 s either way).
  const YAML: typeof import('yaml') = require('yaml');
  const start = startClock();
  const files = new Map<string, string[]>();
  for (const m of manifests) {
    const list = files.get(m.file) ?? [];
    list.push(YAML.stringify(m.doc, YAML_OPTIONS));
    files.set(m.file, list);
  }
  for (const [file, docs] of files) {
    fs.mkdirSync(path.dirname(path.join(outdir, file)), { recursive: true });
    fs.writeFileSync(path.join(outdir, file), docs.join('---\n'));
  }
  report(stopClock(start), manifests.length);
} else if (mode === 'plain') {
  const start = startClock();
  const app = new App({ outdir });
  declarePlainCdk8s(app, count);
  app.synth();
  const times = stopClock(start);
  const objects = fs.readdirSync(outdir).reduce((n, f) => n + fs.readFileSync(path.join(outdir, f), 'utf8').split(/^kind: /m).length - 1, 0);
  report(times, objects);
} else {
  throw new Error(`unknown mode ${mode}`);
}
