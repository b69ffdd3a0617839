/**
 * zlib's adler32_combine, so that blocks checksummed separately (in worker threads, by
 * filter-kernels.ts) give the Adler-32 (RFC 1950 §8.2) of the whole stream, which ends it.
 */

const BASE = 65521;

/**
 * The Adler-32 of A‖B from adler32(A), adler32(B) and B's length (zlib adler32.c
 * adler32_combine_).
 */
export function adler32Combine(adler1: number, adler2: number, len2: number): number {
  const rem = len2 % BASE;
  let sum1 = adler1 & 0xffff;
  let sum2 = (rem * sum1) % BASE;
  sum1 += (adler2 & 0xffff) + BASE - 1;
  sum2 += ((adler1 >>> 16) & 0xffff) + ((adler2 >>> 16) & 0xffff) + BASE - rem;
  if (sum1 >= BASE) sum1 -= BASE;
  if (sum1 >= BASE) sum1 -= BASE;
  if (sum2 >= BASE * 2) sum2 -= BASE * 2;
  if (sum2 >= BASE) sum2 -= BASE;
  return ((sum2 << 16) | sum1) >>> 0;
}
