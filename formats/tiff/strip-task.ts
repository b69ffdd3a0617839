/**
 * Strip compression on the shared worker pool (src/workers/pool.ts): the task a worker runs, and
 * the call that sends it one strip. The strip's buffer and the result travel by transfer, so
 * nothing is copied between threads.
 */
import type { TaskRef, WorkerPool, WorkerTask } from '../../src/workers/pool.js';
import { encodeStrip, type StripParams } from './strip-codec.js';
import type { EncodedStrip } from './strip-queue.js';

export interface StripJob {
  strip: ArrayBuffer;
  rows: number;
  params: StripParams;
  /** Where to put the result when it fits; sent back either way. */
  out?: ArrayBuffer;
}

export interface StripDone {
  strip: ArrayBuffer;
  /** The encoded bytes: data[0 … length). */
  data: ArrayBuffer;
  length: number;
  /** The job's out buffer when the result did not fit in it. */
  out?: ArrayBuffer;
}

/** Runs in a worker: encode the strip, hand back the strip buffer and the encoded bytes. */
export const encodeStripTask: WorkerTask<StripJob, StripDone> = ({ strip, rows, params, out }) => {
  const encoded = encodeStrip(new Uint8Array(strip), rows, params);
  const length = encoded.length;
  if (out && length <= out.byteLength) {
    new Uint8Array(out).set(encoded);
    return { result: { strip, data: out, length }, transfer: [strip, out] };
  }
  // Uncompressed, the result is the strip itself: one buffer cannot be transferred twice.
  const data = (encoded.buffer === strip ? encoded.slice() : encoded).buffer as ArrayBuffer;
  const result: StripDone = { strip, data, length, ...(out ? { out } : {}) };
  return { result, transfer: out ? [strip, data, out] : [strip, data] };
};

const STRIP_TASK: TaskRef = { module: import.meta.url, fn: 'encodeStripTask', failure: 'TIFF strip compression failed' };

/**
 * Encode strip[0 … rows × rowBytes) on the pool, into `out` when the result fits. The ArrayBuffers
 * of strip and out (which they must span whole) are transferred: both are unusable until the
 * promise gives them back (out as the data's buffer when the result fit, else dropped).
 */
export async function encodeStripOnPool(pool: WorkerPool, strip: Uint8Array, rows: number, params: StripParams, out?: Uint8Array): Promise<EncodedStrip> {
  const job: StripJob = { strip: strip.buffer as ArrayBuffer, rows, params, ...(out ? { out: out.buffer as ArrayBuffer } : {}) };
  const done = await pool.run<StripDone>(STRIP_TASK, job, job.out ? [job.strip, job.out] : [job.strip]);
  return { data: new Uint8Array(done.data, 0, done.length), strip: new Uint8Array(done.strip) };
}
