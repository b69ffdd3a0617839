/**
 * For encoders that hold only gray and RGB(A) (PNG, BMP): how a print colour space becomes RGB.
 * CIELab is converted colorimetrically to sRGB (always, with a notice); CMYK only when the user
 * asks for the naive conversion with --cmyk-to-rgb, since without colour management it is a
 * preview, not a proof. Anything else is refused with the way out named.
 */
import { RasterError } from '../errors.js';
import { describeLayout, type PixelLayout } from '../model.js';
import type { OptionSpecs, Options } from '../plugin.js';

/** The option encoders that use rgbFallback declare. */
export const RGB_FALLBACK_OPTIONS = {
  cmykToRgb: {
    type: 'boolean',
    describe: 'PNG/BMP: write CMYK pages as RGB by the naive PostScript rule R = 1 − min(1, C + K) (no colour management)',
  },
} as const satisfies OptionSpecs;

/**
 * The layout to ask the converter for when `src` is not gray or RGB, with the notice to give.
 * Returns undefined for gray and RGB pages (nothing to do).
 * @throws RasterError E_UNSUPPORTED naming --cmyk-to-rgb for CMYK, or TIFF for device-n data.
 */
export function rgbFallback(src: PixelLayout, options: Options, format: string): { layout: PixelLayout; notice: string } | undefined {
  if (src.colorModel === 'gray' || src.colorModel === 'rgb') return undefined;
  const FORMAT = format.toUpperCase();
  const rgb = (bits: PixelLayout['bitsPerSample']): PixelLayout => ({
    ...src,
    colorModel: 'rgb',
    channels: src.alpha ? 4 : 3,
    bitsPerSample: bits,
    sampleFormat: 'uint',
  });
  if (src.colorModel === 'lab' && src.channels === 3 && (src.bitsPerSample === 8 || src.bitsPerSample === 16))
    return { layout: rgb(src.bitsPerSample), notice: `${FORMAT} holds no CIELab: converted to sRGB (D65 white)` };
  if (src.colorModel === 'cmyk' && src.sampleFormat === 'uint' && src.bitsPerSample <= 16) {
    if (options['cmykToRgb'])
      // Sub-byte ink (1-bit CMYK drivers) is unpacked to 8 bits by the converter first.
      return { layout: rgb(src.bitsPerSample === 16 ? 16 : 8), notice: `${FORMAT} holds no CMYK: converted to RGB by the naive rule R = 1 − min(1, C + K) (no colour management)` };
    throw new RasterError(
      'E_UNSUPPORTED',
      `${FORMAT} holds gray and RGB(A) only, and this page is ${describeLayout(src)}: write TIFF (Separated, lossless), or give --cmyk-to-rgb for a naive RGB conversion`,
      { format, field: 'colorModel', actual: src.colorModel },
    );
  }
  // Float or signed CMYK has no naive rule here (its ink range is not known): say so when it was asked for.
  const notForThese = src.colorModel === 'cmyk' && options['cmykToRgb'] ? ' (--cmyk-to-rgb converts unsigned CMYK of up to 16 bits only)' : '';
  throw new RasterError('E_UNSUPPORTED', `${FORMAT} holds gray and RGB(A) only, and this page is ${describeLayout(src)}: write TIFF instead${notForThese}`, {
    format,
    field: 'colorModel',
    actual: src.colorModel,
  });
}
