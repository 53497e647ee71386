/**
 * The public API: the constructs and their factories by capability (app/, release/, monitoring/,
 * traffic/, secrets/, pipeline/, gitops/, platform/), PlatformApp and PlatformTesting, the errors (PropError,
 * ConfigError, ValidationError), the shared rules and the props schemas. The synth machinery
 * (lib/synth/) and the developer tools (lib/tools/) stay internal, but for the emitter options and
 * the synth summary that tools built on the platform call.
 */
export * from './app';
export * from './release';
export * from './monitoring';
export * from './traffic';
export * from './secrets';
export * from './pipeline';
export * from './gitops';
export * from './platform';
/** The count-or-percentage type of maxSurge and maxUnavailable, as cdk8s-plus users know it. */
export { PercentOrAbsolute } from 'cdk8s-plus-27';
export * from './rules/metrics';
export * as rules from './rules';
export { ValidationError, validateManifests } from './validate/gate';
export { Manifest } from './validate/manifest';
export { Problem } from './validate/problem';
export { YAML_OPTIONS, stringifyManifest } from './synth/yaml-emitter';
export { ConfigError, PropError, checkOptions, checkProps, P, ObjectSchema, PropType } from './props';
export { onSynth, formatSummary, SynthReport, FolderReport } from './synth/synth-report';
