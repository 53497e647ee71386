import type * as YAML from 'yaml';
import { YAML_1_1_SAFE } from './yaml-compat';
import { numberScalar, stringScalar } from './yaml-strings';

/**
 * How the `yaml` library serializes documents (shared with the benchmark's serialization floor):
 * the emitter below writes the same bytes without it. Reading `compat` loads the library.
 */
export const YAML_OPTIONS = {
  lineWidth: 0,
  // Manifests never share sub-objects that must become anchors; skipping the search is ~25% faster.
  aliasDuplicateObjects: false,
  // YAML 1.2 that YAML 1.1 readers (kubectl, Argo CD, kustomize) read the same: see yaml-compat.ts.
  get compat(): YAML.Tags {
    return YAML_1_1_SAFE.compat;
  },
  customTags: YAML_1_1_SAFE.customTags,
};

/** A scalar in block context as the library writes it (yaml-strings.ts), or undefined where only the library knows. */
function scalar(value: unknown, indent: string, implicitKey: boolean): string | undefined {
  switch (typeof value) {
    case 'string':
      return stringScalar(value, indent, implicitKey);
    case 'number':
      return numberScalar(value);
    case 'boolean':
      return String(value);
    default:
      return value === null ? 'null' : undefined;
  }
}

/** A plain object the library writes as a map (its own `toJSON` would be called first: left to the library). */
function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && typeof (value as any).toJSON !== 'function';
}

/** An array the library writes as a sequence (holes and `undefined` items are left to it). */
function isSeq(value: unknown): value is unknown[] {
  return Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype && typeof (value as any).toJSON !== 'function';
}

/**
 * Lines of a non-empty collection's entries or items at `indent`; false when something needs the
 * library. A scalar's text (yaml-strings.ts) may span lines: its node is indented two spaces deeper.
 */
function collectionLines(value: Record<string, unknown> | unknown[], indent: string, out: string[]): boolean {
  return Array.isArray(value) ? seqLines(value, indent, out) : mapLines(value, indent, out);
}

/** An empty collection's flow form, undefined for anything else. */
function emptyCollection(value: unknown): string | undefined {
  if (isSeq(value)) return value.length === 0 ? '[]' : undefined;
  return isMap(value) && Object.keys(value).length === 0 ? '{}' : undefined;
}

/** Lines of a map's entries at `indent`. */
function mapLines(map: Record<string, unknown>, indent: string, out: string[]): boolean {
  const inner = `${indent}  `;
  for (const key of Object.keys(map)) {
    const k = stringScalar(key, inner, true);
    const value = map[key];
    // Keys over 1,024 characters become explicit (`? key`) keys; undefined values are dropped.
    if (k.length > 1024 || value === undefined) return false;
    if (!isSeq(value) && !isMap(value)) {
      const v = scalar(value, inner, false);
      if (v === undefined) return false;
      out.push(`${indent}${k}: ${v}\n`);
      continue;
    }
    const empty = emptyCollection(value);
    if (empty !== undefined) {
      out.push(`${indent}${k}: ${empty}\n`);
      continue;
    }
    // A collection starts on the line after its key; a map two spaces deeper, a sequence's dashes at the key's column plus two.
    out.push(`${indent}${k}:\n`);
    if (!collectionLines(value, inner, out)) return false;
  }
  return true;
}

/** Lines of a sequence's items, dashes at `indent`. */
function seqLines(seq: unknown[], indent: string, out: string[]): boolean {
  const inner = `${indent}  `;
  for (let i = 0; i < seq.length; i++) {
    const item = seq[i];
    if (item === undefined || !(i in seq)) return false;
    if (!isSeq(item) && !isMap(item)) {
      const v = scalar(item, inner, false);
      if (v === undefined) return false;
      out.push(`${indent}- ${v}\n`);
      continue;
    }
    const empty = emptyCollection(item);
    if (empty !== undefined) {
      out.push(`${indent}- ${empty}\n`);
      continue;
    }
    // The item's first entry (or first nested item) shares the line of its dash.
    const first = out.length;
    if (!collectionLines(item, inner, out)) return false;
    out[first] = `${indent}- ${out[first].slice(inner.length)}`;
  }
  return true;
}

/**
 * The YAML of a document made of plain maps, arrays, strings, numbers, booleans and null (every
 * manifest), written directly; undefined for anything else (dates, class instances, `undefined`,
 * bigints, keys over 1,024 characters, a top level that is not a non-empty map).
 */
export function stringifySimple(doc: unknown): string | undefined {
  const out: string[] = [];
  return isMap(doc) && Object.keys(doc).length > 0 && mapLines(doc, '', out) ? out.join('') : undefined;
}

/**
 * `YAML.stringify(doc, YAML_OPTIONS)`, byte for byte, several times faster; the documents
 * `stringifySimple` cannot write go to the library, loaded then.
 */
export function stringifyManifest(doc: unknown): string {
  return stringifySimple(doc) ?? (require('yaml') as typeof YAML).stringify(doc, YAML_OPTIONS);
}
