/**
 * ByteSource: buffered reads from a file or a stream, with the position always known so that
 * decoders can say at which byte the input went wrong.
 *
 * Files are read with positional reads (`fs.read` at a position), so a decoder that needs to
 * seek (planar data, Fortran-ordered arrays) uses `readAt` on the same open file. A stream
 * (stdin) can be spooled to an unlinked temp file with `toSeekable()` when a decoder must seek.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { RasterError, ioError, type ErrorCode, type ErrorContext } from '../errors.js';

/** Bytes fetched per refill of the internal buffer; large reads bypass the buffer. */
const CHUNK = 256 * 1024;

interface Backend {
  /** Read up to len bytes at file position pos (ignored by streams); 0 at end of input. */
  read(dst: Uint8Array, off: number, len: number, pos: number): Promise<number>;
  close(): Promise<void>;
  /** Make a pending read fail at once (streams). */
  cancel?(): void;
  readonly seekable: boolean;
}

class FileBackend implements Backend {
  readonly seekable = true;
  constructor(
    private readonly fh: FileHandle,
    private readonly name: string,
    /** File offset of source position 0 (non-zero for a spooled stream). */
    private readonly base = 0,
    private readonly onClose?: () => Promise<void>,
  ) {}
  async read(dst: Uint8Array, off: number, len: number, pos: number): Promise<number> {
    try {
      const { bytesRead } = await this.fh.read(dst, off, len, pos - this.base);
      return bytesRead;
    } catch (err) {
      throw ioError(err, 'cannot read input', this.name);
    }
  }
  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    if (this.onClose) await this.onClose();
  }
}

class StreamBackend implements Backend {
  readonly seekable = false;
  private readonly it: AsyncIterator<Buffer | string>;
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkPos = 0;
  private done = false;
  constructor(
    private readonly stream: Readable,
    private readonly name: string,
  ) {
    this.it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  }
  async read(dst: Uint8Array, off: number, len: number): Promise<number> {
    while (this.chunkPos >= this.chunk.length) {
      if (this.done) return 0;
      let r: IteratorResult<Buffer | string>;
      try {
        r = await this.it.next();
      } catch (err) {
        throw ioError(err, 'cannot read input', this.name);
      }
      if (r.done) {
        this.done = true;
        return 0;
      }
      this.chunk = typeof r.value === 'string' ? Buffer.from(r.value, 'latin1') : r.value;
      this.chunkPos = 0;
    }
    const n = Math.min(len, this.chunk.length - this.chunkPos);
    dst.set(this.chunk.subarray(this.chunkPos, this.chunkPos + n), off);
    this.chunkPos += n;
    return n;
  }
  async close(): Promise<void> {
    if (!this.done) this.stream.destroy();
  }
  cancel(): void {
    this.stream.destroy();
  }
}

export class ByteSource {
  /** Path of the input, or "-" for stdin; used in error messages. */
  readonly name: string;
  /** Total size in bytes when known (files, spooled streams), else undefined. */
  size: number | undefined;
  /** Offset of the next byte `read` would return. */
  position = 0;
  /** Page number decoders set so that `fail` can name it. */
  page: number | undefined;
  /** Format name decoders set so that `fail` can name it. */
  format: string | undefined;
  /** Device and inode of an input file, so that the output is never written over it. */
  fileIdentity: { dev: number; ino: number } | undefined;

  private backend: Backend;
  private buf = new Uint8Array(CHUNK);
  private bufStart = 0; // source position of buf[0]
  private bufLen = 0; // valid bytes in buf
  private eof = false;

  private constructor(backend: Backend, name: string, size: number | undefined, position = 0) {
    this.backend = backend;
    this.name = name;
    this.size = size;
    this.position = position;
    this.bufStart = position;
  }

