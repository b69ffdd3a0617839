/**
 * A minor garbage collection on demand, for threads that make large buffers which die at once
 * (zlib's output, some 0.5 MB per block): V8 counts such off-heap memory only slowly towards its
 * next collection, and until then the dead buffers stay in RSS (tens of MB; see host.ts and
 * formats/png/parallel-deflate.ts). A minor collection of the young generation takes well under a
 * millisecond here.
 *
 * V8 hands out its gc() only in contexts made while --expose-gc is set. The flag is set just long
 * enough to make one such context and then cleared again, because V8's flags are part of the hash
 * that V8 checks every code cache against, Node's own included. While the flag stayed set, every
 * worker thread started afterwards compiled Node's internal modules without their cache: 64 →
 * 105 ms of CPU to start a worker here (/proc/thread-self/schedstat in the worker, 2026-11-25),
 * and the worker of a 2000² PNG joined 150 ms after it was asked for instead of some 80.
 *
 * The flags belong to the process, shared by all its threads, so another thread may clear the flag
 * between this one setting it and making its context ("gc is not defined", seen in the tests when
 * the flag was first cleared without a retry); the context then has no gc() and this tries again.
 * When this thread already has a gc() (`node --expose-gc`, which workers inherit), that one is used
 * and the flags are left alone.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type MinorGc = (options: { type: 'minor' }) => void;

/** Far more attempts than threads that could clear the flag in between (the pool has at most 8). */
const MAX_ATTEMPTS = 100;

let gc: MinorGc | undefined;

export function collectYoungGarbage(): void {
  gc ??= exposedGc();
  gc({ type: 'minor' });
}

function exposedGc(): MinorGc {
  const own: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return own as MinorGc;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    setFlagsFromString('--expose-gc');
    const made = contextGc();
    setFlagsFromString('--no-expose-gc');
    if (made) return made;
  }
  throw new Error(`V8 gave no gc() in ${MAX_ATTEMPTS} attempts`);
}

/** The gc() of a new context, if the flag is set as it is made. */
function contextGc(): MinorGc | undefined {
  const found: unknown = runInNewContext('globalThis.gc');
  return typeof found === 'function' ? (found as MinorGc) : undefined;
}
