import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { invert, scale16to8, scale8to16, swapOrder, unpackSubByte, floatToUint } from '../../src/convert/samples.js';
import { cmykToRgb, grayToRgb } from '../../src/convert/channels.js';
import { makeConverter } from '../../src/convert/plan.js';
import { RasterError } from '../../src/errors.js';
import { layout } from '../helpers/pages.js';

test('scale16to8 is round(v / 257) for every 16-bit value', () => {
  const src = new Uint8Array(65536 * 2);
  const v16 = new Uint16Array(src.buffer);
  for (let v = 0; v < 65536; v++) v16[v] = v;
  const dst = new Uint8Array(65536);
  scale16to8(src, dst, 65536);
  for (let v = 0; v < 65536; v++) if (dst[v] !== Math.round(v / 257)) assert.fail(`v=${v}: got ${dst[v]}, want ${Math.round(v / 257)}`);
});

test('8 → 16 → 8 bits is the identity', () => {
  const src = new Uint8Array(256).map((_, i) => i);
  const wide = new Uint8Array(512);
  scale8to16(src, wide, 256);
  assert.equal(new Uint16Array(wide.buffer)[255], 65535);
  const back = new Uint8Array(256);
  scale16to8(wide, back, 256);
  assert.deepEqual(back, src);
});

test('swapOrder swaps 16- and 32-bit samples and leaves bytes alone', () => {
  const b = Uint8Array.from([1, 2, 3, 4]);
  swapOrder(b, 16, 'be', 'le');
  assert.deepEqual([...b], [2, 1, 4, 3]);
  swapOrder(b, 32, 'le', 'be');
  assert.deepEqual([...b], [3, 4, 1, 2]);
  swapOrder(b, 8, 'le', 'be');
  assert.deepEqual([...b], [3, 4, 1, 2]);
});

test('invert flips every depth, on unaligned views too', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.integer({ min: 0, max: 3 }), (bytes, skew) => {
      const backing = new Uint8Array(bytes.length + skew);
      backing.set(bytes, skew);
      const view = backing.subarray(skew);
      invert(view, 8);
      assert.deepEqual([...view], [...bytes].map((v) => 255 - v));
    }),
  );
});

test('unpackSubByte scales 1/2/4-bit samples to 0…255 and honours row padding', () => {
  // 3 one-bit samples per row, rows padded to a byte: 101 / 011
  const out = new Uint8Array(6);
  unpackSubByte(Uint8Array.from([0b10100000, 0b01100000]), out, 2, 3, 1, 1);
  assert.deepEqual([...out], [255, 0, 255, 0, 255, 255]);
  const out2 = new Uint8Array(3);
  unpackSubByte(Uint8Array.from([0b00011011]), out2, 1, 3, 2, 1);
  assert.deepEqual([...out2], [0, 85, 170]);
  const out4 = new Uint8Array(2);
  unpackSubByte(Uint8Array.from([0xf7]), out4, 1, 2, 4, 1);
  assert.deepEqual([...out4], [255, 119]);
});

test('floatToUint maps the range, clamps, and sends NaN to 0', () => {
  const f = Float32Array.from([-1, 0, 0.5, 1, 2, NaN]);
  const out = new Uint8Array(6);
  floatToUint(new Uint8Array(f.buffer), out, 6, 0, 1, 8);
  assert.deepEqual([...out], [0, 0, 128, 255, 255, 0]);
});

test('grayToRgb and cmykToRgb (PostScript naive rule)', () => {
  const rgb = new Uint8Array(6);
  grayToRgb(Uint8Array.from([7, 9]), rgb, 2, 8, false);
  assert.deepEqual([...rgb], [7, 7, 7, 9, 9, 9]);
  const out = new Uint8Array(3);
  cmykToRgb(Uint8Array.from([10, 200, 0, 100]), out, 1, 8, 4, false);
  assert.deepEqual([...out], [145, 0, 155]);
});

test('makeConverter: 16-bit big-endian RGB to 8-bit', () => {
  const from = layout({ width: 2, height: 1, channels: 3, colorModel: 'rgb', bitsPerSample: 16, byteOrder: 'be' });
  const to = { ...from, bitsPerSample: 8 as const };
  const conv = makeConverter(from, to, 1);
  const band = Uint8Array.from([0xff, 0xff, 0x00, 0x00, 0x80, 0x00, 0x01, 0x01, 0x7f, 0x7f, 0x12, 0x34]);
  assert.deepEqual([...conv(band, 1)], [255, 0, Math.round(0x8000 / 257), 1, 0x7f, Math.round(0x1234 / 257)]);
});

