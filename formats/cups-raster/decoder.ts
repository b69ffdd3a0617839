/**
 * Opening a CUPS raster or Apple raster stream: the sync word or file header, then a RasterStream
 * that parses each page header with the format's own field layout. Loaded by index.ts on first use.
 */
import { oneLine } from '../../src/errors.js';
import type { ByteSource } from '../../src/io/byte-source.js';
import { fieldOffset, isPwgHeader, parsePageHeader, pwgFields } from './header.js';
import { BITS_PER_COLOR, MAX_HEIGHT, MAX_WIDTH, type RasterDims } from './page-geometry.js';
import { RasterStream, type StreamFormat } from './raster-stream.js';
import { cupsStreamKind, isUrf, KNOWN_SYNCS, URF_FILE_HEADER_BYTES, URF_PAGE_HEADER_BYTES } from './sync.js';
import { parseUrfPageHeader, URF_COLOR_SPACES, URF_FIELD_OFFSETS, urfDims, type UrfPageHeader } from './urf-header.js';

/** The URF header field that an error about each CUPS geometry field points at. */
const URF_FIELD_OF: Record<keyof RasterDims, keyof typeof URF_FIELD_OFFSETS> = {
  cupsWidth: 'width',
  cupsHeight: 'height',
  cupsBitsPerColor: 'bitsPerPixel',
  cupsBitsPerPixel: 'bitsPerPixel',
  cupsBytesPerLine: 'width',
  cupsColorOrder: 'colorSpace',
  cupsColorSpace: 'colorSpace',
  cupsNumColors: 'colorSpace',
};

/** HWResolution → dpi, when both are set. */
function dpi(x: number | undefined, y: number | undefined): { x: number; y: number } | undefined {
  return x && y ? { x, y } : undefined;
}

/** A CUPS raster (v1/v2/v3, either byte order) or PWG raster stream. */
export async function openCupsRaster(src: ByteSource): Promise<RasterStream> {
  const head = await src.peek(4);
  const kind = cupsStreamKind(head);
  if (!kind) {
    // Control bytes escaped ("\x93NUM" of an .npy file) in the detail and the field too, not only in the message.
    const found = oneLine(Buffer.from(head).toString('latin1'));
    throw src.fail('E_BAD_MAGIC', `not a CUPS raster stream: the sync word is "${found}" (${Buffer.from(head).toString('hex')}); expected one of ${KNOWN_SYNCS.join(', ')}`, {
      offset: 0,
      expected: 'a CUPS raster sync word',
      actual: found,
    });
  }
  const fmt: StreamFormat = {
    name: 'cups-raster',
    byteOrder: kind.byteOrder,
    compressed: kind.compressed,
    headerBytes: kind.headerBytes,
    parseHeader(bytes, offset) {
      const h = parsePageHeader(bytes, kind.byteOrder);
      const isPwg = kind.sync === 'RaS2' && isPwgHeader(h);
      const json: Record<string, unknown> = { ...h, ...(isPwg ? { pwg: pwgFields(h) } : {}) };
      // v1 headers have no cupsNumColors: derive it from the colour space, as CUPS does.
      const dims: RasterDims = { ...h, cupsNumColors: kind.version === 1 ? 0 : (h.cupsNumColors ?? 0) };
      const resolution = dpi(h.HWResolution[0], h.HWResolution[1]);
      return { dims, at: (f) => offset + fieldOffset(f), json, ...(resolution ? { resolution } : {}) };
    },
  };
  await src.skip(4, 'the sync word');
  const header = { sync: kind.sync, version: kind.version, byteOrder: kind.byteOrder, compressed: kind.compressed };
  return new RasterStream(src, fmt, 4, header);
}

/**
 * The URF fields the CUPS geometry check would otherwise report under CUPS names and derived
 * values ("cupsBitsPerColor is 2.33"): bits per pixel must be the colour count times 1, 2, 4, 8
 * or 16 bits (raster-stream.c divides one by the other; Ghostscript writes 1-bit sGray), and the
 * sides must be ones CUPS reads.
 */
function checkUrfPage(h: UrfPageHeader, offset: number, fail: Parameters<StreamFormat['parseHeader']>[2]): void {
  const cs = URF_COLOR_SPACES[h.colorSpace]!;
  const allowed = BITS_PER_COLOR.map((b) => b * cs.colors);
  if (!allowed.includes(h.bitsPerPixel))
    throw fail('E_BAD_HEADER', `URF bits per pixel is ${h.bitsPerPixel}; ${cs.name} pages have ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)!}`, {
      field: 'bitsPerPixel',
      offset: offset + URF_FIELD_OFFSETS.bitsPerPixel,
      expected: allowed.join(', '),
      actual: h.bitsPerPixel,
    });
  for (const [field, max] of [['width', MAX_WIDTH], ['height', MAX_HEIGHT]] as const) {
    const v = h[field];
    if (v < 1 || v > max)
      throw fail('E_BAD_HEADER', `URF page ${field} is ${v}; expected 1 to ${max}`, { field, offset: offset + URF_FIELD_OFFSETS[field], expected: `1 to ${max}`, actual: v });
  }
}

/** An Apple raster (URF) file. */
export async function openUrf(src: ByteSource): Promise<RasterStream> {
  const fileHeader = await src.peek(URF_FILE_HEADER_BYTES);
  if (!isUrf(fileHeader))
    throw src.fail('E_BAD_MAGIC', `not an Apple raster file: it does not start with "UNIRAST\\0"`, { offset: 0 });
  if (fileHeader.length < URF_FILE_HEADER_BYTES)
    throw src.fail('E_TRUNCATED', `input ends inside the ${URF_FILE_HEADER_BYTES}-byte URF file header`, { offset: fileHeader.length });
  await src.skip(URF_FILE_HEADER_BYTES, 'the URF file header');
  const pageCount = new DataView(fileHeader.buffer, fileHeader.byteOffset).getUint32(8, false);
  const fmt: StreamFormat = {
    name: 'urf',
    byteOrder: 'be',
    compressed: true,
    headerBytes: URF_PAGE_HEADER_BYTES,
    announcedPages: pageCount,
    parseHeader(bytes, offset, fail) {
      const h = parseUrfPageHeader(bytes);
      const dims = urfDims(h);
      if (!dims)
        throw fail('E_BAD_HEADER', `URF colour space is ${h.colorSpace}; expected 0–6 (${URF_COLOR_SPACES.map((c, i) => `${i} ${c.name}`).join(', ')})`, {
          field: 'colorSpace',
          offset: offset + URF_FIELD_OFFSETS.colorSpace,
          actual: h.colorSpace,
        });
      checkUrfPage(h, offset, fail);
      const resolution = dpi(h.resolution, h.resolution);
      return {
        dims,
        at: (f) => offset + URF_FIELD_OFFSETS[URF_FIELD_OF[f]],
        json: { ...h, colorSpaceName: URF_COLOR_SPACES[h.colorSpace]!.name },
        ...(resolution ? { resolution } : {}),
      };
    },
  };
  return new RasterStream(src, fmt, URF_FILE_HEADER_BYTES, { magic: 'UNIRAST', pageCount });
}
