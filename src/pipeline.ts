/**
 * The pipeline: open and sniff the input, then for each page pull bands of rows from the
 * decoder, convert them to what the encoder asked for, and hand them on. Two band buffers
 * alternate so that reading the next band overlaps writing the current one; nothing else is
 * queued, so memory is a few bands whatever the image size.
 */
import type { Readable, Writable } from 'node:stream';
import { RasterError, ioError, type ErrorCode } from './errors.js';
import { ByteSource } from './io/byte-source.js';
import { ByteSink } from './io/byte-sink.js';
import { rowBytes, validateLayout, type PageInfo } from './model.js';
import type { DecodedInput, DecoderPlugin, EncoderPlugin, ImageWriter, Options, PageReader } from './plugin.js';
import type { FormatRegistry } from './registry.js';
import { makeConverter, usesRange } from './convert/plan.js';
import { ReusableBuffers } from './reusable-buffers.js';
import { flagName, shownValue } from './option-values.js';
import { isPagePattern, pageFileName } from './page-names.js';

/**
 * Target size of one band buffer. 1 MiB rather than 4: the two band buffers are touched fresh
 * once per conversion, and on this project's VMs (Firecracker) each first touch of a 4 KiB page
 * costs some 17 µs (18 ms per 4 MiB, against 0.5 ms to read 4 MiB into a buffer already touched),
 * and the bands stay in the CPU's cache between read, conversion and write. Measured with
 * alternating CLI runs, raw RGB to uncompressed TIFF: 8000² on the disk 0.34–0.38 s against
 * 0.41–0.55 s with 4 MiB (vips 0.30–0.43 s in the same runs); 2000² 0.23–0.31 against 0.25–0.34 s.
 * 256 KiB bands were slower again at 8000² (0.46–0.49 s): too many reads and writes.
 */
export const DEFAULT_BAND_BYTES = 1024 * 1024;

/** Where the input comes from: a path, "-" for stdin, bytes in memory, or a stream. */
export type InputSpec = string | Uint8Array | Readable;

/** What opening an input reads besides the plugins' options. */
export interface OpenCoreOptions {
  /** Input format name, to skip sniffing (e.g. "raw", "npy"). */
  from?: string;
  /** Stream used for "-" (default process.stdin). */
  stdin?: Readable;
  /** Cancels: a stream input is destroyed, so that no read waits for bytes that may never come. */
  signal?: AbortSignal;
}

/** What a conversion reads besides the plugins' options. */
export interface ConvertCoreOptions extends OpenCoreOptions {
  /** Output format name or extension; default: from the output path's extension. */
  format?: string;
  /** Convert only this 1-based page. */
  page?: number;
  /** Value range for float/int samples written as unsigned: [lo, hi] or "lo,hi". */
  range?: readonly number[] | string;
  /** Stream used for "-" output (default process.stdout). */
  stdout?: Writable;
  /**
   * Called after each band, and with each one-line notice. An exception thrown by either stops
   * the conversion (unfinished outputs are removed; with a %d pattern, the pages completed before
   * stay) and is rethrown to the caller as it was. A promise returned (an async callback) is not
   * waited for; if it rejects before the conversion ends, that stops the conversion in the same
   * way at the next band.
   */
  onProgress?: (p: Progress) => unknown;
  onNotice?: (message: string) => unknown;
  /** Band buffer size in bytes (default DEFAULT_BAND_BYTES, 1 MiB). */
  bandBytes?: number;
  /**
   * Flush each output file to the disk (fsync) before renaming it into place, and the directory
   * after, so that a crash or power loss just after the conversion leaves the old file or the
   * complete new one. Off by default, as in libtiff, libvips and ImageMagick: it waits for the
   * disk.
   */
  fsync?: boolean;
}

/** The option bags as the pipeline passes them on: the core's options and the plugins' in one. */
export type OpenOptions = OpenCoreOptions & Options;
export type ConvertOptions = ConvertCoreOptions & Options;

export interface Progress {
  page: number;
  rowsDone: number;
  height: number;
  /** Pages in the input, when known before they are read (an .npy shape, a raw file's size). */
  pages?: number;
}

