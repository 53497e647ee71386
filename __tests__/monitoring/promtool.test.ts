import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { rules } from '../../lib';
import { tempDir } from '../support/platform';
import { actuatorText, Behaviour, hasPrometheus, promtool, ruleFile } from '../support/prometheus';
import { distDocs, otherPlatform } from '../support/rollout-world';

/**
 * The monitoring output checked by Prometheus' own `promtool` (Debian's 2.42): the rule files the
 * operator loads, the analysis queries the Rollouts controller sends, and unit tests of each alert
 * (`promtool test rules`, Prometheus' rule evaluation on given series).
 */

const ROOT = path.join(__dirname, '..', '..');
const available = hasPrometheus();
const describeIfPrometheus = available ? describe : describe.skip;

/** The sample's environments (as committed in dist/, what Argo CD applies) and another platform. */
const namespaces = () => [distDocs(ROOT, 'dev'), distDocs(ROOT, 'prod'), otherPlatform()];

function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Each Prometheus query an AnalysisTemplate runs for a Rollout, with the args the Rollout passes (ResolveArgs). */
function analysisQueries(docs: any[]): Array<{ where: string; query: string }> {
  const templates = new Map(docs.filter((d) => d.kind === 'AnalysisTemplate').map((d) => [d.metadata.name, d]));
  const out: Array<{ where: string; query: string }> = [];
  for (const rollout of docs.filter((d) => d.kind === 'Rollout')) {
    const s = rollout.spec.strategy;
    const analyses = [s.blueGreen?.prePromotionAnalysis, s.blueGreen?.postPromotionAnalysis, s.canary?.analysis, ...(s.canary?.steps ?? []).map((x: any) => x.analysis)].filter(Boolean);
    for (const analysis of analyses) {
      const passed = new Map<string, string>((analysis.args ?? []).map((a: any) => [a.name, a.value]));
      for (const ref of analysis.templates) {
        const template: any = templates.get(ref.templateName);
        const defaults = new Map<string, string>((template.spec.args ?? []).map((a: any) => [a.name, a.value]));
        for (const metric of template.spec.metrics) {
          const query = rules.analysis.resolveArgs(metric.provider.prometheus.query, (n) => passed.get(n) ?? defaults.get(n) ?? '');
          out.push({ where: `${rollout.metadata.namespace} Rollout ${rollout.metadata.name} ${ref.templateName} ${metric.name}`, query });
        }
      }
    }
  }
  return out;
}

describeIfPrometheus('promtool', () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('[Prometheus Operator -> Prometheus] every PrometheusRule, as the operator writes its rule file, passes promtool check rules', () => {
    const ruleDocs = namespaces().flat().filter((d) => d.kind === 'PrometheusRule');
    expect(ruleDocs.map((r) => `${r.metadata.namespace}/${r.metadata.name}`).sort()).toEqual([
      'shop-dev/catalog', 'shop-dev/orders', 'shop-prod/catalog', 'shop-prod/orders', 'shop-stage/billing', 'shop-stage/ledger', 'shop-stage/search',
    ]);
    for (const rule of ruleDocs) {
      const r = promtool(['check', 'rules', writeFile(dir, `${rule.metadata.namespace}-${rule.metadata.name}.yaml`, ruleFile(rule))]);
      expect({ rule: rule.metadata.name, ...r }).toEqual({ rule: rule.metadata.name, status: 0, output: expect.stringContaining('SUCCESS') });
    }
    // Refused: an expression Prometheus cannot parse.
    const broken = { spec: { groups: [{ name: 'x', rules: [{ alert: 'X', expr: 'sum(rate(http_server_requests_seconds_count[5m])' }] }] } };
    expect(promtool(['check', 'rules', writeFile(dir, 'broken.yaml', ruleFile(broken))]).status).not.toBe(0);
  });

  test('[Argo Rollouts -> Prometheus] every analysis query, with its args filled as its Rollout fills them, parses (promtool parses a recording rule\'s expr with the query parser)', () => {
    const queries = namespaces().flatMap(analysisQueries);
    expect(queries).toHaveLength(10);
    for (const q of queries) expect(q.query).not.toContain('{{');
    const file = writeFile(dir, 'queries.yaml', stringify({ groups: [{ name: 'analysis', rules: queries.map((q, i) => ({ record: `analysis:query_${i}`, expr: q.query })) }] }));
    expect(promtool(['check', 'rules', file])).toEqual({ status: 0, output: expect.stringContaining(`SUCCESS: ${queries.length} rules found`) });
    // Refused: a query with an arg the Rollout does not pass is left with the braces, which PromQL refuses.
    const unfilled = writeFile(dir, 'unfilled.yaml', stringify({ groups: [{ name: 'a', rules: [{ record: 'a:q', expr: 'sum(rate(x{service={{args.service-name}}}[5m]))' }] }] }));
    expect(promtool(['check', 'rules', unfilled]).status).not.toBe(0);
  });

  test.each(['healthy', 'degraded', 'failing', 'idle'] as Behaviour[])('[the fake actuator of the live run] its %s /actuator/prometheus is valid exposition text (Micrometer leaves HELP empty)', (behaviour) => {
    for (const histogram of [true, false]) {
      const r = promtool(['check', 'metrics'], actuatorText(behaviour, 30, histogram));
      const complaints = r.output.split('\n').filter((l) => l.trim() && !/ no help text$/.test(l));
      expect({ complaints, status: r.status === 0 || r.status === 3 }).toEqual({ complaints: [], status: true });
    }
  });
});

