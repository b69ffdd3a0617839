import { test } from 'node:test';
import { inspect } from 'node:util';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rawDecoder } from '../../../formats/raw/index.js';
import { countPages, fitHints, LAYOUTS, LAYOUT_NAMES, pageSpan, parseGeometry, type LayoutName } from '../../../formats/raw/geometry.js';
import { ByteSource } from '../../../src/io/byte-source.js';
import { RasterError } from '../../../src/errors.js';
import { rowBytes } from '../../../src/model.js';
import type { Options } from '../../../src/plugin.js';
import { chunkedStream, pseudoRandomBytes } from '../../helpers/pages.js';

/** Decode every page fully, in bands of `band` rows. */
async function decodeAll(src: ByteSource, options: Options, band = 3): Promise<{ layouts: unknown[]; pages: Buffer[] }> {
  const doc = await rawDecoder.open(src, options);
  const pages: Buffer[] = [];
  const layouts: unknown[] = [];
  for await (const page of doc.pages()) {
    layouts.push(page.info.layout);
    const rb = rowBytes(page.info.layout);
    const buf = new Uint8Array(band * rb);
    const parts: Buffer[] = [];
    for (let n; (n = await page.readRows(buf, band)) > 0; ) parts.push(Buffer.from(buf.subarray(0, n * rb)));
    pages.push(Buffer.concat(parts));
  }
  await src.close(); // a planar stream was spooled to a temp file: the source owns it
  return { layouts, pages };
}

/**
 * Build a raw dump the slow, obvious way from per-sample values (values[page][y][x][storedChannel]),
 * and the interleaved rows we expect back.
 */
function makeDump(g: { width: number; height: number; pages: number; layout: LayoutName; bytesPerSample: 1 | 2; big: boolean; offset: number; pad: number; planar: boolean }, seed: number) {
  const L = LAYOUTS[g.layout];
  const rnd = pseudoRandomBytes(g.pages * g.height * g.width * L.stored * 2 + 1, seed);
  const value = (p: number, y: number, x: number, c: number) => {
    const i = (((p * g.height + y) * g.width + x) * L.stored + c) * 2;
    return g.bytesPerSample === 1 ? rnd[i]! : rnd[i]! * 256 + rnd[i + 1]!;
  };
  const put = (arr: number[], v: number, big: boolean) => {
    if (g.bytesPerSample === 1) arr.push(v);
    else if (big) arr.push(v >> 8, v & 255);
    else arr.push(v & 255, v >> 8);
  };
  const file: number[] = new Array(g.offset).fill(0xee);
  const expected: number[][] = [];
  for (let p = 0; p < g.pages; p++) {
    const exp: number[] = [];
    if (g.planar) {
      for (let c = 0; c < L.stored; c++)
        for (let y = 0; y < g.height; y++) {
          for (let x = 0; x < g.width; x++) put(file, value(p, y, x, c), g.big);
          for (let k = 0; k < g.pad; k++) file.push(0xaa);
        }
    } else {
      for (let y = 0; y < g.height; y++) {
        for (let x = 0; x < g.width; x++) for (let c = 0; c < L.stored; c++) put(file, value(p, y, x, c), g.big);
        for (let k = 0; k < g.pad; k++) file.push(0xaa);
      }
    }
    // Expected rows: output channels picked from the stored ones, still in the file's byte order.
    for (let y = 0; y < g.height; y++) for (let x = 0; x < g.width; x++) for (const c of L.pick) put(exp, value(p, y, x, c), g.big);
    expected.push(exp);
  }
  return { file: Uint8Array.from(file), expected: expected.map((e) => Buffer.from(e)) };
}