export interface ConvertResult {
  /** Decoder and encoder used. */
  from: string;
  format: string;
  /** Number of pages written. */
  pages: number;
  /** Files written ("-" for stdout). */
  outputs: string[];
  notices: string[];
}

/** An opened input; `D` is what the pages come through (the library's openInput: CheckedInput). */
export interface OpenedInput<D extends DecodedInput = DecodedInput> {
  source: ByteSource;
  decoder: DecoderPlugin;
  /**
   * Another decoder whose signature the input starts with, when the options chose `decoder`
   * instead (raw geometry given for an .npy file: read as raw, which may be meant, e.g. with
   * --offset to skip the header, or a mistake).
   */
  overriddenSignature?: DecoderPlugin;
  decoded: D;
  close(): Promise<void>;
}

/**
 * Open an input and pick its decoder (explicit `from`, then options such as raw geometry, then
 * magic bytes). `damaged`: what to do with damage the decoder found from the headers alone
 * (DecodedInput.damage): fail with it now, or leave it to pages() for a description.
 * @throws RasterError E_IO, E_UNKNOWN_FORMAT, or the decoder's header errors.
 */
export async function openInput(
  registry: FormatRegistry,
  input: InputSpec,
  options: OpenOptions = {},
  damaged: 'fail' | 'describe' = 'fail',
): Promise<OpenedInput> {
  let source: ByteSource;
  if (typeof input === 'string') {
    source = input === '-' ? ByteSource.fromStream(options.stdin ?? process.stdin, '-') : await ByteSource.openFile(input);
  } else if (input instanceof Uint8Array) {
    source = ByteSource.fromBytes(input);
  } else {
    source = ByteSource.fromStream(input, '<stream>');
  }
  const signal = options.signal;
  const cancel = () => source.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  const close = async () => {
    signal?.removeEventListener('abort', cancel);
    await source.close();
  };
  try {
    if (signal?.aborted) throw interrupted(signal);
    const { decoder, signature } = await registry.detect(source, options, options.from);
    source.format = decoder.name;
    const decoded = await decoder.open(source, options);
    if (decoded.damage && damaged === 'fail') throw decoded.damage;
    return { source, decoder, ...(signature ? { overriddenSignature: signature } : {}), decoded, close };
  } catch (err) {
    await close();
    // Whatever failed after the signal (a read of the stream it destroyed, a spool) is the cancellation.
    throw signal?.aborted ? interrupted(signal, source.name) : locate(err, source.name);
  }
}

export interface DescribeCoreOptions extends OpenCoreOptions {
  /** Describe only this 1-based page (the pages before it are still read through). */
  page?: number;
}
export type DescribeOptions = DescribeCoreOptions & Options;

/** Errors that say what is wrong with an input's bytes (not with the options, the system, or a signal). */
const DAMAGE_CODES = new Set<ErrorCode>(['E_BAD_MAGIC', 'E_BAD_HEADER', 'E_UNSUPPORTED', 'E_TRUNCATED', 'E_SIZE_MISMATCH', 'E_CORRUPT_DATA', 'E_LIMIT']);

/**
 * One part of an input's description, in the order of the document: `head` first (file, format
 * and file header), then one `page` per page, then `error` if the input went bad.
 */
export type DescribePart =
  | { head: { file?: string; format: string; header?: unknown } }
  | { page: Record<string, unknown> }
  | { error: Record<string, unknown> };

/**
 * JSON description of every page (what --info prints), part by part as the input is read, so that
 * a stack of a million pages takes no more memory than one. Reads headers, skips pixels.
 * An input that goes bad after its file header is described up to the damage, and ends with
 * `error` (the RasterError as JSON): for a damaged print job, the good pages' headers are what
 * one wants to see, as tiffinfo prints the directories it could read.
 * A recognised input whose file header is damaged gets no pages and `error`.
 * @throws RasterError when the input cannot be opened or identified, or --page is past the end.
 */
