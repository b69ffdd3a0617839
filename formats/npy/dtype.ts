/**
 * The numpy `descr` values this decoder reads, and what their samples look like as a PixelLayout.
 * `descr` is an array-protocol type string: byte-order character, kind, item size in bytes
 * (numpy `dtype.str`; numpy/lib/format.py `dtype_to_descr`).
 */
import { nativeOrder } from '../../src/convert/samples.js';
import { showString } from './literal.js';
import type { BitsPerSample, ByteOrder, SampleFormat } from '../../src/model.js';

export interface NpyDtype {
  /** The descr as written in the file. */
  descr: string;
  /** Bytes per element in the file. */
  itemSize: 1 | 2 | 4;
  sampleFormat: SampleFormat;
  /** Bits per sample handed on: the item size, except 1 for bool (packed 8 per byte). */
  bitsPerSample: BitsPerSample;
  /** Byte order of the elements in the file (rows are handed on in it). */
  byteOrder: ByteOrder;
  /** numpy bool: one byte per element, any non-zero byte is True. */
  bool: boolean;
}

/** Kind + item size → sample description, for the types supported. */
const SUPPORTED: Readonly<Record<string, Omit<NpyDtype, 'descr' | 'byteOrder'>>> = {
  b1: { itemSize: 1, sampleFormat: 'uint', bitsPerSample: 1, bool: true },
  u1: { itemSize: 1, sampleFormat: 'uint', bitsPerSample: 8, bool: false },
  i1: { itemSize: 1, sampleFormat: 'int', bitsPerSample: 8, bool: false },
  u2: { itemSize: 2, sampleFormat: 'uint', bitsPerSample: 16, bool: false },
  i2: { itemSize: 2, sampleFormat: 'int', bitsPerSample: 16, bool: false },
  f4: { itemSize: 4, sampleFormat: 'float', bitsPerSample: 32, bool: false },
};

/** The descr strings accepted, for messages. */
const SUPPORTED_DESCRS =
  "'|b1', '|u1', '|i1', '<u2', '>u2', '<i2', '>i2', '<f4', '>f4' ('=' or '|' for native order), or numpy's one-letter codes for them ('?', 'b', 'B', 'h', 'H', 'f')";

/**
 * numpy's one-letter type codes, which numpy.load takes in a descr as np.dtype does ('<H' is
 * '<u2'), as kind and size: a hand-written header may use them, numpy.save never does. The sizes
 * are those of Linux on x86-64 and ARM (C long is 8 bytes).
 */
const TYPE_CODES: Readonly<Record<string, string>> = {
  '?': 'b1', b: 'i1', B: 'u1', h: 'i2', H: 'u2', i: 'i4', I: 'u4', l: 'i8', L: 'u8', q: 'i8', Q: 'u8',
  e: 'f2', f: 'f4', d: 'f8', g: 'f16', F: 'c8', D: 'c16', G: 'c32',
};

/**
 * An array-protocol type string: optional byte order, kind, optional size, optional datetime unit;
 * or a one-letter type code with an optional byte order. Anything matching it is a type numpy
 * reads; anything else is not a descr at all.
 */
const TYPESTR = /^([<>=|]?)(?:([?bBhHiIlLqQefdgFDG])|([biufcmMOSUVa])(\d*)(\[[A-Za-z0-9]+\])?)$/;

export type DescrResult = { ok: NpyDtype } | { unsupported: string } | { invalid: string };

/**
 * Classify a descr string: a supported type, a valid numpy type this decoder does not read
 * (complex, 64-bit, strings, objects …), or not a type string at all.
 */
export function parseDescr(descr: string): DescrResult {
  const m = TYPESTR.exec(descr);
  if (!m) return { invalid: `descr ${showString(descr)} is not an array-protocol type string such as '<u2'` };
  // A letter alone is a type code ('b' is int8, 'b1' bool), the first alternative.
  const [, order = '', code, kind = '', size = '', unit] = m;
  if (unit === undefined) {
    const key = code !== undefined ? TYPE_CODES[code]! : kind + size;
    const t = SUPPORTED[key];
    if (t) {
      // '<' and '>' name the order; '=' and (for wider types, as numpy reads it) '|' mean native.
      const byteOrder: ByteOrder = order === '<' ? 'le' : order === '>' ? 'be' : nativeOrder;
      return { ok: { descr, ...t, byteOrder: t.itemSize === 1 ? 'le' : byteOrder } };
    }
  }
  return { unsupported: `descr ${showString(descr)} is not supported; supported: ${SUPPORTED_DESCRS}` };
}
