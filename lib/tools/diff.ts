import * as fs from 'fs';
import * as path from 'path';
import type * as YAML from 'yaml';
import { compare, groupOf, isObject } from '../util';

/**
 * Object-by-object comparison of two synthesized outputs (the committed `dist/` and a fresh synth),
 * for review in a pull request: which objects are added, removed or changed, and for a changed
 * object which fields, as dotted paths with their old and new values. Pure functions over parsed
 * YAML documents, plus `readTree` to load a folder.
 */

/** Identity of an object in the output: folder + API group + kind + namespace + name. */
export interface ObjectId {
  /** Folder of the output, e.g. `dev`. */
  readonly folder: string;
  /** API group, '' for the core group. */
  readonly group: string;
  readonly kind: string;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

/** One object of an output, with the file it is in. */
export interface OutputObject {
  readonly id: ObjectId;
  /** Path relative to the output folder, e.g. `dev/orders.yaml`. */
  readonly file: string;
  readonly doc: any;
}

/** A field whose value differs; `undefined` stands for an absent field. */
export interface FieldChange {
  /** Dotted path, e.g. `spec.template.spec.containers[app].image` (list items with a name are named). */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ObjectChange {
  readonly id: ObjectId;
  readonly file: string;
  readonly changes: FieldChange[];
}

export interface DiffResult {
  readonly added: OutputObject[];
  readonly removed: OutputObject[];
  readonly changed: ObjectChange[];
}

/**
 * The names kustomize reads as a folder's index (sigs.k8s.io/kustomize/api/konfig,
 * RecognizedKustomizationFileNames). The platform writes `Kustomization`; older revisions of dist/
 * held `kustomization.yaml`, and a diff against them must not read that index as an object.
 */
const KUSTOMIZATION_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/** Files that are not objects of the platform: kustomize's index of each folder, anything but YAML. */
export function isIgnoredFile(file: string): boolean {
  return KUSTOMIZATION_FILES.has(path.posix.basename(file)) || !/\.ya?ml$/.test(file);
}

/** The identity of a document in `file`. */
export function objectId(file: string, doc: any): ObjectId {
  return {
    folder: file.includes('/') ? file.slice(0, file.indexOf('/')) : '',
    group: groupOf(doc?.apiVersion),
    kind: String(doc?.kind ?? '?'),
    namespace: String(doc?.metadata?.namespace ?? ''),
    name: String(doc?.metadata?.name ?? '?'),
  };
}

/** A stable string for an identity, also its sort key. */
export function idKey(id: ObjectId): string {
  return [id.folder, id.group, id.kind, id.namespace, id.name].join('\u0000');
}

/** How a review names an object: `dev` Deployment.apps `shop-dev/orders`. */
export function describeId(id: ObjectId): string {
  const kind = id.group ? `${id.kind}.${id.group}` : id.kind;
  const name = id.namespace ? `${id.namespace}/${id.name}` : id.name;
  return `${id.folder || '.'}: ${kind} ${name}`;
}

/**
 * The objects of an output given as file -> YAML text (multi-document files allowed;
 * kustomize's index files and empty documents are skipped). Throws on YAML that does not parse,
 * naming the file.
 */
export function parseOutput(files: ReadonlyMap<string, string> | Record<string, string>): Map<string, OutputObject> {
  const entries = files instanceof Map ? [...files.entries()] : Object.entries(files);
  const objects = new Map<string, OutputObject>();
  // Loaded here: lib/index.ts exports this module, and a synth does not need the YAML library.
  const yaml: typeof YAML = require('yaml');
  for (const [file, text] of entries.sort(([a], [b]) => compare(a, b))) {
    if (isIgnoredFile(file)) continue;
    for (const document of yaml.parseAllDocuments(text)) {
      if (document.errors.length) throw new Error(`${file}: ${document.errors[0].message}`);
      const doc = document.toJS();
      if (doc === null || doc === undefined) continue;
      const id = objectId(file, doc);
      let key = idKey(id);
      // The validation gate forbids duplicates; a hand-edited output may still have them.
      for (let n = 2; objects.has(key); n++) key = `${idKey(id)}\u0000#${n}`;
      objects.set(key, { id, file, doc });
    }
  }
  return objects;
}

/** Compares two outputs (as `parseOutput` returns them); every list is sorted by identity. */
export function diffOutputs(before: Map<string, OutputObject>, after: Map<string, OutputObject>): DiffResult {
  const added: OutputObject[] = [];
  const removed: OutputObject[] = [];
  const changed: ObjectChange[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort(compare)) {
    const a = before.get(key);
    const b = after.get(key);
    if (!a) added.push(b!);
    else if (!b) removed.push(a);
    else {
      const changes = diffValues(a.doc, b.doc);
      if (changes.length) changed.push({ id: b.id, file: b.file, changes });
    }
  }
  return { added, removed, changed };
}

export function isEmptyDiff(result: DiffResult): boolean {
  return result.added.length === 0 && result.removed.length === 0 && result.changed.length === 0;
}

/**
 * Fields that identify an item of a list, in order of preference: a list whose items all carry one
 * of them, each value unique, is compared item by item by that key, so an insertion is one added
 * item and not a change to every later one.
 */
export const LIST_KEYS = ['name', 'containerPort', 'port', 'mountPath', 'path', 'host', 'key', 'topologyKey', 'templateName', 'secretName', 'ip'] as const;

/**
 * The fields in which two values differ, as dotted paths in document order (fields of `before`
 * first, then fields only `after` has), down to the leaves: an added, removed or retyped object or
 * list is the paths of its scalars (and empty objects and lists), never one value for a whole
 * subtree. Lists are matched by a key of `LIST_KEYS` (`containers[app]` for names,
 * `ports[containerPort=8080]` for the others), else by index when both have the same length, else
 * item by item through their longest common subsequence (`args[2]` added).
 */
export function diffValues(before: unknown, after: unknown, at = ''): FieldChange[] {
  if (deepEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))];
    return keys.flatMap((k) => diffValues(before[k], after[k], joinKey(at, k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) return diffLists(before, after, at);
  if (isContainer(before) || isContainer(after)) {
    // Another shape on each side (or absent on one): what goes, then what comes, leaf by leaf.
    return [
      ...leaves(before, at).map(([path, value]) => ({ path, before: value, after: undefined })),
      ...leaves(after, at).map(([path, value]) => ({ path, before: undefined, after: value })),
    ];
  }
  return [{ path: at || '.', before, after }];
}

/** A non-empty object or list: shown as its leaves. */
function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return (isObject(value) && Object.keys(value).length > 0) || (Array.isArray(value) && value.length > 0);
}

/** The scalars (and empty objects and lists) of a value with their paths, lists labelled as `diffLists` does. */
function leaves(value: unknown, at: string): [string, unknown][] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.length) {
    const key = LIST_KEYS.find((k) => keyedBy(value, k));
    return value.flatMap((item: any, i) => (key ? itemLeaves(item, key, at) : leaves(item, `${at}[${i}]`)));
  }
  if (isObject(value) && Object.keys(value).length) return Object.entries(value).flatMap(([k, v]) => leaves(v, joinKey(at, k)));
  return [[at || '.', value]];
}

