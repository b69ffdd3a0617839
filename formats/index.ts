/**
 * The built-in formats: the only place a format is registered. Adding a format is one folder in
 * formats/ and one line here.
 */
import type { DecoderPlugin, EncoderPlugin } from '../src/plugin.js';
import { rawDecoder } from './raw/index.js';
import { cupsRasterDecoder, urfDecoder } from './cups-raster/index.js';
import { npyDecoder } from './npy/index.js';
import { bmpEncoder } from './bmp/index.js';
import { tiffEncoder } from './tiff/index.js';
import { pngEncoder } from './png/index.js';

export const builtinDecoders: readonly DecoderPlugin[] = [rawDecoder, npyDecoder, cupsRasterDecoder, urfDecoder];

export const builtinEncoders: readonly EncoderPlugin[] = [tiffEncoder, pngEncoder, bmpEncoder];
