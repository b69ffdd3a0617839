/**
 * Turns the stored form of one row (a chunky line, the colour bands of a banded line, or one line
 * of each plane) into one interleaved row of the page's PixelLayout: colours reordered, padding
 * bits dropped, CMY complemented, Lab a* and b* made signed, the RGBW black flag folded in. Whole-row
 * loops over typed arrays; a plain copy when nothing has to change.
 */
export interface SampleSource {
  /** Which stored segment holds the sample: 0 for chunky, the colour index for banded/planar. */
  segment: number;
  /** Bit offset of the sample inside one stored pixel of that segment. */
  bitOffset: number;
}

export interface AssemblyPlan {
  width: number;
  bitsPerColor: number;
  /** Bits from one stored pixel to the next inside a segment. */
  strideBits: number;
  /** Per output channel: where its sample is stored. */
  channels: readonly SampleSource[];
  /** Output row bytes (rowBytes of the layout). */
  rowBytes: number;
  /** Nothing to do: the row is the first rowBytes of the single segment. */
  identity: boolean;
  /** Complement every sample (CMY → RGB). */
  invert: boolean;
  /** Flip the top bit of output channels 1 and 2 (CIELab a*, b*: offset binary → two's complement). */
  signedAB: boolean;
  /** Stored sample whose value 0 makes the pixel black (RGBW), folded into the RGB output. */
  blackFlag: SampleSource | undefined;
  /** Byte order of 16-bit samples (for signedAB). */
  bigEndian: boolean;
}

export class PixelAssembler {
  constructor(readonly plan: AssemblyPlan) {}

  /** Write the row made of `segments` into out[at … at + rowBytes). */
  assemble(segments: readonly Uint8Array[], out: Uint8Array, at: number): void {
    const p = this.plan;
    if (p.identity) {
      out.set(segments[0]!.subarray(0, p.rowBytes), at);
      return;
    }
    const row = out.subarray(at, at + p.rowBytes);
    if (p.bitsPerColor >= 8) this.assembleBytes(segments, row);
    else this.assembleBits(segments, row);
  }

  /** 8- and 16-bit samples: one gather loop per output channel. */
  private assembleBytes(segments: readonly Uint8Array[], row: Uint8Array): void {
    const p = this.plan;
    const sb = p.bitsPerColor >> 3;
    const n = p.channels.length;
    const outPixel = n * sb;
    const stride = p.strideBits >> 3;
    const w = p.width;
    for (let c = 0; c < n; c++) {
      const src = p.channels[c]!;
      const seg = segments[src.segment]!;
      const first = src.bitOffset >> 3;
      if (sb === 1) for (let x = 0, i = first, o = c; x < w; x++, i += stride, o += outPixel) row[o] = seg[i]!;
      else
        for (let x = 0, i = first, o = c * 2; x < w; x++, i += stride, o += outPixel) {
          row[o] = seg[i]!;
          row[o + 1] = seg[i + 1]!;
        }
    }
    if (p.invert) for (let i = 0; i < row.length; i++) row[i] = ~row[i]! & 0xff;
    if (p.signedAB) {
      // The high byte of a* and b* carries the sign bit.
      const hi = sb === 2 && !p.bigEndian ? 1 : 0;
      for (let o = 0; o < row.length; o += outPixel) {
        row[o + sb + hi] = row[o + sb + hi]! ^ 0x80;
        row[o + 2 * sb + hi] = row[o + 2 * sb + hi]! ^ 0x80;
      }
    }
    if (p.blackFlag) {
      const seg = segments[p.blackFlag.segment]!;
      const first = p.blackFlag.bitOffset >> 3;
      for (let x = 0, i = first, o = 0; x < w; x++, i += stride, o += outPixel)
        if (seg[i] === 0 && (sb === 1 || seg[i + 1] === 0)) row.fill(0, o, o + outPixel);
    }
  }

  /** 1-, 2- and 4-bit samples, MSB first: extracted and re-packed one sample at a time. */
  private assembleBits(segments: readonly Uint8Array[], row: Uint8Array): void {
    const p = this.plan;
    const bits = p.bitsPerColor;
    const max = (1 << bits) - 1;
    const n = p.channels.length;
    const w = p.width;
    const get = (seg: Uint8Array, bit: number) => (seg[bit >> 3]! >> (8 - bits - (bit & 7))) & max;
    row.fill(0);
    const flag = p.blackFlag;
    const flagSeg = flag ? segments[flag.segment]! : undefined;
    const topBit = 1 << (bits - 1);
    let outBit = 0;
    for (let x = 0; x < w; x++) {
      const pixelBit = x * p.strideBits;
      const black = flag !== undefined && get(flagSeg!, pixelBit + flag.bitOffset) === 0;
      for (let c = 0; c < n; c++, outBit += bits) {
        const src = p.channels[c]!;
        let v = get(segments[src.segment]!, pixelBit + src.bitOffset);
        if (p.invert) v = max - v;
        if (p.signedAB && (c === 1 || c === 2)) v ^= topBit;
        if (black) v = 0;
        row[outBit >> 3] = row[outBit >> 3]! | (v << (8 - bits - (outBit & 7)));
      }
    }
  }
}
