/**
 * Worker-thread entry of the deflate pool: compresses the blocks it is sent, one at a time, and
 * posts each result back under the job's id.
 */
import { parentPort } from 'node:worker_threads';
import { deflateBlock, type BlockJob, type BlockResult } from './deflate-block.js';

export interface JobMessage {
  id: number;
  job: BlockJob;
}

export type ResultMessage = { id: number; result: BlockResult } | { id: number; error: { message: string; stack?: string } };

const port = parentPort;
if (!port) throw new Error('deflate-worker.js must run in a worker thread');

/** Filtered bytes of the current block, kept from block to block. */
let scratch = new Uint8Array(0);

port.on('message', ({ id, job }: JobMessage) => {
  let reply: ResultMessage;
  try {
    const need = (job.rows.length / job.rowBytes) * (job.rowBytes + 1);
    if (scratch.length < need) scratch = new Uint8Array(need);
    const result = deflateBlock(job, scratch);
    const d = result.deflated;
    // A small zlib result is a slice of Node's shared Buffer pool: copy it rather than transfer the pool.
    const own = d.byteOffset === 0 && d.byteLength === d.buffer.byteLength ? d : new Uint8Array(d);
    reply = { id, result: { ...result, deflated: own } };
    port.postMessage(reply, [own.buffer as ArrayBuffer, result.rows.buffer as ArrayBuffer]);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply = { id, error: { message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) } };
    port.postMessage(reply);
  }
});