test('makeConverter: swap only when the orders differ, and no copy when nothing changes', () => {
  const l = layout({ width: 1, height: 1, bitsPerSample: 16, byteOrder: 'be' });
  const band = Uint8Array.from([1, 2]);
  assert.equal(makeConverter(l, l, 1)(band, 1).buffer, band.buffer);
  assert.deepEqual([...makeConverter(l, { ...l, byteOrder: 'le' }, 1)(band, 1)], [2, 1]);
});

test('makeConverter: 1-bit ink gray to 8-bit light gray', () => {
  const from = layout({ width: 3, height: 1, bitsPerSample: 1, minIsWhite: true });
  const conv = makeConverter(from, { ...from, bitsPerSample: 8, minIsWhite: false }, 1);
  assert.deepEqual([...conv(Uint8Array.from([0b10100000]), 1)], [0, 255, 0]);
});

test('makeConverter: float needs --range, and says so', () => {
  const from = layout({ width: 1, height: 1, bitsPerSample: 32, sampleFormat: 'float' });
  assert.throws(
    () => makeConverter(from, { ...from, bitsPerSample: 16, sampleFormat: 'uint', byteOrder: 'be' }, 1),
    (e: unknown) => e instanceof RasterError && e.code === 'E_BAD_OPTION' && /--range/.test(e.message),
  );
  const conv = makeConverter(from, { ...from, bitsPerSample: 16, sampleFormat: 'uint', byteOrder: 'be' }, 1, { range: [0, 2] });
  const band = new Uint8Array(Float32Array.from([1]).buffer);
  assert.deepEqual([...conv(band, 1)], [0x80, 0x00]);
});

test('makeConverter: impossible conversions are E_UNSUPPORTED', () => {
  const from = layout({ width: 1, height: 1, channels: 3, colorModel: 'rgb' });
  assert.throws(() => makeConverter(from, { ...from, channels: 1, colorModel: 'gray' }, 1), (e: unknown) => e instanceof RasterError && e.code === 'E_UNSUPPORTED');
});

test('labToRgb: white, black, mid gray and sRGB red (D65)', async () => {
  const { labToRgb } = await import('../../src/convert/channels.js');
  // L*=100,0,0 | L*=0 | L*=53.39 (sRGB 50% gray 119) | sRGB red: L 53.24, a 80.09, b 67.20
  const lab = Int8Array.from([-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 80, 67]);
  const u = new Uint8Array(lab.buffer);
  u[0] = 255;
  u[6] = Math.round((53.39 * 255) / 100);
  u[9] = Math.round((53.24 * 255) / 100);
  const out = new Uint8Array(12);
  labToRgb(u, out, 4, 8);
  assert.deepEqual([...out.subarray(0, 6)], [255, 255, 255, 0, 0, 0]);
  for (const v of out.subarray(6, 9)) assert.ok(Math.abs(v - 127) <= 2, `gray ${v}`);
  assert.ok(out[9]! >= 250 && out[10]! <= 10 && out[11]! <= 10, `red ${[...out.subarray(9)]}`);
});

test('rgbFallback: Lab always, CMYK only with --cmyk-to-rgb, device data never', async () => {
  const { rgbFallback } = await import('../../src/convert/rgb-fallback.js');
  const cmyk = layout({ width: 2, height: 1, channels: 4, colorModel: 'cmyk', bitsPerSample: 1 });
  assert.throws(() => rgbFallback(cmyk, {}, 'png'), (e: unknown) => e instanceof RasterError && e.code === 'E_UNSUPPORTED' && /--cmyk-to-rgb/.test(e.message));
  const r = rgbFallback(cmyk, { cmykToRgb: true }, 'png');
  assert.equal(r?.layout.colorModel, 'rgb');
  assert.equal(r?.layout.bitsPerSample, 8);
  // 1-bit C=1, M=0, Y=0, K=0 | all ink → cyan, black
  const conv = makeConverter(cmyk, r!.layout, 1);
  assert.deepEqual([...conv(Uint8Array.from([0b10001111]), 1)], [0, 255, 255, 0, 0, 0]);
  assert.equal(rgbFallback(layout({ width: 1, height: 1, channels: 3, colorModel: 'lab' }), {}, 'bmp')?.layout.colorModel, 'rgb');
  assert.throws(() => rgbFallback(layout({ width: 1, height: 1, channels: 6, colorModel: 'device' }), {}, 'bmp'), (e: unknown) => e instanceof RasterError && /write TIFF/.test(e.message));
  assert.equal(rgbFallback(layout({ width: 1, height: 1 }), {}, 'bmp'), undefined);
});
