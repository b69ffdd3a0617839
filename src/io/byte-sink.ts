/**
 * ByteSink: where an encoder's bytes go.
 *
 * A file target is written to a temp file beside it (same directory, so the final rename is
 * atomic) and renamed over the target only by commit(); abort() removes the temp file. An
 * existing good file is therefore never clobbered by a failed or interrupted conversion.
 * stdout is a plain stream sink, or a spool file copied to stdout on commit when the encoder
 * must seek (BMP bottom-up rows, TIFF first-IFD offset).
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { RasterError, ioError } from '../errors.js';

/** Temp files not yet committed or aborted; removed synchronously if the process exits early. */
const liveTempFiles = new Set<string>();
let exitHookInstalled = false;
function trackTemp(path: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of liveTempFiles) {
        try {
          unlinkSync(p);
        } catch {
          /* already gone */
        }
      }
    });
  }
  liveTempFiles.add(path);
}

export abstract class ByteSink {
  /** Where the output ends up ("-" for stdout); used in messages. */
  abstract readonly name: string;
  /** True when writeAt works. */
  abstract readonly seekable: boolean;
  /** Offset of the next sequential write = bytes written so far at the end. */
  position = 0;

  /** Append bytes; resolves when the caller may reuse `data` (backpressure). */
  abstract write(data: Uint8Array): Promise<void>;
  /** Write at an absolute offset without moving `position` (seekable sinks only). */
  abstract writeAt(data: Uint8Array, pos: number): Promise<void>;
  /** Make the output final (rename into place, or flush the spool to stdout). */
  abstract commit(): Promise<void>;
  /** Drop everything written; the target is left as it was. Safe to call more than once. */
  abstract abort(): Promise<void>;

  /**
   * A sink for `target` ("-" = stdout). When `needsSeek` and the target is stdout, output is
   * spooled to a temp file and copied to stdout on commit.
   */
  static async create(target: string, needsSeek: boolean, stdout: Writable = process.stdout, fsync = false): Promise<ByteSink> {
    if (target === '-') {
      if (!needsSeek) return new StreamSink(stdout, '-');
      const spool = await FileSink.open(join(tmpdir(), "raster2img-out"), "-");
      return new SpoolSink(spool, stdout);
    }
    return FileSink.open(target, target, fsync);
  }

  /** A growable in-memory sink (tests, small outputs); `bytes()` gives the result. */
  static memory(name = '<memory>'): MemorySink {
    return new MemorySink(name);
  }
}

export class FileSink extends ByteSink {
  readonly seekable = true;
  private done = false;
  private constructor(
    private readonly fh: FileHandle,
    readonly tempPath: string,
    readonly target: string,
    readonly name: string,
    private readonly fsync: boolean,
  ) {
    super();
  }

  /** `fsync`: commit() flushes the file, then the directory after the rename (ConvertOptions.fsync). */
  static async open(target: string, name = target, fsync = false): Promise<FileSink> {
    // Same directory as the target so that rename() is atomic; 'wx+' never follows or reuses a file,
    // and is readable too because the stdout spool reads back what was written.
    const temp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    let fh: FileHandle;
    try {
      fh = await open(temp, 'wx+', 0o644);
    } catch (err) {
      throw ioError(err, 'cannot create output', target === temp ? target : name);
    }
    trackTemp(temp);
    return new FileSink(fh, temp, target, name, fsync);
  }

  async write(data: Uint8Array): Promise<void> {
    const pos = this.position;
    this.position += data.length;
    await this.writeAt(data, pos);
  }

  async writeAt(data: Uint8Array, pos: number): Promise<void> {
    let off = 0;
    try {
      while (off < data.length) {
        const { bytesWritten } = await this.fh.write(data, off, data.length - off, pos + off);
        off += bytesWritten;
      }
    } catch (err) {
      throw ioError(err, 'cannot write output', this.name);
    }
  }

  /** Read back part of what was written (used by the stdout spool). */
  async readAt(dst: Uint8Array, pos: number): Promise<number> {
    const { bytesRead } = await this.fh.read(dst, 0, dst.length, pos);
    return bytesRead;
  }

  async commit(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      if (this.fsync) await this.fh.sync();
      await this.fh.close();
      await rename(this.tempPath, this.target);
      liveTempFiles.delete(this.tempPath);
    } catch (err) {
      await this.removeTemp();
      throw ioError(err, 'cannot finish output', this.name);
    }
    if (this.fsync) {
      try {
        await syncDirectory(dirname(this.target));
      } catch (err) {
        // The file is complete and in place; only its survival of a power loss is in doubt.
        throw ioError(err, 'the output is complete and in place, but its directory could not be flushed to the disk', this.name);
      }
    }
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.fh.close().catch(() => undefined);
    await this.removeTemp();
  }

  private async removeTemp(): Promise<void> {
    await unlink(this.tempPath).catch(() => undefined);
    liveTempFiles.delete(this.tempPath);
  }
}

