import * as path from 'path';
import { POD_MONITOR_LABELS, SERVICE_MONITOR_LABELS, rules } from '../../lib';
import { evaluateResult, MeasurementPhase } from '../support/argo-conditions';
import { podMonitorJob, serviceMonitorJob } from '../support/operator-scrape';
import { tempDir } from '../support/platform';
import { Behaviour, FakeActuator, hasPrometheus, PrometheusServer, ruleFile, sleep, startActuator, startPrometheus } from '../support/prometheus';
import { behaviourOf, distDocs, otherPlatform, World, worldOf } from '../support/rollout-world';

/**
 * The release analysis and the on-call alerts against a real Prometheus (Debian's 2.42), scraping
 * fake Spring Boot actuators with the target labels the Prometheus Operator gives the generated
 * monitors. Four runs, each with its own Prometheus; in each, every app's new version behaves in
 * one of four ways (healthy, degraded, failing = only 5xx, idle = no traffic), rotated so that
 * every app meets every behaviour and, in every run, apps that fail sit beside apps that do not.
 * The stable versions are healthy. Each run waits until every target has been scraped a few times
 * (scrape and rule evaluation every second, queries over their own windows: a rate needs two
 * samples, not the whole window), then asks its questions; nothing here measures time.
 */

const ROOT = path.join(__dirname, '..', '..');
const BEHAVIOURS: Behaviour[] = ['healthy', 'degraded', 'failing', 'idle'];
const available = hasPrometheus();
const describeIfPrometheus = available ? describe : describe.skip;

interface Measurement {
  readonly where: string;
  readonly analysis: string;
  readonly metric: string;
  readonly behaviour: Behaviour;
  readonly values: number[];
  readonly phase: MeasurementPhase;
}

interface Run {
  readonly newVersion: (namespace: string, app: string) => Behaviour;
  readonly worlds: World[];
  readonly prometheus: PrometheusServer;
  readonly actuators: FakeActuator[];
  measurements: Measurement[];
  alerts: string[];
  expectedAlerts: string[];
  targets: any[];
}

const templatesOf = (world: World) => new Map<string, any>(world.docs.filter((d) => d.kind === 'AnalysisTemplate').map((d) => [d.metadata.name, d]));

/** Every analysis of every Rollout: where it runs, its templates and the args the Rollout passes. */
function analysesOf(rollout: any): Array<{ path: string; analysis: any }> {
  const { canary, blueGreen } = rollout.spec.strategy;
  return [
    { path: 'blueGreen.prePromotionAnalysis', analysis: blueGreen?.prePromotionAnalysis },
    { path: 'blueGreen.postPromotionAnalysis', analysis: blueGreen?.postPromotionAnalysis },
    { path: 'canary.analysis', analysis: canary?.analysis },
    ...(canary?.steps ?? []).map((s: any, i: number) => ({ path: `canary.steps[${i}].analysis`, analysis: s.analysis })),
  ].filter((a) => a.analysis);
}

/** The Services that carry users' traffic to a Rollout's app (what the alerts measure, see DeployStrategy.servingServices). */
function servingServices(world: World, app: string): string[] {
  const rollout = world.docs.find((d) => d.kind === 'Rollout' && d.metadata.name === app);
  if (rollout?.spec.strategy.canary) return [app, rollout.spec.strategy.canary.canaryService];
  return [app];
}

async function startRun(index: number, namespaces: any[][]): Promise<Run> {
  const apps = namespaces.flatMap((docs) => docs.filter((d) => d.kind === 'Rollout').map((r) => `${r.metadata.namespace}/${r.metadata.name}`));
  const newVersion = (ns: string, app: string) => BEHAVIOURS[(apps.indexOf(`${ns}/${app}`) + index) % BEHAVIOURS.length];
  const actuators: FakeActuator[] = [];
  const worlds: World[] = [];
  for (const docs of namespaces) {
    const draft = worldOf(docs, () => '');
    const addresses = new Map<string, string>();
    for (const pod of draft.pods) {
      const actuator = await startActuator(behaviourOf(pod, (app) => newVersion(draft.namespace, app)), pod.histogram);
      actuators.push(actuator);
      addresses.set(pod.name, actuator.address);
    }
    worlds.push(worldOf(docs, (pod) => addresses.get(pod)!));
  }
  const scrape_configs = worlds.flatMap((w) => [
    ...w.docs.filter((d) => d.kind === 'ServiceMonitor').flatMap((m) => m.spec.endpoints.map((_: any, i: number) => serviceMonitorJob(m, i, w.endpoints, '1s'))),
    ...w.docs.filter((d) => d.kind === 'PodMonitor').flatMap((m) => m.spec.podMetricsEndpoints.map((_: any, i: number) => podMonitorJob(m, i, w.pods, '1s'))),
  ]);
  const ruleFiles = Object.fromEntries(worlds.flatMap((w) => w.docs.filter((d) => d.kind === 'PrometheusRule').map((r) => [`${w.namespace}-${r.metadata.name}`, ruleFile(r)])));
  const prometheus = await startPrometheus(tempDir(), {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    scrape_configs,
  }, ruleFiles).catch(async (e) => {
    await Promise.all(actuators.map((a) => a.close()));
    throw e;
  });
  return { newVersion, worlds, prometheus, actuators, measurements: [], alerts: [], expectedAlerts: [], targets: [] };
}

