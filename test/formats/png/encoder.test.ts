/**
 * The PNG encoder's contract: its options and their errors, the layouts it asks for (and the
 * conversions that follows from them, checked through pngjs), the chunk sequence, and the
 * errors for missing or extra rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { makePngEncoder, pngEncoder } from '../../../formats/png/index.js';
import { FILTER_NONE, FILTER_UP, SAMPLE_STEP, isFlatRow } from '../../../formats/png/filter.js';
import { RasterError } from '../../../src/errors.js';
import { ByteSink } from '../../../src/io/byte-sink.js';
import { rowBytes, type PageInfo, type PixelLayout } from '../../../src/model.js';
import { encodeToBuffer, encodeToFile, layout, memoryPage, pseudoRandomBytes } from '../../helpers/pages.js';
import { chunksOf, decodeWithPngjs, samplesOf } from './png-helpers.js';

const inline = makePngEncoder({ blockBytes: 1 << 20, workers: 0, idatBytes: 1 << 16 });

const isRasterError = (code: string, pattern?: RegExp) => (err: unknown) =>
  err instanceof RasterError && err.code === code && (pattern === undefined || pattern.test(err.message));

test('the plugin describes itself as the brief says, and declares the shared level option exactly', () => {
  assert.equal(pngEncoder.name, 'png');
  assert.deepEqual(pngEncoder.extensions, ['.png']);
  assert.equal(pngEncoder.mimeType, 'image/png');
  assert.equal(pngEncoder.multiPage, false);
  assert.equal(pngEncoder.needsSeekableOutput, false);
  assert.deepEqual(pngEncoder.options?.['level'], { type: 'number', describe: 'zlib compression level 0–9 (PNG, deflate TIFF)' });
  assert.deepEqual(pngEncoder.options?.['pngFilter']?.choices, ['none', 'sub', 'up', 'average', 'paeth', 'adaptive']);
  assert.deepEqual(pngEncoder.options?.['pngStrategy']?.choices, ['auto', 'default', 'filtered', 'rle', 'huffman']);
});

test('bad option values are E_BAD_OPTION naming the option and what is allowed', async () => {
  const bad: [Record<string, unknown>, string, RegExp][] = [
    [{ level: -1 }, 'level', /--level must be a whole number from 0 to 9 \(got -1\)/],
    [{ level: 10 }, 'level', /0 to 9/],
    [{ level: 2.5 }, 'level', /whole number/],
    [{ level: '6' }, 'level', /got "6"/],
    [{ level: Number.NaN }, 'level', /0 to 9/],
    [{ pngFilter: 'best' }, 'pngFilter', /--png-filter must be one of none, sub, up, average, paeth, adaptive \(got "best"\)/],
    [{ pngFilter: 3 }, 'pngFilter', /--png-filter/],
    [{ pngStrategy: 'fast' }, 'pngStrategy', /--png-strategy must be one of auto, default, filtered, rle, huffman \(got "fast"\)/],
  ];
  for (const [options, field, message] of bad) {
    await assert.rejects(pngEncoder.create(ByteSink.memory(), options), (err: unknown) => {
      assert.ok(err instanceof RasterError);
      assert.equal(err.code, 'E_BAD_OPTION');
      assert.equal(err.field, field);
      assert.match(err.message, message);
      return true;
    });
  }
  for (const ok of [{ level: 0 }, { level: 9 }, { pngFilter: 'paeth', pngStrategy: 'rle' }, {}]) await pngEncoder.create(ByteSink.memory(), ok);
});

test('CMYK (without --cmyk-to-rgb) and device pages are E_UNSUPPORTED naming the way out; Lab becomes sRGB; mismatched channel counts are refused', async () => {
  const writer = await inline.create(ByteSink.memory(), {});
  assert.throws(() => writer.plan({ layout: layout({ width: 4, height: 4, channels: 4, colorModel: 'cmyk' }) }), isRasterError('E_UNSUPPORTED', /PNG holds gray and RGB.*TIFF.*--cmyk-to-rgb/));
  assert.throws(() => writer.plan({ layout: layout({ width: 4, height: 4, channels: 3, colorModel: 'device' }) }), isRasterError('E_UNSUPPORTED', /PNG holds gray and RGB.*write TIFF/));
  const lab = writer.plan({ layout: layout({ width: 4, height: 4, channels: 3, colorModel: 'lab' }) });
  assert.equal(lab.layout.colorModel, 'rgb');
  assert.match(lab.notices[0]!, /sRGB/);
  const toRgb = await inline.create(ByteSink.memory(), { cmykToRgb: true });
  const cmyk = toRgb.plan({ layout: layout({ width: 4, height: 4, channels: 4, colorModel: 'cmyk', bitsPerSample: 16 }) });
  assert.deepEqual([cmyk.layout.colorModel, cmyk.layout.channels, cmyk.layout.bitsPerSample, cmyk.layout.byteOrder], ['rgb', 3, 16, 'be']);
  const floatCmyk = layout({ width: 4, height: 4, channels: 4, colorModel: 'cmyk', bitsPerSample: 32, sampleFormat: 'float' });
  assert.throws(
    () => toRgb.plan({ layout: floatCmyk }),
    isRasterError('E_UNSUPPORTED', /write TIFF instead \(--cmyk-to-rgb converts unsigned CMYK of up to 16 bits only\)/),
  );
  assert.throws(() => writer.plan({ layout: layout({ width: 4, height: 4, channels: 3 }) }), isRasterError('E_UNSUPPORTED', /gray page must have 1 colour channel/));
  assert.throws(
    () => writer.plan({ layout: layout({ width: 4, height: 4, channels: 2, colorModel: 'rgb', alpha: true }) }),
    isRasterError('E_UNSUPPORTED', /rgb page must have 3 colour channels/),
  );
});

test('the planned layouts: PNG depths kept, 16-bit big-endian, others widened with a notice', async () => {
  const writer = await inline.create(ByteSink.memory(), {});
  const plan = (p: Partial<PixelLayout>) => writer.plan({ layout: layout({ width: 8, height: 2, ...p }) });
  for (const bits of [1, 2, 4, 8] as const) assert.deepEqual(plan({ bitsPerSample: bits }).notices, []);
  const sixteen = plan({ bitsPerSample: 16, byteOrder: 'le', channels: 3, colorModel: 'rgb' });
  assert.equal(sixteen.layout.bitsPerSample, 16);
  assert.equal(sixteen.layout.byteOrder, 'be');
  assert.deepEqual(sixteen.notices, []);
  const rgb4 = plan({ bitsPerSample: 4, channels: 3, colorModel: 'rgb' });
  assert.equal(rgb4.layout.bitsPerSample, 8);
  assert.match(rgb4.notices.join(), /4-bit samples widened to 8 bits/);
  assert.equal(plan({ bitsPerSample: 2, channels: 2, alpha: true }).layout.bitsPerSample, 8);
  const float = plan({ bitsPerSample: 32, sampleFormat: 'float' });
  assert.deepEqual([float.layout.bitsPerSample, float.layout.sampleFormat], [16, 'uint']);
  assert.match(float.notices.join(), /floating-point samples mapped through --range to 16-bit/);
  assert.match(plan({ bitsPerSample: 16, sampleFormat: 'int' }).notices.join(), /signed samples/);
  const ink = plan({ bitsPerSample: 1, minIsWhite: true });
  assert.equal(ink.layout.minIsWhite, false);
  assert.match(ink.notices.join(), /0 = white inverted/);
  assert.match(plan({ width: 1_000_001 }).notices.join(), /libpng-based readers/);
});

/** Encode a page given in a layout PNG cannot hold directly and decode it with pngjs. */
async function convertAndDecode(l: PixelLayout, pixels: Uint8Array, options: Record<string, unknown> = {}) {
  const png = await encodeToBuffer(inline, [memoryPage(l, pixels)], options, 3);
  return decodeWithPngjs(png);
}

