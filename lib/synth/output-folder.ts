import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';

/**
 * New files to create before they are written by a thread of their own. Creating a file (its inode)
 * is kernel work of about 0.5 ms on a virtual disk, starting a thread about 20 ms: from a few hundred
 * files on, the thread writes them while the synth's checks run on the main thread.
 */
export const THREAD_FROM_FILES = 200;

export interface StageOptions {
  /**
   * Whether the new files are written by a thread of their own, while the caller goes on.
   * @default from THREAD_FROM_FILES files to write on
   */
  readonly thread?: boolean;
  /**
   * How long to wait for the thread to start; one that has not started by then failed to, and the
   * files are written here instead.
   * @default 30 s
   */
  readonly startTimeoutMs?: number;
}

/**
 * The replacement of an output folder, built in a sibling folder while the caller renders and checks:
 * `add` each file as it is rendered, then `commit` to swap it in place of the output in one rename,
 * or `discard` to leave the output as it was. A file whose content the output already holds becomes
 * a hard link to the current file at commit (no copy, no new inode). The others are written as they
 * come, by a thread of their own once there are many, so that the writes overlap the caller's work.
 * Readers never see a half-written output, and files of apps that no longer exist disappear.
 */
export class StagedOutput {
  private readonly target: string;
  private readonly staging: string;
  private readonly folders = new Set<string>();
  private readonly unchanged: string[] = [];
  private pending: [string, string][] = [];
  private writer?: Writer;

  /** `before`: the output folder's current files (relative path -> content), which unchanged files link to. */
  constructor(outdir: string, private readonly before: ReadonlyMap<string, string> = new Map(), private readonly options: StageOptions = {}) {
    this.target = path.resolve(outdir);
    this.staging = `${this.target}.tmp-${process.pid}`;
    this.remove();
  }

  /** Stages one file (path relative to the output folder). */
  public add(file: string, content: string): void {
    if (this.before.get(file) === content) {
      this.unchanged.push(file);
      return;
    }
    const full = this.prepare(file);
    if (this.writer) {
      this.writer.write(full, content);
      return;
    }
    this.pending.push([full, content]);
    if (this.options.thread ?? this.pending.length >= THREAD_FROM_FILES) {
      this.writer = startWriter(this.pending, this.options.thread !== false, this.options.startTimeoutMs);
      this.pending = [];
    }
  }

  /** Waits for the staged files, links the unchanged ones, then swaps the staging folder in place of the output. */
  public commit(): void {
    try {
      fs.mkdirSync(this.staging, { recursive: true });
      (this.writer ?? startWriter(this.pending, false, undefined)).finish();
      for (const file of this.unchanged) {
        const full = this.prepare(file);
        if (!linked(path.join(this.target, file), full)) fs.writeFileSync(full, this.before.get(file)!);
      }
    } catch (e) {
      this.remove();
      throw e;
    }
    const previous = `${this.target}.old-${process.pid}`;
    const hadPrevious = fs.existsSync(this.target);
    if (hadPrevious) fs.renameSync(this.target, previous);
    fs.renameSync(this.staging, this.target);
    if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
  }

  /** Stops and waits for the staged writes, then removes them: the output folder stays as it was. */
  public discard(): void {
    this.writer?.cancel();
    this.writer = undefined;
    this.pending = [];
    this.remove();
  }

  /** The file's full path in the staging folder, its folder created. */
  private prepare(file: string): string {
    const full = path.join(this.staging, file);
    const folder = path.dirname(full);
    if (!this.folders.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      this.folders.add(folder);
    }
    return full;
  }

  private remove(): void {
    fs.rmSync(this.staging, { recursive: true, force: true });
  }
}

/** Replaces `outdir` with exactly `files`, linking the current files whose content is unchanged. */
export function writeAtomically(outdir: string, files: ReadonlyMap<string, string>, before?: ReadonlyMap<string, string>): void {
  const staged = new StagedOutput(outdir, before, { thread: false });
  try {
    for (const [file, content] of files) staged.add(file, content);
  } catch (e) {
    staged.discard();
    throw e;
  }
  staged.commit();
}

