/**
 * numpy bool elements (one byte each, any non-zero byte is True, as numpy's `packbits` reads them)
 * packed 8 per byte, most significant bit first, each row padded to a whole byte: the 1-bit row
 * layout of src/model.ts.
 */

/**
 * Pack `rows` rows of `samples` bool bytes each from src into dst (rowBytes = ceil(samples/8)).
 * dst must not alias src.
 */
export function packBoolRows(src: Uint8Array, dst: Uint8Array, rows: number, samples: number): void {
  const outRow = (samples + 7) >> 3;
  const whole = samples >> 3;
  for (let y = 0; y < rows; y++) {
    let s = y * samples;
    let d = y * outRow;
    for (let k = 0; k < whole; k++, s += 8) {
      dst[d++] =
        (src[s] ? 0x80 : 0) |
        (src[s + 1] ? 0x40 : 0) |
        (src[s + 2] ? 0x20 : 0) |
        (src[s + 3] ? 0x10 : 0) |
        (src[s + 4] ? 0x08 : 0) |
        (src[s + 5] ? 0x04 : 0) |
        (src[s + 6] ? 0x02 : 0) |
        (src[s + 7] ? 0x01 : 0);
    }
    if (whole * 8 < samples) {
      let byte = 0;
      for (let bit = 0x80; s < (y + 1) * samples; s++, bit >>= 1) if (src[s]) byte |= bit;
      dst[d] = byte;
    }
  }
}
