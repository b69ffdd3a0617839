/**
 * The BMP writer. All sizes follow from the layout, so the headers are written first and each
 * band of rows goes straight to its final place with one positional write: rows are stored
 * bottom-up (positive biHeight, the order every reader handles), row y at
 * dataOffset + (height − 1 − y)·stride.
 */
import { RasterError } from '../../src/errors.js';
import type { ByteSink } from '../../src/io/byte-sink.js';
import { rowBytes, type PageInfo, type PixelLayout } from '../../src/model.js';
import type { EncodePlan, ImageWriter, PageWriter } from '../../src/plugin.js';
import { bmpGeometry, bmpHeaders, type BmpGeometry } from './header.js';
import { planBmp } from './plan.js';
import type { Options } from '../../src/plugin.js';
import { storeBottomUp } from './rows.js';

export class BmpImageWriter implements ImageWriter {
  private pageStarted = false;

  constructor(
    private readonly sink: ByteSink,
    private readonly options: Options = {},
  ) {}

  plan(info: PageInfo): EncodePlan {
    return planBmp(info, this.options);
  }

  /**
   * Write the headers and return the writer for the page's rows.
   * @throws RasterError E_UNSUPPORTED for a second page or a layout planBmp does not return;
   *   E_LIMIT as planBmp; E_IO from the sink.
   */
  async beginPage(info: PageInfo, layout: PixelLayout): Promise<PageWriter> {
    if (this.pageStarted) throw new RasterError('E_UNSUPPORTED', 'a BMP file holds one page', { format: 'bmp' });
    this.pageStarted = true;
    const geometry = bmpGeometry(layout, info.resolution);
    await this.sink.writeAt(bmpHeaders(geometry), 0);
    return new BmpPageWriter(this.sink, geometry, rowBytes(layout));
  }

  /** Nothing trails the pixels: the page writer has written everything. */
  async finish(): Promise<void> {}
}

class BmpPageWriter implements PageWriter {
  private rowsDone = 0;
  /**
   * Stored rows of two bands: one is being written to the file while the next is stored into the
   * other, so the CPU work and the disk overlap. Their padding bytes are never written, so they
   * stay zero.
   */
  private readonly bands = [new Uint8Array(0), new Uint8Array(0)];
  private current = 0;
  /** The write of the other band, if any is in flight. */
  private writing: Promise<void> | undefined;

  constructor(
    private readonly sink: ByteSink,
    private readonly g: BmpGeometry,
    private readonly srcRowBytes: number,
  ) {}

  /**
   * Store the next `rows` rows (top-down, in the planned layout) and start their positional write;
   * resolves once src may be reused and the previous band's write is done.
   * @throws RasterError E_CORRUPT_DATA when more rows arrive than the page has; E_IO from the sink.
   */
  async writeRows(src: Uint8Array, rows: number): Promise<void> {
    const { height, stride, dataOffset } = this.g;
    if (rows > height - this.rowsDone)
      throw new RasterError('E_CORRUPT_DATA', `BMP page of ${height} rows was given ${this.rowsDone + rows} rows`, {
        format: 'bmp',
        expected: height,
        actual: this.rowsDone + rows,
      });
    const bytes = rows * stride;
    if (this.bands[this.current]!.length < bytes) this.bands[this.current] = new Uint8Array(bytes);
    const out = this.bands[this.current]!.subarray(0, bytes);
    storeBottomUp(this.g, src, this.srcRowBytes, rows, out);
    // Rows y0 … y0+rows−1 occupy one contiguous region ending where row y0−1 begins.
    const previous = this.writing;
    this.writing = this.sink.writeAt(out, dataOffset + (height - this.rowsDone - rows) * stride);
    // Awaited by the next call or by finish; until then a failure must not count as unhandled.
    this.writing.catch(() => undefined);
    this.rowsDone += rows;
    this.current ^= 1;
    await previous;
  }

  /** @throws RasterError E_MISSING_ROWS if fewer rows than the page's height arrived; E_IO from the sink. */
  async finish(): Promise<void> {
    await this.writing;
    const { height } = this.g;
    if (this.rowsDone < height)
      throw new RasterError('E_MISSING_ROWS', `BMP page got ${this.rowsDone} of its ${height} rows`, {
        format: 'bmp',
        expected: height,
        actual: this.rowsDone,
      });
  }
}