/** Waits until every target has a few samples and every rule group was evaluated after that. */
async function waitForData(run: Run): Promise<void> {
  const value = async (expr: string) => Number((await run.prometheus.query(expr)).result[0]?.value[1] ?? 0);
  for (;;) {
    const targets = await value('count(up)');
    if (targets > 0 && (await value('count(count_over_time(up[5m]) >= 4)')) === targets) break;
    await sleep(250);
  }
  const ready = Date.now();
  for (;;) {
    const groups = (await run.prometheus.api('rules')).groups as any[];
    if (groups.every((g) => Date.parse(g.lastEvaluation) > ready)) break;
    await sleep(250);
  }
}

/** Each analysis query as the Rollouts controller asks it (args filled), with its conditions applied. */
async function measure(run: Run): Promise<void> {
  for (const world of run.worlds) {
    const templates = templatesOf(world);
    for (const rollout of world.docs.filter((d) => d.kind === 'Rollout')) {
      for (const { path: where, analysis } of analysesOf(rollout)) {
        const passed = new Map<string, string>((analysis.args ?? []).map((a: any) => [a.name, a.value]));
        for (const ref of analysis.templates) {
          const template = templates.get(ref.templateName);
          const defaults = new Map<string, string>((template.spec.args ?? []).map((a: any) => [a.name, a.value]));
          const arg = (name: string) => passed.get(name) ?? defaults.get(name) ?? '';
          const service = world.endpoints.find((e) => e.service.metadata.name === arg('service-name'))!;
          const behaviours = [...new Set(service.pods.map((p) => behaviourOf(p, (app) => run.newVersion(world.namespace, app))))];
          expect(behaviours).toHaveLength(1);
          for (const metric of template.spec.metrics) {
            const answer = await run.prometheus.query(rules.analysis.resolveArgs(metric.provider.prometheus.query, arg));
            expect(answer.resultType).toBe('vector');
            const values = answer.result.map((s: any) => Number(s.value[1]));
            run.measurements.push({
              where: `${world.namespace} Rollout ${rollout.metadata.name} ${where}`, analysis: ref.templateName, metric: metric.name,
              behaviour: behaviours[0], values, phase: evaluateResult(values, metric.successCondition, metric.failureCondition),
            });
          }
        }
      }
    }
  }
}

/** The alerts Prometheus evaluates (pending: their `for` is not over yet), and those the world calls for. */
async function collectAlerts(run: Run): Promise<void> {
  const alerts = (await run.prometheus.api('alerts')).alerts as any[];
  run.alerts = alerts.map((a) => `${a.labels.namespace} ${a.labels.alertname} ${a.labels.app} ${a.labels.service}`).sort();
  for (const world of run.worlds) {
    for (const rule of world.docs.filter((d) => d.kind === 'PrometheusRule')) {
      const app = rule.metadata.name;
      const alertNames = rule.spec.groups[0].rules.map((r: any) => r.alert);
      for (const service of servingServices(world, app)) {
        const pods = world.endpoints.find((e) => e.service.metadata.name === service)!.pods;
        const behaviours = pods.map((p) => behaviourOf(p, (a) => run.newVersion(world.namespace, a)));
        const ns = world.namespace;
        if (behaviours.some((b) => b === 'degraded' || b === 'failing')) run.expectedAlerts.push(`${ns} JavaAppErrorRate ${app} ${service}`);
        if (alertNames.includes('JavaAppLatency') && pods.every((p) => p.histogram) && behaviours.includes('degraded')) run.expectedAlerts.push(`${ns} JavaAppLatency ${app} ${service}`);
      }
    }
  }
  run.expectedAlerts.sort();
  run.targets = (await run.prometheus.api('targets?state=active')).activeTargets;
}

