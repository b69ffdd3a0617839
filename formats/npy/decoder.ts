/**
 * The .npy decoder proper: header → geometry → one PageReader per page. C-ordered data is read
 * sequentially through RawRowReader; Fortran-ordered data through FortranGather on a seekable
 * source (stdin is spooled to a temp file first, on the first row asked for).
 */
import { RasterError } from '../../src/errors.js';
import type { ByteSource } from '../../src/io/byte-source.js';
import { rowBytes, validateLayout, type PageInfo, type PixelLayout } from '../../src/model.js';
import type { DecodedInput, PageReader } from '../../src/plugin.js';
import { RawRowReader } from '../../src/rows/raw-rows.js';
import { packBoolRows } from './bool-pack.js';
import { FortranGather } from './fortran-rows.js';
import { interpretShape, type NpyGeometry } from './geometry.js';
import { readNpyHeader, type NpyHeader } from './header.js';

/** Scratch for bool rows before packing (one row at least). */
const BOOL_SCRATCH_BYTES = 1024 * 1024;

/** Source of unpacked element rows (W·C elements of itemSize bytes each) of one page. */
interface ElementRows {
  readRows(dst: Uint8Array, maxRows: number): Promise<number>;
  /** Leave the source after this page's data (sequential sources only). */
  skipRest(): Promise<void>;
}

/**
 * Open a .npy input positioned at its first byte.
 * When the input size is known and shorter than the data the header announces, the E_TRUNCATED
 * error is the input's `damage`: pages() yields the pages up to the first one it cuts short, then
 * throws it.
 * @throws RasterError from readNpyHeader; E_UNSUPPORTED (field `shape`) for shapes that are not
 *   images; E_LIMIT when a side, a row or the data is beyond what can be addressed.
 */
export async function openNpy(src: ByteSource): Promise<DecodedInput> {
  const h = await readNpyHeader(src);
  const g = geometryOf(h, src);
  const layout: PixelLayout = {
    width: g.width,
    height: g.height,
    channels: g.channels,
    bitsPerSample: h.dtype.bitsPerSample,
    sampleFormat: h.dtype.sampleFormat,
    colorModel: g.colorModel,
    alpha: g.alpha,
    byteOrder: h.dtype.byteOrder,
  };
  try {
    validateLayout(layout);
  } catch (err) {
    if (!(err instanceof RasterError)) throw err;
    // Restated against the header field the numbers came from.
    throw src.fail(err.code, `shape (${h.shape.join(', ')}) read as ${g.interpretation}: ${err.detail}`, {
      offset: h.offsets.shape,
      field: 'shape',
      ...(err.expected === undefined ? {} : { expected: err.expected }),
      ...(err.actual === undefined ? {} : { actual: err.actual }),
      cause: err,
    });
  }
  const dataBytes = checkedDataBytes(h, src);
  const header: Record<string, unknown> = {
    version: h.version,
    descr: h.dtype.descr,
    fortran_order: h.fortranOrder,
    shape: h.shape,
    interpretation: g.interpretation,
  };
  const notices: string[] = [];
  let damage: RasterError | undefined;
  if (src.size !== undefined) {
    const have = src.size - h.dataOffset;
    if (have < dataBytes) {
      // A C-ordered array loses its last pages; a Fortran-ordered one, whose page index varies
      // fastest, loses the end of every page.
      damage = truncated(src, h, dataBytes, have, h.fortranOrder ? 1 : Math.floor(have / (dataBytes / g.pages)) + 1);
    }
    // numpy.load reads prod(shape)·itemsize bytes and ignores the rest (format.py read_array).
    if (have > dataBytes) notices.push(`${have - dataBytes} bytes after the array data ignored, as numpy.load does`);
  }
  return {
    format: 'npy',
    header,
    pageCount: g.pages,
    ...(damage ? { damage } : {}),
    pages: () => pagesOf(src, h, g, layout, header, notices, dataBytes, damage),
  };
}

function geometryOf(h: NpyHeader, src: ByteSource): NpyGeometry {
  const r = interpretShape(h.shape);
  if ('ok' in r) return r.ok;
  throw src.fail('E_UNSUPPORTED', `shape: ${r.unsupported}`, { offset: h.offsets.shape, field: 'shape', actual: `(${h.shape.join(', ')})` });
}

/** prod(shape) × itemsize, checked to be an exact Number. */
function checkedDataBytes(h: NpyHeader, src: ByteSource): number {
  const bytes = h.shape.reduce((p, d) => p * BigInt(d), BigInt(h.dtype.itemSize));
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw src.fail('E_LIMIT', `shape: the array data would be ${bytes} bytes; at most 2^53-1 are supported`, {
      offset: h.offsets.shape,
      field: 'shape',
    });
  }
  return Number(bytes);
}