test('raw: random geometries decode sample-exact from files and from streams', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        width: fc.integer({ min: 1, max: 37 }),
        height: fc.integer({ min: 1, max: 9 }),
        pages: fc.integer({ min: 1, max: 3 }),
        layout: fc.constantFrom(...LAYOUT_NAMES),
        bytesPerSample: fc.constantFrom(1 as const, 2 as const),
        big: fc.boolean(),
        offset: fc.integer({ min: 0, max: 40 }),
        pad: fc.integer({ min: 0, max: 5 }),
        planar: fc.boolean(),
        band: fc.integer({ min: 1, max: 10 }),
        fromStream: fc.boolean(),
        seed: fc.integer({ min: 1, max: 1 << 30 }),
      }),
      async (g) => {
        const { file, expected } = makeDump(g, g.seed);
        const storedPerRow = g.planar ? g.width : g.width * LAYOUTS[g.layout].stored;
        const options: Options = {
          width: g.width,
          height: g.height,
          layout: g.layout,
          depth: g.bytesPerSample === 1 ? '8' : '16',
          endian: g.big ? 'big' : 'little',
          offset: g.offset,
          planar: g.planar,
          ...(g.pad > 0 ? { stride: storedPerRow * g.bytesPerSample + g.pad } : {}),
        };
        const src = g.fromStream ? ByteSource.fromStream(chunkedStream(file, [5, 61, 1000])) : ByteSource.fromBytes(file);
        const { pages, layouts } = await decodeAll(src, options, g.band);
        assert.equal(pages.length, g.pages);
        for (let p = 0; p < g.pages; p++) assert.ok(pages[p]!.equals(expected[p]!), `page ${p + 1} differs`);
        assert.equal((layouts[0] as { byteOrder: string }).byteOrder, g.big ? 'be' : 'le');
      },
    ),
    { numRuns: 150 },
  );
});

test('raw: rows padded past the 4 MiB scratch (--stride > 4 MiB) decode sample-exact, interleaved and planar, from files and streams', async () => {
  // The scratch buffer must not be sized by the stride: a huge --stride once allocated stride bytes
  // (or failed with "Invalid typed array length" at 1e11).
  const width = 3, height = 2, pad = 4 * 1024 * 1024 + 5, offset = 7;
  const pixels = pseudoRandomBytes(width * height * 3, 11); // interleaved RGB, the expected rows
  for (const planar of [false, true]) {
    const rowsStored = planar ? 3 * height : height; // planar: one row per plane and row
    const stored = planar ? width : width * 3;
    const file = new Uint8Array(offset + rowsStored * (stored + pad)).fill(0xaa);
    for (let r = 0; r < rowsStored; r++)
      for (let i = 0; i < stored; i++) {
        // planar row r is plane floor(r / height), image row r % height
        const v = planar ? pixels[((r % height) * width + i) * 3 + Math.floor(r / height)]! : pixels[r * stored + i]!;
        file[offset + r * (stored + pad) + i] = v;
      }
    for (const fromStream of [false, true]) {
      const options: Options = { width, height, layout: 'rgb', offset, planar, stride: stored + pad };
      const src = fromStream ? ByteSource.fromStream(chunkedStream(file, [65536])) : ByteSource.fromBytes(file);
      const { pages } = await decodeAll(src, options, 1);
      assert.equal(pages.length, 1);
      assert.ok(pages[0]!.equals(pixels), `planar ${planar}, stream ${fromStream}`);
    }
  }
  // A stride of 1e11 on a 6-byte stream: the input ends inside the padding, nothing is allocated for it.
  const huge = ByteSource.fromStream(chunkedStream(Uint8Array.from([1, 2, 3, 4, 5, 6]), [6]), '-');
  await assert.rejects(decodeAll(huge, { width: 3, height: 2, layout: 'gray', stride: 1e11 }), (e: unknown) => {
    assert.ok(e instanceof RasterError, String(e));
    assert.equal(e.code, 'E_TRUNCATED');
    assert.match(e.message, /byte 6: input ends inside pixel data: 6 of its 200000000000 bytes are there \(0 of 2 rows complete\)/);
    return true;
  });
  // Planar (spooled) with a 5 MB stride: plane 2 starts past the end; the message counts what is there.
  const planar = ByteSource.fromStream(chunkedStream(new Uint8Array(1000), [100]), '-');
  await assert.rejects(decodeAll(planar, { width: 10, height: 20, channels: 3, planar: true, stride: 5_000_000 }), (e: unknown) => {
    assert.ok(e instanceof RasterError, String(e));
    assert.match(e.message, /byte 1000: input ends inside pixel data: 1000 of its 300000000 bytes are there$/);
    return true;
  });
});

