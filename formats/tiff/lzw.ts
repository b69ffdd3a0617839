/**
 * LZW compression as TIFF writes it (TIFF 6.0 §13, Compression = 5), code for code what libtiff's
 * tif_lzw.c LZWEncode/LZWPostEncode emit:
 * - codes are packed MSB-first, 9 to 12 bits wide;
 * - ClearCode (256) starts every strip, EndOfInformation (257) ends it, new strings get 258…;
 * - "early change": the width grows as soon as the next free code no longer fits (after code 510
 *   is assigned the next code, 511, is written with 10 bits; likewise at 1023 and 2047), which is
 *   what every TIFF reader expects — the decoder's table is one entry behind the encoder's;
 * - when code 4093 has been assigned the table is full: a ClearCode (still 12 bits) resets it.
 * libtiff also clears early when the compression ratio drops; that is an optimisation, not a
 * format rule, and is not done here.
 */

const CLEAR_CODE = 256;
const EOI_CODE = 257;
const FIRST_CODE = 258;
const MIN_BITS = 9;
/** libtiff CODE_MAX − 1: the table is reset when the next free code reaches it. */
const TABLE_FULL = 4094;

/** Open-addressing hash table of (prefix code, byte) → code; 4 times the largest entry count. */
const HASH_BITS = 14;
const HASH_SIZE = 1 << HASH_BITS;
const HASH_MASK = HASH_SIZE - 1;
/**
 * Each slot holds key << 12 | code, where key = prefix << 8 | byte and code < 4094, so one load
 * answers a lookup. Prefixes stay below 4094, so key 2^20 − 1 never occurs: all ones (−1) marks a
 * free slot.
 */
const table = new Int32Array(HASH_SIZE);
const FREE = -1;

/** Bytes lzwEncode may need for n input bytes: every byte its own 12-bit code, plus resets. */
export function lzwBound(n: number): number {
  return Math.ceil(n * 1.5) + Math.ceil(n / 1024) + 16;
}

/** Packs codes MSB-first and tracks the code width and the next free code. */
class CodeWriter {
  o = 0;
  /** Pending bits, right-aligned; only the low bitCount (< 8 between codes) matter. */
  private bitBuf = 0;
  private bitCount = 0;
  private nbits = MIN_BITS;
  private maxCode = (1 << MIN_BITS) - 1;
  freeCode = FIRST_CODE;

  constructor(private readonly dst: Uint8Array) {}

  put(code: number): void {
    this.bitBuf = ((this.bitBuf & 0xff) << this.nbits) | code;
    this.bitCount += this.nbits;
    while (this.bitCount >= 8) {
      this.bitCount -= 8;
      this.dst[this.o++] = this.bitBuf >>> this.bitCount;
    }
  }

  /** After a code was assigned: reset a full table, or widen the codes (early change). */
  assigned(): void {
    if (this.freeCode === TABLE_FULL) {
      this.put(CLEAR_CODE);
      table.fill(FREE);
      this.freeCode = FIRST_CODE;
      this.nbits = MIN_BITS;
      this.maxCode = (1 << MIN_BITS) - 1;
    } else if (this.freeCode > this.maxCode) {
      this.nbits++;
      this.maxCode = (1 << this.nbits) - 1;
    }
  }

  /** Write out the last, partial byte. */
  flush(): void {
    if (this.bitCount > 0) this.dst[this.o++] = this.bitBuf << (8 - this.bitCount);
  }
}

/**
 * Compress src[0…n) into dst (which must hold lzwBound(n) bytes); returns the bytes written.
 * n must be at least 1.
 */
export function lzwEncode(src: Uint8Array, n: number, dst: Uint8Array): number {
  const w = new CodeWriter(dst);
  table.fill(FREE);
  w.put(CLEAR_CODE);
  let prefix = src[0]!;
  for (let i = 1; i < n; i++) {
    const c = src[i]!;
    const key = (prefix << 8) | c;
    let h = Math.imul(key, 0x9e3779b1) >>> (32 - HASH_BITS); // Fibonacci hashing
    let e: number;
    while ((e = table[h]!) !== FREE && e >>> 12 !== key) h = (h + 1) & HASH_MASK;
    if (e !== FREE) {
      prefix = e & 0xfff;
      continue;
    }
    table[h] = (key << 12) | w.freeCode++;
    w.put(prefix);
    prefix = c;
    w.assigned();
  }
  w.put(prefix);
  // The decoder adds one more entry on reading that last code; the width it then expects for
  // EndOfInformation follows from that (libtiff LZWPostEncode).
  w.freeCode++;
  w.assigned();
  w.put(EOI_CODE);
  w.flush();
  return w.o;
}
