/**
 * The hand-written codecs against decoders that are not the encoder: for LZW a strict decoder
 * written from TIFF 6.0 §13 (tiff-test-kit.ts), then utif's (libtiff's is exercised through whole
 * files in oracles.test.ts); for PackBits a decoder written here from TIFF 6.0 §9 that also checks
 * that no packet crosses a row.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import UTIF from 'utif';
import { lzwBound, lzwEncode } from '../../../formats/tiff/lzw.js';
import { packBits, packBitsBound } from '../../../formats/tiff/packbits.js';
import { encodeStrip, type StripParams } from '../../../formats/tiff/strip-codec.js';
import { encodeStripOnPool } from '../../../formats/tiff/strip-task.js';
import { WorkerPool } from '../../../src/workers/pool.js';
import type { Compression } from '../../../formats/tiff/tags.js';
import { pseudoRandomBytes } from '../../helpers/pages.js';
import { strictLzwDecode } from './tiff-test-kit.js';

/** Encode, decode strictly, decode with utif; both decodings must agree. */
function lzwRoundTrip(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(lzwBound(src.length));
  const n = lzwEncode(src, src.length, out);
  assert.ok(n <= out.length);
  const strict = strictLzwDecode(out.subarray(0, n), src.length);
  // utif reads up to 2 bytes past the last code; a fresh buffer starts its ArrayBuffer.
  const encoded = new Uint8Array(n + 4);
  encoded.set(out.subarray(0, n));
  const decoded = new Uint8Array(src.length);
  UTIF.decode._decodeLZW(encoded, 0, decoded, 0);
  assert.ok(Buffer.from(decoded).equals(strict), 'utif and the strict decoder disagree');
  return decoded;
}

test('LZW: every length from 1 to 9000 bytes of noise decodes (each code-width switch and table reset lands on the last code)', () => {
  // Noise adds about one table entry per byte, so over these lengths the last code and the
  // EndOfInformation fall on every width boundary (511, 1023, 2047) and on the reset at 4094.
  const noise = pseudoRandomBytes(9000, 77);
  for (let n = 1; n <= 9000; n++) {
    const src = noise.subarray(0, n);
    const back = lzwRoundTrip(src);
    if (!Buffer.from(back).equals(src)) assert.fail(`length ${n}: decoded data differs`);
  }
});

test('LZW: random data with runs, long and short, round-trips', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 3000 })), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 1 << 30 }), (runs, seed) => {
      const parts = runs.map(([b, len], i) => (i % 3 === 2 ? pseudoRandomBytes(len, seed + i) : new Uint8Array(len).fill(b)));
      const src = Buffer.concat(parts);
      assert.ok(Buffer.from(lzwRoundTrip(src)).equals(src));
    }),
    { numRuns: 200 },
  );
});

test('LZW: a long uniform run compresses hard (the table really is used)', () => {
  const src = new Uint8Array(1 << 20).fill(7);
  const out = new Uint8Array(lzwBound(src.length));
  assert.ok(lzwEncode(src, src.length, out) < src.length / 100);
});

/**
 * PackBits decoder after TIFF 6.0 §9, strict about what the encoder must never do: a packet
 * crossing the end of a row, header −128, or data missing.
 */
function unpackRows(data: Uint8Array, rowBytes: number, rows: number): Uint8Array {
  const out = new Uint8Array(rowBytes * rows);
  let i = 0;
  for (let r = 0; r < rows; r++) {
    let o = r * rowBytes;
    const end = o + rowBytes;
    while (o < end) {
      const n = (data[i++]! << 24) >> 24;
      assert.notEqual(n, -128, 'header −128 is never written');
      const count = n >= 0 ? n + 1 : 1 - n;
      assert.ok(o + count <= end, `row ${r}: a packet of ${count} crosses the end of the row`);
      if (n >= 0) {
        assert.ok(i + count <= data.length, 'literal data missing');
        out.set(data.subarray(i, i + count), o);
        i += count;
      } else out.fill(data[i++]!, o, o + count);
      o += count;
    }
  }
  assert.equal(i, data.length, 'bytes left after the last row');
  return out;
}

test('PackBits: rows round-trip, each packed on its own, never beyond the bound', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 700 }),
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 300 })), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 1 << 30 }),
      (rowBytes, rows, runs, seed) => {
        const n = rowBytes * rows;
        const src = new Uint8Array(n);
        const noise = pseudoRandomBytes(n, seed);
        // Runs of every length, noise, and the awkward mixes (runs of 2 inside literals).
        for (let i = 0, k = 0; i < n; k++) {
          const [b, len] = runs[k % runs.length]!;
          if (k % 4 === 3) src.set(noise.subarray(i, Math.min(n, i + len)), i);
          else src.fill(k % 5 === 4 ? noise[i]! : b, i, Math.min(n, i + (k % 7 === 6 ? 2 : len)));
          i += k % 7 === 6 ? 2 : len;
        }
        const out = new Uint8Array(packBitsBound(rowBytes, rows) + 16);
        const written = packBits(src, rowBytes, rows, out);
        assert.ok(written <= packBitsBound(rowBytes, rows), `${written} bytes, bound ${packBitsBound(rowBytes, rows)}`);
        assert.ok(Buffer.from(unpackRows(out.subarray(0, written), rowBytes, rows)).equals(src));
      },
    ),
    { numRuns: 500 },
  );
});

test('PackBits: runs become repeat packets, noise literal packets of at most 128 bytes', () => {
  const out = new Uint8Array(packBitsBound(1000, 1));
  assert.equal(packBits(new Uint8Array(1000).fill(9), 1000, 1, out), 2 * Math.ceil(1000 / 128));
  const noise = pseudoRandomBytes(1000, 5).map((b, i) => (i % 2 ? b | 1 : b & ~1)); // no two equal neighbours
  assert.equal(packBits(noise, 1000, 1, out), 1000 + Math.ceil(1000 / 128));
});

test('the worker pool gives the same bytes as the main thread, hands the strip buffers back, and rejects what is in flight when closed', async () => {
  const pool = new WorkerPool(2);
  const rowBytes = 999;
  const rows = 7;
  const params = (compression: Compression): StripParams => ({
    compression,
    predictor: compression === 'packbits' ? 'none' : 'horizontal',
    level: 6,
    rowBytes,
    bitsPerSample: 8,
    samplesPerPixel: 3,
    littleEndian: true,
  });
  const strips = [1, 2, 3, 4, 5, 6].map((seed) => pseudoRandomBytes(rowBytes * rows, seed).map((b, i) => (i % 3 ? b & 0xf0 : b)));
  for (const compression of ['deflate', 'lzw', 'packbits'] as const) {
    const expected = strips.map((s) => encodeStrip(Uint8Array.from(s), rows, params(compression)));
    const results = await Promise.all(strips.map((s) => encodeStripOnPool(pool, Uint8Array.from(s), rows, params(compression))));
    results.forEach((r, i) => {
      assert.ok(Buffer.from(r.data).equals(expected[i]!), `${compression} strip ${i}`);
      assert.equal(r.strip.length, rowBytes * rows, 'the strip buffer comes back whole');
    });
  }
  const inFlight = assert.rejects(encodeStripOnPool(pool, Uint8Array.from(strips[0]!), rows, params('deflate')), /stopped/);
  await pool.close();
  await inFlight;
});