/** The Service an app's new version answers on, which the alerts watch: the canary Service, else the app's own. */
function newVersionService(docs: any[], app: string): string {
  const rollout = docs.find((d) => d.kind === 'Rollout' && d.metadata.name === app);
  return rollout?.spec.strategy.canary?.canaryService ?? app;
}

interface AlertCase {
  readonly name: string;
  readonly series: Array<{ series: string; values: string }>;
  /** Alerts that must fire, with the `$value` their annotations show. */
  readonly fires: Partial<Record<'JavaAppErrorRate' | 'JavaAppLatency' | 'JavaAppRestarts', string>>;
}

/** The cases of one app's alerts: the series that must fire each (the total failure among them) and those that must not. */
function alertCases(ns: string, app: string, service: string): AlertCase[] {
  const pod = `${app}-7c9d6f5b8-p7m4z`;
  const target = (n: string, s: string, p: string) => `namespace="${n}",service="${s}",job="${s}",endpoint="management",pod="${p}",container="app",instance="10.0.0.7:8081"`;
  const tags = (status: number, uri = '/api/items') => {
    const outcome = status >= 500 ? 'SERVER_ERROR' : status >= 400 ? 'CLIENT_ERROR' : 'SUCCESS';
    const exception = status >= 500 ? 'IllegalStateException' : 'none';
    return `error="${exception}",exception="${exception}",method="GET",outcome="${outcome}",status="${status}",uri="${uri}"`;
  };
  const count = (status: number, values: string, n = ns, s = service, p = pod, uri?: string) =>
    ({ series: `http_server_requests_seconds_count{${target(n, s, p)},${tags(status, uri)}}`, values });
  // Histogram buckets of 600 requests a minute, all at most `le` seconds.
  const buckets = (le: number, s = service, p = pod) => [0.05, 0.5, 1, '+Inf'].map((b) => ({
    series: `http_server_requests_seconds_bucket{${target(ns, s, p)},${tags(200)},le="${b}"}`, values: b === '+Inf' || (b as number) >= le ? '0+600x20' : '0x20',
  }));
  const probes = count(200, '0+6x20', ns, service, pod, '/actuator/health/{*path}');
  const restarts = (values: string, p = pod, container = 'app') => ({ series: `kube_pod_container_status_restarts_total{namespace="${ns}",pod="${p}",container="${container}",uid="u1"}`, values });
  const other = 'payments';
  return [
    { name: 'total failure: only 5xx (no series of a non-5xx answer exists)', series: [probes, count(500, '0+600x20')], fires: { JavaAppErrorRate: '0%' } },
    { name: 'degraded: one in ten fails, slow', series: [probes, count(200, '0+540x20'), count(500, '0+60x20'), ...buckets(1)], fires: { JavaAppErrorRate: '90%', JavaAppLatency: '975ms' } },
    { name: 'healthy deploy: 200s and some 404s, fast', series: [probes, count(200, '0+570x20'), count(404, '0+30x20'), ...buckets(0.05)], fires: {} },
    { name: 'total failure, fast: the latency alert stays silent', series: [probes, count(500, '0+600x20'), ...buckets(0.05)], fires: { JavaAppErrorRate: '0%' } },
    { name: 'no traffic: counters that do not move, probes only', series: [probes, count(200, '600x20'), ...buckets(0.05).map((b) => ({ ...b, values: '600x20' }))], fires: {} },
    {
      name: 'another app fails and restarts, this one is healthy',
      series: [probes, count(200, '0+600x20'), ...buckets(0.05), count(500, '0+600x20', ns, other, `${other}-6b5d4c3f2-q1w2e`), ...buckets(1, other, `${other}-6b5d4c3f2-q1w2e`),
        restarts('0+1x20', `${app}-api-6b5d4c3f2-q1w2e`)],
      fires: {},
    },
    { name: 'the same Service name fails in another namespace', series: [probes, count(200, '0+600x20'), count(500, '0+600x20', 'elsewhere')], fires: {} },
    { name: 'restarts: one a minute', series: [probes, count(200, '0+600x20'), restarts('0+1x20')], fires: { JavaAppRestarts: '' } },
    { name: 'restarts: two in the window, or of another container', series: [probes, count(200, '0+600x20'), restarts('0x10 1 2 2 2 2 2 2 2 2 2'), restarts('0+1x20', pod, 'istio-proxy')], fires: {} },
  ];
}

