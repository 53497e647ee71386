import { Duration } from 'cdk8s';
import { PercentOrAbsolute } from 'cdk8s-plus-27';
import { ConfigError } from './errors';
import { PropError } from './checks';

/**
 * A small runtime schema for props interfaces: TypeScript checks props only in `npm test`, while the
 * synth transpiles without type-checking, and JavaScript callers have no types at all. Every
 * constructor and factory calls `checkProps`/`checkOptions` with the schema of its props interface;
 * unknown keys are refused naming the closest known one, values of the wrong type naming both types.
 * Each schema sits beside its interface, at the end of the interface's file (`JavaAppPropsSchema` in
 * app/props.ts), and names classes and enums directly: no module imports every construct.
 * `__tests__/props/schema.test.ts` holds every schema to its interface through the TypeScript
 * compiler API, so a prop added to an interface without its schema (or the reverse) fails a test.
 */
export type PropType =
  | { readonly kind: 'string' | 'number' | 'boolean' | 'unknown'; readonly unit?: QuantityUnit }
  | { readonly kind: 'literal'; readonly values: readonly string[] }
  | { readonly kind: 'enum'; readonly name: string; readonly values: object }
  | { readonly kind: 'instance'; readonly name: string; readonly test: (v: unknown) => boolean }
  | { readonly kind: 'array'; readonly item: PropType }
  | { readonly kind: 'record'; readonly value: PropType }
  | { readonly kind: 'union'; readonly options: readonly PropType[] }
  | ObjectSchema;

/** What a quantity prop measures: a number given for it is answered with its written form (`512` -> `'512Mi'`). */
export type QuantityUnit = 'memory' | 'cpu' | 'storage';

export interface Field {
  readonly type: PropType;
  readonly required: boolean;
}

/** The schema of one props interface, by the interface's name. */
export interface ObjectSchema {
  readonly kind: 'object';
  /** Name of the TypeScript interface the schema mirrors. */
  readonly name: string;
  readonly fields: Readonly<Record<string, Field>>;
}

/** Every object schema by interface name (for the test that compares them with the interfaces). */
export const SCHEMAS = new Map<string, ObjectSchema>();

type FieldSpec = PropType | Field;
const isField = (f: FieldSpec): f is Field => 'type' in f && 'required' in f;

/** Builders: `P.object('IngressOptions', { host: P.required(P.string), path: P.string })`. */
export const P = {
  string: { kind: 'string' } as PropType,
  number: { kind: 'number' } as PropType,
  boolean: { kind: 'boolean' } as PropType,
  /** Anything (values of types from other libraries, checked by their own code or the gate). */
  unknown: { kind: 'unknown' } as PropType,
  /** Shorthands for the field types props share. */
  strings: { kind: 'array', item: { kind: 'string' } } as PropType,
  stringMap: { kind: 'record', value: { kind: 'string' } } as PropType,
  duration: { kind: 'instance', name: 'Duration', test: (v) => v instanceof Duration } as PropType,
  /** A Kubernetes quantity, written as a string with its unit (`'512Mi'`, `'250m'`, `'10Gi'`). */
  quantity: (unit: QuantityUnit): PropType => ({ kind: 'string', unit }),
  countOrPercent: { kind: 'instance', name: 'PercentOrAbsolute', test: (v) => v instanceof PercentOrAbsolute } as PropType,
  /** A field that must be given. */
  required: (type: PropType): Field => ({ type, required: true }),
  literal: (...values: string[]): PropType => ({ kind: 'literal', values }),
  /** A TypeScript enum. */
  enumOf: (name: string, values: object): PropType => ({ kind: 'enum', name, values }),
  /** An instance of a class. */
  instance: (name: string, ctor: Function): PropType =>
    ({ kind: 'instance', name, test: (v) => v instanceof ctor }),
  /** Something recognised by a predicate (an interface implemented by constructs). */
  like: (name: string, test: (v: unknown) => boolean): PropType => ({ kind: 'instance', name, test }),
  array: (item: PropType): PropType => ({ kind: 'array', item }),
  record: (value: PropType): PropType => ({ kind: 'record', value }),
  oneOf: (...options: PropType[]): PropType => ({ kind: 'union', options }),
  /** The schema of an interface; registered by name. */
  object(name: string, fields: Record<string, FieldSpec>, base?: ObjectSchema): ObjectSchema {
    const all: Record<string, Field> = { ...base?.fields };
    for (const [key, spec] of Object.entries(fields)) all[key] = isField(spec) ? spec : { type: spec, required: false };
    const schema: ObjectSchema = { kind: 'object', name, fields: all };
    SCHEMAS.set(name, schema);
    return schema;
  },
};