  /** Open a file for reading. @throws RasterError E_IO */
  static async openFile(path: string): Promise<ByteSource> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      throw ioError(err, 'cannot open input', path);
    }
    const st = await fh.stat();
    if (st.isDirectory()) {
      await fh.close();
      throw new RasterError('E_IO', 'input is a directory', { file: path });
    }
    // A FIFO or character device cannot be read at positions: read it as a stream, from the
    // descriptor already open (closing and reopening a FIFO loses what its writer sent already,
    // and the reopen waits for another writer).
    if (!st.isFile()) return ByteSource.fromStream(fh.createReadStream(), path);
    const src = new ByteSource(new FileBackend(fh, path), path, st.size);
    src.fileIdentity = { dev: st.dev, ino: st.ino };
    return src;
  }

  /** Wrap a readable stream (stdin). Reads are sequential; call toSeekable() to seek. */
  static fromStream(stream: Readable, name = '-'): ByteSource {
    return new ByteSource(new StreamBackend(stream, name), name, undefined);
  }

  /** Wrap bytes already in memory (tests, library callers with small inputs). */
  static fromBytes(bytes: Uint8Array, name = '<buffer>'): ByteSource {
    const backend: Backend = {
      seekable: true,
      async read(dst, off, len, pos) {
        const n = Math.max(0, Math.min(len, bytes.length - pos));
        dst.set(bytes.subarray(pos, pos + n), off);
        return n;
      },
      async close() {},
    };
    return new ByteSource(backend, name, bytes.length);
  }

  /** True when readAt works (files, buffers, spooled streams). */
  get seekable(): boolean {
    return this.backend.seekable;
  }

  /** A RasterError located at the current position (or ctx.offset), naming this input and page. */
  fail(code: ErrorCode, detail: string, ctx: ErrorContext = {}): RasterError {
    return new RasterError(code, detail, {
      file: this.name,
      offset: this.position,
      ...(this.page === undefined ? {} : { page: this.page }),
      ...(this.format === undefined ? {} : { format: this.format }),
      ...ctx,
    });
  }

  private async fill(min: number): Promise<void> {
    // Keep unread bytes, then read until at least `min` are buffered or the input ends.
    const unreadStart = this.position - this.bufStart;
    const unread = this.bufLen - unreadStart;
    if (min > this.buf.length) {
      const bigger = new Uint8Array(Math.max(min, this.buf.length * 2));
      bigger.set(this.buf.subarray(unreadStart, this.bufLen));
      this.buf = bigger;
    } else if (unreadStart > 0) {
      this.buf.copyWithin(0, unreadStart, this.bufLen);
    }
    this.bufStart = this.position;
    this.bufLen = unread;
    while (this.bufLen < min && !this.eof) {
      const n = await this.backend.read(this.buf, this.bufLen, this.buf.length - this.bufLen, this.bufStart + this.bufLen);
      if (n === 0) this.eof = true;
      this.bufLen += n;
    }
  }

  private buffered(): number {
    return this.bufLen - (this.position - this.bufStart);
  }

  /** Up to n bytes at the current position without consuming them (fewer only at end of input). */
  async peek(n: number): Promise<Uint8Array> {
    if (this.buffered() < n) await this.fill(n);
    const s = this.position - this.bufStart;
    return this.buf.slice(s, s + Math.min(n, this.buffered()));
  }

  /**
   * Exactly n bytes (a copy). `what` names them for the error message.
   * @throws RasterError E_TRUNCATED when the input ends first.
   */
  async read(n: number, what: string): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    await this.readExactInto(out, 0, n, what);
    return out;
  }

  /** Read up to len bytes into dst[off…]; returns the count, 0 only at end of input. */
  async readInto(dst: Uint8Array, off: number, len: number): Promise<number> {
    let done = 0;
    const have = Math.min(this.buffered(), len);
    if (have > 0) {
      const s = this.position - this.bufStart;
      dst.set(this.buf.subarray(s, s + have), off);
      this.position += have;
      done = have;
    }
    while (done < len && !this.eof) {
      const rest = len - done;
      if (rest >= CHUNK) {
        // Large reads go straight into the caller's buffer: no extra copy on the hot path.
        const n = await this.backend.read(dst, off + done, rest, this.position);
        if (n === 0) {
          this.eof = true;
          break;
        }
        this.position += n;
        done += n;
        this.bufStart = this.position;
        this.bufLen = 0;
      } else {
        await this.fill(rest);
        const m = Math.min(this.buffered(), rest);
        if (m === 0) break;
        const s = this.position - this.bufStart;
        dst.set(this.buf.subarray(s, s + m), off + done);
        this.position += m;
        done += m;
      }
    }
    return done;
  }

  /** Fill dst[off … off+len) completely. @throws RasterError E_TRUNCATED */
  async readExactInto(dst: Uint8Array, off: number, len: number, what: string): Promise<void> {
    const start = this.position;
    const n = await this.readInto(dst, off, len);
    if (n < len) {
      throw this.fail('E_TRUNCATED', `input ends inside ${what}: needed ${len} bytes, got ${n}`, {
        offset: start + n,
        expected: len,
        actual: n,
      });
    }
  }

  /** Skip n bytes. @throws RasterError E_TRUNCATED */
  async skip(n: number, what: string): Promise<void> {
    const got = await this.skipUpTo(n);
    if (got < n) throw this.fail('E_TRUNCATED', `input ends inside ${what}: needed ${n} bytes, got ${got}`, { expected: n, actual: got });
  }

  /** Skip n bytes, or as many as there are before the end of the input; returns how many. */
  async skipUpTo(n: number): Promise<number> {
    const inBuf = Math.min(this.buffered(), n);
    this.position += inBuf;
    let rest = n - inBuf;
    if (rest === 0) return n;
    if (this.backend.seekable && this.size !== undefined) {
      const step = Math.max(0, Math.min(rest, this.size - this.position));
      this.position += step;
      this.bufStart = this.position;
      this.bufLen = 0;
      return n - rest + step;
    }
    const scratch = new Uint8Array(Math.min(rest, CHUNK));
    while (rest > 0) {
      const got = await this.readInto(scratch, 0, Math.min(rest, scratch.length));
      if (got === 0) break;
      rest -= got;
    }
    return n - rest;
  }

  /**
   * Move to an absolute position (seekable sources only).
   * @throws RasterError E_TRUNCATED when pos is past the end; E_NEEDS_SEEKABLE on a stream.
   */
  seek(pos: number, what = 'data'): void {
    if (!this.backend.seekable) throw this.fail('E_NEEDS_SEEKABLE', 'this input must be seekable (a file)');
    if (this.size !== undefined && pos > this.size) {
      this.position = this.size;
      throw this.fail('E_TRUNCATED', `input ends inside ${what}: it is ${this.size} bytes, ${pos} needed`, { expected: pos, actual: this.size });
    }
    this.position = pos;
    this.bufStart = pos;
    this.bufLen = 0;
    this.eof = false;
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    if (this.buffered() > 0) return false;
    await this.fill(1);
    return this.buffered() === 0;
  }

  /**
   * Read up to len bytes at an absolute position without moving `position`.
   * @throws RasterError E_NEEDS_SEEKABLE on a stream (call toSeekable() first).
   */
  async readAt(dst: Uint8Array, off: number, len: number, pos: number): Promise<number> {
    if (!this.backend.seekable) throw this.fail('E_NEEDS_SEEKABLE', 'this input must be seekable (a file)');
    let done = 0;
    while (done < len) {
      const n = await this.backend.read(dst, off + done, len - done, pos + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  /**
   * Make this source seekable: a stream is copied, from the current position to its end, into an
   * unlinked temp file (bounded memory; disk holds the data). The source switches to that file in
   * place, so every holder of it (and its close()) sees the seekable one; positions are preserved.
   */
  async toSeekable(): Promise<void> {
    if (this.backend.seekable) return;
    let dir: string | undefined;
    let fh: FileHandle;
    try {
      dir = await mkdtemp(join(tmpdir(), 'raster2img-spool-'));
      fh = await open(join(dir, 'stdin'), 'w+');
    } catch (err) {
      if (dir) await rm(dir, { recursive: true, force: true });
      throw ioError(err, `cannot create a temp file in ${tmpdir()} to copy the input stream into (TMPDIR chooses the folder)`, this.name);
    }
    const base = this.position;
    let written = 0;
    const chunk = new Uint8Array(1024 * 1024);
    try {
      for (;;) {
        const n = await this.readInto(chunk, 0, chunk.length);
        if (n === 0) break;
        // A write may be short (a disk filling up writes what fits); the next one then gives ENOSPC.
        for (let off = 0; off < n; ) off += (await fh.write(chunk, off, n - off, written + off)).bytesWritten;
        written += n;
      }
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      throw ioError(err, `cannot copy the input stream to a temp file in ${tmpdir()} (TMPDIR chooses the folder)`, this.name);
    }
    // Unlink at once: the open handle keeps the data, and nothing is left behind on a crash.
    await rm(dir, { recursive: true, force: true });
    await this.backend.close();
    this.backend = new FileBackend(fh, this.name, base);
    this.size = base + written;
    this.position = base; // spooling read to the end; reading goes on from where it was
    this.bufStart = base;
    this.bufLen = 0;
    this.eof = false;
  }

  async close(): Promise<void> {
    await this.backend.close();
  }

  /**
   * Stop waiting for a stream's next bytes (a cancelled conversion): the stream is destroyed, so
   * a pending read fails at once. Files and bytes in memory have nothing to wait for.
   */
  cancel(): void {
    this.backend.cancel?.();
  }
}
