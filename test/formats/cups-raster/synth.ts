/**
 * Test helper: CUPS raster streams built byte by byte from the spec (header offsets of
 * cups_page_header2_t, formats.md §1.2; v2 packets, §1.6), for the cases no producer here
 * writes (v1, big-endian, foreign colour spaces, broken files). Written independently of the
 * decoder: it shares no code with formats/cups-raster/.
 */
export interface SynthPage {
  width: number;
  height: number;
  bitsPerColor: number;
  bitsPerPixel: number;
  bytesPerLine: number;
  colorOrder?: number;
  colorSpace: number;
  numColors: number;
  hwResolution?: [number, number];
  /** Stored lines (bytesPerLine each; × numColors when planar). */
  lines: Uint8Array[];
  mediaClass?: string;
}

export type SyncWord = 'RaSt' | 'tSaR' | 'RaS2' | '2SaR' | 'RaS3' | '3SaR';

/** Header bytes for one page. */
export function synthHeader(p: SynthPage, sync: SyncWord): Uint8Array {
  const v1 = sync === 'RaSt' || sync === 'tSaR';
  const le = sync[0] !== 'R';
  const h = new Uint8Array(v1 ? 420 : 1796);
  const dv = new DataView(h.buffer);
  const u32 = (off: number, v: number) => dv.setUint32(off, v, le);
  if (p.mediaClass) h.set(Buffer.from(p.mediaClass, 'latin1'), 0);
  u32(276, p.hwResolution?.[0] ?? 300);
  u32(280, p.hwResolution?.[1] ?? 300);
  u32(352, 612);
  u32(356, 792);
  u32(372, p.width);
  u32(376, p.height);
  u32(384, p.bitsPerColor);
  u32(388, p.bitsPerPixel);
  u32(392, p.bytesPerLine);
  u32(396, p.colorOrder ?? 0);
  u32(400, p.colorSpace);
  if (!v1) {
    u32(420, p.numColors);
    h.set(Buffer.from('na_letter_8.5x11in', 'latin1'), 1732);
  }
  return h;
}

/** v2 packets for one line: runs of equal units as repeats, the rest as literals (≤ 128 units). */
export function encodeLine(line: Uint8Array, unit: number): number[] {
  const out: number[] = [];
  const units = line.length / unit;
  const same = (a: number, b: number) => line.subarray(a * unit, a * unit + unit).every((v, k) => v === line[b * unit + k]);
  let i = 0;
  while (i < units) {
    let run = 1;
    while (i + run < units && run < 128 && same(i, i + run)) run++;
    if (run > 1 || i + 1 === units) {
      out.push(run - 1, ...line.subarray(i * unit, i * unit + unit));
      i += run;
      continue;
    }
    let lit = 1;
    while (i + lit < units && lit < 128 && !(i + lit + 1 < units && same(i + lit, i + lit + 1))) lit++;
    if (lit === 1) {
      out.push(0, ...line.subarray(i * unit, i * unit + unit));
    } else {
      out.push(257 - lit, ...line.subarray(i * unit, (i + lit) * unit));
    }
    i += lit;
  }
  return out;
}

/** Pixel data of one page: raw, or compressed with identical consecutive lines merged. */
export function synthPixels(p: SynthPage, compressed: boolean): Uint8Array {
  if (!compressed) return Buffer.concat(p.lines);
  const order = p.colorOrder ?? 0;
  const unit = Math.max(1, Math.ceil((order === 0 ? p.bitsPerPixel : p.bitsPerColor) / 8));
  const out: number[] = [];
  for (let i = 0; i < p.lines.length; ) {
    let n = 1;
    while (i + n < p.lines.length && n < 256 && Buffer.from(p.lines[i + n]!).equals(p.lines[i]!)) n++;
    out.push(n - 1, ...encodeLine(p.lines[i]!, unit));
    i += n;
  }
  return Uint8Array.from(out);
}

/** A whole stream: sync word, then header + pixels of each page. */
export function synthStream(sync: SyncWord, pages: SynthPage[]): Uint8Array {
  const compressed = sync === 'RaS2' || sync === '2SaR';
  const parts: Uint8Array[] = [Buffer.from(sync, 'latin1')];
  for (const p of pages) parts.push(synthHeader(p, sync), synthPixels(p, compressed));
  return Buffer.concat(parts);
}

/** Split bytes into lines of n bytes. */
export function lines(bytes: Uint8Array, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < bytes.length; o += n) out.push(bytes.subarray(o, o + n));
  return out;
}
