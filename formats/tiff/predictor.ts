/**
 * TIFF predictors, applied in place to a strip before compression, one row at a time (a row never
 * borrows from the row above).
 * - Horizontal differencing (TIFF 6.0 §14, Predictor = 2): each sample becomes its difference
 *   from the same channel of the pixel to its left, modulo 2^bits, computed on sample values; the
 *   result is stored in the file's byte order.
 * - Floating point (Adobe Photoshop TIFF Technical Note 3, Predictor = 3): each row of 32-bit
 *   samples is split into byte planes, most significant byte first whatever the file's byte
 *   order, then the bytes are differenced horizontally (libtiff tif_predict.c fpDiff).
 */
import { nativeOrder, swapOrder } from '../../src/convert/samples.js';
import type { Predictor } from './tags.js';

/** What a predictor needs to know about the rows of a strip. */
export interface RowShape {
  rowBytes: number;
  bitsPerSample: number;
  samplesPerPixel: number;
  littleEndian: boolean;
}

/** Apply `predictor` to `rows` whole rows at the start of strip (in place). */
export function applyPredictor(strip: Uint8Array, rows: number, predictor: Predictor, shape: RowShape): void {
  if (predictor === 'horizontal') horizontalDifference(strip, rows, shape);
  else if (predictor === 'float') floatDifference(strip, rows, shape);
}

function horizontalDifference(strip: Uint8Array, rows: number, s: RowShape): void {
  const bytes = rows * s.rowBytes;
  if (s.bitsPerSample === 8) {
    differenceRows(strip, rows, s.rowBytes, s.samplesPerPixel);
    return;
  }
  // Wide samples: difference their values in native order, then put them back in file order.
  const data = strip.subarray(0, bytes);
  const fileOrder = s.littleEndian ? 'le' : 'be';
  swapOrder(data, s.bitsPerSample, fileOrder, nativeOrder);
  const view =
    s.bitsPerSample === 16
      ? new Uint16Array(strip.buffer, strip.byteOffset, bytes / 2)
      : new Uint32Array(strip.buffer, strip.byteOffset, bytes / 4);
  differenceRows(view, rows, s.rowBytes / (s.bitsPerSample / 8), s.samplesPerPixel);
  swapOrder(data, s.bitsPerSample, nativeOrder, fileOrder);
}

/** x[i] −= x[i − stride] along each row, right to left; the typed array does the modulo. */
function differenceRows(x: Uint8Array | Uint16Array | Uint32Array, rows: number, rowLength: number, stride: number): void {
  for (let r = 0; r < rows; r++) {
    const start = r * rowLength;
    for (let i = start + rowLength - 1; i >= start + stride; i--) x[i] = x[i]! - x[i - stride]!;
  }
}

let scratch = new Uint8Array(0);

function floatDifference(strip: Uint8Array, rows: number, s: RowShape): void {
  const rb = s.rowBytes;
  const count = rb / 4; // samples per row
  if (scratch.length < rb) scratch = new Uint8Array(rb);
  const tmp = scratch;
  for (let r = 0; r < rows; r++) {
    const row = strip.subarray(r * rb, (r + 1) * rb);
    tmp.set(row);
    for (let plane = 0; plane < 4; plane++) {
      const from = s.littleEndian ? 3 - plane : plane; // plane 0 holds the most significant bytes
      const base = plane * count;
      for (let k = 0, j = from; k < count; k++, j += 4) row[base + k] = tmp[j]!;
    }
  }
  differenceRows(strip, rows, rb, s.samplesPerPixel);
}
