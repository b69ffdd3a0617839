/**
 * PNG scanline filtering (PNG §9, filter method 0): each row is written as one filter-type byte
 * followed by the row's bytes minus a prediction from the pixel to the left (a), the pixel above
 * (b) and the pixel above-left (c), all taken `bpp` bytes apart. Rows are byte arrays; every loop
 * runs over a whole row.
 */

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
 * The per-row choice looks at every SAMPLE_STEP-th pixel only. On the benchmark's 8000² RGB
 * images (bench/png-strategies.ts, "filter choice") against every pixel: the rendered page
 * deflates 1.8 % larger with Z_RLE (1.13 MB, not 1.11), the scan 0.1 %, the photographs and the
 * synthetic image not at all, and choosing takes 1/8 of the time (0.24 s, not 2.16 s, for the
 * page's 192 MB).
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

/** |v| of a filtered byte read as a signed byte, indexed by (difference + 255). */
const SIGNED_ABS = new Uint8Array(511);
for (let d = -255; d <= 255; d++) {
  const v = d & 0xff;
  SIGNED_ABS[d + 255] = v < 128 ? v : 256 - v;
}

/**
 * The Paeth predictor (PNG §9.4) without branches: pa = |b − c|, pb = |a − c|, pc = |a + b − 2c|;
 * a if pa ≤ min(pb, pc), else b if pb ≤ pc, else c. Branch-free because on photographs the
 * branches are unpredictable and cost more than the arithmetic.
 */
function paeth(a: number, b: number, c: number): number {
  let pa = b - c;
  let pb = a - c;
  let pc = pa + pb;
  pa = (pa ^ (pa >> 31)) - (pa >> 31);
  pb = (pb ^ (pb >> 31)) - (pb >> 31);
  pc = (pc ^ (pc >> 31)) - (pc >> 31);
  const bOrC = (pc - pb) >> 31; // −1 when pb > pc
  const q = (b & ~bOrC) | (c & bOrC);
  const m = pb + ((pc - pb) & bOrC); // min(pb, pc)
  const notA = (m - pa) >> 31; // −1 when pa > min(pb, pc)
  return (a & ~notA) | (q & notA);
}

/**
 * Choose a row's filter by libpng's heuristic: the type whose filtered bytes, read as signed,
 * have the smallest sum of absolute values (PNG §12.8), estimated on every `step`-th pixel.
 * Ties go to the lower type, as in libpng.
 */
export function chooseFilter(cur: Uint8Array, co: number, prev: Uint8Array, po: number, n: number, bpp: number, step = SAMPLE_STEP): FilterType {
  let sNone = 0;
  let sSub = 0;
  let sUp = 0;
  let sAvg = 0;
  let sPaeth = 0;
  const first = Math.min(bpp, n);
  for (let i = 0; i < first; i++) {
    // No pixel to the left: a = c = 0.
    const x = cur[co + i]! + 255;
    const b = prev[po + i]!;
    sNone += SIGNED_ABS[x]!;
    sSub += SIGNED_ABS[x]!;
    sUp += SIGNED_ABS[x - b]!;
    sAvg += SIGNED_ABS[x - (b >> 1)]!;
    sPaeth += SIGNED_ABS[x - b]!;
  }
  const stride = bpp * step;
  for (let p = bpp; p < n; p += stride) {
    const end = Math.min(n, p + bpp);
    for (let i = p; i < end; i++) {
      const x = cur[co + i]! + 255;
      const a = cur[co + i - bpp]!;
      const b = prev[po + i]!;
      const c = prev[po + i - bpp]!;
      sNone += SIGNED_ABS[x]!;
      sSub += SIGNED_ABS[x - a]!;
      sUp += SIGNED_ABS[x - b]!;
      sAvg += SIGNED_ABS[x - ((a + b) >> 1)]!;
      sPaeth += SIGNED_ABS[x - paeth(a, b, c)]!;
    }
  }
  let best: FilterType = FILTER_NONE;
  let min = sNone;
  if (sSub < min) {
    best = FILTER_SUB;
    min = sSub;
  }
  if (sUp < min) {
    best = FILTER_UP;
    min = sUp;
  }
  if (sAvg < min) {
    best = FILTER_AVERAGE;
    min = sAvg;
  }
  return sPaeth < min ? FILTER_PAETH : best;
}

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

/** Writes n filtered bytes of cur[co…] against prev[po…] to out[oo…], for one filter type. */
type RowFilter = (cur: Uint8Array, co: number, prev: Uint8Array, po: number, n: number, bpp: number, out: Uint8Array, oo: number) => void;

/*
 * One function per filter type rather than one switch: V8 optimizes a function for the paths it
 * has run, and the switch was deoptimized each time a row first took another type (--trace-deopt:
 * "insufficient type feedback"). With the loops indexing subarrays from 0 (below), which V8
 * compiles tighter than offsets into the whole band, filtering 12 MB of 8-bit RGB takes, warm:
 * Up 18 ms (was 30), Sub 16 (20), Average 23 (38), Paeth 52 (60). A whole conversion does not
 * show it: at 2000² the start-up and at 8000² deflate dominate.
 */
const filterNone: RowFilter = (cur, co, _prev, _po, n, _bpp, out, oo) => out.set(cur.subarray(co, co + n), oo);

const filterSub: RowFilter = (cur, co, _prev, _po, n, bpp, out, oo) => {
  const c = cur.subarray(co, co + n);
  const o = out.subarray(oo, oo + n);
  const first = Math.min(bpp, n);
  for (let i = 0; i < first; i++) o[i] = c[i]!;
  for (let i = bpp; i < c.length; i++) o[i] = c[i]! - c[i - bpp]!;
};

const filterUp: RowFilter = (cur, co, prev, po, n, _bpp, out, oo) => {
  const c = cur.subarray(co, co + n);
  const p = prev.subarray(po, po + n);
  const o = out.subarray(oo, oo + n);
  for (let i = 0; i < c.length; i++) o[i] = c[i]! - p[i]!;
};

const filterAverage: RowFilter = (cur, co, prev, po, n, bpp, out, oo) => {
  const c = cur.subarray(co, co + n);
  const p = prev.subarray(po, po + n);
  const o = out.subarray(oo, oo + n);
  const first = Math.min(bpp, n);
  for (let i = 0; i < first; i++) o[i] = c[i]! - (p[i]! >> 1);
  for (let i = bpp; i < c.length; i++) o[i] = c[i]! - ((c[i - bpp]! + p[i]!) >> 1);
};

const filterPaeth: RowFilter = (cur, co, prev, po, n, bpp, out, oo) => {
  const c = cur.subarray(co, co + n);
  const p = prev.subarray(po, po + n);
  const o = out.subarray(oo, oo + n);
  const first = Math.min(bpp, n);
  for (let i = 0; i < first; i++) o[i] = c[i]! - p[i]!;
  for (let i = bpp; i < c.length; i++) o[i] = c[i]! - paeth(c[i - bpp]!, p[i]!, p[i - bpp]!);
};

/** Indexed by filter type (PNG §9.2 Table 9.1). */
const ROW_FILTERS: readonly RowFilter[] = [filterNone, filterSub, filterUp, filterAverage, filterPaeth];

/**
 * Write one filtered row: out[oo] = type, then n filtered bytes of cur[co…] against the previous
 * row prev[po…] (all zeros above the first row, PNG §9.2).
 */
export function filterRow(
  type: FilterType,
  cur: Uint8Array,
  co: number,
  prev: Uint8Array,
  po: number,
  n: number,
  bpp: number,
  out: Uint8Array,
  oo: number,
): void {
  out[oo] = type;
  ROW_FILTERS[type]!(cur, co, prev, po, n, bpp, out, oo + 1);
}

/**
 * Filter `rows` consecutive rows of `rowBytes` bytes from src[so…] into out[oo…] (rowBytes + 1
 * bytes per row). `prev` holds the row above the first one (zeros for the top of the image).
 * Under adaptive filtering a row equal to the one above gets Up, a flat row (isFlatRow) None, and
 * any other row the heuristic's choice; each depends on the row and the one above only, so the
 * filtered bytes of any run of rows can be rebuilt from the raw rows (deflate-block.ts relies on
 * it). Returns how many rows were equal to the one above or flat.
 */
export function filterRows(
  src: Uint8Array,
  so: number,
  rows: number,
  rowBytes: number,
  prev: Uint8Array,
  bpp: number,
  mode: FilterMode,
  out: Uint8Array,
  oo: number,
): number {
  let p = prev;
  let po = 0;
  let flat = 0;
  const adaptive = mode === 'adaptive';
  const upFirst = adaptive || mode === FILTER_UP;
  for (let r = 0; r < rows; r++) {
    const co = so + r * rowBytes;
    const o = oo + r * (rowBytes + 1);
    if (upFirst && sameRow(src, co, p, po, rowBytes)) {
      // Up turns a row equal to the one above (a page's margins) into zeros, the least sum there
      // is, so adaptive filtering would choose it too.
      out[o] = FILTER_UP;
      out.fill(0, o + 1, o + 1 + rowBytes);
      flat++;
    } else if (adaptive && isFlatRow(src, co, rowBytes, bpp)) {
      filterRow(FILTER_NONE, src, co, p, po, rowBytes, bpp, out, o);
      flat++;
    } else filterRow(adaptive ? chooseFilter(src, co, p, po, rowBytes, bpp) : mode, src, co, p, po, rowBytes, bpp, out, o);
    p = src;
    po = co;
  }
  return flat;
}

/** a[ao…ao+n) equals b[bo…bo+n), by memcmp. */
function sameRow(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  return Buffer.from(a.buffer, a.byteOffset + ao, n).equals(Buffer.from(b.buffer, b.byteOffset + bo, n));
}
