// The layers of lib/ (README, "Layout"), held by dependency-cruiser inside `npm test`
// (__tests__/architecture.test.ts); rerun by hand with `npx depcruise lib`.
//
//   main.ts -> lib/index.ts -> capabilities -> props/ -> rules/ -> helpers (util.ts, schemas.ts)
//   platform/ -> synth/ -> validate/ -> rules/
//
// A capability is a folder of constructs; it reaches another only through that folder's index.ts.
const CAPABILITIES = 'app|release|monitoring|traffic|secrets|pipeline|gitops|platform';
const HELPERS = '^lib/(util|schemas)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No two files of lib/ import each other at run time, directly or round a circle (type-only imports vanish at run time).',
      severity: 'error',
      from: { path: '^lib/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'gate-imports-only-rules',
      comment: 'The gate (lib/validate/) reads manifests: it imports only lib/rules/ and the helpers, never a construct.',
      severity: 'error',
      from: { path: '^lib/validate/' },
      to: { path: '^lib/', pathNot: ['^lib/validate/', '^lib/rules/', HELPERS] },
    },
    {
      name: 'rules-import-only-helpers',
      comment: 'A rule (lib/rules/) is a pure function of a value: it imports nothing of lib/ but other rules and the helpers.',
      severity: 'error',
      from: { path: '^lib/rules/' },
      to: { path: '^lib/', pathNot: ['^lib/rules/', HELPERS] },
    },
    {
      name: 'helpers-import-nothing',
      comment: 'The helpers at the top of lib/ are written once and import nothing of lib/.',
      severity: 'error',
      from: { path: HELPERS },
      to: { path: '^lib/' },
    },
    {
      name: 'constructs-never-import-the-gate',
      comment: 'Constructs refuse through lib/rules/ and the props machinery; the gate, the synth machinery and the tools are the platform\'s (PlatformApp hands constructs their self-check).',
      severity: 'error',
      from: { path: `^lib/(${CAPABILITIES.replace('|platform', '')}|props)/` },
      to: { path: '^lib/(validate|synth|tools)/' },
    },
    {
      name: 'platform-never-imports-the-tools',
      comment: 'The developer tools build on the public API, never the other way round.',
      severity: 'error',
      from: { path: '^lib/platform/' },
      to: { path: '^lib/tools/' },
    },
    {
      name: 'capability-through-its-index',
      comment: 'A capability reaches another only through that folder\'s index.ts, so each folder can rearrange its files alone.',
      severity: 'error',
      from: { path: `^lib/(${CAPABILITIES})/` },
      to: { path: `^lib/(${CAPABILITIES})/`, pathNot: ['^lib/$1/', `^lib/(${CAPABILITIES})/index\\.ts$`] },
    },
    {
      name: 'props-machinery-imports-no-capability',
      comment: 'The props machinery sits below every construct: it imports lib/rules/ and the helpers only.',
      severity: 'error',
      from: { path: '^lib/props/' },
      to: { path: '^lib/', pathNot: ['^lib/props/', '^lib/rules/', HELPERS] },
    },
    {
      name: 'synth-imports-no-construct',
      comment: 'The synth machinery writes manifests; it knows the gate\'s manifest type, never a construct.',
      severity: 'error',
      from: { path: '^lib/synth/' },
      to: { path: `^lib/(${CAPABILITIES}|props|tools)/` },
    },
    {
      name: 'tools-use-the-public-api',
      comment: 'lib/tools/ builds on the public API (lib/index.ts) and the helpers only.',
      severity: 'error',
      from: { path: '^lib/tools/' },
      to: { path: '^lib/', pathNot: ['^lib/tools/', '^lib/index\\.ts$', HELPERS] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(imports|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