test('gray with 0 = white comes out inverted, at 1 and 8 bits', async () => {
  for (const bits of [1, 8] as const) {
    const l = layout({ width: 21, height: 5, bitsPerSample: bits, minIsWhite: true });
    const pixels = pseudoRandomBytes(rowBytes(l) * l.height, bits);
    const decoded = await convertAndDecode(l, pixels);
    assert.equal(decoded.depth, bits);
    assert.deepEqual(decoded.samples, samplesOf(l, pixels).map((v) => (1 << bits) - 1 - v));
  }
});

test('sub-byte RGB is widened to 8 bits by replication (v × 255 / max)', async () => {
  const l = layout({ width: 9, height: 4, bitsPerSample: 4, channels: 3, colorModel: 'rgb' });
  const pixels = pseudoRandomBytes(rowBytes(l) * l.height, 3);
  const decoded = await convertAndDecode(l, pixels);
  assert.equal(decoded.depth, 8);
  assert.deepEqual(decoded.samples, samplesOf(l, pixels).map((v) => v * 17));
});

test('float samples need --range, and with it become 16-bit samples spanning 0…65535', async () => {
  const l = layout({ width: 5, height: 1, bitsPerSample: 32, sampleFormat: 'float' });
  const values = Float32Array.of(0, 0.25, 0.5, 1, 2);
  const pixels = new Uint8Array(values.buffer);
  await assert.rejects(convertAndDecode(l, pixels), isRasterError('E_BAD_OPTION', /--range/));
  const decoded = await convertAndDecode(l, pixels, { range: [0, 1] });
  assert.equal(decoded.depth, 16);
  assert.deepEqual(decoded.samples, Array.from(values, (v) => Math.round(Math.min(v, 1) * 65535)));
});

