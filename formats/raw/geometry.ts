/**
 * Geometry of a headerless raw dump, from the options, and the up-front check of the input size
 * against it.
 */
import { RasterError } from '../../src/errors.js';
import { rowBytes, type BitsPerSample, type ColorModel, type PixelLayout, type SampleFormat, type ByteOrder } from '../../src/model.js';
import type { Options } from '../../src/plugin.js';
import { choiceOf, flagName, shownValue } from '../../src/option-values.js';

/** How the stored samples of one pixel map onto output channels. */
export interface StoredLayout {
  name: string;
  /** Samples stored per pixel. */
  stored: number;
  /** For each output channel, the index of the stored sample it comes from. */
  pick: readonly number[];
  colorModel: ColorModel;
  alpha: boolean;
}

/** --layout values. x = a padding sample to drop, as in "00RRGGBB" dumps. */
export const LAYOUTS = {
  gray: { name: 'gray', stored: 1, pick: [0], colorModel: 'gray', alpha: false },
  graya: { name: 'graya', stored: 2, pick: [0, 1], colorModel: 'gray', alpha: true },
  rgb: { name: 'rgb', stored: 3, pick: [0, 1, 2], colorModel: 'rgb', alpha: false },
  rgba: { name: 'rgba', stored: 4, pick: [0, 1, 2, 3], colorModel: 'rgb', alpha: true },
  bgr: { name: 'bgr', stored: 3, pick: [2, 1, 0], colorModel: 'rgb', alpha: false },
  bgra: { name: 'bgra', stored: 4, pick: [2, 1, 0, 3], colorModel: 'rgb', alpha: true },
  xrgb: { name: 'xrgb', stored: 4, pick: [1, 2, 3], colorModel: 'rgb', alpha: false },
  // A little-endian frame buffer of 0x00RRGGBB words (XRGB8888, as Linux's fbdev and DRM keep it)
  // stores the bytes B, G, R, 0.
  bgrx: { name: 'bgrx', stored: 4, pick: [2, 1, 0], colorModel: 'rgb', alpha: false },
  rgbx: { name: 'rgbx', stored: 4, pick: [0, 1, 2], colorModel: 'rgb', alpha: false },
  cmyk: { name: 'cmyk', stored: 4, pick: [0, 1, 2, 3], colorModel: 'cmyk', alpha: false },
} as const satisfies Record<string, StoredLayout>;
export type LayoutName = keyof typeof LAYOUTS;
/** The --layout names, for the option's choices (and its type in the library API). */
export const LAYOUT_NAMES = Object.keys(LAYOUTS) as LayoutName[];
/** --depth values: name, bits per sample and sample format. */
const DEPTH_LIST = [
  ['1', 1, 'uint'],
  ['2', 2, 'uint'],
  ['4', 4, 'uint'],
  ['8', 8, 'uint'],
  ['16', 16, 'uint'],
  ['32f', 32, 'float'],
] as const;
/** The --depth names, for the option's choices (and its type in the library API). */
export const DEPTH_NAMES = DEPTH_LIST.map(([name]) => name);
const DEPTHS = new Map<string, [BitsPerSample, SampleFormat]>(DEPTH_LIST.map(([name, bits, format]) => [name, [bits, format]]));

/** --channels C without --layout: the usual meaning of 1–4 interleaved channels. */
const BY_CHANNELS = ['gray', 'graya', 'rgb', 'rgba'] as const;

export interface RawGeometry {
  width: number;
  /** Undefined when it is to be derived from the input size. */
  height: number | undefined;
  stored: StoredLayout;
  bits: BitsPerSample;
  sampleFormat: SampleFormat;
  byteOrder: ByteOrder;
  offset: number;
  /** Bytes per stored row (per plane row when planar). */
  stride: number;
  planar: boolean;
  minIsWhite: boolean;
  /** The samples per pixel came from --layout (not --channels or the default): hints name a layout. */
  layoutGiven: boolean;
  /** --stride was given: hints that would change the row size are not offered. */
  strideGiven: boolean;
}

function bad(field: string, message: string): RasterError {
  return new RasterError('E_BAD_OPTION', `--${flagName(field)} ${message}`, { field, format: 'raw' });
}

