/**
 * FortranGather against the test writer's element-by-element Fortran layout, with tiny cache and
 * read sizes so that band mode, group mode, split column reads and merged multi-column reads all
 * occur on small arrays.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteSource } from '../../../src/io/byte-source.js';
import { FortranGather } from '../../../formats/npy/fortran-rows.js';
import { rejectsWith, toFortran } from './npy-files.js';

const arrayArb = fc.record({
  pages: fc.integer({ min: 1, max: 5 }),
  height: fc.integer({ min: 1, max: 9 }),
  width: fc.integer({ min: 1, max: 9 }),
  channels: fc.integer({ min: 1, max: 4 }),
  itemSize: fc.constantFrom(1 as const, 2 as const, 4 as const),
  dataOffset: fc.integer({ min: 0, max: 70 }),
});

test('gathered rows equal the C-ordered array for any shape and any cache/read size', async () => {
  await fc.assert(
    fc.asyncProperty(
      arrayArb,
      fc.integer({ min: 1, max: 4000 }),
      fc.integer({ min: 1, max: 600 }),
      fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 4 }),
      fc.integer(),
      async (a, cacheBytes, pieceBytes, bands, seed) => {
        const shape = [a.pages, a.height, a.width, a.channels];
        const rowBytes = a.width * a.channels * a.itemSize;
        const pageBytes = rowBytes * a.height;
        const c = Uint8Array.from({ length: pageBytes * a.pages }, (_, i) => (i * 131 + seed) & 0xff);
        const file = Buffer.concat([Buffer.alloc(a.dataOffset, 0xee), toFortran(c, shape, a.itemSize)]);
        const src = ByteSource.fromBytes(file);
        let largestRead = 0;
        const readAt = src.readAt.bind(src);
        src.readAt = (dst, off, len, pos) => ((largestRead = Math.max(largestRead, len)), readAt(dst, off, len, pos));
        const gather = new FortranGather(src, a, { cacheBytes, pieceBytes });
        assert.ok(gather.cacheBytes <= Math.max(cacheBytes, rowBytes), 'cache within its bound (or one row)');
        for (let n = 0; n < a.pages; n++) {
          const got = new Uint8Array(pageBytes);
          for (let row = 0, b = 0; row < a.height; b++) {
            const count = Math.min(bands[b % bands.length]!, a.height - row);
            await gather.readRows(n, row, got.subarray(row * rowBytes), count);
            row += count;
          }
          assert.deepEqual(got, c.subarray(n * pageBytes, (n + 1) * pageBytes), `page ${n}`);
        }
        assert.ok(largestRead <= Math.max(pieceBytes, a.itemSize), `a read of ${largestRead} bytes exceeds ${pieceBytes}`);
      },
    ),
    { numRuns: 300 },
  );
});

test('a large column-merged read: 300×200×3 with a 64 KiB cache', async () => {
  const a = { pages: 1, height: 300, width: 200, channels: 3, itemSize: 2 as const, dataOffset: 128 };
  const c = Uint8Array.from({ length: 300 * 200 * 3 * 2 }, (_, i) => (i * 7919) % 251);
  const file = Buffer.concat([Buffer.alloc(128), toFortran(c, [300, 200, 3], 2)]);
  const gather = new FortranGather(ByteSource.fromBytes(file), a, { cacheBytes: 64 * 1024, pieceBytes: 16 * 1024 });
  const got = new Uint8Array(c.length);
  for (let row = 0; row < 300; row += 37) await gather.readRows(0, row, got.subarray(row * 1200), Math.min(37, 300 - row));
  assert.deepEqual(got, c);
});

test('a gather past the end of the input is E_TRUNCATED at the first missing byte', async () => {
  const a = { pages: 1, height: 4, width: 4, channels: 1, itemSize: 1 as const, dataOffset: 0 };
  const gather = new FortranGather(ByteSource.fromBytes(new Uint8Array(13)), a);
  const e = await rejectsWith(gather.readRows(0, 0, new Uint8Array(16), 4), 'E_TRUNCATED');
  assert.equal(e.offset, 13);
});
