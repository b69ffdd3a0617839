/**
 * What a BMP written from given rows must look like to a reader, worked out sample by sample
 * from the layout's definition (src/model.ts) without the converter or the encoder: every sample
 * on the 8-bit scale (sub-byte v ↦ v·255/max, 16-bit v ↦ round(v/257), float/int through the
 * range), gray inverted for minIsWhite, alpha never inverted, gray+alpha spread to RGBA.
 */
import type { PixelLayout } from '../../../src/model.js';

/** Pixels as Pillow modes L, RGB and RGBA hold them: 8 bits per sample, rows packed. */
export interface Picture {
  mode: 'L' | 'RGB' | 'RGBA';
  width: number;
  height: number;
  bytes: Uint8Array;
}

/** Bytes of one input row (sub-byte rows padded to a byte), by the model's definition. */
export function inputRowBytes(l: PixelLayout): number {
  return Math.ceil((l.width * l.channels * l.bitsPerSample) / 8);
}

/** Sample i (0-based, across the row) of row y, on the 8-bit scale. */
function sampleReader(l: PixelLayout, pixels: Uint8Array, range: readonly [number, number] | undefined): (y: number, i: number) => number {
  const rb = inputRowBytes(l);
  const view = new DataView(pixels.buffer, pixels.byteOffset, pixels.length);
  const le = l.byteOrder === 'le';
  const fromRange = (v: number) => {
    if (!range) throw new Error('float/int samples need a range');
    const [lo, hi] = range;
    return Math.min(255, Math.max(0, Math.round(((v - lo) / (hi - lo)) * 255)));
  };
  const bits = l.bitsPerSample;
  if (l.sampleFormat === 'float') return (y, i) => fromRange(view.getFloat32(y * rb + 4 * i, le));
  if (l.sampleFormat === 'int')
    return bits === 8 ? (y, i) => fromRange(view.getInt8(y * rb + i)) : (y, i) => fromRange(view.getInt16(y * rb + 2 * i, le));
  if (bits === 16) return (y, i) => Math.round(view.getUint16(y * rb + 2 * i, le) / 257);
  if (bits === 8) return (y, i) => pixels[y * rb + i]!;
  const max = (1 << bits) - 1;
  return (y, i) => {
    const bit = i * bits; // MSB first
    const v = (pixels[y * rb + (bit >> 3)]! >> (8 - bits - (bit & 7))) & max;
    return Math.round((v * 255) / max);
  };
}

/** The picture a correct BMP of these rows shows. */
export function expectedPicture(l: PixelLayout, pixels: Uint8Array, range?: readonly [number, number]): Picture {
  const sample = sampleReader(l, pixels, range);
  const gray = l.colorModel === 'gray';
  const mode = l.alpha ? 'RGBA' : gray ? 'L' : 'RGB';
  const outCh = mode === 'L' ? 1 : mode === 'RGB' ? 3 : 4;
  const bytes = new Uint8Array(l.width * l.height * outCh);
  for (let y = 0, o = 0; y < l.height; y++) {
    for (let x = 0; x < l.width; x++, o += outCh) {
      const s = x * l.channels;
      if (gray) {
        const g = l.minIsWhite ? 255 - sample(y, s) : sample(y, s);
        bytes.fill(g, o, o + Math.min(outCh, 3));
        if (l.alpha) bytes[o + 3] = sample(y, s + 1);
      } else {
        for (let c = 0; c < outCh; c++) bytes[o + c] = sample(y, s + c);
      }
    }
  }
  return { mode, width: l.width, height: l.height, bytes };
}
