/**
 * Which PNG a page becomes: the layout its rows must have (PNG §11.2.2 Table 11.1 lists the
 * allowed colour type / bit depth pairs) and its IHDR colour type.
 */
import { RasterError } from '../../src/errors.js';
import { colorChannels, describeLayout, type BitsPerSample, type PageInfo, type PixelLayout } from '../../src/model.js';
import type { EncodePlan } from '../../src/plugin.js';
import { COLOR_TYPE } from './chunks.js';
import { rgbFallback } from '../../src/convert/rgb-fallback.js';

/** libpng's default user limit (PNG_USER_WIDTH_MAX / PNG_USER_HEIGHT_MAX, pnglibconf.dfa). */
const LIBPNG_DEFAULT_MAX = 1_000_000;

/**
 * The layout PNG rows are written in for a page, with notices for every change.
 * - gray 1/2/4/8/16 bits; gray+alpha, RGB and RGBA 8/16 bits (sub-byte ones widened to 8);
 * - 16-bit samples big-endian (PNG §7.1); float/signed samples as 16-bit unsigned (needs --range);
 * - gray with 0 = white is inverted, since PNG gray 0 is black.
 * - CIELab becomes sRGB, CMYK (with --cmyk-to-rgb) naive RGB, through rgbFallback.
 * @throws RasterError E_UNSUPPORTED for CMYK without --cmyk-to-rgb, device colour, or a channel
 *   count that does not match the colour model.
 */
export function planPng(info: PageInfo, cmykToRgb = false): EncodePlan {
  const fallback = rgbFallback(info.layout, { cmykToRgb }, 'png');
  const l = fallback?.layout ?? info.layout;
  const notices: string[] = fallback ? [fallback.notice] : [];
  const colors = colorChannels(l);
  const wanted = l.colorModel === 'gray' ? 1 : 3;
  if (colors !== wanted || l.channels > wanted + 1)
    throw new RasterError(
      'E_UNSUPPORTED',
      `a ${l.colorModel} page must have ${wanted} colour channel${wanted > 1 ? 's' : ''} plus optional alpha, this one has ${l.channels} channels (${describeLayout(l)})`,
      { format: 'png', expected: `${wanted} or ${wanted + 1} channels`, actual: l.channels },
    );

  let bits: BitsPerSample = l.bitsPerSample;
  if (l.sampleFormat !== 'uint') {
    bits = 16;
    notices.push(`${l.sampleFormat === 'float' ? 'floating-point' : 'signed'} samples mapped through --range to 16-bit unsigned PNG samples`);
  } else if (bits < 8 && (l.alpha || l.colorModel === 'rgb')) {
    bits = 8;
    notices.push(`${l.bitsPerSample}-bit samples widened to 8 bits: PNG has 1/2/4-bit samples for gray without alpha only`);
  }
  if (l.colorModel === 'gray' && l.minIsWhite) notices.push('gray with 0 = white inverted to PNG gray (0 = black)');
  if (l.width > LIBPNG_DEFAULT_MAX || l.height > LIBPNG_DEFAULT_MAX)
    notices.push(`a ${l.width}×${l.height} PNG is over the 1,000,000-pixel side that libpng-based readers accept by default`);

  const layout: PixelLayout = { ...l, bitsPerSample: bits, sampleFormat: 'uint', byteOrder: 'be', minIsWhite: false };
  return { layout, notices };
}

/** The IHDR colour type of a layout planPng returned. */
export function colorTypeOf(layout: PixelLayout): number {
  if (layout.colorModel === 'gray') return layout.alpha ? COLOR_TYPE.grayAlpha : COLOR_TYPE.gray;
  return layout.alpha ? COLOR_TYPE.rgba : COLOR_TYPE.rgb;
}