test('chunks: signature, IHDR, pHYs in pixels per metre, IDAT…, empty IEND; no pHYs without a resolution', async () => {
  const l = layout({ width: 40, height: 30, channels: 4, colorModel: 'rgb', alpha: true, bitsPerSample: 16 });
  const pixels = pseudoRandomBytes(rowBytes(l) * l.height, 9);
  const info: PageInfo = { layout: l, resolution: { x: 300, y: 600 } };
  const png = await encodeToBuffer(makePngEncoder({ blockBytes: 500, workers: 0, idatBytes: 1000 }), [memoryPage(info, pixels)]);
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const chunks = chunksOf(png);
  const types = chunks.map((c) => c.type);
  assert.deepEqual(types.slice(0, 2), ['IHDR', 'pHYs']);
  assert.ok(types.slice(2, -1).every((t) => t === 'IDAT') && types.length > 4);
  assert.equal(types.at(-1), 'IEND');
  assert.equal(chunks.at(-1)!.data.length, 0);
  const ihdr = Buffer.from(chunks[0]!.data);
  assert.deepEqual([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ...ihdr.subarray(8)], [40, 30, 16, 6, 0, 0, 0]);
  const phys = Buffer.from(chunks[1]!.data);
  // 300 dpi = 300 / 0.0254 m = 11811.02 px/m (PNG §11.3.5.3 unit 1 = metre).
  assert.deepEqual([phys.readUInt32BE(0), phys.readUInt32BE(4), phys[8]], [11811, 23622, 1]);

  // 60 million dpi is 2.36e9 pixels per metre: past PNG's 2^31−1 (PNG §7.1).
  for (const resolution of [undefined, { x: 0, y: 0 }, { x: Number.NaN, y: 72 }, { x: 60e6, y: 60e6 }]) {
    const page = memoryPage(resolution ? { layout: l, resolution } : { layout: l }, pixels);
    const types2 = chunksOf(await encodeToBuffer(inline, [page])).map((c) => c.type);
    assert.ok(!types2.includes('pHYs'), `no pHYs for ${JSON.stringify(resolution)}`);
  }
});

