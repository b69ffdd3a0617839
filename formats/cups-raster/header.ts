/**
 * cups_page_header2_t (v2/v3/PWG, 1796 bytes) and its first 420 bytes, cups_page_header_t (v1),
 * parsed into an object with the field names of cups/raster.h. Offsets are those of the C struct
 * (formats.md §1.2); integers and floats are 32-bit in the stream's byte order, strings are
 * 64-byte NUL-terminated C strings and are never swapped.
 */
import type { ByteOrder } from '../../src/model.js';

export interface CupsPageHeader {
  MediaClass: string;
  MediaColor: string;
  MediaType: string;
  OutputType: string;
  AdvanceDistance: number;
  AdvanceMedia: number;
  Collate: number;
  CutMedia: number;
  Duplex: number;
  HWResolution: number[];
  ImagingBoundingBox: number[];
  InsertSheet: number;
  Jog: number;
  LeadingEdge: number;
  Margins: number[];
  ManualFeed: number;
  MediaPosition: number;
  MediaWeight: number;
  MirrorPrint: number;
  NegativePrint: number;
  NumCopies: number;
  Orientation: number;
  OutputFaceUp: number;
  PageSize: number[];
  Separations: number;
  TraySwitch: number;
  Tumble: number;
  cupsWidth: number;
  cupsHeight: number;
  cupsMediaType: number;
  cupsBitsPerColor: number;
  cupsBitsPerPixel: number;
  cupsBytesPerLine: number;
  cupsColorOrder: number;
  cupsColorSpace: number;
  cupsCompression: number;
  cupsRowCount: number;
  cupsRowFeed: number;
  cupsRowStep: number;
  /** The fields below exist only in v2/v3/PWG headers (cups_page_header2_t). */
  cupsNumColors?: number;
  cupsBorderlessScalingFactor?: number;
  cupsPageSize?: number[];
  cupsImagingBBox?: number[];
  cupsInteger?: number[];
  cupsReal?: number[];
  cupsString?: string[];
  cupsMarkerType?: string;
  cupsRenderingIntent?: string;
  cupsPageSizeName?: string;
}

type Kind = 'str' | 'u32' | 'f32';
interface Field {
  name: keyof CupsPageHeader;
  kind: Kind;
  offset: number;
  /** Array length; absent for a scalar. */
  count?: number;
}

const STRING_BYTES = 64;

/** Every field in struct order with its byte offset. */
export const HEADER_FIELDS: readonly Field[] = (() => {
  const spec: [keyof CupsPageHeader, Kind, number?][] = [
    ['MediaClass', 'str'], ['MediaColor', 'str'], ['MediaType', 'str'], ['OutputType', 'str'],
    ['AdvanceDistance', 'u32'], ['AdvanceMedia', 'u32'], ['Collate', 'u32'], ['CutMedia', 'u32'], ['Duplex', 'u32'],
    ['HWResolution', 'u32', 2], ['ImagingBoundingBox', 'u32', 4], ['InsertSheet', 'u32'], ['Jog', 'u32'],
    ['LeadingEdge', 'u32'], ['Margins', 'u32', 2], ['ManualFeed', 'u32'], ['MediaPosition', 'u32'],
    ['MediaWeight', 'u32'], ['MirrorPrint', 'u32'], ['NegativePrint', 'u32'], ['NumCopies', 'u32'],
    ['Orientation', 'u32'], ['OutputFaceUp', 'u32'], ['PageSize', 'u32', 2], ['Separations', 'u32'],
    ['TraySwitch', 'u32'], ['Tumble', 'u32'], ['cupsWidth', 'u32'], ['cupsHeight', 'u32'], ['cupsMediaType', 'u32'],
    ['cupsBitsPerColor', 'u32'], ['cupsBitsPerPixel', 'u32'], ['cupsBytesPerLine', 'u32'], ['cupsColorOrder', 'u32'],
    ['cupsColorSpace', 'u32'], ['cupsCompression', 'u32'], ['cupsRowCount', 'u32'], ['cupsRowFeed', 'u32'],
    ['cupsRowStep', 'u32'],
    // cups_page_header2_t additions (offset 420 on).
    ['cupsNumColors', 'u32'], ['cupsBorderlessScalingFactor', 'f32'], ['cupsPageSize', 'f32', 2],
    ['cupsImagingBBox', 'f32', 4], ['cupsInteger', 'u32', 16], ['cupsReal', 'f32', 16], ['cupsString', 'str', 16],
    ['cupsMarkerType', 'str'], ['cupsRenderingIntent', 'str'], ['cupsPageSizeName', 'str'],
  ];
  let offset = 0;
  return spec.map(([name, kind, count]) => {
    const f: Field = count === undefined ? { name, kind, offset } : { name, kind, offset, count };
    offset += (kind === 'str' ? STRING_BYTES : 4) * (count ?? 1);
    return f;
  });
})();

