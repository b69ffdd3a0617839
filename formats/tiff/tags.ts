/**
 * TIFF numbers used by the encoder, with the names of TIFF 6.0 (Part 1 §8 field types, the tag
 * sections cited below), the BigTIFF extension (libtiff's "BigTIFF" design page) and Adobe's
 * Photoshop TIFF Technical Note 3 (SampleFormat, floating-point predictor).
 */

/** Field types (TIFF 6.0 §2 "IFD Entry"; LONG8 from BigTIFF). */
export const TYPE_ASCII = 2;
export const TYPE_SHORT = 3;
export const TYPE_LONG = 4;
export const TYPE_RATIONAL = 5;
export const TYPE_LONG8 = 16;

/** Bytes of one value of each field type we write. */
export const TYPE_SIZE: Readonly<Record<number, number>> = {
  [TYPE_ASCII]: 1,
  [TYPE_SHORT]: 2,
  [TYPE_LONG]: 4,
  [TYPE_RATIONAL]: 8,
  [TYPE_LONG8]: 8,
};

/** Tags, in the order they must appear in an IFD (ascending). */
export const TAG_NEW_SUBFILE_TYPE = 254;
export const TAG_IMAGE_WIDTH = 256;
export const TAG_IMAGE_LENGTH = 257;
export const TAG_BITS_PER_SAMPLE = 258;
export const TAG_COMPRESSION = 259;
export const TAG_PHOTOMETRIC = 262;
export const TAG_STRIP_OFFSETS = 273;
export const TAG_SAMPLES_PER_PIXEL = 277;
export const TAG_ROWS_PER_STRIP = 278;
export const TAG_STRIP_BYTE_COUNTS = 279;
export const TAG_X_RESOLUTION = 282;
export const TAG_Y_RESOLUTION = 283;
export const TAG_PLANAR_CONFIGURATION = 284;
export const TAG_RESOLUTION_UNIT = 296;
export const TAG_PAGE_NUMBER = 297;
export const TAG_SOFTWARE = 305;
export const TAG_PREDICTOR = 317;
export const TAG_INK_SET = 332;
export const TAG_NUMBER_OF_INKS = 334;
export const TAG_EXTRA_SAMPLES = 338;
export const TAG_SAMPLE_FORMAT = 339;

/** NewSubfileType bit 1: "a single page of a multi-page image" (§8). */
export const SUBFILE_PAGE = 2;

/** Compression values (§8; 8 = "Adobe deflate", the zlib stream of TIFF Technical Note 2). */
export const COMPRESSION_CODE = { none: 1, deflate: 8, lzw: 5, packbits: 32773 } as const;
export type Compression = keyof typeof COMPRESSION_CODE;

/** Predictor values (§14; 3 = floating point, Adobe TN3). */
export const PREDICTOR_CODE = { none: 1, horizontal: 2, float: 3 } as const;
export type Predictor = keyof typeof PREDICTOR_CODE;

/** PhotometricInterpretation values (§8, §16, §23). */
export const PHOTOMETRIC_MIN_IS_WHITE = 0;
export const PHOTOMETRIC_MIN_IS_BLACK = 1;
export const PHOTOMETRIC_RGB = 2;
export const PHOTOMETRIC_SEPARATED = 5;
export const PHOTOMETRIC_CIELAB = 8;

/** InkSet values (§16): 1 = CMYK in that order, 2 = not CMYK (NumberOfInks gives the count). */
export const INK_SET_CMYK = 1;
export const INK_SET_NOT_CMYK = 2;

/** ExtraSamples values (§18): 0 unspecified data, 2 unassociated alpha. */
export const EXTRA_SAMPLE_UNSPECIFIED = 0;
export const EXTRA_SAMPLE_UNASSOCIATED_ALPHA = 2;

/** SampleFormat values (§19). */
export const SAMPLE_FORMAT_CODE = { uint: 1, int: 2, float: 3 } as const;

/** PlanarConfiguration 1: samples of a pixel stored together ("chunky"). */
export const PLANAR_CONTIG = 1;

/** ResolutionUnit 2: inch. */
export const RESOLUTION_UNIT_INCH = 2;
