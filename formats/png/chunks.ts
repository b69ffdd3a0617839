/**
 * PNG chunk framing (PNG §5.3: length, type, data, CRC-32 of type and data) and the fixed
 * chunks the encoder writes: the signature, IHDR, pHYs and IEND.
 */
import { crc32 } from 'node:zlib';
import { pelsPerMeter, type Resolution } from '../../src/model.js';

/** PNG §5.2. */
export const PNG_SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);

/** Bytes a chunk adds around its data: length and type before, CRC after. */
export const CHUNK_OVERHEAD = 12;

/**
 * Frame `dataLength` bytes already placed at buf[8…] as a chunk of `type`: fills in the length,
 * the type and the CRC, and returns the chunk's bytes (a view of buf).
 */
export function frameChunk(buf: Uint8Array, type: string, dataLength: number): Uint8Array {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  view.setUint32(0, dataLength);
  for (let i = 0; i < 4; i++) buf[4 + i] = type.charCodeAt(i);
  view.setUint32(8 + dataLength, crc32(buf.subarray(4, 8 + dataLength)));
  return buf.subarray(0, CHUNK_OVERHEAD + dataLength);
}

/** A whole chunk holding a copy of data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const buf = new Uint8Array(CHUNK_OVERHEAD + data.length);
  buf.set(data, 8);
  return frameChunk(buf, type, data.length);
}

/** PNG colour types (PNG §11.2.2 Table 11.1) for the layouts the encoder writes. */
export const COLOR_TYPE = { gray: 0, rgb: 2, grayAlpha: 4, rgba: 6 } as const;

/** IHDR (PNG §11.2.2): no interlace, compression and filter method 0. */
export function ihdr(width: number, height: number, bitDepth: number, colorType: number): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data[8] = bitDepth;
  data[9] = colorType;
  return chunk('IHDR', data);
}

/**
 * pHYs (PNG §11.3.5.3) in pixels per metre (unit specifier 1), or undefined when the resolution
 * is missing or not a positive number that fits the field.
 */
export function phys(resolution: Resolution | undefined): Uint8Array | undefined {
  if (!resolution) return undefined;
  const perMetre = [resolution.x, resolution.y].map(pelsPerMeter);
  if (perMetre.includes(undefined)) return undefined;
  const data = new Uint8Array(9);
  const view = new DataView(data.buffer);
  view.setUint32(0, perMetre[0]!);
  view.setUint32(4, perMetre[1]!);
  data[8] = 1;
  return chunk('pHYs', data);
}

/** IEND (PNG §11.2.5). */
export function iend(): Uint8Array {
  return chunk('IEND', new Uint8Array(0));
}
