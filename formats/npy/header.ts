/**
 * Reading and validating the .npy preamble and header (numpy/lib/format.py, "Format Version 1.0"
 * to "3.0"): magic `\x93NUMPY`, major and minor version bytes, a little-endian HEADER_LEN (uint16
 * for 1.0, uint32 for 2.0/3.0), then HEADER_LEN bytes of a Python dict literal with exactly the
 * keys `descr`, `fortran_order` and `shape`. The array data starts right after it.
 */
import { RasterError } from '../../src/errors.js';
import type { ByteSource } from '../../src/io/byte-source.js';
import { parseDescr, type NpyDtype } from './dtype.js';
import { parseLiteral, showLiteral, showString, type PyValue } from './literal.js';
import { isNpyMagic } from './magic.js';


/**
 * Largest HEADER_LEN read. numpy refuses headers over 10000 characters unless told otherwise
 * (`_MAX_HEADER_SIZE`); we allow more for hand-made files but never allocate from an unchecked
 * length. Format 1.0 cannot exceed 65535 anyway.
 */
export const MAX_HEADER_BYTES = 1024 * 1024;

/** Format versions: length-field size and header text encoding (numpy `_header_size_info`). */
const VERSIONS: Readonly<Record<string, { lengthBytes: 2 | 4; encoding: 'latin1' | 'utf8' }>> = {
  '1.0': { lengthBytes: 2, encoding: 'latin1' },
  '2.0': { lengthBytes: 4, encoding: 'latin1' },
  '3.0': { lengthBytes: 4, encoding: 'utf8' },
};

const EXPECTED_KEYS = ['descr', 'fortran_order', 'shape'] as const;
type HeaderKey = (typeof EXPECTED_KEYS)[number];

export interface NpyHeader {
  /** Format version as "major.minor". */
  version: string;
  /** HEADER_LEN: bytes of the header dict text, padding included. */
  headerLength: number;
  /** Offset of the first data byte. */
  dataOffset: number;
  dtype: NpyDtype;
  fortranOrder: boolean;
  /** Dimensions, each a whole number ≥ 1 (validated). */
  shape: number[];
  /** Byte offset of each key's value, for errors found later (geometry, size). */
  offsets: Record<HeaderKey, number>;
}

/**
 * Read the preamble and header from the current position (the start of the file), leaving the
 * source at the first data byte.
 * @throws RasterError E_BAD_MAGIC when the file does not start with `\x93NUMPY`;
 *   E_UNSUPPORTED for a format version other than 1.0/2.0/3.0 or a dtype this decoder does not
 *   read (objects, structured, strings, complex, 32/64-bit integers …);
 *   E_LIMIT when HEADER_LEN exceeds MAX_HEADER_BYTES or a dimension exceeds 2^53−1;
 *   E_TRUNCATED when the input ends inside the preamble or header;
 *   E_BAD_HEADER when the dict is malformed, has other keys, or a value has the wrong type
 *   (negative, zero or non-integer dimensions included) — naming the field and its byte offset.
 */
export async function readNpyHeader(src: ByteSource): Promise<NpyHeader> {
  const start = src.position;
  const pre = await src.read(8, 'the .npy magic and version');
  if (!isNpyMagic(pre)) {
    throw src.fail('E_BAD_MAGIC', `not a .npy file: expected magic \\x93NUMPY, found ${hex(pre.subarray(0, 6))}`, { offset: start, field: 'magic' });
  }
  const version = `${pre[6]}.${pre[7]}`;
  const info = VERSIONS[version];
  if (!info) {
    throw src.fail('E_UNSUPPORTED', `.npy format version ${version} is not supported (1.0, 2.0 and 3.0 are)`, {
      offset: start + 6,
      field: 'version',
      actual: version,
    });
  }
  const lengthAt = src.position;
  const lenBytes = await src.read(info.lengthBytes, 'the HEADER_LEN field');
  const view = new DataView(lenBytes.buffer, lenBytes.byteOffset, lenBytes.length);
  const headerLength = info.lengthBytes === 2 ? view.getUint16(0, true) : view.getUint32(0, true);
  const headerAt = src.position;
  if (headerLength > MAX_HEADER_BYTES) {
    throw src.fail('E_LIMIT', `HEADER_LEN is ${headerLength} bytes; at most ${MAX_HEADER_BYTES} are read`, {
      offset: lengthAt,
      field: 'HEADER_LEN',
      expected: MAX_HEADER_BYTES,
      actual: headerLength,
    });
  }
  if (src.size !== undefined && headerAt + headerLength > src.size) {
    throw src.fail('E_TRUNCATED', `HEADER_LEN says the header is ${headerLength} bytes but only ${src.size - headerAt} follow`, {
      offset: lengthAt,
      field: 'HEADER_LEN',
      expected: headerLength,
      actual: src.size - headerAt,
    });
  }
  const text = await src.read(headerLength, 'the .npy header');
  try {
    const dict = parseLiteral(text, { base: headerAt, encoding: info.encoding, longSuffix: info.encoding === 'latin1' });
    return { version, headerLength, dataOffset: headerAt + headerLength, ...validateDict(dict, headerAt) };
  } catch (err) {
    throw err instanceof RasterError ? err.withContext({ file: src.name, ...(src.format ? { format: src.format } : {}) }) : err;
  }
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ') || 'nothing';
}

