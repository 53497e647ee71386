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
