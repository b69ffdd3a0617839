/**
 * A minor garbage collection on demand, for threads that make large buffers which die at once
 * (zlib's output, some 0.5 MB per block): V8 counts such off-heap memory only slowly towards its
 * next collection, and until then the dead buffers stay in RSS (tens of MB; see host.ts and
 * formats/png/parallel-deflate.ts). A minor collection of the young generation takes well under a
 * millisecond here.
 *
 * V8 hands out its gc() only in contexts made while --expose-gc is set, so the flag is set, and
 * stays set: V8's flags belong to the process, shared by all its threads, and clearing the flag
 * again raced with a worker making its own context ("gc is not defined", seen in the tests).
 * A vm context made later in the process has a gc() too.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: ((options: { type: 'minor' }) => void) | undefined;

export function collectYoungGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as typeof gc;
  }
  gc!({ type: 'minor' });
}
