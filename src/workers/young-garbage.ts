/**
 * A minor garbage collection on demand, for threads that make large buffers which die at once
 * (zlib's output, some 0.5 MB per block): V8 counts such off-heap memory only slowly towards its
 * next collection, and until then the dead buffers stay in RSS (tens of MB; see host.ts and
 * formats/png/parallel-deflate.ts). A minor collection of the young generation takes well under a
 * millisecond here.
 *
 * V8 hands out its gc() only in contexts made while --expose-gc is set. When a new context has one
 * already (`node --expose-gc`, or a flag the program set), that one is used and the flags are left
 * alone. Otherwise the flag is set just long enough to make one such context and then cleared
 * again, because V8's flags are part of the hash that V8 checks every code cache against, Node's
 * own included. While the flag stayed set, every worker thread started afterwards compiled Node's
 * internal modules without their cache: 64 → 105 ms of CPU to start a worker here
 * (/proc/thread-self/schedstat in the worker, 2026-11-25), and the worker of a 2000² PNG joined
 * 150 ms after it was asked for instead of some 80.
 *
 * The flags belong to the process, shared by all its threads, so another thread may clear the flag
 * between this one setting it and making its context ("gc is not defined", seen in the tests when
 * the flag was first cleared without a retry); the context then has no gc() and this tries again.
 * Under `--expose-gc-as=NAME` the function has the program's name and the flag is the program's:
 * that function is used, and nothing is touched. If no gc() can be had, nothing is collected: the
 * buffers are then freed when V8 gets to them.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, workerData } from 'node:worker_threads';

type MinorGc = (options: { type: 'minor' }) => void;

/** Far more attempts than threads that could clear the flag in between (the pool has at most 8). */
const MAX_ATTEMPTS = 100;

/** This thread's gc(), null when none could be had, undefined before the first call. */
let gc: MinorGc | null | undefined;

export function collectYoungGarbage(): void {
  if (gc === undefined) gc = exposedGc();
  gc?.({ type: 'minor' });
}

function exposedGc(): MinorGc | null {
  // The program's own, by its name: the flag is the program's too, and is not touched.
  const renamed = renamedGc();
  if (renamed !== undefined) return contextGc(renamed) ?? null;
  // Already on (node --expose-gc, or set by the program): used as it is.
  const given = contextGc('gc');
  if (given) return given;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    setFlagsFromString('--expose-gc');
    const made = contextGc('gc');
    setFlagsFromString('--no-expose-gc');
    if (made) return made;
  }
  return null;
}

/**
 * The name given by `node --expose-gc-as=NAME`, if the process was started so (a worker of the
 * pool is told the process's options in its workerData: its own execArgv is empty, pool.ts).
 */
function renamedGc(): string | undefined {
  const given: unknown = isMainThread ? process.execArgv : (workerData as { parentExecArgv?: unknown } | undefined)?.parentExecArgv;
  for (const arg of Array.isArray(given) ? given : []) {
    const m = typeof arg === 'string' ? /^--expose[-_]gc[-_]as=(.+)$/.exec(arg) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** The gc() a new context has under `name`, if the flag is set as it is made. */
function contextGc(name: string): MinorGc | undefined {
  const found: unknown = runInNewContext(`globalThis[${JSON.stringify(name)}]`);
  return typeof found === 'function' ? (found as MinorGc) : undefined;
}
