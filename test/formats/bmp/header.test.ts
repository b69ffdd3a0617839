/**
 * Header fields and stored bytes of written BMPs, against the values the BMP spec gives
 * (Microsoft Learn: BITMAPFILEHEADER, BITMAPINFOHEADER, BITMAPV5HEADER, "Bitmap Storage"),
 * worked out here from the spec's rules rather than taken from the encoder.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bmpEncoder } from '../../../formats/bmp/index.js';
import type { PixelLayout } from '../../../src/model.js';
import { encodeToBuffer, layout, memoryPage, pseudoRandomBytes } from '../../helpers/pages.js';
import { inputRowBytes } from './expected.js';

/** The fields of BITMAPFILEHEADER + BITMAPINFOHEADER, read at their documented offsets. */
function readHeader(b: Buffer) {
  return {
    bfType: b.toString('latin1', 0, 2),
    bfSize: b.readUInt32LE(2),
    bfReserved: b.readUInt32LE(6),
    bfOffBits: b.readUInt32LE(10),
    biSize: b.readUInt32LE(14),
    biWidth: b.readInt32LE(18),
    biHeight: b.readInt32LE(22),
    biPlanes: b.readUInt16LE(26),
    biBitCount: b.readUInt16LE(28),
    biCompression: b.readUInt32LE(30),
    biSizeImage: b.readUInt32LE(34),
    biXPelsPerMeter: b.readInt32LE(38),
    biYPelsPerMeter: b.readInt32LE(42),
    biClrUsed: b.readUInt32LE(46),
    biClrImportant: b.readUInt32LE(50),
  };
}

/** What the spec says a BMP of these rows holds: bits per pixel, palette, header size. */
interface Storage {
  bitCount: number;
  /** Palette gray levels (R = G = B, reserved 0); [] when there is none. */
  palette: number[];
  v5: boolean;
}

const ramp = (n: number, step: number) => Array.from({ length: n }, (_, i) => i * step);
const CASES: [string, PixelLayout, Storage][] = [
  ['gray 1-bit', layout({ width: 21, height: 3, bitsPerSample: 1 }), { bitCount: 1, palette: [0, 255], v5: false }],
  ['gray 1-bit minIsWhite', layout({ width: 21, height: 3, bitsPerSample: 1, minIsWhite: true }), { bitCount: 1, palette: [255, 0], v5: false }],
  ['gray 2-bit', layout({ width: 7, height: 3, bitsPerSample: 2 }), { bitCount: 4, palette: ramp(16, 17), v5: false }],
  ['gray 4-bit', layout({ width: 7, height: 3, bitsPerSample: 4 }), { bitCount: 4, palette: ramp(16, 17), v5: false }],
  ['gray 4-bit minIsWhite', layout({ width: 7, height: 3, bitsPerSample: 4, minIsWhite: true }), { bitCount: 4, palette: ramp(16, 17).reverse(), v5: false }],
  ['gray 8-bit', layout({ width: 5, height: 3 }), { bitCount: 8, palette: ramp(256, 1), v5: false }],
  ['gray 8-bit minIsWhite', layout({ width: 5, height: 3, minIsWhite: true }), { bitCount: 8, palette: ramp(256, 1).reverse(), v5: false }],
  ['gray 16-bit', layout({ width: 5, height: 3, bitsPerSample: 16 }), { bitCount: 8, palette: ramp(256, 1), v5: false }],
  ['rgb 8-bit', layout({ width: 5, height: 3, colorModel: 'rgb', channels: 3 }), { bitCount: 24, palette: [], v5: false }],
  ['rgb 16-bit', layout({ width: 5, height: 3, colorModel: 'rgb', channels: 3, bitsPerSample: 16, byteOrder: 'be' }), { bitCount: 24, palette: [], v5: false }],
  ['rgba 8-bit', layout({ width: 5, height: 3, colorModel: 'rgb', channels: 4, alpha: true }), { bitCount: 32, palette: [], v5: true }],
  ['gray+alpha 8-bit', layout({ width: 5, height: 3, channels: 2, alpha: true }), { bitCount: 32, palette: [], v5: true }],
];

