/**
 * The 4-byte sync word that starts every CUPS raster stream (cups/raster.h): it names the
 * version (and with it the page-header size and whether pixels are compressed) and the byte order
 * of every header integer and of 16-bit samples (spec-raster.html: "the reader is responsible for
 * detecting a reversed word order file").
 */
import type { ByteOrder } from '../../src/model.js';

export interface StreamKind {
  /** The sync word as it appears on disk, e.g. "RaS2", "3SaR", "UNIRAST". */
  sync: string;
  /** 1 = CUPS 1.0/1.1 short header, 2 = compressed, 3 = uncompressed; "urf" = Apple raster. */
  version: 1 | 2 | 3 | 'urf';
  /** Order of header integers and of multi-byte samples. */
  byteOrder: ByteOrder;
  /** Pixel data uses the line-repeat + PackBits-like scheme of §1.6. */
  compressed: boolean;
  /** Bytes of each page header: 420 (v1), 1796 (v2/v3), 32 (URF). */
  headerBytes: number;
}

const KINDS: readonly StreamKind[] = [
  { sync: 'RaSt', version: 1, byteOrder: 'be', compressed: false, headerBytes: 420 },
  { sync: 'tSaR', version: 1, byteOrder: 'le', compressed: false, headerBytes: 420 },
  { sync: 'RaS2', version: 2, byteOrder: 'be', compressed: true, headerBytes: 1796 },
  { sync: '2SaR', version: 2, byteOrder: 'le', compressed: true, headerBytes: 1796 },
  { sync: 'RaS3', version: 3, byteOrder: 'be', compressed: false, headerBytes: 1796 },
  { sync: '3SaR', version: 3, byteOrder: 'le', compressed: false, headerBytes: 1796 },
];

/** The Apple raster file signature: "UNIRAST" and a NUL (raster-stream.c reads 8 bytes). */
export const URF_MAGIC = 'UNIRAST\0';

/** Size of the URF file header: magic + big-endian page count. */
export const URF_FILE_HEADER_BYTES = 12;

/** Size of one URF page header. */
export const URF_PAGE_HEADER_BYTES = 32;

function ascii(head: Uint8Array, n: number): string {
  return String.fromCharCode(...head.subarray(0, n));
}

/** The CUPS raster stream kind of a v1/v2/v3 sync word, or undefined. */
export function cupsStreamKind(head: Uint8Array): StreamKind | undefined {
  if (head.length < 4) return undefined;
  const sync = ascii(head, 4);
  return KINDS.find((k) => k.sync === sync);
}

/** True when the bytes start with the Apple raster signature. */
export function isUrf(head: Uint8Array): boolean {
  return head.length >= URF_MAGIC.length && ascii(head, URF_MAGIC.length) === URF_MAGIC;
}

/** Every sync word this decoder knows, for error messages. */
export const KNOWN_SYNCS = [...KINDS.map((k) => k.sync), 'UNIRAST'];
