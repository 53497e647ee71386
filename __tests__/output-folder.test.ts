import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { StagedOutput, THREAD_FROM_FILES, writeAtomically } from '../lib/synth/output-folder';
import { readFiles } from '../lib/synth/synth-report';
import { platform, snapshotTree, tempDir } from './support/platform';
// The module object itself (not a copy of its exports), which the library reads Worker from when it starts a thread.
import workerThreads = require('worker_threads');

/** How an output folder is replaced: staged beside it, linked where unchanged, written on a thread when large. */
describe('StagedOutput', () => {
  afterEach(() => jest.restoreAllMocks());

  const ino = (file: string) => fs.statSync(file).ino;
  /** Files left beside `dir` by staging (`<dir>.tmp-<pid>`, `<dir>.old-<pid>`). */
  const leftovers = (dir: string) => fs.readdirSync(path.dirname(dir)).filter((f) => f.startsWith(`${path.basename(dir)}.`));
  const many = (n: number, prefix = 'dev/app') => new Map(Array.from({ length: n }, (_, i) => [`${prefix}-${i}.yaml`, `kind: ConfigMap\nn: ${i}\n`]));
  const stage = (dir: string, files: ReadonlyMap<string, string>, options = {}) => {
    const staged = new StagedOutput(dir, readFiles(dir), options);
    for (const [file, content] of files) staged.add(file, content);
    return staged;
  };
  /** Counts the threads started, each still a real one. */
  const countThreads = () => {
    const Real = workerThreads.Worker;
    return jest.spyOn(workerThreads, 'Worker').mockImplementation((...args) => new Real(...args));
  };

  test('an unchanged file is a link to the file it replaces; a changed one is new; one no longer written disappears', () => {
    const dir = path.join(tempDir(), 'dist');
    writeAtomically(dir, new Map([['dev/a.yaml', 'a: 1\n'], ['dev/b.yaml', 'b: 1\n'], ['prod/c.yaml', 'c: 1\n']]));
    const a = ino(path.join(dir, 'dev/a.yaml'));
    const b = ino(path.join(dir, 'dev/b.yaml'));
    stage(dir, new Map([['dev/a.yaml', 'a: 1\n'], ['dev/b.yaml', 'b: 2\n'], ['dev/d.yaml', 'd: 1\n']])).commit();
    expect(readFiles(dir)).toEqual(new Map([['dev/a.yaml', 'a: 1\n'], ['dev/b.yaml', 'b: 2\n'], ['dev/d.yaml', 'd: 1\n']]));
    expect(ino(path.join(dir, 'dev/a.yaml'))).toBe(a);
    expect(ino(path.join(dir, 'dev/b.yaml'))).not.toBe(b);
    expect(fs.existsSync(path.join(dir, 'prod'))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });

  test('where a file cannot be linked (gone since it was read), its unchanged content is written', () => {
    const dir = path.join(tempDir(), 'dist');
    writeAtomically(dir, new Map([['dev/a.yaml', 'a: 1\n']]));
    const staged = new StagedOutput(dir, readFiles(dir));
    fs.unlinkSync(path.join(dir, 'dev/a.yaml'));
    staged.add('dev/a.yaml', 'a: 1\n');
    staged.add('dev/b.yaml', 'b: 1\n');
    staged.commit();
    expect(readFiles(dir)).toEqual(new Map([['dev/a.yaml', 'a: 1\n'], ['dev/b.yaml', 'b: 1\n']]));
  });

  test(`from ${THREAD_FROM_FILES} files to write on, a thread writes them: the same files as without one`, () => {
    const files = many(THREAD_FROM_FILES + 50);
    const threads = countThreads();
    const here = path.join(tempDir(), 'dist');
    stage(here, files, { thread: false }).commit();
    expect(threads).not.toHaveBeenCalled();
    const onThread = path.join(tempDir(), 'dist');
    stage(onThread, files).commit();
    expect(threads).toHaveBeenCalledTimes(1);
    expect(readFiles(onThread)).toEqual(readFiles(here));
    expect(readFiles(onThread)).toEqual(files);
    // Fewer than that: written here.
    stage(path.join(tempDir(), 'dist'), many(THREAD_FROM_FILES - 1)).commit();
    expect(threads).toHaveBeenCalledTimes(1);
  });

  test('files unchanged are not counted as files to write: a platform that changes one file starts no thread', () => {
    const dir = path.join(tempDir(), 'dist');
    const files = many(THREAD_FROM_FILES + 50);
    writeAtomically(dir, files);
    const threads = countThreads();
    stage(dir, new Map([...files, ['dev/app-0.yaml', 'kind: ConfigMap\nn: changed\n']])).commit();
    expect(threads).not.toHaveBeenCalled();
    expect(readFiles(dir).get('dev/app-0.yaml')).toBe('kind: ConfigMap\nn: changed\n');
  });

  test.each([['on a thread', { thread: true }], ['here', { thread: false }]])('discarded %s: the output stays as it was, nothing is left beside it', (_, options) => {
    const dir = path.join(tempDir(), 'dist');
    writeAtomically(dir, many(3));
    const before = snapshotTree(dir);
    stage(dir, many(THREAD_FROM_FILES + 50, 'prod/app'), options).discard();
    expect(snapshotTree(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });

  test.each([['on a thread', { thread: true }], ['here', { thread: false }]])('a write that fails %s fails the commit with its error; the output stays as it was', (_, options) => {
    const dir = path.join(tempDir(), 'dist');
    writeAtomically(dir, many(3));
    const before = snapshotTree(dir);
    const files = new Map([...many(20), [`dev/${'x'.repeat(300)}.yaml`, 'too: long\n'], ...many(20, 'prod/app')]);
    expect(() => {
      const staged = stage(dir, files, options);
      staged.commit();
    }).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }));
    expect(snapshotTree(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });

  test('where no thread can be made, or none starts, the files are written here', () => {
    const files = many(30);
    jest.spyOn(workerThreads, 'Worker').mockImplementationOnce(() => {
      throw new Error('ERR_WORKER_INIT_FAILED');
    });
    const unmade = path.join(tempDir(), 'dist');
    stage(unmade, files, { thread: true }).commit();
    expect(readFiles(unmade)).toEqual(files);
    // A thread that never runs (it failed to start): after the timeout, the files are written here.
    const terminate = jest.fn(async () => 1);
    jest.spyOn(workerThreads, 'Worker').mockImplementationOnce(() => ({ unref() {}, terminate }) as any);
    const unstarted = path.join(tempDir(), 'dist');
    stage(unstarted, files, { thread: true, startTimeoutMs: 50 }).commit();
    expect(readFiles(unstarted)).toEqual(files);
    expect(terminate).toHaveBeenCalled();
  });
});

describe('PlatformApp.synth() with many files', () => {
  afterEach(() => jest.restoreAllMocks());

  const configMaps = (count: number, broken = false) => {
    const p = platform();
    for (let i = 0; i < count; i++) new ApiObject(p.env, `settings-${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `settings-${i}` }, data: { n: String(i) } });
    if (broken) new ApiObject(p.env, 'broken', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'broken' }, dataa: { a: 'b' } } as any);
    return p;
  };

  test('writes its files on a thread while the gate runs, and the output is the output of files()', () => {
    const Real = workerThreads.Worker;
    const threads = jest.spyOn(workerThreads, 'Worker').mockImplementation((...args) => new Real(...args));
    const { app, outdir } = configMaps(THREAD_FROM_FILES + 20);
    app.synth();
    expect(threads).toHaveBeenCalledTimes(1);
    const written = readFiles(outdir);
    expect(new Map([...written].filter(([file]) => !file.endsWith('README.md')))).toEqual(configMaps(THREAD_FROM_FILES + 20).app.files());
  });

  test('refused by the gate while its files are written: the output stays as it was, nothing is left beside it', () => {
    const first = configMaps(3);
    first.app.synth();
    const before = snapshotTree(first.outdir);
    const { app } = configMaps(THREAD_FROM_FILES + 20, true);
    const refused = Object.assign(app, { outdir: first.outdir });
    const Real = workerThreads.Worker;
    const threads = jest.spyOn(workerThreads, 'Worker').mockImplementation((...args) => new Real(...args));
    expect(() => refused.synth()).toThrow(/broken.*dataa/s);
    expect(threads).toHaveBeenCalledTimes(1);
    expect(snapshotTree(first.outdir)).toEqual(before);
    expect(fs.readdirSync(path.dirname(first.outdir)).filter((f) => f.startsWith(`${path.basename(first.outdir)}.`))).toEqual([]);
  });
});
