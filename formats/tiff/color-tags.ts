/**
 * How a PixelLayout's channels are described in TIFF: PhotometricInterpretation, ExtraSamples and,
 * for separated (ink) data, InkSet and NumberOfInks. Every layout of the model has a lossless TIFF
 * description, as long as its channel count fits its colour model.
 *
 * Device (n-ink) data follows what libtiff checks when it reads a directory (tif_dirread.c,
 * tif_dir.c), so that libtiff-based readers take it without a warning:
 * - NumberOfInks equals SamplesPerPixel, alpha included (TIFF 6.0 §16 allows fewer when there are
 *   extra samples, but libtiff warns whenever the two differ);
 * - a separated image has at most 4 colour channels, so inks after the fourth are listed in
 *   ExtraSamples as 0 (unspecified data) — what libtiff would otherwise assume, with a warning.
 */
import { RasterError } from '../../src/errors.js';
import { colorChannels, type ColorModel, type PixelLayout } from '../../src/model.js';
import {
  EXTRA_SAMPLE_UNASSOCIATED_ALPHA,
  EXTRA_SAMPLE_UNSPECIFIED,
  INK_SET_CMYK,
  INK_SET_NOT_CMYK,
  PHOTOMETRIC_CIELAB,
  PHOTOMETRIC_MIN_IS_BLACK,
  PHOTOMETRIC_MIN_IS_WHITE,
  PHOTOMETRIC_RGB,
  PHOTOMETRIC_SEPARATED,
} from './tags.js';

export interface ColorTags {
  photometric: number;
  /** One value per channel after the colour channels (alpha: unassociated; extra inks: unspecified). */
  extraSamples: number[];
  /** Separated only (TIFF 6.0 §16). */
  inkSet?: number;
  numberOfInks?: number;
}

/** Colour channels libtiff allows a separated image before the rest must be ExtraSamples. */
const MAX_SEPARATED_COLORS = 4;

/** Colour channels each model has (device: any number). */
const COLOR_CHANNELS: Readonly<Record<Exclude<ColorModel, 'device'>, number>> = { gray: 1, rgb: 3, cmyk: 4, lab: 3 };

/**
 * The TIFF colour description of a layout.
 * @throws RasterError E_UNSUPPORTED when the channel count does not fit the colour model.
 */
export function colorTags(l: PixelLayout): ColorTags {
  const color = colorChannels(l);
  if (l.colorModel !== 'device') {
    const want = COLOR_CHANNELS[l.colorModel];
    if (color !== want)
      throw new RasterError(
        'E_UNSUPPORTED',
        `a ${l.colorModel} layout has ${want} colour channel${want === 1 ? '' : 's'}${l.alpha ? ' plus alpha' : ''}, not ${l.channels} channels`,
        { field: 'channels', expected: want + (l.alpha ? 1 : 0), actual: l.channels },
      );
  } else if (color < 1) {
    throw new RasterError('E_UNSUPPORTED', 'a device layout needs at least one ink channel besides alpha', { field: 'channels' });
  }
  const extraSamples = l.alpha ? [EXTRA_SAMPLE_UNASSOCIATED_ALPHA] : [];
  switch (l.colorModel) {
    case 'gray':
      return { photometric: l.minIsWhite ? PHOTOMETRIC_MIN_IS_WHITE : PHOTOMETRIC_MIN_IS_BLACK, extraSamples };
    case 'rgb':
      return { photometric: PHOTOMETRIC_RGB, extraSamples };
    case 'lab':
      return { photometric: PHOTOMETRIC_CIELAB, extraSamples };
    case 'cmyk':
      return { photometric: PHOTOMETRIC_SEPARATED, extraSamples, inkSet: INK_SET_CMYK };
    case 'device': {
      const extraInks = new Array<number>(Math.max(0, color - MAX_SEPARATED_COLORS)).fill(EXTRA_SAMPLE_UNSPECIFIED);
      return { photometric: PHOTOMETRIC_SEPARATED, extraSamples: [...extraInks, ...extraSamples], inkSet: INK_SET_NOT_CMYK, numberOfInks: l.channels };
    }
  }
}
