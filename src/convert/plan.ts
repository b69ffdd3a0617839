/**
 * makeConverter: the chain of whole-band steps that turns rows in a decoder's layout into rows in
 * the layout an encoder asked for. Steps that cannot work in place get their own scratch band,
 * allocated once for the largest band; the common cases (nothing to do, or only a byte swap)
 * touch the band in place or not at all.
 */
import { RasterError } from '../errors.js';
import { describeLayout, rowBytes, type PixelLayout } from '../model.js';
import { cmykToRgb, grayToRgb, labToRgb } from './channels.js';
import { floatToUint, intToUint, invert, invertGrayKeepAlpha, nativeOrder, scale16to8, scale8to16, swapOrder, unpackSubByte } from './samples.js';
import type { ReusableBuffers } from '../reusable-buffers.js';

export type BandConverter = (band: Uint8Array, rows: number) => Uint8Array;

export interface ConvertOptions {
  /** Value range [lo, hi] mapped onto the full unsigned range when float/int samples must become unsigned. */
  range?: readonly [number, number] | undefined;
  /** Where the scratch buffers come from (kept from page to page); fresh ones when absent. */
  buffers?: ReusableBuffers;
}

type Step = (buf: Uint8Array, rows: number) => Uint8Array;

/** CIELab to sRGB (step 2b below), which turns Lab's signed a*, b* into unsigned RGB by itself. */
const labToRgbStep = (from: PixelLayout, to: PixelLayout) =>
  from.colorModel === 'lab' && to.colorModel === 'rgb' && (from.bitsPerSample === 8 || from.bitsPerSample === 16);

/** Whether converting `from` to `to` maps samples through a value range (--range; step 3 below). */
export function usesRange(from: PixelLayout, to: PixelLayout): boolean {
  return (from.sampleFormat === 'float' || from.sampleFormat === 'int') && to.sampleFormat === 'uint' && !labToRgbStep(from, to);
}

/**
 * Build the converter from `from` to `to` for bands of up to maxRows rows.
 * @throws RasterError E_BAD_OPTION when float/int samples need --range; E_UNSUPPORTED when no
 *   conversion between the two layouts exists.
 */
