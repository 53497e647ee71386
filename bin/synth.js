#!/usr/bin/env node
// Runs main.ts without type-checking (type-checks belong to `npm test`): TypeScript is transpiled
// by esbuild and cached by content hash, so a synth costs node's start-up plus the synth itself.
// Used by `npm run synth` and by the cdk8s CLI (cdk8s.yaml `app`).
'use strict';
const path = require('path');
const { register } = require('./ts-register');

register();
const entry = path.resolve(process.argv[2] || path.join(__dirname, '..', 'main.ts'));
try {
  require(entry);
} catch (err) {
  // One clear message, not a stack trace: the error names the construct, the prop and the fix.
  const name = err && err.name;
  if (name === 'ValidationError' || name === 'PropError') {
    console.error(`synth failed, dist/ left unchanged: ${err.message}`);
  } else if (err && err.message && /^\w+ "[^"]+": /.test(err.message)) {
    console.error(`synth failed, dist/ left unchanged: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
}
