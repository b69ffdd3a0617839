/**
 * Shared pieces of the TIFF encoder tests: random pages (fast-check), the encoder with test-sized
 * strips, what the samples must look like once read back, and the utif oracle.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import UTIF, { type Ifd } from 'utif';
import { createTiffWriter, DEFAULT_TUNING, type TiffTuning } from '../../../formats/tiff/encoder.js';
import { tiffEncoder } from '../../../formats/tiff/index.js';
import { rowBytes, type BitsPerSample, type ByteOrder, type ColorModel, type PixelLayout, type Resolution, type SampleFormat } from '../../../src/model.js';
import type { EncoderPlugin } from '../../../src/plugin.js';
import { memoryPage, pseudoRandomBytes } from '../../helpers/pages.js';
import type { PageReader } from '../../../src/plugin.js';

export interface TestPage {
  layout: PixelLayout;
  pixels: Uint8Array;
  resolution?: Resolution;
}

/**
 * The page as the encoder writes it: samples under 8 bits in a page of more than one channel are
 * widened to 8 bits, v · 255 / (2^bits − 1) (computed here the slow, obvious way).
 */
export function asWritten(p: TestPage): TestPage {
  const l = p.layout;
  if (l.bitsPerSample >= 8 || l.channels === 1) return p;
  const bits = l.bitsPerSample;
  const max = (1 << bits) - 1;
  const samples = l.width * l.channels;
  const inRow = Math.ceil((samples * bits) / 8);
  const out = new Uint8Array(l.height * samples);
  for (let y = 0; y < l.height; y++)
    for (let i = 0; i < samples; i++) {
      const bit = i * bits;
      const v = (p.pixels[y * inRow + (bit >> 3)]! >> (8 - bits - (bit & 7))) & max;
      out[y * samples + i] = Math.round((v * 255) / max);
    }
  return { ...p, layout: { ...l, bitsPerSample: 8 }, pixels: out };
}

/** The TIFF encoder with other strip sizes / parallel threshold (to get many strips from small pages). */
export function tunedEncoder(tuning: Partial<TiffTuning>): EncoderPlugin {
  return { ...tiffEncoder, create: (sink, options) => createTiffWriter(sink, options, { ...DEFAULT_TUNING, ...tuning }) };
}

export function readers(pages: readonly TestPage[]): PageReader[] {
  return pages.map((p) => memoryPage({ layout: p.layout, ...(p.resolution ? { resolution: p.resolution } : {}) }, p.pixels));
}

/** Channel arrangements of the model (colour model, channel count, alpha). */
const SHAPES: readonly { colorModel: ColorModel; channels: number; alpha: boolean }[] = [
  { colorModel: 'gray', channels: 1, alpha: false },
  { colorModel: 'gray', channels: 2, alpha: true },
  { colorModel: 'rgb', channels: 3, alpha: false },
  { colorModel: 'rgb', channels: 4, alpha: true },
  { colorModel: 'cmyk', channels: 4, alpha: false },
  { colorModel: 'cmyk', channels: 5, alpha: true },
  { colorModel: 'lab', channels: 3, alpha: false },
  { colorModel: 'device', channels: 1, alpha: false },
  { colorModel: 'device', channels: 6, alpha: false },
  { colorModel: 'device', channels: 3, alpha: true },
];

/** Sample types of the model: bits and format. */
const DEPTHS: readonly { bitsPerSample: BitsPerSample; sampleFormat: SampleFormat }[] = [
  { bitsPerSample: 1, sampleFormat: 'uint' },
  { bitsPerSample: 2, sampleFormat: 'uint' },
  { bitsPerSample: 4, sampleFormat: 'uint' },
  { bitsPerSample: 8, sampleFormat: 'uint' },
  { bitsPerSample: 8, sampleFormat: 'int' },
  { bitsPerSample: 16, sampleFormat: 'uint' },
  { bitsPerSample: 16, sampleFormat: 'int' },
  { bitsPerSample: 32, sampleFormat: 'float' },
];

export type Pattern = 'noise' | 'runs' | 'smooth';

/**
 * Deterministic test pixels: noise (incompressible), runs (what PackBits and LZW feed on), or a
 * smooth ramp (what the predictor feeds on).
 */
export function makePixels(l: PixelLayout, pattern: Pattern, seed: number): Uint8Array {
  const n = rowBytes(l) * l.height;
  const noise = pseudoRandomBytes(n, seed);
  if (pattern === 'noise') return noise;
  const out = new Uint8Array(n);
  if (pattern === 'runs') {
    for (let i = 0, k = 0; i < n; k++) {
      const len = 1 + (noise[k]! % 7 === 0 ? noise[(k + 1) % n]! * 2 : noise[k]! % 5);
      out.fill(noise[(k + 2) % n]!, i, Math.min(n, i + len));
      i += len;
    }
    return out;
  }
  const rb = rowBytes(l);
  for (let y = 0; y < l.height; y++) for (let x = 0; x < rb; x++) out[y * rb + x] = (x + 3 * y + (noise[y * rb + x]! & 3)) & 0xff;
  return out;
}