test('too few rows: finish is E_MISSING_ROWS and the target file is not created', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'raster2img-png-'));
  try {
    const l = layout({ width: 10, height: 20 });
    for (const workers of [0, 2]) {
      // A page that says 20 rows and ends after 12.
      const short = { info: { layout: l }, readRows: memoryPage(layout({ width: 10, height: 12 }), new Uint8Array(120)).readRows };
      const encoder = makePngEncoder({ blockBytes: 20, workers, idatBytes: 100 }); // 10 blocks
      await assert.rejects(encodeToFile(encoder, join(dir, 'out.png'), [short]), isRasterError('E_MISSING_ROWS', /got 12 of its 20 rows/));
    }
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('more rows than the height are refused; a second page too', async () => {
  const l = layout({ width: 10, height: 3 });
  const writer = await inline.create(ByteSink.memory(), {});
  const page = await writer.beginPage({ layout: l }, l);
  await page.writeRows(new Uint8Array(20), 2);
  await assert.rejects(page.writeRows(new Uint8Array(20), 2), isRasterError('E_SIZE_MISMATCH', /4 rows for an image of height 3/));
  await assert.rejects(writer.beginPage({ layout: l }, l), isRasterError('E_UNSUPPORTED', /one page/));
  await assert.rejects(writer.finish(), isRasterError('E_MISSING_ROWS'));
});

test('adaptive filtering gives flat rows (a page: white with sparse marks) filter None and their blocks the default strategy; other blocks rle, or the smaller of rle and filtered below 3 %', async () => {
  const png = (l: PixelLayout, pixels: Uint8Array, pngStrategy: string, pngFilter = 'adaptive') =>
    encodeToBuffer(inline, [memoryPage(l, pixels)], { pngStrategy, pngFilter, level: 6 }, 50);
  const sizes = async (l: PixelLayout, pixels: Uint8Array) => {
    const size = async (pngStrategy: string) => (await png(l, pixels, pngStrategy)).length;
    return { auto: await size('auto'), rle: await size('rle'), filtered: await size('filtered'), default: await size('default') };
  };
  /** The filter type byte of every row of a PNG of the given row size. */
  const filterTypes = (file: Buffer, rb: number) => {
    const data = inflateSync(Buffer.concat(chunksOf(file).filter((c) => c.type === 'IDAT').map((c) => c.data)));
    return Array.from({ length: data.length / (rb + 1) }, (_, y) => data[y * (rb + 1)]!);
  };
  // A "page": blank rows and a few repeated glyph-like marks (60 of each marked row's 1800 bytes).
  const page = layout({ width: 600, height: 300, channels: 3, colorModel: 'rgb' });
  const marks = pseudoRandomBytes(90, 4);
  const pagePixels = new Uint8Array(rowBytes(page) * page.height).fill(255);
  for (let y = 40; y < 260; y += 60) for (let x = 30; x < 570; x += 90) for (let k = 0; k < 90; k++) pagePixels[(y + (k % 9)) * rowBytes(page) + x * 3 + k] = marks[k]!;
  const types = filterTypes(await png(page, pagePixels, 'auto'), rowBytes(page));
  for (let y = 1; y < page.height; y++) {
    const marked = y >= 40 && y < 260 && (y - 40) % 60 < 9;
    const blankAbove = !(y - 1 >= 40 && y - 1 < 260 && (y - 1 - 40) % 60 < 9);
    // A blank row under a blank row is Up (all zeros); every other row here is flat: None.
    assert.equal(types[y], !marked && blankAbove ? FILTER_UP : FILTER_NONE, `row ${y}`);
  }
  assert.deepEqual(await png(page, pagePixels, 'auto'), await png(page, pagePixels, 'default'));
  // A plain row is flat; one too narrow to sample is left to the heuristic.
  const white = (pixels: number) => new Uint8Array(3 * pixels).fill(255);
  assert.equal(isFlatRow(white(SAMPLE_STEP + 1), 0, 3 * (SAMPLE_STEP + 1), 3), true);
  assert.equal(isFlatRow(white(SAMPLE_STEP), 0, 3 * SAMPLE_STEP, 3), false);
  // Runs of 20 equal pixels with steps of 1 (as in an upscaled smooth photograph): 95 % of the
  // bytes equal their left neighbours, but the steps are small, so these rows are not flat.
  const smooth = layout({ width: 600, height: 60, channels: 3, colorModel: 'rgb' });
  const smoothPixels = new Uint8Array(rowBytes(smooth) * smooth.height);
  for (let y = 0, i = 0; y < smooth.height; y++) for (let x = 0; x < smooth.width; x++, i += 3) smoothPixels.fill(Math.floor((x + 3 * y) / 20), i, i + 3);
  assert.ok(!filterTypes(await png(smooth, smoothPixels, 'auto'), rowBytes(smooth)).slice(1).includes(FILTER_NONE), 'no smooth row is filter None');
  // A grey ramp: no row is flat (each pixel differs from its left neighbour), yet rle
  // leaves less than 3 %, so auto is the smaller of rle and filtered.
  const ramp = layout({ width: 600, height: 300, channels: 3, colorModel: 'rgb' });
  const rampPixels = new Uint8Array(rowBytes(ramp) * ramp.height);
  for (let y = 0, i = 0; y < ramp.height; y++) for (let x = 0; x < ramp.width; x++, i += 3) rampPixels.fill((x + y) & 0xff, i, i + 3);
  assert.ok(!filterTypes(await png(ramp, rampPixels, 'auto'), rowBytes(ramp)).slice(1).includes(FILTER_NONE), 'no ramp row is filter None');
  const r = await sizes(ramp, rampPixels);
  assert.ok(r.rle < 0.03 * (rowBytes(ramp) + 1) * ramp.height, `rle: ${r.rle} bytes`);
  assert.equal(r.auto, Math.min(r.rle, r.filtered), `ramp: ${JSON.stringify(r)}`);
  // Noise: rle keeps more than 3 %, so auto is rle.
  const noise = layout({ width: 300, height: 100, channels: 3, colorModel: 'rgb' });
  const n = await sizes(noise, pseudoRandomBytes(rowBytes(noise) * noise.height, 5));
  assert.equal(n.auto, n.rle, `noise: ${JSON.stringify(n)}`);
  // Unfiltered rows (filter none, and 1/2/4-bit gray under adaptive) get zlib's default strategy,
  // rows under a fixed filter Z_FILTERED.
  for (const [l, pngFilter, same] of [
    [page, 'none', 'default'],
    [layout({ width: 600, height: 300, bitsPerSample: 1 }), 'adaptive', 'default'],
    [page, 'up', 'filtered'],
    [page, 'paeth', 'filtered'],
  ] as const) {
    const pixels = pagePixels.subarray(0, rowBytes(l) * l.height);
    const png = async (pngStrategy: string) => encodeToBuffer(inline, [memoryPage(l, pixels)], { pngFilter, pngStrategy }, 50);
    assert.deepEqual(await png('auto'), await png(same), `${pngFilter}, ${l.bitsPerSample}-bit`);
  }
});