/**
 * The error of an input whose data is `have` bytes where the header announces `dataBytes`; `page`:
 * the first page it cuts short, when known.
 */
function truncated(src: ByteSource, h: NpyHeader, dataBytes: number, have: number, page?: number): RasterError {
  const what = `shape (${h.shape.join(', ')}) of ${h.dtype.descr}`;
  return src.fail('E_TRUNCATED', `input ends inside the array data: ${what} needs ${dataBytes} bytes after the header, the input has ${have}`, {
    ...(page === undefined ? {} : { page }),
    offset: h.dataOffset + have,
    expected: dataBytes,
    actual: have,
  });
}

async function* pagesOf(
  src: ByteSource,
  h: NpyHeader,
  g: NpyGeometry,
  layout: PixelLayout,
  header: Record<string, unknown>,
  notices: string[],
  dataBytes: number,
  /** The input's damage (openNpy): its page is the first one it cuts short. */
  damage: RasterError | undefined,
): AsyncGenerator<PageReader> {
  // Fortran order: the gather, made on the first row asked for (stdin is spooled to a temp file then).
  let gather: FortranGather | undefined;
  const fortranGather = async (): Promise<FortranGather> => {
    if (gather) return gather;
    await src.toSeekable();
    const have = src.size! - h.dataOffset;
    if (have < dataBytes) throw truncated(src, h, dataBytes, have);
    const array = { dataOffset: h.dataOffset, pages: g.pages, height: g.height, width: g.width, channels: g.channels, itemSize: h.dtype.itemSize };
    return (gather = new FortranGather(src, array));
  };
  const elementRowBytes = g.width * g.channels * h.dtype.itemSize;
  // Bool rows are read as bytes into one scratch shared by every page, then packed to bits.
  const samples = g.width * g.channels;
  const boolScratch = h.dtype.bool ? new Uint8Array(Math.max(1, Math.min(g.height, Math.floor(BOOL_SCRATCH_BYTES / samples))) * samples) : undefined;
  for (let n = 0; n < g.pages; n++) {
    src.page = n + 1;
    const info: PageInfo = {
      layout,
      header: g.pages > 1 ? { ...header, index: n } : header,
      ...(n === 0 && notices.length > 0 ? { notices } : {}),
    };
    const rows: ElementRows = h.fortranOrder
      ? new FortranPageRows(fortranGather, n, g.height)
      : new RawRowReader(src, { rowBytes: elementRowBytes, stride: elementRowBytes, height: g.height }, 'the array data');
    yield new NpyPage(info, rows, boolScratch);
    if (damage && n + 1 >= damage.page!) throw damage;
    await rows.skipRest();
  }
  // Fortran pages read nothing unless rows are asked for (--info asks none): read a stream's data
  // through, so that a short one is found, as a C-ordered one's is by skipRest.
  if (h.fortranOrder && !gather) await src.skip(dataBytes, 'the array data');
}

/** Rows of page `page` of a Fortran array, in order. */
class FortranPageRows implements ElementRows {
  private row = 0;
  constructor(
    private readonly gather: () => Promise<FortranGather>,
    private readonly page: number,
    private readonly height: number,
  ) {}
  async readRows(dst: Uint8Array, maxRows: number): Promise<number> {
    const n = Math.min(maxRows, this.height - this.row);
    if (n <= 0) return 0;
    await (await this.gather()).readRows(this.page, this.row, dst, n);
    this.row += n;
    return n;
  }
  async skipRest(): Promise<void> {
    // Positional reads: nothing to skip.
  }
}

class NpyPage implements PageReader {
  /** boolScratch: whole rows of byte elements, for a bool array (packed to bits here); else none. */
  constructor(
    readonly info: PageInfo,
    private readonly rows: ElementRows,
    private readonly boolScratch: Uint8Array | undefined,
  ) {}

  async readRows(dst: Uint8Array, maxRows: number): Promise<number> {
    const scratch = this.boolScratch;
    if (!scratch) return this.rows.readRows(dst, maxRows);
    const l = this.info.layout;
    const samples = l.width * l.channels;
    const out = rowBytes(l);
    const perChunk = scratch.length / samples;
    let done = 0;
    while (done < maxRows) {
      const k = await this.rows.readRows(scratch, Math.min(perChunk, maxRows - done));
      if (k === 0) break;
      packBoolRows(scratch, dst.subarray(done * out), k, samples);
      done += k;
    }
    return done;
  }
}