export async function* describeParts(registry: FormatRegistry, input: InputSpec, options: DescribeOptions = {}): AsyncGenerator<DescribePart> {
  const wanted = options.page;
  checkPageOption(wanted);
  let opened: OpenedInput;
  try {
    opened = await openInput(registry, input, options, 'describe');
  } catch (err) {
    // The format was recognised but its file header is damaged (an .npy header, a raw size):
    // described as a CUPS job whose first page header is, with no pages and the error.
    if (err instanceof RasterError && err.format !== undefined && DAMAGE_CODES.has(err.code)) {
      yield { head: { ...(err.file !== undefined ? { file: err.file } : {}), format: err.format } };
      yield { error: err.toJSON() };
      return;
    }
    throw err;
  }
  let error: RasterError | undefined;
  let n = 0;
  let found = false;
  try {
    const header = opened.decoded.header;
    yield { head: { file: opened.source.name, format: opened.decoder.name, ...(header ? { header } : {}) } };
    try {
      for await (const page of opened.decoded.pages()) {
        n++;
        if (wanted !== undefined && n !== wanted) continue;
        found = true;
        yield { page: { page: n, ...pageJson(page.info) } };
        if (n === wanted) break;
      }
    } catch (err) {
      error = locate(err, opened.source.name);
    }
  } finally {
    await opened.close();
  }
  if (error) yield { error: error.toJSON() };
  else if (wanted !== undefined && !found) throw pageNotFound(wanted, n);
}

/** describeParts gathered into one document: { file, format, header?, pages, error? }. */
export async function describeInput(registry: FormatRegistry, input: InputSpec, options: DescribeOptions = {}): Promise<Record<string, unknown>> {
  const doc: Record<string, unknown> = {};
  const pages: Record<string, unknown>[] = [];
  for await (const part of describeParts(registry, input, options)) {
    if ('head' in part) Object.assign(doc, part.head, { pages });
    else if ('page' in part) pages.push(part.page);
    else doc['error'] = part.error;
  }
  return doc;
}

function pageJson(info: PageInfo): Record<string, unknown> {
  return {
    ...info.layout,
    rowBytes: rowBytes(info.layout),
    ...(info.resolution ? { resolution: info.resolution } : {}),
    ...(info.colorSpaceName ? { colorSpaceName: info.colorSpaceName } : {}),
    ...(info.notices && info.notices.length > 0 ? { notices: info.notices } : {}),
    ...(info.header ? { header: info.header } : {}),
  };
}

/** Parse "lo,hi" (or a pair) into a finite, increasing range. @throws RasterError E_BAD_OPTION */
export function parseRange(range: ConvertOptions['range']): [number, number] | undefined {
  if (range === undefined) return undefined;
  // Number('') is 0: an empty side (",1") must be refused, not read as 0.
  const parts: unknown[] = typeof range === 'string' ? range.split(',').map((s) => (s.trim() === '' ? NaN : Number(s))) : Array.isArray(range) ? [...range] : [];
  const [lo, hi] = parts;
  if (parts.length !== 2 || typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo))
    throw new RasterError('E_BAD_OPTION', `--range must be two numbers LO,HI with LO < HI (got ${shownValue(range)})`, { field: 'range' });
  // The samples are scaled by 1 / (HI − LO): past the largest double it is Infinity, and every sample would become 0.
  if (!Number.isFinite(hi - lo))
    throw new RasterError('E_BAD_OPTION', `--range ${lo},${hi} is wider than a double can hold (HI − LO must be at most ${Number.MAX_VALUE})`, { field: 'range' });
  return [lo, hi];
}

/** @throws RasterError E_BAD_OPTION unless `page` is absent or a whole number ≥ 1. */
function checkPageOption(page: number | undefined): void {
  if (page !== undefined && (!Number.isSafeInteger(page) || page < 1))
    throw new RasterError('E_BAD_OPTION', `--page must be a whole number ≥ 1 (got ${shownValue(page)})`, { field: 'page' });
}

/** --page past the last of the input's `pages` pages. */
function pageNotFound(page: number, pages: number): RasterError {
  return new RasterError('E_BAD_OPTION', `--page ${page} asked for, but the input has ${pages} page${pages === 1 ? '' : 's'}`, { field: 'page' });
}

/** The error of a cancelled conversion (whatever failed after the signal is the cancellation). */
function interrupted(signal: AbortSignal | undefined, file?: string): RasterError {
  // The signal's reason (an AbortSignal.timeout's TimeoutError, the caller's own) as the cause.
  return new RasterError('E_ABORTED', 'interrupted', { ...(file === undefined ? {} : { file }), cause: signal?.reason });
}

