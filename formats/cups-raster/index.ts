/**
 * Decoders for print-job rasters: CUPS raster v1/v2/v3 in both byte orders (PWG raster is v2
 * with "PwgRaster" in the header) and Apple raster (URF). See README.md for what each colour
 * space becomes.
 */
import type { DecoderPlugin } from '../../src/plugin.js';
import { cupsStreamKind, isUrf, URF_MAGIC } from './sync.js';

export const cupsRasterDecoder: DecoderPlugin = {
  name: 'cups-raster',
  description: 'CUPS raster v1/v2/v3 (RaSt, RaS2, RaS3 in either byte order) and PWG raster',
  extensions: ['.ras', '.pwg'],
  magicBytes: 4,
  sniff: (head) => cupsStreamKind(head) !== undefined,
  // Loaded on first use, so that the CLI starts fast.
  open: async (src) => (await import('./decoder.js')).openCupsRaster(src),
};

export const urfDecoder: DecoderPlugin = {
  name: 'urf',
  description: 'Apple raster (URF, UNIRAST)',
  extensions: ['.urf'],
  magicBytes: URF_MAGIC.length,
  sniff: isUrf,
  open: async (src) => (await import('./decoder.js')).openUrf(src),
};