const orderArb = fc.constantFrom<ByteOrder>('le', 'be');

/** A random page: width 1–300, height 1–40, any shape and depth, either byte order. */
export function pageArb(maxWidth = 300, maxHeight = 40): fc.Arbitrary<TestPage> {
  return fc
    .record({
      width: fc.integer({ min: 1, max: maxWidth }),
      height: fc.integer({ min: 1, max: maxHeight }),
      shape: fc.constantFrom(...SHAPES),
      depth: fc.constantFrom(...DEPTHS),
      byteOrder: orderArb,
      minIsWhite: fc.boolean(),
      pattern: fc.constantFrom<Pattern>('noise', 'runs', 'smooth'),
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
      dpi: fc.option(fc.constantFrom(72, 300, 72.5, 1200), { nil: undefined }),
    })
    .map((r) => {
      const layout: PixelLayout = {
        width: r.width,
        height: r.height,
        ...r.shape,
        ...r.depth,
        byteOrder: r.byteOrder,
        ...(r.shape.colorModel === 'gray' ? { minIsWhite: r.minIsWhite } : {}),
      };
      return {
        layout,
        pixels: makePixels(layout, r.pattern, r.seed),
        ...(r.dpi === undefined ? {} : { resolution: { x: r.dpi, y: r.dpi / 2 } }),
      };
    });
}

export const compressionArb = fc.constantFrom('none', 'deflate', 'lzw', 'packbits');

/** The samples of page p as the file holds them: wide samples in the file's byte order. */
export function inFileOrder(p: TestPage, fileOrder: ByteOrder): Uint8Array {
  const bits = p.layout.bitsPerSample;
  if (bits <= 8 || p.layout.byteOrder === fileOrder) return p.pixels;
  const copy = Buffer.from(p.pixels);
  return bits === 16 ? copy.swap16() : copy.swap32();
}

/** The samples as utif returns them: like the file, except 16-bit samples always little-endian. */
export function asUtifReturns(p: TestPage, fileOrder: ByteOrder): Uint8Array {
  return p.layout.bitsPerSample === 16 ? inFileOrder(p, 'le') : inFileOrder(p, fileOrder);
}

/**
 * Decode every page of a classic TIFF with utif. LZW strips are first checked by
 * strictLzwDecode, since utif never returns from a malformed one.
 */
export function utifDecode(file: Uint8Array): Ifd[] {
  const buf = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  const ifds = UTIF.decode(buf);
  for (const ifd of ifds) {
    if (tag(ifd, 259)?.[0] === 5) {
      const [width, height, rowsPerStrip] = [tag(ifd, 256)![0]!, tag(ifd, 257)![0]!, tag(ifd, 278)![0]!];
      const bitsPerPixel = tag(ifd, 258)!.reduce((a, b) => a + b, 0);
      const rb = Math.ceil((width * bitsPerPixel) / 8);
      const counts = tag(ifd, 279)!;
      tag(ifd, 273)!.forEach((off, i) => {
        const rows = Math.min(rowsPerStrip, height - i * rowsPerStrip);
        strictLzwDecode(file.subarray(off, off + counts[i]!), rows * rb);
      });
    }
    UTIF.decodeImage(buf, ifd, ifds);
  }
  return ifds;
}

/** Numeric tag values of an IFD read by utif. */
export function tag(ifd: Ifd, t: number): number[] | undefined {
  const v = ifd[`t${t}`];
  return v === undefined ? undefined : Array.from(v as ArrayLike<number>);
}

/** A fresh temp dir and a function that removes it. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `raster2img-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Where two byte arrays first differ, for assertion messages ('' when equal). */
export function firstDifference(actual: Uint8Array, expected: Uint8Array): string {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  const i = Buffer.from(actual).findIndex((b, k) => b !== expected[k]);
  return i < 0 ? '' : `byte ${i}: ${actual[i]}, expected ${expected[i]}`;
}

/**
 * Pixels whose float samples are finite (a ramp) so that averages can be compared; other depths
 * get a mix of ramps and runs.
 */
export function finitePixels(l: PixelLayout, seed: number): Uint8Array {
  if (l.sampleFormat !== 'float') return makePixels(l, seed % 2 === 0 ? 'smooth' : 'runs', seed);
  const n = l.width * l.height * l.channels;
  const out = new Uint8Array(n * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) dv.setFloat32(i * 4, Math.sin(i / 17 + seed) * 100, l.byteOrder === 'le');
  return out;
}

