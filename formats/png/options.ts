/**
 * The PNG encoder's options: their CLI/API declaration, their validation and their defaults.
 * What they mean for the compression (zlib strategies, filter modes) is in block-settings.ts, so
 * that declaring the options loads neither zlib nor the filters (the CLI loads this at every start).
 */
import { RGB_FALLBACK_OPTIONS } from '../../src/convert/rgb-fallback.js';
import type { OptionSpecs, Options } from '../../src/plugin.js';
import { ZLIB_LEVEL_OPTION, choiceOf, zlibLevel } from '../../src/option-values.js';

export const PNG_FILTERS = ['none', 'sub', 'up', 'average', 'paeth', 'adaptive'] as const;
export type PngFilterName = (typeof PNG_FILTERS)[number];

export const PNG_STRATEGIES = ['auto', 'default', 'filtered', 'rle', 'huffman'] as const;
export type PngStrategyName = (typeof PNG_STRATEGIES)[number];

/**
 * The defaults: adaptive filtering, strategy auto, level 6. Measured with bench/png-strategies.ts
 * on five 8000² 8-bit RGB images of 192 MB (a rendered page, a scan of it, a noisy photograph,
 * the same photograph smooth, the synthetic image of bench/run.ts), one run each on a shared
 * 2-core machine. Size relative to ImageMagick 6.9's PNG24 (libpng adaptive filters, level 7) /
 * CPU seconds of the whole process:
 *
 *                        page          scan          photo         smooth         synthetic
 *   ImageMagick PNG24    1.02 MB       97.34 MB      113.24 MB     28.91 MB       78.86 MB
 *   vips, no filter, 6   0.824 / 0.90  0.939 / 13.9  1.562 / 7.58  2.914 / 4.57   1.892 / 6.33
 *   adaptive, auto 6     0.832 / 1.86  1.000 / 2.98  1.001 / 2.93  1.032 / 3.08   0.967 / 3.68
 *   before flat rows (filter.ts, FLAT_ROW_SHARE):
 *   adaptive, auto 6     1.009 / 1.63  1.000 / 3.28  1.001 / 4.60  1.032 / 3.00   0.967 / 3.37
 *             default 6  1.010 / 1.55  1.064 / 6.49  1.034 / 5.81  1.005 / 13.95  1.071 / 9.16
 *             default 4  1.012 / 1.53  1.074 / 5.16  1.035 / 6.38  1.092 / 4.56   1.085 / 5.53
 *             filtered 6 1.014 / 1.67  1.002 / 8.02  1.001 / 6.66  0.997 / 14.21  1.001 / 12.13
 *             filtered 9 0.976 / 2.82  1.002 / 8.38  1.001 / 7.23  0.924 / 107.96 1.001 / 12.04
 *             rle        1.108 / 1.21  1.000 / 3.37  1.001 / 3.68  1.032 / 3.60   0.967 / 3.52
 *             huffman    24.30 / 2.05  1.000 / 3.28  1.001 / 3.61  1.222 / 3.56   0.965 / 3.13
 *
 * Z_RLE is as small as the LZ77 strategies on filtered photographs and scans and 1.8–4× cheaper,
 * but 11 % larger on the page. On the page, unfiltered flat rows under zlib's default strategy
 * beat every filter and strategy above (vips's unfiltered file is that small for this reason):
 * auto gives each kind of block its own. The level then only matters for page-like blocks, where
 * 4–6 are alike; 6 is zlib's own default.
 * Best wall time of 3 runs, vips against ours (in-process, no start-up): page 0.74 / 0.54 s,
 * scan 13.64 / 1.59 s, photo 5.29 / 1.64 s, smooth 3.51 / 1.65 s, synthetic 6.20 / 1.57 s
 * (before flat rows the page took 0.87 s against vips's 0.72 s).
 */
const DEFAULT_STRATEGY: PngStrategyName = 'auto';
const DEFAULT_FILTER: PngFilterName = 'adaptive';

export const pngOptionSpecs = {
  level: ZLIB_LEVEL_OPTION,
  pngFilter: {
    type: 'string',
    describe: 'PNG row filter: one for every row, or adaptive (chosen per row, as libpng does)',
    choices: PNG_FILTERS,
    default: DEFAULT_FILTER,
  },
  pngStrategy: {
    type: 'string',
    describe: "zlib strategy for PNG: auto (per block: zlib's default where most rows are flat, as on rendered pages; rle for photographs and scans), default, filtered, rle, huffman",
    choices: PNG_STRATEGIES,
    default: DEFAULT_STRATEGY,
  },
  ...RGB_FALLBACK_OPTIONS,
} as const satisfies OptionSpecs;

export interface PngOptions {
  level: number;
  filter: PngFilterName;
  strategy: PngStrategyName;
  /** --cmyk-to-rgb: CMYK pages become RGB by the naive rule instead of an error. */
  cmykToRgb: boolean;
  /** A --level of 1–9 was given for --png-strategy rle or huffman, which zlib runs the same at every level: said in a notice. */
  levelIgnored: boolean;
}

/**
 * Read and check the PNG options from the shared option bag.
 * @throws RasterError E_BAD_OPTION when a value is not one of those allowed.
 */
export function parsePngOptions(options: Options): PngOptions {
  const level = zlibLevel(options);
  const strategy = choiceOf(options, 'pngStrategy', PNG_STRATEGIES) ?? DEFAULT_STRATEGY;
  return {
    level,
    filter: choiceOf(options, 'pngFilter', PNG_FILTERS) ?? DEFAULT_FILTER,
    strategy,
    cmykToRgb: Boolean(options['cmykToRgb']),
    // zlib's deflate.c runs deflate_rle / deflate_huff whatever the level, except 0 (stored).
    levelIgnored: options['level'] !== undefined && level > 0 && (strategy === 'rle' || strategy === 'huffman'),
  };
}
