import * as YAML from 'yaml';
import { YAML_1_1_SAFE } from './yaml-compat';

/** How documents are serialized (shared with the benchmark's serialization floor); the fast path below writes the same bytes. */
export const YAML_OPTIONS = {
  lineWidth: 0,
  // Manifests never share sub-objects that must become anchors; skipping the search is ~25% faster.
  aliasDuplicateObjects: false,
  // YAML 1.2 that YAML 1.1 readers (kubectl, Argo CD, kustomize) read the same: see yaml-compat.ts.
  ...YAML_1_1_SAFE,
};

/** Characters a scalar may have for the fast path: no indicators, quotes, comments or non-ASCII. */
const PLAIN = /^[A-Za-z0-9_./=+-][A-Za-z0-9 _./:=@+%,-]*$/;
/** Text the library double-quotes although its characters are plain: `: ` inside, a trailing space or colon, a lone or `- ` dash. */
const QUOTED_ANYWAY = /: |[ :]$|^-( |$)/;
/** A document marker at the start changes the indentation rules: left to the library. */
const DOCUMENT_MARKER = /^(---|\.\.\.)/;

let typedScalar: RegExp | undefined;

/**
 * The library's test (stringifyString.js, plainString): a string is quoted when a default tag of the
 * schema or of the `compat` schema other than `str` matches it. Its tags' tests, joined into one
 * expression (none has flags or back-references), so each string is matched once.
 */
function typedScalarTest(): RegExp {
  const { tags, compat } = new YAML.Document(null, YAML_OPTIONS).schema;
  const tests = [...tags, ...(compat ?? [])]
    .filter((tag: any) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test)
    .map((tag: any) => tag.test as RegExp);
  const odd = tests.find((re) => !(re instanceof RegExp) || re.flags !== '' || /\\[1-9]/.test(re.source));
  if (odd) throw new Error(`yaml-emitter: tag test ${String(odd)} cannot be joined; teach typedScalarTest() about it`);
  return new RegExp(tests.map((re) => `(?:${re.source})`).join('|'));
}

/** Strings YAML 1.2 or 1.1 would read back as another type (`true`, `on`, `8080`, `0o17`, `1e3`, `null`...). */
function readsAsOtherType(s: string): boolean {
  return (typedScalar ??= typedScalarTest()).test(s);
}

/** A scalar as the library writes it in block context (keys too), or undefined where only the library knows. */
function scalar(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      if (value === '') return '""';
      if (!PLAIN.test(value) || DOCUMENT_MARKER.test(value)) return undefined;
      // None of these characters needs an escape, so the library's double quotes are plain JSON quotes.
      return QUOTED_ANYWAY.test(value) || readsAsOtherType(value) ? `"${value}"` : value;
    case 'number':
      // Integers only (`-0` too keeps its sign in the library); fractions and exponents go to it.
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : undefined;
    case 'boolean':
      return String(value);
    default:
      return value === null ? 'null' : undefined;
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** Lines of a map's entries at `indent`; false when some value needs the library. */
function mapLines(map: Record<string, unknown>, indent: string, out: string[]): boolean {
  for (const key of Object.keys(map)) {
    const k = scalar(key);
    const value = map[key];
    // Keys over 1,024 characters become explicit (`? key`) keys.
    if (k === undefined || k.length > 1024 || value === undefined) return false;
    const isList = Array.isArray(value);
    if (!isList && !isMap(value)) {
      const v = scalar(value);
      if (v === undefined) return false;
      out.push(`${indent}${k}: ${v}\n`);
    } else if (isList ? value.length === 0 : Object.keys(value).length === 0) {
      out.push(`${indent}${k}: ${isList ? '[]' : '{}'}\n`);
    } else {
      // A collection starts on the line after its key, two spaces deeper.
      out.push(`${indent}${k}:\n`);
      if (!(isList ? seqLines(value, `${indent}  `, out) : mapLines(value as Record<string, unknown>, `${indent}  `, out))) return false;
    }
  }
  return true;
}

/** Lines of a sequence's items at `indent` (sequences are indented under their key). */
function seqLines(seq: unknown[], indent: string, out: string[]): boolean {
  for (const item of seq) {
    if (isMap(item)) {
      if (Object.keys(item).length === 0) {
        out.push(`${indent}- {}\n`);
        continue;
      }
      // The item's first entry shares the line of its dash.
      const first = out.length;
      if (!mapLines(item, `${indent}  `, out)) return false;
      out[first] = `${indent}- ${out[first].slice(indent.length + 2)}`;
    } else {
      const v = scalar(item);
      if (v === undefined) return false;
      out.push(`${indent}- ${v}\n`);
    }
  }
  return true;
}

/**
 * The YAML of a document made only of maps, sequences and simple scalars (most manifests), written
 * directly; undefined for anything else (multi-line or escaped strings, fractions, nested sequences).
 */
export function stringifySimple(doc: unknown): string | undefined {
  const out: string[] = [];
  return isMap(doc) && Object.keys(doc).length > 0 && mapLines(doc, '', out) ? out.join('') : undefined;
}

/**
 * `YAML.stringify(doc, YAML_OPTIONS)`, byte for byte, several times faster for the documents
 * `stringifySimple` writes; the others go to the library's document model.
 */
export function stringifyManifest(doc: unknown): string {
  return stringifySimple(doc) ?? YAML.stringify(doc, YAML_OPTIONS);
}
