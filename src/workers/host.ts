/**
 * The body of every pool worker (pool.ts): runs the task functions it is sent, importing each
 * task module on first use, and posts each result back under the job's id.
 *
 * After every task the worker runs a minor garbage collection. Tasks allocate large buffers that
 * die at once (zlib's output, a few MB per task); V8 counts such off-heap memory only slowly
 * towards its next collection, so without this each worker held 35–60 MB of dead buffers: a PNG
 * of 8000² RGB peaked at 178 MB RSS with two workers. A minor collection of a worker's small
 * heap takes about 0.3 ms per task of 20–60 ms.
 */
import { parentPort } from 'node:worker_threads';
import { collectYoungGarbage } from './young-garbage.js';
import type { WorkerTask } from './pool.js';

export interface JobMessage {
  id: number;
  module: string;
  fn: string;
  job: unknown;
}

export type ResultMessage = { id: number; result: unknown } | { id: number; error: { message: string; stack?: string } };

const port = parentPort;
if (!port) throw new Error('host.js must run in a worker thread');

const modules = new Map<string, Promise<Record<string, unknown>>>();

port.on('message', async ({ id, module, fn, job }: JobMessage) => {
  try {
    let loading = modules.get(module);
    if (!loading) modules.set(module, (loading = import(module) as Promise<Record<string, unknown>>));
    const exports = await loading;
    // No function: the pool's warmUp, which only loads the module (and has this thread start).
    if (fn === '') {
      port.postMessage({ id, result: null } satisfies ResultMessage);
      return;
    }
    const task = exports[fn];
    if (typeof task !== 'function') throw new Error(`${module} exports no task named ${fn}`);
    const { result, transfer } = (task as WorkerTask<unknown, unknown>)(job);
    port.postMessage({ id, result } satisfies ResultMessage, transfer);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ id, error: { message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) } } satisfies ResultMessage);
  }
  collectYoungGarbage();
});
