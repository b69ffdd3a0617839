/**
 * DeflatePool: a few worker threads that run deflateBlock. Workers start on first use, keep the
 * process alive only while they hold a job (ref'd when busy, unref'd when idle), and end after
 * IDLE_MS without work, so an encoder abandoned by a failed conversion leaves no thread behind.
 */
import { Worker } from 'node:worker_threads';
import { RasterError } from '../../src/errors.js';
import type { BlockJob, BlockResult } from './deflate-block.js';
import type { JobMessage, ResultMessage } from './deflate-worker.js';

const WORKER_URL = new URL('./deflate-worker.js', import.meta.url);

/**
 * Workers inherit the process's Node options, but some are refused in a worker: a script run as
 * `node --input-type=module -e …` would get workers that fail to start.
 */
const WORKER_EXEC_ARGV = process.execArgv.filter((a) => !a.startsWith('--input-type'));

/**
 * Workers idle this long are ended; a later job starts them again (some 50 ms), which only a
 * source slower than one block per IDLE_MS would ever pay.
 */
const IDLE_MS = 2000;

interface Pending {
  resolve(r: BlockResult): void;
  reject(e: unknown): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class DeflatePool {
  private slots: Slot[] = [];
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Set once a worker failed; every later job is refused with it. */
  private failure: RasterError | undefined;

  constructor(private readonly size: number) {}

  /**
   * Compress one block on the least busy worker. job.rows and job.history are transferred (they
   * must own their ArrayBuffers and are unusable afterwards).
   * @throws RasterError E_IO when a worker cannot start, crashes, or zlib fails in it.
   */
  run(job: BlockJob): Promise<BlockResult> {
    if (this.failure) return Promise.reject(this.failure);
    clearTimeout(this.idleTimer);
    const slot = this.leastBusy();
    const id = this.nextId++;
    return new Promise<BlockResult>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      if (slot.pending.size === 1) slot.worker.ref();
      const message: JobMessage = { id, job };
      slot.worker.postMessage(message, [job.rows.buffer as ArrayBuffer, job.history.buffer as ArrayBuffer]);
    });
  }

  /** End every worker; jobs still running are rejected. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const slots = this.slots;
    this.slots = [];
    const closed = new RasterError('E_ABORTED', 'PNG compression was stopped');
    for (const s of slots) {
      for (const p of s.pending.values()) p.reject(closed);
      s.pending.clear();
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private leastBusy(): Slot {
    if (this.slots.length < this.size && this.slots.every((s) => s.pending.size > 0)) return this.spawn();
    let best = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < best.pending.size) best = s;
    return best;
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_URL, { execArgv: WORKER_EXEC_ARGV }), pending: new Map() };
    slot.worker.unref();
    slot.worker.on('message', (msg: ResultMessage) => this.settle(slot, msg));
    slot.worker.on('error', (err) => this.fail(new RasterError('E_IO', `PNG compression worker failed: ${err.message}`, { cause: err })));
    slot.worker.on('exit', (code) => {
      if (slot.pending.size > 0) this.fail(new RasterError('E_IO', `PNG compression worker exited (code ${code}) with ${slot.pending.size} block(s) unfinished`));
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
      p.reject(new RasterError('E_IO', `PNG compression failed: ${msg.error.message}`, { cause }));
    }
    if (slot.pending.size === 0) slot.worker.unref();
    if (this.slots.every((s) => s.pending.size === 0)) {
      this.idleTimer = setTimeout(() => void this.close(), IDLE_MS);
      this.idleTimer.unref();
    }
  }

  private fail(err: RasterError): void {
    this.failure ??= err;
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) {
      for (const p of s.pending.values()) p.reject(this.failure);
      s.pending.clear();
      void s.worker.terminate();
    }
  }
}
