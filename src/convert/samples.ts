/**
 * Whole-band sample conversions. Each works on a band of packed rows in typed arrays; none
 * looks at a pixel as an object.
 * 16- and 32-bit arithmetic happens on native-order views; callers swap first with
 * `swapOrder(…, nativeOrder)`.
 */
import type { BitsPerSample, ByteOrder } from '../model.js';

const NATIVE: ByteOrder = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'le' : 'be';

/** Swap samples in place from one byte order to the other (no-op for ≤ 8 bits or same order). */
export function swapOrder(band: Uint8Array, bits: number, from: ByteOrder, to: ByteOrder): void {
  if (from === to || bits <= 8) return;
  const b = Buffer.from(band.buffer, band.byteOffset, band.length);
  if (bits === 16) b.swap16();
  else if (bits === 32) b.swap32();
}

export const nativeOrder: ByteOrder = NATIVE;

function u16(b: Uint8Array, count: number): Uint16Array {
  return new Uint16Array(b.buffer, b.byteOffset, count);
}

/**
 * 16 → 8 bits, round(v / 257): the exact inverse of 8 → 16 bit replication (v × 257), as libvips
 * and libpng's 16-to-8 stripping with rounding do. dst may alias src (it is read ahead of writing).
 * (v·255 + 32895) >> 16 equals round(v/257) for every v in 0…65535 (checked exhaustively in tests).
 */
export function scale16to8(src: Uint8Array, dst: Uint8Array, samples: number): void {
  const s = u16(src, samples);
  for (let i = 0; i < samples; i++) dst[i] = (s[i]! * 255 + 32895) >>> 16;
}

/** 8 → 16 bits by replication (v × 257), so 255 ↦ 65535. dst must not alias src. */
export function scale8to16(src: Uint8Array, dst: Uint8Array, samples: number): void {
  const d = u16(dst, samples);
  for (let i = 0; i < samples; i++) d[i] = src[i]! * 257;
}

/**
 * Unpack rows of 1/2/4-bit samples (MSB first, rows padded to a byte) into one byte per sample,
 * scaled to the full 0…255 range (1 ↦ 255 for 1-bit, 3 ↦ 255 for 2-bit, 15 ↦ 255 for 4-bit).
 */
export function unpackSubByte(
  src: Uint8Array,
  dst: Uint8Array,
  rows: number,
  samplesPerRow: number,
  bits: 1 | 2 | 4,
  srcRowBytes: number,
): void {
  const max = (1 << bits) - 1;
  const scale = 255 / max;
  const lut = new Uint8Array(max + 1);
  for (let v = 0; v <= max; v++) lut[v] = Math.round(v * scale);
  const perByte = 8 / bits;
  for (let y = 0; y < rows; y++) {
    const so = y * srcRowBytes;
    const d = y * samplesPerRow;
    for (let i = 0; i < samplesPerRow; i++) {
      const byte = src[so + ((i / perByte) | 0)]!;
      const shift = 8 - bits * ((i % perByte) + 1);
      dst[d + i] = lut[(byte >> shift) & max]!;
    }
  }
}

/** Map float32 samples (native order) from [lo, hi] onto 0…2^bits−1, clamping, rounding; NaN ↦ 0. */
export function floatToUint(src: Uint8Array, dst: Uint8Array, samples: number, lo: number, hi: number, bits: 8 | 16): void {
  const f = new Float32Array(src.buffer, src.byteOffset, samples);
  const max = bits === 8 ? 255 : 65535;
  const k = max / (hi - lo);
  if (bits === 8) {
    for (let i = 0; i < samples; i++) {
      const v = (f[i]! - lo) * k;
      dst[i] = v > 0 ? (v < max ? Math.round(v) : max) : 0;
    }
  } else {
    const d = u16(dst, samples);
    for (let i = 0; i < samples; i++) {
      const v = (f[i]! - lo) * k;
      d[i] = v > 0 ? (v < max ? Math.round(v) : max) : 0;
    }
  }
}

/** Map signed integer samples (native order, 8 or 16 bits) from [lo, hi] onto unsigned 8/16 bits. */
export function intToUint(
  src: Uint8Array,
  dst: Uint8Array,
  samples: number,
  srcBits: 8 | 16,
  lo: number,
  hi: number,
  bits: 8 | 16,
): void {
  const s = srcBits === 8 ? new Int8Array(src.buffer, src.byteOffset, samples) : new Int16Array(src.buffer, src.byteOffset, samples);
  const max = bits === 8 ? 255 : 65535;
  const k = max / (hi - lo);
  const d = bits === 8 ? dst : u16(dst, samples);
  for (let i = 0; i < samples; i++) {
    const v = (s[i]! - lo) * k;
    d[i] = v > 0 ? (v < max ? Math.round(v) : max) : 0;
  }
}

/** Invert unsigned samples in place (ink ↔ light): v ↦ max − v. Works for any packed depth. */
export function invert(band: Uint8Array, bits: BitsPerSample): void {
  if (bits === 16) {
    const s = u16(band, band.length >> 1);
    for (let i = 0; i < s.length; i++) s[i] = 65535 - s[i]!;
    return;
  }
  // For 1/2/4/8 bits flipping every bit is max − v per sample; flip 4 bytes at a time where aligned.
  let i = 0;
  while (i < band.length && (band.byteOffset + i) % 4 !== 0) band[i] = 255 - band[i++]!;
  const words = (band.length - i) >>> 2;
  if (words > 0) {
    const w = new Uint32Array(band.buffer, band.byteOffset + i, words);
    for (let k = 0; k < words; k++) w[k] = ~w[k]!;
  }
  for (i += words * 4; i < band.length; i++) band[i] = 255 - band[i]!;
}

/**
 * Invert the gray samples of gray+alpha rows in place (ink ↔ light), leaving alpha alone: it is
 * opacity, whatever the gray sense. 16-bit samples must be in native order.
 */
export function invertGrayKeepAlpha(band: Uint8Array, bits: BitsPerSample): void {
  if (bits === 16) {
    const s = u16(band, band.length >> 1);
    for (let i = 0; i < s.length; i += 2) s[i] = 65535 - s[i]!;
  } else if (bits === 8) {
    for (let i = 0; i < band.length; i += 2) band[i] = 255 - band[i]!;
  } else {
    // 1/2/4 bits: a byte holds whole gray+alpha pairs (rows are padded to a byte), gray in the
    // high half of each pair, so one XOR mask flips every gray sample.
    const mask = bits === 1 ? 0xaa : bits === 2 ? 0xcc : 0xf0;
    for (let i = 0; i < band.length; i++) band[i] = band[i]! ^ mask;
  }
}
