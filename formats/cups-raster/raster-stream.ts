/**
 * The page loop shared by CUPS raster and Apple raster: read a page header, validate it, hand
 * out the page, and skip whatever the caller did not read before the next header.
 */
import { RasterError } from '../../src/errors.js';
import type { ByteSource } from '../../src/io/byte-source.js';
import type { ByteOrder, PageInfo } from '../../src/model.js';
import type { DecodedInput, PageReader } from '../../src/plugin.js';
import { CUPS_ORDER_PLANAR, pageGeometry, type FieldOffsets, type PageGeometry, type RasterDims } from './page-geometry.js';
import { openPage, type CupsPageReader } from './page-reader.js';
import { WindowReader, positionalRead, type Fail, type PositionalRead } from './window-reader.js';

/** What a format-specific page header yields. */
export interface ParsedPageHeader {
  dims: RasterDims;
  /** Absolute offsets of the fields in dims, for errors. */
  at: FieldOffsets;
  /** The header as JSON with the spec's names. */
  json: Record<string, unknown>;
  /** Resolution in dpi, when the header gives one. */
  resolution?: { x: number; y: number };
  notices?: string[];
}

export interface StreamFormat {
  name: string;
  byteOrder: ByteOrder;
  compressed: boolean;
  headerBytes: number;
  /** Parse (and check format-specific fields of) the header read at `offset`. @throws RasterError */
  parseHeader(bytes: Uint8Array, offset: number, fail: Fail): ParsedPageHeader;
  /** Pages the file header announces (URF; 0 or absent: not said). */
  announcedPages?: number;
}

export class RasterStream implements DecodedInput {
  readonly format: string;
  private pageNo = 0;
  private readonly reader: WindowReader;
  /** Positional reads once the input is seekable (a file, or a stream spooled for a planar page). */
  private seekable: PositionalRead | undefined;
  readonly fail: Fail;

  constructor(
    private readonly src: ByteSource,
    private readonly fmt: StreamFormat,
    /** Offset of the first page header. */
    start: number,
    readonly header: Record<string, unknown>,
  ) {
    this.format = fmt.name;
    this.fail = (code, detail, ctx) =>
      new RasterError(code, detail, { file: src.name, format: fmt.name, ...(this.pageNo > 0 ? { page: this.pageNo } : {}), ...ctx });
    this.seekable = src.seekable ? positionalRead(src) : undefined;
    this.reader = new WindowReader(positionalRead(src), start, this.fail);
  }

  async *pages(): AsyncIterable<PageReader> {
    let page: CupsPageReader | undefined;
    for (;;) {
      if (page) await page.skipRest();
      if (await this.reader.atEnd()) {
        // A job cut between two pages looks complete but for the count its file header announced.
        const announced = this.fmt.announcedPages ?? 0;
        if (this.pageNo < announced)
          throw this.fail('E_TRUNCATED', `the file header announces ${announced} page${announced === 1 ? '' : 's'}; the input ends after ${this.pageNo}`, {
            offset: this.reader.position,
            expected: announced,
            actual: this.pageNo,
          });
        return;
      }
      this.pageNo++;
      page = await this.nextPage();
      yield page;
    }
  }

  private async nextPage(): Promise<CupsPageReader> {
    const r = this.reader;
    const at = r.position;
    const bytes = new Uint8Array(this.fmt.headerBytes);
    await r.readExact(bytes, 0, bytes.length, `the ${this.fmt.headerBytes}-byte page header`);
    const parsed = this.fmt.parseHeader(bytes, at, this.fail);
    const g: PageGeometry = pageGeometry(parsed.dims, this.fmt.byteOrder, parsed.at, this.fail);
    const notices = [...(parsed.notices ?? []), ...g.notices];
    const info: PageInfo = {
      layout: g.layout,
      colorSpaceName: g.space.name,
      header: parsed.json,
      ...(parsed.resolution ? { resolution: parsed.resolution } : {}),
      ...(notices.length > 0 ? { notices } : {}),
    };
    if (g.order === CUPS_ORDER_PLANAR && !this.seekable) await this.spool();
    return openPage(info, g, { reader: r, seekable: this.seekable, size: this.src.size, compressed: this.fmt.compressed });
  }

  /**
   * A planar page on a stream: copy the rest of the stream to an unlinked temp file (bounded
   * memory) and read everything from there on by position. Bytes already in the reader's window
   * are kept in memory, since the spool starts after them.
   */
  private async spool(): Promise<void> {
    const r = this.reader;
    const kept = r.unread();
    const keptAt = r.position;
    const spoolAt = keptAt + kept.length;
    await this.src.toSeekable();
    const read: PositionalRead = async (dst, off, len, pos) => {
      let done = 0;
      if (pos < spoolAt) {
        const i = pos - keptAt;
        if (i < 0) throw new Error(`internal: read at ${pos}, before the spooled part of the input (${keptAt})`);
        done = Math.max(0, Math.min(len, kept.length - i));
        dst.set(kept.subarray(i, i + done), off);
      }
      if (done < len) done += await this.src.readAt(dst, off + done, len - done, pos + done);
      return done;
    };
    this.seekable = read;
    r.setRead(read);
  }
}
