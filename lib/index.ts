/**
 * The public API: the constructs and their factories, PlatformApp and PlatformTesting, the errors
 * (PropError, ConfigError, ValidationError), the shared rules and the props schemas. The synth
 * machinery (lib/synth/) and the developer tools (lib/tools/) stay internal, but for the emitter
 * options and the synth summary that tools built on the platform call.
 */
export * from './analysis-template';
export * from './blue-green-rollout';
export * from './canary-rollout';
export * from './cluster';
export * from './deploy-strategy';
/** The count-or-percentage type of maxSurge and maxUnavailable, as cdk8s-plus users know it. */
export { PercentOrAbsolute } from 'cdk8s-plus-27';
export * from './environment';
export * from './gitops';
export * from './health-probe';
export * from './java-app';
export * from './monitoring';
export * from './monitoring-alerts';
export * from './rules/metrics';
export * from './network-egress';
export * from './pipeline-template';
export { PIPELINE_PROJECT_ROLE, pipelineProjectRole, ReachMode } from './pipeline-reach';
export * from './platform-app';
export * from './policy-exception';
export * from './releases';
export * from './rollout-analysis';
export * from './rollout-workload';
export * as rules from './rules';
export { ValidationError, validateManifests } from './validate/gate';
export { Manifest } from './validate/manifest';
export { Problem } from './validate/problem';
export { YAML_OPTIONS, stringifyManifest } from './synth/yaml-emitter';
export { ConfigError } from './errors';
export { PropError } from './props';
export { checkOptions, checkProps, P, ObjectSchema, PropType } from './prop-schema';
export { onSynth, formatSummary, SynthReport, FolderReport } from './synth/synth-report';
export { PlatformTesting } from './testing';
