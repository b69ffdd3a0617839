/**
 * Deflate blocks on the shared worker pool (src/workers/pool.ts): the task a worker runs, and the
 * call that sends it one block. Rows, history and result travel by transfer.
 */
import type { TaskRef, WorkerPool, WorkerTask } from '../../src/workers/pool.js';
import { resultInto } from '../../src/workers/result-buffers.js';
import { deflateBlock, type BlockJob, type BlockResult } from './deflate-block.js';

/** Runs in a worker: filter and deflate one block. */
export const deflateBlockTask: WorkerTask<BlockJob, BlockResult> = (job) => {
  const result = deflateBlock(job);
  const deflated = resultInto(result.deflated, job.out);
  return { result: { ...result, deflated }, transfer: [deflated.buffer as ArrayBuffer, result.rows.buffer as ArrayBuffer] };
};

export const DEFLATE_TASK: TaskRef = { module: import.meta.url, fn: 'deflateBlockTask', failure: 'PNG compression failed' };

/**
 * Compress one block on the pool, starting no more than `maxWorkers` workers. job.rows, job.history
 * and job.out are transferred (they must own their ArrayBuffers and are unusable afterwards); the
 * rows come back in the result, and so does out when the result fit in it.
 */
export function deflateBlockOnPool(pool: WorkerPool, job: BlockJob, maxWorkers: number): Promise<BlockResult> {
  const transfer = [job.rows.buffer as ArrayBuffer, job.history.buffer as ArrayBuffer];
  if (job.out) transfer.push(job.out.buffer as ArrayBuffer);
  return pool.run<BlockResult>(DEFLATE_TASK, job, transfer, maxWorkers);
}
