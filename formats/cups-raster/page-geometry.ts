/**
 * Validation of a page's raster description and everything derived from it, before anything is
 * allocated. The rules are those of cups_raster_update() in CUPS ≥ 2.4.17 (formats.md §1.5),
 * with one deliberate difference, to read what producers really write: chunky sub-byte pixels
 * padded to a power of two (0RGB, 00RRGGBB, 00KCMYcm; spec-raster.html Table 4) are accepted, the
 * pad bits being the most significant.
 * Every buffer the decoder allocates is sized from the (colour space, order, bits) this returns.
 */
import type { ErrorContext } from '../../src/errors.js';
import type { ByteOrder, PixelLayout } from '../../src/model.js';
import { colorSpaceInfo, type ColorSpaceInfo, type ColorSpaceMapping } from './color-spaces.js';
import type { AssemblyPlan, SampleSource } from './pixel-assembler.js';
import type { Fail } from './window-reader.js';

/** cups_order_t */
export const CUPS_ORDER_CHUNKED = 0;
export const CUPS_ORDER_BANDED = 1;
export const CUPS_ORDER_PLANAR = 2;
const ORDER_NAMES = ['CUPS_ORDER_CHUNKED', 'CUPS_ORDER_BANDED', 'CUPS_ORDER_PLANAR'];

/** raster-stream.c limits (_CUPS_MAX_*). */
export const MAX_BYTES_PER_LINE = 16 * 1024 * 1024;
export const MAX_WIDTH = 0xffffff;
export const MAX_HEIGHT = 0xffffff;

/** The fields of a page description that decide its pixels (cups_page_header2_t names). */
export interface RasterDims {
  cupsWidth: number;
  cupsHeight: number;
  cupsBitsPerColor: number;
  cupsBitsPerPixel: number;
  cupsBytesPerLine: number;
  cupsColorOrder: number;
  cupsColorSpace: number;
  /** 0 (or absent, v1) = derive from the colour space as cups_raster_update does. */
  cupsNumColors: number;
}

export interface PageGeometry {
  width: number;
  height: number;
  bitsPerColor: number;
  bitsPerPixel: number;
  bytesPerLine: number;
  numColors: number;
  order: number;
  space: ColorSpaceInfo;
  mapping: ColorSpaceMapping;
  /** Bytes of one colour band inside a banded line. */
  bandBytes: number;
  /** Stored lines in the page: height, × colours when planar. */
  storedLines: number;
  /** Compression unit (formats.md §1.6). */
  unitBytes: number;
  /** Byte code 128 fills with. */
  fill: number;
  layout: PixelLayout;
  plan: AssemblyPlan;
  notices: string[];
}

/** Where each field lies, for error offsets (absolute input offsets). */
export type FieldOffsets = (field: keyof RasterDims) => number;

/** Bits per colour CUPS defines (cups_page_header2_t cupsBitsPerColor). */
export const BITS_PER_COLOR: readonly number[] = [1, 2, 4, 8, 16];

/**
 * Check a page description and derive its geometry.
 * @throws RasterError E_BAD_HEADER when a field is out of range or contradicts another (naming
 *   both, with the value expected); E_UNSUPPORTED for a combination nobody defines.
 */
