/**
 * Header parsing, validation, v2 decompression, colour-space mapping, orders and errors, on
 * streams built from the spec by synth.ts (expected samples written out by hand from the spec's
 * definitions, never computed by the decoder).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { RasterError } from '../../../src/errors.js';
import { ByteSource } from '../../../src/io/byte-source.js';
import { cupsRasterDecoder } from '../../../formats/cups-raster/index.js';
import { convert } from '../../../src/index.js';
import { utifDecode } from '../tiff/tiff-test-kit.js';
import { decodeAll } from './decode.js';
import { lines, synthHeader, synthStream, type SynthPage, type SyncWord } from './synth.js';

const rgbPage = (width: number, height: number, pixels: Uint8Array, extra: Partial<SynthPage> = {}): SynthPage => ({
  width,
  height,
  bitsPerColor: 8,
  bitsPerPixel: 24,
  bytesPerLine: width * 3,
  colorSpace: 19,
  numColors: 3,
  lines: lines(pixels, width * 3),
  ...extra,
});

async function rejects(bytes: Uint8Array, code: string, check: (e: RasterError) => void = () => {}): Promise<void> {
  await assert.rejects(decodeAll(bytes), (e: unknown) => {
    assert.ok(e instanceof RasterError, `expected a RasterError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    check(e);
    return true;
  });
}

test('spec-raster.html Figure 3: the 89-byte compressed 8×8 sRGB example', async () => {
  // prettier-ignore
  const data = [
    0x00, 0x00, 0xff, 0xff, 0xff, 0x02, 0xff, 0xff, 0x00, 0x03, 0xff, 0xff, 0xff,
    0x00, 0xfe, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x00, 0x02, 0xff, 0xff, 0xff, 0x00, 0x00, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff,
    0x00, 0x01, 0xff, 0xff, 0x00, 0x02, 0xff, 0xff, 0xff, 0x02, 0x00, 0xff, 0x00,
    0x00, 0x02, 0xff, 0xff, 0x00, 0x02, 0xff, 0xff, 0xff, 0x00, 0x00, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff,
    0x00, 0x00, 0xff, 0xff, 0xff, 0x02, 0xff, 0xff, 0x00, 0x03, 0xff, 0xff, 0xff,
    0x00, 0x07, 0xff, 0xff, 0xff,
    0x01, 0x07, 0xff, 0x00, 0x00,
  ];
  assert.equal(data.length, 89);
  const header = synthHeader(rgbPage(8, 8, new Uint8Array(0)), 'RaS2');
  const [page] = await decodeAll(Buffer.concat([Buffer.from('RaS2'), header, Uint8Array.from(data)]));
  const colour: Record<string, number[]> = { W: [255, 255, 255], Y: [255, 255, 0], B: [0, 0, 255], G: [0, 255, 0], R: [255, 0, 0] };
  const rows = ['WYYYWWWW', 'YBYWWWGW', 'YYWWWGGG', 'YYYWWWGW', 'WYYYWWWW', 'WWWWWWWW', 'RRRRRRRR', 'RRRRRRRR'];
  const want = rows.flatMap((r) => [...r].flatMap((c) => colour[c]!));
  assert.deepEqual([...page!.pixels], want);
  assert.equal(page!.info.layout.byteOrder, 'be');
  assert.equal(page!.info.colorSpaceName, 'CUPS_CSPACE_SRGB');
});

test('every sync word: v1 (420-byte header, colours derived), v2, v3, both byte orders, 2 pages of different sizes', async () => {
  const a = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i * 37) & 0xff);
  const b = Uint8Array.from({ length: 2 * 4 * 3 }, (_, i) => 255 - i);
  for (const sync of ['RaSt', 'tSaR', 'RaS2', '2SaR', 'RaS3', '3SaR'] as SyncWord[]) {
    const v1 = sync.includes('t');
    const stream = synthStream(sync, [rgbPage(5, 3, a, { numColors: v1 ? 0 : 3, hwResolution: [600, 300] }), rgbPage(2, 4, b, { colorSpace: 1 })]);
    const pages = await decodeAll(stream, 2);
    assert.equal(pages.length, 2, sync);
    assert.deepEqual([...pages[0]!.pixels], [...a], sync);
    assert.deepEqual([...pages[1]!.pixels], [...b], sync);
    assert.deepEqual(pages[0]!.info.resolution, { x: 600, y: 300 });
    assert.equal(pages[0]!.info.layout.byteOrder, sync[0] === 'R' ? 'be' : 'le');
    const h = pages[0]!.info.header!;
    assert.equal(h['cupsWidth'], 5);
    assert.equal('cupsNumColors' in h, !v1, `${sync}: v1 headers have no cupsNumColors`);
    if (!v1) assert.equal(h['cupsPageSizeName'], 'na_letter_8.5x11in');
  }
});

test('16-bit samples are delivered in the byte order of the sync word', async () => {
  const be = Uint8Array.from([0x12, 0x34, 0xab, 0xcd]);
  const le = Uint8Array.from([0x34, 0x12, 0xcd, 0xab]);
  const page = (px: Uint8Array): SynthPage => ({ width: 2, height: 1, bitsPerColor: 16, bitsPerPixel: 16, bytesPerLine: 4, colorSpace: 18, numColors: 1, lines: [px] });
  for (const sync of ['RaS2', 'RaS3'] as SyncWord[]) {
    const [p] = await decodeAll(synthStream(sync, [page(be)]));
    assert.deepEqual([...p!.pixels], [...be]);
    assert.equal(p!.info.layout.byteOrder, 'be');
  }
  for (const sync of ['2SaR', '3SaR'] as SyncWord[]) {
    const [p] = await decodeAll(synthStream(sync, [page(le)]));
    assert.deepEqual([...p!.pixels], [...le]);
    assert.equal(p!.info.layout.byteOrder, 'le');
  }
});

test('code 128 clears to the end of the line with 0xFF for additive spaces and 0x00 otherwise (§1.8)', async () => {
  for (const [space, fill] of [[0, 0xff], [18, 0xff], [3, 0x00], [2, 0x00], [48, 0x00]] as const) {
    const colours = space === 2 ? 4 : 1;
    const header = synthHeader({ width: 4, height: 1, bitsPerColor: 8, bitsPerPixel: 8 * colours, bytesPerLine: 4 * colours, colorSpace: space, numColors: colours, lines: [] }, 'RaS2');
    // one line: literal... no: repeat of 1 unit (value 7), then clear to end of line.
    const data = [0x00, 0x00, ...new Array(colours).fill(7), 0x80];
    const [p] = await decodeAll(Buffer.concat([Buffer.from('RaS2'), header, Uint8Array.from(data)]));
    const want = [...new Array(colours).fill(7), ...new Array(3 * colours).fill(fill)];
    // K is delivered as stored (minIsWhite), so the fill byte shows unchanged.
    assert.deepEqual([...p!.pixels], want, `cupsColorSpace ${space}`);
  }
});

interface MapCase {
  name: string;
  page: Omit<SynthPage, 'lines' | 'width' | 'height'>;
  stored: number[];
  want: number[];
  model: string;
  channels: number;
}
// One pixel wide unless stated; stored bytes and expected output bytes written from the spec.
const MAPS: MapCase[] = [
  { name: 'CMY → RGB by complement', page: { bitsPerColor: 8, bitsPerPixel: 24, bytesPerLine: 3, colorSpace: 4, numColors: 3 }, stored: [0, 100, 255], want: [255, 155, 0], model: 'rgb', channels: 3 },
  { name: 'YMC → RGB', page: { bitsPerColor: 8, bitsPerPixel: 24, bytesPerLine: 3, colorSpace: 5, numColors: 3 }, stored: [10, 20, 30], want: [225, 235, 245], model: 'rgb', channels: 3 },
  { name: 'YMCK → CMYK', page: { bitsPerColor: 8, bitsPerPixel: 32, bytesPerLine: 4, colorSpace: 7, numColors: 4 }, stored: [1, 2, 3, 4], want: [3, 2, 1, 4], model: 'cmyk', channels: 4 },
  { name: 'KCMY → CMYK', page: { bitsPerColor: 8, bitsPerPixel: 32, bytesPerLine: 4, colorSpace: 8, numColors: 4 }, stored: [4, 1, 2, 3], want: [1, 2, 3, 4], model: 'cmyk', channels: 4 },
  { name: 'CIELab 8-bit: a*, b* from +128 offset to signed', page: { bitsPerColor: 8, bitsPerPixel: 24, bytesPerLine: 3, colorSpace: 16, numColors: 3 }, stored: [200, 128, 100], want: [200, 0, 100 - 128 + 256], model: 'lab', channels: 3 },
  { name: 'RGBW: W = 0 is black, else RGB', page: { bitsPerColor: 8, bitsPerPixel: 32, bytesPerLine: 8, colorSpace: 17, numColors: 4 }, stored: [10, 20, 30, 255, 40, 50, 60, 0], want: [10, 20, 30, 0, 0, 0], model: 'rgb', channels: 3 },
  { name: 'RGB 1-bit chunked 0RGB nibbles → packed 3-bit pixels', page: { bitsPerColor: 1, bitsPerPixel: 4, bytesPerLine: 1, colorSpace: 1, numColors: 3 }, stored: [0b0101_0010], want: [0b101_010_00], model: 'rgb', channels: 3 },
  { name: 'RGB 2-bit chunked 00RRGGBB → packed', page: { bitsPerColor: 2, bitsPerPixel: 8, bytesPerLine: 2, colorSpace: 1, numColors: 3 }, stored: [0b00_11_10_01, 0b00_01_10_11], want: [0b11_10_01_01, 0b10_11_0000], model: 'rgb', channels: 3 },
  { name: 'KCMYcm 1-bit 00KCMYcm → C M Y K c m', page: { bitsPerColor: 1, bitsPerPixel: 8, bytesPerLine: 1, colorSpace: 9, numColors: 6 }, stored: [0b00_1_0_1_1_0_1], want: [0b011_1_01_00], model: 'device', channels: 6 },
  { name: 'Device3 → device, 3 channels as stored', page: { bitsPerColor: 8, bitsPerPixel: 24, bytesPerLine: 3, colorSpace: 50, numColors: 3 }, stored: [1, 2, 3], want: [1, 2, 3], model: 'device', channels: 3 },
  { name: 'K 4-bit → gray, minIsWhite', page: { bitsPerColor: 4, bitsPerPixel: 4, bytesPerLine: 1, colorSpace: 3, numColors: 1 }, stored: [0xa0], want: [0xa0], model: 'gray', channels: 1 },
];

for (const m of MAPS) {
  test(`colour mapping: ${m.name}`, async () => {
    const width = m.name.startsWith('RGBW') || m.name.startsWith('RGB 2-bit') ? 2 : m.name.startsWith('RGB 1-bit') ? 2 : 1;
    for (const sync of ['RaS3', '2SaR'] as SyncWord[]) {
      const [p] = await decodeAll(synthStream(sync, [{ ...m.page, width, height: 1, lines: [Uint8Array.from(m.stored)] }]));
      assert.deepEqual([...p!.pixels], m.want, sync);
      assert.equal(p!.info.layout.colorModel, m.model);
      assert.equal(p!.info.layout.channels, m.channels);
    }
  });
}

test('banded and planar lines are reassembled into interleaved rows (8- and 16-bit, 1-bit)', async () => {
  const w = 3;
  const h = 2;
  // CMYK 8-bit: pixel (x, y) colour c = 10y + 3x + c.
  const value = (x: number, y: number, c: number) => 10 * y + 3 * x + c + 1;
  const want = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 4; c++) want.push(value(x, y, c));
  const banded: Uint8Array[] = [];
  for (let y = 0; y < h; y++) banded.push(Uint8Array.from({ length: 4 * w }, (_, i) => value(i % w, y, Math.floor(i / w))));
  const planar: Uint8Array[] = [];
  for (let c = 0; c < 4; c++) for (let y = 0; y < h; y++) planar.push(Uint8Array.from({ length: w }, (_, x) => value(x, y, c)));
  const base = { width: w, height: h, bitsPerColor: 8, bitsPerPixel: 8, colorSpace: 6, numColors: 4 };
  for (const sync of ['RaS3', '3SaR', 'RaS2', '2SaR'] as SyncWord[]) {
    const [b] = await decodeAll(synthStream(sync, [{ ...base, bytesPerLine: 4 * w, colorOrder: 1, lines: banded }]), 1);
    assert.deepEqual([...b!.pixels], want, `${sync} banded`);
    const [p] = await decodeAll(synthStream(sync, [{ ...base, bytesPerLine: w, colorOrder: 2, lines: planar }]), 1);
    assert.deepEqual([...p!.pixels], want, `${sync} planar`);
  }
  // 1-bit RGB planar, width 10: planes R = 1000000001, G = 0100000000, B = 0000000011.
  const planes = [[0b10000000, 0b01000000], [0b01000000, 0], [0, 0b11000000]].map((b) => Uint8Array.from(b));
  const [p1] = await decodeAll(synthStream('RaS2', [{ width: 10, height: 1, bitsPerColor: 1, bitsPerPixel: 1, bytesPerLine: 2, colorOrder: 2, colorSpace: 1, numColors: 3, lines: planes }]));
  // Interleaved RGB bits: px0 100, px1 010, px2..7 000, px8 001, px9 101 → 30 bits.
  assert.deepEqual([...p1!.pixels], [0b10001000, 0, 0, 0b00110100]);
});

test('a planar page read from a stream is spooled, and the next page still decodes', async () => {
  const planes = [Uint8Array.from([1, 2]), Uint8Array.from([3, 4]), Uint8Array.from([5, 6])];
  const page: SynthPage = { width: 2, height: 1, bitsPerColor: 8, bitsPerPixel: 8, bytesPerLine: 2, colorOrder: 2, colorSpace: 1, numColors: 3, lines: planes };
  for (const sync of ['RaS2', 'RaS3'] as SyncWord[]) {
    const bytes = synthStream(sync, [page, rgbPage(1, 1, Uint8Array.from([7, 8, 9])), page]);
    const src = ByteSource.fromStream(Readable.from([Buffer.from(bytes)]));
    const decoded = await cupsRasterDecoder.open(src, {});
    const got: number[][] = [];
    for await (const p of decoded.pages()) {
      const buf = new Uint8Array(64);
      const n = await p.readRows(buf, 10);
      got.push([...buf.subarray(0, n * p.info.layout.width * 3)]);
    }
    assert.deepEqual(got, [[1, 3, 5, 2, 4, 6], [7, 8, 9], [1, 3, 5, 2, 4, 6]], sync);
  }
});

test('pages left unread (or half read) are skipped to the next header', async () => {
  const a = Uint8Array.from({ length: 4 * 5 * 3 }, (_, i) => i);
  const b = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => 200 + i);
  for (const sync of ['RaS2', 'RaS3'] as SyncWord[]) {
    const pages = await decodeAll(synthStream(sync, [rgbPage(4, 5, a), rgbPage(4, 5, a), rgbPage(2, 2, b)]), 3, 0);
    assert.equal(pages.length, 3);
    const src = ByteSource.fromBytes(synthStream(sync, [rgbPage(4, 5, a), rgbPage(2, 2, b)]));
    const decoded = await cupsRasterDecoder.open(src, {});
    const out: number[][] = [];
    for await (const p of decoded.pages()) {
      const buf = new Uint8Array(200);
      const n = await p.readRows(buf, 2); // only part of the first page
      out.push([...buf.subarray(0, n * p.info.layout.width * 3)]);
    }
    assert.deepEqual(out[1], [...b]);
  }
});

// --- Bad input -------------------------------------------------------------------------------

const good = () => synthStream('RaS2', [rgbPage(4, 3, Uint8Array.from({ length: 36 }, (_, i) => i * 7))]);

test('wrong sync word → E_BAD_MAGIC at byte 0', async () => {
  const bytes = good();
  bytes.set(Buffer.from('RaSx'), 0);
  await assert.rejects(cupsRasterDecoder.open(ByteSource.fromBytes(bytes), {}), (e: RasterError) => e.code === 'E_BAD_MAGIC' && e.offset === 0 && /RaSx/.test(e.message));
  // Bytes that are no printable ASCII are written as \xNN (an .npy file read as CUPS raster).
  bytes.set(Buffer.from('\x93NUM', 'latin1'), 0);
  await assert.rejects(cupsRasterDecoder.open(ByteSource.fromBytes(bytes), {}), (e: RasterError) => e.message.includes('the sync word is "\\x93NUM" (934e554d)'));
});

test('a planar row is bounded as a line is: 15 planes of 2 MiB lines are E_LIMIT, not 30 MiB rows', async () => {
  // CUPS_CSPACE_DEVICEF (62): 15 colours; CUPS_ORDER_PLANAR (2); 8-bit colours.
  const page = (width: number): SynthPage => ({ width, height: 1, bitsPerColor: 8, bitsPerPixel: 8, bytesPerLine: width, colorOrder: 2, colorSpace: 62, numColors: 15, lines: [] });
  const header = (width: number) => Buffer.concat([Buffer.from('RaS2'), synthHeader(page(width), 'RaS2')]);
  const firstPage = async (bytes: Uint8Array) => (await cupsRasterDecoder.open(ByteSource.fromBytes(bytes), {})).pages()[Symbol.asyncIterator]().next();
  await assert.rejects(firstPage(header(2 * 1024 * 1024)), (e: unknown) => {
    assert.ok(e instanceof RasterError, String(e));
    assert.equal(e.code, 'E_LIMIT');
    assert.match(e.message, /a row of this page is 31457280 bytes \(15 colours of 2097152 bytes per line\)/);
    return true;
  });
  // At the bound, the page is read.
  const w = Math.floor((16 * 1024 * 1024) / 15);
  const atBound = synthStream('RaS2', [{ ...page(w), lines: Array.from({ length: 15 }, (_, c) => new Uint8Array(w).fill(c)) }]);
  const pages = (await cupsRasterDecoder.open(ByteSource.fromBytes(atBound), {})).pages()[Symbol.asyncIterator]();
  assert.equal((await pages.next()).value?.info.layout.channels, 15);
});

test('truncated header → E_TRUNCATED naming the header and the offset', async () => {
  await rejects(good().subarray(0, 1000), 'E_TRUNCATED', (e) => {
    assert.equal(e.page, 1);
    assert.equal(e.offset, 1000);
    assert.match(e.message, /page header/);
  });
});

test('truncated pixels (compressed and raw) → E_TRUNCATED on page 2 with the offset of the end', async () => {
  for (const sync of ['RaS2', 'RaS3'] as SyncWord[]) {
    const px = Uint8Array.from({ length: 36 }, (_, i) => i * 7);
    const full = synthStream(sync, [rgbPage(4, 3, px), rgbPage(4, 3, px)]);
    const cut = full.subarray(0, full.length - 5);
    await rejects(cut, 'E_TRUNCATED', (e) => {
      assert.equal(e.page, 2, e.message);
      assert.ok(e.offset! <= cut.length && e.offset! >= cut.length - 40, `offset ${e.offset} near ${cut.length}`);
      // The message speaks of the page (3 lines of 12 bytes), not of the read that came up short.
      if (sync === 'RaS3') assert.match(e.message, /input ends inside pixel data: 31 of the page's 36 bytes are there \(2 of 3 lines complete\)$/);
      else assert.match(e.message, /input ends inside pixel data: in line \d of 3 \(\d complete\)$/);
    });
  }
});

const BAD_HEADERS: [string, Partial<SynthPage>, string, string][] = [
  ['cupsBytesPerLine vs width × bits per pixel', { bytesPerLine: 13 }, 'cupsBytesPerLine', 'E_BAD_HEADER'],
  ['zero width', { width: 0, bytesPerLine: 0 }, 'cupsWidth', 'E_BAD_HEADER'],
  ['absurd height', { height: 0x1000000 }, 'cupsHeight', 'E_BAD_HEADER'],
  ['unknown colour space', { colorSpace: 25 }, 'cupsColorSpace', 'E_BAD_HEADER'],
  ['unknown colour order', { colorOrder: 7 }, 'cupsColorOrder', 'E_BAD_HEADER'],
  ['bits per colour 3', { bitsPerColor: 3 }, 'cupsBitsPerColor', 'E_BAD_HEADER'],
  ['bits per pixel vs colours', { bitsPerPixel: 32 }, 'cupsBitsPerPixel', 'E_BAD_HEADER'],
  ['numColors vs colour space', { numColors: 4 }, 'cupsNumColors', 'E_BAD_HEADER'],
];
for (const [name, change, field, code] of BAD_HEADERS) {
  test(`contradicting header (${name}) → ${code} naming ${field} at its offset`, async () => {
    const page = { ...rgbPage(4, 3, new Uint8Array(36)), ...change };
    await rejects(synthStream('RaS3', [page]), code, (e) => {
      assert.equal(e.field, field);
      assert.equal(e.page, 1);
      const offsets: Record<string, number> = { cupsWidth: 372, cupsHeight: 376, cupsBitsPerColor: 384, cupsBitsPerPixel: 388, cupsBytesPerLine: 392, cupsColorOrder: 396, cupsColorSpace: 400, cupsNumColors: 420 };
      assert.equal(e.offset, 4 + offsets[field]!);
    });
  });
}

test('a run past the end of the line → E_CORRUPT_DATA at the control byte', async () => {
  const header = synthHeader(rgbPage(4, 1, new Uint8Array(0)), 'RaS2');
  const data = Uint8Array.from([0x00, 0x04, 1, 2, 3]); // repeat 5 pixels in a 4-pixel line
  await rejects(Buffer.concat([Buffer.from('RaS2'), header, data]), 'E_CORRUPT_DATA', (e) => {
    assert.equal(e.offset, 4 + 1796 + 1);
    assert.match(e.message, /past the end of the line/);
  });
  const lit = Uint8Array.from([0x00, 0xfb, ...new Array(15).fill(9)]); // literal of 6 pixels
  await rejects(Buffer.concat([Buffer.from('RaS2'), header, lit]), 'E_CORRUPT_DATA');
});

test('a line repeat past the end of the page → E_CORRUPT_DATA', async () => {
  const header = synthHeader(rgbPage(1, 2, new Uint8Array(0)), 'RaS2');
  const data = Uint8Array.from([0x02, 0x00, 1, 2, 3]); // 3 copies of a line in a 2-line page
  await rejects(Buffer.concat([Buffer.from('RaS2'), header, data]), 'E_CORRUPT_DATA', (e) => {
    assert.equal(e.offset, 4 + 1796);
    assert.match(e.message, /past the end of the page/);
  });
});

test('Ghostscript-style banded RGBA with three bands is refused with the reason', async () => {
  const page: SynthPage = { width: 2, height: 1, bitsPerColor: 8, bitsPerPixel: 8, bytesPerLine: 6, colorOrder: 1, colorSpace: 2, numColors: 4, lines: [new Uint8Array(6)] };
  await rejects(synthStream('3SaR', [page]), 'E_BAD_HEADER', (e) => assert.match(e.message, /3 bands/));
});

test('one job whose pages change colour space, depth and size decodes page by page, and becomes one TIFF of such pages', async () => {
  const rgb = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 29) & 0xff);
  const k1 = Uint8Array.of(0b10100000, 0b01010000); // 4×2, 1-bit ink
  const gray16 = Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => (i * 53) & 0xff);
  const cmyk = Uint8Array.from({ length: 2 * 2 * 4 }, (_, i) => 255 - i * 9);
  const pages: SynthPage[] = [
    { width: 4, height: 3, bitsPerColor: 8, bitsPerPixel: 24, bytesPerLine: 12, colorSpace: 1, numColors: 3, lines: lines(rgb, 12) },
    { width: 4, height: 2, bitsPerColor: 1, bitsPerPixel: 1, bytesPerLine: 1, colorSpace: 3, numColors: 1, lines: lines(k1, 1) },
    { width: 3, height: 2, bitsPerColor: 16, bitsPerPixel: 16, bytesPerLine: 6, colorSpace: 18, numColors: 1, lines: lines(gray16, 6) },
    { width: 2, height: 2, bitsPerColor: 8, bitsPerPixel: 32, bytesPerLine: 8, colorSpace: 6, numColors: 4, lines: lines(cmyk, 8) },
  ];
  const want = [
    { model: 'rgb', channels: 3, bits: 8, pixels: rgb },
    { model: 'gray', channels: 1, bits: 1, pixels: k1 },
    { model: 'gray', channels: 1, bits: 16, pixels: gray16 },
    { model: 'cmyk', channels: 4, bits: 8, pixels: cmyk },
  ];
  for (const sync of ['RaS2', 'RaS3'] as SyncWord[]) {
    const stream = synthStream(sync, pages);
    const decoded = await decodeAll(stream, 1);
    assert.equal(decoded.length, 4, sync);
    decoded.forEach((p, i) => {
      const w = want[i]!;
      const l = p.info.layout;
      assert.deepEqual([l.colorModel, l.channels, l.bitsPerSample, l.width, l.height], [w.model, w.channels, w.bits, pages[i]!.width, pages[i]!.height], `${sync} page ${i + 1}`);
      assert.deepEqual([...p.pixels], [...w.pixels], `${sync} page ${i + 1} samples`);
    });
    const dir = mkdtempSync(join(tmpdir(), 'mixed-job-'));
    try {
      const out = join(dir, 'job.tif');
      const result = await convert(stream, out);
      assert.equal(result.pages, 4);
      const ifds = utifDecode(readFileSync(out));
      assert.deepEqual(
        ifds.map((ifd) => [ifd['t256']?.[0], ifd['t257']?.[0], ifd['t277']?.[0], ifd['t258']?.[0], ifd['t262']?.[0]]),
        [
          [4, 3, 3, 8, 2], // RGB
          [4, 2, 1, 1, 0], // K: MinIsWhite
          [3, 2, 1, 16, 1], // sGray: MinIsBlack
          [2, 2, 4, 8, 5], // CMYK: Separated
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('URF: header fields are checked under their URF names; a job cut before the pages its header announces is E_TRUNCATED', async () => {
  // Ghostscript's 2-page sRGB sample announces 0 pages (not said), as Ghostscript writes it.
  const sample = readFileSync(join(process.cwd(), 'samples', 'cups-raster', 'srgb8.urf'));
  const patched = (at: number, bytes: number[]) => {
    const b = Uint8Array.from(sample);
    b.set(bytes, at);
    return b;
  };
  const failsWith = async (bytes: Uint8Array, code: string, message: RegExp, offset: number) => {
    await assert.rejects(decodeAll(bytes), (e: unknown) => {
      assert.ok(e instanceof RasterError, String(e));
      assert.equal(e.code, code);
      assert.equal(e.offset, offset);
      assert.match(e.message, message);
      return true;
    });
  };
  assert.equal((await decodeAll(sample)).length, 2);
  await failsWith(patched(12, [7]), 'E_BAD_HEADER', /page 1: byte 12: URF bits per pixel is 7; sRGB pages have 3, 6, 12, 24 or 48$/, 12);
  await failsWith(patched(24, [0x05, 0xf5, 0xe1, 0x00]), 'E_BAD_HEADER', /URF page width is 100000000; expected 1 to 16777215$/, 24);
  await failsWith(patched(28, [0, 0, 0, 0]), 'E_BAD_HEADER', /URF page height is 0; expected 1 to 16777215$/, 28);
  await failsWith(patched(8, [0, 0, 0, 3]), 'E_TRUNCATED', /the file header announces 3 pages; the input ends after 2$/, sample.length);
  assert.equal((await decodeAll(patched(8, [0, 0, 0, 2]))).length, 2, 'a count that matches is fine');
});
