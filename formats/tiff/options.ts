/**
 * The TIFF encoder's options: their CLI declarations, their validation, and the predictor each
 * page gets.
 */
import { RasterError } from '../../src/errors.js';
import type { PixelLayout } from '../../src/model.js';
import type { OptionSpecs, Options } from '../../src/plugin.js';
import { ZLIB_LEVEL_OPTION, choiceOf, zlibLevel } from '../../src/option-values.js';
import { COMPRESSION_CODE, PREDICTOR_CODE, type Compression, type Predictor } from './tags.js';

const COMPRESSIONS = Object.keys(COMPRESSION_CODE) as Compression[];
const PREDICTORS = Object.keys(PREDICTOR_CODE) as Predictor[];

// Defaults are applied in code rather than declared: `compression` and `level` may be shared with
// other encoders, and a declared default would be passed to all of them.
export const tiffOptionSpecs = {
  compression: {
    type: 'string',
    describe: 'TIFF compression: none (default, as libtiff and libvips), deflate, lzw or packbits',
    choices: COMPRESSIONS,
  },
  bigtiff: {
    type: 'boolean',
    describe: 'write BigTIFF even when the file stays below 4 GiB (it is chosen automatically above)',
  },
  level: ZLIB_LEVEL_OPTION,
  predictor: {
    type: 'string',
    describe:
      'TIFF predictor with deflate or lzw: none, horizontal (default for 8- and 16-bit integer samples) or float (32-bit float samples)',
    choices: PREDICTORS,
  },
} as const satisfies OptionSpecs;

export interface TiffOptions {
  compression: Compression;
  bigtiff: boolean;
  level: number;
  /** A --level was given for a compression that has none (PackBits, LZW, none): said in a notice. */
  levelIgnored: boolean;
  /** undefined: chosen per page by pagePredictor(). */
  predictor: Predictor | undefined;
}

function badOption(field: string, detail: string, actual: unknown): RasterError {
  return new RasterError('E_BAD_OPTION', detail, { field, actual: String(actual) });
}

/**
 * Read and check the TIFF options from the shared option bag.
 * @throws RasterError E_BAD_OPTION for a value out of range, or a predictor without deflate/lzw.
 */
export function parseTiffOptions(options: Options): TiffOptions {
  const compression = choiceOf(options, 'compression', COMPRESSIONS) ?? 'none';
  const predictor = choiceOf(options, 'predictor', PREDICTORS);
  const bigtiff = options['bigtiff'] ?? false;
  if (typeof bigtiff !== 'boolean') throw badOption('bigtiff', `--bigtiff is a switch (true or false), got ${JSON.stringify(bigtiff)}`, bigtiff);
  const level = zlibLevel(options);
  // Of the compressions written here, libtiff applies a predictor with LZW and deflate only (those
  // codecs call TIFFPredictorInit); with the others a reader would return differenced samples.
  if (predictor !== undefined && predictor !== 'none' && compression !== 'deflate' && compression !== 'lzw')
    throw badOption('predictor', `--predictor ${predictor} works with --compression deflate or lzw, not ${compression}`, predictor);
  return { compression, bigtiff, level, levelIgnored: options['level'] !== undefined && compression !== 'deflate', predictor };
}

/**
 * The predictor for a page: the one asked for, if it suits the samples, else the default
 * (horizontal for deflate/LZW on 8- and 16-bit integers, none otherwise).
 * @throws RasterError E_BAD_OPTION when the predictor asked for cannot apply to these samples.
 */
export function pagePredictor(o: TiffOptions, l: PixelLayout): Predictor {
  const integer = l.sampleFormat !== 'float';
  if (o.predictor === undefined) {
    const compressed = o.compression === 'deflate' || o.compression === 'lzw';
    return compressed && integer && (l.bitsPerSample === 8 || l.bitsPerSample === 16) ? 'horizontal' : 'none';
  }
  // Horizontal differencing needs whole-byte integer samples (libtiff refuses sub-byte ones);
  // the floating-point predictor is defined for IEEE floats only (Adobe TN3).
  if (o.predictor === 'horizontal' && !(integer && l.bitsPerSample >= 8))
    throw badOption('predictor', `--predictor horizontal needs integer samples of 8, 16 or 32 bits, not ${l.bitsPerSample}-bit ${l.sampleFormat}${l.sampleFormat === 'float' ? ' (use --predictor float)' : ''}`, o.predictor);
  if (o.predictor === 'float' && integer)
    throw badOption('predictor', `--predictor float needs 32-bit float samples, not ${l.bitsPerSample}-bit ${l.sampleFormat}${l.bitsPerSample >= 8 ? ' (use --predictor horizontal)' : ''}`, o.predictor);
  return o.predictor;
}