/** A number option (a number, as the CLI's parser gives; a string such as "12" is refused, as for --level). */
function wholeNumber(o: Options, field: string, min: number): number | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw bad(field, `must be a whole number ≥ ${min} (got ${shownValue(v)})`);
  return v;
}

/** Read and check the raw options. @throws RasterError E_BAD_OPTION */
export function parseGeometry(o: Options): RawGeometry {
  const width = wholeNumber(o, 'width', 1);
  if (width === undefined) throw bad('width', 'is required for raw input (with --height, --layout or --channels, --depth)');
  const height = wholeNumber(o, 'height', 1);
  const channels = wholeNumber(o, 'channels', 1);
  const layoutName = choiceOf(o, 'layout', LAYOUT_NAMES);
  let stored: StoredLayout;
  if (layoutName !== undefined) {
    const l = LAYOUTS[layoutName];
    if (channels !== undefined && channels !== l.stored)
      throw bad('channels', `${channels} contradicts --layout ${layoutName}, which stores ${l.stored} samples per pixel`);
    stored = l;
  } else {
    const c = channels ?? 1;
    const name = BY_CHANNELS[c - 1];
    if (!name) throw bad('channels', `must be 1 to 4 without --layout (got ${c}); name the layout for other cases`);
    stored = LAYOUTS[name];
  }
  // The CLI gives the choices as strings; a library caller may write depth: 16.
  const depth = o['depth'] === undefined ? '8' : o['depth'];
  const d = typeof depth === 'string' || typeof depth === 'number' ? DEPTHS.get(String(depth)) : undefined;
  if (!d) throw bad('depth', `must be 1, 2, 4, 8, 16 or 32f (got ${shownValue(depth)})`);
  const [bits, sampleFormat] = d;
  if (bits < 8 && stored.pick.length !== stored.stored) throw bad('layout', `${stored.name} needs whole-byte samples (--depth 8 or more)`);
  if (bits < 8 && stored.name.startsWith('b')) throw bad('layout', `${stored.name} needs whole-byte samples (--depth 8 or more)`);
  const endian = choiceOf(o, 'endian', ['little', 'big'] as const) ?? 'little';
  const planar = Boolean(o['planar']);
  const minIsWhite = Boolean(o['minIsWhite']);
  // TIFF's MinIsWhite (PhotometricInterpretation 0) is a gray model; colour samples have no such flag.
  if (minIsWhite && stored.colorModel !== 'gray') throw bad('minIsWhite', `describes gray samples (0 = white), not ${stored.name}`);
  if (planar && bits < 8) throw bad('planar', 'needs whole-byte samples (--depth 8 or more)');
  const samplesPerStoredRow = planar ? width : width * stored.stored;
  const minStride = Math.ceil((samplesPerStoredRow * bits) / 8);
  const stride = wholeNumber(o, 'stride', 1) ?? minStride;
  if (stride < minStride)
    throw bad('stride', `${stride} is less than the ${minStride} bytes one ${planar ? 'plane row' : 'row'} of ${width} pixels needs`);
  return {
    width,
    height,
    stored,
    bits,
    sampleFormat,
    byteOrder: endian === 'big' ? 'be' : 'le',
    offset: wholeNumber(o, 'offset', 0) ?? 0,
    stride,
    planar,
    minIsWhite,
    layoutGiven: layoutName !== undefined,
    strideGiven: o['stride'] !== undefined,
  };
}

/** Bytes one page occupies in the input for a given height. */
export function pageSpan(g: RawGeometry, height: number): number {
  return g.planar ? g.stored.stored * g.stride * height : g.stride * height;
}

/**
 * How many whole `unit`s (pages, or rows) `data` bytes hold, or undefined if not a whole number of
 * at least one. The padding of the last row may be missing: a dump's last row often stops at its
 * last pixel (interleaved rows only; planes are read by position).
 */
export function wholeUnits(g: RawGeometry, data: number, unit: number): number | undefined {
  const slack = g.planar ? 0 : g.stride - rowBytes({ width: g.width, channels: g.stored.stored, bitsPerSample: g.bits });
  for (const bytes of slack > 0 ? [data, data + slack] : [data]) if (bytes >= unit && bytes % unit === 0) return bytes / unit;
  return undefined;
}

