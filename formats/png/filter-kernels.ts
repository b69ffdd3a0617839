/**
 * FilterKernels: the WebAssembly SIMD code of filters.wat (PNG's filters, the per-row choice among
 * them, Adler-32) and the memory it works in. A run of rows is copied in once, behind the row above
 * it; each row is then filtered by type into its place in an output area of rows × (rowBytes + 1)
 * bytes, which filter.ts fills in (type bytes, rows it writes itself) through a view. One instance
 * per thread (kernels()), made on first use, so that a run that writes no PNG never loads it.
 */
import { instantiateWasm } from '../../src/wasm.js';
import { jsKernelExports } from './filter-kernels-js.js';
import { FILTER_AVERAGE, FILTER_PAETH, FILTER_SUB, FILTER_UP, type FilterType } from './filter.js';

/** What filters.wat exports; filter-kernels-js.ts gives the same in JavaScript. */
export interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  sub(cur: number, out: number, n: number, bpp: number): void;
  up(cur: number, prev: number, out: number, n: number): void;
  average(cur: number, prev: number, out: number, n: number, bpp: number): void;
  paeth(cur: number, prev: number, out: number, n: number, bpp: number): void;
  choose(cur: number, prev: number, n: number, bpp: number): FilterType;
  adler32(p: number, n: number, adler: number): number;
}

/**
 * Where the row above the run starts. The kernels read bpp bytes before a row (at most 8 in PNG);
 * this keeps those reads inside the memory for the first row.
 */
const ABOVE_AT = 16;
/** The kernels read and write up to 15 bytes past a row's end (filters.wat). */
const SLACK = 16;
const PAGE = 65536;

export class FilterKernels {
  private readonly k: KernelExports;
  private mem: Uint8Array;
  private rowBytes = 0;
  private outAt = 0;

  constructor(exports: KernelExports) {
    this.k = exports;
    this.mem = new Uint8Array(exports.memory.buffer);
  }

  /**
   * Copy the row above (rowBytes bytes) and whole rows into the kernels' memory. Returns the output
   * area, a view valid until the next load on this thread: row r's type byte goes at
   * r × (rowBytes + 1), its filtered bytes after it.
   * @throws RangeError when WebAssembly cannot have that much memory (4 GiB in all).
   */
  load(above: Uint8Array, rows: Uint8Array, rowBytes: number): Uint8Array {
    const count = rows.length / rowBytes;
    const rawEnd = ABOVE_AT + rowBytes + rows.length + SLACK;
    const outAt = Math.ceil(rawEnd / 16) * 16;
    const outLength = count * (rowBytes + 1);
    const need = outAt + outLength + SLACK;
    if (need > this.k.memory.buffer.byteLength) {
      this.k.memory.grow(Math.ceil((need - this.k.memory.buffer.byteLength) / PAGE));
      this.mem = new Uint8Array(this.k.memory.buffer);
    }
    this.mem.set(above.subarray(0, rowBytes), ABOVE_AT);
    this.mem.set(rows, ABOVE_AT + rowBytes);
    this.rowBytes = rowBytes;
    this.outAt = outAt;
    return this.mem.subarray(outAt, outAt + outLength);
  }

  /**
   * The filter type for loaded row r by the heuristic of PNG §12.8 as libpng applies it: the type
   * whose filtered bytes, read as signed, have the least sum of absolute values, over the whole row;
   * ties go to the lower type.
   */
  choose(r: number, bpp: number): FilterType {
    const cur = ABOVE_AT + (r + 1) * this.rowBytes;
    return this.k.choose(cur, cur - this.rowBytes, this.rowBytes, bpp);
  }

  /** Adler-32 (RFC 1950 §8.2) of `bytes`, a view of the output area, continuing from `adler`. */
  adler32(bytes: Uint8Array, adler = 1): number {
    if (bytes.buffer !== this.k.memory.buffer) throw new RangeError('adler32 takes a view of the kernel memory');
    return this.k.adler32(bytes.byteOffset, bytes.length, adler) >>> 0;
  }

  /** Filter loaded row r with `type` (Sub, Up, Average or Paeth) into its place in the output area. */
  filter(type: FilterType, r: number, bpp: number): void {
    const n = this.rowBytes;
    const cur = ABOVE_AT + (r + 1) * n;
    const prev = cur - n;
    const out = this.outAt + r * (n + 1) + 1;
    const k = this.k;
    if (type === FILTER_SUB) k.sub(cur, out, n, bpp);
    else if (type === FILTER_UP) k.up(cur, prev, out, n);
    else if (type === FILTER_AVERAGE) k.average(cur, prev, out, n, bpp);
    else if (type === FILTER_PAETH) k.paeth(cur, prev, out, n, bpp);
    else throw new RangeError(`no kernel for PNG filter type ${type}`);
    // The first pixel has nothing to its left (a = c = 0, PNG §9.2), but the kernels read the end
    // of the row above there: redo its bytes. Paeth of (0, b, 0) is b (PNG §9.4).
    const m = this.mem;
    for (let i = 0, end = Math.min(bpp, n); i < end; i++) {
      const x = m[cur + i]!;
      const b = type === FILTER_SUB ? 0 : m[prev + i]!;
      m[out + i] = x - (type === FILTER_AVERAGE ? b >> 1 : b);
    }
  }
}

let shared: FilterKernels | undefined;

/**
 * This thread's kernels, compiled from filters.wasm (built beside this module) on first use; where
 * there is no WebAssembly (`node --jitless`), the same in JavaScript.
 */
export function kernels(): FilterKernels {
  return (shared ??= new FilterKernels(wasmKernelExports() ?? jsKernelExports()));
}

/** The exports of a new instance of filters.wasm; null without WebAssembly. */
export function wasmKernelExports(): KernelExports | null {
  return instantiateWasm<KernelExports>(new URL('./filters.wasm', import.meta.url));
}
