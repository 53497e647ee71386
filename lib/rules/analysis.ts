/**
 * Argo Rollouts' analysis rules (v1.9.1): utils/analysis ValidateMetric and flattenMetrics,
 * MergeArgs/ResolveArgs, and pkg/apis/rollouts/validation ValidateAnalysisTemplateWithType with
 * Metric.EffectiveCount. Each returns what is wrong, empty when valid.
 */

/** IntOrString.IntValue(): a number, a numeric string, or 0 (so `{{args.count}}` counts as unset). */
function intValue(v: unknown): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return Number(v.trim());
  return 0;
}

/** The metric fields the rules read (as written in an AnalysisTemplate). */
export interface MetricSpec {
  readonly name?: string;
  readonly count?: number | string;
  readonly interval?: string;
  readonly failureLimit?: number | string;
  readonly inconclusiveLimit?: number | string;
  readonly consecutiveSuccessLimit?: number | string;
  readonly consecutiveErrorLimit?: number | string;
}

/**
 * ValidateMetric (utils/analysis/factory.go): limits not negative (failureLimit may be -1),
 * count >= failureLimit + consecutiveSuccessLimit and count >= inconclusiveLimit (equal is fine),
 * an interval when count > 1. Returns `[field, message]` pairs.
 */
export function metricLimits(m: MetricSpec): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const count = m.count === undefined ? 0 : intValue(m.count);
  const failureLimit = m.failureLimit === undefined ? 0 : intValue(m.failureLimit);
  const successLimit = m.consecutiveSuccessLimit === undefined ? 0 : intValue(m.consecutiveSuccessLimit);
  const inconclusiveLimit = m.inconclusiveLimit === undefined ? 0 : intValue(m.inconclusiveLimit);
  if (successLimit < 0) out.push(['consecutiveSuccessLimit', 'must be >= 0']);
  if (failureLimit < -1) out.push(['failureLimit', 'must be >= 0, or -1 to be disabled']);
  if (successLimit === 0 && failureLimit === -1) out.push(['failureLimit', 'failureLimit and consecutiveSuccessLimit cannot both be disabled']);
  if (inconclusiveLimit < 0) out.push(['inconclusiveLimit', 'must be >= 0']);
  if (m.consecutiveErrorLimit !== undefined && intValue(m.consecutiveErrorLimit) < 0) out.push(['consecutiveErrorLimit', 'must be >= 0']);
  if (count > 0) {
    if (successLimit >= 0 && failureLimit >= 0 && count < failureLimit + successLimit) {
      out.push(['count', successLimit === 0
        ? `count (${count}) must be >= failureLimit (${failureLimit}), or the metric could never fail (failureLimit equal to count is fine)`
        : `count (${count}) must be >= failureLimit + consecutiveSuccessLimit (${failureLimit} + ${successLimit})`]);
    } else if (successLimit >= 0 && failureLimit < 0 && count < successLimit) {
      out.push(['count', `count (${count}) must be >= consecutiveSuccessLimit (${successLimit})`]);
    }
    if (count < inconclusiveLimit) out.push(['count', `count (${count}) must be >= inconclusiveLimit (${inconclusiveLimit})`]);
  }
  if (count > 1 && !m.interval) out.push(['interval', `must be set when count > 1 (count is ${count}): the time between measurements`]);
  return out;
}

/** ValidateMetric's provider count: exactly one provider per metric (each plugin counts as one). */
export function metricProviders(provider: Record<string, unknown> | undefined): string[] {
  const names = Object.entries(provider ?? {}).flatMap(([k, v]) => (k === 'plugin' && v && typeof v === 'object' ? Object.keys(v).map((p) => `plugin ${p}`) : v != null ? [k] : []));
  if (names.length === 0) return ['no provider specified: set exactly one (prometheus, web, job, ...)'];
  if (names.length > 1) return [`multiple providers specified (${names.join(', ')}): set exactly one`];
  return [];
}

/** Metric.EffectiveCount is nil: an interval and no count (or count 0), so the metric is measured until the rollout ends. */
export function runsIndefinitely(m: MetricSpec): boolean {
  return (m.count === undefined || intValue(m.count) === 0) && !!m.interval;
}

/** flattenMetrics (utils/analysis/helpers.go): metric names must be unique across all templates of one analysis. */
export function duplicateMetricNames(templates: ReadonlyArray<{ readonly name: string; readonly metrics: ReadonlyArray<{ readonly name?: string }> }>): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const t of templates) {
    for (const m of t.metrics) {
      if (m.name === undefined) continue;
      const first = seen.get(m.name);
      if (first !== undefined) out.push(`two metrics have the same name "${m.name}" (templates "${first}" and "${t.name}"): the controller merges the templates of one analysis, so metric names must be unique across them`);
      else seen.set(m.name, t.name);
    }
  }
  return out;
}

/** An argument as templates declare it and rollouts pass it. */
export interface ArgSpec {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: unknown;
}

/**
 * flattenArgs and MergeArgs/ResolveArgs (utils/analysis/helpers.go): an arg declared by two
 * templates with different values is refused; every arg without a value must be passed by the
 * rollout's analysis (by value or valueFrom).
 */
export function unresolvedArgs(templates: ReadonlyArray<{ readonly name: string; readonly args: ReadonlyArray<ArgSpec> }>, passed: ReadonlyArray<ArgSpec>): string[] {
  const out: string[] = [];
  const combined = new Map<string, ArgSpec & { template: string }>();
  for (const t of templates) {
    for (const a of t.args) {
      const prev = combined.get(a.name);
      if (prev && prev.value !== undefined && a.value !== undefined && prev.value !== a.value) {
        out.push(`arg "${a.name}" is declared by templates "${prev.template}" and "${t.name}" with different values ("${prev.value}", "${a.value}")`);
      }
      if (!prev || prev.value === undefined) combined.set(a.name, { ...a, template: t.name });
    }
  }
  for (const [name, a] of combined) {
    if (a.value !== undefined || a.valueFrom !== undefined) continue;
    const given = passed.find((p) => p.name === name);
    if (!given || (given.value === undefined && given.valueFrom === undefined)) {
      out.push(`AnalysisTemplate "${a.template}" declares arg "${name}" without a value: pass it here (name "${name}")`);
    }
  }
  return out;
}

const ARG_REFERENCE = /\{\{\s*args\.([^}\s]+)\s*\}\}/g;

/** The arguments a metric's text uses as `{{args.<name>}}` (ResolveArgs substitutes them), sorted, each once. */
export function argsReferenced(text: string): string[] {
  return [...new Set([...text.matchAll(ARG_REFERENCE)].map((m) => m[1]))].sort();
}

/** The text with each `{{args.<name>}}` replaced by `value(name)`, as ResolveArgs does before a measurement. */
export function resolveArgs(text: string, value: (name: string) => string): string {
  return text.replace(ARG_REFERENCE, (_, name: string) => value(name));
}
