/**
 * The pipeline: `PipelineTemplate`, the Argo Workflows templates that build an app's image and
 * release it through Git (template.ts, its props template-props.ts and options.ts), built from the
 * step library (steps.ts) one module per WorkflowTemplate (serve.ts, deploy.ts, promotion.ts) over a
 * shared context (context.ts), with the identities they run as (access.ts) and the way each step
 * reaches a Rollout (reach.ts). The steps' shell scripts are the files of scripts/.
 */
export * from './template';
export { PIPELINE_PROJECT_ROLE, pipelineProjectRole, ReachMode } from './reach';
