/**
 * The functions of filters.wat in plain JavaScript, over an ArrayBuffer that stands in for the
 * WebAssembly memory, for where there is no WebAssembly (`node --jitless`). Same arguments, same
 * results byte for byte (test/formats/png/filter-kernels.test.ts), some ten times slower.
 */
import type { KernelExports } from './filter-kernels.js';
import type { FilterType } from './filter.js';

/** |v| of a byte read as signed. */
const signedAbs = (v: number): number => (v < 128 ? v : 256 - v);

/** The Paeth predictor (PNG §9.4). */
function paethPredict(a: number, b: number, c: number): number {
  const pa = Math.abs(b - c);
  const pb = Math.abs(a - c);
  const pc = Math.abs(a + b - 2 * c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function jsKernelExports(): KernelExports {
  let m = new Uint8Array(65536);
  const memory = {
    get buffer(): ArrayBuffer {
      return m.buffer as ArrayBuffer;
    },
    grow(pages: number): number {
      const before = m.length / 65536;
      const bigger = new Uint8Array(m.length + pages * 65536);
      bigger.set(m);
      m = bigger;
      return before;
    },
  };
  return {
    memory,
    sub(cur, out, n, bpp) {
      for (let i = 0; i < n; i++) m[out + i] = m[cur + i]! - m[cur + i - bpp]!;
    },
    up(cur, prev, out, n) {
      for (let i = 0; i < n; i++) m[out + i] = m[cur + i]! - m[prev + i]!;
    },
    average(cur, prev, out, n, bpp) {
      for (let i = 0; i < n; i++) m[out + i] = m[cur + i]! - ((m[cur + i - bpp]! + m[prev + i]!) >> 1);
    },
    paeth(cur, prev, out, n, bpp) {
      for (let i = 0; i < n; i++) m[out + i] = m[cur + i]! - paethPredict(m[cur + i - bpp]!, m[prev + i]!, m[prev + i - bpp]!);
    },
    choose(cur, prev, n, bpp) {
      const sums = [0, 0, 0, 0, 0];
      for (let i = 0; i < n; i++) {
        const x = m[cur + i]!;
        const a = i < bpp ? 0 : m[cur + i - bpp]!;
        const b = m[prev + i]!;
        const c = i < bpp ? 0 : m[prev + i - bpp]!;
        sums[0]! += signedAbs(x);
        sums[1]! += signedAbs((x - a) & 0xff);
        sums[2]! += signedAbs((x - b) & 0xff);
        sums[3]! += signedAbs((x - ((a + b) >> 1)) & 0xff);
        sums[4]! += signedAbs((x - paethPredict(a, b, c)) & 0xff);
      }
      let best = 0;
      for (let t = 1; t < 5; t++) if (sums[t]! < sums[best]!) best = t;
      return best as FilterType;
    },
    adler32(p, n, adler) {
      let s1 = adler & 0xffff;
      let s2 = adler >>> 16;
      for (let i = 0; i < n; ) {
        // 5552 bytes keep s2 below 2^32 between reductions (zlib's NMAX).
        for (const end = Math.min(n, i + 5552); i < end; i++) {
          s1 += m[p + i]!;
          s2 += s1;
        }
        s1 %= 65521;
        s2 %= 65521;
      }
      return ((s2 << 16) | s1) >>> 0;
    },
  };
}
