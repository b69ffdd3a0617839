/**
 * Turning a band of top-down rows (in the layout planBmp asked for) into the bytes BMP stores for
 * it: rows reversed (bottom-up), channels in BGR(A) order, each row padded with zeros to 4 bytes.
 */
import { copySwapRB } from '../../src/convert/swap-rb.js';
import type { BmpGeometry, BmpPixels } from './header.js';

/** Copies one row of `width` pixels from src[so…] into dst[d…] in BMP order. */
type RowStore = (src: Uint8Array, so: number, dst: Uint8Array, d: number, width: number) => void;

/** Bytes of one unpadded stored row. */
function storedRowBytes(g: Pick<BmpGeometry, 'width' | 'bitCount'>): number {
  return Math.ceil((g.width * g.bitCount) / 8);
}

/** For each byte of four 2-bit samples, the two bytes of the matching 4-bit indices 5v. */
const EXPAND_HI = new Uint8Array(256);
const EXPAND_LO = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const s = [b >> 6, (b >> 4) & 3, (b >> 2) & 3, b & 3].map((v) => 5 * v);
  EXPAND_HI[b] = (s[0]! << 4) | s[1]!;
  EXPAND_LO[b] = (s[2]! << 4) | s[3]!;
}

const copyRow =
  (bits: number): RowStore =>
  (src, so, dst, d, width) => {
    const n = Math.ceil((width * bits) / 8);
    dst.set(src.subarray(so, so + n), d);
  };

const expand2to4: RowStore = (src, so, dst, d, width) => {
  const outBytes = Math.ceil(width / 2);
  const whole = outBytes >> 1; // input bytes whose four samples all fit
  for (let k = 0, o = d; k < whole; k++) {
    const b = src[so + k]!;
    dst[o++] = EXPAND_HI[b]!;
    dst[o++] = EXPAND_LO[b]!;
  }
  if (outBytes & 1) dst[d + outBytes - 1] = EXPAND_HI[src[so + whole]!]!;
};

const rgbToBgr: RowStore = (src, so, dst, d, width) => copySwapRB(src, so, dst, d, 3 * width, 3);
const rgbaToBgra: RowStore = (src, so, dst, d, width) => copySwapRB(src, so, dst, d, 4 * width, 4);

const ROW_STORE: Record<BmpPixels, RowStore> = {
  index1: copyRow(1),
  index4from2: expand2to4,
  index4: copyRow(4),
  index8: copyRow(8),
  bgr24: rgbToBgr,
  bgra32: rgbaToBgra,
};

/**
 * Store `rows` rows of src (packed, srcRowBytes each) into dst, last row first, `g.stride` bytes
 * apart: for a band starting at row y0 the result belongs at dataOffset + (height − y0 − rows)·stride.
 * Bits past the last pixel of a 1- or 4-bit row are cleared: "Bitmap Storage" asks for zero padding,
 * and the padding bits of the input's last byte are not guaranteed to be zero. Padding bytes are
 * never written here, so dst must be zero there (a fresh or previously used band buffer is).
 */
export function storeBottomUp(g: BmpGeometry, src: Uint8Array, srcRowBytes: number, rows: number, dst: Uint8Array): void {
  const store = ROW_STORE[g.pixels];
  const used = storedRowBytes(g);
  const tailBits = (g.width * g.bitCount) % 8;
  const tailMask = (0xff << (8 - tailBits)) & 0xff;
  for (let i = 0; i < rows; i++) {
    const d = (rows - 1 - i) * g.stride;
    store(src, i * srcRowBytes, dst, d, g.width);
    if (tailBits !== 0) dst[d + used - 1] = dst[d + used - 1]! & tailMask;
  }
}
