/**
 * Strip compression on the shared worker pool (src/workers/pool.ts): the task a worker runs, and
 * the call that sends it one strip. The strip's buffer and the result travel by transfer, so
 * nothing is copied between threads.
 */
import type { TaskRef, WorkerPool, WorkerTask } from '../../src/workers/pool.js';
import { resultInto } from '../../src/workers/result-buffers.js';
import { encodeStrip, type StripParams } from './strip-codec.js';
import type { EncodedStrip } from './strip-queue.js';

export interface StripJob {
  strip: ArrayBuffer;
  rows: number;
  params: StripParams;
  /** Where to put the result when it fits. */
  out?: Uint8Array;
}

export interface StripDone {
  strip: ArrayBuffer;
  /** The encoded bytes: a view of the job's out, or a buffer of their own. */
  data: Uint8Array;
}

/** Runs in a worker: encode the strip, hand back the strip buffer and the encoded bytes. */
export const encodeStripTask: WorkerTask<StripJob, StripDone> = ({ strip, rows, params, out }) => {
  const data = resultInto(encodeStrip(new Uint8Array(strip), rows, params), out);
  return { result: { strip, data }, transfer: [strip, data.buffer as ArrayBuffer] };
};

const STRIP_TASK: TaskRef = { module: import.meta.url, fn: 'encodeStripTask', failure: 'TIFF strip compression failed' };

/**
 * Encode strip[0 … rows × rowBytes) on the pool, into `out` when the result fits. The ArrayBuffers
 * of strip and out (which they must span whole) are transferred: both are unusable until the
 * promise gives them back (out as the data's buffer when the result fit, else dropped).
 */
export async function encodeStripOnPool(pool: WorkerPool, strip: Uint8Array, rows: number, params: StripParams, out?: Uint8Array): Promise<EncodedStrip> {
  const job: StripJob = { strip: strip.buffer as ArrayBuffer, rows, params, ...(out ? { out } : {}) };
  const transfer = out ? [job.strip, out.buffer as ArrayBuffer] : [job.strip];
  const done = await pool.run<StripDone>(STRIP_TASK, job, transfer);
  return { data: done.data, strip: new Uint8Array(done.strip) };
}
