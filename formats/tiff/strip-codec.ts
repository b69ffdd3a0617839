/**
 * encodeStrip: predictor then compression for one strip, synchronously. The same function runs on
 * the main thread (small pages) and in the strip workers (strip-task.ts). Uncompressed strips never
 * come here: DirectStrips writes the caller's rows as they are.
 */
import { deflateSync } from 'node:zlib';
import { deflateBound } from '../../src/deflate-bound.js';
import { lzwBound, lzwEncode } from './lzw.js';
import { packBits, packBitsBound } from './packbits.js';
import { applyPredictor, type RowShape } from './predictor.js';
import type { Compression, Predictor } from './tags.js';

/** How every strip of one page is encoded. Plain data: it is posted to workers. */
export interface StripParams extends RowShape {
  compression: Compression;
  predictor: Predictor;
  /** zlib level for deflate. */
  level: number;
}

/** Output scratch for LZW and PackBits, grown as needed and reused from strip to strip. */
let scratch = new Uint8Array(0);
function scratchOf(bytes: number): Uint8Array {
  if (scratch.length < bytes) scratch = new Uint8Array(bytes);
  return scratch;
}

/**
 * Encode the first `rows` rows of strip (modified in place by the predictor). The result is in a
 * buffer no later call reuses.
 */
export function encodeStrip(strip: Uint8Array, rows: number, p: StripParams): Uint8Array {
  const bytes = rows * p.rowBytes;
  const raw = strip.subarray(0, bytes);
  applyPredictor(raw, rows, p.predictor, p);
  switch (p.compression) {
    case 'none':
      throw new RangeError('uncompressed strips are written by DirectStrips, not encoded');
    case 'deflate':
      // The whole strip in one output chunk (Node's default is 16 KiB chunks, each a call and a copy).
      return deflateSync(raw, { level: p.level, chunkSize: deflateBound(bytes) });
    case 'lzw': {
      const out = scratchOf(lzwBound(bytes));
      return out.slice(0, lzwEncode(raw, bytes, out));
    }
    case 'packbits': {
      const out = scratchOf(packBitsBound(p.rowBytes, rows));
      return out.slice(0, packBits(raw, p.rowBytes, rows, out));
    }
  }
}
