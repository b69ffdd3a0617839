/**
 * The IFD entries of one finished page: everything a baseline reader needs (TIFF 6.0 §8) plus the
 * extensions the layout calls for (SampleFormat §19, ExtraSamples §18, InkSet §16, Predictor §14).
 */
import type { PixelLayout, Resolution } from '../../src/model.js';
import { colorTags } from './color-tags.js';
import type { IfdEntry } from './ifd.js';
import {
  COMPRESSION_CODE,
  PLANAR_CONTIG,
  PREDICTOR_CODE,
  RESOLUTION_UNIT_INCH,
  SAMPLE_FORMAT_CODE,
  SUBFILE_PAGE,
  TAG_BITS_PER_SAMPLE,
  TAG_COMPRESSION,
  TAG_EXTRA_SAMPLES,
  TAG_IMAGE_LENGTH,
  TAG_IMAGE_WIDTH,
  TAG_INK_SET,
  TAG_NEW_SUBFILE_TYPE,
  TAG_NUMBER_OF_INKS,
  TAG_PAGE_NUMBER,
  TAG_PHOTOMETRIC,
  TAG_PLANAR_CONFIGURATION,
  TAG_PREDICTOR,
  TAG_RESOLUTION_UNIT,
  TAG_ROWS_PER_STRIP,
  TAG_SAMPLE_FORMAT,
  TAG_SAMPLES_PER_PIXEL,
  TAG_SOFTWARE,
  TAG_STRIP_BYTE_COUNTS,
  TAG_STRIP_OFFSETS,
  TAG_X_RESOLUTION,
  TAG_Y_RESOLUTION,
  TYPE_ASCII,
  TYPE_LONG,
  TYPE_LONG8,
  TYPE_RATIONAL,
  TYPE_SHORT,
  type Compression,
  type Predictor,
} from './tags.js';

const SOFTWARE = 'raster2img';

/** What the IFD of a written page says. */
export interface PageRecord {
  layout: PixelLayout;
  resolution: Resolution | undefined;
  compression: Compression;
  predictor: Predictor;
  rowsPerStrip: number;
  /** File offset and byte count of each strip, in order. */
  stripOffsets: Float64Array;
  stripByteCounts: Float64Array;
}

/** PageNumber holds SHORTs: beyond this many pages it is left out. */
const MAX_PAGE_NUMBER = 0xffff;

/**
 * The entries of page `index` (0-based) of `pageCount`, for classic TIFF or BigTIFF (which stores
 * strip offsets and byte counts as LONG8).
 */
export function pageEntries(page: PageRecord, index: number, pageCount: number, big: boolean): IfdEntry[] {
  const l = page.layout;
  const color = colorTags(l);
  const perSample = (v: number) => new Array<number>(l.channels).fill(v);
  const stripType = big ? TYPE_LONG8 : TYPE_LONG;
  const entries: IfdEntry[] = [
    { tag: TAG_IMAGE_WIDTH, type: TYPE_LONG, values: [l.width] },
    { tag: TAG_IMAGE_LENGTH, type: TYPE_LONG, values: [l.height] },
    { tag: TAG_BITS_PER_SAMPLE, type: TYPE_SHORT, values: perSample(l.bitsPerSample) },
    { tag: TAG_COMPRESSION, type: TYPE_SHORT, values: [COMPRESSION_CODE[page.compression]] },
    { tag: TAG_PHOTOMETRIC, type: TYPE_SHORT, values: [color.photometric] },
    { tag: TAG_STRIP_OFFSETS, type: stripType, values: page.stripOffsets },
    { tag: TAG_SAMPLES_PER_PIXEL, type: TYPE_SHORT, values: [l.channels] },
    { tag: TAG_ROWS_PER_STRIP, type: TYPE_LONG, values: [page.rowsPerStrip] },
    { tag: TAG_STRIP_BYTE_COUNTS, type: stripType, values: page.stripByteCounts },
    { tag: TAG_PLANAR_CONFIGURATION, type: TYPE_SHORT, values: [PLANAR_CONTIG] },
    { tag: TAG_SOFTWARE, type: TYPE_ASCII, values: SOFTWARE },
  ];
  if (pageCount > 1) {
    entries.push({ tag: TAG_NEW_SUBFILE_TYPE, type: TYPE_LONG, values: [SUBFILE_PAGE] });
    if (pageCount <= MAX_PAGE_NUMBER) entries.push({ tag: TAG_PAGE_NUMBER, type: TYPE_SHORT, values: [index, pageCount] });
  }
  const res = page.resolution;
  if (res && validDpi(res.x) && validDpi(res.y)) {
    entries.push(
      { tag: TAG_X_RESOLUTION, type: TYPE_RATIONAL, values: toRational(res.x) },
      { tag: TAG_Y_RESOLUTION, type: TYPE_RATIONAL, values: toRational(res.y) },
      { tag: TAG_RESOLUTION_UNIT, type: TYPE_SHORT, values: [RESOLUTION_UNIT_INCH] },
    );
  }
  if (page.predictor !== 'none') entries.push({ tag: TAG_PREDICTOR, type: TYPE_SHORT, values: [PREDICTOR_CODE[page.predictor]] });
  if (color.inkSet !== undefined) entries.push({ tag: TAG_INK_SET, type: TYPE_SHORT, values: [color.inkSet] });
  if (color.numberOfInks !== undefined) entries.push({ tag: TAG_NUMBER_OF_INKS, type: TYPE_SHORT, values: [color.numberOfInks] });
  if (color.extraSamples.length > 0) entries.push({ tag: TAG_EXTRA_SAMPLES, type: TYPE_SHORT, values: color.extraSamples });
  if (l.sampleFormat !== 'uint') entries.push({ tag: TAG_SAMPLE_FORMAT, type: TYPE_SHORT, values: perSample(SAMPLE_FORMAT_CODE[l.sampleFormat]) });
  return entries;
}

const MAX_LONG = 0xffffffff;

/** A resolution RATIONAL can hold (positive, finite, numerator within 32 bits). */
function validDpi(x: number): boolean {
  return Number.isFinite(x) && x > 0 && x <= MAX_LONG;
}

/**
 * x as [numerator, denominator], both 32-bit: exact for whole numbers, otherwise the closest
 * continued-fraction convergent whose terms fit (72.5 → 145/2, 1/3 → 1/3).
 */
function toRational(x: number): [number, number] {
  let [p0, q0, p1, q1] = [0, 1, 1, 0]; // convergents p/q, previous and current
  let r = x;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(r);
    const p2 = a * p1 + p0;
    const q2 = a * q1 + q0;
    if (p2 > MAX_LONG || q2 > MAX_LONG) break;
    [p0, q0, p1, q1] = [p1, q1, p2, q2];
    const frac = r - a;
    if (frac < 1e-12 || Math.abs(p1 / q1 - x) <= Number.EPSILON * x) break;
    r = 1 / frac;
  }
  return [p1, q1];
}