/** Throws one PropError for the construct listing every unknown or mistyped prop. */
export function checkProps(construct: string, id: string, props: unknown, schema: ObjectSchema): void {
  const problems = found(props, schema);
  if (problems.length) throw withProps(new PropError(construct, id, problems.map(([, m]) => m).join('; ')), problems);
}

/** The same for a factory's options, e.g. `checkOptions('HealthProbe.httpGet', options, schema)`. */
export function checkOptions(where: string, options: unknown, schema: ObjectSchema): void {
  const problems = found(options, schema);
  if (problems.length) throw withProps(new ConfigError(`${where}: ${problems.map(([, m]) => m).join('; ')}`), problems);
}

/** Every problem of `value` against `schema`, each naming the prop's path; [] when it conforms. */
export function propProblems(value: unknown, schema: ObjectSchema, at = ''): string[] {
  return found(value, schema, at).map(([, message]) => message);
}

function found(value: unknown, schema: ObjectSchema, at = ''): Found[] {
  if (value === undefined) return [];
  return problemsOf(value, schema, at || 'props');
}

/** The error, with the paths of the props at fault (`error.props`) for tools that point at them in the source. */
function withProps<E extends Error>(error: E, problems: Found[]): E {
  Object.defineProperty(error, 'props', { value: problems.map(([path]) => path), enumerable: false });
  return error;
}

/** [path of the prop, message] per problem. */
type Found = [string, string];

function problemsOf(value: unknown, type: PropType, at: string): Found[] {
  switch (type.kind) {
    case 'unknown': return [];
    case 'string': case 'number': case 'boolean': {
      if (typeof value === type.kind && !(type.kind === 'number' && Number.isNaN(value))) return [];
      const written = type.kind === 'string' && type.unit && typeof value === 'number' ? writtenQuantity(value, type.unit) : undefined;
      return [[at, written
        ? `${at}: expected a quantity as a string with its unit, got ${describe(value)}: write '${written}'`
        : `${at}: expected ${article(type.kind)}, got ${describe(value)}`]];
    }
    case 'literal':
      return typeof value === 'string' && type.values.includes(value) ? [] : [[at, `${at}: expected one of ${type.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`]];
    case 'enum': {
      const values = Object.values(type.values);
      if (values.includes(value)) return [];
      const keys = Object.keys(type.values).filter((k) => !/^\d+$/.test(k));
      return [[at, `${at}: expected ${keys.map((k) => `${type.name}.${k}`).join(' or ')}, got ${describe(value)}`]];
    }
    case 'instance':
      return type.test(value) ? [] : [[at, `${at}: expected ${article(type.name)}, got ${describe(value)}`]];
    case 'array':
      if (!Array.isArray(value)) return [[at, `${at}: expected a list, got ${describe(value)}`]];
      return value.flatMap((item, i) => problemsOf(item, type.item, `${at}[${i}]`));
    case 'record':
      if (!isPlainObject(value)) return [[at, `${at}: expected an object of names to values, got ${describe(value)}`]];
      return Object.entries(value).flatMap(([k, v]) => problemsOf(v, type.value, `${at}[${JSON.stringify(k)}]`));
    case 'union': {
      const results = type.options.map((o) => problemsOf(value, o, at));
      if (results.some((r) => r.length === 0)) return [];
      // The option of the value's own shape explains best; else name every option.
      const sameShape = results.find((_r, i) => shapeMatches(value, type.options[i]));
      return sameShape ?? [[at, `${at}: expected ${type.options.map(typeName).join(' or ')}, got ${describe(value)}`]];
    }
    case 'object': {
      if (!isPlainObject(value)) return [[at, `${at}: expected an object (${type.name}), got ${describe(value)}`]];
      const prefix = at === 'props' ? '' : `${at}.`;
      const known = Object.keys(type.fields);
      const problems: Found[] = [];
      for (const key of Object.keys(value)) {
        if (!(key in type.fields)) {
          const close = closest(key, known);
          problems.push([`${prefix}${key}`, close
            ? `unknown prop \`${prefix}${key}\`: did you mean \`${prefix}${close}\`?`
            : `unknown prop \`${prefix}${key}\`: ${type.name} has ${known.map((k) => `\`${k}\``).join(', ')}`]);
        }
      }
      for (const [key, field] of Object.entries(type.fields)) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) {
          if (field.required) problems.push([`${prefix}${key}`, `\`${prefix}${key}\` is required`]);
          continue;
        }
        problems.push(...problemsOf(v, field.type, `${prefix}${key}`));
      }
      return problems;
    }
  }
}