/** Links `to` to the existing file `from`; false where the file system cannot (then the file is written). */
function linked(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch {
    return false;
  }
}

interface Writer {
  /** Writes one file (its folder exists), now or later. */
  write(file: string, content: string): void;
  /** Returns once every file is written; throws the first write's error. */
  finish(): void;
  /** Stops writing (the files not yet written are dropped) and returns once the writer has stopped. */
  cancel(): void;
}

/** A writer of `files` and the files given to it later: on a thread of its own, else here and now. */
function startWriter(files: [string, string][], thread: boolean, startTimeoutMs = 30_000): Writer {
  if (thread) {
    const writer = writeOnThread(startTimeoutMs);
    if (writer) {
      writer.write(files);
      return { write: (file, content) => writer.write([[file, content]]), finish: writer.finish, cancel: writer.cancel };
    }
  }
  const writeNow = (file: string, content: string) => fs.writeFileSync(file, content);
  for (const [file, content] of files) writeNow(file, content);
  return { write: writeNow, finish() {}, cancel() {} };
}

// The thread's code: plain JavaScript, so that it runs without the TypeScript loader. It writes the
// batches of files it is sent until it is sent null. state[0] turns 1 when it is done, state[1] asks
// it to stop, state[2] turns 1 once it runs; the first error goes back through the port.
const WRITER = `
const { workerData: { state, port } } = require('worker_threads');
Atomics.store(state, 2, 1);
const fs = require('fs');
let error = null;
port.on('message', (batch) => {
  if (batch === null) {
    port.postMessage(error);
    port.close();
    Atomics.store(state, 0, 1);
    Atomics.notify(state, 0);
    return;
  }
  if (error !== null || Atomics.load(state, 1) === 1) return;
  try {
    for (const [file, content] of batch) fs.writeFileSync(file, content);
  } catch (e) {
    error = { message: e.message, code: e.code };
  }
});
`;

interface ThreadWriter {
  write(files: [string, string][]): void;
  finish(): void;
  cancel(): void;
}

/** The writer thread, or undefined where no thread can be started. */
function writeOnThread(startTimeoutMs: number): ThreadWriter | undefined {
  const state = new Int32Array(new SharedArrayBuffer(12));
  const { port1, port2 } = new MessageChannel();
  const sent: [string, string][] = [];
  let worker: Worker;
  try {
    // No loader flags for the thread (execArgv): it runs the few lines above and nothing else.
    worker = new Worker(WRITER, { eval: true, execArgv: [], workerData: { state, port: port2 }, transferList: [port2] });
  } catch {
    return undefined;
  }
  // The caller waits for it explicitly; it must not hold the process open by itself.
  worker.unref();
  const wait = (): { message: string; code?: string } | null => {
    port1.postMessage(null);
    if (Atomics.wait(state, 0, 0, startTimeoutMs) === 'timed-out' && Atomics.load(state, 2) === 0) {
      // A thread that failed to start tells only the event loop, which waiting blocks: write here.
      void worker.terminate();
      port1.close();
      if (Atomics.load(state, 1) === 0) for (const [file, content] of sent) fs.writeFileSync(file, content);
      return null;
    }
    Atomics.wait(state, 0, 0);
    const error = receiveMessageOnPort(port1)?.message ?? null;
    port1.close();
    return error;
  };
  return {
    write(files) {
      // Kept until the thread has started, in case it never does.
      if (Atomics.load(state, 2) === 0) sent.push(...files);
      else sent.length = 0;
      port1.postMessage(files);
    },
    finish() {
      const error = wait();
      if (error) throw Object.assign(new Error(error.message), { code: error.code });
    },
    cancel() {
      Atomics.store(state, 1, 1);
      wait();
    },
  };
}
