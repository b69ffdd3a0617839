/**
 * The library's argument checks (src/api-arguments.ts, src/checked-pages.ts) and what happens to
 * an exception thrown by a caller's callback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { convert, describe, openInput, RasterError } from '../../src/index.js';
import { withTempDir } from '../helpers/temp-dir.js';

/** Calls with any arguments, as a JavaScript caller can make them. */
const call = {
  convert: convert as (...args: unknown[]) => Promise<unknown>,
  describe: describe as (...args: unknown[]) => Promise<unknown>,
  openInput: openInput as (...args: unknown[]) => Promise<unknown>,
};
const RAW = { width: 4, height: 3, layout: 'rgb' };
/** An output that cannot be created: a check that wrongly passes fails the test without writing anything. */
const NOWHERE = '/nonexistent-raster2img-dir/x.tif';

async function refused(p: Promise<unknown>, field: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RasterError, `a RasterError, not ${String(e)}`);
    assert.equal(e.code, 'E_BAD_OPTION');
    assert.equal(e.field, field);
    assert.match(e.message, message);
    return true;
  });
}

test('bad inputs, outputs and option bags are E_BAD_OPTION naming the argument, for every API function', async () => {
  for (const fn of ['convert', 'describe', 'openInput'] as const) {
    for (const input of [null, undefined, 42, '', {}, [1, 2]])
      await refused(call[fn](input, 'out.tif'), 'in', new RegExp(`^${fn}\\(\\): the input must be a path.*; got `));
  }
  await refused(call.convert(new Uint8Array(36), null, RAW), 'out', /the output must be a path, "-" for stdout.*got null/);
  await refused(call.convert(new Uint8Array(36), '', RAW), 'out', /the output must be/);
  await refused(call.convert(new Uint8Array(36), NOWHERE, null), 'options', /the options must be an object; got null/);
  await refused(call.describe(new Uint8Array(36), 'raw'), 'options', /the options must be an object; got "raw" \(a string\)/);
});

test('a misspelled or foreign option is refused with what was probably meant, as yargs --strict does on the command line', async () => {
  const bytes = new Uint8Array(36);
  await refused(call.convert(bytes, NOWHERE, { ...RAW, compresion: 'lzw' }), 'compresion', /unknown option "compresion"; did you mean "compression"\?/);
  await refused(call.convert(bytes, NOWHERE, { ...RAW, 'min-is-white': true }), 'min-is-white', /did you mean "minIsWhite"\?/);
  await refused(call.convert(bytes, NOWHERE, { ...RAW, quality: 90 }), 'quality', /unknown option "quality"$/);
  await refused(call.openInput(bytes, { ...RAW, page: 1 }), 'page', /^openInput\(\): unknown option "page"; it is an option of describe\(\) and convert\(\)$/);
  await refused(call.describe(bytes, { ...RAW, format: 'png' }), 'format', /it is an option of convert\(\)/);
});

test('option values of the wrong type are refused before anything is opened', async () => {
  const bytes = new Uint8Array(36);
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ planar: 'false' }, 'planar', /option "planar" must be true or false; got "false" \(a string\)/],
    [{ fsync: 1 }, 'fsync', /must be true or false/],
    [{ onNotice: 'log' }, 'onNotice', /must be a function/],
    [{ onProgress: {} }, 'onProgress', /must be a function; got an object \(Object\)/],
    [{ bandBytes: 0 }, 'bandBytes', /a whole number of bytes ≥ 1/],
    [{ bandBytes: 1.5 }, 'bandBytes', /a whole number of bytes ≥ 1/],
    [{ signal: {} }, 'signal', /an AbortSignal/],
    [{ stdout: Readable.from([]) }, 'stdout', /a Writable stream/],
    [{ registry: {} }, 'registry', /a FormatRegistry/],
    [{ format: 7 }, 'format', /a format name/],
  ];
  for (const [extra, field, message] of cases) await refused(call.convert(bytes, NOWHERE, { ...RAW, ...extra }), field, message);
});

test('valid calls pass the checks: undefined values are as good as absent', async () => {
  const info = (await describe(new Uint8Array(36), { ...RAW, from: undefined, page: 1 })) as { pages: unknown[] };
  assert.equal(info.pages.length, 1);
});

test('readRows checks its arguments; a buffer for fewer rows than asked gets the rows that fit', async () => {
  const bytes = Uint8Array.from({ length: 36 }, (_, i) => i);
  const opened = await openInput(bytes, RAW);
  try {
    for await (const page of opened.decoded.pages()) {
      const bad = page.readRows as (...a: unknown[]) => Promise<number>;
      await refused(bad(new Uint8Array(11), 1), 'dst', /dst holds 11 bytes, less than one row of 12/);
      await refused(bad(new Uint8Array(12), 0), 'maxRows', /maxRows must be a number ≥ 1 \(got 0\)/);
      await refused(bad(new Uint8Array(12), NaN), 'maxRows', /got NaN/);
      await refused(bad([0, 1], 1), 'dst', /dst must be a Uint8Array/);
      const dst = new Uint8Array(25); // room for 2 rows of 12 bytes
      assert.equal(await page.readRows(dst, 99), 2);
      assert.deepEqual([...dst.subarray(0, 24)], [...bytes.subarray(0, 24)]);
      assert.equal(await page.readRows(dst, Infinity), 1);
      assert.deepEqual([...dst.subarray(0, 12)], [...bytes.subarray(24, 36)]);
      assert.equal(await page.readRows(dst, 1), 0);
    }
  } finally {
    await opened.close();
  }
});

test("an exception thrown by onProgress or onNotice reaches the caller as it was thrown, and no output or temp file is left", async () => {
  await withTempDir('r2i-callback-', async (dir) => {
    const input = join(dir, 'in.raw');
    await writeFile(input, new Uint8Array(4 * 300 * 3));
    const mine = new TypeError('my callback failed');
    await assert.rejects(
      convert(input, join(dir, 'out.tif'), { width: 4, height: 300, layout: 'rgb', bandBytes: 120, onProgress: () => { throw mine; } }),
      (e) => e === mine,
    );
    // A notice: 16 → 8 bits for BMP, given before the first row is written.
    await assert.rejects(
      convert(input, join(dir, 'out.bmp'), { width: 4, height: 150, layout: 'rgb', depth: '16', onNotice: () => { throw mine; } }),
      (e) => e === mine,
    );
    assert.deepEqual(await readdir(dir), ['in.raw']);
  });
});

test('the option types refuse at compile time what the run-time check refuses (this file is compiled by npm test)', () => {
  // Never called; the compiler checks it. An @ts-expect-error that is not needed is itself an
  // error, so `npm test` fails to build if any of these lines stops being a type error.
  const typedCalls = () => [
    convert('a.raw', 'a.tif', { width: 4, layout: 'rgb', depth: '16', endian: 'big', compression: 'deflate', level: 9, planar: false }),
    // @ts-expect-error misspelled option
    convert('a.raw', 'a.tif', { width: 4, compresion: 'lzw' }),
    // @ts-expect-error not one of --compression's choices
    convert('a.raw', 'a.tif', { width: 4, compression: 'jpeg' }),
    // @ts-expect-error a flag takes true or false
    convert('a.raw', 'a.tif', { width: 4, planar: 'yes' }),
    // @ts-expect-error describe() has no format option
    describe('a.raw', { width: 4, format: 'png' }),
  ];
  assert.equal(typeof typedCalls, 'function');
});