/** The leaves of a keyed list item but its key, which its path names already (`env[A].value`, not `env[A].name` too). */
function itemLeaves(item: Record<string, unknown>, key: string, at: string): [string, unknown][] {
  const path = `${at}[${itemLabel(key, item)}]`;
  const { [key]: _key, ...rest } = item;
  const found = leaves(rest, path);
  return Object.keys(rest).length ? found : [[path, item]];
}

function itemLabel(key: string, item: any): string {
  return key === 'name' ? String(item[key]) : `${key}=${item[key]}`;
}

function diffLists(before: unknown[], after: unknown[], at: string): FieldChange[] {
  const key = LIST_KEYS.find((k) => keyedBy(before, k) && keyedBy(after, k));
  if (key && (before.length || after.length)) {
    const a = new Map(before.map((item: any) => [itemLabel(key, item), item]));
    const b = new Map(after.map((item: any) => [itemLabel(key, item), item]));
    const labels = [...a.keys(), ...[...b.keys()].filter((n) => !a.has(n))];
    const changes = labels.flatMap((n) => {
      const [x, y] = [a.get(n) as Record<string, unknown> | undefined, b.get(n) as Record<string, unknown> | undefined];
      if (x && y) return diffValues(x, y, `${at}[${n}]`);
      return x ? itemLeaves(x, key, at).map(([path, v]) => ({ path, before: v, after: undefined }))
        : itemLeaves(y!, key, at).map(([path, v]) => ({ path, before: undefined, after: v }));
    });
    // Same items in another order: show the order itself.
    return changes.length ? changes : [{ path: at, before, after }];
  }
  if (before.length === after.length) {
    return before.flatMap((item, i) => diffValues(item, after[i], `${at}[${i}]`));
  }
  // Different lengths, no key: the items both lists keep stay matched; the rest are added or removed.
  const common = lcs(before, after);
  const changes: FieldChange[] = [];
  let i = 0;
  let j = 0;
  for (const [ci, cj] of [...common, [before.length, after.length]]) {
    for (; i < ci; i++) changes.push(...diffValues(before[i], undefined, `${at}[${i}]`));
    for (; j < cj; j++) changes.push(...diffValues(undefined, after[j], `${at}[${j}]`));
    i = ci + 1;
    j = cj + 1;
  }
  return changes;
}

