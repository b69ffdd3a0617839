/** Task functions for the worker pool's tests (test/src/workers.test.ts); they run in pool workers. */
import { threadId } from 'node:worker_threads';
import type { TaskRef, WorkerTask } from '../../src/workers/pool.js';

/** Doubles every byte of the buffer it is given and hands it back. */
export const double: WorkerTask<{ bytes: ArrayBuffer }, { bytes: ArrayBuffer; threadId: number }> = ({ bytes }) => {
  const a = new Uint8Array(bytes);
  for (let i = 0; i < a.length; i++) a[i] = a[i]! * 2;
  return { result: { bytes, threadId }, transfer: [bytes] };
};

export const fail: WorkerTask<{ why: string }, never> = ({ why }) => {
  throw new Error(why);
};

/** Ends the worker's thread (as a crash would) without answering. */
export const crash: WorkerTask<Record<string, never>, never> = () => {
  process.exit(7);
};

/** Does not answer for `ms` milliseconds (a long task). */
export const sleep: WorkerTask<{ ms: number }, number> = ({ ms }) => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return { result: ms, transfer: [] };
};

const ref = (fn: string): TaskRef => ({ module: import.meta.url, fn, failure: `test task ${fn} failed` });
export const TASKS = { double: ref('double'), fail: ref('fail'), crash: ref('crash'), sleep: ref('sleep'), missing: ref('missing') };
