/**
 * Swapping the first and third byte of every 3- or 4-byte pixel (RGB ↔ BGR, RGBA ↔ BGRA) while
 * copying rows: what BMP stores, and what BGR dumps hold. A typed-array loop in JavaScript does
 * some 2 GB/s here (90 ms per 192 MB, whether by bytes or by 32-bit words), which made a 24-bit
 * BMP a third slower than an uncompressed TIFF of the same pixels. A WebAssembly SIMD shuffle
 * (swap-rb.wat: i8x16.swizzle, 5 RGB or 4 RGBA pixels per instruction) runs between two 64 KiB
 * scratch areas: the rows are copied in, shuffled across and copied out, two memcpys that stay in
 * the cache.
 */
import { instantiateWasm } from '../wasm.js';

/** Where the rows go in, and where they come out shuffled (the second page). */
const IN = 32;
const OUT = 65536;
/** Bytes per round trip: a multiple of 3 and of 16 that fits in each area with a byte to spare. */
const CHUNK = Math.floor((OUT - IN - 1) / 48) * 48;

interface SwapExports {
  memory: { buffer: ArrayBuffer };
  swap(src: number, dst: number, n: number, bpp: number): void;
}

interface Swapper {
  memory: Uint8Array;
  swap: SwapExports['swap'];
}

let swapper: Swapper | null | undefined;

/** The WebAssembly swapper (swap-rb.wat), or null where there is none (`node --jitless`). */
function wasmSwapper(): Swapper | null {
  if (swapper === undefined) {
    const k = instantiateWasm<SwapExports>(new URL('./swap-rb.wasm', import.meta.url));
    swapper = k && { memory: new Uint8Array(k.memory.buffer), swap: k.swap };
  }
  return swapper;
}

/**
 * Copy `bytes` bytes (whole pixels of `bpp` bytes, 3 or 4) from src[so…] to dst[d…], swapping the
 * first and third byte of each pixel. src and dst must not overlap.
 */
export function copySwapRB(src: Uint8Array, so: number, dst: Uint8Array, d: number, bytes: number, bpp: 3 | 4): void {
  const w = wasmSwapper();
  if (w === null) {
    dst.set(src.subarray(so, so + bytes), d);
    for (let o = d, end = d + bytes; o < end; o += bpp) {
      const r = dst[o]!;
      dst[o] = dst[o + 2]!;
      dst[o + 2] = r;
    }
    return;
  }
  for (let done = 0; done < bytes; done += CHUNK) {
    const n = Math.min(CHUNK, bytes - done);
    w.memory.set(src.subarray(so + done, so + done + n), IN);
    w.swap(IN, OUT, n, bpp);
    dst.set(w.memory.subarray(OUT, OUT + n), d + done);
  }
}
