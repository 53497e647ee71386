/**
 * Release strategies and their analysis: how a new version replaces the old. `DeployStrategy`
 * chooses (deploy-strategy.ts): a rolling update, blue-green (blue-green.ts) or canary (canary.ts)
 * through an Argo `Rollout` that drives the app's Deployment (workload.ts); the analysis a Rollout
 * runs (rollout-analysis.ts) from `AnalysisTemplate`s (analysis-template.ts) and their metrics
 * (analysis-metric.ts).
 */
export * from './deploy-strategy';
export * from './blue-green';
export * from './canary';
export * from './workload';
export * from './rollout-analysis';
export * from './analysis-template';