/** A second page for a single-image format without a %d pattern or --page. */
function tooManyPages(encoder: EncoderPlugin, pages?: number): RasterError {
  const count = pages === undefined ? 'more than one page' : `${pages} pages`;
  return new RasterError(
    'E_BAD_OPTION',
    `the input has ${count} and ${encoder.name.toUpperCase()} holds one: write one file per page with a pattern such as --out page-%03d${encoder.extensions[0] ?? ''}, or choose one with --page N`,
    { field: 'out' },
  );
}

/** Attach the file name to an error, turning OS errors into E_IO. */
function locate(err: unknown, file: string): RasterError {
  const e = err instanceof RasterError ? err : ioError(err, 'unexpected failure');
  return e.withContext({ file });
}

/**
 * Errors in the input after some pages decoded completely: those pages are still written (a print
 * job's good pages are worth keeping), but only to a file that was not there before, because a
 * failed conversion never replaces an existing file. Usage, I/O and cancellation errors discard
 * the file being written; with a %d pattern, the files of pages finished before are complete and
 * stay (the message lists them).
 */
const KEEPS_COMPLETE_PAGES: ReadonlySet<string> = new Set(['E_TRUNCATED', 'E_CORRUPT_DATA', 'E_BAD_HEADER', 'E_BAD_MAGIC', 'E_SIZE_MISMATCH', 'E_UNSUPPORTED', 'E_LIMIT']);

/** One output file being written: its sink, its encoder writer and how many pages it holds. */
interface OpenOutput {
  path: string;
  sink: ByteSink;
  writer: ImageWriter;
  pages: number;
}

/**
 * Convert every page (or `options.page`) of `input` to `output` ("-" = stdout; a `%d` pattern
 * writes one file per page).
 * @throws RasterError; outputs that were not completed are removed, never left half-written.
 */
export async function convertFile(registry: FormatRegistry, input: InputSpec, output: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  try {
    return await convertOrFail(registry, input, output, options);
  } catch (err) {
    throw err instanceof CallbackFailure ? err.error : err;
  }
}

/**
 * An exception thrown by the caller's onNotice or onProgress. It stops the conversion like any
 * error (outputs not completed are removed), and then reaches the caller as it was thrown: it is
 * the caller's own error, not one of raster2img's (which would have made it E_IO).
 */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

/** The caller's callbacks of one conversion, and the first failure of any of them. */
class CallerCallbacks {
  private failure: CallbackFailure | undefined;

  wrap<A>(callback: ((arg: A) => unknown) | undefined): (arg: A) => void {
    return (arg) => {
      this.check();
      if (!callback) return;
      let returned: unknown;
      try {
        returned = callback(arg);
      } catch (error) {
        throw (this.failure ??= new CallbackFailure(error));
      }
      // An async callback's promise is not awaited (a progress report must not hold the
      // conversion up), but its rejection must not go unhandled, which would end the caller's
      // process: it stops the conversion at the next band, or before the output is committed.
      try {
        const then = (returned as PromiseLike<unknown> | undefined)?.then;
        if (typeof then === 'function')
          then.call(returned, undefined, (error: unknown) => {
            this.failure ??= new CallbackFailure(error);
          });
      } catch (error) {
        throw (this.failure ??= new CallbackFailure(error)); // a thenable whose then throws
      }
    };
  }

  /** @throws CallbackFailure when a callback failed, also asynchronously. */
  check(): void {
    if (this.failure) throw this.failure;
  }
}

