import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { stringify } from 'yaml';
import { missingTool } from './test-tools';

/**
 * Debian's `prometheus` package (2.42) in the tests: its `promtool`, and a Prometheus server on
 * 127.0.0.1 with a temporary storage folder, stopped by the test that started it. `.ci/run`
 * installs the package; in CI its absence is an error, elsewhere the tests that need it skip.
 */

export const PROMETHEUS = process.env.PROMETHEUS_BIN ?? 'prometheus';
export const PROMTOOL = process.env.PROMTOOL_BIN ?? 'promtool';

/** Whether promtool and prometheus can run here; in CI their absence is an error, not a skip. */
export function hasPrometheus(): boolean {
  const ok = spawnSync(PROMTOOL, ['--version']).status === 0 && spawnSync(PROMETHEUS, ['--version']).status === 0;
  if (!ok && process.env.CI) throw new Error(missingTool(`${PROMTOOL} or ${PROMETHEUS}`, 'promtool'));
  if (!ok) console.warn(`${missingTool(`${PROMTOOL} or ${PROMETHEUS}`, 'promtool')}: skipped the tests that need it`);
  return ok;
}

/** Runs promtool; returns its exit status and output (stdout and stderr together). */
export function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, args, { input, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The rule file the operator writes for a PrometheusRule: its spec (groups) as YAML (pkg/operator/rules.go generateRulesConfiguration). */
export function ruleFile(rule: any): string {
  return stringify({ groups: rule.spec.groups });
}

/** A free TCP port on 127.0.0.1 (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface PrometheusServer {
  readonly url: string;
  /** An instant query (GET /api/v1/query, as Argo Rollouts' client asks): the `data` of the answer. */
  query(expr: string): Promise<{ resultType: string; result: any[] }>;
  /** GET /api/v1/<path>: the `data` of the answer. */
  api(pathAndQuery: string): Promise<any>;
  stop(): Promise<void>;
}

/**
 * Starts `prometheus` on 127.0.0.1 (a free port) with the configuration and rule files, storing in
 * `dir` (a fresh temporary folder, removed by stop()); resolves once it answers /-/ready.
 */
