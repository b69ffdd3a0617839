/**
 * StripWorkerPool: encodes strips on worker threads (one per core), so that deflate, LZW and
 * PackBits use every core while the main thread keeps decoding rows.
 *
 * Workers start on the first task and stop after a short idle time, so that no thread outlives the
 * work (whether or not the writer that used them was finished); while idle they are unref'd and
 * never keep the process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { StripParams } from './strip-codec.js';
import type { StripResult, StripTask } from './strip-worker.js';

/** An encoded strip, and the strip buffer it came from (free for reuse). */
export interface EncodedStrip {
  data: Uint8Array;
  strip: Uint8Array;
}

/** Idle time after which the workers stop. */
const IDLE_MS = 1000;
/** At most this many workers, however many cores: strips in flight (and memory) grow with it. */
const MAX_WORKERS = 8;

interface Slot {
  worker: Worker;
  busy: number;
}

interface Pending {
  slot: Slot;
  resolve: (r: EncodedStrip) => void;
  reject: (e: unknown) => void;
}

export class StripWorkerPool {
  readonly size: number;
  private slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(size = Math.min(availableParallelism(), MAX_WORKERS)) {
    this.size = Math.max(1, size);
  }

  /**
   * Encode strip[0 … rows × rowBytes) on a worker. The strip's ArrayBuffer (which it must span
   * whole) is transferred: strip is unusable until the promise gives it back.
   */
  encode(strip: Uint8Array, rows: number, params: StripParams): Promise<EncodedStrip> {
    clearTimeout(this.idleTimer);
    if (this.slots.length === 0) this.spawn();
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    if (slot.busy++ === 0) slot.worker.ref();
    const id = this.nextId++;
    const task: StripTask = { id, strip: strip.buffer as ArrayBuffer, rows, params };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      slot.worker.postMessage(task, [task.strip]);
    });
  }

  /** Stop the workers now (tasks still pending are rejected). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const slots = this.slots;
    this.slots = [];
    this.failPending(new Error('the TIFF strip workers were stopped'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): void {
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(new URL('./strip-worker.js', import.meta.url));
      const slot: Slot = { worker, busy: 0 };
      worker.unref();
      worker.on('message', (r: StripResult) => this.done(r));
      // A worker that dies (an exception, or killed) fails every strip in flight: their page is lost.
      const broken = (err: unknown) => {
        this.failPending(err);
        void this.close();
      };
      worker.on('error', broken);
      worker.on('exit', (code) => {
        if (slot.busy > 0) broken(new Error(`a TIFF strip worker stopped with exit code ${code} while encoding`));
      });
      this.slots.push(slot);
    }
  }

  private done(r: StripResult): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (--p.slot.busy === 0) p.slot.worker.unref();
    p.resolve({ data: new Uint8Array(r.data), strip: new Uint8Array(r.strip) });
    if (this.pending.size === 0) {
      this.idleTimer = setTimeout(() => void this.close(), IDLE_MS);
      this.idleTimer.unref();
    }
  }

  private failPending(err: unknown): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
