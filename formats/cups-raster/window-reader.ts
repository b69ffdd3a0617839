/**
 * WindowReader: the decoder's own buffered view of the input, at an absolute position it always
 * knows, so that compressed lines can be decoded synchronously from a window of bytes and every
 * error can name the byte it happened at. Several readers may share one seekable input (one per
 * plane of a planar page), each at its own position.
 */
import { RasterError, type ErrorCode, type ErrorContext } from '../../src/errors.js';
import type { ByteSource } from '../../src/io/byte-source.js';

/** Reads up to len bytes at absolute position pos into dst[off…]; 0 at the end of input. */
export type PositionalRead = (dst: Uint8Array, off: number, len: number, pos: number) => Promise<number>;

/** Builds RasterErrors located in the input (file, page, format filled in). */
export type Fail = (code: ErrorCode, detail: string, ctx: ErrorContext & { offset: number }) => RasterError;

const WINDOW_BYTES = 256 * 1024;

export class WindowReader {
  private buf: Uint8Array;
  /** Absolute input position of buf[0]. */
  private base: number;
  /** Index in buf of the next unread byte, and end of valid bytes. */
  start = 0;
  end = 0;
  private eof = false;

  constructor(
    private read: PositionalRead,
    position: number,
    readonly fail: Fail,
    windowBytes = WINDOW_BYTES,
  ) {
    this.buf = new Uint8Array(windowBytes);
    this.base = position;
  }

  /** The window's bytes; valid from `start` to `end`. */
  get bytes(): Uint8Array {
    return this.buf;
  }

  /** Absolute position of the next unread byte. */
  get position(): number {
    return this.base + this.start;
  }

  /** Absolute position of buf[i]. */
  positionOf(i: number): number {
    return this.base + i;
  }

  get available(): number {
    return this.end - this.start;
  }

  /**
   * Make at least n bytes available (n ≤ window size). Returns false when the input ends first
   * (whatever is there stays available).
   */
  async ensure(n: number): Promise<boolean> {
    if (this.end - this.start >= n) return true;
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.base += this.start;
      this.end -= this.start;
      this.start = 0;
    }
    while (this.end < n && !this.eof) {
      const got = await this.read(this.buf, this.end, this.buf.length - this.end, this.base + this.end);
      if (got === 0) this.eof = true;
      this.end += got;
    }
    return this.end >= n;
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    return !(await this.ensure(1));
  }

  /**
   * Fill dst[off … off+len) from the input; large reads bypass the window.
   * @throws RasterError E_TRUNCATED when the input ends first.
   */
  async readExact(dst: Uint8Array, off: number, len: number, what: string): Promise<void> {
    const first = Math.min(len, this.available);
    dst.set(this.buf.subarray(this.start, this.start + first), off);
    this.start += first;
    let done = first;
    if (done < len && len - done >= this.buf.length) {
      // Bulk: straight into the caller's buffer, then restart the window after it.
      const pos = this.position;
      while (done < len) {
        const got = await this.read(dst, off + done, len - done, pos + done - first);
        if (got === 0) break;
        done += got;
      }
      this.base = pos + done - first;
      this.start = this.end = 0;
    }
    while (done < len) {
      const want = Math.min(len - done, this.buf.length);
      await this.ensure(want);
      const n = Math.min(want, this.available);
      if (n === 0) break;
      dst.set(this.buf.subarray(this.start, this.start + n), off + done);
      this.start += n;
      done += n;
    }
    if (done < len)
      throw this.fail('E_TRUNCATED', `input ends inside ${what}: needed ${len} bytes, got ${done}`, {
        offset: this.position,
        expected: len,
        actual: done,
      });
  }

  /** Skip n bytes. @throws RasterError E_TRUNCATED */
  async skip(n: number, what: string): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.available === 0 && !(await this.ensure(1)))
        throw this.fail('E_TRUNCATED', `input ends inside ${what}: ${left} of ${n} bytes missing`, {
          offset: this.position,
          expected: n,
          actual: n - left,
        });
      const k = Math.min(left, this.available);
      this.start += k;
      left -= k;
    }
  }

  /** Continue reading at an absolute position (the input must allow reads there). */
  seek(position: number): void {
    this.base = position;
    this.start = this.end = 0;
    this.eof = false;
  }

  /** Read from now on through another function (same positions: a stream that was spooled). */
  setRead(read: PositionalRead): void {
    this.read = read;
  }

  /** A copy of the unread bytes in the window (used when a stream is spooled mid-read). */
  unread(): Uint8Array {
    return this.buf.slice(this.start, this.end);
  }
}

/**
 * Positional reads over a ByteSource: readAt on files and buffers; on a stream, sequential reads
 * that must come in order (a reader that needs to seek spools the stream first, see spool.ts).
 */
export function positionalRead(src: ByteSource): PositionalRead {
  if (src.seekable) return (dst, off, len, pos) => src.readAt(dst, off, len, pos);
  return async (dst, off, len, pos) => {
    if (pos !== src.position)
      throw src.fail('E_NEEDS_SEEKABLE', `internal: stream read at ${pos} while the stream is at ${src.position}`, { offset: pos });
    return src.readInto(dst, off, len);
  };
}