/** Every sample of a page as a number, in row-major, channel-interleaved order. */
export function sampleValues(l: PixelLayout, pixels: Uint8Array): Float64Array {
  const perRow = l.width * l.channels;
  const out = new Float64Array(perRow * l.height);
  const rb = rowBytes(l);
  const dv = new DataView(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const le = l.byteOrder === 'le';
  const bits = l.bitsPerSample;
  for (let y = 0; y < l.height; y++)
    for (let s = 0; s < perRow; s++) {
      const k = y * perRow + s;
      if (bits < 8) {
        const bit = s * bits;
        out[k] = (pixels[y * rb + (bit >> 3)]! >> (8 - bits - (bit & 7))) & ((1 << bits) - 1);
      } else if (bits === 8) out[k] = l.sampleFormat === 'int' ? dv.getInt8(y * rb + s) : pixels[y * rb + s]!;
      else if (bits === 16) out[k] = l.sampleFormat === 'int' ? dv.getInt16(y * rb + 2 * s, le) : dv.getUint16(y * rb + 2 * s, le);
      else out[k] = l.sampleFormat === 'float' ? dv.getFloat32(y * rb + 4 * s, le) : l.sampleFormat === 'int' ? dv.getInt32(y * rb + 4 * s, le) : dv.getUint32(y * rb + 4 * s, le);
    }
  return out;
}

/**
 * The samples in the form tifffile's asarray() gives them once made contiguous, little-endian and
 * (for bool) uint8: one element per sample, sub-byte samples unpacked to one byte each.
 */
export function canonicalSamples(l: PixelLayout, pixels: Uint8Array): Uint8Array {
  if (l.bitsPerSample >= 8) return inFileOrder({ layout: l, pixels }, 'le');
  return Uint8Array.from(sampleValues(l, pixels));
}

/**
 * A strict TIFF LZW decoder written from TIFF 6.0 §13 (with the "early change" every TIFF reader
 * applies): the strip must start with ClearCode, end with EndOfInformation followed only by zero
 * padding bits, use no code beyond the table, and decode to exactly `length` bytes. It always
 * terminates, so it guards utif's decoder, which loops forever on a stream without EOI.
 * @throws Error describing the first violation.
 */
export function strictLzwDecode(data: Uint8Array, length: number): Uint8Array {
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const size = new Int32Array(4096);
  for (let c = 0; c < 256; c++) [suffix[c], first[c], size[c]] = [c, c, 1];
  const out = new Uint8Array(length);
  let o = 0;
  let bit = 0;
  let nbits = 9;
  let next = 258;
  let old = -1;
  const read = () => {
    if (bit + nbits > data.length * 8) throw new Error(`LZW: data ends at bit ${bit} before EndOfInformation`);
    let code = 0;
    for (let k = 0; k < nbits; k++, bit++) code = (code << 1) | ((data[bit >> 3]! >> (7 - (bit & 7))) & 1);
    return code;
  };
  const emit = (code: number) => {
    const n = size[code]!;
    if (o + n > length) throw new Error(`LZW: more than ${length} bytes decoded`);
    for (let c = code, k = n - 1; k >= 0; k--, c = prefix[c]!) out[o + k] = suffix[c]!;
    o += n;
  };
  const add = (p: number, c: number) => {
    if (next >= 4094) throw new Error('LZW: table overflow without ClearCode');
    [prefix[next], suffix[next], first[next], size[next]] = [p, c, first[p]!, size[p]! + 1];
    next++;
    if (next + 1 >= 1 << nbits && nbits < 12) nbits++;
  };
  if (read() !== 256) throw new Error('LZW: the strip does not start with ClearCode');
  for (;;) {
    const code = read();
    if (code === 257) break;
    if (code === 256) {
      [nbits, next, old] = [9, 258, -1];
      continue;
    }
    if (old === -1) {
      if (code > 255) throw new Error(`LZW: code ${code} right after ClearCode`);
      emit(code);
    } else if (code < next) {
      emit(code);
      add(old, first[code]!);
    } else if (code === next) {
      add(old, first[old]!);
      emit(code);
    } else throw new Error(`LZW: code ${code} beyond the table (next ${next})`);
    old = code;
  }
  if (Math.ceil(bit / 8) !== data.length) throw new Error(`LZW: ${data.length - Math.ceil(bit / 8)} bytes after EndOfInformation`);
  if (bit % 8 !== 0 && (data[data.length - 1]! & ((1 << (8 - (bit % 8))) - 1)) !== 0) throw new Error('LZW: padding bits are not zero');
  if (o !== length) throw new Error(`LZW: ${o} bytes decoded, expected ${length}`);
  return out;
}