export async function startPrometheus(dir: string, config: Record<string, unknown>, rules: Record<string, string>): Promise<PrometheusServer> {
  fs.mkdirSync(dir, { recursive: true });
  const ruleFiles = Object.entries(rules).map(([name, text]) => {
    const file = path.join(dir, `${name}.rules.yaml`);
    fs.writeFileSync(file, text);
    return file;
  });
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(configFile, stringify({ ...config, rule_files: ruleFiles }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log: string[] = [];
  const child: ChildProcess = spawn(PROMETHEUS, [
    `--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => log.push(String(d)));
  child.stderr!.on('data', (d) => log.push(String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const getJson = async (p: string) => {
    const res = await fetch(`${url}${p}`);
    const body: any = await res.json();
    if (body.status !== 'success') throw new Error(`Prometheus ${p}: ${body.errorType}: ${body.error}`);
    return body.data;
  };
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${log.join('')}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).status === 200) break;
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  return {
    url,
    query: (expr) => getJson(`/api/v1/query?query=${encodeURIComponent(expr)}`),
    api: (p) => getJson(`/api/v1/${p}`),
    stop,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How a version of an app answers its users. */
export type Behaviour = 'healthy' | 'degraded' | 'failing' | 'idle';

/** Requests per second a pod serves, and how they end, per behaviour (status, share, seconds each). */
const TRAFFIC: Record<Behaviour, Array<{ status: number; share: number; seconds: number }>> = {
  // 4xx are the caller's errors, not the version's: they count as served.
  healthy: [{ status: 200, share: 0.95, seconds: 0.02 }, { status: 404, share: 0.05, seconds: 0.01 }],
  // One request in ten fails, and answers are slow.
  degraded: [{ status: 200, share: 0.9, seconds: 0.8 }, { status: 500, share: 0.1, seconds: 0.8 }],
  // Every request fails, fast (a missing database, a bad config): no series of a non-5xx answer exists.
  failing: [{ status: 500, share: 1, seconds: 0.005 }],
  // No user request at all (a preview nobody tests, a canary at 0%): only probes and scrapes.
  idle: [],
};
const RATE = 50;

/** A subset of Micrometer's percentile-histogram buckets for a timer in seconds (PercentileHistogramBuckets). */
const BUCKETS = [0.001, 0.002796201, 0.005592405, 0.011184809, 0.022369621, 0.044739241, 0.089478485, 0.178956969,
  0.357913941, 0.536870911, 0.715827881, 0.894784851, 1.431655765, 2.863311529, 5.726623061, 11.453246121, 30];

interface Series { tags: Record<string, string>; seconds: number; count: number }

function tagsOf(status: number, uri: string): Record<string, string> {
  const outcome = status >= 500 ? 'SERVER_ERROR' : status >= 400 ? 'CLIENT_ERROR' : 'SUCCESS';
  const exception = status >= 500 ? 'IllegalStateException' : 'none';
  // Micrometer's DefaultServerRequestObservationConvention (Spring Boot 3): error, exception, method, outcome, status, uri.
  return { error: exception, exception, method: 'GET', outcome, status: String(status), uri };
}

function labelText(tags: Record<string, string>, extra = ''): string {
  const parts = Object.keys(tags).sort().map((k) => `${k}="${tags[k]}"`);
  return `{${[...parts, ...(extra ? [extra] : [])].join(',')}}`;
}

/**
 * The text of `/actuator/prometheus` of a Spring Boot 3 app (Micrometer's Prometheus registry) after
 * `elapsed` seconds of traffic: `http_server_requests_seconds` as a histogram (with
 * percentiles-histogram on) or a summary (`_count`, `_sum`), and `_max`. A series exists only
 * once a request of its tags happened, as in Micrometer.
 */
export function actuatorText(behaviour: Behaviour, elapsed: number, histogram: boolean): string {
  const series: Series[] = [
    // Probes and scrapes: always there, never user traffic.
    { tags: tagsOf(200, '/actuator/health/{*path}'), seconds: 0.003, count: Math.floor(elapsed * 2) + 1 },
    { tags: tagsOf(200, '/actuator/prometheus'), seconds: 0.01, count: Math.floor(elapsed) + 1 },
    ...TRAFFIC[behaviour].map((t) => ({ tags: tagsOf(t.status, '/api/items'), seconds: t.seconds, count: Math.floor(elapsed * RATE * t.share) + 1 })),
  ];
  const name = 'http_server_requests_seconds';
  const lines = [`# HELP ${name}  `, `# TYPE ${name} ${histogram ? 'histogram' : 'summary'}`];
  for (const s of series) {
    if (histogram) {
      for (const le of BUCKETS) lines.push(`${name}_bucket${labelText(s.tags, `le="${le}"`)} ${s.seconds <= le ? s.count : 0}.0`);
      lines.push(`${name}_bucket${labelText(s.tags, 'le="+Inf"')} ${s.count}.0`);
    }
    lines.push(`${name}_count${labelText(s.tags)} ${s.count}.0`);
    lines.push(`${name}_sum${labelText(s.tags)} ${(s.count * s.seconds).toFixed(6)}`);
  }
  lines.push(`# HELP ${name}_max  `, `# TYPE ${name}_max gauge`);
  for (const s of series) lines.push(`${name}_max${labelText(s.tags)} ${s.seconds}`);
  return `${lines.join('\n')}\n`;
}

export interface FakeActuator {
  readonly address: string;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 (a free port) serving one pod's `/actuator/prometheus`, its traffic counted from its start. */
export async function startActuator(behaviour: Behaviour, histogram: boolean, metricsPath = '/actuator/prometheus'): Promise<FakeActuator> {
  const started = Date.now();
  const server = http.createServer((req, res) => {
    if (req.url?.split('?')[0] !== metricsPath) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(actuatorText(behaviour, (Date.now() - started) / 1000, histogram));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { address: `127.0.0.1:${port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}