/** Bytes of cups_page_header_t (v1) and cups_page_header2_t. */
export const V1_HEADER_BYTES = 420;
export const V2_HEADER_BYTES = 1796;

/** Byte offset of a field inside the header (for error locations). */
export function fieldOffset(name: keyof CupsPageHeader): number {
  const f = HEADER_FIELDS.find((x) => x.name === name);
  if (!f) throw new Error(`no header field ${name}`);
  return f.offset;
}

function cString(bytes: Uint8Array, at: number): string {
  const s = bytes.subarray(at, at + STRING_BYTES);
  const nul = s.indexOf(0);
  return Buffer.from(s.subarray(0, nul < 0 ? s.length : nul)).toString('latin1');
}

/**
 * Parse a page header of `bytes.length` bytes (420 or 1796): fields past the end are left out.
 * Pure; no validation (see page-geometry.ts).
 */
export function parsePageHeader(bytes: Uint8Array, byteOrder: ByteOrder): CupsPageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const le = byteOrder === 'le';
  const out: Record<string, unknown> = {};
  for (const f of HEADER_FIELDS) {
    const size = (f.kind === 'str' ? STRING_BYTES : 4) * (f.count ?? 1);
    if (f.offset + size > bytes.length) break;
    const one = (i: number): string | number => {
      const at = f.offset + i * (f.kind === 'str' ? STRING_BYTES : 4);
      if (f.kind === 'str') return cString(bytes, at);
      return f.kind === 'u32' ? view.getUint32(at, le) : view.getFloat32(at, le);
    };
    out[f.name] = f.count === undefined ? one(0) : Array.from({ length: f.count }, (_, i) => one(i));
  }
  return out as unknown as CupsPageHeader;
}

/** True for a PWG raster page header (PWG 5102.4 §4.3.1: MediaClass is "PwgRaster"). */
export function isPwgHeader(h: CupsPageHeader): boolean {
  return h.MediaClass === 'PwgRaster';
}

/**
 * The PWG 5102.4 names of the cupsInteger[] slots (raster.h CUPS_RASTER_PWG_* indices), for
 * --info. CrossFeedTransform and FeedTransform are signed.
 */
export function pwgFields(h: CupsPageHeader): Record<string, number> {
  const i = h.cupsInteger ?? [];
  const signed = (v: number | undefined) => (v ?? 0) | 0;
  return {
    TotalPageCount: i[0] ?? 0,
    CrossFeedTransform: signed(i[1]),
    FeedTransform: signed(i[2]),
    ImageBoxLeft: i[3] ?? 0,
    ImageBoxTop: i[4] ?? 0,
    ImageBoxRight: i[5] ?? 0,
    ImageBoxBottom: i[6] ?? 0,
    AlternatePrimary: i[7] ?? 0,
    PrintQuality: i[8] ?? 0,
    VendorIdentifier: i[14] ?? 0,
    VendorLength: i[15] ?? 0,
  };
}
