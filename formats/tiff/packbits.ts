/**
 * PackBits compression (TIFF 6.0 §9, Compression = 32773).
 *
 * Each row is packed on its own ("the PackBits compression scheme ... each row must be packed
 * separately"): a packet is a header byte n followed by data. n in 0…127: n + 1 literal bytes
 * follow; n in −127…−1 (129…255 unsigned): the next byte is repeated 1 − n times; −128 is unused.
 */

/** Largest literal or repeat packet. */
const MAX_PACKET = 128;

/** Bytes packBits may need for `rows` rows of `rowBytes` bytes (all-literal worst case). */
export function packBitsBound(rowBytes: number, rows: number): number {
  return rows * (rowBytes + Math.ceil(rowBytes / MAX_PACKET));
}

/**
 * Pack `rows` rows of `rowBytes` bytes from src into dst (which must hold
 * packBitsBound(rowBytes, rows) bytes). Returns the number of bytes written.
 */
export function packBits(src: Uint8Array, rowBytes: number, rows: number, dst: Uint8Array): number {
  let o = 0;
  for (let r = 0; r < rows; r++) {
    const end = (r + 1) * rowBytes;
    let lit = r * rowBytes; // start of the literal bytes not yet written
    let i = lit;
    while (i < end) {
      const b = src[i]!;
      if (i + 1 === end || src[i + 1] !== b) {
        i++;
        continue;
      }
      const stop = Math.min(end, i + MAX_PACKET);
      let j = i + 2;
      while (j < stop && src[j] === b) j++;
      // A run of 3 saves a byte wherever it is; a run of 2 only when no literal is open (inside a
      // literal it costs 2 bytes either way, and splitting the literal would cost a header more).
      if (j - i >= 3 || lit === i) {
        o = literal(src, lit, i, dst, o);
        dst[o++] = 257 - (j - i); // −(run − 1) as a signed byte
        dst[o++] = b;
        lit = j;
      }
      i = j;
    }
    o = literal(src, lit, end, dst, o);
  }
  return o;
}

/** Write src[from…to) as literal packets at dst[o…); returns the new o. */
function literal(src: Uint8Array, from: number, to: number, dst: Uint8Array, o: number): number {
  for (let s = from; s < to; ) {
    const n = Math.min(MAX_PACKET, to - s);
    dst[o++] = n - 1;
    for (const stop = s + n; s < stop; ) dst[o++] = src[s++]!;
  }
  return o;
}