/** The output layout of one page. */
export function layoutOf(g: RawGeometry, height: number): PixelLayout {
  return {
    width: g.width,
    height,
    channels: g.stored.pick.length,
    bitsPerSample: g.bits,
    sampleFormat: g.sampleFormat,
    colorModel: g.stored.colorModel,
    alpha: g.stored.alpha,
    byteOrder: g.byteOrder,
    ...(g.minIsWhite ? { minIsWhite: true } : {}),
  };
}

/**
 * Number of pages the input holds, checked against its size (when known).
 * @throws RasterError E_SIZE_MISMATCH saying what is off and what the actual size would fit.
 */
export function countPages(g: RawGeometry, height: number, size: number | undefined, file: string): number | undefined {
  if (size === undefined) return undefined;
  const span = pageSpan(g, height);
  const data = size - g.offset;
  const page = `${g.width}×${height} ${g.stored.name} ${g.bits === 32 ? '32-bit float' : `${g.bits}-bit`}${g.planar ? ' planar' : ''}, ${g.stride} byte${g.stride === 1 ? '' : 's'} per ${g.planar ? 'plane row' : 'row'}`;
  const pages = wholeUnits(g, data, span);
  if (pages !== undefined) return pages;
  const hints = fitHints(g, height, data, size).map((h) => h.text);
  const detail =
    data < 0
      ? `the input is ${size} bytes, less than the --offset of ${g.offset}`
      : `${page} needs ${span} bytes per page after the ${g.offset}-byte offset; the input has ${data} (${size} in all), ` +
        (data < span ? `${span - data} byte${span - data === 1 ? '' : 's'} short` : `${data % span} byte${data % span === 1 ? '' : 's'} more than ${Math.floor(data / span)} whole page${Math.floor(data / span) === 1 ? '' : 's'}`) +
        (hints.length > 0 ? `. The size would fit: ${hints.join('; or ')}` : '');
  return failSize(detail, file, span, data);
}

function failSize(detail: string, file: string, expected: number, actual: number): never {
  throw new RasterError('E_SIZE_MISMATCH', detail, { file, format: 'raw', expected, actual });
}

/** One change of the options that the actual size would fit: how to say it, and the change. */
export interface SizeHint {
  text: string;
  change: Options;
}

/**
 * Geometries the actual size would fit, changing one option at a time; each is one the options
 * accept (test/formats/raw/raw.test.ts applies them). `data`: the bytes after the offset.
 */
export function fitHints(g: RawGeometry, height: number, data: number, size: number): SizeHint[] {
  const hints: SizeHint[] = [];
  const span = pageSpan(g, height);
  const perRow = pageSpan(g, 1);
  if (data > 0 && data % perRow === 0 && data / perRow !== height) hints.push({ text: `--height ${data / perRow}`, change: { height: data / perRow } });
  // A header before whole pages (the bytes beyond them), or a smaller one before one page.
  const offset = data > span ? g.offset + (data % span) : size - span;
  if (offset >= 0 && offset !== g.offset)
    hints.push({ text: `--offset ${offset} (${offset === 0 ? 'no header' : `a ${offset}-byte header`})`, change: { offset } });
  const bytesPerSample = g.bits / 8;
  if (!g.planar && !g.strideGiven && g.bits >= 8 && data > 0) {
    const w = data / (height * g.stored.stored * bytesPerSample);
    if (Number.isInteger(w) && w !== g.width) hints.push({ text: `--width ${w}`, change: { width: w } });
    for (const c of [1, 2, 3, 4]) {
      if (c === g.stored.stored || data !== g.width * height * c * bytesPerSample) continue;
      const channels = `${c} channel${c === 1 ? '' : 's'}`;
      hints.push(
        g.layoutGiven ? { text: `--layout ${BY_CHANNELS[c - 1]} (${channels})`, change: { layout: BY_CHANNELS[c - 1] } } : { text: `${channels} (--channels ${c})`, change: { channels: c } },
      );
    }
    for (const b of [8, 16, 32]) {
      if (b === g.bits || data !== (g.width * height * g.stored.stored * b) / 8) continue;
      const depth = b === 32 ? '32f' : String(b);
      hints.push({ text: `--depth ${depth}`, change: { depth } });
    }
  }
  return hints.slice(0, 4);
}
