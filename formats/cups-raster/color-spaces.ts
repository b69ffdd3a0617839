/**
 * cups_cspace_t (cups/raster.h, formats.md §1.3): for each colour space, how many colours a
 * page carries, the byte CUPS fills with for the v2 "clear to end of line" code, and how its
 * samples become interleaved rows of the core PixelLayout (README.md has the table and the why).
 */
import type { ColorModel } from '../../src/model.js';

export interface ColorSpaceMapping {
  colorModel: ColorModel;
  /** Output channels (alpha included). */
  channels: number;
  alpha?: boolean;
  minIsWhite?: boolean;
  /** Output channel i takes the file's colour source[i] (file order → CMYK order, etc.). */
  source: readonly number[];
  /** Every sample is complemented: CMY ink amounts become RGB light (exact and reversible). */
  invert?: boolean;
  /** CIELab: a* and b* are stored +128-offset (spec-raster "CIE Lab"); we flip them to signed. */
  signedAB?: boolean;
  /**
   * RGBW: the fourth colour is a "black text" flag (0 = black, else the maximum value,
   * spec-raster.html "RGBW"); folded into RGB so that W = 0 gives black.
   */
  whiteFlag?: number;
  /** One-line notice saying how the page was interpreted when that is not self-evident. */
  notice?: string;
}

export interface ColorSpaceInfo {
  value: number;
  /** Spec name, e.g. "CUPS_CSPACE_SRGB". */
  name: string;
  /** Additive spaces are filled with 0xFF by code 128, everything else with 0x00 (§1.8). */
  additive: boolean;
  /**
   * The colour count cups_raster_update derives when the header has none (v1 or cupsNumColors
   * 0), or the only one this space allows; undefined when any 1–15 is allowed (ICCn).
   */
  colors(bitsPerColor: number): number | undefined;
  mapping(numColors: number): ColorSpaceMapping;
}

const identity = (n: number) => Array.from({ length: n }, (_, i) => i);

const gray: ColorSpaceMapping = { colorModel: 'gray', channels: 1, source: [0] };
const ink: ColorSpaceMapping = { colorModel: 'gray', channels: 1, source: [0], minIsWhite: true };
const rgb: ColorSpaceMapping = { colorModel: 'rgb', channels: 3, source: [0, 1, 2] };
const cmyk = (source: number[], notice?: string): ColorSpaceMapping => ({
  colorModel: 'cmyk',
  channels: 4,
  source,
  ...(notice ? { notice } : {}),
});
const device = (n: number, source = identity(n)): ColorSpaceMapping => ({ colorModel: 'device', channels: n, source });

function space(
  value: number,
  name: string,
  additive: boolean,
  colors: number | undefined | ((bits: number) => number),
  mapping: ColorSpaceMapping | ((n: number) => ColorSpaceMapping),
): ColorSpaceInfo {
  return {
    value,
    name: `CUPS_CSPACE_${name}`,
    additive,
    colors: typeof colors === 'function' ? colors : () => colors,
    mapping: typeof mapping === 'function' ? mapping : () => mapping,
  };
}

const TABLE: ColorSpaceInfo[] = [
  space(0, 'W', true, 1, gray),
  space(1, 'RGB', true, 3, rgb),
  space(2, 'RGBA', false, 4, { colorModel: 'rgb', channels: 4, alpha: true, source: [0, 1, 2, 3] }),
  space(3, 'K', false, 1, ink),
  space(4, 'CMY', false, 3, { ...rgb, invert: true, notice: 'CMY ink amounts delivered as RGB (each sample complemented, exact)' }),
  space(5, 'YMC', false, 3, { ...rgb, source: [2, 1, 0], invert: true, notice: 'YMC ink amounts delivered as RGB (reordered, each sample complemented, exact)' }),
  space(6, 'CMYK', false, 4, cmyk([0, 1, 2, 3])),
  space(7, 'YMCK', false, 4, cmyk([2, 1, 0, 3])),
  space(8, 'KCMY', false, 4, cmyk([1, 2, 3, 0])),
  // KCMYcm has six colours only at 1 bit (00KCMYcm, spec-raster Table 4); deeper it is KCMY.
  space(9, 'KCMYcm', false, (bits) => (bits < 8 ? 6 : 4), (n) =>
    n === 6
      ? { ...device(6, [1, 2, 3, 0, 4, 5]), notice: 'KCMYcm delivered as 6 device inks in the order C, M, Y, K, light c, light m' }
      : cmyk([1, 2, 3, 0])),
  space(10, 'GMCK', false, 4, cmyk([0, 1, 2, 3], 'GMCK: gold ink delivered in the cyan channel of CMYK')),
  space(11, 'GMCS', false, 4, cmyk([0, 1, 2, 3], 'GMCS: gold and silver inks delivered in the cyan and black channels of CMYK')),
  space(12, 'WHITE', false, 1, ink),
  space(13, 'GOLD', false, 1, ink),
  space(14, 'SILVER', false, 1, ink),
  space(15, 'CIEXYZ', false, 3, { ...device(3), notice: 'CIE XYZ samples delivered as 3 device channels (X, Y, Z)' }),
  space(16, 'CIELab', false, 3, { colorModel: 'lab', channels: 3, source: [0, 1, 2], signedAB: true }),
  space(17, 'RGBW', true, 4, { ...rgb, whiteFlag: 3 }),
  space(18, 'SW', true, 1, gray),
  space(19, 'SRGB', true, 3, rgb),
  space(20, 'ADOBERGB', true, 3, rgb),
];
const HEX = '123456789ABCDEF';
for (let i = 0; i < 15; i++) {
  const n = HEX[i]!;
  // ICCn: colour data for an ICC profile, "CIE Lab with hint for n colors"; CUPS derives 3.
  TABLE.push(space(32 + i, `ICC${n}`, false, undefined, (c) => device(c)));
  TABLE.push(space(48 + i, `DEVICE${n}`, false, i + 1, (c) => device(c)));
}
const BY_VALUE = new Map(TABLE.map((s) => [s.value, s]));

/** The colour space with this cups_cspace_t value, or undefined for 21–31, 47 and > 62. */
export function colorSpaceInfo(value: number): ColorSpaceInfo | undefined {
  return BY_VALUE.get(value);
}

/** Every known colour space (README table, tests). */
export const COLOR_SPACES: readonly ColorSpaceInfo[] = TABLE;