/**
 * How a number given for a quantity prop is most likely meant, written as Kubernetes reads it: bytes
 * in whole MiB or GiB as such, else memory in MiB (GiB up to 16), storage in GiB; CPUs as cores
 * (`1`, `0.5` as `500m`), 50 and more as millicores.
 */
export function writtenQuantity(value: number, unit: QuantityUnit): string | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined;
  if (unit === 'cpu') {
    if (Number.isInteger(value)) return value >= 50 ? `${value}m` : String(value);
    return Number.isInteger(value * 1000) ? `${value * 1000}m` : undefined;
  }
  if (!Number.isInteger(value)) return undefined;
  const [mi, gi] = [2 ** 20, 2 ** 30];
  if (value >= mi) return value % gi === 0 ? `${value / gi}Gi` : value % mi === 0 ? `${value / mi}Mi` : undefined;
  return unit === 'storage' || value <= 16 ? `${value}Gi` : `${value}Mi`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function shapeMatches(value: unknown, type: PropType): boolean {
  if (type.kind === 'object' || type.kind === 'record') return isPlainObject(value);
  if (type.kind === 'array') return Array.isArray(value);
  return false;
}

function typeName(type: PropType): string {
  switch (type.kind) {
    case 'object': return `an object (${type.name})`;
    case 'array': return 'a list';
    case 'record': return 'an object of names to values';
    case 'enum': case 'instance': return article(type.name);
    case 'literal': return type.values.map((v) => JSON.stringify(v)).join(' or ');
    case 'union': return type.options.map(typeName).join(' or ');
    default: return article(type.kind);
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

/** How a message names a value: `the string "8080"`, `the number 3`, `a list`, `null`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 59)}…` : value)}`;
    case 'number': case 'boolean': case 'bigint': return `the ${typeof value} ${String(value)}`;
    case 'function': return 'a function';
    case 'object': {
      const ctor = Object.getPrototypeOf(value)?.constructor?.name;
      return ctor && ctor !== 'Object' ? `${article(ctor)}` : 'an object';
    }
    default: return String(value);
  }
}

/** The known key closest to `key` by edit distance (case-insensitive), if close enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const k = key.toLowerCase();
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    // A prefix either way (`tlsSecret` for `tlsSecretName`) counts as close as one or two edits.
    const d = c.startsWith(k) || k.startsWith(c) ? Math.min(1.5, distance(k, c)) : distance(k, c);
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Damerau-Levenshtein distance (optimal string alignment): swapped letters are one edit. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
