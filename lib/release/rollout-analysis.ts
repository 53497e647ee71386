import { check, PropError } from '../props/checks';
import { duplicateMetricNames } from '../rules/analysis';
import { P } from '../props/schema';

/** Something that names an Argo Rollouts AnalysisTemplate: a name, or an AnalysisTemplate construct. */
export type AnalysisTemplateRef = string | { readonly templateName: string };

/** An analysis run during a rollout: which templates, with which arguments. */
export interface RolloutAnalysis {
  /** AnalysisTemplates to run, by name or construct; all must pass. */
  readonly templates: AnalysisTemplateRef[];
  /**
   * Arguments for the templates' `args` (values are strings).
   * @default none
   */
  readonly args?: Record<string, string>;
}

export function templateName(ref: AnalysisTemplateRef): string {
  return typeof ref === 'string' ? ref : ref.templateName;
}

/** The `templates`/`args` part of a Rollout analysis, with args sorted for stable output. */
export function analysisToKube(analysis: RolloutAnalysis): { templates: { templateName: string }[]; args?: { name: string; value: string }[] } {
  const args = Object.keys(analysis.args ?? {}).sort().map((name) => ({ name, value: analysis.args![name] }));
  return {
    templates: analysis.templates.map((t) => ({ templateName: templateName(t) })),
    args: args.length ? args : undefined,
  };
}

/** What a rollout needs of an AnalysisTemplate construct to check it (see AnalysisTemplate). */
interface KnownTemplate {
  readonly templateName: string;
  readonly namespace: string;
  readonly args: ReadonlyArray<{ readonly name: string }>;
  readonly metrics: ReadonlyArray<{ readonly name: string }>;
  readonly requiredArgs: string[];
  readonly unboundedMetrics: string[];
}

function isKnownTemplate(ref: AnalysisTemplateRef): ref is AnalysisTemplateRef & KnownTemplate {
  return typeof ref === 'object' && Array.isArray((ref as Partial<KnownTemplate>).requiredArgs) && Array.isArray((ref as Partial<KnownTemplate>).unboundedMetrics)
    && Array.isArray((ref as Partial<KnownTemplate>).args);
}

/** The arg that names the Service whose traffic a template measures (AnalysisTemplate's Spring templates and web()). */
export const SERVICE_NAME_ARG = 'service-name';

/** The Service that carries the version under test at one point of a release, and the others the Rollout has. */
export interface MeasuredService {
  /** The Service an analysis there must measure, e.g. `orders-canary`. */
  readonly name: string;
  /** How a message names it: `the canary Service`. */
  readonly role: string;
  /** The Rollout's other Services by name, with how a message names them (`the stable Service, which serves the released version`). */
  readonly others: Readonly<Record<string, string>>;
}

/**
 * The analysis with the Service it measures filled in: the version under test follows from the
 * strategy and the step (the canary Service for canary analysis and steps, the preview Service before
 * a blue-green promotion, the active one after it). A `service-name` arg given for another Service is
 * refused, naming the right one; none given is filled in when a template declares the arg.
 */
export function measuredAnalysis<A extends RolloutAnalysis>(construct: string, name: string, analysis: A, where: string, measured: MeasuredService): A {
  const given = analysis.args?.[SERVICE_NAME_ARG];
  if (given !== undefined) {
    if (given !== measured.name) {
      const which = measured.others[given] ?? 'a Service that carries neither version of this release';
      throw new PropError(construct, name, `${where} args '${SERVICE_NAME_ARG}' is "${given}", ${which}: the analysis would grade the wrong version. `
        + `${where} measures ${measured.role} "${measured.name}": use it, or leave '${SERVICE_NAME_ARG}' out and it is filled in`, [where]);
    }
    return analysis;
  }
  const declares = analysis.templates.some((t) => isKnownTemplate(t) && t.args.some((a) => a.name === SERVICE_NAME_ARG));
  return declares ? { ...analysis, args: { ...analysis.args, [SERVICE_NAME_ARG]: measured.name } } : analysis;
}

/**
 * A rollout's analysis over AnalysisTemplate constructs, as the Rollouts controller validates it
 * (ValidateAnalysisTemplatesWithType): templates in the Rollout's namespace, metric names unique
 * across them (flattenMetrics), every arg without a default passed (MergeArgs) and, where the
 * analysis must end (`mustEnd`: a step, a pre- or post-promotion analysis), no metric measured
 * until the rollout ends (Metric.EffectiveCount). Templates given by name are left to the gate.
 */
export function checkRolloutAnalysis(construct: string, name: string, analysis: RolloutAnalysis, where: string, namespace: string | undefined, mustEnd: string | undefined): void {
  const passed = Object.keys(analysis.args ?? {});
  const known = analysis.templates.filter(isKnownTemplate);
  const twice = duplicateMetricNames(known.map((t) => ({ name: t.templateName, metrics: t.metrics })));
  check(twice.length === 0, construct, name, () => `${where} ${twice[0]}: rename one of the metrics`);
  for (const t of known) {
    // Without a namespace the Rollout is refused by the gate anyway.
    check(namespace === undefined || t.namespace === namespace, construct, name, () =>
      `${where} template "${t.templateName}" is in namespace "${t.namespace}", but the Rollout is in "${namespace}": create the template in the app's environment`);
    for (const arg of t.requiredArgs) {
      check(passed.includes(arg), construct, name, () =>
        `${where} template "${t.templateName}" needs arg "${arg}": add it to args, e.g. args: { '${arg}': '...' }`);
    }
    if (mustEnd) {
      const unbounded = t.unboundedMetrics;
      check(unbounded.length === 0, construct, name, () =>
        `${where} template "${t.templateName}" measures ${unbounded.join(', ')} until the rollout ends, so ${mustEnd} would never finish: give the metrics a count${mustEnd === 'the step' ? ', or use the template as background analysis' : ' (only canary background analysis may run until the rollout ends)'}`);
    }
  }
}

// The runtime schemas of this file's props interfaces (see props/schema.ts).
export const RolloutAnalysisSchema = P.object('RolloutAnalysis', {
  templates: P.required(P.array(P.oneOf(P.string, P.like('AnalysisTemplate', (v) => typeof (v as any)?.templateName === 'string')))),
  args: P.stringMap,
});
