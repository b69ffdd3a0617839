/**
 * BMP (Windows device-independent bitmap) encoder plugin: uncompressed, bottom-up, one page.
 * 1/2/4/8-bit gray → 1/4/8 bpp with a gray palette, RGB → 24-bit BGR, RGBA and gray+alpha →
 * 32-bit BGRA with a BITMAPV5HEADER alpha mask.
 */
import type { EncoderPlugin } from '../../src/plugin.js';
import { RGB_FALLBACK_OPTIONS } from '../../src/convert/rgb-fallback.js';

export const bmpEncoder = {
  name: 'bmp',
  description: 'Windows bitmap: gray palette (1/4/8 bpp), 24-bit BGR or 32-bit BGRA, uncompressed',
  extensions: ['.bmp', '.dib'],
  mimeType: 'image/bmp',
  multiPage: false,
  // Bottom-up rows are written at their final offsets as they arrive, top row last in the file.
  needsSeekableOutput: true,
  options: RGB_FALLBACK_OPTIONS,
  // Loaded on first use, so that the CLI starts fast.
  async create(sink, options) {
    const { BmpImageWriter } = await import('./encoder.js');
    return new BmpImageWriter(sink, options);
  },
} satisfies EncoderPlugin;
