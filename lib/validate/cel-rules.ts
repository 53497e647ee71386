import { Schema } from '../schemas';
import { isObject } from '../util';
import { celEngine, compile, readsOldSelf } from './cel';
import { child, index, key } from './field-path';
import { Problem } from './problem';

/**
 * The `x-kubernetes-validations` rules of a CRD's schema, evaluated on an object as the API server
 * does when it creates the object (kubernetes/kubernetes@00c30b3 staging/src/k8s.io/apiextensions-apiserver/
 * pkg/apiserver/schema/cel/validation.go `Validator.validate`, and k8s.io/apiserver/pkg/cel/common/
 * values.go `UnstructuredToVal`):
 * - schema `default`s are applied first (structural defaulting runs before validation), so rules
 *   read `self.kind` of a backendRef that does not write it;
 * - `self` is the value at the rule's schema node; rules on a list's `items` run for each item, on
 *   `additionalProperties` for each value; a null or absent value runs no rule;
 * - object properties are escaped as CEL identifiers (`namespace` -> `__namespace__`, `-` ->
 *   `__dash__`, ...); map keys stay as written; `integer` values are CEL ints, `number` doubles,
 *   `int-or-string` either; `date-time`/`date` strings timestamps, `byte` strings bytes;
 * - rules that read `oldSelf` (transition rules) run only on updates: skipped, since the gate checks
 *   what is created;
 * - a false rule reports its `messageExpression` (when it yields a non-empty single line), else its
 *   `message`, else `failed rule: <rule>`, at the node's path plus the rule's `fieldPath`; an
 *   evaluation error reports `<error> evaluating rule: <message or rule>`;
 * - cost limits are not enforced (the vendored CRDs are accepted by the API server, so their rules fit).
 */

export interface ValidationRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly optionalOldSelf?: boolean;
}

/** The rules of a schema node: its own and those of its `allOf` entries (validation.go `AllOfValidators`). */
function rulesOf(s: Schema): ValidationRule[] {
  const own: ValidationRule[] = s['x-kubernetes-validations'] ?? [];
  return s.allOf ? [...own, ...s.allOf.flatMap((a: Schema) => a['x-kubernetes-validations'] ?? [])] : own;
}

/** Rules the gate runs: all but transition rules (optionalOldSelf ones run on create too). */
function runs(r: ValidationRule): boolean {
  return r.optionalOldSelf === true || !readsOldSelf(r.rule);
}

/**
 * Where a schema carries rules: the keys from the root to each such node (`properties`, a name,
 * `items`, `additionalProperties`), in document order. `npm run import` writes this list beside each
 * CRD schema (schemas/crds/*.json `ruleNodes`), so the gate never walks a whole schema; for a schema
 * without it the list is found here.
 */
export function findRuleNodes(s: Schema, at: string[] = [], out: string[][] = []): string[][] {
  if (rulesOf(s).length) out.push(at);
  for (const [name, prop] of Object.entries<Schema>(s.properties ?? {})) findRuleNodes(prop, [...at, 'properties', name], out);
  if (isObject(s.items)) findRuleNodes(s.items, [...at, 'items'], out);
  if (isObject(s.additionalProperties)) findRuleNodes(s.additionalProperties, [...at, 'additionalProperties'], out);
  return out;
}

/** A schema node and the rules at it that the gate runs. */
interface RuleNode {
  readonly pointer: string[];
  readonly schema: Schema;
  readonly rules: ValidationRule[];
}

const nodesBySchema = new WeakMap<Schema, RuleNode[]>();

/** The nodes of a CRD schema whose rules the gate runs (none when all are transition rules); once per schema. */
export function ruleNodesOf(root: Schema, pointers?: string[][]): RuleNode[] {
  let nodes = nodesBySchema.get(root);
  if (!nodes) {
    nodes = [];
    for (const pointer of pointers ?? findRuleNodes(root)) {
      const schema = pointer.reduce((node: Schema, k) => node[k], root);
      const rules = rulesOf(schema).filter(runs);
      if (rules.length) nodes.push({ pointer, schema, rules });
    }
    nodesBySchema.set(root, nodes);
  }
  return nodes;
}

/** A value a rule sees: where it is and its schema node. */
interface Site {
  readonly path: string;
  readonly schema: Schema;
  readonly value: unknown;
}

/**
 * The problems of `doc` against the rules of its CRD `schema` (`pointers`: its `ruleNodes`, when
 * known). Costs nothing when the schema has no rule to run: the CEL engine is loaded only when one must.
 */
