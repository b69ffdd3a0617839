/**
 * Opening a CUPS raster or Apple raster stream: the sync word or file header, then a RasterStream
 * that parses each page header with the format's own field layout. Loaded by index.ts on first use.
 */
import type { ByteSource } from '../../src/io/byte-source.js';
import { fieldOffset, isPwgHeader, parsePageHeader, pwgFields } from './header.js';
import type { RasterDims } from './page-geometry.js';
import { RasterStream, type StreamFormat } from './raster-stream.js';
import { cupsStreamKind, isUrf, KNOWN_SYNCS, URF_FILE_HEADER_BYTES, URF_PAGE_HEADER_BYTES } from './sync.js';
import { parseUrfPageHeader, URF_COLOR_SPACES, URF_FIELD_OFFSETS, urfDims } from './urf-header.js';

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
    const found = Buffer.from(head).toString('latin1');
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
    parseHeader(bytes, offset, fail) {
      const h = parseUrfPageHeader(bytes);
      const dims = urfDims(h);
      if (!dims)
        throw fail('E_BAD_HEADER', `URF colour space is ${h.colorSpace}; expected 0–6 (${URF_COLOR_SPACES.map((c, i) => `${i} ${c.name}`).join(', ')})`, {
          field: 'colorSpace',
          offset: offset + URF_FIELD_OFFSETS.colorSpace,
          actual: h.colorSpace,
        });
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
