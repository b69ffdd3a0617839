/**
 * Round trips through the test writer (no python needed): random shapes, dtypes, orders and
 * versions decode to the rows the writer started from; random mutations of valid files end in a
 * decoded page or a RasterError, never another exception or a hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RasterError } from '../../../src/errors.js';
import { ByteSource } from '../../../src/io/byte-source.js';
import { npyDecoder } from '../../../formats/npy/index.js';
import { decodeAll, expectedPages, itemSizeOf, SUPPORTED_DESCRS, writeNpy, type NpySpec } from './npy-files.js';

const dim = fc.integer({ min: 1, max: 9 });
/** Shapes of every kind the decoder reads: (H, W), (H, W, C≤4), (N, H, W>4), (N, H, W, C≤4). */
const shapeArb = fc.oneof(
  fc.tuple(dim, dim),
  fc.tuple(dim, dim, fc.integer({ min: 1, max: 4 })),
  fc.tuple(fc.integer({ min: 1, max: 4 }), dim, fc.integer({ min: 5, max: 9 })),
  fc.tuple(fc.integer({ min: 1, max: 4 }), dim, dim, fc.integer({ min: 1, max: 4 })),
);

const specArb: fc.Arbitrary<NpySpec> = fc
  .record({
    descr: fc.constantFrom(...SUPPORTED_DESCRS),
    shape: shapeArb,
    fortran: fc.boolean(),
    version: fc.constantFrom(1 as const, 2 as const, 3 as const),
    seed: fc.integer({ min: 1 }),
  })
  .map(({ seed, ...s }) => {
    const n = s.shape.reduce((a, b) => a * b, 1) * itemSizeOf(s.descr);
    // Bool bytes may be any value: non-zero is True.
    const data = Uint8Array.from({ length: n }, (_, i) => (Math.imul(i + 1, seed) >>> 13) & 0xff);
    return { ...s, data };
  });

const bandsArb = fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 });

test('random arrays round-trip through the writer and the decoder', async () => {
  await fc.assert(
    fc.asyncProperty(specArb, bandsArb, async (spec, bands) => {
      const { decoded, pages } = await decodeAll(writeNpy(spec), bands);
      const expected = expectedPages(spec);
      assert.equal(pages.length, expected.length);
      pages.forEach((p, i) => assert.deepEqual(new Uint8Array(p.bytes), expected[i], `page ${i}`));
      assert.equal(decoded.header?.['fortran_order'], spec.fortran);
      assert.deepEqual(decoded.header?.['shape'], [...spec.shape]);
    }),
    { numRuns: 400 },
  );
});

test('pages left unread are skipped when the next page is asked for', async () => {
  const spec: NpySpec = { descr: '<u2', shape: [3, 4, 5, 2], fortran: false, version: 1, data: Uint8Array.from({ length: 240 }, (_, i) => i) };
  const expected = expectedPages(spec);
  for (const fortran of [false, true]) {
    const decoded = await npyDecoder.open(ByteSource.fromBytes(writeNpy({ ...spec, fortran })), {});
    let n = 0;
    for await (const page of decoded.pages()) {
      const buf = new Uint8Array(20);
      // Read one row of page 0, none of page 1, all of page 2.
      const rows = n === 0 ? 1 : n === 1 ? 0 : 4;
      for (let r = 0; r < rows; r++) {
        assert.equal(await page.readRows(buf, 1), 1);
        assert.deepEqual(buf, expected[n]!.subarray(r * 20, (r + 1) * 20), `fortran ${fortran} page ${n} row ${r}`);
      }
      n++;
    }
    assert.equal(n, 3);
  }
});

/** A mutation of a valid file: overwrite bytes, cut it, insert bytes or a header token. */
type Mutation =
  | { kind: 'set' | 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'cut'; at: number }
  | { kind: 'text'; at: number; text: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('set' as const, 'insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('text' as const),
    at: fc.nat(),
    text: fc.constantFrom('(', ')', "'", ',', '-', '9999999999', 'L', '[', ' ', 'True', '}', '{', '\n', '0'),
  }),
);

function mutate(file: Uint8Array, muts: readonly Mutation[]): Uint8Array {
  let b = Buffer.from(file);
  for (const m of muts) {
    // Most mutations land in the preamble and header, where the parsing is.
    const at = m.at % Math.max(1, Math.min(b.length, 140));
    if (m.kind === 'cut') b = b.subarray(0, m.at % (b.length + 1));
    else if (m.kind === 'set') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at + m.bytes.length)]);
    else b = Buffer.concat([b.subarray(0, at), m.kind === 'text' ? Buffer.from(m.text, 'latin1') : Buffer.from(m.bytes), b.subarray(at)]);
  }
  return b;
}

test('mutated files end in decoded pages or a RasterError, quickly', async () => {
  await fc.assert(
    fc.asyncProperty(specArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (spec, muts) => {
      const bytes = mutate(writeNpy(spec), muts);
      const t0 = performance.now();
      try {
        const { pages } = await decodeAll(bytes, [64]);
        // A decoded page is as big as its layout says; never more data than the file holds.
        for (const p of pages) assert.ok(p.bytes.length <= bytes.length);
      } catch (e) {
        assert.ok(e instanceof RasterError, `not a RasterError: ${String(e)}`);
        assert.ok(e.offset === undefined || (e.offset >= 0 && e.offset <= bytes.length), `offset ${e.offset} outside the ${bytes.length}-byte input`);
      }
      assert.ok(performance.now() - t0 < 2000, 'took too long');
    }),
    { numRuns: 1500 },
  );
});
