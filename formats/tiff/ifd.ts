/**
 * Image File Directories: their size, where they go, and their bytes, for classic TIFF
 * (TIFF 6.0 §2: 12-byte entries, 32-bit offsets) and BigTIFF (libtiff's BigTIFF design: version
 * 43, 20-byte entries, 64-bit counts and offsets).
 *
 * The encoder streams all strips first and writes every IFD at the end of the file, so by then the
 * size of the whole file is known and the variant can be chosen from it: classic as long as every
 * byte of the file stays addressable with 32 bits, BigTIFF otherwise (or when forced).
 */
import { TYPE_LONG, TYPE_LONG8, TYPE_RATIONAL, TYPE_SHORT, TYPE_SIZE } from './tags.js';

export interface IfdEntry {
  tag: number;
  /** Field type (TYPE_*). */
  type: number;
  /** The values; RATIONAL as numerator, denominator pairs; ASCII as text (the NUL is added). */
  values: ArrayLike<number> | string;
}

/** Classic TIFF offsets are 32-bit: a file up to 2^32 bytes keeps every offset below 2^32. */
export const CLASSIC_LIMIT = 2 ** 32;
/** Bytes reserved at the start of the file: room for either header. */
export const HEADER_BYTES = 16;

const ENTRY_BYTES = { classic: 12, big: 20 };
/** Bytes of an entry's value field, which holds the values themselves when they fit. */
const INLINE_BYTES = { classic: 4, big: 8 };
/** Bytes of the entry count and of the next-IFD offset. */
const COUNT_BYTES = { classic: 2, big: 8 };
const OFFSET_BYTES = { classic: 4, big: 8 };
/**
 * IFDs and out-of-line values start on a word boundary (TIFF 6.0 §2: "must begin on a word
 * boundary"); in BigTIFF on an 8-byte one, the natural alignment of its 64-bit fields.
 */
const ALIGN = { classic: 2, big: 8 };

type Variant = 'classic' | 'big';
const variant = (big: boolean): Variant => (big ? 'big' : 'classic');
const align = (n: number, a: number) => Math.ceil(n / a) * a;

function valueCount(e: IfdEntry): number {
  if (typeof e.values === 'string') return e.values.length + 1;
  return e.type === TYPE_RATIONAL ? e.values.length / 2 : e.values.length;
}

function valueBytes(e: IfdEntry): number {
  return valueCount(e) * TYPE_SIZE[e.type]!;
}

/** Entries in ascending tag order (TIFF 6.0 §2), the order they and their values are written in. */
function inTagOrder(entries: readonly IfdEntry[]): IfdEntry[] {
  return [...entries].sort((a, b) => a.tag - b.tag);
}

/**
 * Bytes an IFD with these entries occupies, its out-of-line values included: laid out in the order
 * writeIfd writes them, since the alignment padding between values depends on it.
 */
function ifdSize(entries: readonly IfdEntry[], big: boolean): number {
  const v = variant(big);
  let size = COUNT_BYTES[v] + entries.length * ENTRY_BYTES[v] + OFFSET_BYTES[v];
  for (const e of inTagOrder(entries)) {
    const n = valueBytes(e);
    if (n > INLINE_BYTES[v]) size = align(size, ALIGN[v]) + n;
  }
  return size;
}

export interface IfdPlan {
  big: boolean;
  /** File offset of each IFD. */
  offsets: Float64Array;
  /** File size once the IFDs are written. */
  end: number;
}

/** The entries of IFD i for one variant (BigTIFF stores strip offsets and byte counts as LONG8). */
export type IfdEntries = (i: number, big: boolean) => IfdEntry[];

/**
 * Place `count` IFDs after `dataEnd` (the end of the strip data) and choose the variant: classic
 * unless `forceBig` or the file would be larger than CLASSIC_LIMIT. Each IFD's entries are built
 * when its size is needed and dropped after, so that a file of many pages holds one at a time.
 */
export function planIfds(count: number, entriesOf: IfdEntries, dataEnd: number, forceBig: boolean): IfdPlan {
  for (const big of forceBig ? [true] : [false, true]) {
    const v = variant(big);
    const offsets = new Float64Array(count);
    let pos = dataEnd;
    for (let i = 0; i < count && (big || pos <= CLASSIC_LIMIT); i++) {
      pos = align(pos, ALIGN[v]);
      offsets[i] = pos;
      pos += ifdSize(entriesOf(i, big), big);
    }
    if (big || pos <= CLASSIC_LIMIT) return { big, offsets, end: pos };
  }
  throw new Error('unreachable: BigTIFF always fits');
}

/** Bytes the IFDs are written out in at a time (one IFD larger than this goes in one piece). */
const WRITE_CHUNK = 1024 * 1024;

