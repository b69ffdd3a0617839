/**
 * Reusing the buffers that worker results come back in. A result transferred from a worker is a
 * new ArrayBuffer on this thread, left to a garbage collector that counts such memory slowly;
 * instead each job carries a buffer of a fixed size, the worker copies its result into it when it
 * fits (resultInto), and this thread takes the buffer back once the result is written (giveBack).
 */

/** This thread's side: buffers of `bytes` each, handed out and taken back. */
export class ResultBuffers {
  private readonly spare: Uint8Array[] = [];
  /** Buffers taken and not given back: the most that may be kept. */
  private out = 0;
  constructor(readonly bytes: number) {}

  take(): Uint8Array {
    this.out++;
    return this.spare.pop() ?? new Uint8Array(this.bytes);
  }

  /**
   * Keep the buffer under a written result when it is of our size (a result that did not fit came
   * in one of its own), but never more than were taken: a result made on this thread is of that
   * size too, and keeping each of those held memory in proportion to the image.
   */
  giveBack(result: Uint8Array): void {
    if (this.out === 0 || result.buffer.byteLength !== this.bytes) return;
    this.out--;
    this.spare.push(new Uint8Array(result.buffer));
  }
}

/**
 * The worker's side: `result` as a view of `out` when it fits, else in a buffer of its own that can
 * be transferred (a copy when it is a slice of a bigger buffer, such as Node's Buffer pool or an
 * output chunk zlib did not fill).
 */
export function resultInto(result: Uint8Array, out: Uint8Array | undefined): Uint8Array {
  if (out && result.length <= out.length) {
    out.set(result);
    return out.subarray(0, result.length);
  }
  const own = result.byteOffset === 0 && result.byteLength === result.buffer.byteLength;
  return own ? result : result.slice();
}
