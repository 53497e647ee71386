import { integerFormat } from '../rules/quantity';
import { remembered } from './answers';
import { checkCelRules, ruleNodesOf } from './cel-rules';
import { Problem } from './problem';
import { crdSchemaFor, definitions, isNamespaced, k8sSchemaFor, Schema, servedVersions } from '../schemas';

export { isNamespaced };

/**
 * Structural validation of manifests against the vendored Kubernetes 1.27 OpenAPI definitions and
 * the pinned CRD schemas, as `kubectl apply --validate=strict` would: unknown fields, wrong types,
 * missing required fields and values outside an enum are problems. A CRD's `x-kubernetes-validations`
 * rules are then evaluated (cel-rules.ts), unless the object has a problem that stops the API server
 * from running them.
 * The schemas themselves come from lib/schemas.ts.
 */

const OBJECT_META = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Reports a problem; `blocking`: a wrong type, a missing field or a value outside an enum, which stop CEL rules. */
type Report = (path: string, message: string, blocking?: boolean) => void;

/** Validates one manifest; `object` names it in the problems. Kept between synths where the runner provides a store (answers.ts). */
export function validateSchema(doc: any, object: string): Problem[] {
  return remembered(`schema\0${object}`, doc, () => checkSchema(doc, object));
}

function checkSchema(doc: any, object: string): Problem[] {
  const problems: Problem[] = [];
  let blocked = false;
  const report: Report = (p, message, blocking = true) => {
    problems.push({ object, path: p, message });
    blocked ||= blocking;
  };
  if (typeof doc?.apiVersion !== 'string' || typeof doc?.kind !== 'string') {
    report('', 'apiVersion and kind are required');
    return problems;
  }
  const crd = crdSchemaFor(doc.apiVersion, doc.kind);
  const root = crd?.schema ?? k8sSchemaFor(doc.apiVersion, doc.kind);
  if (!root) {
    report('', unknownVersion(doc.apiVersion, doc.kind));
    return problems;
  }
  // A CRD's schema leaves metadata open; check it against the real ObjectMeta.
  const { metadata, ...rest } = doc;
  walk(metadata === undefined ? rest : { ...rest, metadata: {} }, root, '', report);
  if (metadata === undefined) report('metadata', 'metadata is required');
  else walk(metadata, { $ref: OBJECT_META }, 'metadata', report);
  // npm run import lists where a schema carries rules; a schema file without the list has none.
  if (crd && ruleNodesOf(crd.schema, crd.ruleNodes ?? []).length) {
    // apiextensions-apiserver customResourceStrategy.Validate (hasBlockingErr): rules run only on an object of the right shape.
    if (blocked) problems.push({ object, path: '', message: 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation' });
    else problems.push(...checkCelRules(doc, crd.schema, object, crd.ruleNodes ?? []));
  }
  return problems;
}

/** An apiVersion the API server does not serve for the kind: the versions it serves, or how to vendor the kind. */
function unknownVersion(apiVersion: string, kind: string): string {
  const served = servedVersions(apiVersion, kind);
  if (served.length) return `${apiVersion} ${kind} is not served: the API server serves ${kind} as ${served.join(', ')}`;
  return `no schema for ${apiVersion} ${kind}: vendor its CRD in crds/ and run npm run import`;
}

function resolve(schema: Schema): Schema {
  let s = schema;
  while (s && s.$ref) {
    const name = String(s.$ref).replace('#/definitions/', '');
    s = definitions()[name];
    if (!s) throw new Error(`schema reference ${schema.$ref} not found`);
  }
  return s;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function matchesType(value: unknown, type: string): boolean {
  const t = typeOf(value);
  return t === type || (type === 'number' && t === 'integer');
}

function walk(value: unknown, raw: Schema, at: string, report: Report): void {
  const schema = resolve(raw);
  if (!schema || value === undefined) return;
  if (value === null) {
    if (!schema.nullable) report(at, 'must not be null');
    return;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !Number.isInteger(value)) report(at, `must be an integer or a string, got ${typeOf(value)}`);
    // IntOrString holds an int32.
    else if (typeof value === 'number') for (const e of integerFormat(value, 'int32')) report(at, e, false);
    return;
  }
  if (schema.oneOf && !schema.type) {
    // IntOrString and Quantity: any of the listed scalar types.
    if (!schema.oneOf.some((alt: Schema) => alt.type && matchesType(value, alt.type))) {
      report(at, `must be one of ${schema.oneOf.map((a: Schema) => a.type).join(' or ')}, got ${typeOf(value)}`);
    } else if (typeof value === 'number' && String(raw.$ref ?? '').endsWith('intstr.IntOrString')) {
      // IntOrString holds an int32.
      for (const e of integerFormat(value, 'int32')) report(at, e, false);
    }
    return;
  }
  if (schema.type && !matchesType(value, schema.type)) {
    report(at, `must be ${schema.type}, got ${typeOf(value)}`);
    return;
  }
  // The API server decodes into Go int32/int64 fields: a value outside the range is refused.
  if (typeof value === 'number' && (schema.type === 'integer' || schema.type === 'number')) {
    for (const e of integerFormat(value, schema.format)) report(at, e, false);
  }
  if (schema.enum && !schema.enum.includes(value)) {
    report(at, `must be one of ${schema.enum.map((e: unknown) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  if (Array.isArray(value)) {
    // An unset item is still an item: YAML has no undefined, so it is written as null.
    if (schema.items) value.forEach((item, i) => walk(item === undefined ? null : item, schema.items, `${at}[${i}]`, report));
    return;
  }
  if (typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  for (const req of schema.required ?? []) {
    if (obj[req] === undefined) report(join(at, req), 'required field is missing');
  }
  if (schema['x-kubernetes-preserve-unknown-fields'] && !schema.properties) return;
  for (const [key, child] of Object.entries(obj)) {
    const prop = schema.properties?.[key];
    if (prop) walk(child, prop, join(at, key), report);
    else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') walk(child, schema.additionalProperties, join(at, key), report);
    else if (schema.additionalProperties === true || schema['x-kubernetes-preserve-unknown-fields']) continue;
    else if (schema.properties || schema.additionalProperties === false) report(join(at, key), 'unknown field', false);
  }
}

function join(at: string, key: string): string {
  if (!at) return key;
  return /^[A-Za-z_][\w-]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`;
}