/** What is known of an output stream: its first error. */
interface StreamState {
  error?: RasterError;
}
/** One 'error' listener per stream, however many sinks (pages, spool commits) write to it. */
const watched = new WeakMap<Writable, StreamState>();
function watchStream(stream: Writable, name: string): StreamState {
  let state = watched.get(stream);
  if (!state) {
    const s: StreamState = {};
    stream.on('error', (err) => (s.error ??= streamError(err, name)));
    watched.set(stream, (state = s));
  }
  return state;
}

/** The error for a failed output stream; a reader that closed the pipe is said so in plain words. */
function streamError(err: unknown, name: string): RasterError {
  const file = outputLabel(name);
  if ((err as NodeJS.ErrnoException)?.code === 'EPIPE')
    return new RasterError('E_IO', 'cannot write output: the reader closed the pipe before the image was complete (EPIPE)', { file, cause: err });
  return ioError(err, 'cannot write output', file);
}

/** The output's name in messages: "-" alone would read as stdin (RasterError.describe). */
function outputLabel(name: string): string {
  return name === '-' ? '<stdout>' : name;
}

/**
 * fsync a directory, so that a rename in it is on the disk (POSIX leaves that to the caller).
 * Some systems cannot open or fsync a directory at all (EISDIR, EACCES; EBADF, EINVAL): there is
 * nothing to flush then, as PostgreSQL's fsync_fname_ext (src/backend/storage/file/fd.c) decides.
 */
async function syncDirectory(dir: string): Promise<void> {
  const unsupported = (err: unknown, codes: string[]) => codes.includes((err as NodeJS.ErrnoException)?.code ?? '');
  let fh: FileHandle;
  try {
    fh = await open(dir, 'r');
  } catch (err) {
    if (unsupported(err, ['EISDIR', 'EACCES'])) return;
    throw err;
  }
  try {
    await fh.sync();
  } catch (err) {
    if (!unsupported(err, ['EBADF', 'EINVAL'])) throw err;
  } finally {
    await fh.close();
  }
}

/**
 * Sequential writes to a stream, waiting for each write's callback so buffers can be reused.
 * A stream that fails (stdout whose reader went away: EPIPE, as in `raster2img … -o - | head`)
 * also emits 'error', which would end the process with a stack trace if nobody listened; the
 * failure reaches the caller through the write callback instead, as an E_IO error.
 */
export class StreamSink extends ByteSink {
  readonly seekable = false;
  private readonly state: StreamState;
  constructor(
    private readonly stream: Writable,
    readonly name: string,
  ) {
    super();
    this.state = watchStream(stream, name);
  }
  write(data: Uint8Array): Promise<void> {
    this.position += data.length;
    const state = this.state;
    // A destroyed stream may never call back: fail at once with its first error.
    if (state.error) return Promise.reject(state.error);
    return new Promise((resolve, reject) => {
      this.stream.write(data, (err) => (err ? reject((state.error ??= streamError(err, this.name))) : resolve()));
    });
  }
  async writeAt(): Promise<void> {
    throw new RasterError('E_NEEDS_SEEKABLE', 'this encoder must seek in its output; stdout is a stream', {
      file: outputLabel(this.name),
    });
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {}
}

/** A seekable temp file whose content goes to a stream on commit (BMP/TIFF to stdout). */
class SpoolSink extends ByteSink {
  readonly seekable = true;
  readonly name = '-';
  /** End of the furthest byte written: positional writes may reach past `position` (BMP rows). */
  private end = 0;
  constructor(
    private readonly spool: FileSink,
    private readonly stream: Writable,
  ) {
    super();
  }
  async write(data: Uint8Array): Promise<void> {
    this.position += data.length;
    this.end = Math.max(this.end, this.position);
    await this.spool.write(data);
  }
  writeAt(data: Uint8Array, pos: number): Promise<void> {
    this.end = Math.max(this.end, pos + data.length);
    return this.spool.writeAt(data, pos);
  }
  async commit(): Promise<void> {
    const out = new StreamSink(this.stream, '-');
    const chunk = new Uint8Array(4 * 1024 * 1024);
    try {
      for (let pos = 0; pos < this.end; ) {
        const n = await this.spool.readAt(chunk.subarray(0, Math.min(chunk.length, this.end - pos)), pos);
        if (n === 0) break;
        await out.write(chunk.subarray(0, n));
        pos += n;
      }
    } finally {
      await this.spool.abort();
    }
  }
  abort(): Promise<void> {
    return this.spool.abort();
  }
}

export class MemorySink extends ByteSink {
  readonly seekable = true;
  private buf = new Uint8Array(1024);
  private length = 0;
  constructor(readonly name: string) {
    super();
  }
  private ensure(end: number): void {
    if (end <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(end, this.buf.length * 2));
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
  }
  async write(data: Uint8Array): Promise<void> {
    await this.writeAt(data, this.position);
    this.position += data.length;
  }
  async writeAt(data: Uint8Array, pos: number): Promise<void> {
    this.ensure(pos + data.length);
    this.buf.set(data, pos);
    this.length = Math.max(this.length, pos + data.length);
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {
    this.length = 0;
  }
  /** Everything written, as one Buffer. */
  bytes(): Buffer {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.length);
  }
}
