/**
 * How an array shape becomes pages of pixels. Like PIL's `Image.fromarray` and imageio, a 3-D
 * array whose last axis is at most 4 long is one image with channels; any other 3-D array is a
 * stack of gray images. See README.md.
 */
import type { ColorModel } from '../../src/model.js';

export type Interpretation = '(H, W)' | '(H, W, C)' | '(N, H, W)' | '(N, H, W, C)';

export interface NpyGeometry {
  pages: number;
  height: number;
  width: number;
  channels: number;
  colorModel: ColorModel;
  alpha: boolean;
  interpretation: Interpretation;
}

/** Channels an image axis may have: gray, gray+alpha, RGB, RGBA. */
const MAX_CHANNELS = 4;

export type ShapeResult = { ok: NpyGeometry } | { unsupported: string };

/** Map a validated shape (dimensions ≥ 1) to pages × height × width × channels. */
export function interpretShape(shape: readonly number[]): ShapeResult {
  const [a = 1, b = 1, c = 1, d = 1] = shape;
  let g: Omit<NpyGeometry, 'colorModel' | 'alpha'>;
  switch (shape.length) {
    case 2:
      g = { pages: 1, height: a, width: b, channels: 1, interpretation: '(H, W)' };
      break;
    case 3:
      g = c <= MAX_CHANNELS
        ? { pages: 1, height: a, width: b, channels: c, interpretation: '(H, W, C)' }
        : { pages: a, height: b, width: c, channels: 1, interpretation: '(N, H, W)' };
      break;
    case 4:
      if (d > MAX_CHANNELS) return { unsupported: `the last axis of a 4-D array is channels; ${d} is more than ${MAX_CHANNELS}` };
      g = { pages: a, height: b, width: c, channels: d, interpretation: '(N, H, W, C)' };
      break;
    default:
      return { unsupported: `a ${shape.length}-D array is not an image; 2-D (H, W), 3-D (H, W, C) or (N, H, W) and 4-D (N, H, W, C) are` };
  }
  const color = g.channels >= 3 ? 'rgb' : 'gray';
  return { ok: { ...g, colorModel: color, alpha: g.channels === 2 || g.channels === 4 } };
}
