/**
 * Which layout a page is written in as BMP, and what the user is told about the conversion.
 * BMP stores palette indices (1, 4, 8 bpp), 24-bit BGR or 32-bit BGRA: 8 bits per sample at most.
 */
import { RasterError } from '../../src/errors.js';
import { colorChannels, describeLayout, pelsPerMeter, type PageInfo, type PixelLayout } from '../../src/model.js';
import type { EncodePlan, Options } from '../../src/plugin.js';
import { rgbFallback } from '../../src/convert/rgb-fallback.js';
import { bmpGeometry } from './header.js';

export const SCALED_16_BIT_NOTICE = 'BMP holds 8 bits per sample: 16-bit samples scaled to 8 bits as round(v/257)';

/** The layout rows must have for BMP (without width/height). */
function targetLayout(src: PixelLayout): Omit<PixelLayout, 'width' | 'height'> {
  const eight = { bitsPerSample: 8, sampleFormat: 'uint', byteOrder: 'le' } as const;
  if (src.colorModel === 'rgb') return { ...eight, colorModel: 'rgb', channels: src.alpha ? 4 : 3, alpha: src.alpha };
  // Gray + alpha has no BMP form: the converter expands it to RGBA.
  if (src.alpha) return { ...eight, colorModel: 'rgb', channels: 4, alpha: true };
  // Gray keeps 1/2/4-bit depth (palette indices) and its minIsWhite sense: the palette is
  // reversed instead of the samples inverted.
  const keepDepth = src.sampleFormat === 'uint' && src.bitsPerSample < 8;
  return {
    ...eight,
    bitsPerSample: keepDepth ? src.bitsPerSample : 8,
    colorModel: 'gray',
    channels: 1,
    alpha: false,
    ...(src.minIsWhite ? { minIsWhite: true } : {}),
  };
}

/**
 * Plan one page: the layout to convert to and the notices about lossy conversions.
 * CIELab pages become sRGB and CMYK pages (with --cmyk-to-rgb) RGB through rgbFallback.
 * @throws RasterError E_UNSUPPORTED for CMYK without --cmyk-to-rgb, device-n or an odd channel
 *   count (BMP holds gray and RGB(A) only); E_LIMIT when the file would not fit BMP's 32-bit sizes.
 */
export function planBmp(info: PageInfo, options: Options = {}): EncodePlan {
  const fallback = rgbFallback(info.layout, options, 'bmp');
  const src = fallback?.layout ?? info.layout;
  const colour = colorChannels(src);
  if ((src.colorModel !== 'gray' && src.colorModel !== 'rgb') || colour !== (src.colorModel === 'gray' ? 1 : 3))
    throw new RasterError('E_UNSUPPORTED', `BMP holds gray and RGB(A) only, and this page is ${describeLayout(src)}: write TIFF instead`, {
      format: 'bmp',
      field: 'colorModel',
      expected: 'gray, gray+alpha, rgb or rgb+alpha',
      actual: describeLayout(src),
    });
  const layout: PixelLayout = { width: src.width, height: src.height, ...targetLayout(src) };
  const notices: string[] = fallback ? [fallback.notice] : [];
  if (src.colorModel === 'gray' && src.alpha) notices.push(`gray+alpha written as 32-bit BGRA${src.minIsWhite ? ', gray with 0 = white inverted (0 = black)' : ''}: BMP has no gray+alpha form`);
  if (src.sampleFormat === 'uint' && src.bitsPerSample < 8 && layout.bitsPerSample === 8)
    notices.push(`${src.bitsPerSample}-bit samples widened to 8 bits: BMP keeps samples under 8 bits (as palette indices) for gray without alpha only`);
  if (src.sampleFormat === 'uint' && src.bitsPerSample === 16) notices.push(SCALED_16_BIT_NOTICE);
  if (src.sampleFormat !== 'uint')
    notices.push(`BMP holds 8 bits per sample: ${src.sampleFormat === 'float' ? 'floating-point' : 'signed'} samples mapped from --range onto 0–255`);
  const res = info.resolution;
  if (res && (pelsPerMeter(res.x) === undefined || pelsPerMeter(res.y) === undefined))
    notices.push(`BMP resolution left unknown: ${res.x}×${res.y} dpi is not a positive whole number of pixels per metre below 2^31`);
  bmpGeometry(layout, res); // E_LIMIT now, before anything is written
  return { layout, notices };
}
