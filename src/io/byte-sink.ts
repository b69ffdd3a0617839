/**
 * ByteSink: where an encoder's bytes go.
 *
 * A file target is written to a temp file beside it (same directory, so the final rename is
 * atomic) and renamed over the target only by commit(); abort() removes the temp file. An
 * existing good file is therefore never clobbered by a failed or interrupted conversion.
 * stdout is a plain stream sink, or a spool file copied to stdout on commit when the encoder
 * must seek (BMP bottom-up rows, TIFF first-IFD offset).
 */
import { lstat, open, readlink, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { createWriteStream, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
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
  /** Whether commit() would put this output in place of a file that was there before. */
  get replacesFile(): boolean {
    return false;
  }

  /**
   * A sink for `target` ("-" = stdout):
   * - a regular file, or a new one: a temp file beside it, renamed over it on commit. Through a
   *   symlink, the file it points to is replaced and the link stays;
   * - a device or FIFO (/dev/null, a named pipe) and stdout: written in place, as a stream.
   *   Renaming over such a target would replace the node itself (as root, /dev/null).
   * A stream target is spooled to a temp file first when `needsSeek` (the encoder seeks).
   * @throws RasterError E_BAD_OPTION when the target is a directory or the file `notSameAs`
   *   (the input: writing it would destroy what is being read); E_IO from the system.
   */
  static async create(target: string, needsSeek: boolean, opts: SinkOptions = {}): Promise<ByteSink> {
    if (target === '-') return streamSink(new StreamSink(opts.stdout ?? process.stdout, '-'), needsSeek);
    const st = await stat(target).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined; // a new file (or a symlink to one not there yet)
      throw ioError(err, 'cannot write output', target);
    });
    if (st?.isDirectory()) throw new RasterError('E_BAD_OPTION', 'the output is a directory; give a file name', { file: target, field: 'out' });
    if (st && opts.notSameAs && st.dev === opts.notSameAs.dev && st.ino === opts.notSameAs.ino)
      throw new RasterError('E_BAD_OPTION', 'the output is the input file: writing it would destroy the input', { file: target, field: 'out' });
    if (st && !st.isFile()) return streamSink(await StreamSink.openTarget(target), needsSeek);
    const real = st ? await realpath(target).catch(() => target) : await danglingLinkTarget(target);
    return FileSink.open(real, target, opts.fsync ?? false, st);
  }

  /** A growable in-memory sink (tests, small outputs); `bytes()` gives the result. */
  static memory(name = '<memory>'): MemorySink {
    return new MemorySink(name);
  }
}

/**
 * The path a new file must take for `target`: the target itself, or, when it is a symlink to a
 * file not there yet, the path the link (or chain of links) names, so the link is kept and
 * written through, as the shell's `>` does.
 */
async function danglingLinkTarget(target: string): Promise<string> {
  let path = target;
  for (let hops = 0; hops < 40; hops++) {
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isSymbolicLink()) return path;
    path = resolve(dirname(path), await readlink(path));
  }
  throw new RasterError('E_IO', 'too many levels of symbolic links', { file: target });
}

/** Options of ByteSink.create. */
export interface SinkOptions {
  /** Stream used for "-" (default process.stdout). */
  stdout?: Writable;
  /** Flush file and directory on commit (ConvertOptions.fsync). */
  fsync?: boolean;
  /** Identity of the input file: the output must not be the same file. */
  notSameAs?: Pick<Stats, 'dev' | 'ino'>;
}

/** A stream sink as it is, or behind a spool file when the encoder must seek. */
async function streamSink(out: StreamSink, needsSeek: boolean): Promise<ByteSink> {
  if (!needsSeek) return out;
  let spool: FileSink;
  try {
    spool = await FileSink.open(join(tmpdir(), 'raster2img-out'), out.name);
  } catch (err) {
    throw spoolError(err, 'cannot create', out.name);
  }
  await spool.unlinkName(); // an unnamed file: nothing is left behind, even after SIGKILL
  return new SpoolSink(spool, out);
}

/**
 * A failure of the spool file, said as such: the temp folder is full or closed, not the output
 * stream (whose name, "-", would otherwise read as the input's "<stdin>").
 */
