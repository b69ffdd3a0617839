/**
 * FortranGather: interleaved rows of a Fortran-ordered (column-major) array, read with positional
 * reads in bounded memory.
 *
 * In a Fortran array of shape (N, H, W, C) the first index varies fastest: element (n, y, x, c)
 * lives at element index ((c·W + x)·H + y)·N + n. Call col = c·W + x a "column": within a column
 * the rows follow each other N elements apart, and for one (column, row) the N pages are adjacent.
 * Any band of rows therefore needs a piece of every column. The gather reads those pieces and
 * transposes them into a row-major cache, out of which rows are copied.
 *
 * Two modes keep the cache within `cacheBytes` whatever the shape:
 * - band mode: the cache holds `bandRows` rows of one page. With N > 1 the rows of a page are
 *   strided in the file (only 1/N of the bytes read belong to the page), so large multi-page
 *   Fortran arrays are read N times in all.
 * - group mode (pages so small that at least two fit): the cache holds whole pages of a group of
 *   consecutive pages, gathered in one pass since their elements are adjacent in the file.
 *
 * A positional read costs far more than copying a few kilobytes (tens of µs through libuv), so
 * reads are made large: a read covers many rows of a column and, when a column's part fits, several
 * adjacent columns at once (the bytes between their parts are read and dropped), up to `pieceBytes`.
 */
import type { ByteSource } from '../../src/io/byte-source.js';

export interface FortranArray {
  /** Offset of element 0. */
  dataOffset: number;
  pages: number;
  height: number;
  width: number;
  channels: number;
  itemSize: 1 | 2 | 4;
}

/** Sizes that bound the memory of a FortranGather. */
export interface GatherLimits {
  /** Bytes of the row cache (the rows or pages gathered at once); one row at least. */
  cacheBytes: number;
  /** Largest read (at least one element); `READS_IN_FLIGHT` read buffers of at most this size exist. */
  pieceBytes: number;
}

/**
 * A 16 MiB cache: a band of rows needs a piece of every column, and a read brings whole columns'
 * worth of bytes between the pieces it wants, so the smaller the band, the more often the file is
 * read over. 8000×8000×3 u1 (bench/npy-fortran.ts): 4 MiB 113 MB/s at 91 MB peak RSS, 16 MiB
 * 222 MB/s at 102 MB, 32 MiB 227 MB/s at 110 MB (the transposition then costs more than the reads).
 */
const DEFAULT_GATHER_LIMITS: GatherLimits = { cacheBytes: 16 * 1024 * 1024, pieceBytes: 256 * 1024 };
/** Positional reads kept in flight (libuv runs them on its thread pool while we transpose). */
const READS_IN_FLIGHT = 8;
/** Rows transposed together: their cache rows stay within the TLB while columns are scattered. */
const ROW_BLOCK = 32;

type Elements = Uint8Array | Uint16Array | Uint32Array;

/**
 * A view with one entry per element (item sizes 1, 2, 4). Elements are moved as unsigned
 * integers, never interpreted (a Float32Array could canonicalise NaN payloads).
 */
function elements(b: Uint8Array, itemSize: 1 | 2 | 4): Elements {
  if (itemSize === 1) return b;
  return itemSize === 2 ? new Uint16Array(b.buffer, b.byteOffset, b.length / 2) : new Uint32Array(b.buffer, b.byteOffset, b.length / 4);
}

/** Which part of the array the cache holds: pages [n0, n0+pages), rows [y0, y0+rows). */
interface CacheWindow {
  n0: number;
  pages: number;
  y0: number;
  rows: number;
}

export class FortranGather {
  /** Columns (W·C) = elements per row. */
  private readonly cols: number;
  private readonly rowBytes: number;
  /** Pages gathered together (1 = band mode). */
  private readonly groupPages: number;
  /** Rows gathered together (the whole page in group mode). */
  private readonly bandRows: number;
  private readonly pieceBytes: number;
  /** Row-major: [page in window][row in window][x][c]. */
  private cache: Uint8Array | undefined;
  private window: CacheWindow | undefined;
  /** One read buffer per read in flight, kept from band to band. */
  private readonly readBuffers: Uint8Array[] = [];

  constructor(
    private readonly src: ByteSource,
    private readonly a: FortranArray,
    { cacheBytes, pieceBytes }: GatherLimits = DEFAULT_GATHER_LIMITS,
  ) {
    this.pieceBytes = pieceBytes;
    this.cols = a.width * a.channels;
    this.rowBytes = this.cols * a.itemSize;
    const fit = Math.floor(cacheBytes / (this.rowBytes * a.height));
    if (a.pages > 1 && fit >= 2) {
      // The pages of one (column, row) are read together: keep that run within one read.
      this.groupPages = Math.max(1, Math.min(a.pages, fit, Math.floor(pieceBytes / a.itemSize)));
      this.bandRows = a.height;
    } else {
      this.groupPages = 1;
      this.bandRows = Math.max(1, Math.min(a.height, Math.floor(cacheBytes / this.rowBytes)));
    }
  }

