/**
 * Helpers for the PNG encoder's tests: reading the samples of packed input rows, decoding our
 * PNGs with pngjs into the same order, generating row data that deflate can compress (so that
 * blocks refer back into their dictionaries), and listing a file's chunks.
 */
import fc from 'fast-check';
import pngjs from 'pngjs';
import { rowBytes, type PixelLayout } from '../../../src/model.js';

const { PNG } = pngjs;

/** Every sample of packed rows, row by row, pixel by pixel, channel by channel. */
export function samplesOf(l: PixelLayout, bytes: Uint8Array): number[] {
  const out: number[] = [];
  const rb = rowBytes(l);
  const perRow = l.width * l.channels;
  for (let y = 0; y < l.height; y++) {
    const row = bytes.subarray(y * rb, (y + 1) * rb);
    for (let i = 0; i < perRow; i++) {
      if (l.bitsPerSample === 16) out.push(l.byteOrder === 'be' ? (row[2 * i]! << 8) | row[2 * i + 1]! : row[2 * i]! | (row[2 * i + 1]! << 8));
      else if (l.bitsPerSample === 8) out.push(row[i]!);
      else {
        const bit = i * l.bitsPerSample;
        out.push((row[bit >> 3]! >> (8 - l.bitsPerSample - (bit & 7))) & ((1 << l.bitsPerSample) - 1));
      }
    }
  }
  return out;
}

/** Decode a PNG with pngjs without rescaling, as samples in the order samplesOf gives, plus its header. */
export function decodeWithPngjs(png: Uint8Array): { samples: number[]; depth: number; colorType: number; width: number; height: number } {
  const img = PNG.sync.read(Buffer.from(png), { skipRescale: true });
  const meta = img as unknown as { depth: number; colorType: number };
  const channels = [1, 0, 3, 0, 2, 0, 4][meta.colorType]!;
  const hasAlpha = meta.colorType === 4 || meta.colorType === 6;
  const colors = hasAlpha ? channels - 1 : channels;
  // pngjs hands back RGBA for every colour type: gray in R (and G, B), alpha in A.
  const data = img.data as unknown as ArrayLike<number>;
  const samples: number[] = [];
  for (let p = 0; p < img.width * img.height; p++) {
    for (let c = 0; c < colors; c++) samples.push(data[4 * p + c]!);
    if (hasAlpha) samples.push(data[4 * p + 3]!);
  }
  return { samples, depth: meta.depth, colorType: meta.colorType, width: img.width, height: img.height };
}

/**
 * Row data of n bytes that compresses: noise, a few values, or rows repeating with small
 * changes. Noise alone would never make deflate refer back across a block boundary.
 */
export function rowData(n: number, rb: number): fc.Arbitrary<Uint8Array> {
  const noise = fc.uint8Array({ minLength: n, maxLength: n });
  const fewValues = fc.array(fc.constantFrom(0, 1, 127, 255), { minLength: n, maxLength: n }).map((a) => Uint8Array.from(a));
  const repeated = fc.tuple(fc.uint8Array({ minLength: rb, maxLength: rb }), fc.integer({ min: 0, max: 255 })).map(([row, step]) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (row[i % rb]! + step * Math.floor(i / (7 * rb))) & 0xff;
    return out;
  });
  return fc.oneof(noise, fewValues, repeated);
}

export interface Chunk {
  type: string;
  data: Uint8Array;
}

/** The chunks of a PNG file, in order (signature skipped, CRCs not checked here). */
export function chunksOf(png: Uint8Array): Chunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Chunk[] = [];
  for (let pos = 8; pos < png.length; ) {
    const len = view.getUint32(pos);
    out.push({ type: Buffer.from(png.subarray(pos + 4, pos + 8)).toString('latin1'), data: png.subarray(pos + 8, pos + 8 + len) });
    pos += 12 + len;
  }
  return out;
}