test("raw: the last row may lack its padding, as dumps often end at their last pixel (with or without --height, file or stream)", async () => {
  // Strides below and above the 4 MiB scratch of RawRowReader (which reads such rows one by one).
  for (const [width, stride, height, pages] of [
    [4, 16, 3, 1],
    [4, 16, 3, 2],
    [5, 5 * 1024 * 1024, 2, 1],
  ] as const) {
    const rowBytes = width * 3;
    const pixels = pseudoRandomBytes(pages * height * rowBytes, width + stride);
    const file = new Uint8Array(pages * height * stride - (stride - rowBytes));
    for (let r = 0; r < pages * height; r++) file.set(pixels.subarray(r * rowBytes, (r + 1) * rowBytes), r * stride);
    const expected = Array.from({ length: pages }, (_, p) => Buffer.from(pixels.subarray(p * height * rowBytes, (p + 1) * height * rowBytes)));
    for (const fromStream of [false, true])
      for (const givenHeight of fromStream ? [true] : [true, false]) {
        if (!givenHeight && pages > 1) continue; // without --height a file is one page
        const options: Options = { width, layout: 'rgb', stride, ...(givenHeight ? { height } : {}) };
        const src = fromStream ? ByteSource.fromStream(chunkedStream(file, [7, 65536])) : ByteSource.fromBytes(file);
        const got = await decodeAll(src, options, 2);
        assert.deepEqual(got.pages, expected, `stride ${stride}, ${pages} pages, stream ${fromStream}, --height ${givenHeight}`);
      }
  }
  // Padding missing inside the file is still an error: the last row of page 1 without it.
  const cut = new Uint8Array(16 * 2 + 12 + 16 * 2 + 12);
  await assert.rejects(decodeAll(ByteSource.fromBytes(cut), { width: 4, height: 3, layout: 'rgb', stride: 16 }), (e: unknown) => {
    assert.ok(e instanceof RasterError, String(e));
    assert.equal(e.code, 'E_SIZE_MISMATCH');
    return true;
  });
});

test('raw: 1-bit packed rows keep their padding bits out of the next row', async () => {
  // width 10: 2 bytes per row; rows 0b1111111111000000, 0b0000000001000000
  const file = Uint8Array.from([0xff, 0xc0, 0x00, 0x40]);
  const { pages, layouts } = await decodeAll(ByteSource.fromBytes(file), { width: 10, height: 2, depth: '1', minIsWhite: true });
  assert.deepEqual([...pages[0]!], [...file]);
  assert.equal((layouts[0] as { minIsWhite: boolean }).minIsWhite, true);
});

test('raw: height derived from the size when not given', async () => {
  const { pages } = await decodeAll(ByteSource.fromBytes(new Uint8Array(30 + 12)), { width: 2, layout: 'rgb', offset: 30 });
  assert.equal(pages[0]!.length, 12);
});

test('raw: a size that does not fit says what is off and what would fit', async () => {
  const size = 1800 + 64 * 48 * 3 * 2;
  const src = ByteSource.fromBytes(new Uint8Array(size), 'scan.raw');
  await assert.rejects(rawDecoder.open(src, { width: 64, height: 48, layout: 'rgb', depth: '16' }), (e: unknown) => {
    assert.ok(e instanceof RasterError);
    assert.equal(e.code, 'E_SIZE_MISMATCH');
    assert.equal(e.expected, 64 * 48 * 6);
    assert.equal(e.actual, size);
    assert.match(e.message, /scan\.raw: 64×48 rgb 16-bit, 384 bytes per row needs 18432 bytes per page after the 0-byte offset; the input has 20232/);
    assert.match(e.message, /--offset 1800 \(a 1800-byte header\)/);
    return true;
  });
  await assert.rejects(rawDecoder.open(ByteSource.fromBytes(new Uint8Array(64 * 48 * 3)), { width: 64, height: 48, layout: 'rgb', depth: '16' }), (e: unknown) => {
    assert.ok(e instanceof RasterError);
    assert.match(e.message, /--depth 8/);
    assert.match(e.message, /--height 24/);
    return true;
  });
});

