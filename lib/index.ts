/**
 * The public API: the constructs and their factories, PlatformApp and PlatformTesting, the errors
 * (PropError, ConfigError, ValidationError), the shared rules and the props schemas. The synth
 * machinery (lib/synth/) and the developer tools (lib/tools/) stay internal, but for the emitter
 * options and the synth summary that tools built on the platform call.
 */
export * from './release/analysis-template';
export * from './release/blue-green';
export * from './release/canary';
export * from './platform/cluster';
export * from './release/deploy-strategy';
/** The count-or-percentage type of maxSurge and maxUnavailable, as cdk8s-plus users know it. */
export { PercentOrAbsolute } from 'cdk8s-plus-27';
export * from './platform/environment';
export * from './gitops/bootstrap';
export * from './app/health-probe';
export * from './app/java-app';
export * from './monitoring/monitors';
export * from './monitoring/alerts';
export * from './rules/metrics';
export * from './app/egress';
export * from './pipeline/template';
export { PIPELINE_PROJECT_ROLE, pipelineProjectRole, ReachMode } from './pipeline/reach';
export * from './platform/platform-app';
export * from './app/policy-exception';
export * from './platform/releases';
export * from './release/rollout-analysis';
export * from './release/workload';
export * as rules from './rules';
export { ValidationError, validateManifests } from './validate/gate';
export { Manifest } from './validate/manifest';
export { Problem } from './validate/problem';
export { YAML_OPTIONS, stringifyManifest } from './synth/yaml-emitter';
export { ConfigError } from './props/errors';
export { PropError } from './props/checks';
export { checkOptions, checkProps, P, ObjectSchema, PropType } from './props/schema';
export { onSynth, formatSummary, SynthReport, FolderReport } from './synth/synth-report';
export { PlatformTesting } from './platform/testing';