export function pageGeometry(d: RasterDims, byteOrder: ByteOrder, at: FieldOffsets, fail: Fail): PageGeometry {
  const bad = (field: keyof RasterDims, detail: string, ctx: ErrorContext = {}) =>
    fail('E_BAD_HEADER', detail, { field, offset: at(field), actual: d[field], ...ctx });

  const order = d.cupsColorOrder;
  if (order > CUPS_ORDER_PLANAR)
    throw bad('cupsColorOrder', `cupsColorOrder is ${order}; expected 0 (chunked), 1 (banded) or 2 (planar)`, { expected: '0, 1 or 2' });
  const space = colorSpaceInfo(d.cupsColorSpace);
  if (!space)
    throw bad('cupsColorSpace', `cupsColorSpace is ${d.cupsColorSpace}, which is not a cups_cspace_t value (expected 0–20, 32–46 or 48–62)`, {
      expected: '0–20, 32–46 or 48–62',
    });
  const bpc = d.cupsBitsPerColor;
  if (!BITS_PER_COLOR.includes(bpc))
    throw bad('cupsBitsPerColor', `cupsBitsPerColor is ${bpc}; expected 1, 2, 4, 8 or 16`, { expected: '1, 2, 4, 8 or 16' });

  const fixed = space.colors(bpc);
  let numColors = d.cupsNumColors;
  if (numColors === 0) numColors = fixed ?? 3;
  else if (numColors > 15 || (fixed !== undefined && numColors !== fixed))
    throw bad('cupsNumColors', `cupsNumColors is ${numColors}, but ${space.name} at ${bpc} bits has ${fixed ?? '1 to 15'} colours`, {
      expected: fixed ?? '1 to 15',
    });
  if ((space.value === 15 || space.value === 16) && bpc < 8)
    throw fail('E_UNSUPPORTED', `${space.name} is defined for 8 and 16 bits per colour only; this page has ${bpc}`, {
      field: 'cupsBitsPerColor',
      offset: at('cupsBitsPerColor'),
    });

  // Bits per stored pixel: chunky pixels hold every colour, possibly padded to a power of two.
  const bpp = d.cupsBitsPerPixel;
  const packed = bpc * numColors;
  let padBits = 0;
  if (order === CUPS_ORDER_CHUNKED) {
    const padded = bpc < 8 ? 1 << Math.ceil(Math.log2(packed)) : packed;
    if (bpp !== packed && bpp !== padded)
      throw bad('cupsBitsPerPixel', `cupsBitsPerPixel is ${bpp}, but chunked ${numColors}-colour pixels of ${bpc}-bit colours take ${packed === padded ? packed : `${packed} (or ${padded} padded)`}`, {
        expected: packed,
      });
    padBits = bpp - packed;
  } else if (bpp !== bpc) {
    throw bad('cupsBitsPerPixel', `cupsBitsPerPixel is ${bpp}, but a ${ORDER_NAMES[order]} page stores one ${bpc}-bit colour per sample, so it must equal cupsBitsPerColor`, {
      expected: bpc,
    });
  }

  const width = d.cupsWidth;
  const height = d.cupsHeight;
  if (width < 1 || width > MAX_WIDTH)
    throw bad('cupsWidth', `cupsWidth is ${width}; expected 1 to ${MAX_WIDTH}`, { expected: `1 to ${MAX_WIDTH}` });
  if (height < 1 || height > MAX_HEIGHT)
    throw bad('cupsHeight', `cupsHeight is ${height}; expected 1 to ${MAX_HEIGHT}`, { expected: `1 to ${MAX_HEIGHT}` });

  const bandBytes = Math.ceil((width * bpp) / 8);
  const notices: string[] = [];
  const expectedLine = order === CUPS_ORDER_BANDED ? bandBytes * numColors : bandBytes;
  const bpl = d.cupsBytesPerLine;
  if (bpl !== expectedLine) {
    // Ghostscript's cups device writes banded RGBA/RGBW lines of three bands whose content is
    // not three of the four colours (checked against its chunked output; README "Producer
    // quirks"): nothing says what was meant, so such pages are refused, with the reason.
    const gsBands = order === CUPS_ORDER_BANDED && numColors === 4 && bpl === bandBytes * 3 && (space.value === 2 || space.value === 17);
    throw bad(
      'cupsBytesPerLine',
      `cupsBytesPerLine is ${bpl}, but cupsWidth ${width} × cupsBitsPerPixel ${bpp}${order === CUPS_ORDER_BANDED ? ` × ${numColors} bands` : ''} gives ${expectedLine}` +
        (gsBands ? ` (a banded ${space.name} page with 3 bands, as Ghostscript writes them; its bands cannot be mapped to 4 colours: ask for chunked order)` : ''),
      { expected: expectedLine },
    );
  }
  if (bpl > MAX_BYTES_PER_LINE)
    throw fail('E_LIMIT', `cupsBytesPerLine is ${bpl}; CUPS reads lines of at most ${MAX_BYTES_PER_LINE} bytes`, {
      field: 'cupsBytesPerLine',
      offset: at('cupsBytesPerLine'),
    });

  const mapping = space.mapping(numColors);
  if (mapping.notice) notices.push(mapping.notice);
  const layout: PixelLayout = {
    width,
    height,
    channels: mapping.channels,
    bitsPerSample: bpc as PixelLayout['bitsPerSample'],
    sampleFormat: 'uint',
    colorModel: mapping.colorModel,
    alpha: Boolean(mapping.alpha),
    byteOrder,
    ...(mapping.colorModel === 'gray' ? { minIsWhite: Boolean(mapping.minIsWhite) } : {}),
  };

  const chunked = order === CUPS_ORDER_CHUNKED;
  const where = (colour: number): SampleSource =>
    chunked ? { segment: 0, bitOffset: padBits + colour * bpc } : { segment: colour, bitOffset: 0 };
  const channels = mapping.source.map(where);
  const flag = mapping.whiteFlag === undefined ? undefined : where(mapping.whiteFlag);
  const rowBytes = Math.ceil((width * mapping.channels * bpc) / 8);
  // A banded or planar row gathers one line of each colour. CUPS bounds a planar page's lines one
  // by one, which let a 2 KB file of 15 planes ask for rows of 15 × 16 MiB (peak RSS 544–790 MB):
  // the assembled row is bounded as CUPS bounds a line.
  if (rowBytes > MAX_BYTES_PER_LINE)
    throw fail('E_LIMIT', `a row of this page is ${rowBytes} bytes (${numColors} colours of ${bpl} bytes per line); at most ${MAX_BYTES_PER_LINE} are read, as CUPS reads lines`, {
      field: 'cupsBytesPerLine',
      offset: at('cupsBytesPerLine'),
      expected: MAX_BYTES_PER_LINE,
      actual: rowBytes,
    });
  const plain = channels.every((c, i) => c.segment === 0 && c.bitOffset === i * bpc);
  const plan: AssemblyPlan = {
    width,
    bitsPerColor: bpc,
    strideBits: chunked ? bpp : bpc,
    channels,
    rowBytes,
    identity: chunked && padBits === 0 && plain && !mapping.invert && !mapping.signedAB && flag === undefined,
    invert: Boolean(mapping.invert),
    signedAB: Boolean(mapping.signedAB),
    blackFlag: flag,
    bigEndian: byteOrder === 'be',
  };
  return {
    width,
    height,
    bitsPerColor: bpc,
    bitsPerPixel: bpp,
    bytesPerLine: bpl,
    numColors,
    order,
    space,
    mapping,
    bandBytes,
    storedLines: order === CUPS_ORDER_PLANAR ? height * numColors : height,
    unitBytes: Math.ceil((chunked ? bpp : bpc) / 8),
    fill: space.additive ? 0xff : 0x00,
    layout,
    plan,
    notices,
  };
}
