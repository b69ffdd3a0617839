/**
 * Test helpers for the .npy decoder: a small .npy writer (independent of the decoder: it lays out
 * bytes the way numpy's format.py documents), the expected rows of each page, and a reader that
 * pulls every page through the decoder in uneven bands.
 */
import assert from 'node:assert/strict';
import { RasterError, type ErrorCode } from '../../../src/errors.js';
import { ByteSource } from '../../../src/io/byte-source.js';
import { rowBytes, type PageInfo } from '../../../src/model.js';
import type { DecodedInput } from '../../../src/plugin.js';
import { npyDecoder } from '../../../formats/npy/index.js';

/** Every descr the decoder supports, with its item size. */
export const SUPPORTED_DESCRS = ['|b1', '|u1', '|i1', '<u2', '>u2', '<i2', '>i2', '<f4', '>f4'] as const;
export type Descr = (typeof SUPPORTED_DESCRS)[number];
export const itemSizeOf = (descr: string): number => Number(descr.slice(2));

export interface NpySpec {
  descr: string;
  shape: readonly number[];
  fortran: boolean;
  version: 1 | 2 | 3;
  /** Elements in C (row-major) order, itemSize bytes each, already in the descr's byte order. */
  data: Uint8Array;
}

/** The dict literal numpy writes (keys sorted, trailing comma, 1-tuples with a comma). */
export function headerDict(descr: string, fortran: boolean, shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${dims}, }`;
}

/**
 * Preamble + header: magic, version, HEADER_LEN (lengthOverride replaces the true value), then the
 * text padded with spaces and a final newline to a multiple of 64 bytes, as numpy aligns it.
 */
export function npyPreamble(text: string | Uint8Array, version: 1 | 2 | 3, lengthOverride?: number): Uint8Array {
  const body = typeof text === 'string' ? Buffer.from(text, version === 3 ? 'utf8' : 'latin1') : Buffer.from(text);
  const fixed = 8 + (version === 1 ? 2 : 4);
  const pad = 64 - ((fixed + body.length + 1) % 64);
  const header = Buffer.concat([body, Buffer.alloc(pad === 64 ? 0 : pad, 0x20), Buffer.from('\n')]);
  const out = Buffer.alloc(fixed);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(out);
  const len = lengthOverride ?? header.length;
  if (version === 1) out.writeUInt16LE(len, 8);
  else out.writeUInt32LE(len, 8);
  return Buffer.concat([out, header]);
}

/** Reorder C-ordered elements into Fortran order (first index fastest), one element at a time. */
export function toFortran(c: Uint8Array, shape: readonly number[], itemSize: number): Uint8Array {
  const out = new Uint8Array(c.length);
  const idx = shape.map(() => 0);
  const count = c.length / itemSize;
  for (let e = 0; e < count; e++) {
    // idx is the multi-index of C element e; its Fortran position is Σ idx[k]·Π_{j<k} shape[j].
    let f = 0;
    for (let k = shape.length - 1; k >= 0; k--) f = f * shape[k]! + idx[k]!;
    out.set(c.subarray(e * itemSize, (e + 1) * itemSize), f * itemSize);
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** A whole .npy file. */
export function writeNpy(spec: NpySpec): Uint8Array {
  const payload = spec.fortran ? toFortran(spec.data, spec.shape, itemSizeOf(spec.descr)) : spec.data;
  return Buffer.concat([npyPreamble(headerDict(spec.descr, spec.fortran, spec.shape), spec.version), payload]);
}

/** True when a shape is a stack of pages under the README convention (3-D with last axis ≤ 4 = one image). */
export const isStack = (shape: readonly number[]): boolean => shape.length === 4 || (shape.length === 3 && shape[2]! > 4);

/**
 * The rows each page must decode to: the C-ordered elements split into pages; bool elements
 * packed MSB first per row (any non-zero byte is 1), each row padded to a byte.
 */
export function expectedPages(spec: Pick<NpySpec, 'descr' | 'shape' | 'data'>): Uint8Array[] {
  const n = isStack(spec.shape) ? spec.shape[0]! : 1;
  const per = spec.data.length / n;
  const pages = Array.from({ length: n }, (_, p) => spec.data.subarray(p * per, (p + 1) * per));
  if (spec.descr !== '|b1') return pages;
  const height = isStack(spec.shape) ? spec.shape[1]! : spec.shape[0]!;
  const samples = per / height;
  const packedRow = Math.ceil(samples / 8);
  return pages.map((page) => {
    const out = new Uint8Array(packedRow * height);
    for (let y = 0; y < height; y++)
      for (let i = 0; i < samples; i++) if (page[y * samples + i] !== 0) out[y * packedRow + (i >> 3)]! |= 0x80 >> (i & 7);
    return out;
  });
}

export interface DecodedPage {
  info: PageInfo;
  bytes: Buffer;
}

/**
 * Open `input` with the npy decoder and read every page to its end, asking for `bands[i % len]`
 * rows at a time.
 */
export async function decodeAll(
  input: Uint8Array | ByteSource,
  bands: readonly number[] = [3, 1, 7],
): Promise<{ decoded: DecodedInput; pages: DecodedPage[] }> {
  const src = input instanceof ByteSource ? input : ByteSource.fromBytes(input, '<test.npy>');
  try {
    const decoded = await npyDecoder.open(src, {});
    const pages: DecodedPage[] = [];
    let b = 0;
    for await (const page of decoded.pages()) {
      const rb = rowBytes(page.info.layout);
      const chunks: Buffer[] = [];
      for (;;) {
        const want = bands[b++ % bands.length]!;
        const buf = new Uint8Array(want * rb);
        const n = await page.readRows(buf, want);
        if (n === 0) break;
        chunks.push(Buffer.from(buf.subarray(0, n * rb)));
      }
      pages.push({ info: page.info, bytes: Buffer.concat(chunks) });
    }
    return { decoded, pages };
  } finally {
    await src.close();
  }
}

/** Assert that `p` rejects with a RasterError of `code`; returns it for further checks. */
export async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<RasterError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof RasterError, `expected RasterError ${code}, got ${err === undefined ? 'success' : String(err)}`);
  assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
  return err;
}
