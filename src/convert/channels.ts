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

/** sRGB transfer function (IEC 61966-2-1) on a linear value, clamped to 0…1. */
function srgbEncode(v: number): number {
  if (v <= 0) return 0;
  if (v >= 1) return 1;
  return v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
}

/**
 * CIE L*a*b* → sRGB, reference white D65 (the white CUPS's own CIE conversions use,
 * cups/image-colorspace.c). Samples are in the TIFF CIELab encoding (PhotometricInterpretation 8):
 * 8-bit L* 0…255 ↦ 0…100 with a*, b* signed bytes; 16-bit L* 0…65535 ↦ 0…100 with a*, b* signed
 * 16-bit in 1/256 units. Output is RGB at the same depth.
 */
export function labToRgb(src: Uint8Array, dst: Uint8Array, pixels: number, bits: 8 | 16): void {
  const Xn = 0.95047;
  const Zn = 1.08883;
  const max = bits === 8 ? 255 : 65535;
  const L = bits === 8 ? src : new Uint16Array(src.buffer, src.byteOffset, pixels * 3);
  const AB = bits === 8 ? new Int8Array(src.buffer, src.byteOffset, pixels * 3) : new Int16Array(src.buffer, src.byteOffset, pixels * 3);
  const abScale = bits === 8 ? 1 : 1 / 256;
  const d = bits === 8 ? dst : new Uint16Array(dst.buffer, dst.byteOffset, pixels * 3);
  const finv = (t: number) => (t > 6 / 29 ? t * t * t : 3 * (6 / 29) * (6 / 29) * (t - 4 / 29));
  for (let p = 0, i = 0; p < pixels; p++, i += 3) {
    const l = (L[i]! * 100) / max;
    const fy = (l + 16) / 116;
    const x = Xn * finv(fy + (AB[i + 1]! * abScale) / 500);
    const y = finv(fy);
    const z = Zn * finv(fy - (AB[i + 2]! * abScale) / 200);
    d[i] = Math.round(max * srgbEncode(3.2404542 * x - 1.5371385 * y - 0.4985314 * z));
    d[i + 1] = Math.round(max * srgbEncode(-0.969266 * x + 1.8760108 * y + 0.041556 * z));
    d[i + 2] = Math.round(max * srgbEncode(0.0556434 * x - 0.2040259 * y + 1.0572252 * z));
  }
}
