/**
 * The pixel and page model shared by every decoder and encoder.
 *
 * Rows travel between them as bytes, always top-down and interleaved ("chunky"): a decoder whose
 * input is planar, banded or bottom-up rearranges before handing rows on. Samples wider than a
 * byte stay in the byte order named by `byteOrder` (the input's own order); the pipeline swaps
 * only when the encoder wants the other one.
 */
import { RasterError } from './errors.js';

export type BitsPerSample = 1 | 2 | 4 | 8 | 16 | 32;
export type SampleFormat = 'uint' | 'int' | 'float';
export type ByteOrder = 'le' | 'be';

/**
 * What the channels mean.
 * - gray: 1 channel (+ alpha)
 * - rgb: 3 channels (+ alpha)
 * - cmyk: 4 ink channels, 0 = no ink
 * - lab: CIE L*a*b* (TIFF PhotometricInterpretation 8 conventions)
 * - device: n channels of device data with no standard interpretation (n-ink, Device1–15)
 */
export type ColorModel = 'gray' | 'rgb' | 'cmyk' | 'lab' | 'device';

export interface PixelLayout {
  width: number;
  height: number;
  /** Samples per pixel, alpha included. */
  channels: number;
  bitsPerSample: BitsPerSample;
  sampleFormat: SampleFormat;
  colorModel: ColorModel;
  /** The last channel is unassociated (straight) alpha. */
  alpha: boolean;
  /** Byte order of samples wider than 8 bits. Meaningless (but present) for ≤ 8 bits. */
  byteOrder: ByteOrder;
  /** For gray: sample 0 is white (ink coverage, CUPS K / 1-bit fax convention). */
  minIsWhite?: boolean;
}

/** Resolution in dots per inch, x and y. */
export interface Resolution {
  x: number;
  y: number;
}

/**
 * Pixels per metre for a resolution in dpi (1 inch = 0.0254 m), as BMP and PNG store it, or
 * undefined when it is not a positive number that rounds to a value from 1 to 2^31−1 (BMP's field
 * is signed 32-bit; PNG §7.1 caps its four-byte unsigned integers there too).
 */
export function pelsPerMeter(dpi: number): number | undefined {
  const v = Math.round(dpi / 0.0254);
  return Number.isFinite(v) && v >= 1 && v <= 0x7fffffff ? v : undefined;
}

/** One page as a decoder describes it before any pixel is read. */
export interface PageInfo {
  layout: PixelLayout;
  resolution?: Resolution;
  /** Name of the colour space as the input format spells it (e.g. "CUPS_CSPACE_SRGB", "sRGB"). */
  colorSpaceName?: string;
  /** The format-specific header, as plain JSON-able data with the spec's field names. */
  header?: Record<string, unknown>;
  /** One-line notices about how the page was interpreted (non-conformant producer fixed up …). */
  notices?: string[];
}

/** Bytes in one interleaved row: sub-byte rows are MSB-first and padded to a whole byte. */
export function rowBytes(layout: Pick<PixelLayout, 'width' | 'channels' | 'bitsPerSample'>): number {
  return Math.ceil((layout.width * layout.channels * layout.bitsPerSample) / 8);
}

/** Bytes of one page's pixels (may exceed 2^32: a plain number is exact up to 2^53). */
export function pageBytes(layout: PixelLayout): number {
  return rowBytes(layout) * layout.height;
}

/** Number of colour channels (alpha excluded). */
export function colorChannels(layout: Pick<PixelLayout, 'channels' | 'alpha'>): number {
  return layout.channels - (layout.alpha ? 1 : 0);
}

/** Short human description, e.g. "8000×6000 rgb 3×16-bit be". */
export function describeLayout(l: PixelLayout): string {
  const fmt = l.sampleFormat === 'float' ? 'f' : l.sampleFormat === 'int' ? 'i' : '';
  const order = l.bitsPerSample > 8 ? ` ${l.byteOrder}` : '';
  return `${l.width}×${l.height} ${l.colorModel}${l.alpha ? '+alpha' : ''} ${l.channels}×${l.bitsPerSample}-bit${fmt}${order}`;
}

const VALID_BITS: readonly number[] = [1, 2, 4, 8, 16, 32];

/**
 * Check a layout a decoder built from its header before anything is allocated from it.
 * @throws RasterError E_BAD_HEADER when a field is out of range; E_LIMIT when the page is larger
 *   than any format we write can address.
 */
export function validateLayout(l: PixelLayout): void {
  const bad = (field: string, actual: unknown, expected: string) =>
    new RasterError('E_BAD_HEADER', `${field} is ${String(actual)}; expected ${expected}`, {
      field,
      expected,
      actual: String(actual),
    });
  if (!Number.isSafeInteger(l.width) || l.width < 1) throw bad('width', l.width, 'a whole number ≥ 1');
  if (!Number.isSafeInteger(l.height) || l.height < 1) throw bad('height', l.height, 'a whole number ≥ 1');
  if (!Number.isSafeInteger(l.channels) || l.channels < 1 || l.channels > 16)
    throw bad('channels', l.channels, '1 to 16');
  if (!VALID_BITS.includes(l.bitsPerSample)) throw bad('bitsPerSample', l.bitsPerSample, '1, 2, 4, 8, 16 or 32');
  if ((l.sampleFormat === 'float') !== (l.bitsPerSample === 32))
    throw bad('bitsPerSample', l.bitsPerSample, l.sampleFormat === 'float' ? '32 for float samples' : '1 to 16 for integer samples (32 is float only)');
  if (l.sampleFormat === 'int' && l.bitsPerSample !== 8 && l.bitsPerSample !== 16)
    throw bad('bitsPerSample', l.bitsPerSample, '8 or 16 for signed samples');
  // 2^31 - 1 is the largest width/height PNG, BMP and TIFF can all express; one row must also fit
  // in a Buffer so that a band of at least one row can be allocated.
  if (l.width > 0x7fffffff || l.height > 0x7fffffff)
    throw new RasterError('E_LIMIT', `image ${l.width}×${l.height} is larger than 2^31-1 pixels on a side`);
  if (rowBytes(l) > MAX_ROW_BYTES)
    throw new RasterError('E_LIMIT', `one row is ${rowBytes(l)} bytes; at most ${MAX_ROW_BYTES} are supported`);
}

/** Largest single row we agree to buffer (256 MiB): far above any real image, far below memory. */
export const MAX_ROW_BYTES = 256 * 1024 * 1024;
