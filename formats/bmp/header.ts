/**
 * The BMP headers: which kind of pixel storage a row layout maps to, the sizes and offsets that
 * follow from it, and the bytes of BITMAPFILEHEADER + BITMAPINFOHEADER / BITMAPV5HEADER + the
 * RGBQUAD palette (Microsoft Learn, "Bitmap Storage", "BITMAPINFOHEADER", "BITMAPV5HEADER").
 * All fields are little-endian.
 */
import { RasterError } from '../../src/errors.js';
import { describeLayout, pelsPerMeter, type PixelLayout, type Resolution } from '../../src/model.js';

export const BITMAPFILEHEADER_SIZE = 14;
export const BITMAPINFOHEADER_SIZE = 40;
export const BITMAPV5HEADER_SIZE = 124;
/** biCompression: uncompressed, colours from the palette or plain BGR. */
export const BI_RGB = 0;
/** biCompression: uncompressed, channels located by the colour masks. */
export const BI_BITFIELDS = 3;
/** bV5CSType 'sRGB' (wingdi.h LCS_sRGB), stored as a little-endian DWORD. */
export const LCS_sRGB = 0x73524742;
/** bV5Intent perceptual (wingdi.h LCS_GM_IMAGES), the intent sRGB is defined for. */
export const LCS_GM_IMAGES = 4;
/** Channel masks of 32-bit BGRA as GIMP and ImageMagick write them. */
export const BGRA_MASKS = { red: 0x00ff0000, green: 0x0000ff00, blue: 0x000000ff, alpha: 0xff000000 } as const;

/** Largest bfSize / biSizeImage (unsigned 32-bit). */
export const MAX_BMP_FILE_BYTES = 0xffffffff;
/** Largest biWidth / biHeight (signed 32-bit). */
const MAX_I32 = 0x7fffffff;

/**
 * How rows are stored:
 * - index1 / index4 / index8: gray samples used as palette indices, passed through;
 * - index4from2: 2-bit gray v stored as 4-bit index 5v (BMP has no 2 bpp), whose palette level 17·5v = 85v;
 * - bgr24: 8-bit RGB with R and B swapped;
 * - bgra32: 8-bit RGBA with R and B swapped, alpha located by BI_BITFIELDS masks.
 */
export type BmpPixels = 'index1' | 'index4from2' | 'index4' | 'index8' | 'bgr24' | 'bgra32';

/** Everything about one BMP file that follows from its layout. Sizes in bytes. */
export interface BmpGeometry {
  pixels: BmpPixels;
  width: number;
  height: number;
  /** biBitCount. */
  bitCount: 1 | 4 | 8 | 24 | 32;
  /** Gray level of each palette entry (R = G = B); empty for 24- and 32-bit files. */
  palette: Uint8Array;
  /** biSize: BITMAPINFOHEADER, or BITMAPV5HEADER when an alpha mask must be stated. */
  infoHeaderSize: number;
  /** Bytes of one stored row, padded to 4 bytes. */
  stride: number;
  /** bfOffBits: where the bottom row starts. */
  dataOffset: number;
  /** biSizeImage = stride × height. */
  imageSize: number;
  /** bfSize. */
  fileSize: number;
  /** biXPelsPerMeter / biYPelsPerMeter; 0 = unknown. */
  pelsPerMeter: { x: number; y: number };
}

/**
 * The storage for rows in `layout` (one of the layouts planBmp returns).
 * @throws RasterError E_UNSUPPORTED when BMP has no storage for rows in that layout.
 */
export function bmpPixelsFor(layout: PixelLayout): BmpPixels {
  const { colorModel, channels, alpha, bitsPerSample, sampleFormat } = layout;
  if (sampleFormat === 'uint' && colorModel === 'gray' && channels === 1 && !alpha) {
    if (bitsPerSample === 1) return 'index1';
    if (bitsPerSample === 2) return 'index4from2';
    if (bitsPerSample === 4) return 'index4';
    if (bitsPerSample === 8) return 'index8';
  }
  if (sampleFormat === 'uint' && colorModel === 'rgb' && bitsPerSample === 8) {
    if (channels === 3 && !alpha) return 'bgr24';
    if (channels === 4 && alpha) return 'bgra32';
  }
  throw new RasterError('E_UNSUPPORTED', `BMP cannot store rows laid out as ${describeLayout(layout)}`, {
    format: 'bmp',
    expected: '1/2/4/8-bit gray, 8-bit RGB or RGBA',
    actual: describeLayout(layout),
  });
}

const BIT_COUNT: Record<BmpPixels, BmpGeometry['bitCount']> = {
  index1: 1,
  index4from2: 4,
  index4: 4,
  index8: 8,
  bgr24: 24,
  bgra32: 32,
};

/** Gray levels of the palette: evenly spaced from black to white, reversed for minIsWhite. */
function grayPalette(bitCount: number, minIsWhite: boolean): Uint8Array {
  if (bitCount > 8) return new Uint8Array(0);
  const entries = 1 << bitCount;
  const step = 255 / (entries - 1); // 255, 17, 1: exact
  const levels = new Uint8Array(entries);
  for (let i = 0; i < entries; i++) levels[i] = minIsWhite ? 255 - i * step : i * step;
  return levels;
}

