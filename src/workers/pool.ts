/**
 * WorkerPool: worker threads that run CPU-heavy tasks of any plugin (TIFF strips, PNG deflate
 * blocks), one pool for the whole process so that a TIFF and a PNG written at once share the
 * cores instead of each starting its own threads (each thread costs some 15 MB before any work).
 *
 * A task names a module (by URL) and one of its exported functions (a WorkerTask); each worker
 * imports the module the first time it gets a task from it (host.ts), so the core knows nothing of
 * the formats. Workers start when the work needs them, or ahead of it (warmUp: a PNG starts its
 * workers with the image and compresses on its own thread until they are ready), are unref'd while
 * idle (they never keep the process alive) and stop after IDLE_MS without work. A worker that
 * crashes fails only the tasks it held; the next task starts a fresh one.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { RasterError } from '../errors.js';
import type { JobMessage, ResultMessage } from './host.js';

/** What a task function returns in the worker: its result and the ArrayBuffers to transfer back. */
export interface TaskOutput<R> {
  result: R;
  transfer: ArrayBuffer[];
}

/** A function a worker runs: exported by a task module, synchronous, its job plain data. */
export type WorkerTask<J, R> = (job: J) => TaskOutput<R>;

/** Which function of which module runs a job, and what its failures are called. */
export interface TaskRef {
  /** URL (href) of the task module, e.g. new URL('./strip-task.js', import.meta.url).href. */
  module: string;
  /** Name of the exported WorkerTask ('' only loads the module: warmUp). */
  fn: string;
  /** Start of the message of a failure in the task, e.g. "PNG compression failed". */
  failure: string;
}

/** Idle time after which the workers stop; a later task starts them again (some 50 ms). */
const IDLE_MS = 1000;
/** At most this many workers, however many cores: tasks in flight (and memory) grow with it. */
const MAX_WORKERS = 8;

/**
 * Workers inherit the process's Node options unless told otherwise, and refuse many of them
 * (V8 flags such as --max-old-space-size or --expose-gc, --input-type): `node --expose-gc
 * raster2img …` would get workers that fail to start. Ours load plain compiled modules and need
 * none.
 */
const WORKER_EXEC_ARGV: string[] = [];
const HOST_URL = new URL('./host.js', import.meta.url);

interface Pending {
  resolve(r: unknown): void;
  reject(e: unknown): void;
  failure: string;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class WorkerPool {
  readonly size: number;
  private slots: Slot[] = [];
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(size = Math.min(availableParallelism(), MAX_WORKERS)) {
    this.size = Math.max(1, size);
  }

  /**
   * Run `task` on `job` on the least busy worker (a new one while fewer than `size`, and fewer than
   * `maxWorkers`, run and all are busy). The ArrayBuffers in `transfer` move to the worker and are
   * unusable here afterwards.
   * @throws RasterError E_IO when the task throws or its worker cannot start or crashes;
   *   E_ABORTED when the pool is closed first.
   */
  run<R>(task: TaskRef, job: unknown, transfer: ArrayBuffer[] = [], maxWorkers = this.size): Promise<R> {
    clearTimeout(this.idleTimer);
    const slot = this.leastBusy(maxWorkers);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, failure: task.failure });
      if (slot.pending.size === 1) slot.worker.ref();
      const message: JobMessage = { id, module: task.module, fn: task.fn, job };
      slot.worker.postMessage(message, transfer);
    });
  }

  /**
   * Have a worker load the task's module now (starting one when none is free), so that its first
   * task does not wait for it: a new worker takes some 50–80 ms before it can run anything.
   * Resolves when that worker is ready.
   * @throws RasterError E_IO when the module cannot be loaded or the worker cannot start.
   */
  async warmUp(task: TaskRef, maxWorkers = this.size): Promise<void> {
    await this.run({ ...task, fn: '' }, null, [], maxWorkers);
  }

  /** Stop every worker now; tasks still running are rejected with E_ABORTED. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const slots = this.slots.splice(0);
    const stopped = new RasterError('E_ABORTED', 'the worker threads were stopped');
    for (const s of slots) this.rejectAll(s, () => stopped);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private leastBusy(maxWorkers: number): Slot {
    const spawn = this.slots.length < Math.min(this.size, Math.max(1, maxWorkers)) && this.slots.every((s) => s.pending.size > 0);
    if (spawn) return this.spawn();
    return this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private spawn(): Slot {
    // The process's own options go along as data: young-garbage.ts looks for --expose-gc-as there.
    const worker = new Worker(HOST_URL, { execArgv: WORKER_EXEC_ARGV, workerData: { parentExecArgv: process.execArgv } });
    const slot: Slot = { worker, pending: new Map() };
    slot.worker.unref();
    slot.worker.on('message', (msg: ResultMessage) => this.settle(slot, msg));
    // A worker that dies fails the tasks it held; it leaves the pool, so the next task gets a new one.
    const broken = (why: string, cause?: unknown) => {
      this.slots = this.slots.filter((s) => s !== slot);
      this.rejectAll(slot, (p) => new RasterError('E_IO', `${p.failure}: ${why}`, cause === undefined ? {} : { cause }));
      void slot.worker.terminate();
    };
    slot.worker.on('error', (err) => broken(`its worker thread failed: ${err.message}`, err));
    slot.worker.on('exit', (code) => {
      if (slot.pending.size > 0) broken(`its worker thread stopped (exit code ${code})`);
    });
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot, msg: ResultMessage): void {
    const p = slot.pending.get(msg.id);
    if (!p) return;
    slot.pending.delete(msg.id);
    if ('result' in msg) p.resolve(msg.result);
    else {
      const cause = Object.assign(new Error(msg.error.message), msg.error.stack === undefined ? {} : { stack: msg.error.stack });
      p.reject(new RasterError('E_IO', `${p.failure}: ${msg.error.message}`, { cause }));
    }
    if (slot.pending.size === 0) slot.worker.unref();
    if (this.slots.every((s) => s.pending.size === 0)) {
      this.idleTimer = setTimeout(() => void this.close(), IDLE_MS);
      this.idleTimer.unref();
    }
  }

  private rejectAll(slot: Slot, error: (p: Pending) => unknown): void {
    for (const p of slot.pending.values()) p.reject(error(p));
    slot.pending.clear();
  }
}

let shared: WorkerPool | undefined;

/** The process's pool (created on first use; its workers start only when tasks arrive). */
export function sharedWorkerPool(): WorkerPool {
  return (shared ??= new WorkerPool());
}