describeIfPrometheus('the analysis and the alerts in a real Prometheus', () => {
  const runs: Run[] = [];

  beforeAll(async () => {
    const namespaces = [distDocs(ROOT, 'dev'), distDocs(ROOT, 'prod'), otherPlatform()];
    try {
      for (let i = 0; i < BEHAVIOURS.length; i++) runs.push(await startRun(i, namespaces));
      await Promise.all(runs.map(async (run) => {
        await waitForData(run);
        await measure(run);
        await collectAlerts(run);
      }));
    } catch (e) {
      await stopAll(runs);
      throw e;
    }
  }, 300_000);

  afterAll(() => stopAll(runs), 60_000);

  test('[Prometheus Operator] every target carries exactly the labels lib/rules/metrics.ts gives a ServiceMonitor or PodMonitor', () => {
    for (const run of runs) {
      expect(run.targets.length).toBeGreaterThan(0);
      for (const t of run.targets) {
        expect({ pool: t.scrapePool, health: t.health }).toEqual({ pool: t.scrapePool, health: 'up' });
        const expected = t.scrapePool.startsWith('serviceMonitor/') ? SERVICE_MONITOR_LABELS : POD_MONITOR_LABELS;
        expect(Object.keys(t.labels).sort()).toEqual([...expected].sort());
        expect(t.labels.endpoint).toBe('management');
      }
      // The sample's ServiceMonitors select every Service of their app, on the management port only.
      const sampleServices = run.targets.filter((t) => t.labels.namespace === 'shop-dev').map((t) => t.labels.service).sort();
      expect(sampleServices).toEqual(['catalog', 'catalog-canary', 'orders', 'orders-preview']);
      const podMonitored = run.targets.filter((t) => t.scrapePool.startsWith('podMonitor/'));
      expect(podMonitored.map((t) => t.labels.job)).toEqual(['shop-stage/audit']);
    }
  });

  // Argo Rollouts (analysis controller, Prometheus provider): the phase of each measurement.
  const expected: Record<string, Record<Behaviour, MeasurementPhase>> = {
    'success-rate': { healthy: 'Successful', degraded: 'Failed', failing: 'Failed', idle: 'Inconclusive' },
    // A version that fails fast is fast: the success rate fails it, not the latency.
    latency: { healthy: 'Successful', degraded: 'Failed', failing: 'Successful', idle: 'Inconclusive' },
  };

  test('[Argo Rollouts] each measurement: healthy passes, degraded fails, only 5xx fails with 0 (not Inconclusive), no traffic is Inconclusive', () => {
    for (const run of runs) {
      for (const m of run.measurements) {
        const kind = m.metric.startsWith('latency-') ? 'latency' : m.metric;
        expect(m).toEqual({ ...m, phase: expected[kind][m.behaviour] });
        if (kind === 'success-rate' && m.behaviour === 'failing') expect(m.values).toEqual([0]);
        if (m.behaviour === 'idle') expect(m.values).toEqual([]);
      }
    }
    // Every analysis of the sample and of the other platform met every behaviour.
    const seen = new Set(runs.flatMap((r) => r.measurements.map((m) => `${m.where} ${m.analysis} ${m.metric} ${m.behaviour}`)));
    const analyses = new Set(runs.flatMap((r) => r.measurements.map((m) => `${m.where} ${m.analysis} ${m.metric}`)));
    expect(analyses.size).toBe(10);
    expect(seen.size).toBe(analyses.size * BEHAVIOURS.length);
  });

  test('[Argo Rollouts] each AnalysisRun (worst metric wins): healthy Successful, degraded and only-5xx Failed, no traffic Inconclusive', () => {
    // utils/analysis/helpers.go analysisStatusOrder: Successful < Inconclusive < Error < Failed.
    const order: MeasurementPhase[] = ['Successful', 'Inconclusive', 'Error', 'Failed'];
    const verdict: Record<Behaviour, MeasurementPhase> = { healthy: 'Successful', degraded: 'Failed', failing: 'Failed', idle: 'Inconclusive' };
    for (const run of runs) {
      const byRun = new Map<string, Measurement[]>();
      for (const m of run.measurements) byRun.set(m.where, [...(byRun.get(m.where) ?? []), m]);
      for (const [where, ms] of byRun) {
        const worst = ms.map((m) => m.phase).reduce((a, b) => (order.indexOf(b) > order.indexOf(a) ? b : a));
        expect({ where, phase: worst }).toEqual({ where, phase: verdict[ms[0].behaviour] });
      }
    }
  });

  test('[on-call: Prometheus rule evaluation] the alerts fire for each Service of an app whose version degrades or answers only 5xx, for no other', () => {
    for (const run of runs) expect(run.alerts).toEqual(run.expectedAlerts);
    const fired = runs.flatMap((r) => r.alerts);
    // Every app with alerts fired on its new version's Service in some run, and stayed silent in another.
    const alerting = ['shop-dev catalog', 'shop-dev orders', 'shop-prod catalog', 'shop-prod orders', 'shop-stage search', 'shop-stage ledger'];
    for (const app of alerting) {
      const [ns, name] = app.split(' ');
      const of = (a: string) => a.startsWith(`${ns} `) && a.includes(` ${name} `);
      expect({ app, fired: fired.some((a) => of(a) && a.includes(' JavaAppErrorRate ')), silent: runs.some((r) => !r.alerts.some(of)) })
        .toEqual({ app, fired: true, silent: true });
    }
    expect(fired).toContain('shop-prod JavaAppErrorRate catalog catalog-canary');
    expect(fired).toContain('shop-dev JavaAppLatency catalog catalog-canary');
    // Blue-green before promotion: the preview's failure is the analysis's to catch, not on-call's.
    expect(fired.filter((a) => a.includes(' billing '))).toEqual([]);
  });
});

async function stopAll(runs: Run[]): Promise<void> {
  await Promise.all(runs.map(async (run) => {
    await run.prometheus.stop();
    await Promise.all(run.actuators.map((a) => a.close()));
  }));
}
