/**
 * The TIFF encoder plugin: baseline TIFF 6.0 strips (none, deflate, LZW or PackBits, with the
 * horizontal or floating-point predictor), any number of pages, BigTIFF when the file passes 4 GiB.
 */
import type { EncoderPlugin } from '../../src/plugin.js';
import { tiffOptionSpecs } from './options.js';

export const tiffEncoder = {
  name: 'tiff',
  description: 'TIFF 6.0 / BigTIFF, any layout kept losslessly, multi-page',
  extensions: ['.tif', '.tiff'],
  mimeType: 'image/tiff',
  multiPage: true,
  needsSeekableOutput: true,
  options: tiffOptionSpecs,
  // The encoder is loaded on first use: the CLI starts faster when it only needs the option specs.
  create: async (sink, options) => (await import('./encoder.js')).createTiffWriter(sink, options),
} satisfies EncoderPlugin;
