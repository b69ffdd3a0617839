/**
 * Property: any pages (random size, shape, depth, byte order, content), any compression, any band
 * and strip size → our encoder → utif → every sample equal, and the tags say what the layout is.
 *
 * utif cannot read BigTIFF or the floating-point predictor (both are covered by libtiff and
 * tifffile in oracles.test.ts and bigtiff.test.ts), and takes a strip whose compressed size happens
 * to equal the whole image's size for an uncompressed one; such files are not compared. LZW strips
 * also go through the strict decoder of tiff-test-kit.ts first.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { rowBytes } from '../../../src/model.js';
import { encodeToBuffer } from '../../helpers/pages.js';
import { asUtifReturns, asWritten, compressionArb, firstDifference, pageArb, readers, tag, tunedEncoder, utifDecode, type TestPage } from './tiff-test-kit.js';

/**
 * ExtraSamples a reader must see: alpha is unassociated (2); inks after the fourth of a device
 * layout are unspecified data (0), the most colour channels libtiff accepts for separated data.
 */
function expectedExtraSamples(p: TestPage): number[] | undefined {
  const l = p.layout;
  const color = l.channels - (l.alpha ? 1 : 0);
  const extra = [...new Array<number>(l.colorModel === 'device' ? Math.max(0, color - 4) : 0).fill(0), ...(l.alpha ? [2] : [])];
  return extra.length > 0 ? extra : undefined;
}

/** PhotometricInterpretation a reader must see for a layout (TIFF 6.0 §8, §16, §23). */
function expectedPhotometric(p: TestPage): number {
  const l = p.layout;
  const byModel = { gray: l.minIsWhite ? 0 : 1, rgb: 2, cmyk: 5, device: 5, lab: 8 } as const;
  return byModel[l.colorModel];
}

/** True when some compressed strip is exactly as long as the whole image (utif then takes it as raw). */
function utifWouldMisread(p: TestPage, stripByteCounts: number[], compression: string): boolean {
  return compression !== 'none' && stripByteCounts.some((c) => c === rowBytes(p.layout) * p.layout.height);
}

test('random pages round-trip through utif sample for sample', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(pageArb(), { minLength: 1, maxLength: 3 }),
      compressionArb,
      fc.integer({ min: 1, max: 50 }),
      fc.constantFrom(1, 100, 2000, 512 * 1024),
      fc.boolean(),
      async (pages, compression, bandRows, stripBytes, parallel) => {
        const encoder = tunedEncoder({ stripBytes, parallelMinStrips: parallel ? 2 : Infinity });
        const file = await encodeToBuffer(encoder, readers(pages), { compression }, bandRows);
        const fileOrder = pages[0]!.layout.byteOrder;
        assert.equal(file.toString('latin1', 0, 2), fileOrder === 'le' ? 'II' : 'MM');
        const ifds = utifDecode(file);
        assert.equal(ifds.length, pages.length);
        pages.forEach((given, i) => {
          const p = asWritten(given); // sub-byte samples of several channels come back as 8-bit
          const ifd = ifds[i]!;
          const l = p.layout;
          assert.equal(ifd.width, l.width);
          assert.equal(ifd.height, l.height);
          assert.deepEqual(tag(ifd, 258), new Array(l.channels).fill(l.bitsPerSample), 'BitsPerSample');
          assert.deepEqual(tag(ifd, 277), [l.channels], 'SamplesPerPixel');
          assert.deepEqual(tag(ifd, 262), [expectedPhotometric(p)], 'PhotometricInterpretation');
          assert.deepEqual(tag(ifd, 338), expectedExtraSamples(p), 'ExtraSamples');
          assert.deepEqual(tag(ifd, 332), l.colorModel === 'cmyk' ? [1] : l.colorModel === 'device' ? [2] : undefined, 'InkSet');
          assert.deepEqual(tag(ifd, 334), l.colorModel === 'device' ? [l.channels] : undefined, 'NumberOfInks');
          assert.deepEqual(tag(ifd, 339), l.sampleFormat === 'uint' ? undefined : new Array(l.channels).fill(l.sampleFormat === 'int' ? 2 : 3));
          assert.deepEqual(tag(ifd, 297), pages.length > 1 ? [i, pages.length] : undefined, 'PageNumber');
          assert.deepEqual(tag(ifd, 254), pages.length > 1 ? [2] : undefined, 'NewSubfileType');
          assert.deepEqual(tag(ifd, 284), [1], 'PlanarConfiguration');
          assert.deepEqual(tag(ifd, 259), [{ none: 1, lzw: 5, deflate: 8, packbits: 32773 }[compression]], 'Compression');
          if (p.resolution) {
            assert.deepEqual(tag(ifd, 282), [p.resolution.x], 'XResolution');
            assert.deepEqual(tag(ifd, 283), [p.resolution.y], 'YResolution');
            assert.deepEqual(tag(ifd, 296), [2], 'ResolutionUnit');
          }
          if (utifWouldMisread(p, tag(ifd, 279)!, compression)) return;
          const diff = firstDifference(ifd.data, asUtifReturns(p, fileOrder));
          assert.equal(diff, '', `page ${i + 1} (${JSON.stringify(l)}, ${compression}): ${diff}`);
        });
      },
    ),
    { numRuns: 250 },
  );
});
