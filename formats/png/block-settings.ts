/**
 * What the PNG options mean for the compressor: the filter mode of each row and zlib's strategy
 * for each block.
 */
import { constants } from 'node:zlib';
import type { BlockStrategy } from './deflate-block.js';
import { FILTER_AVERAGE, FILTER_NONE, FILTER_PAETH, FILTER_SUB, FILTER_UP, type FilterMode } from './filter.js';
import type { PngFilterName, PngStrategyName } from './options.js';

/**
 * zlib's constant for a strategy name. 'auto' is the per-block choice of deflate-block.ts for
 * adaptively filtered rows (default strategy for blocks of mostly flat rows, else Z_RLE or
 * Z_FILTERED), which is where it was measured to lose nothing. Rows under one fixed
 * filter keep patterns that only LZ77 matching finds: with Up, Z_RLE made the smooth photograph
 * 43 MB where Z_FILTERED made 24 MB, and unfiltered rows repeat at pixel distances (Z_RLE: page
 * 4.5 MB, zlib's default strategy 0.84 MB). So auto is Z_FILTERED under a fixed filter, and
 * zlib's default strategy without one (filter None, and 1/2/4-bit rows under adaptive).
 */
export function blockStrategy(name: PngStrategyName, filter: FilterMode): BlockStrategy {
  switch (name) {
    case 'auto':
      return filter === 'adaptive' ? 'auto' : filter === FILTER_NONE ? constants.Z_DEFAULT_STRATEGY : constants.Z_FILTERED;
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
