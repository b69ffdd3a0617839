/**
 * The WebAssembly filters, filter choice and Adler-32 (formats/png/filters.wat) against plain
 * JavaScript written from PNG §9.2–9.4 and §12.8 here, byte for byte, on random rows of every
 * pixel size PNG has; and the JavaScript stand-in for them (filter-kernels-js.ts) against them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { filterRows, isFlatRow, type FilterMode, type FilterType } from '../../../formats/png/filter.js';
import { FilterKernels, wasmKernelExports } from '../../../formats/png/filter-kernels.js';
import { jsKernelExports } from '../../../formats/png/filter-kernels-js.js';
import { CLI } from '../../helpers/cli.js';

/** One filtered byte by the definitions of PNG §9.2–9.4 (x: the byte, a: left, b: above, c: above-left). */
function filterByte(type: FilterType, x: number, a: number, b: number, c: number): number {
  switch (type) {
    case 0:
      return x;
    case 1:
      return (x - a) & 0xff;
    case 2:
      return (x - b) & 0xff;
    case 3:
      return (x - Math.floor((a + b) / 2)) & 0xff;
    case 4: {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      return (x - (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
    }
  }
}

function filterRowRef(type: FilterType, cur: Uint8Array, prev: Uint8Array, bpp: number): Uint8Array {
  return cur.map((x, i) => filterByte(type, x, i >= bpp ? cur[i - bpp]! : 0, prev[i]!, i >= bpp ? prev[i - bpp]! : 0));
}

/** libpng's heuristic (PNG §12.8): least sum of |filtered byte read as signed|, ties to the lower type. */
function chooseRef(cur: Uint8Array, prev: Uint8Array, bpp: number): FilterType {
  let best: FilterType = 0;
  let min = Infinity;
  for (const type of [0, 1, 2, 3, 4] as const) {
    const sum = filterRowRef(type, cur, prev, bpp).reduce((s, v) => s + (v < 128 ? v : 256 - v), 0);
    if (sum < min) [best, min] = [type, sum];
  }
  return best;
}

/** What filterRows must give, row by row: Up for a row equal to the one above, None for a flat row, else the choice. */
function filterRowsRef(src: Uint8Array, rows: number, rowBytes: number, above: Uint8Array, bpp: number, mode: FilterMode): Uint8Array {
  const out = new Uint8Array(rows * (rowBytes + 1));
  let prev = above;
  for (let r = 0; r < rows; r++) {
    const cur = src.subarray(r * rowBytes, (r + 1) * rowBytes);
    const sameAsAbove = (mode === 'adaptive' || mode === 2) && Buffer.from(cur).equals(Buffer.from(prev));
    let type: FilterType;
    if (sameAsAbove) type = 2;
    else if (mode !== 'adaptive') type = mode;
    else type = isFlatRow(src, r * rowBytes, rowBytes, bpp) ? 0 : chooseRef(cur, prev, bpp);
    out[r * (rowBytes + 1)] = type;
    out.set(filterRowRef(type, cur, prev, bpp), r * (rowBytes + 1) + 1);
    prev = cur;
  }
  return out;
}

/** Rows of one of three kinds: noise, smooth ramps with small noise, or runs of few values (a page). */
const rowsArb = fc
  .record({
    pixels: fc.integer({ min: 1, max: 90 }),
    bpp: fc.constantFrom(1, 2, 3, 4, 6, 8),
    rows: fc.integer({ min: 1, max: 6 }),
    kind: fc.constantFrom('noise', 'smooth', 'runs'),
    seed: fc.nat(),
  })
  .map(({ pixels, bpp, rows, kind, seed }) => {
    const rowBytes = pixels * bpp;
    let s = seed || 1;
    const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
    const src = new Uint8Array(rows * rowBytes);
    for (let i = 0; i < src.length; i++)
      src[i] = kind === 'noise' ? next() : kind === 'smooth' ? (((i % rowBytes) >> 1) + (next() & 3)) & 0xff : (next() & 7) === 0 ? 40 : 255;
    // Now and then a row repeats the one above, as a page's margins do.
    if (rows > 1 && (seed & 3) === 0) src.copyWithin(rowBytes, 0, rowBytes);
    const above = (seed & 4) === 0 ? new Uint8Array(rowBytes) : src.slice(0, rowBytes).reverse();
    return { src, rows, rowBytes, bpp, above };
  });

test('the WebAssembly filters and the choice among them give the bytes of PNG §9 and §12.8, for every mode', () => {
  fc.assert(
    fc.property(rowsArb, fc.constantFrom<FilterMode>(0, 1, 2, 3, 4, 'adaptive'), ({ src, rows, rowBytes, bpp, above }, mode) => {
      const got = filterRows(src, 0, rows, rowBytes, above, bpp, mode).bytes;
      assert.deepEqual(got, filterRowsRef(src, rows, rowBytes, above, bpp, mode));
    }),
    { numRuns: 600 },
  );
});

test('rows taken from the middle of a buffer, after a larger run grew the memory, filter as alone', () => {
  const rowBytes = 3 * 700;
  const big = new Uint8Array(rowBytes * 400).map((_, i) => (i * 7) ^ (i >> 5));
  filterRows(big, 0, 400, rowBytes, new Uint8Array(rowBytes), 3, 'adaptive');
  const { bytes } = filterRows(big, 10 * rowBytes, 3, rowBytes, big.subarray(9 * rowBytes, 10 * rowBytes), 3, 4);
  assert.deepEqual(bytes, filterRowsRef(big.subarray(10 * rowBytes, 13 * rowBytes), 3, rowBytes, big.subarray(9 * rowBytes, 10 * rowBytes), 3, 4));
});

test('without WebAssembly, the JavaScript kernels give the same choices, filtered bytes and checksums', () => {
  const exports = wasmKernelExports();
  assert.ok(exports, 'WebAssembly is there');
  const wasm = new FilterKernels(exports);
  const js = new FilterKernels(jsKernelExports());
  fc.assert(
    fc.property(rowsArb, ({ src, rows, rowBytes, bpp, above }) => {
      const outs = [wasm, js].map((k) => {
        const out = k.load(above, src, rowBytes);
        const types: number[] = [];
        // Rows in order, as filter.ts does (a kernel writes past its row's end, into the next row's
        // place); each with the heuristic's choice, or a kernel by turns where that is None.
        for (let r = 0; r < rows; r++) {
          const chosen = k.choose(r, bpp);
          types.push(chosen);
          const type = chosen === 0 ? (((r % 4) + 1) as FilterType) : chosen;
          out[r * (rowBytes + 1)] = type;
          k.filter(type, r, bpp);
        }
        return { types, bytes: out.slice(), adler: k.adler32(out) };
      });
      assert.deepEqual(outs[1], outs[0]);
    }),
    { numRuns: 300 },
  );
});

test('a PNG written under node --jitless (no WebAssembly) has the same bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'r2i-jitless-'));
  try {
    const width = 301;
    const height = 67;
    const raw = Uint8Array.from({ length: width * height * 3 }, (_, i) => ((i % 903) >> 2) ^ ((i * 2654435761) >>> 29));
    writeFileSync(join(dir, 'in.raw'), raw);
    for (const [flags, out] of [[[], 'wasm.png'], [['--jitless'], 'js.png']] as const) {
      const args = [...flags, CLI, '-i', join(dir, 'in.raw'), '--width', String(width), '--height', String(height), '--layout', 'rgb', '-o', join(dir, out), '-q'];
      const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
    assert.ok(readFileSync(join(dir, 'js.png')).equals(readFileSync(join(dir, 'wasm.png'))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
