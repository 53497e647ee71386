#!/usr/bin/env node
// Runs main.ts without type-checking (type-checks belong to `npm test`): TypeScript is transpiled
// by esbuild and cached by content hash, so a synth costs node's start-up plus the synth itself.
// Used by `npm run synth` and by the cdk8s CLI (cdk8s.yaml `app`).
'use strict';
const fs = require('fs');
const path = require('path');
const { register, SourceSyntaxError } = require('./ts-register');
const { formatFailure } = require('./failure');

const HELP = `Usage: npm run synth [-- [entry.ts] [options]]

Synthesizes the platform (main.ts by default) into dist/: every object is checked by the
validation gate first, and dist/ is replaced in one step, so a failed synth leaves it as it was.
Ends with a summary per folder: apps, objects, and files added, changed or removed.

Options:
  --outdir DIR   write to DIR instead of dist/ (also: the CDK8S_OUTDIR environment variable)
  --quiet        no summary
  --stack        on failure, print the whole stack as well
  --cli          run for the cdk8s CLI (cdk8s.yaml): write dist/ here, then copy it to the
                 CLI's scratch folder (CDK8S_OUTDIR), so a failed \`cdk8s synth\` cannot empty dist/
  -h, --help     this text
`;

function parseArgs(argv) {
  const opts = { entry: undefined, outdir: undefined, quiet: false, stack: false, cli: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') opts.help = true;
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--stack') opts.stack = true;
    else if (a === '--cli') opts.cli = true;
    else if (a === '--outdir' && argv[i + 1]) opts.outdir = argv[++i];
    else if (a.startsWith('-')) throw new Error(`unknown option ${a} (see --help)`);
    else if (opts.entry === undefined) opts.entry = a;
    else throw new Error(`unexpected argument ${a} (see --help)`);
  }
  return opts;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(`synth: ${err.message}`);
  process.exit(2);
}
if (opts.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const root = path.join(__dirname, '..');
// The cdk8s CLI empties its output folder before it runs the app. cdk8s.yaml gives it a scratch
// folder (`output: .cdk8s.out`): dist/ is written here, atomically, only once everything passed,
// then copied to the scratch folder for the CLI's listing and validation plugins. An output the
// CLI was given on its command line (`cdk8s synth -o DIR`) is written as asked.
const CLI_SCRATCH = path.join(root, '.cdk8s.out');
const cliOutput = opts.cli && process.env.CDK8S_OUTDIR ? path.resolve(process.env.CDK8S_OUTDIR) : undefined;
const cliScratch = cliOutput === CLI_SCRATCH ? cliOutput : undefined;
if (cliScratch || (!opts.cli && opts.outdir)) process.env.CDK8S_OUTDIR = path.resolve(opts.outdir || path.join(root, 'dist'));
const target = path.resolve(process.env.CDK8S_OUTDIR || 'dist');
// What a failure did to the output: nothing, except where the CLI emptied it itself.
const failurePrefix = cliOutput && !cliScratch
  ? `synth failed; the cdk8s CLI removed ${displayPath(cliOutput)}/ before it ran the app: restore it with \`git checkout -- ${displayPath(cliOutput)}\` (or run \`npm run synth\`, which leaves it as it was)`
  : `synth failed, ${displayPath(target)}/ left unchanged`;

register();
// The public API (the same module instances main.ts gets from ./lib): errors are recognised by class.
const { ConfigError, PropError, ValidationError, formatSummary, onSynth } = require('../lib/index.ts');
// Objects that have not changed since the last synth (nor the gate, nor the schemas) keep their schema check's answer.
require('../lib/validate/answers.ts').provideGateAnswers(require('./gate-answers').openGateAnswers(opts.entry || path.join(root, 'main.ts')));

const reports = [];
onSynth((report) => reports.push(report));
const entry = path.resolve(opts.entry || path.join(root, 'main.ts'));
try {
  require(entry);
} catch (err) {
  console.error(formatFailure(err, { known: [PropError, ConfigError, ValidationError], syntaxError: SourceSyntaxError, showStack: opts.stack, prefix: failurePrefix }));
  process.exit(1);
}
// Once nothing is left to do (the output flushed, an async entry settled), exit without tearing the
// heap down piece by piece: that alone took as long as a fifth of a synth.
process.once('beforeExit', () => process.exit());
// An entry with a plain cdk8s App (or none) reports nothing: no summary then.
for (const report of reports) {
  if (cliScratch) fs.cpSync(report.outdir, cliScratch, { recursive: true });
  if (!opts.quiet) process.stdout.write(formatSummary({ ...report, outdir: displayPath(report.outdir) }));
}

function displayPath(dir) {
  const rel = path.relative(process.cwd(), path.resolve(dir));
  return rel && !rel.startsWith('..') ? rel : path.resolve(dir);
}