test('raw: every size hint, applied, gives options that are accepted and fit the size', () => {
  fc.assert(
    fc.property(
      fc.record({
        width: fc.integer({ min: 1, max: 40 }),
        height: fc.integer({ min: 1, max: 12 }),
        samples: fc.oneof(fc.record({ layout: fc.constantFrom(...LAYOUT_NAMES) }), fc.record({ channels: fc.integer({ min: 1, max: 4 }) })),
        depth: fc.constantFrom('8', '16', '32f'),
        offset: fc.integer({ min: 0, max: 600 }),
        pad: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
        planar: fc.boolean(),
      }),
      // The size: that of another geometry (pages of another height, depth or channel count, or
      // behind another header), or any.
      fc.oneof(
        fc.record({ pages: fc.integer({ min: 1, max: 3 }), change: fc.record({ height: fc.integer({ min: 1, max: 12 }) }) }),
        fc.record({ pages: fc.integer({ min: 1, max: 3 }), change: fc.record({ depth: fc.constantFrom('8', '16', '32f') }) }),
        fc.record({ pages: fc.constant(1), change: fc.record({ channels: fc.integer({ min: 1, max: 4 }) }) }),
        fc.record({ pages: fc.integer({ min: 1, max: 3 }), change: fc.record({ offset: fc.integer({ min: 0, max: 600 }) }) }),
        fc.integer({ min: 0, max: 40000 }),
      ),
      (r, other) => {
        const base: Record<string, unknown> = { width: r.width, height: r.height, ...r.samples, depth: r.depth, offset: r.offset, planar: r.planar };
        const o: Options = r.pad === undefined ? base : { ...base, stride: parseGeometryOrUndefined(base)!.stride + r.pad };
        const g = parseGeometryOrUndefined(o);
        if (!g) return; // options refused on their own
        let size = typeof other === 'number' ? other : undefined;
        if (typeof other !== 'number') {
          // The other geometry keeps its own rows: no --stride; a channel count replaces the layout.
          const changed: Options = { ...base, ...('channels' in other.change ? { layout: undefined } : {}), ...other.change };
          const og = parseGeometryOrUndefined(changed);
          if (!og) return;
          size = og.offset + other.pages * pageSpan(og, changed['height'] as number);
        }
        try {
          countPages(g, r.height, size, 'x');
          return; // it fits
        } catch (e) {
          assert.ok(e instanceof RasterError && e.code === 'E_SIZE_MISMATCH', String(e));
        }
        for (const hint of fitHints(g, r.height, size! - g.offset, size!)) {
          const fixed: Options = { ...o, ...hint.change };
          const pages = countPages(parseGeometry(fixed), fixed['height'] as number, size, 'x');
          assert.ok(pages! >= 1, `${hint.text} on ${inspect(o)}, size ${size}`);
        }
      },
    ),
    { numRuns: 3000 },
  );
});

function parseGeometryOrUndefined(o: Options): ReturnType<typeof parseGeometry> | undefined {
  try {
    return parseGeometry(o);
  } catch (e) {
    if (e instanceof RasterError && e.code === 'E_BAD_OPTION') return undefined;
    throw e;
  }
}

test('raw: hints name --layout when the layout was given, and never a width of 0', async () => {
  const hintsOf = async (o: Options, size: number) => {
    const e = await rawDecoder.open(ByteSource.fromBytes(new Uint8Array(size)), o).then(
      () => assert.fail('accepted'),
      (err: unknown) => err as RasterError,
    );
    return e.message;
  };
  const layoutGiven = await hintsOf({ width: 100, height: 128, layout: 'rgb' }, 12800);
  assert.match(layoutGiven, /--layout gray \(1 channel\)/);
  assert.doesNotMatch(layoutGiven, /--channels/);
  assert.match(await hintsOf({ width: 100, height: 128, channels: 3 }, 12800), /1 channel \(--channels 1\)/);
  assert.doesNotMatch(await hintsOf({ width: 100, height: 2, offset: 12800 }, 12800), /--width 0/);
  // Two pages behind a 4-byte header: --offset 4 (both pages), not --offset 301 (one).
  assert.match(await hintsOf({ width: 11, height: 9, layout: 'rgb' }, 598), /The size would fit: --offset 4 \(a 4-byte header\)/);
  assert.match(await hintsOf({ width: 4, offset: 80 }, 40), /the input is 40 bytes, less than the --offset of 80/);
});

test('raw: a stream that ends inside a page is E_TRUNCATED with the offset', async () => {
  const src = ByteSource.fromStream(chunkedStream(new Uint8Array(100), [7]), '-');
  await assert.rejects(decodeAll(src, { width: 4, height: 4, layout: 'rgb' }), (e: unknown) => {
    assert.ok(e instanceof RasterError);
    assert.equal(e.code, 'E_TRUNCATED');
    assert.equal(e.page, 3);
    assert.equal(e.offset, 100);
    // Page 3 starts at byte 96 and needs 48 bytes; decodeAll reads 3 rows (36 bytes) at a time, and
    // the message speaks of the page, not of that read.
    assert.match(e.message, /page 3: byte 100: input ends inside pixel data: 4 of its 48 bytes are there \(0 of 4 rows complete\)$/);
    return true;
  });
});

