/**
 * Property: any gray / gray+alpha / RGB / RGBA layout at any PNG depth, any filter, level and
 * strategy, cut into any block, band and IDAT sizes, decodes with pngjs to the samples that went
 * in. Blocks are compressed on this thread here (workers: 0) so that hundreds of cases run fast;
 * the block joining, dictionaries and checksum combining are the same code the workers run
 * (parallel.test.ts runs real workers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { makePngEncoder } from '../../../formats/png/index.js';
import { PNG_FILTERS, PNG_STRATEGIES } from '../../../formats/png/options.js';
import { rowBytes, type BitsPerSample, type PixelLayout } from '../../../src/model.js';
import { encodeToBuffer, memoryPage } from '../../helpers/pages.js';
import { chunksOf, decodeWithPngjs, rowData, samplesOf } from './png-helpers.js';

const KINDS = [
  { colorModel: 'gray', channels: 1, alpha: false, colorType: 0, depths: [1, 2, 4, 8, 16] },
  { colorModel: 'gray', channels: 2, alpha: true, colorType: 4, depths: [8, 16] },
  { colorModel: 'rgb', channels: 3, alpha: false, colorType: 2, depths: [8, 16] },
  { colorModel: 'rgb', channels: 4, alpha: true, colorType: 6, depths: [8, 16] },
] as const;

const caseArb = fc
  .record({
    kind: fc.constantFrom(...KINDS),
    width: fc.integer({ min: 1, max: 70 }),
    height: fc.integer({ min: 1, max: 24 }),
    depthPick: fc.nat(),
    byteOrder: fc.constantFrom('le' as const, 'be' as const),
    filter: fc.constantFrom(...PNG_FILTERS),
    strategy: fc.constantFrom(...PNG_STRATEGIES),
    level: fc.integer({ min: 0, max: 9 }),
    blockBytes: fc.integer({ min: 1, max: 700 }),
    idatBytes: fc.integer({ min: 1, max: 400 }),
    bandRows: fc.integer({ min: 1, max: 9 }),
  })
  .chain((c) => {
    const layout: PixelLayout = {
      width: c.width,
      height: c.height,
      channels: c.kind.channels,
      bitsPerSample: c.kind.depths[c.depthPick % c.kind.depths.length] as BitsPerSample,
      sampleFormat: 'uint',
      colorModel: c.kind.colorModel,
      alpha: c.kind.alpha,
      byteOrder: c.byteOrder,
    };
    return rowData(rowBytes(layout) * layout.height, rowBytes(layout)).map((pixels) => ({ ...c, layout, pixels }));
  });

/** Clear the padding bits at the end of sub-byte rows: they carry no sample. */
function clearPadding(l: PixelLayout, pixels: Uint8Array): void {
  const used = (l.width * l.channels * l.bitsPerSample) % 8;
  if (used === 0) return;
  const rb = rowBytes(l);
  for (let y = 0; y < l.height; y++) pixels[y * rb + rb - 1]! &= (0xff << (8 - used)) & 0xff;
}

test('every layout, depth, filter, level, strategy and cut decodes with pngjs to the input samples', async () => {
  await fc.assert(
    fc.asyncProperty(caseArb, async (c) => {
      clearPadding(c.layout, c.pixels);
      const encoder = makePngEncoder({ blockBytes: c.blockBytes, workers: 0, idatBytes: c.idatBytes });
      const png = await encodeToBuffer(encoder, [memoryPage(c.layout, c.pixels)], { pngFilter: c.filter, pngStrategy: c.strategy, level: c.level }, c.bandRows);

      const decoded = decodeWithPngjs(png);
      assert.equal(decoded.width, c.layout.width);
      assert.equal(decoded.height, c.layout.height);
      assert.equal(decoded.depth, c.layout.bitsPerSample);
      assert.equal(decoded.colorType, c.kind.colorType);
      assert.deepEqual(decoded.samples, samplesOf(c.layout, c.pixels));

      // zlib's own inflate checks the Adler-32 trailer combined from the blocks.
      const idats = chunksOf(png).filter((ch) => ch.type === 'IDAT');
      assert.ok(idats.every((ch) => ch.data.length <= c.idatBytes));
      const stream = inflateSync(Buffer.concat(idats.map((ch) => ch.data)));
      const rb = rowBytes(c.layout);
      assert.equal(stream.length, c.layout.height * (rb + 1));
      const filterBytes = Array.from({ length: c.layout.height }, (_, y) => stream[y * (rb + 1)]!);
      const fixed = PNG_FILTERS.indexOf(c.filter);
      if (c.filter !== 'adaptive') assert.ok(filterBytes.every((f) => f === fixed), `every row uses filter ${c.filter}`);
      else if (c.layout.bitsPerSample < 8) assert.ok(filterBytes.every((f) => f === 0), 'sub-byte rows are not filtered');
      else assert.ok(filterBytes.every((f) => f <= 4));
    }),
    { numRuns: 300 },
  );
});
