/**
 * The TIFF writer. File layout:
 *
 *   [16 reserved header bytes][strips of page 1][strips of page 2]…[IFD 1][IFD 2]…
 *
 * Strips are streamed as they fill; each page only keeps its strip offsets and byte counts, in a
 * compact store (page-records.ts). In finish() the IFDs go at the end, built one at a time, where
 * the file's final size tells classic TIFF from BigTIFF, and then the header is written over the
 * reserved bytes.
 */
import { RasterError } from '../../src/errors.js';
import type { ByteSink } from '../../src/io/byte-sink.js';
import { rowBytes, type ByteOrder, type PageInfo, type PixelLayout } from '../../src/model.js';
import type { EncodePlan, ImageWriter, Options, PageWriter } from '../../src/plugin.js';
import { colorTags } from './color-tags.js';
import { HEADER_BYTES, headerBytes, planIfds, writeIfds, type IfdEntries } from './ifd.js';
import { pagePredictor, parseTiffOptions, type TiffOptions } from './options.js';
import { pageEntries, type PageRecord } from './page-tags.js';
import { PageRecords } from './page-records.js';
import type { StripParams } from './strip-codec.js';
import { DirectStrips, type StripWriter } from './strip-queue.js';

/** Internal knobs, fixed in production and made small by tests to get many strips and workers. */
export interface TiffTuning {
  /** Uncompressed bytes a strip aims at (it holds at least one row). */
  stripBytes: number;
  /** Pages with at least this many strips are compressed on worker threads. */
  parallelMinStrips: number;
}

/**
 * 512 KiB strips: large enough for efficient writes and for zlib, small enough to keep the
 * strips in flight (a few per core) to a few MiB and to split even a modest page across cores.
 */
export const DEFAULT_TUNING: TiffTuning = { stripBytes: 512 * 1024, parallelMinStrips: 4 };

/**
 * Start a TIFF file on `sink` (which must be seekable: the header is written last).
 * @throws RasterError E_BAD_OPTION for invalid options; E_NEEDS_SEEKABLE for a stream sink.
 */
export async function createTiffWriter(sink: ByteSink, options: Options, tuning: TiffTuning = DEFAULT_TUNING): Promise<ImageWriter> {
  const opts = parseTiffOptions(options);
  if (!sink.seekable)
    throw new RasterError('E_NEEDS_SEEKABLE', 'TIFF output must be seekable (its header is written last)', { file: sink.name });
  await sink.write(new Uint8Array(HEADER_BYTES));
  return new TiffWriter(sink, opts, tuning);
}

class TiffWriter implements ImageWriter {
  /** Byte order of the file, fixed by the first page planned. */
  private byteOrder: ByteOrder | undefined;
  private readonly pages = new PageRecords();
  private open: TiffPageWriter | undefined;

  constructor(
    private readonly sink: ByteSink,
    private readonly opts: TiffOptions,
    private readonly tuning: TiffTuning,
  ) {}

  plan(info: PageInfo): EncodePlan {
    const l = info.layout;
    colorTags(l); // throws for a channel count that does not fit the colour model
    this.byteOrder ??= l.byteOrder;
    const notices: string[] = [];
    if (this.opts.levelIgnored) notices.push(`--level sets the zlib level of --compression deflate; ignored with --compression ${this.opts.compression}`);
    let bits = l.bitsPerSample;
    // Sub-byte samples are baseline for bilevel and gray only (TIFF 6.0 §4, §8: RGB is 8,8,8);
    // libvips and Pillow refuse 1-bit RGB or gray+alpha. Widened losslessly (1 → 0/255, 4 → 17v).
    if (bits < 8 && l.channels > 1) {
      bits = 8;
      notices.push(`${l.bitsPerSample}-bit samples widened to 8 bits: TIFF readers take samples under 8 bits for one-channel images only`);
    }
    const layout = { ...l, bitsPerSample: bits, byteOrder: this.byteOrder };
    pagePredictor(this.opts, layout); // throws for a predictor these samples cannot take
    return { layout, notices };
  }