/**
 * Sizes and offsets of the BMP holding rows in `layout`. An unknown resolution is written as 0,
 * the value BITMAPINFOHEADER readers take as "not specified", rather than inventing 72 dpi.
 * @throws RasterError E_LIMIT when a side exceeds 2^31−1 or the file would exceed 4 GiB − 1;
 *   E_UNSUPPORTED when BMP has no storage for the layout.
 */
export function bmpGeometry(layout: PixelLayout, resolution?: Resolution): BmpGeometry {
  const pixels = bmpPixelsFor(layout);
  const { width, height } = layout;
  if (width > MAX_I32 || height > MAX_I32)
    throw new RasterError('E_LIMIT', `BMP biWidth/biHeight are signed 32-bit: ${width}×${height} exceeds 2^31−1; write TIFF (BigTIFF) instead`, {
      format: 'bmp',
      field: width > MAX_I32 ? 'biWidth' : 'biHeight',
      expected: MAX_I32,
      actual: Math.max(width, height),
    });
  const bitCount = BIT_COUNT[pixels];
  const palette = grayPalette(bitCount, Boolean(layout.minIsWhite));
  const infoHeaderSize = pixels === 'bgra32' ? BITMAPV5HEADER_SIZE : BITMAPINFOHEADER_SIZE;
  // "Bitmap Storage": each scan line is padded to a multiple of 4 bytes (a DWORD).
  const stride = Math.floor((width * bitCount + 31) / 32) * 4;
  const dataOffset = BITMAPFILEHEADER_SIZE + infoHeaderSize + 4 * palette.length;
  const imageSize = stride * height;
  const fileSize = dataOffset + imageSize;
  if (fileSize > MAX_BMP_FILE_BYTES)
    throw new RasterError(
      'E_LIMIT',
      `a ${width}×${height} BMP at ${bitCount} bits per pixel would be ${fileSize} bytes (${height} rows of ${stride} bytes after a ${dataOffset}-byte header), but bfSize is 32-bit (at most ${MAX_BMP_FILE_BYTES}): write TIFF (BigTIFF) instead`,
      { format: 'bmp', field: 'bfSize', expected: MAX_BMP_FILE_BYTES, actual: fileSize },
    );
  return {
    pixels,
    width,
    height,
    bitCount,
    palette,
    infoHeaderSize,
    stride,
    dataOffset,
    imageSize,
    fileSize,
    pelsPerMeter: {
      x: (resolution && pelsPerMeter(resolution.x)) ?? 0,
      y: (resolution && pelsPerMeter(resolution.y)) ?? 0,
    },
  };
}

/** The bytes before the pixel data: file header, info header and palette (dataOffset bytes). */
export function bmpHeaders(g: BmpGeometry): Buffer {
  const b = Buffer.alloc(g.dataOffset);
  // BITMAPFILEHEADER
  b.write('BM', 0, 'latin1'); // bfType
  b.writeUInt32LE(g.fileSize, 2); // bfSize; bfReserved1/2 at 6 and 8 stay 0
  b.writeUInt32LE(g.dataOffset, 10); // bfOffBits
  // BITMAPINFOHEADER (first 40 bytes of BITMAPV5HEADER as well)
  const h = BITMAPFILEHEADER_SIZE;
  b.writeUInt32LE(g.infoHeaderSize, h); // biSize
  b.writeInt32LE(g.width, h + 4); // biWidth
  b.writeInt32LE(g.height, h + 8); // biHeight > 0: bottom-up rows
  b.writeUInt16LE(1, h + 12); // biPlanes
  b.writeUInt16LE(g.bitCount, h + 14); // biBitCount
  b.writeUInt32LE(g.pixels === 'bgra32' ? BI_BITFIELDS : BI_RGB, h + 16); // biCompression
  b.writeUInt32LE(g.imageSize, h + 20); // biSizeImage
  b.writeInt32LE(g.pelsPerMeter.x, h + 24); // biXPelsPerMeter
  b.writeInt32LE(g.pelsPerMeter.y, h + 28); // biYPelsPerMeter
  b.writeUInt32LE(g.palette.length, h + 32); // biClrUsed; biClrImportant at h + 36 stays 0 (all)
  if (g.infoHeaderSize === BITMAPV5HEADER_SIZE) {
    b.writeUInt32LE(BGRA_MASKS.red, h + 40); // bV5RedMask
    b.writeUInt32LE(BGRA_MASKS.green, h + 44); // bV5GreenMask
    b.writeUInt32LE(BGRA_MASKS.blue, h + 48); // bV5BlueMask
    b.writeUInt32LE(BGRA_MASKS.alpha, h + 52); // bV5AlphaMask
    b.writeUInt32LE(LCS_sRGB, h + 56); // bV5CSType; endpoints and gammas (h + 60 … h + 107) unused for sRGB
    b.writeUInt32LE(LCS_GM_IMAGES, h + 108); // bV5Intent; no profile (h + 112 … h + 123 stay 0)
  }
  // RGBQUAD palette: blue, green, red, reserved
  const p = h + g.infoHeaderSize;
  for (let i = 0; i < g.palette.length; i++) {
    const v = g.palette[i]!;
    b[p + 4 * i] = v;
    b[p + 4 * i + 1] = v;
    b[p + 4 * i + 2] = v;
  }
  return b;
}
