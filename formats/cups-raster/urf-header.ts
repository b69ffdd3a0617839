/**
 * Apple raster (URF, "UNIRAST"): a 12-byte file header and a 32-byte big-endian header per page
 * (formats.md §1.10; CUPS raster-stream.c Apple branch, apple/cups#4920), whose pixels use the
 * v2 compression. Each page header is mapped to the CUPS description CUPS's own reader builds
 * from it, so the rest of the decoder is shared.
 */
import type { RasterDims } from './page-geometry.js';

/** The page header with the names used by CUPS and cups-filters' unirast.h. */
export interface UrfPageHeader {
  bitsPerPixel: number;
  colorSpace: number;
  duplex: number;
  quality: number;
  mediaType: number;
  mediaPosition: number;
  width: number;
  height: number;
  resolution: number;
}

/** Offsets of the page-header fields (for error locations). */
export const URF_FIELD_OFFSETS: Record<keyof UrfPageHeader, number> = {
  bitsPerPixel: 0,
  colorSpace: 1,
  duplex: 2,
  quality: 3,
  mediaType: 4,
  mediaPosition: 5,
  width: 12,
  height: 16,
  resolution: 20,
};

/**
 * URF colour byte → cups_cspace_t and colour count, as raster-stream.c maps it:
 * 0 sGray, 1 sRGB, 2 CIELab, 3 AdobeRGB, 4 Gray, 5 RGB, 6 CMYK.
 */
export const URF_COLOR_SPACES: readonly { cups: number; colors: number; name: string }[] = [
  { cups: 18, colors: 1, name: 'sGray' },
  { cups: 19, colors: 3, name: 'sRGB' },
  { cups: 16, colors: 3, name: 'CIELab' },
  { cups: 20, colors: 3, name: 'AdobeRGB' },
  { cups: 0, colors: 1, name: 'Gray' },
  { cups: 1, colors: 3, name: 'RGB' },
  { cups: 6, colors: 4, name: 'CMYK' },
];

export function parseUrfPageHeader(b: Uint8Array): UrfPageHeader {
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  return {
    bitsPerPixel: b[0]!,
    colorSpace: b[1]!,
    duplex: b[2]!,
    quality: b[3]!,
    mediaType: b[4]!,
    mediaPosition: b[5]!,
    width: v.getUint32(12, false),
    height: v.getUint32(16, false),
    resolution: v.getUint32(20, false),
  };
}

/**
 * The CUPS page description of a URF page (raster-stream.c: bitsPerColor = bpp / colours,
 * bytesPerLine = width × bpp / 8, chunked), or undefined for an unknown colour byte.
 */
export function urfDims(h: UrfPageHeader): RasterDims | undefined {
  const cs = URF_COLOR_SPACES[h.colorSpace];
  if (!cs) return undefined;
  return {
    cupsWidth: h.width,
    cupsHeight: h.height,
    cupsBitsPerColor: h.bitsPerPixel / cs.colors,
    cupsBitsPerPixel: h.bitsPerPixel,
    cupsBytesPerLine: Math.ceil((h.width * h.bitsPerPixel) / 8),
    cupsColorOrder: 0,
    cupsColorSpace: cs.cups,
    cupsNumColors: cs.colors,
  };
}