/** An error about header field `field`, located at value v (or at `at` when the value is missing). */
function bad(
  field: string,
  v: PyValue | undefined,
  detail: string,
  at: number,
  code: 'E_BAD_HEADER' | 'E_UNSUPPORTED' | 'E_LIMIT' = 'E_BAD_HEADER',
): RasterError {
  return new RasterError(code, `${field}: ${detail}`, {
    offset: v?.offset ?? at,
    field,
    ...(v ? { actual: showLiteral(v) } : {}),
  });
}

function validateDict(d: PyValue, headerAt: number): Pick<NpyHeader, 'dtype' | 'fortranOrder' | 'shape' | 'offsets'> {
  if (d.kind !== 'dict') throw bad('header', d, `expected a dict literal, found ${showLiteral(d)}`, headerAt);
  const found = new Map<string, PyValue>();
  for (const { key, value } of d.entries) {
    if (key.kind !== 'str') throw bad('header', key, `dict keys must be strings, found ${showLiteral(key)}`, headerAt);
    if (!(EXPECTED_KEYS as readonly string[]).includes(key.value)) {
      throw bad('header', key, `unexpected key ${showString(key.value)}; the header has exactly the keys ${EXPECTED_KEYS.join(', ')}`, headerAt);
    }
    if (found.has(key.value)) throw bad(key.value, key, `key ${showString(key.value)} appears twice`, headerAt);
    found.set(key.value, value);
  }
  const get = (k: HeaderKey): PyValue => {
    const v = found.get(k);
    if (!v) throw bad(k, undefined, `missing key '${k}'; the header has exactly the keys ${EXPECTED_KEYS.join(', ')}`, d.offset);
    return v;
  };
  const descr = get('descr');
  const fortran = get('fortran_order');
  const shape = get('shape');
  return {
    dtype: validateDescr(descr, headerAt),
    fortranOrder: validateFortranOrder(fortran, headerAt),
    shape: validateShape(shape, headerAt),
    offsets: { descr: descr.offset, fortran_order: fortran.offset, shape: shape.offset },
  };
}

function validateDescr(v: PyValue, at: number): NpyDtype {
  if (v.kind === 'list') throw bad('descr', v, 'structured dtypes (a list of fields) are not supported', at, 'E_UNSUPPORTED');
  if (v.kind === 'tuple') throw bad('descr', v, 'sub-array dtypes are not supported', at, 'E_UNSUPPORTED');
  if (v.kind !== 'str') throw bad('descr', v, `expected a type string such as '<u2', found ${showLiteral(v)}`, at);
  const r = parseDescr(v.value);
  if ('ok' in r) return r.ok;
  if ('unsupported' in r) throw bad('descr', v, r.unsupported, at, 'E_UNSUPPORTED');
  throw bad('descr', v, r.invalid, at);
}

function validateFortranOrder(v: PyValue, at: number): boolean {
  if (v.kind !== 'bool') throw bad('fortran_order', v, `expected True or False, found ${showLiteral(v)}`, at);
  return v.value;
}

function validateShape(v: PyValue, at: number): number[] {
  // numpy requires a tuple of ints (format.py `_read_array_header`); a list is refused there too.
  if (v.kind !== 'tuple') throw bad('shape', v, `expected a tuple of whole numbers, found ${showLiteral(v)}`, at);
  const dims: number[] = [];
  for (const item of v.items) {
    if (item.kind !== 'int') throw bad('shape', item, `dimension ${showLiteral(item)} is not a whole number`, at);
    if (item.value < 0n) throw bad('shape', item, `dimension ${item.value} is negative`, at);
    if (item.value === 0n) throw bad('shape', item, `dimension ${dims.length} is 0: the array holds no pixels`, at);
    if (item.value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw bad('shape', item, `dimension ${showLiteral(item)} is larger than 2^53-1`, at, 'E_LIMIT');
    }
    dims.push(Number(item.value));
  }
  return dims;
}