function spoolError(err: unknown, what: 'cannot create' | 'cannot write', name: string): RasterError {
  const cause = err instanceof RasterError && err.cause !== undefined ? err.cause : err;
  const detail = `${what} the temp file in ${tmpdir()} that holds the output until it is complete (TMPDIR chooses the folder)`;
  return ioError(cause, detail, outputLabel(name));
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
    private readonly existing: Stats | undefined,
  ) {
    super();
  }

  /**
   * `fsync`: commit() flushes the file, then the directory after the rename (ConvertOptions.fsync).
   * `existing`: the file being replaced, whose owner, group and permission bits the new file keeps
   * (as a program that rewrites the file in place would); a new file gets 0666 less the umask.
   * The temp file replacing one is created 0600, so that a private image is not readable through
   * it while it is written; its owner and mode are set at commit (keepOwnerAndMode).
   */
  static async open(target: string, name = target, fsync = false, existing?: Stats): Promise<FileSink> {
    // Same directory as the target so that rename() is atomic; 'wx+' never follows or reuses a file,
    // and is readable too because the stdout spool reads back what was written. A name near
    // NAME_MAX (255 bytes) would overflow with the suffix, so it is not repeated then. As in
    // mkstemp(3), O_EXCL makes the name safe and the random suffix only makes it hard to guess:
    // Math.random, not node:crypto, which costs some 7 ms of every CLI run to load.
    const base = basename(target);
    const stem = Buffer.byteLength(base) <= 200 ? base : 'raster2img';
    const suffix = Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
    const temp = join(dirname(target), `.${stem}.tmp-${process.pid}-${suffix}`);
    let fh: FileHandle;
    try {
      fh = await open(temp, 'wx+', existing ? 0o600 : 0o666);
    } catch (err) {
      throw ioError(err, `cannot create a file in ${dirname(target)}`, name);
    }
    trackTemp(temp);
    return new FileSink(fh, temp, target, name, fsync, existing);
  }

  override get replacesFile(): boolean {
    return this.existing !== undefined;
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
      if (this.existing) await keepOwnerAndMode(this.fh, this.existing);
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

  /** Remove the temp file's name now; the open handle keeps its data (for a spool read back). */
  async unlinkName(): Promise<void> {
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

/**
 * Give the finished temp file the owner, group and mode of the file it replaces, after the last
 * write (an unprivileged write clears set-id bits). Owner and group first (chown clears set-id
 * bits too), both where allowed (root), else the group alone (an owner may give a file to any
 * group of theirs), as GNU sed -i does. What cannot be kept is not given away, as cp -p does: a
 * file that is now someone else's loses its set-id bits, and one now in another group gives that
 * group no more than everyone else has (the old group's rights would otherwise pass to it).
 */
async function keepOwnerAndMode(fh: FileHandle, existing: Stats): Promise<void> {
  await fh.chown(existing.uid, existing.gid).catch(() => fh.chown(-1, existing.gid)).catch(() => undefined);
  const now = await fh.stat();
  let mode = existing.mode & 0o7777;
  if (now.uid !== existing.uid) mode &= ~0o6000;
  // Members of the new group get what everyone else has (in no case more, and not less: group
  // bits take the place of the others' bits for them).
  if (now.gid !== existing.gid) mode = (mode & ~0o2070) | ((mode & 0o007) << 3);
  await fh.chmod(mode).catch(() => undefined);
}

/** The error for a failed output stream; a reader that closed the pipe is said so in plain words. */
function streamError(err: unknown, name: string): RasterError {
  const file = outputLabel(name);
  if ((err as NodeJS.ErrnoException)?.code === 'EPIPE')
    return new RasterError('E_IO', 'cannot write output: the reader closed the pipe before the output was complete (EPIPE)', { file, cause: err });
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
    /** The sink opened the stream (a device or FIFO path) and closes it; stdout stays open. */
    private readonly owned = false,
  ) {
    super();
    this.state = watchStream(stream, name);
  }

  /** Open a device or FIFO for writing (waits for a FIFO's reader, as the shell's `>` does). */
  static async openTarget(path: string): Promise<StreamSink> {
    const stream = createWriteStream(path, { flags: 'w' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (err) => reject(ioError(err, 'cannot open output', path)));
    });
    return new StreamSink(stream, path, true);
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
  async commit(): Promise<void> {
    if (!this.owned) return;
    if (this.state.error) throw this.state.error;
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', (err) => reject(this.state.error ?? streamError(err, this.name)));
      this.stream.end(() => resolve());
    });
  }
  async abort(): Promise<void> {
    if (this.owned) this.stream.destroy();
  }
}

/** A seekable temp file whose content goes to a stream on commit (BMP/TIFF to stdout). */
class SpoolSink extends ByteSink {
  readonly seekable = true;
  readonly name: string;
  /** End of the furthest byte written: positional writes may reach past `position` (BMP rows). */
  private end = 0;
  constructor(
    private readonly spool: FileSink,
    private readonly out: StreamSink,
  ) {
    super();
    this.name = out.name;
  }
  async write(data: Uint8Array): Promise<void> {
    this.position += data.length;
    this.end = Math.max(this.end, this.position);
    await this.spool.write(data).catch((err: unknown) => {
      throw spoolError(err, 'cannot write', this.name);
    });
  }
  writeAt(data: Uint8Array, pos: number): Promise<void> {
    this.end = Math.max(this.end, pos + data.length);
    return this.spool.writeAt(data, pos).catch((err: unknown) => {
      throw spoolError(err, 'cannot write', this.name);
    });
  }
  async commit(): Promise<void> {
    const out = this.out;
    const chunk = new Uint8Array(1024 * 1024);
    try {
      for (let pos = 0; pos < this.end; ) {
        const n = await this.spool.readAt(chunk.subarray(0, Math.min(chunk.length, this.end - pos)), pos);
        if (n === 0) break;
        await out.write(chunk.subarray(0, n));
        pos += n;
      }
      await out.commit();
    } catch (err) {
      await out.abort();
      throw err;
    } finally {
      await this.spool.abort();
    }
  }
  async abort(): Promise<void> {
    await this.out.abort();
    await this.spool.abort();
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