test('raw: one byte off is "1 byte", not "1 bytes"', async () => {
  const o: Options = { width: 4, height: 1, layout: 'rgb' };
  await assert.rejects(rawDecoder.open(ByteSource.fromBytes(new Uint8Array(11)), o), /the input has 11 \(11 in all\), 1 byte short/);
  await assert.rejects(rawDecoder.open(ByteSource.fromBytes(new Uint8Array(13)), o), /1 byte more than 1 whole page/);
});

test('raw: bad options are E_BAD_OPTION naming the flag', async () => {
  const cases: [Options, RegExp][] = [
    [{ height: 2 }, /--width is required/],
    [{ width: 0 }, /--width must be a whole number ≥ 1/],
    [{ width: 4, stride: 2 ** 53 }, /--stride must be a whole number ≥ 1 \(got 9007199254740992, larger in size than 2\^53 − 1, where whole numbers are no longer exact\)/],
    [{ width: 4, channels: -(2 ** 60) }, /--channels must be a whole number ≥ 1 \(got -1152921504606847000, larger in size than 2\^53 − 1, where/],
    [{ width: 2, layout: 'yuv' }, /--layout must be one of/],
    [{ width: 2, layout: 'rgb', channels: 4 }, /--channels 4 contradicts --layout rgb/],
    [{ width: 2, depth: '12' }, /--depth must be 1, 2, 4, 8, 16 or 32f/],
    [{ width: 2, endian: 'middle' }, /--endian must be one of little, big \(got "middle"\)/],
    // Values of the wrong kind, as a library caller can give them: refused, not coerced.
    [{ width: '12' }, /--width must be a whole number ≥ 1 \(got "12"\)/],
    [{ width: 4, height: 1, offset: '' }, /--offset must be a whole number ≥ 0 \(got ""\)/],
    [{ width: 4, height: null }, /--height must be a whole number ≥ 1 \(got null\)/],
    [{ width: 4, depth: null }, /--depth must be 1, 2, 4, 8, 16 or 32f \(got null\)/],
    [{ width: 4, layout: ['rgb'] }, /--layout must be one of .* \(got an array \["rgb"\]\)/],
    [{ width: 4, layout: 'RGB' }, /--layout must be one of .* \(got "RGB"\)/],
    [{ width: 4, layout: Object.create(null) as object }, /--layout must be one of .* \(got an object \(no prototype\)\)/],
    [{ width: 4, depth: 1n }, /--depth must be .* \(got 1n\)/],
    [{ width: 4, depth: Object.create(null) as object }, /--depth must be .* \(got an object \(no prototype\)\)/],
    [{ width: 4, endian: { toString: () => 'big' } }, /--endian must be one of little, big \(got an object \(Object\)\)/],
    [{ width: 4, layout: 'rgb', stride: 5 }, /--stride 5 is less than the 12 bytes/],
    [{ width: 4, height: 1, offset: -1 }, /--offset must be a whole number ≥ 0/],
    // Names of Object.prototype's members are no layouts or depths (a library caller can pass any string).
    ...['constructor', '__proto__', 'tostring'].flatMap((name): [Options, RegExp][] => [
      [{ width: 2, height: 2, layout: name }, /--layout must be one of gray, graya, rgb/],
      [{ width: 2, height: 2, depth: name }, /--depth must be 1, 2, 4, 8, 16 or 32f/],
    ]),
  ];
  for (const [o, re] of cases)
    await assert.rejects(rawDecoder.open(ByteSource.fromBytes(new Uint8Array(48)), o), (e: unknown) => e instanceof RasterError && e.code === 'E_BAD_OPTION' && re.test(e.message), inspect(o));
});

test('raw: bgrx reads a little-endian frame buffer of 0x00RRGGBB words (XRGB8888) as RGB', async () => {
  const bytes = Uint8Array.from([0x33, 0x22, 0x11, 0x00, 0xcc, 0xbb, 0xaa, 0x00]); // 0x00112233, 0x00aabbcc little-endian
  const { pages, layouts } = await decodeAll(ByteSource.fromBytes(bytes), { width: 2, height: 1, layout: 'bgrx' });
  assert.deepEqual([...pages[0]!], [0x11, 0x22, 0x33, 0xaa, 0xbb, 0xcc]);
  assert.equal((layouts[0] as { channels: number }).channels, 3);
});
