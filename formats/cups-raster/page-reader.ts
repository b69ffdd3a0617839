/**
 * One page of pixels: stored lines in, interleaved rows out. Chunky and banded pages are read
 * sequentially (streams work); planar pages read each colour plane through its own cursor at its
 * own position in a seekable input, so only one line per plane is ever held.
 */
import { RasterError } from '../../src/errors.js';
import { rowBytes, type PageInfo } from '../../src/model.js';
import type { PageReader } from '../../src/plugin.js';
import { CompressedLines, RawLines, type CompressionParams, type LineSource } from './line-source.js';
import { CUPS_ORDER_BANDED, CUPS_ORDER_PLANAR, type PageGeometry } from './page-geometry.js';
import { PixelAssembler } from './pixel-assembler.js';
import { WindowReader, type PositionalRead } from './window-reader.js';

/** Window of each plane cursor: far above the largest packet (1 + 128 × 30 bytes). */
const PLANE_WINDOW_BYTES = 64 * 1024;

export interface PageInput {
  /** The job's sequential reader, positioned at the first byte of the page's pixels. */
  reader: WindowReader;
  /** Positional reads on a seekable input (planar pages only). */
  seekable: PositionalRead | undefined;
  /** Input size when known (to report a truncated planar page that is skipped unread). */
  size: number | undefined;
  compressed: boolean;
}

interface RowFeed {
  /** The stored segments of the next row (band / plane order). */
  next(): Promise<Uint8Array[]>;
  /** Leave the sequential reader after the page, skipping `rows` unread rows. */
  finish(rows: number): Promise<void>;
}

class SequentialFeed implements RowFeed {
  constructor(
    private readonly lines: LineSource,
    private readonly g: PageGeometry,
  ) {}
  async next(): Promise<Uint8Array[]> {
    const line = await this.lines.next();
    if (this.g.order !== CUPS_ORDER_BANDED) return [line];
    const b = this.g.bandBytes;
    return Array.from({ length: this.g.numColors }, (_, c) => line.subarray(c * b, (c + 1) * b));
  }
  async finish(rows: number): Promise<void> {
    await this.lines.skip(rows);
  }
}

class PlanarFeed implements RowFeed {
  constructor(
    private readonly planes: LineSource[],
    private readonly afterPage: () => Promise<void>,
  ) {}
  async next(): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const p of this.planes) out.push(await p.next());
    return out;
  }
  async finish(): Promise<void> {
    await this.afterPage();
  }
}

function compression(g: PageGeometry, lines: number): CompressionParams {
  return { bytesPerLine: g.bytesPerLine, unitBytes: g.unitBytes, fill: g.fill, lines };
}

/**
 * Open the pixels of a page whose header has just been read.
 * @throws RasterError for a planar page whose compressed data is corrupt or truncated (it is
 *   scanned once to find where each plane starts).
 */
export async function openPage(info: PageInfo, g: PageGeometry, input: PageInput): Promise<CupsPageReader> {
  const { reader } = input;
  if (g.order !== CUPS_ORDER_PLANAR) {
    const lines = input.compressed ? new CompressedLines(reader, compression(g, g.storedLines)) : new RawLines(reader, g.bytesPerLine);
    const rawCopy = !input.compressed && g.plan.identity;
    return new CupsPageReader(info, g, new SequentialFeed(lines, g), rawCopy ? reader : undefined);
  }
  const read = input.seekable;
  if (!read) throw new Error('internal: planar page without a seekable input');
  const planeReader = (offset: number) => new WindowReader(read, offset, reader.fail, PLANE_WINDOW_BYTES);
  const start = reader.position;
  const planes: LineSource[] = [];
  if (!input.compressed) {
    const planeBytes = g.height * g.bytesPerLine;
    for (let c = 0; c < g.numColors; c++) planes.push(new RawLines(planeReader(start + c * planeBytes), g.bytesPerLine));
    const end = start + g.numColors * planeBytes;
    return new CupsPageReader(
      info,
      g,
      new PlanarFeed(planes, async () => {
        if (input.size !== undefined && end > input.size)
          throw reader.fail('E_TRUNCATED', `input ends inside a planar page: it is ${input.size} bytes, the page needs ${end}`, {
            offset: input.size,
            expected: end,
            actual: input.size,
          });
        reader.seek(end);
      }),
      undefined,
    );
  }
  // Compressed planes: where plane c begins is only known after decoding planes 0…c−1, and a
  // line-repeat count may carry over from one plane into the next. Scan the page once, noting
  // for each plane the line it starts in and how many repeats of that line came before it.
  const scan = new CompressedLines(reader, compression(g, g.storedLines));
  for (let c = 0; c < g.numColors; c++) {
    const carried = scan.pendingRepeats;
    const offset = carried > 0 ? scan.lineStart : reader.position;
    const cursor = new CompressedLines(planeReader(offset), compression(g, g.storedLines - c * g.height));
    await cursor.resume(carried > 0 ? scan.lineRepeats - carried : 0);
    planes.push(cursor);
    await scan.skip(g.height);
  }
  return new CupsPageReader(info, g, new PlanarFeed(planes, async () => undefined), undefined);
}

export class CupsPageReader implements PageReader {
  private row = 0;
  private readonly assembler: PixelAssembler;
  private readonly rowBytes: number;
  /** Where the direct page's pixel data begins (for messages). */
  private pixelStart: number | undefined;

  constructor(
    readonly info: PageInfo,
    private readonly g: PageGeometry,
    private readonly feed: RowFeed,
    /** Set when stored lines are the output rows: read them straight into the caller's buffer. */
    private readonly direct: WindowReader | undefined,
  ) {
    this.assembler = new PixelAssembler(g.plan);
    this.rowBytes = rowBytes(info.layout);
  }

  async readRows(dst: Uint8Array, maxRows: number): Promise<number> {
    const n = Math.min(maxRows, this.g.height - this.row);
    if (n <= 0) return 0;
    let done = 0;
    try {
      if (this.direct) {
        this.pixelStart ??= this.direct.position - this.row * this.rowBytes;
        await this.direct.readExact(dst, 0, n * this.rowBytes, 'pixel data');
      } else {
        for (; done < n; done++) this.assembler.assemble(await this.feed.next(), dst, done * this.rowBytes);
      }
    } catch (err) {
      throw this.truncated(err, done);
    }
    this.row += n;
    if (this.row === this.g.height) await this.feed.finish(0);
    return n;
  }

  /**
   * A read cut short knows only its own size ("needed 1044000 bytes, got 24123"); say what it
   * means for the page instead: how much of it is there, or which line was cut.
   */
  private truncated(err: unknown, rowsDone: number): unknown {
    if (!(err instanceof RasterError) || err.code !== 'E_TRUNCATED' || err.offset === undefined) return err;
    const height = this.g.height;
    if (this.direct && this.pixelStart !== undefined) {
      const total = height * this.rowBytes;
      const have = err.offset - this.pixelStart;
      return new RasterError('E_TRUNCATED', `input ends inside pixel data: ${have} of the page's ${total} bytes are there (${Math.floor(have / this.rowBytes)} of ${height} lines complete)`, {
        ...err,
        expected: total,
        actual: have,
      });
    }
    return new RasterError('E_TRUNCATED', `input ends inside pixel data: in line ${this.row + rowsDone + 1} of ${height} (${this.row + rowsDone} complete)`, { ...err });
  }

  /** Skip the rows not read yet, leaving the input at the next page header. */
  async skipRest(): Promise<void> {
    if (this.row >= this.g.height) return;
    const rest = this.g.height - this.row;
    this.row = this.g.height;
    await this.feed.finish(rest);
  }
}
