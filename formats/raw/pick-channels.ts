/**
 * Reorder and drop interleaved samples: out channel k of each pixel = stored sample pick[k]
 * (BGR → RGB, XRGB → RGB …). Whole bands, one pass.
 */
import { copySwapRB } from '../../src/convert/swap-rb.js';

/** pick is [2, 1, 0] or [2, 1, 0, 3] over as many stored channels: an R ↔ B swap. */
function swapsRB(stored: number, pick: readonly number[]): stored is 3 | 4 {
  return pick.length === stored && pick[0] === 2 && pick[1] === 1 && pick[2] === 0 && (stored === 3 || (stored === 4 && pick[3] === 3));
}

export function pickChannels(src: Uint8Array, dst: Uint8Array, pixels: number, stored: number, pick: readonly number[], sampleBytes: number): void {
  const out = pick.length;
  if (sampleBytes === 1) {
    if (swapsRB(stored, pick)) return copySwapRB(src, 0, dst, 0, pixels * stored, stored);
    if (stored === 4 && out === 3) {
      const [a, b, c] = pick as [number, number, number];
      for (let p = 0, i = 0, o = 0; p < pixels; p++, i += 4, o += 3) {
        dst[o] = src[i + a]!;
        dst[o + 1] = src[i + b]!;
        dst[o + 2] = src[i + c]!;
      }
      return;
    }
    for (let p = 0, i = 0, o = 0; p < pixels; p++, i += stored, o += out) for (let k = 0; k < out; k++) dst[o + k] = src[i + pick[k]!]!;
    return;
  }
  const inPixel = stored * sampleBytes;
  const outPixel = out * sampleBytes;
  for (let p = 0; p < pixels; p++) {
    const i = p * inPixel;
    const o = p * outPixel;
    for (let k = 0; k < out; k++) {
      const s = i + pick[k]! * sampleBytes;
      const d = o + k * sampleBytes;
      for (let b = 0; b < sampleBytes; b++) dst[d + b] = src[s + b]!;
    }
  }
}