export function checkCelRules(doc: unknown, schema: Schema, object: string, pointers?: string[][]): Problem[] {
  const problems: Problem[] = [];
  for (const node of ruleNodesOf(schema, pointers)) {
    const sites: Site[] = [];
    valuesAt(doc, schema, node.pointer, 0, '', sites);
    for (const site of sites) {
      const self = toCel(site.value, site.schema, site.path === '');
      for (const rule of node.rules) {
        const found = evaluate(rule, site, self);
        if (found) problems.push({ object, ...found });
      }
    }
  }
  return problems;
}

/** The values at a schema pointer, defaults applied on the way (structural defaulting runs before validation); a null or absent value runs no rule. */
function valuesAt(value: unknown, s: Schema, pointer: string[], i: number, at: string, out: Site[]): void {
  if (value === undefined || value === null) return;
  if (i === pointer.length) {
    out.push({ path: at, schema: s, value });
    return;
  }
  const step = pointer[i];
  if (step === 'properties' && isObject(value)) {
    const name = pointer[i + 1];
    const prop: Schema = s.properties[name];
    valuesAt(value[name] === undefined ? prop.default : value[name], prop, pointer, i + 2, child(at, name), out);
  } else if (step === 'items' && Array.isArray(value)) {
    value.forEach((item, n) => valuesAt(item, s.items, pointer, i + 1, index(at, n), out));
  } else if (step === 'additionalProperties' && isObject(value)) {
    for (const [k, v] of Object.entries(value)) valuesAt(v, s.additionalProperties, pointer, i + 1, key(at, k), out);
  }
}

function evaluate(rule: ValidationRule, site: Site, self: unknown): { path: string; message: string } | undefined {
  const program = compile(rule.rule);
  if (program instanceof Error) return { path: site.path, message: `rule compile error: ${program.message}` };
  if (program.usesOldSelf && !rule.optionalOldSelf) return undefined;
  if (program.usesOldSelf) return { path: site.path, message: `rule compile error: optionalOldSelf rules are not supported by the gate's CEL engine: ${errorString(rule)}` };
  const result = program.run(self);
  if (result === true) return undefined;
  if (result instanceof Error) return { path: site.path, message: `${result.message} evaluating rule: ${errorString(rule)}` };
  if (result !== false) return { path: site.path, message: `rule did not evaluate to a bool: ${errorString(rule)}` };
  return { path: rule.fieldPath ? appendFieldPath(site.path, site.schema, rule.fieldPath) : site.path, message: messageOf(rule, self) };
}

/** validation.go `ruleErrorString`. */
function errorString(rule: ValidationRule): string {
  return rule.message?.trim() || rule.rule.trim();
}

/** The messageExpression's value when it is a non-empty single line (validation.go `evalMessageExpression`), else `ruleMessageOrDefault`. */
function messageOf(rule: ValidationRule, self: unknown): string {
  if (rule.messageExpression) {
    const program = compile(rule.messageExpression);
    const value = program instanceof Error ? undefined : program.run(self);
    if (typeof value === 'string' && value.trim() && !value.includes('\n') && value.trim().length <= 5120) return value.trim();
  }
  return rule.message?.trim() ? rule.message.trim() : `failed rule: ${rule.rule.trim()}`;
}

/** The rule's `fieldPath` (`.a.b`, `['k']`) appended to the node's path (validation.go `ValidFieldPath`): properties as fields, map keys as keys. */
export function appendFieldPath(base: string, schema: Schema, fieldPath: string): string {
  let at = base;
  let s: Schema | undefined = schema;
  for (const [, dotted, quoted] of fieldPath.matchAll(/\.([^.[\]]+)|\['((?:\\.|[^'\\])*)'\]/g)) {
    const name = dotted ?? quoted.replace(/\\(.)/g, '$1');
    if (s?.properties) {
      at = child(at, name);
      s = s.properties[name];
    } else {
      at = key(at, name);
      s = isObject(s?.additionalProperties) ? s!.additionalProperties : undefined;
    }
  }
  return at;
}

const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/**
 * A property name as a CEL identifier, or undefined when it cannot be one (k8s.io/apiserver/pkg/cel
 * escaping.go `Escape`): reserved words become `__word__`; `__`, `.`, `-`, `/` become
 * `__underscores__`, `__dot__`, `__dash__`, `__slash__`.
 */
export function escapeProperty(name: string): string | undefined {
  if (escaped.has(name)) return escaped.get(name);
  const result = escapeOnce(name);
  escaped.set(name, result);
  return result;
}

const escaped = new Map<string, string | undefined>();

