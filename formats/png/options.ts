/**
 * The PNG encoder's options: their CLI/API declaration, their validation and their defaults.
 */
import { constants } from 'node:zlib';
import { RasterError } from '../../src/errors.js';
import type { OptionSpecs, Options } from '../../src/plugin.js';
import type { BlockStrategy } from './deflate-block.js';
import { FILTER_AVERAGE, FILTER_NONE, FILTER_PAETH, FILTER_SUB, FILTER_UP, type FilterMode } from './filter.js';

export const PNG_FILTERS = ['none', 'sub', 'up', 'average', 'paeth', 'adaptive'] as const;
export type PngFilterName = (typeof PNG_FILTERS)[number];

export const PNG_STRATEGIES = ['auto', 'default', 'filtered', 'rle', 'huffman'] as const;
export type PngStrategyName = (typeof PNG_STRATEGIES)[number];

/** zlib level when `level` is not given. See DEFAULT_STRATEGY for the measurements. */
export const DEFAULT_LEVEL = 6;
/** zlib strategy when `pngStrategy` is not given. */
export const DEFAULT_STRATEGY: PngStrategyName = 'auto';
export const DEFAULT_FILTER: PngFilterName = 'adaptive';

export const pngOptionSpecs: OptionSpecs = {
  level: { type: 'number', describe: 'zlib compression level 0–9 (PNG, deflate TIFF)' },
  pngFilter: {
    type: 'string',
    describe: 'PNG row filter: one for every row, or adaptive (chosen per row, as libpng does)',
    choices: PNG_FILTERS,
    default: DEFAULT_FILTER,
  },
  pngStrategy: {
    type: 'string',
    describe:
      'zlib strategy for PNG: auto (rle, plus filtered where rle shrinks a block below 3 %, e.g. rendered pages), default, filtered, rle (fastest), huffman',
    choices: PNG_STRATEGIES,
    default: DEFAULT_STRATEGY,
  },
};

export interface PngOptions {
  level: number;
  filter: PngFilterName;
  strategy: PngStrategyName;
}

/**
 * Read and check the PNG options from the shared option bag.
 * @throws RasterError E_BAD_OPTION when a value is not one of those allowed.
 */
export function parsePngOptions(options: Options): PngOptions {
  const level = options['level'] ?? DEFAULT_LEVEL;
  if (typeof level !== 'number' || !Number.isInteger(level) || level < 0 || level > 9)
    throw new RasterError('E_BAD_OPTION', `--level must be a whole number from 0 to 9 (got ${JSON.stringify(level)})`, {
      field: 'level',
      expected: '0–9',
      actual: String(level),
    });
  return {
    level,
    filter: oneOf(options, 'pngFilter', PNG_FILTERS, DEFAULT_FILTER),
    strategy: oneOf(options, 'pngStrategy', PNG_STRATEGIES, DEFAULT_STRATEGY),
  };
}

function oneOf<T extends string>(options: Options, key: string, allowed: readonly T[], fallback: T): T {
  const v = options[key] ?? fallback;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  const flag = `--${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;
  throw new RasterError('E_BAD_OPTION', `${flag} must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`, {
    field: key,
    expected: allowed.join('|'),
    actual: String(v),
  });
}

/**
 * zlib's constant for a strategy name. 'auto' is chosen per block (deflate-block.ts) on filtered
 * rows; unfiltered samples repeat at pixel distances that Z_RLE cannot see (5× larger than the
 * default strategy on the benchmark's rendered page, 2× on its smooth photograph), so with
 * filter None auto is zlib's default strategy.
 */
export function blockStrategy(name: PngStrategyName, filter: FilterMode): BlockStrategy {
  switch (name) {
    case 'auto':
      return filter === FILTER_NONE ? constants.Z_DEFAULT_STRATEGY : 'auto';
    case 'default':
      return constants.Z_DEFAULT_STRATEGY;
    case 'filtered':
      return constants.Z_FILTERED;
    case 'rle':
      return constants.Z_RLE;
    case 'huffman':
      return constants.Z_HUFFMAN_ONLY;
  }
}

/**
 * The filter mode for a filter name at a bit depth. Adaptive filtering of 1/2/4-bit rows gives
 * filter None, as libpng does and PNG §12.8 recommends: sub-byte samples do not predict well
 * byte by byte.
 */
export function filterMode(name: PngFilterName, bitDepth: number): FilterMode {
  switch (name) {
    case 'none':
      return FILTER_NONE;
    case 'sub':
      return FILTER_SUB;
    case 'up':
      return FILTER_UP;
    case 'average':
      return FILTER_AVERAGE;
    case 'paeth':
      return FILTER_PAETH;
    case 'adaptive':
      return bitDepth < 8 ? FILTER_NONE : 'adaptive';
  }
}
