#!/usr/bin/env node
// Extracts the openAPIV3Schema of each vendored CRD into schemas/crds/<group>_<version>_<Kind>.json,
// so that synth reads small JSON files instead of parsing megabytes of YAML every run.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const root = path.join(__dirname, '..');
const crdDir = path.join(root, 'crds');
const outDir = path.join(root, 'schemas', 'crds');
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });

for (const dir of fs.readdirSync(crdDir).sort()) {
  const full = path.join(crdDir, dir);
  if (!fs.statSync(full).isDirectory()) continue;
  for (const file of fs.readdirSync(full).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(full, file), 'utf8'))) {
      const crd = doc.toJSON();
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        // A version the API server does not serve (ExternalSecret's v1beta1) is refused there: no schema, so the gate refuses it too.
        if (version.served === false) continue;
        const name = `${crd.spec.group}_${version.name}_${crd.spec.names.kind}.json`;
        const schema = { scope: crd.spec.scope, schema: version.schema.openAPIV3Schema };
        fs.writeFileSync(path.join(outDir, name), JSON.stringify(schema));
        console.log(`schemas/crds/${name}`);
      }
    }
  }
}
