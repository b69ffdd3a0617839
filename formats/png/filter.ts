/**
 * PNG scanline filtering (PNG §9, filter method 0): each row is written as one filter-type byte
 * followed by the row's bytes minus a prediction from the pixel to the left (a), the pixel above
 * (b) and the pixel above-left (c), all taken `bpp` bytes apart. Here: which filter each row gets;
 * the filters and the heuristic's sums run in WebAssembly (filter-kernels.ts).
 */
import { kernels } from './filter-kernels.js';

/** Filter types of PNG §9.2 Table 9.1. */
export const FILTER_NONE = 0;
export const FILTER_SUB = 1;
export const FILTER_UP = 2;
export const FILTER_AVERAGE = 3;
export const FILTER_PAETH = 4;
export type FilterType = 0 | 1 | 2 | 3 | 4;

/** A fixed filter for every row, or a per-row choice. */
export type FilterMode = FilterType | 'adaptive';

/**
 * Whether a row is flat (isFlatRow) is judged on every SAMPLE_STEP-th pixel: it stops after a few
 * differing bytes on a photograph, and reads an eighth of a page's row.
 */
export const SAMPLE_STEP = 8;

/**
 * Adaptive filtering gives a row filter None, not the heuristic's choice, when it is "flat": at
 * least FLAT_ROW_SHARE of its sampled bytes equal the byte one pixel to the left, and the sampled
 * pixels that differ from the sampled pixel before differ by FLAT_ROW_MIN_STEP or more on average
 * (isFlatRow). That is a rendered page's text and rules on a plain background: deflate's string
 * matching then finds each glyph again wherever it recurs, which the predictors' residuals hide.
 * A smooth photograph also has long runs of equal pixels, but its steps are of 1 or 2, and there
 * the predictors win; the step condition tells the two apart.
 * Measured on the benchmark's 8000² images (bench/png-strategies.ts), blocks of mostly flat rows
 * deflated by zlib's default strategy: the page 857 KB against 1034 KB, every row flat; the
 * smooth photograph, the noisy one, the scan and the synthetic image have no flat row and keep
 * their sizes. Taking the steps between neighbours made 118 rows of the smooth photograph flat
 * (29.82 → 30.67 MB); taking the share between sampled pixels too lost most of the page's gain
 * (1016 KB). A share of 0.5 made many smooth rows flat.
 */
const FLAT_ROW_SHARE = 0.9;
const FLAT_ROW_MIN_STEP = 8;

/**
 * Whether the row is flat (see FLAT_ROW_SHARE), judged on every SAMPLE_STEP-th pixel: the share
 * counts bytes equal to the byte one pixel to the left; the steps are taken against the sampled
 * pixel before, SAMPLE_STEP pixels to the left, so that a row of runs longer than the sampling
 * step (a gradient drawn on a page), whose neighbours one pixel apart are nearly all equal, still
 * shows its small steps. Stops as soon as too many bytes differ, so a photograph's row costs little.
 */
export function isFlatRow(cur: Uint8Array, co: number, n: number, bpp: number): boolean {
  const stride = bpp * SAMPLE_STEP;
  const sampled = Math.max(0, Math.floor((n - bpp) / stride)) * bpp;
  if (sampled === 0) return false; // a row narrower than the sampling step: leave it to the heuristic
  const allowed = Math.floor(sampled * (1 - FLAT_ROW_SHARE));
  let differing = 0;
  let jumps = 0;
  let steps = 0;
  for (let p = co + stride, last = co + n - bpp; p <= last; p += stride) {
    for (let i = p; i < p + bpp; i++) {
      if (cur[i] !== cur[i - bpp] && ++differing > allowed) return false;
      const d = cur[i]! - cur[i - stride]!;
      if (d === 0) continue;
      jumps++;
      steps += d < 0 ? -d : d;
    }
  }
  return steps >= FLAT_ROW_MIN_STEP * jumps;
}

/** Filtered rows: rows × (rowBytes + 1) bytes, each row's filter type byte first. */
export interface FilteredRows {
  /** A view into this thread's kernel memory (filter-kernels.ts), valid until the next filterRows here. */
  bytes: Uint8Array;
  /** How many rows were equal to the one above or flat. */
  flat: number;
}

/**
 * Filter `rows` consecutive rows of `rowBytes` bytes from src[so…]. `prev` holds the row above the
 * first one (zeros for the top of the image, PNG §9.2). Under adaptive filtering a row equal to the
 * one above gets Up, a flat row (isFlatRow) None, and any other row the heuristic's choice
 * (FilterKernels.choose); each depends on the row and the one above only, so the filtered bytes of
 * any run of rows can be rebuilt from the raw rows (deflate-block.ts relies on it). Rows are
 * filtered in order: a kernel writes past its row's end, into the place of the rows after it.
 */
export function filterRows(
  src: Uint8Array,
  so: number,
  rows: number,
  rowBytes: number,
  prev: Uint8Array,
  bpp: number,
  mode: FilterMode,
): FilteredRows {
  const k = kernels();
  const out = k.load(prev, src.subarray(so, so + rows * rowBytes), rowBytes);
  let p = prev;
  let po = 0;
  let flat = 0;
  const adaptive = mode === 'adaptive';
  const upFirst = adaptive || mode === FILTER_UP;
  for (let r = 0; r < rows; r++) {
    const co = so + r * rowBytes;
    const o = r * (rowBytes + 1);
    if (upFirst && sameRow(src, co, p, po, rowBytes)) {
      // Up turns a row equal to the one above (a page's margins) into zeros, the least sum there
      // is, so adaptive filtering would choose it too.
      out[o] = FILTER_UP;
      out.fill(0, o + 1, o + 1 + rowBytes);
      flat++;
    } else {
      const isFlat = adaptive && isFlatRow(src, co, rowBytes, bpp);
      if (isFlat) flat++;
      const type = isFlat ? FILTER_NONE : adaptive ? k.choose(r, bpp) : mode;
      out[o] = type;
      if (type === FILTER_NONE) out.set(src.subarray(co, co + rowBytes), o + 1);
      else k.filter(type, r, bpp);
    }
    p = src;
    po = co;
  }
  return { bytes: out, flat };
}

/** a[ao…ao+n) equals b[bo…bo+n), by memcmp. */
function sameRow(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  return Buffer.from(a.buffer, a.byteOffset + ao, n).equals(Buffer.from(b.buffer, b.byteOffset + bo, n));
}
