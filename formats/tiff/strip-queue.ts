/**
 * The strips of one page between "rows given" and "on disk". Two ways, one interface:
 *
 * - StripQueue (compressed): rows are gathered into strip buffers (src/workers/ordered-blocks.ts);
 *   strips are encoded concurrently (up to `maxInFlight` at a time, on workers or inline) but
 *   written strictly in order, each at the sink's current end. Strip buffers come back once encoded
 *   and are reused, so a page needs at most maxInFlight + 1 of them whatever its size.
 * - DirectStrips (uncompressed): the caller's rows go to the sink as they are, with no copy; strip k
 *   is simply the stretch of them that starts at row k × rowsPerStrip.
 *
 * Either way each strip's file offset and byte count are recorded for the IFD.
 */
import type { ByteSink } from '../../src/io/byte-sink.js';
import { OrderedBlocks } from '../../src/workers/ordered-blocks.js';
import type { ResultBuffers } from '../../src/workers/result-buffers.js';

/** An encoded strip, and the strip buffer it came from (free for reuse). */
export interface EncodedStrip {
  data: Uint8Array;
  strip: Uint8Array;
}

/**
 * Encodes one strip; may hold on to (or transfer) the strip until the promise settles. `out`, when
 * given, is a buffer the result may be put in (the data then is a view of it; see StripQueue).
 */
export type StripEncoder = (strip: Uint8Array, rows: number, out?: Uint8Array) => Promise<EncodedStrip>;

export interface StripGeometry {
  rowBytes: number;
  rowsPerStrip: number;
  height: number;
}

export interface StripWriter {
  /** File offset and byte count of each strip (complete once drained). */
  readonly offsets: Float64Array;
  readonly byteCounts: Float64Array;
  /** Take `rows` whole rows of src; src may be reused when this resolves. */
  writeRows(src: Uint8Array, rows: number): Promise<void>;
  /** Write everything still held. */
  drain(): Promise<void>;
  /** Wait for work in flight and drop it (the page is abandoned). */
  discard(): Promise<void>;
}

function stripTables(g: StripGeometry) {
  const count = Math.ceil(g.height / g.rowsPerStrip);
  return { offsets: new Float64Array(count), byteCounts: new Float64Array(count) };
}

export class StripQueue implements StripWriter {
  readonly offsets: Float64Array;
  readonly byteCounts: Float64Array;
  private written = 0;
  private readonly blocks: OrderedBlocks<EncodedStrip>;

  /**
   * @param results buffers handed to `encode` for its results and reused once written (for
   *   encoders on other threads, whose results would otherwise each be a new buffer here), or
   *   undefined to hand none.
   */
  constructor(
    private readonly sink: ByteSink,
    encode: StripEncoder,
    maxInFlight: number,
    g: StripGeometry,
    private readonly results?: ResultBuffers,
  ) {
    ({ offsets: this.offsets, byteCounts: this.byteCounts } = stripTables(g));
    this.blocks = new OrderedBlocks(g.rowBytes, g.rowsPerStrip, g.height, maxInFlight, {
      start: (strip, rows) => encode(strip, rows, this.results?.take()),
      take: (encoded) => this.writeStrip(encoded.data),
      blockOf: (encoded) => encoded.strip,
    });
  }

  writeRows(src: Uint8Array, rows: number): Promise<void> {
    return this.blocks.write(src, rows);
  }

  drain(): Promise<void> {
    return this.blocks.drain();
  }

  discard(): Promise<void> {
    return this.blocks.discard();
  }

  /** Write the next strip at the sink's end and record where it went. */
  private async writeStrip(data: Uint8Array): Promise<void> {
    const i = this.written++;
    this.offsets[i] = this.sink.position;
    this.byteCounts[i] = data.length;
    await this.sink.write(data);
    this.results?.giveBack(data);
  }
}

export class DirectStrips implements StripWriter {
  readonly offsets: Float64Array;
  readonly byteCounts: Float64Array;
  private rowsTaken = 0;

  constructor(
    private readonly sink: ByteSink,
    private readonly g: StripGeometry,
  ) {
    ({ offsets: this.offsets, byteCounts: this.byteCounts } = stripTables(g));
  }

  async writeRows(src: Uint8Array, rows: number): Promise<void> {
    const { rowBytes: rb, rowsPerStrip, height } = this.g;
    const start = this.sink.position;
    // Strips that begin among these rows: their offsets follow from where these rows land.
    for (let k = Math.ceil(this.rowsTaken / rowsPerStrip); k * rowsPerStrip < this.rowsTaken + rows; k++) {
      this.offsets[k] = start + (k * rowsPerStrip - this.rowsTaken) * rb;
      this.byteCounts[k] = Math.min(rowsPerStrip, height - k * rowsPerStrip) * rb;
    }
    this.rowsTaken += rows;
    await this.sink.write(src.subarray(0, rows * rb));
  }

  async drain(): Promise<void> {}
  async discard(): Promise<void> {}
}