/** Index pairs of a longest common subsequence of two lists (deep equality). */
function lcs(a: unknown[], b: unknown[]): [number, number][] {
  const table: number[][] = Array.from({ length: a.length + 1 }, () => Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i][j] = deepEqual(a[i], b[j]) ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (deepEqual(a[i], b[j])) pairs.push([i++, j++]);
    else if (table[i + 1][j] >= table[i][j + 1]) i++;
    else j++;
  }
  return pairs;
}

function keyedBy(list: unknown[], key: string): boolean {
  const seen = new Set<unknown>();
  for (const item of list) {
    if (!isObject(item)) return false;
    const v = item[key];
    if ((typeof v !== 'string' && typeof v !== 'number') || seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function joinKey(at: string, key: string): string {
  const part = /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
  if (part.startsWith('"')) return `${at}[${part}]`;
  return at ? `${at}.${part}` : part;
}

/** A value as a review shows it: its whole JSON, never shortened; `(none)` for an absent field. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(none)';
  return JSON.stringify(value);
}

/** A string of more than one line (a script, a configuration file): shown as a unified diff. */
function isMultiLine(value: unknown): boolean {
  return typeof value === 'string' && value.includes('\n');
}

/** A new image (or version label) of one container of one object: what a release review looks at first. */
export interface ReleaseChange {
  readonly id: ObjectId;
  readonly file: string;
  /** `containers[app]`, or `version label` for an `app.kubernetes.io/version` change without an image change. */
  readonly what: string;
  readonly before: string | undefined;
  readonly after: string | undefined;
}

const IMAGE_PATH = /(^|\.)(containers|initContainers|ephemeralContainers)\[([^\]]+)\]\.image$/;
const VERSION_PATH = /(^|\.)labels\["app\.kubernetes\.io\/version"\]$/;

/** Images of a document's pod template (or of a Workflow-like spec), by container path. */
function imagesOf(doc: any): Map<string, string> {
  const images = new Map<string, string>();
  const pod = doc?.spec?.template?.spec ?? doc?.spec?.jobTemplate?.spec?.template?.spec;
  for (const list of ['initContainers', 'containers'] as const) {
    for (const c of pod?.[list] ?? []) if (typeof c?.image === 'string') images.set(`${list}[${c.name}]`, c.image);
  }
  return images;
}

/**
 * Image changes of changed objects, and the images of added and removed workloads; version label
 * changes only where the object's images did not change (else the image says it already).
 */
export function releaseChanges(result: DiffResult): ReleaseChange[] {
  const out: ReleaseChange[] = [];
  for (const c of result.changed) {
    const images = c.changes.filter((f) => IMAGE_PATH.test(f.path));
    for (const f of images) {
      const m = IMAGE_PATH.exec(f.path)!;
      out.push({ id: c.id, file: c.file, what: `${m[2]}[${m[3]}]`, before: f.before as string | undefined, after: f.after as string | undefined });
    }
    if (images.length === 0) {
      const version = c.changes.find((f) => VERSION_PATH.test(f.path) && f.path.startsWith('metadata.'));
      if (version && version.before !== undefined && version.after !== undefined) out.push({ id: c.id, file: c.file, what: 'version label', before: version.before as string | undefined, after: version.after as string | undefined });
    }
  }
  for (const o of result.added) for (const [what, image] of imagesOf(o.doc)) out.push({ id: o.id, file: o.file, what, before: undefined, after: image });
  for (const o of result.removed) for (const [what, image] of imagesOf(o.doc)) out.push({ id: o.id, file: o.file, what, before: image, after: undefined });
  return out;
}

/**
 * Markdown for a pull request: a summary line, then added, removed and changed objects; every
 * changed field with its whole old and new value, a multi-line string as a unified diff.
 */
export function formatDiff(result: DiffResult): string {
  if (isEmptyDiff(result)) return 'No changes to the synthesized objects.\n';
  const fieldCount = result.changed.reduce((n, c) => n + c.changes.length, 0);
  const lines = [
    `**${result.added.length} added, ${result.removed.length} removed, ${result.changed.length} changed** (${fieldCount} field${fieldCount === 1 ? '' : 's'})`,
  ];
  const name = (o: { id: ObjectId; file: string }) => `${code(describeId(o.id))} (${o.file})`;
  const releases = releaseChanges(result);
  if (releases.length) {
    lines.push('', '### Images and versions', '', '| folder | object | container | before | after |', '|---|---|---|---|---|');
    for (const r of releases) {
      const kind = r.id.group ? `${r.id.kind}.${r.id.group}` : r.id.kind;
      lines.push(`| ${r.id.folder || '.'} | ${kind} ${r.id.name} | ${r.what} | ${r.before === undefined ? '(new)' : code(r.before)} | ${r.after === undefined ? '(removed)' : code(r.after)} |`);
    }
  }
  if (result.added.length) {
    lines.push('', '### Added', '', ...result.added.map((o) => `- ${name(o)}`));
  }
  if (result.removed.length) {
    lines.push('', '### Removed', '', ...result.removed.map((o) => `- ${name(o)}`));
  }
  if (result.changed.length) {
    lines.push('', '### Changed');
    for (const c of result.changed) {
      lines.push('', `- ${name(c)}`);
      for (const f of c.changes) lines.push(...formatChange(f));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One changed field: `path`: old -> new, or for text of several lines a unified diff in a fenced block. */
function formatChange(f: FieldChange): string[] {
  if (!isMultiLine(f.before) && !isMultiLine(f.after)) {
    return [`  - ${code(f.path)}: ${code(formatValue(f.before))} -> ${code(formatValue(f.after))}`];
  }
  const text = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  const body = unifiedDiff(text(f.before), text(f.after));
  const longest = Math.max(2, ...(body.join('\n').match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const what = f.before === undefined ? ' (added)' : f.after === undefined ? ' (removed)' : '';
  return [`  - ${code(f.path)}${what}:`, '', `    ${fence}diff`, ...body.map((l) => `    ${l}`), `    ${fence}`, ''];
}

/**
 * A unified diff of two texts (as `diff -u` writes it, three lines of context): `--- before`,
 * `+++ after`, then hunks `@@ -l,n +l,n @@` of ` ` kept, `-` removed and `+` added lines.
 */
export function unifiedDiff(before: string, after: string, context = 3): string[] {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const ops: { op: ' ' | '-' | '+'; line: string; i: number; j: number }[] = [];
  let i = 0;
  let j = 0;
  for (const [ci, cj] of [...lcs(a, b), [a.length, b.length]]) {
    for (; i < ci; i++) ops.push({ op: '-', line: a[i], i, j });
    for (; j < cj; j++) ops.push({ op: '+', line: b[j], i, j });
    if (i < a.length && j < b.length) ops.push({ op: ' ', line: a[i], i: i++, j: j++ });
  }
  const out = ['--- before', '+++ after'];
  const changed = ops.map((o, n) => (o.op === ' ' ? -1 : n)).filter((n) => n >= 0);
  for (let h = 0; h < changed.length;) {
    const first = Math.max(0, changed[h] - context);
    let last = changed[h];
    while (h + 1 < changed.length && changed[h + 1] - last <= 2 * context) last = changed[++h];
    h++;
    const hunk = ops.slice(first, Math.min(ops.length, last + context + 1));
    const from = hunk.filter((o) => o.op !== '+').length;
    const to = hunk.filter((o) => o.op !== '-').length;
    const start = (n: number, count: number) => (count === 0 ? n : n + 1);
    out.push(`@@ -${start(hunk[0].i, from)},${from} +${start(hunk[0].j, to)},${to} @@`, ...hunk.map((o) => `${o.op}${o.line}`));
  }
  if (changed.length === 0) out.push('(only the newline at the end differs)');
  return out;
}

/** A markdown code span that survives backticks in the text. */
function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** The files below `dir` (relative path -> content), sorted; an absent folder has none. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string, prefix: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name))) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
      else if (e.isFile()) files.set(`${prefix}${e.name}`, fs.readFileSync(path.join(d, e.name), 'utf8'));
    }
  };
  walk(dir, '');
  return files;
}