export function makeConverter(from: PixelLayout, to: PixelLayout, maxRows: number, opts: ConvertOptions = {}): BandConverter {
  const steps: Step[] = [];
  let cur: PixelLayout = { ...from };
  const width = from.width;
  const same = (a: PixelLayout, b: PixelLayout) =>
    a.channels === b.channels && a.colorModel === b.colorModel && a.bitsPerSample === b.bitsPerSample && a.sampleFormat === b.sampleFormat;
  const needsInvert = () => cur.colorModel === 'gray' && Boolean(cur.minIsWhite) !== Boolean(to.minIsWhite);
  const samplesPerRow = (l: PixelLayout) => width * l.channels;
  let scratches = 0;
  const scratch = (l: PixelLayout) => {
    const bytes = maxRows * rowBytes(l);
    return opts.buffers ? opts.buffers.get(`convert ${scratches++}`, bytes) : new Uint8Array(bytes);
  };

  // 1. Sub-byte samples become bytes when anything but an inversion must happen to them.
  if (cur.bitsPerSample < 8 && !same(cur, to)) {
    const src = cur;
    const next: PixelLayout = { ...cur, bitsPerSample: 8 };
    const out = scratch(next);
    const bits = src.bitsPerSample as 1 | 2 | 4;
    steps.push((buf, rows) => {
      unpackSubByte(buf, out, rows, samplesPerRow(src), bits, rowBytes(src));
      return out.subarray(0, rows * rowBytes(next));
    });
    cur = next;
  }

  // 2. Wide samples go to native order before any arithmetic.
  const arithmetic = !same(cur, to) || needsInvert();
  if (cur.bitsPerSample > 8 && arithmetic && cur.byteOrder !== nativeOrder) {
    const bits = cur.bitsPerSample;
    const order = cur.byteOrder;
    steps.push((buf) => (swapOrder(buf, bits, order, nativeOrder), buf));
    cur = { ...cur, byteOrder: nativeOrder };
  }

  // 2b. CIELab becomes sRGB before any depth change (its a*/b* are signed).
  if (labToRgbStep(cur, to)) {
    const bits = cur.bitsPerSample as 8 | 16; // as labToRgbStep checked
    const next: PixelLayout = { ...cur, colorModel: 'rgb', sampleFormat: 'uint' };
    const out = scratch(next);
    steps.push((buf, rows) => {
      labToRgb(buf, out, rows * width, bits);
      return out.subarray(0, rows * rowBytes(next));
    });
    cur = next;
  }

  // 3. Float and signed samples become unsigned through an explicit value range.
  if (usesRange(from, to)) {
    const range = opts.range;
    if (!range)
      throw new RasterError(
        'E_BAD_OPTION',
        `${cur.sampleFormat === 'float' ? 'floating-point' : 'signed'} samples need a value range to become ${to.bitsPerSample}-bit unsigned: give --range LO,HI (e.g. --range 0,1)`,
        { field: 'range' },
      );
    const [lo, hi] = range;
    const outBits = (to.bitsPerSample >= 16 ? 16 : 8) as 8 | 16;
    const src = cur;
    const next: PixelLayout = { ...cur, sampleFormat: 'uint', bitsPerSample: outBits, byteOrder: nativeOrder };
    const out = scratch(next);
    steps.push((buf, rows) => {
      const n = rows * samplesPerRow(src);
      if (src.sampleFormat === 'float') floatToUint(buf, out, n, lo, hi, outBits);
      else intToUint(buf, out, n, src.bitsPerSample as 8 | 16, lo, hi, outBits);
      return out.subarray(0, rows * rowBytes(next));
    });
    cur = next;
  }

  // 4. Unsigned depth changes.
  if (cur.sampleFormat === 'uint' && cur.bitsPerSample === 16 && to.bitsPerSample === 8) {
    const src = cur;
    steps.push((buf, rows) => {
      const n = rows * samplesPerRow(src);
      scale16to8(buf, buf, n); // in place: output byte i is written after input sample i is read
      return buf.subarray(0, n);
    });
    cur = { ...cur, bitsPerSample: 8 };
  } else if (cur.sampleFormat === 'uint' && cur.bitsPerSample === 8 && to.bitsPerSample === 16) {
    const src = cur;
    const next: PixelLayout = { ...cur, bitsPerSample: 16, byteOrder: nativeOrder };
    const out = scratch(next);
    steps.push((buf, rows) => {
      scale8to16(buf, out, rows * samplesPerRow(src));
      return out.subarray(0, rows * rowBytes(next));
    });
    cur = next;
  }

  // 5. Ink gray (0 = white) to light gray, or back.
  if (needsInvert()) {
    const bits = cur.bitsPerSample;
    const alpha = cur.alpha;
    steps.push((buf) => (alpha ? invertGrayKeepAlpha(buf, bits) : invert(buf, bits), buf));
    cur = { ...cur, minIsWhite: Boolean(to.minIsWhite) };
  }

  // 6. Colour model.
  if (cur.colorModel !== to.colorModel || cur.channels !== to.channels) {
    const src = cur;
    const bits = cur.bitsPerSample;
    if ((bits === 8 || bits === 16) && src.colorModel === 'gray' && to.colorModel === 'rgb' && src.alpha === to.alpha) {
      const next: PixelLayout = { ...cur, colorModel: 'rgb', channels: to.channels };
      const out = scratch(next);
      steps.push((buf, rows) => {
        grayToRgb(buf, out, rows * width, bits, src.alpha);
        return out.subarray(0, rows * rowBytes(next));
      });
      cur = next;
    } else if ((bits === 8 || bits === 16) && src.colorModel === 'cmyk' && to.colorModel === 'rgb' && src.alpha === to.alpha) {
      const next: PixelLayout = { ...cur, colorModel: 'rgb', channels: to.channels };
      const out = scratch(next);
      steps.push((buf, rows) => {
        cmykToRgb(buf, out, rows * width, bits, src.channels, src.alpha);
        return out.subarray(0, rows * rowBytes(next));
      });
      cur = next;
    }
  }

  // 7. Final byte order.
  if (cur.bitsPerSample > 8 && cur.byteOrder !== to.byteOrder) {
    const bits = cur.bitsPerSample;
    const order = cur.byteOrder;
    steps.push((buf) => (swapOrder(buf, bits, order, to.byteOrder), buf));
    cur = { ...cur, byteOrder: to.byteOrder };
  }

  if (!same(cur, to) || cur.alpha !== to.alpha) {
    throw new RasterError('E_UNSUPPORTED', `no conversion from ${describeLayout(from)} to ${describeLayout(to)}`);
  }
  if (steps.length === 0) return (band, rows) => band.subarray(0, rows * rowBytes(from));
  return (band, rows) => {
    let buf = band.subarray(0, rows * rowBytes(from));
    for (const step of steps) buf = step(buf, rows);
    return buf;
  };
}
