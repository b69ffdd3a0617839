/**
 * Reorder and drop interleaved samples: out channel k of each pixel = stored sample pick[k]
 * (BGR → RGB, XRGB → RGB …). Whole bands, one pass.
 */
export function pickChannels(src: Uint8Array, dst: Uint8Array, pixels: number, stored: number, pick: readonly number[], sampleBytes: number): void {
  const out = pick.length;
  if (sampleBytes === 1) {
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
