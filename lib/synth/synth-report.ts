import * as fs from 'fs';
import * as path from 'path';
import { Manifest } from '../validate/manifest';
import { compare } from '../util';

/**
 * What one synth wrote: per folder of the output, its apps and objects, and the files added, changed
 * and removed against the previous output. `PlatformApp.synth()` hands it to the listeners registered
 * with `onSynth` (the synth runner prints `formatSummary` of it).
 */
export interface SynthReport {
  /** The output folder, as given to the app. */
  readonly outdir: string;
  readonly folders: FolderReport[];
}

export interface FolderReport {
  /** Folder below the output (`dev`), or '' for files at its top (`README.md`). */
  readonly folder: string;
  /** Names of the apps whose workloads are in the folder (`app.kubernetes.io/name`, else the object's name). */
  readonly apps: string[];
  readonly objects: number;
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
}

type Listener = (report: SynthReport) => void;
const listeners: Listener[] = [];

/** Calls `listener` after every successful `PlatformApp.synth()` in this process; returns an unsubscribe function. */
export function onSynth(listener: Listener): () => void {
  listeners.push(listener);
  return () => {
    const i = listeners.indexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  };
}

export function emitSynth(report: SynthReport): void {
  for (const listener of [...listeners]) listener(report);
}

/** Whether a document runs pods: it has a pod template, or drives another workload's (Rollout `workloadRef`). */
export function isWorkload(doc: any): boolean {
  return Array.isArray(doc?.spec?.template?.spec?.containers) || doc?.spec?.workloadRef !== undefined;
}

/** The report of a synth from its manifests and the files before and after. */
export function buildReport(outdir: string, manifests: Manifest[], before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): SynthReport {
  const folders = new Map<string, { apps: Set<string>; objects: number; added: string[]; changed: string[]; removed: string[] }>();
  const folderOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '');
  const get = (folder: string) => {
    let f = folders.get(folder);
    if (!f) folders.set(folder, f = { apps: new Set(), objects: 0, added: [], changed: [], removed: [] });
    return f;
  };
  for (const m of manifests) {
    const f = get(folderOf(m.file));
    f.objects++;
    if (isWorkload(m.doc) && m.doc.kind !== 'WorkflowTemplate') {
      f.apps.add(m.doc.metadata?.labels?.['app.kubernetes.io/name'] ?? m.doc.metadata?.name);
    }
  }
  for (const [file, content] of after) {
    const previous = before.get(file);
    if (previous === undefined) get(folderOf(file)).added.push(file);
    else if (previous !== content) get(folderOf(file)).changed.push(file);
  }
  for (const file of before.keys()) if (!after.has(file)) get(folderOf(file)).removed.push(file);
  return {
    outdir,
    folders: [...folders.entries()].sort(([a], [b]) => compare(a, b)).map(([folder, f]) => ({
      folder, apps: [...f.apps].sort(), objects: f.objects, added: f.added.sort(), changed: f.changed.sort(), removed: f.removed.sort(),
    })),
  };
}

/**
 * A few lines for the terminal:
 * ```
 * dev/     2 apps, 25 objects   1 changed: dev/orders.yaml
 * ```
 */
export function formatSummary(report: SynthReport): string {
  const rows = report.folders.map((f) => {
    const name = f.folder ? `${f.folder}/` : './';
    const counts = f.objects ? `${plural(f.apps.length, 'app')}, ${plural(f.objects, 'object')}` : '';
    const changes = [
      f.added.length ? `${f.added.length} added: ${f.added.join(', ')}` : '',
      f.changed.length ? `${f.changed.length} changed: ${f.changed.join(', ')}` : '',
      f.removed.length ? `${f.removed.length} removed: ${f.removed.join(', ')}` : '',
    ].filter(Boolean).join('; ') || 'unchanged';
    return [name, counts, changes];
  });
  const width = (i: number) => Math.max(...rows.map((r) => r[i].length));
  const lines = rows.map((r) => `  ${r[0].padEnd(width(0))}  ${r[1].padEnd(width(1))}  ${r[2]}`);
  const all = report.folders.reduce((n, f) => n + f.added.length + f.changed.length + f.removed.length, 0);
  const objects = report.folders.reduce((n, f) => n + f.objects, 0);
  return `${report.outdir}/: ${plural(objects, 'object')} in ${plural(report.folders.filter((f) => f.folder).length, 'folder')}, ${all ? plural(all, 'file') + ' changed' : 'no file changed'}\n${lines.join('\n')}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The files below `dir` (relative path -> content); none when it does not exist. */
export function readFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
      else if (e.isFile()) files.set(`${prefix}${e.name}`, fs.readFileSync(path.join(d, e.name), 'utf8'));
    }
  };
  walk(dir, '');
  return files;
}
