#!/usr/bin/env node
// Extracts the openAPIV3Schema of each served version of each vendored CRD into
// schemas/crds/<group>_<version>_<Kind>.json, so that synth reads small JSON files instead of
// parsing megabytes of YAML every run. A version with `served: false` gets no schema: the API
// server refuses its objects, and so does the gate (naming the served versions).
// Each file: { scope, schema, ruleNodes? }. The schema is kept whole but for descriptions,
// `x-kubernetes-validations` rules and `default`s included (the gate's CEL evaluator reads both); `ruleNodes` lists the key
// paths from the schema root to every node that carries rules, so the gate never walks a schema
// to find them (lib/validate/cel-rules.ts `findRuleNodes` finds the same list, tested).
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

/** Key paths (`properties`, name, `items`, `additionalProperties`) to the nodes carrying rules, in document order. */
function ruleNodes(schema, at = [], out = []) {
  const own = schema['x-kubernetes-validations'] || [];
  const allOf = (schema.allOf || []).flatMap((a) => a['x-kubernetes-validations'] || []);
  if (own.length || allOf.length) out.push(at);
  for (const [name, prop] of Object.entries(schema.properties || {})) ruleNodes(prop, [...at, 'properties', name], out);
  if (schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items)) ruleNodes(schema.items, [...at, 'items'], out);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') ruleNodes(schema.additionalProperties, [...at, 'additionalProperties'], out);
  return out;
}

/**
 * The schema without the `description` of its nodes: two thirds of a CRD's bytes, which the gate
 * never reads, and every synth would parse. A property that is itself named `description` stays.
 */
function withoutDescriptions(schema) {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    if (key === 'properties' || key === 'patternProperties') out[key] = Object.fromEntries(Object.entries(value).map(([name, prop]) => [name, withoutDescriptions(prop)]));
    else if (key === 'items' || key === 'additionalProperties' || key === 'not') out[key] = withoutDescriptions(value);
    else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') out[key] = value.map(withoutDescriptions);
    else out[key] = value;
  }
  return out;
}

/** Writes the schema files of every CRD under crdDir (one folder per upstream project) into outDir; returns their names. */
function buildSchemas(crdDir, outDir) {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const dir of fs.readdirSync(crdDir).sort()) {
    const full = path.join(crdDir, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const file of fs.readdirSync(full).filter((f) => f.endsWith('.yaml')).sort()) {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(full, file), 'utf8'))) {
        const crd = doc.toJSON();
        if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
        for (const version of crd.spec.versions) {
          if (version.served === false) continue;
          const name = `${crd.spec.group}_${version.name}_${crd.spec.names.kind}.json`;
          const schema = withoutDescriptions(version.schema.openAPIV3Schema);
          const nodes = ruleNodes(schema);
          fs.writeFileSync(path.join(outDir, name), JSON.stringify({ scope: crd.spec.scope, ...(nodes.length ? { ruleNodes: nodes } : {}), schema }));
          written.push(name);
        }
      }
    }
  }
  return written;
}

/**
 * The kinds the schemas know, and which CRD kinds live in namespaces: schemas/kinds.json, a few
 * kilobytes a synth reads to place objects (and to know a kind exists) without parsing megabytes
 * of schemas; the gate reads the schemas themselves, each kind's when it occurs.
 */
function buildKinds(crdSchemaDir, k8sDefinitionsFile) {
  const crds = {};
  for (const name of fs.readdirSync(crdSchemaDir).filter((f) => f.endsWith('.json')).sort()) {
    const [group, version, kind] = name.replace(/\.json$/, '').split('_');
    crds[`${group}/${version}/${kind}`] = JSON.parse(fs.readFileSync(path.join(crdSchemaDir, name), 'utf8')).scope;
  }
  const k8s = new Set();
  for (const def of Object.values(JSON.parse(fs.readFileSync(k8sDefinitionsFile, 'utf8')).definitions)) {
    for (const gvk of def['x-kubernetes-group-version-kind'] || []) k8s.add(`${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`);
  }
  return { crds, k8s: [...k8s].sort() };
}

module.exports = { buildSchemas, buildKinds, ruleNodes, withoutDescriptions };

if (require.main === module) {
  const root = path.join(__dirname, '..');
  for (const name of buildSchemas(path.join(root, 'crds'), path.join(root, 'schemas', 'crds'))) console.log(`schemas/crds/${name}`);
  const kinds = buildKinds(path.join(root, 'schemas', 'crds'), path.join(root, 'schemas', 'k8s-v1.27.0-definitions.json'));
  fs.writeFileSync(path.join(root, 'schemas', 'kinds.json'), `${JSON.stringify(kinds, null, 1)}\n`);
  console.log('schemas/kinds.json');
}