function escapeOnce(name: string): string | undefined {
  if (!/^[A-Za-z_.\-/][A-Za-z0-9_.\-/]*$/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  return name.replace(/__|[.\-/]/g, (m) => ({ __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' } as Record<string, string>)[m]);
}

/**
 * The value as CEL sees it (values.go `UnstructuredToVal`): objects and maps as Maps, lists as
 * arrays, `integer` as bigint. An object becomes a `CelObject`, filled when a rule first reads it,
 * so a rule that tests `has(t.container)` on every template converts one level, not the templates.
 */
export function toCel(value: unknown, s: Schema, resource = false): unknown {
  if (value === null || value === undefined) return value;
  if (s['x-kubernetes-int-or-string']) return typeof value === 'number' ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((item) => (isObject(s.items) ? toCel(item, s.items) : dyn(item)));
  if (isObject(value)) return new CelObject(value, s, resource || s['x-kubernetes-embedded-resource'] === true);
  if (typeof value === 'number') return s.type === 'number' || !Number.isInteger(value) ? value : BigInt(value);
  if (typeof value === 'string') return stringToCel(value, s.format);
  return value;
}

/** An object or map of the document as a CEL map, its entries made on first read. */
class CelObject extends Map<string, unknown> {
  private pending?: [Record<string, unknown>, Schema, boolean];

  constructor(value: Record<string, unknown>, s: Schema, resource: boolean) {
    super();
    this.pending = [value, s, resource];
  }

  private filled(): this {
    if (this.pending) {
      const [value, s, resource] = this.pending;
      this.pending = undefined;
      fillObject(this, value, s, resource);
    }
    return this;
  }

  override get(k: string): unknown { return Map.prototype.get.call(this.filled(), k); }
  override has(k: string): boolean { return Map.prototype.has.call(this.filled(), k); }
  override get size(): number { return Reflect.get(Map.prototype, 'size', this.filled()); }
  override keys(): MapIterator<string> { return Map.prototype.keys.call(this.filled()) as MapIterator<string>; }
  override values(): MapIterator<unknown> { return Map.prototype.values.call(this.filled()); }
  override entries(): MapIterator<[string, unknown]> { return Map.prototype.entries.call(this.filled()) as MapIterator<[string, unknown]>; }
  override [Symbol.iterator](): MapIterator<[string, unknown]> { return this.entries(); }
  override forEach(fn: (v: unknown, k: string, m: Map<string, unknown>) => void, thisArg?: unknown): void { Map.prototype.forEach.call(this.filled(), fn as any, thisArg); }
}

/**
 * One level of an object: its properties escaped, with the schema's defaults for those it lacks
 * (structural defaulting runs before validation), unknown ones left out; a map's keys as written.
 */
function fillObject(out: Map<string, unknown>, value: Record<string, unknown>, s: Schema, resource: boolean): void {
  if (s.properties || resource) {
    for (const name of Object.keys(value)) {
      const v = value[name];
      const prop: Schema | undefined = s.properties?.[name];
      const escaped = escapeProperty(name);
      // A resource shows CEL its apiVersion, kind and metadata's name and generateName (model.WithTypeAndObjectMeta).
      if (resource && name === 'metadata' && isObject(v)) out.set(name, new Map(['name', 'generateName'].filter((k) => typeof v[k] === 'string').map((k) => [k, v[k]])));
      else if (resource && (name === 'apiVersion' || name === 'kind') && typeof v === 'string') out.set(name, v);
      else if (prop && escaped !== undefined && v !== undefined) out.set(escaped, toCel(v, prop));
    }
    for (const [name, prop] of defaultsOf(s)) {
      if (value[name] === undefined) out.set(escapeProperty(name)!, toCel(prop.default, prop));
    }
  } else if (isObject(s.additionalProperties)) {
    for (const [k, v] of Object.entries(value)) out.set(k, toCel(v, s.additionalProperties));
  }
  // An object that only preserves unknown fields shows none of them to CEL.
}

const defaultsBySchema = new WeakMap<Schema, [string, Schema][]>();

/** The properties of a schema node that have a default (and a CEL name); once per node. */
function defaultsOf(s: Schema): [string, Schema][] {
  let found = defaultsBySchema.get(s);
  if (!found) {
    found = Object.entries<Schema>(s.properties ?? {}).filter(([name, prop]) => prop.default !== undefined && escapeProperty(name) !== undefined);
    defaultsBySchema.set(s, found);
  }
  return found;
}

/** A value without a schema (under x-kubernetes-preserve-unknown-fields): JSON as CEL sees it. */
function dyn(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dyn);
  if (isObject(value)) return new Map(Object.entries(value).map(([k, v]) => [k, dyn(v)]));
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}

function stringToCel(value: string, format: string | undefined): unknown {
  if (format === 'byte') return new Uint8Array(Buffer.from(value, 'base64'));
  if (format === 'date-time' || format === 'date') {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return celEngine().timestampFromDate(date);
  }
  return value;
}
