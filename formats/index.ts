/**
 * The built-in formats: the only place a format is registered. Adding a format is one folder in
 * formats/ and one line here.
 */
import type { DecoderPlugin, EncoderPlugin, OptionValuesOf } from '../src/plugin.js';
import { rawDecoder } from './raw/index.js';
import { cupsRasterDecoder, urfDecoder } from './cups-raster/index.js';
import { npyDecoder } from './npy/index.js';
import { bmpEncoder } from './bmp/index.js';
import { tiffEncoder } from './tiff/index.js';
import { pngEncoder } from './png/index.js';

export const builtinDecoders = [rawDecoder, npyDecoder, cupsRasterDecoder, urfDecoder] as const satisfies readonly DecoderPlugin[];

export const builtinEncoders = [tiffEncoder, pngEncoder, bmpEncoder] as const satisfies readonly EncoderPlugin[];

/** The options of the built-in formats as a TypeScript type (the CLI's flags, camelCased), read off their specs. */
export type BuiltinFormatOptions = OptionValuesOf<(typeof builtinDecoders)[number] | (typeof builtinEncoders)[number]>;
/** The options of the built-in input formats only (what describe() and openInput() read). */
export type BuiltinInputOptions = OptionValuesOf<(typeof builtinDecoders)[number]>;
