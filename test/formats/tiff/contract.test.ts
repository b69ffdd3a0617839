/**
 * The encoder's contract with the pipeline and its options: errors a caller can cause, what plan()
 * returns, abandoned pages, the default predictor, strip sizes.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { RasterError } from '../../../src/errors.js';
import { ByteSink, StreamSink } from '../../../src/io/byte-sink.js';
import { rowBytes, type PixelLayout } from '../../../src/model.js';
import type { Options } from '../../../src/plugin.js';
import { tiffEncoder } from '../../../formats/tiff/index.js';
import { PassThrough } from 'node:stream';
import { encodeToBuffer, layout } from '../../helpers/pages.js';
import { asUtifReturns, makePixels, readers, tag, tunedEncoder, utifDecode, type TestPage } from './tiff-test-kit.js';

const rgb8 = layout({ width: 50, height: 20, channels: 3, colorModel: 'rgb' });

function isRasterError(code: string, field?: string) {
  return (err: unknown) => {
    assert.ok(err instanceof RasterError, `expected a RasterError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (field !== undefined) assert.equal(err.field, field);
    return true;
  };
}

function testPage(l: PixelLayout, seed = 1): TestPage {
  return { layout: l, pixels: makePixels(l, 'smooth', seed) };
}

test('finish() of a page with too few rows throws E_MISSING_ROWS, naming both counts', async () => {
  const writer = await tiffEncoder.create(ByteSink.memory(), {});
  const pw = await writer.beginPage({ layout: rgb8 }, writer.plan({ layout: rgb8 }).layout);
  await pw.writeRows(new Uint8Array(rowBytes(rgb8) * 19), 19);
  await assert.rejects(pw.finish(), (err: unknown) => {
    isRasterError('E_MISSING_ROWS')(err);
    assert.match((err as RasterError).message, /20 rows high but only 19/);
    return true;
  });
});

test('finish() twice records the page once', async () => {
  const sink = ByteSink.memory();
  const writer = await tiffEncoder.create(sink, {});
  const p = testPage(rgb8);
  const pw = await writer.beginPage({ layout: rgb8 }, writer.plan({ layout: rgb8 }).layout);
  await pw.writeRows(p.pixels, rgb8.height);
  await pw.finish();
  await pw.finish();
  await writer.finish();
  assert.equal(utifDecode(sink.bytes()).length, 1);
});

test('more rows than the page has are refused', async () => {
  const writer = await tiffEncoder.create(ByteSink.memory(), {});
  const pw = await writer.beginPage({ layout: rgb8 }, writer.plan({ layout: rgb8 }).layout);
  await pw.writeRows(new Uint8Array(rowBytes(rgb8) * 15), 15);
  await assert.rejects(pw.writeRows(new Uint8Array(rowBytes(rgb8) * 6), 6), isRasterError('E_SIZE_MISMATCH'));
});

test('a writer with no completed page refuses to finish (no IFD-less TIFF)', async () => {
  const writer = await tiffEncoder.create(ByteSink.memory(), {});
  await assert.rejects(writer.finish(), isRasterError('E_MISSING_ROWS'));
});

test('a stream sink is refused up front: the header is written last', async () => {
  await assert.rejects(tiffEncoder.create(new StreamSink(new PassThrough(), '-'), {}), isRasterError('E_NEEDS_SEEKABLE'));
});

test('invalid option values are E_BAD_OPTION naming the option and what is allowed', async () => {
  const bad: [Options, string, RegExp][] = [
    [{ compression: 'zip' }, 'compression', /none, deflate, lzw, packbits/],
    [{ compression: 5 }, 'compression', /one of/],
    [{ level: 10 }, 'level', /0 to 9/],
    [{ level: 2.5 }, 'level', /whole number/],
    [{ level: '6' }, 'level', /whole number/],
    [{ predictor: 'paeth' }, 'predictor', /none, horizontal, float/],
    [{ predictor: 'horizontal' }, 'predictor', /deflate or lzw, not none/],
    [{ predictor: 'horizontal', compression: 'packbits' }, 'predictor', /deflate or lzw, not packbits/],
    [{ bigtiff: 'yes' }, 'bigtiff', /switch/],
  ];
  for (const [options, field, message] of bad)
    await assert.rejects(tiffEncoder.create(ByteSink.memory(), options), (err: unknown) => {
      isRasterError('E_BAD_OPTION', field)(err);
      assert.match((err as Error).message, message);
      return true;
    });
  // A predictor of none is always fine; level is ignored by other compressions (PNG shares it).
  await tiffEncoder.create(ByteSink.memory(), { predictor: 'none', level: 9 });
});

test('a predictor the samples cannot take is E_BAD_OPTION from plan(), before anything is written', async () => {
  const cases: [Options, PixelLayout, RegExp][] = [
    [{ compression: 'lzw', predictor: 'horizontal' }, layout({ width: 9, height: 2, bitsPerSample: 1 }), /8, 16 or 32 bits, not 1-bit/],
    [{ compression: 'lzw', predictor: 'horizontal' }, layout({ width: 9, height: 2, bitsPerSample: 32, sampleFormat: 'float' }), /use --predictor float/],
    [{ compression: 'deflate', predictor: 'float' }, rgb8, /32-bit float samples, not 8-bit uint \(use --predictor horizontal\)/],
  ];
  for (const [options, l, message] of cases) {
    const writer = await tiffEncoder.create(ByteSink.memory(), options);
    assert.throws(() => writer.plan({ layout: l }), (err: unknown) => {
      isRasterError('E_BAD_OPTION', 'predictor')(err);
      assert.match((err as Error).message, message);
      return true;
    });
  }
});

test('a channel count that does not fit the colour model is E_UNSUPPORTED', async () => {
  const writer = await tiffEncoder.create(ByteSink.memory(), {});
  for (const l of [layout({ width: 2, height: 2, channels: 2, colorModel: 'rgb' }), layout({ width: 2, height: 2, channels: 4, colorModel: 'gray', alpha: true })])
    assert.throws(() => writer.plan({ layout: l }), isRasterError('E_UNSUPPORTED', 'channels'));
});

test('plan() keeps every layout as it is, with the byte order of the first page for all pages', async () => {
  const writer = await tiffEncoder.create(ByteSink.memory(), {});
  const first = layout({ width: 3, height: 2, bitsPerSample: 16, byteOrder: 'be', minIsWhite: true });
  const second = layout({ width: 5, height: 1, channels: 4, colorModel: 'cmyk', bitsPerSample: 16, byteOrder: 'le' });
  const p1 = writer.plan({ layout: first });
  assert.deepEqual(p1, { layout: first, notices: [] });
  const p2 = writer.plan({ layout: second });
  assert.deepEqual(p2, { layout: { ...second, byteOrder: 'be' }, notices: [] });
});

test('a page abandoned midway gets no IFD; the finished pages before it are intact', async () => {
  for (const parallel of [false, true]) {
    const sink = ByteSink.memory();
    // Tiny strips and the worker pool: strips of the abandoned page are still being encoded.
    const encoder = tunedEncoder({ stripBytes: 200, parallelMinStrips: parallel ? 2 : Infinity });
    const writer = await encoder.create(sink, { compression: 'deflate' });
    const done = testPage(rgb8, 3);
    const pw1 = await writer.beginPage({ layout: rgb8 }, writer.plan({ layout: rgb8 }).layout);
    await pw1.writeRows(done.pixels, rgb8.height);
    await pw1.finish();
    const big = layout({ width: 300, height: 200, channels: 3, colorModel: 'rgb' });
    const pw2 = await writer.beginPage({ layout: big }, writer.plan({ layout: big }).layout);
    await pw2.writeRows(makePixels(big, 'noise', 4).subarray(0, rowBytes(big) * 150), 150);
    await writer.finish();
    const ifds = utifDecode(sink.bytes());
    assert.equal(ifds.length, 1);
    assert.deepEqual(tag(ifds[0]!, 297), undefined, 'a single page needs no PageNumber');
    assert.ok(Buffer.from(ifds[0]!.data).equals(done.pixels));
  }
});

test('default predictor: horizontal for deflate/LZW on 8- and 16-bit integers, none otherwise', async () => {
  const cases: [Options, Partial<PixelLayout>, number | undefined][] = [
    [{ compression: 'deflate' }, {}, 2],
    [{ compression: 'lzw' }, { bitsPerSample: 16, sampleFormat: 'int' }, 2],
    [{ compression: 'lzw' }, { bitsPerSample: 32, sampleFormat: 'float' }, undefined],
    [{ compression: 'deflate' }, { bitsPerSample: 4 }, undefined],
    [{ compression: 'packbits' }, {}, undefined],
    [{ compression: 'none' }, {}, undefined],
    [{}, { bitsPerSample: 16 }, undefined],
    [{ compression: 'deflate', predictor: 'none' }, {}, undefined],
    [{ compression: 'lzw', predictor: 'horizontal' }, { bitsPerSample: 32, sampleFormat: 'uint' }, 2],
    [{ compression: 'deflate', predictor: 'float' }, { bitsPerSample: 32, sampleFormat: 'float' }, 3],
  ];
  for (const [options, l, predictor] of cases) {
    const p = testPage(layout({ width: 7, height: 3, ...l }));
    const file = await encodeToBuffer(tiffEncoder, readers([p]), options);
    const ifd = utifDecode(file)[0]!;
    assert.deepEqual(tag(ifd, 317), predictor === undefined ? undefined : [predictor], JSON.stringify([options, l]));
    if (predictor !== 3) assert.ok(Buffer.from(ifd.data).equals(asUtifReturns(p, 'le')), JSON.stringify([options, l]));
  }
});

test('strips hold 256 KiB to 1 MiB of rows (at least one row), whatever the band size', async () => {
  for (const [width, channels, bits] of [[8000, 3, 8], [100, 1, 8], [70000, 4, 8], [300000, 1, 8], [3, 1, 1]] as const) {
    const l = layout({ width, height: 40, channels, bitsPerSample: bits, colorModel: channels === 1 ? 'gray' : 'rgb', alpha: channels === 4 });
    const file = await encodeToBuffer(tiffEncoder, readers([{ layout: l, pixels: new Uint8Array(rowBytes(l) * l.height) }]), {}, 13);
    const ifd = utifDecode(file)[0]!;
    const rows = tag(ifd, 278)![0]!;
    const strip = rows * rowBytes(l);
    assert.equal(tag(ifd, 273)!.length, Math.ceil(l.height / rows), 'one StripOffsets entry per strip');
    if (rows === l.height) assert.ok(strip <= 1024 * 1024, `${width}: the whole page is one ${strip}-byte strip`);
    else if (rows === 1) assert.ok(rowBytes(l) > 256 * 1024, `${width}: one row per strip, of ${rowBytes(l)} bytes`);
    else assert.ok(strip >= 256 * 1024 && strip <= 1024 * 1024, `${width}: ${rows} rows = ${strip} bytes per strip`);
  }
});

test('rows given in other bands and strip sizes make the same file', async () => {
  const p = testPage(layout({ width: 64, height: 33, channels: 4, colorModel: 'rgb', alpha: true }), 9);
  const reference = await encodeToBuffer(tunedEncoder({ stripBytes: 1000 }), readers([p]), { compression: 'lzw' }, 33);
  for (const band of [1, 5, 11, 32]) {
    const file = await encodeToBuffer(tunedEncoder({ stripBytes: 1000, parallelMinStrips: band % 2 ? 2 : Infinity }), readers([p]), { compression: 'lzw' }, band);
    assert.ok(file.equals(reference), `band of ${band} rows`);
  }
});

test('resolution: whole and fractional dpi as RATIONALs, unusable values left out', async () => {
  const l = layout({ width: 2, height: 2 });
  const cases: [{ x: number; y: number }, [number, number] | undefined][] = [
    [{ x: 300, y: 600 }, [300, 600]],
    [{ x: 299.9994, y: 0.5 }, [299.9994, 0.5]],
    [{ x: 0, y: 300 }, undefined],
    [{ x: Number.NaN, y: 300 }, undefined],
  ];
  for (const [resolution, expected] of cases) {
    const file = await encodeToBuffer(tiffEncoder, readers([{ ...testPage(l), resolution }]));
    const ifd = utifDecode(file)[0]!;
    if (expected === undefined) {
      assert.equal(tag(ifd, 282), undefined);
      assert.equal(tag(ifd, 296), undefined);
      continue;
    }
    const [x, y] = [tag(ifd, 282)![0]!, tag(ifd, 283)![0]!];
    assert.ok(Math.abs(x - expected[0]) < 1e-9 * expected[0] && Math.abs(y - expected[1]) < 1e-9, `${x}, ${y}`);
    assert.deepEqual(tag(ifd, 296), [2], 'ResolutionUnit inch');
  }
});