  /** Bytes of the row cache once allocated. */
  get cacheBytes(): number {
    return this.groupPages * this.bandRows * this.rowBytes;
  }

  /**
   * Write rows [row, row+count) of page `page` (0-based) into dst, row-major and interleaved,
   * samples in the file's byte order.
   * @throws RasterError E_TRUNCATED when the input ends before an element read.
   */
  async readRows(page: number, row: number, dst: Uint8Array, count: number): Promise<void> {
    for (let done = 0; done < count; ) {
      const y = row + done;
      const w = await this.load(page, y);
      const m = Math.min(count - done, w.y0 + w.rows - y);
      const start = ((page - w.n0) * w.rows + (y - w.y0)) * this.rowBytes;
      dst.set(this.cache!.subarray(start, start + m * this.rowBytes), done * this.rowBytes);
      done += m;
    }
  }

  /** Make the cache hold row y of page n. */
  private async load(n: number, y: number): Promise<CacheWindow> {
    const w = this.window;
    if (w && n >= w.n0 && n < w.n0 + w.pages && y >= w.y0 && y < w.y0 + w.rows) return w;
    let next: CacheWindow;
    if (this.groupPages > 1) {
      const n0 = n - (n % this.groupPages);
      next = { n0, pages: Math.min(this.groupPages, this.a.pages - n0), y0: 0, rows: this.a.height };
    } else {
      next = { n0: n, pages: 1, y0: y, rows: Math.min(this.bandRows, this.a.height - y) };
    }
    this.window = undefined; // invalid until the gather completes
    await this.gather(next);
    this.window = next;
    return next;
  }

  private async gather(w: CacheWindow): Promise<void> {
    const { pages: N, height: H, width: W, channels: C, itemSize: s } = this.a;
    this.cache ??= new Uint8Array(this.cacheBytes);
    const cacheEl = elements(this.cache, s);
    const colStride = H * N; // elements from one column to the next in the file
    const pageElems = w.rows * this.cols; // elements of one page in the cache
    // Bytes one read spans for `cols` columns of `rows` rows each (the window's pages adjacent).
    const span = (cols: number, rows: number) => ((cols - 1) * colStride + (rows - 1) * N + w.pages) * s;
    const rowsPerRead = Math.min(w.rows, Math.max(1, Math.floor((this.pieceBytes / s - w.pages) / N) + 1));
    const colsPerRead =
      rowsPerRead < w.rows ? 1 : Math.min(this.cols, Math.max(1, Math.floor((this.pieceBytes - span(1, w.rows)) / (colStride * s)) + 1));
    const readsPerCol = Math.ceil(w.rows / rowsPerRead);
    const jobs = Math.ceil(this.cols / colsPerRead) * readsPerCol;
    const bufferBytes = span(colsPerRead, rowsPerRead);
    const buffers = this.readBuffers;

    await this.inFlight(jobs, async (job, worker) => {
      const col0 = Math.floor(job / readsPerCol) * colsPerRead;
      const cols = Math.min(colsPerRead, this.cols - col0);
      const first = (job % readsPerCol) * rowsPerRead;
      const rows = Math.min(rowsPerRead, w.rows - first);
      if ((buffers[worker]?.length ?? -1) < bufferBytes) buffers[worker] = new Uint8Array(bufferBytes);
      const buf = buffers[worker]!.subarray(0, span(cols, rows));
      await this.readExact(buf, this.a.dataOffset + ((col0 * H + w.y0 + first) * N + w.n0) * s);
      const got = elements(buf, s);
      // Rows in blocks, so that the cache rows being written stay within a few memory pages.
      for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
        const r1 = Math.min(rows, r0 + ROW_BLOCK);
        for (let k = 0; k < cols; k++) {
          // Column c·W + x holds sample (x, c): element x·C + c of an interleaved row.
          const col = col0 + k;
          const x = col % W;
          let to = ((first + r0) * W + x) * C + (col - x) / W;
          let from = k * colStride + r0 * N;
          if (w.pages === 1) {
            for (let i = r0; i < r1; i++, to += this.cols, from += N) cacheEl[to] = got[from]!;
          } else {
            for (let i = r0; i < r1; i++, to += this.cols, from += N)
              for (let g = 0, t = to; g < w.pages; g++, t += pageElems) cacheEl[t] = got[from + g]!;
          }
        }
      }
    });
  }

  /** Run jobs 0…count-1 with up to READS_IN_FLIGHT at a time; `worker` names a read buffer. */
  private async inFlight(count: number, job: (index: number, worker: number) => Promise<void>): Promise<void> {
    let next = 0;
    const run = async (worker: number) => {
      while (next < count) await job(next++, worker);
    };
    await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, count) }, (_, k) => run(k)));
  }

  private async readExact(dst: Uint8Array, pos: number): Promise<void> {
    const got = await this.src.readAt(dst, 0, dst.length, pos);
    if (got < dst.length) {
      throw this.src.fail('E_TRUNCATED', `input ends inside the array data: needed ${dst.length} bytes at byte ${pos}, got ${got}`, {
        offset: pos + got,
        expected: dst.length,
        actual: got,
      });
    }
  }
}
