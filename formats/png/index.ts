/**
 * The PNG encoder plugin: gray 1–16 bits, gray+alpha, RGB and RGBA 8/16 bits, streamed with
 * adaptive row filtering and a zlib stream compressed on every core.
 */
import type { EncoderPlugin } from '../../src/plugin.js';
import type { PngTuning } from './encoder.js';
import { parsePngOptions, pngOptionSpecs } from './options.js';

/** A PNG encoder cutting its work up as `tuning` says (default: encoder.ts DEFAULT_TUNING; tests use small blocks and chunks). */
export function makePngEncoder(tuning?: PngTuning): Omit<EncoderPlugin, 'options'> & { readonly options: typeof pngOptionSpecs } {
  return {
    name: 'png',
    description: 'PNG (gray 1–16 bit, gray+alpha, RGB, RGBA 8/16 bit)',
    extensions: ['.png'],
    mimeType: 'image/png',
    multiPage: false,
    needsSeekableOutput: false,
    options: pngOptionSpecs,
    /** @throws RasterError E_BAD_OPTION for an invalid level, pngFilter or pngStrategy. */
    async create(sink, options) {
      const png = parsePngOptions(options);
      // The encoder is loaded on first use: the CLI starts faster when it only needs the option specs.
      const { DEFAULT_TUNING, PngImageWriter } = await import('./encoder.js');
      return new PngImageWriter(sink, png, tuning ?? DEFAULT_TUNING);
    },
  };
}

export const pngEncoder = makePngEncoder();