  async beginPage(info: PageInfo, layout: PixelLayout): Promise<PageWriter> {
    await this.open?.abandon();
    const fileOrder = (this.byteOrder ??= layout.byteOrder);
    if (layout.bitsPerSample > 8 && layout.byteOrder !== fileOrder)
      throw new RasterError('E_UNSUPPORTED', `rows must come in the file's byte order (${fileOrder}), as plan() returned, not ${layout.byteOrder}`);
    const predictor = pagePredictor(this.opts, layout);
    const rb = rowBytes(layout);
    const rowsPerStrip = Math.max(1, Math.min(layout.height, Math.floor(this.tuning.stripBytes / rb)));
    const stripCount = Math.ceil(layout.height / rowsPerStrip);
    const params: StripParams = {
      compression: this.opts.compression,
      predictor,
      level: this.opts.level,
      rowBytes: rb,
      bitsPerSample: layout.bitsPerSample,
      samplesPerPixel: layout.channels,
      littleEndian: fileOrder === 'le',
    };
    const geometry = { rowBytes: rb, rowsPerStrip, height: layout.height };
    let strips: StripWriter;
    // Uncompressed means no predictor too (parseTiffOptions): the rows go out as they are. The
    // codecs and the worker pool are loaded only for compression, so an uncompressed TIFF is
    // written without loading zlib and worker_threads (some 10 ms of a CLI run).
    if (params.compression === 'none') strips = new DirectStrips(this.sink, geometry);
    else strips = (await import('./compressed-strips.js')).compressedStrips(this.sink, params, geometry, stripCount >= this.tuning.parallelMinStrips);
    const record: Omit<PageRecord, 'stripOffsets' | 'stripByteCounts'> = {
      layout,
      resolution: info.resolution,
      compression: params.compression,
      predictor,
      rowsPerStrip,
    };
    this.open = new TiffPageWriter(layout, strips, () => {
      this.pages.add({ ...record, stripOffsets: strips.offsets, stripByteCounts: strips.byteCounts });
      this.open = undefined;
    });
    return this.open;
  }

  async finish(): Promise<void> {
    await this.open?.abandon();
    this.open = undefined;
    if (this.pages.length === 0)
      throw new RasterError('E_MISSING_ROWS', 'no page of the TIFF was completed, so there is nothing to write', { file: this.sink.name });
    const le = this.byteOrder === 'le';
    const dataEnd = this.sink.position;
    const count = this.pages.length;
    const entriesOf: IfdEntries = (i, big) => pageEntries(this.pages.get(i), i, count, big);
    const plan = planIfds(count, entriesOf, dataEnd, this.opts.bigtiff);
    await writeIfds(plan, entriesOf, dataEnd, le, (bytes) => this.sink.write(bytes));
    await this.sink.writeAt(headerBytes(plan.big, le, plan.offsets[0]!), 0);
  }
}

class TiffPageWriter implements PageWriter {
  private rowsDone = 0;
  private finished = false;

  constructor(
    private readonly layout: PixelLayout,
    private readonly strips: StripWriter,
    private readonly onFinished: () => void,
  ) {}

  async writeRows(src: Uint8Array, rows: number): Promise<void> {
    const height = this.layout.height;
    if (this.rowsDone + rows > height)
      throw new RasterError('E_SIZE_MISMATCH', `the page is ${height} rows high; ${this.rowsDone + rows} were given`, {
        expected: height,
        actual: this.rowsDone + rows,
      });
    this.rowsDone += rows;
    await this.strips.writeRows(src, rows);
  }

  async finish(): Promise<void> {
    if (this.finished) return;
    const height = this.layout.height;
    if (this.rowsDone < height)
      throw new RasterError('E_MISSING_ROWS', `the page is ${height} rows high but only ${this.rowsDone} were written`, {
        expected: height,
        actual: this.rowsDone,
      });
    await this.strips.drain();
    this.finished = true;
    this.onFinished();
  }

  /** Drop the page: wait for its strips in flight, write no IFD for it. */
  abandon(): Promise<void> {
    return this.strips.discard();
  }
}