async function convertOrFail(registry: FormatRegistry, input: InputSpec, output: string, options: ConvertOptions): Promise<ConvertResult> {
  const encoder = registry.encoderFor(options.format, output);
  const range = parseRange(options.range);
  const perPageFiles = isPagePattern(output);
  if (perPageFiles && output === '-') throw new RasterError('E_BAD_OPTION', 'a %d page pattern cannot be used with stdout', { field: 'out' });
  checkPageOption(options.page);

  const notices: string[] = [];
  const callbacks = new CallerCallbacks();
  const onNotice = callbacks.wrap(options.onNotice);
  const progress = callbacks.wrap(options.onProgress);
  const notice = (m: string) => {
    if (notices.includes(m)) return;
    notices.push(m);
    onNotice(m);
  };
  // Library callers: a stream given for "-" when the input or output is a path is not read or written.
  if (options.stdin && input !== '-') notice('the stdin stream is read only when the input is "-"; ignored');
  if (options.stdout && output !== '-') notice('the stdout stream is written only when the output is "-"; ignored');
  const byExtension = options.format && output !== '-' ? registry.encoderFor(undefined, output, false) : undefined;
  if (byExtension && byExtension !== encoder)
    notice(`writing ${encoder.name.toUpperCase()} as --format says, although the name "${output}" suggests ${byExtension.name.toUpperCase()}`);
  const opened = await openInput(registry, input, options);
  const result: ConvertResult = { from: opened.decoder.name, format: encoder.name, pages: 0, outputs: [], notices };
  let current: OpenOutput | undefined;
  const closeOutput = async (commit: boolean) => {
    const out = current;
    current = undefined;
    if (!out) return;
    if (commit && out.pages > 0) {
      // `current` is already cleared, so this output is this function's to remove if it fails.
      try {
        await out.writer.finish();
        callbacks.check(); // the last moment an async callback's rejection can still stop the output
        await out.sink.commit();
      } catch (err) {
        await out.sink.abort();
        throw err;
      }
      result.outputs.push(out.path);
    } else {
      await out.sink.abort();
    }
  };

  let pageNo = 0;
  let rangeUsed = false;
  const buffers = new ReusableBuffers();
  try {
    const signature = opened.overriddenSignature;
    if (signature)
      notice(`the input starts with the ${signature.name} signature, but the options given select the ${opened.decoder.name} decoder: read as ${opened.decoder.name} data (without them, or with --from ${signature.name}, it is read as ${signature.name})`);
    // An option of neither plugin in use (--compression for a PNG) would be dropped silently.
    for (const [key, { owners }] of registry.allOptions()) {
      const value = (options as Record<string, unknown>)[key];
      if (value !== undefined && value !== false && !owners.includes(opened.decoder.name) && !owners.includes(encoder.name))
        notice(`--${flagName(key)} does not apply to ${opened.decoder.name} input or ${encoder.name.toUpperCase()} output; ignored`);
    }
    // Known up front (an .npy stack): refuse before anything is written, even to stdout.
    if (!encoder.multiPage && !perPageFiles && options.page === undefined && (opened.decoded.pageCount ?? 1) > 1)
      throw tooManyPages(encoder, opened.decoded.pageCount);
    const pages = opened.decoded.pageCount;
    const onProgress = (p: Progress) => progress(pages === undefined ? p : { ...p, pages });
    for await (const page of opened.decoded.pages()) {
      pageNo++;
      if (options.page !== undefined && pageNo !== options.page) continue;
      if (options.signal?.aborted) throw interrupted(options.signal);
      if (!current) {
        const path = output === '-' ? output : pageFileName(output, pageNo);
        const sink = await ByteSink.create(path, encoder.needsSeekableOutput, {
          ...(options.stdout ? { stdout: options.stdout } : {}),
          fsync: options.fsync ?? false,
          ...(opened.source.fileIdentity ? { notSameAs: opened.source.fileIdentity } : {}),
        });
        try {
          current = { path, sink, writer: await encoder.create(sink, options), pages: 0 };
        } catch (err) {
          await sink.abort();
          throw err;
        }
      } else if (!encoder.multiPage) {
        // Page 1 already went out on stdout and cannot be taken back: end it as a complete file
        // (a PNG with its IEND), so that a reader without pipefail gets no truncated image.
        if (output === '-') await closeOutput(true);
        throw tooManyPages(encoder);
      }
      rangeUsed = (await convertPage(page, pageNo, encoder, current, { ...options, range, onProgress }, notice, buffers)) || rangeUsed;
      current.pages++;
      result.pages++;
      if (perPageFiles) await closeOutput(true);
      if (options.page !== undefined) break;
    }
    if (options.page !== undefined && result.pages === 0) throw pageNotFound(options.page, pageNo);
    if (result.pages === 0) throw new RasterError('E_BAD_HEADER', 'the input holds no page', { file: opened.source.name });
    if (range && !rangeUsed) notice('--range maps float or signed samples to unsigned ones, and these samples needed no mapping; ignored');
    await closeOutput(true);
    return result;
  } catch (err) {
    if (err instanceof CallbackFailure) {
      await closeOutput(false);
      throw err; // convertFile hands the caller's own error on
    }
    // Cancelled: whatever failed after the signal (a read of a stdin closed by it) is the cancellation.
    const e = options.signal?.aborted ? interrupted(options.signal, opened.source.name) : locate(err, opened.source.name);
    // Keep the pages that were complete before a decoding error (print jobs: CUPS keeps them too),
    // unless that would replace a file that was there before.
    const complete = current !== undefined && current.pages > 0 && KEEPS_COMPLETE_PAGES.has(e.code) ? current : undefined;
    const withheld = complete?.sink.replacesFile ? complete : undefined;
    // The error above is the one to report; closeOutput removed its file if it could not finish it.
    await closeOutput(complete !== undefined && !withheld).catch(() => undefined);
    const completePages = (n: number) => `${n} complete page${n === 1 ? ' was' : 's were'}`;
    let said: string | undefined;
    if (result.outputs.length > 0) said = `${completePages(result.pages)} written to ${result.outputs.map((o) => (o === '-' ? 'stdout' : o)).join(', ')}`;
    else if (withheld) said = `${completePages(withheld.pages)} not written: ${withheld.path} was there before and is left as it was`;
    if (said !== undefined) throw new RasterError(e.code, `${e.detail} (${said})`, { ...e, cause: e.cause ?? e }).withContext({});
    throw e;
  } finally {
    await opened.close();
  }
}

