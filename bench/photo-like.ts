/**
 * Photo-like test content for benchmarks: smooth value noise at several scales plus a gradient and
 * a little grain, so that PNG filters and deflate behave as on real photographs and scans (random
 * noise would be incompressible, flat colour trivially compressible).
 */

/** xorshift32 */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Bilinear value noise with a lattice every `cell` pixels, in 0…1. */
function valueNoise(width: number, height: number, cell: number, rand: () => number): Float32Array {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = new Float32Array(gw * gh).map(() => rand());
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = y / cell;
    const y0 = Math.floor(gy);
    const fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = x / cell;
      const x0 = Math.floor(gx);
      const fx = gx - x0;
      const a = grid[y0 * gw + x0]!;
      const b = grid[y0 * gw + x0 + 1]!;
      const c = grid[(y0 + 1) * gw + x0]!;
      const d = grid[(y0 + 1) * gw + x0 + 1]!;
      out[y * width + x] = a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
    }
  }
  return out;
}

/** `rows` rows of width×3 samples (8-bit, or 16-bit big-endian). */
export function makePhotoLikeBand(width: number, rows: number, bits: 8 | 16): Uint8Array {
  const rand = rng(12345);
  const layers = [valueNoise(width, rows, 160, rand), valueNoise(width, rows, 40, rand), valueNoise(width, rows, 9, rand)];
  const out = new Uint8Array(width * rows * 3 * (bits / 8));
  const max = bits === 8 ? 255 : 65535;
  for (let i = 0; i < width * rows; i++) {
    const base = 0.55 * layers[0]![i]! + 0.3 * layers[1]![i]! + 0.15 * layers[2]![i]!;
    for (let c = 0; c < 3; c++) {
      const tint = [1, 0.85, 0.7][c]!;
      const grain = (rand() - 0.5) * 0.02;
      const v = Math.min(1, Math.max(0, base * tint + (i % width) / width / 8 + grain));
      const s = Math.round(v * max);
      if (bits === 8) out[i * 3 + c] = s;
      else {
        out[(i * 3 + c) * 2] = s >> 8;
        out[(i * 3 + c) * 2 + 1] = s & 255;
      }
    }
  }
  return out;
}