describe('BMP headers', () => {
  for (const [name, l, s] of CASES) {
    it(`${name}: file and info header fields, palette, V5 masks`, async () => {
      const file = await encodeToBuffer(bmpEncoder, [memoryPage(l, pseudoRandomBytes(inputRowBytes(l) * l.height, 5))]);
      const h = readHeader(file);
      const infoSize = s.v5 ? 124 : 40;
      // "Bitmap Storage": stride = ((biWidth · biBitCount + 31) & ~31) / 8
      const stride = (((l.width * s.bitCount + 31) >>> 5) << 5) / 8;
      const offBits = 14 + infoSize + 4 * s.palette.length;
      assert.deepEqual(h, {
        bfType: 'BM',
        bfSize: offBits + stride * l.height,
        bfReserved: 0,
        bfOffBits: offBits,
        biSize: infoSize,
        biWidth: l.width,
        biHeight: l.height, // positive: bottom-up
        biPlanes: 1,
        biBitCount: s.bitCount,
        biCompression: s.v5 ? 3 : 0, // BI_BITFIELDS : BI_RGB
        biSizeImage: stride * l.height,
        biXPelsPerMeter: 0,
        biYPelsPerMeter: 0,
        biClrUsed: s.palette.length,
        biClrImportant: 0,
      });
      assert.equal(file.length, h.bfSize);
      const pal = [...file.subarray(14 + infoSize, offBits)];
      assert.deepEqual(pal, s.palette.flatMap((v) => [v, v, v, 0]));
      if (s.v5) {
        const v5 = {
          red: file.readUInt32LE(54),
          green: file.readUInt32LE(58),
          blue: file.readUInt32LE(62),
          alpha: file.readUInt32LE(66),
          csType: file.toString('latin1', 70, 74), // LCS_sRGB = 'sRGB' stored as a little-endian DWORD
          intent: file.readUInt32LE(122),
        };
        assert.deepEqual(v5, { red: 0x00ff0000, green: 0x0000ff00, blue: 0x000000ff, alpha: 0xff000000, csType: 'BGRs', intent: 4 });
        assert.ok(file.subarray(74, 122).every((v) => v === 0), 'endpoints and gammas are zero');
        assert.ok(file.subarray(126, 138).every((v) => v === 0), 'no profile, reserved zero');
      }
    });
  }

  it('resolution in dpi is stored as round(dpi / 0.0254) pixels per metre', async () => {
    const l = layout({ width: 3, height: 2 });
    for (const [x, y] of [
      [300, 300],
      [72, 144],
      [127.5, 96],
    ] as const) {
      const file = await encodeToBuffer(bmpEncoder, [memoryPage({ layout: l, resolution: { x, y } }, new Uint8Array(6))]);
      const h = readHeader(file);
      // 1 inch = 2.54 cm exactly: pixels per metre = dpi · 100 / 2.54
      assert.deepEqual([h.biXPelsPerMeter, h.biYPelsPerMeter], [Math.round((x * 100) / 2.54), Math.round((y * 100) / 2.54)]);
    }
  });

  it('stores rows bottom-up with zero padding: the first input row is the last row in the file', async () => {
    const l = layout({ width: 3, height: 4, colorModel: 'rgb', channels: 3 }); // 9 bytes + 3 of padding
    const rows = [...Array(4).keys()].map((y) => [...Array(9).keys()].map((i) => 10 * y + i + 1));
    const file = await encodeToBuffer(bmpEncoder, [memoryPage(l, Uint8Array.from(rows.flat()))], {}, 3);
    const data = file.subarray(readHeader(file).bfOffBits);
    assert.equal(data.length, 4 * 12);
    for (let y = 0; y < 4; y++) {
      const stored = [...data.subarray((3 - y) * 12, (4 - y) * 12)];
      const bgr = [0, 1, 2].flatMap((x) => [rows[y]![3 * x + 2]!, rows[y]![3 * x + 1]!, rows[y]![3 * x]!]);
      assert.deepEqual(stored, [...bgr, 0, 0, 0], `row ${y}`);
    }
  });

  it('clears the bits past the last pixel of 1-bit rows and stores 2-bit v as the 4-bit index 5v', async () => {
    const one = layout({ width: 3, height: 1, bitsPerSample: 1 });
    const file1 = await encodeToBuffer(bmpEncoder, [memoryPage(one, Uint8Array.of(0b1011_1111))]);
    assert.deepEqual([...file1.subarray(readHeader(file1).bfOffBits)], [0b1010_0000, 0, 0, 0]);
    const two = layout({ width: 5, height: 1, bitsPerSample: 2 }); // samples 0 1 2 3 | 2, then 6 padding bits set
    const file2 = await encodeToBuffer(bmpEncoder, [memoryPage(two, Uint8Array.of(0b00_01_10_11, 0b10_11_11_11))]);
    assert.deepEqual([...file2.subarray(readHeader(file2).bfOffBits)], [0x05, 0xaf, 0xa0, 0]);
  });

  it('the same bytes come out whatever the band size', async () => {
    const l = layout({ width: 13, height: 11, colorModel: 'rgb', channels: 4, alpha: true, bitsPerSample: 16 });
    const px = pseudoRandomBytes(inputRowBytes(l) * l.height, 9);
    const reference = await encodeToBuffer(bmpEncoder, [memoryPage(l, px)], {}, l.height);
    for (const bandRows of [1, 2, 4, 10]) assert.deepEqual(await encodeToBuffer(bmpEncoder, [memoryPage(l, px)], {}, bandRows), reference, `bands of ${bandRows}`);
  });
});