/** The alert's annotations as Prometheus expands them for the case. */
function expand(text: string, service: string, value: string): string {
  return text.replace('{{ $labels.service }}', service).replace(/\{\{ \$value \| humanize(Percentage|Duration) \}\}/, value);
}

/** A `promtool test rules` file for one PrometheusRule: each case evaluated at 20m, every alert of the rule checked. */
function alertTests(rule: any, ruleFileName: string, service: string): string {
  const ns = rule.metadata.namespace;
  const app = rule.metadata.name;
  const alerts = rule.spec.groups[0].rules as any[];
  const tests = alertCases(ns, app, service).map((c) => ({
    name: c.name,
    interval: '1m',
    input_series: c.series,
    alert_rule_test: alerts.map((a) => {
      const value = (c.fires as Record<string, string | undefined>)[a.alert];
      // The error-rate and latency alerts name the namespace and Service; the restart alert the app only.
      const where = a.alert === 'JavaAppRestarts' ? {} : { namespace: ns, service };
      return {
        eval_time: '20m',
        alertname: a.alert,
        exp_alerts: value === undefined ? [] : [{
          exp_labels: { ...a.labels, ...where },
          exp_annotations: Object.fromEntries(Object.entries(a.annotations).map(([k, v]) => [k, expand(v as string, service, value)])),
        }],
      };
    }),
  }));
  return stringify({ rule_files: [ruleFileName], evaluation_interval: '1m', tests });
}

/** The error-rate alert as it was: a plain ratio, empty when no non-5xx series exists. */
function withPlainRatio(rule: any): any {
  const copy = JSON.parse(JSON.stringify(rule));
  const errorRate = copy.spec.groups[0].rules.find((r: any) => r.alert === 'JavaAppErrorRate');
  const m = /^\(\(\n {2}(.*)\n {2}or\n {2}0 \* (.*)\n\)\n\/\n\((.*) > 0\)\) < (.*)$/.exec(errorRate.expr);
  if (!m) throw new Error(`unexpected error-rate expression: ${errorRate.expr}`);
  errorRate.expr = `(${m[1]} / ${m[2]}) < ${m[4]}`;
  return copy;
}

describeIfPrometheus('promtool test rules: each alert of each PrometheusRule', () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cases = namespaces().flatMap((docs) => docs.filter((d) => d.kind === 'PrometheusRule').map((rule) => ({ docs, rule })));

  test.each(cases.map((c) => [`${c.rule.metadata.namespace}/${c.rule.metadata.name}`, c]))(
    '[on-call: Prometheus rule evaluation] %s: fires on the total failure and the degraded app, not for another app, namespace or a healthy deploy',
    (name, { docs, rule }) => {
      const id = (name as string).replace('/', '-');
      writeFile(dir, `${id}.rules.yaml`, ruleFile(rule));
      const tests = writeFile(dir, `${id}.test.yaml`, alertTests(rule, `${id}.rules.yaml`, newVersionService(docs, rule.metadata.name)));
      const r = promtool(['test', 'rules', tests]);
      expect({ output: r.output, status: r.status }).toEqual({ output: expect.stringContaining('SUCCESS'), status: 0 });
    });

  test('refused: the plain ratio `ok / all` misses the total failure (the case that must fire fails)', () => {
    const { docs, rule } = cases.find((c) => c.rule.metadata.name === 'catalog')!;
    writeFile(dir, 'plain.rules.yaml', ruleFile(withPlainRatio(rule)));
    const tests = writeFile(dir, 'plain.test.yaml', alertTests(rule, 'plain.rules.yaml', newVersionService(docs, 'catalog')));
    const r = promtool(['test', 'rules', tests]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('alertname: JavaAppErrorRate');
    expect(r.output).toContain('total failure');
  });
});
