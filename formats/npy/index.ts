/**
 * numpy .npy arrays (format versions 1.0, 2.0 and 3.0) as images: 2-D gray, 3-D with channels or
 * a stack of pages, 4-D stacks with channels; bool, 8/16-bit integer and 32-bit float samples; C
 * or Fortran order. See README.md for the shape convention and the limits.
 */
import type { DecoderPlugin } from '../../src/plugin.js';
import { NPY_MAGIC, isNpyMagic } from './magic.js';

export const npyDecoder: DecoderPlugin = {
  name: 'npy',
  description: 'numpy .npy array (2-D to 4-D; bool, u1, i1, u2, i2, f4; C or Fortran order)',
  extensions: ['.npy'],
  magicBytes: NPY_MAGIC.length,
  sniff: isNpyMagic,
  // Loaded on first use, so that the CLI starts fast.
  open: async (src) => (await import('./decoder.js')).openNpy(src),
};
