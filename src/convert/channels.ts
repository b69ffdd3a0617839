/**
 * Channel conversions between colour models, on 8- or 16-bit native-order samples.
 */

/** Replicate each gray sample into R, G, B (alpha, if present, is copied after). */
export function grayToRgb(src: Uint8Array, dst: Uint8Array, pixels: number, bits: 8 | 16, alpha: boolean): void {
  const s = bits === 8 ? src : new Uint16Array(src.buffer, src.byteOffset, pixels * (alpha ? 2 : 1));
  const d = bits === 8 ? dst : new Uint16Array(dst.buffer, dst.byteOffset, pixels * (alpha ? 4 : 3));
  if (alpha) {
    for (let p = 0, i = 0, o = 0; p < pixels; p++, i += 2, o += 4) {
      const v = s[i]!;
      d[o] = v;
      d[o + 1] = v;
      d[o + 2] = v;
      d[o + 3] = s[i + 1]!;
    }
  } else {
    for (let p = 0, o = 0; p < pixels; p++, o += 3) {
      const v = s[p]!;
      d[o] = v;
      d[o + 1] = v;
      d[o + 2] = v;
    }
  }
}

/**
 * CMYK → RGB the naive way PostScript defines it (PLRM 3rd ed. §7.2.4, "Conversion from DeviceCMYK
 * to DeviceRGB"): red = 1 − min(1, cyan + black), likewise green/magenta and blue/yellow. No
 * colour management: a preview, not a proof. Extra channels after the 4 inks (alpha) are copied.
 */
export function cmykToRgb(src: Uint8Array, dst: Uint8Array, pixels: number, bits: 8 | 16, srcChannels: number, alpha: boolean): void {
  const max = bits === 8 ? 255 : 65535;
  const outCh = alpha ? 4 : 3;
  const s = bits === 8 ? src : new Uint16Array(src.buffer, src.byteOffset, pixels * srcChannels);
  const d = bits === 8 ? dst : new Uint16Array(dst.buffer, dst.byteOffset, pixels * outCh);
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += srcChannels, o += outCh) {
    const k = s[i + 3]!;
    d[o] = Math.max(0, max - s[i]! - k);
    d[o + 1] = Math.max(0, max - s[i + 1]! - k);
    d[o + 2] = Math.max(0, max - s[i + 2]! - k);
    if (alpha) d[o + 3] = s[i + srcChannels - 1]!;
  }
}