/**
 * Write the planned IFDs, from `dataEnd` to plan.end (alignment padding zero), through `write`
 * in pieces of about WRITE_CHUNK bytes. `write` resolves when its bytes may be reused.
 */
export async function writeIfds(
  plan: IfdPlan,
  entriesOf: IfdEntries,
  dataEnd: number,
  littleEndian: boolean,
  write: (bytes: Uint8Array) => Promise<void>,
): Promise<void> {
  const n = plan.offsets.length;
  let buf = new Uint8Array(WRITE_CHUNK);
  let bufStart = dataEnd; // file offset of buf[0]
  for (let i = 0; i < n; i++) {
    const at = plan.offsets[i]!;
    const next = i + 1 < n ? plan.offsets[i + 1]! : 0;
    const end = next || plan.end;
    if (end - bufStart > buf.length) {
      await write(buf.subarray(0, at - bufStart));
      buf = new Uint8Array(Math.max(WRITE_CHUNK, end - at)); // zeros: the padding between IFDs
      bufStart = at;
    }
    writeIfd(buf, bufStart, at, entriesOf(i, plan.big), next, plan.big, littleEndian);
  }
  await write(buf.subarray(0, plan.end - bufStart));
}

/**
 * Write one IFD whose file offset is `at` into `buf`, where buf[0] is at file offset `bufStart`;
 * `next` is the offset of the following IFD (0 for the last). Entries are written in ascending
 * tag order, as TIFF 6.0 §2 requires.
 */
export function writeIfd(
  buf: Uint8Array,
  bufStart: number,
  at: number,
  entries: readonly IfdEntry[],
  next: number,
  big: boolean,
  littleEndian: boolean,
): void {
  const v = variant(big);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const le = littleEndian;
  const putCount = (pos: number, n: number) =>
    big ? dv.setBigUint64(pos - bufStart, BigInt(n), le) : dv.setUint32(pos - bufStart, n, le);
  const sorted = inTagOrder(entries);
  let p = at;
  big ? dv.setBigUint64(p - bufStart, BigInt(sorted.length), le) : dv.setUint16(p - bufStart, sorted.length, le);
  p += COUNT_BYTES[v];
  let extra = p + sorted.length * ENTRY_BYTES[v] + OFFSET_BYTES[v];
  for (const e of sorted) {
    dv.setUint16(p - bufStart, e.tag, le);
    dv.setUint16(p - bufStart + 2, e.type, le);
    putCount(p + 4, valueCount(e));
    const field = p + 4 + OFFSET_BYTES[v];
    if (valueBytes(e) <= INLINE_BYTES[v]) {
      writeValues(dv, field - bufStart, e, le);
    } else {
      extra = align(extra, ALIGN[v]);
      putCount(field, extra);
      writeValues(dv, extra - bufStart, e, le);
      extra += valueBytes(e);
    }
    p += ENTRY_BYTES[v];
  }
  putCount(p, next);
}

function writeValues(dv: DataView, pos: number, e: IfdEntry, le: boolean): void {
  if (typeof e.values === 'string') {
    for (let i = 0; i < e.values.length; i++) dv.setUint8(pos + i, e.values.charCodeAt(i) & 0x7f);
    dv.setUint8(pos + e.values.length, 0);
    return;
  }
  const vals = e.values;
  for (let i = 0; i < vals.length; i++) {
    const x = vals[i]!;
    switch (e.type) {
      case TYPE_SHORT:
        dv.setUint16(pos + 2 * i, x, le);
        break;
      case TYPE_LONG:
      case TYPE_RATIONAL: // two LONGs per value
        dv.setUint32(pos + 4 * i, x, le);
        break;
      case TYPE_LONG8:
        dv.setBigUint64(pos + 8 * i, BigInt(x), le);
        break;
      default:
        throw new Error(`field type ${e.type} is not written by this encoder`);
    }
  }
}

/**
 * The 16 bytes at the start of the file. Classic: "II"/"MM", 42, first-IFD offset, then 8 unused
 * bytes (zero); BigTIFF: "II"/"MM", 43, offset size 8, 0, 64-bit first-IFD offset.
 */
export function headerBytes(big: boolean, littleEndian: boolean, firstIfd: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  const dv = new DataView(out.buffer);
  out[0] = out[1] = littleEndian ? 0x49 : 0x4d;
  if (big) {
    dv.setUint16(2, 43, littleEndian);
    dv.setUint16(4, 8, littleEndian);
    dv.setBigUint64(8, BigInt(firstIfd), littleEndian);
  } else {
    dv.setUint16(2, 42, littleEndian);
    dv.setUint32(4, firstIfd, littleEndian);
  }
  return out;
}