/** Convert one page into `out`. Returns whether its samples went through the value range (--range). */
async function convertPage(
  page: PageReader,
  pageNo: number,
  encoder: EncoderPlugin,
  out: OpenOutput,
  options: ConvertOptions & { range: [number, number] | undefined },
  notice: (m: string) => void,
  buffers: ReusableBuffers,
): Promise<boolean> {
  const info = page.info;
  try {
    validateLayout(info.layout);
  } catch (err) {
    throw err instanceof RasterError ? err.withContext({ page: pageNo }) : err;
  }
  for (const n of info.notices ?? []) notice(`page ${pageNo}: ${n}`);
  const plan = out.writer.plan(info);
  const srcRow = rowBytes(info.layout);
  const bandRows = Math.max(1, Math.min(info.layout.height, Math.floor((options.bandBytes ?? DEFAULT_BAND_BYTES) / Math.max(srcRow, rowBytes(plan.layout)))));
  const convert = makeConverter(info.layout, plan.layout, bandRows, { range: options.range, buffers });
  // Only once the conversion is possible: a notice about it before an error refusing it contradicts it.
  for (const n of plan.notices) notice(n);
  const pw = await out.writer.beginPage(info, plan.layout);
  const bands = [buffers.get('band 0', bandRows * srcRow), buffers.get('band 1', bandRows * srcRow)];
  let which = 0;
  let done = 0;
  const height = info.layout.height;
  const read = (buf: Uint8Array) => page.readRows(buf, Math.min(bandRows, height - done));
  let n = await read(bands[0]!);
  while (n > 0) {
    if (options.signal?.aborted) throw new RasterError('E_ABORTED', 'interrupted');
    done += n;
    // Start reading the next band first: the read then overlaps this band's conversion and
    // encoding (CPU work on this thread, such as BMP's channel swap) as well as its write.
    const r = done < height ? read(bands[1 - which]!) : Promise.resolve(0);
    const band = bands[which]!;
    const rows = n;
    const w = Promise.resolve().then(() => pw.writeRows(convert(band, rows), rows));
    const [ws, rs] = await Promise.allSettled([w, r]);
    if (ws.status === 'rejected') throw ws.reason;
    if (rs.status === 'rejected') throw rs.reason;
    n = rs.value;
    which = 1 - which;
    options.onProgress?.({ page: pageNo, rowsDone: done, height });
  }
  if (done < height)
    throw new RasterError('E_TRUNCATED', `page ended after ${done} of ${height} rows`, { page: pageNo, expected: height, actual: done });
  await pw.finish();
  return usesRange(info.layout, plan.layout);
}
