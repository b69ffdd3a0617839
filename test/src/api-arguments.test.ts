/**
 * The library's argument checks (src/api-arguments.ts, src/checked-pages.ts) and what happens to
 * an exception thrown by a caller's callback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { convert, createRegistry, describe, describeEach, openInput, RasterError } from '../../src/index.js';
import { withTempDir } from '../helpers/temp-dir.js';

/** Calls with any arguments, as a JavaScript caller can make them. */
const call = {
  convert: convert as (...args: unknown[]) => Promise<unknown>,
  describe: describe as (...args: unknown[]) => Promise<unknown>,
  openInput: openInput as (...args: unknown[]) => Promise<unknown>,
};
const RAW = { width: 4, height: 3, layout: 'rgb' } as const;
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
  await refused(call.convert(new Uint8Array(36), NOWHERE, null), 'options', /the options must be a plain object; got null/);
  await refused(call.describe(new Uint8Array(36), 'raw'), 'options', /the options must be a plain object; got "raw"/);
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
    [{ planar: 'false' }, 'planar', /option "planar" must be true or false; got "false"$/],
    [{ fsync: 1 }, 'fsync', /must be true or false/],
    [{ onNotice: 'log' }, 'onNotice', /must be a function/],
    [{ onProgress: {} }, 'onProgress', /must be a function; got an object \(Object\)$/],
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
      await refused(bad([0, 1], 1), 'dst', /dst must be a Uint8Array \(a Buffer is one\) or a Uint8ClampedArray; got an array/);
      await refused(bad(new Uint16Array(12), 1), 'dst', /dst must be a Uint8Array/);
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
    // @ts-expect-error not one of --layout's choices
    convert('a.raw', 'a.tif', { width: 4, layout: 'argb' }),
  ];
  assert.equal(typeof typedCalls, 'function');
});

test('options inherited from a prototype are read and checked like own ones; values and class instances other than option bags are refused', async () => {
  const bytes = new Uint8Array(36);
  const defaults = { width: 4, height: 3, layout: 'rgb' };
  const info = (await describe(bytes, Object.create(defaults) as object)) as { pages: { width: number }[] };
  assert.equal(info.pages[0]!.width, 4, 'inherited width used');
  await refused(call.describe(bytes, Object.create({ ...defaults, planar: 'false' })), 'planar', /must be true or false/);
  await refused(call.convert(bytes, NOWHERE, Object.create({ ...defaults, compresion: 'lzw' })), 'compresion', /did you mean "compression"/);
  for (const odd of [new Map([['width', 4]]), new Date(), [4, 3], new Uint8Array(2)])
    await refused(call.describe(bytes, odd), 'options', /the options must be a plain object; got/);
  class Settings {
    width = 4;
    height = 3;
    get layout() {
      return 'rgb';
    }
  }
  assert.equal(((await describe(bytes, new Settings() as never)) as { pages: unknown[] }).pages.length, 1, 'fields and getters of a class instance');
  // Every option is read once, also the registry (it was read to choose it and again to check it).
  const reads = new Map<string, number>();
  const counted = new Proxy({ ...defaults, registry: createRegistry() }, {
    get(target, key, receiver) {
      if (typeof key === 'string') reads.set(key, (reads.get(key) ?? 0) + 1);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  await describe(bytes, counted as never);
  assert.deepEqual([...reads].filter(([, n]) => n !== 1), [], 'options read more than once');
  assert.equal(reads.get('registry'), 1);
});

test('messages: hints for in/out and for options of the output formats, no far-fetched suggestions, strings and bigints shown as such', async () => {
  const bytes = new Uint8Array(36);
  await refused(call.convert(bytes, NOWHERE, { ...RAW, out: 'x.png' }), 'out', /unknown option "out"; the input and the output are the first two arguments, not options/);
  await refused(call.describe(bytes, { ...RAW, out: 'x.png' }), 'out', /unknown option "out"; the input is the first argument, not an option$/);
  await refused(call.describe(bytes, { ...RAW, info: true }), 'info', /describe\(\) gives what --info prints/);
  // Swapped letters are one edit: the options raw-dump users type most.
  for (const [typo, meant] of <[string, string][]>[['widht', 'width'], ['heigth', 'height'], ['lyaout', 'layout'], ['endain', 'endian'], ['offest', 'offset'], ['pgae', 'page']])
    await refused(call.describe(bytes, { ...RAW, [typo]: 1 }), typo, new RegExp(`did you mean "${meant}"\\?$`));
  await refused(call.describe(bytes, { ...RAW, compresion: 'lzw' }), 'compresion', /did you mean "compression"\? "compression" is an option of the output formats \(tiff\), for convert\(\)/);
  await refused(call.describe(bytes, { ...RAW, 'png-filter': 'up' }), 'png-filter', /did you mean "pngFilter"\? "pngFilter" is an option of the output formats/);
  await refused(call.describe(bytes, { ...RAW, compression: 'lzw' }), 'compression', /; it is an option of the output formats \(tiff\), for convert\(\)/);
  await refused(call.convert(bytes, NOWHERE, { ...RAW, dest: 'x' }), 'dest', /unknown option "dest"$/);
  await refused(call.convert(bytes, NOWHERE, { ...RAW, signed: true }), 'signed', /unknown option "signed"$/);
  await refused(call.convert(bytes, NOWHERE, { ...RAW, range: { lo: 0, hi: 1 } }), 'range', /--range must be two numbers LO,HI.*got an object \(Object\)/);
  await refused(call.convert(bytes, NOWHERE, { ...RAW, range: 5 }), 'range', /got 5\)/);
  await refused(call.convert(bytes, NOWHERE, { ...RAW, page: '1' }), 'page', /--page must be a whole number ≥ 1 \(got "1"\)/);
  await refused(call.convert(bytes, NOWHERE, { ...RAW, page: 2 ** 53 }), 'page', /--page must be a whole number ≥ 1 \(got 9007199254740992, larger in size than 2\^53 − 1, where whole numbers are no longer exact\)/);
  await refused(call.convert(bytes, NOWHERE, { ...RAW, bandBytes: 1024n }), 'bandBytes', /got 1024n/);
  await refused(call.convert(1n, NOWHERE), 'in', /got 1n/);
  // A key of another call with no value, as in an options object shared between calls: as if absent.
  assert.equal(((await describe(bytes, { ...RAW, format: undefined } as never)) as { pages: unknown[] }).pages.length, 1);
});

test('option values of odd kinds give E_BAD_OPTION naming the flag, never an internal TypeError', async () => {
  const bytes = new Uint8Array(36);
  const bare = Object.create(null) as object;
  await withTempDir('raster2img-values-', async (dir) => {
    // Encoder options are read when the output is created: the output must be creatable.
    for (const [key, ext] of [['compression', 'tif'], ['predictor', 'tif'], ['level', 'tif'], ['pngFilter', 'png'], ['pngStrategy', 'png'], ['level', 'png']]) {
      const out = join(dir, `out.${ext!}`);
      await refused(call.convert(bytes, out, { ...RAW, [key!]: bare }), key!, /\(got an object \(no prototype\)\)$/);
      await refused(call.convert(bytes, out, { ...RAW, [key!]: 1n }), key!, /\(got 1n\)$/);
      await refused(call.convert(bytes, out, { ...RAW, [key!]: NaN }), key!, /\(got NaN\)$/);
    }
    await refused(call.convert(bytes, join(dir, 'out.png'), { ...RAW, level: { constructor: 1 } }), 'level', /\(got an object \(Object\)\)$/);
    // null is a value, not the default (undefined is).
    await refused(call.convert(bytes, join(dir, 'out.png'), { ...RAW, level: null }), 'level', /\(got null\)$/);
    await refused(call.convert(bytes, join(dir, 'out.png'), { ...RAW, format: '' }), 'format', /must be a format name; got ""$/);
    await refused(call.describe(bytes, { ...RAW, from: '' }), 'from', /must be a format name; got ""$/);
    assert.deepEqual(await readdir(dir), [], 'no file left');
  });
  // HI − LO past the largest double scaled every sample to 0: an all-black image and no error.
  await refused(call.convert(bytes, NOWHERE, { ...RAW, range: [-Number.MAX_VALUE, Number.MAX_VALUE] }), 'range', /wider than a double can hold/);
});

test('readRows fills a Uint8ClampedArray (a canvas ImageData.data) as it fills a Uint8Array, through a view of the same bytes', async () => {
  const bytes = Uint8Array.from({ length: 48 }, (_, i) => 200 + i);
  const opened = await openInput(bytes, { width: 4, height: 3, layout: 'rgba' });
  try {
    for await (const page of opened.decoded.pages()) {
      const data = new Uint8ClampedArray(4 * 4 * 4); // an ImageData of 4×4: a row to spare
      assert.equal(await page.readRows(data.subarray(16), 3), 3);
      assert.deepEqual([...data.subarray(16)], [...bytes]);
      assert.deepEqual([...data.subarray(0, 16)], new Array(16).fill(0), 'the bytes before the view are untouched');
    }
  } finally {
    await opened.close();
  }
});

test('readRows on a page left behind (the next page was asked for) is refused, not a silent 0', async () => {
  const opened = await openInput(join(process.cwd(), 'samples', 'npy', 'stack-f4-3x16x20.npy'));
  try {
    const pages = [];
    for await (const page of opened.decoded.pages()) pages.push(page);
    assert.equal(pages.length, 3);
    await refused(pages[0]!.readRows(new Uint8Array(4096), 1), 'page', /page 1 was left behind when the iteration went on/);
  } finally {
    await opened.close();
  }
});

test('an onNotice that throws before the first page closes the input; an async callback that rejects stops the conversion with its reason', async () => {
  await withTempDir('r2i-callback-', async (dir) => {
    const npy = await readFile(join(process.cwd(), 'samples', 'npy', 'gray-u1-48x64.npy'));
    const stream = Readable.from([npy]);
    // --compression applies to neither npy nor PNG: that notice comes once the input is open.
    await assert.rejects(convert(stream, join(dir, 'a.png'), { compression: 'lzw', onNotice: () => { throw 'stop'; } }), (e) => e === 'stop');
    assert.equal(stream.destroyed, true, 'the input stream is closed');
    const mine = new Error('progress store down');
    await assert.rejects(
      convert(join(process.cwd(), 'samples', 'npy', 'stack-f4-3x16x20.npy'), join(dir, 'p-%d.tif'), { range: '0,1', onProgress: async () => { throw mine; } }),
      (e) => e === mine,
    );
    // Its rejection came in before page 1 was committed: no page file, no temp file.
    assert.deepEqual(await readdir(dir), []);
  });
});

test('options are read by key: an enumerable property a library added to Object.prototype is not an option; non-enumerable own options and Proxies are read and checked', async () => {
  const bytes = new Uint8Array(36);
  const proto = Object.prototype as Record<string, unknown>;
  proto['polyfilledHelper'] = () => undefined;
  try {
    assert.equal(((await describe(bytes, { ...RAW })) as { pages: unknown[] }).pages.length, 1);
  } finally {
    delete proto['polyfilledHelper'];
  }
  const hidden = Object.defineProperty({ width: 4, height: 3 }, 'layout', { value: 'rgb', enumerable: false });
  assert.equal(((await describe(bytes, hidden)) as { pages: unknown[] }).pages.length, 1, 'non-enumerable layout used (else gray: 3 pages)');
  await refused(call.describe(bytes, Object.defineProperty({ ...RAW }, 'planar', { value: 'yes', enumerable: false })), 'planar', /must be true or false/);
  const settings: Record<string, unknown> = { ...RAW };
  const proxy = new Proxy({}, { get: (_t, k) => settings[k as string] });
  assert.equal(((await describe(bytes, proxy)) as { pages: unknown[] }).pages.length, 1, 'a Proxy with a get trap only');
});

test('a stream given as input is destroyed when the call fails, also before anything was read', async () => {
  const stream = Readable.from([new Uint8Array(36)]);
  await refused(call.convert(stream, NOWHERE, { ...RAW, range: 'x' }), 'range', /--range/);
  assert.equal(stream.destroyed, true);
  const other = Readable.from([new Uint8Array(36)]);
  await refused(call.describe(other, { ...RAW, compresion: 1 }), 'compresion', /unknown option/);
  assert.equal(other.destroyed, true);
});

test('a callback failure that arrives while the encoder finishes its file (after the last band) still removes the temp file', async () => {
  await withTempDir('r2i-callback-', async (dir) => {
    const mine = new Error('late');
    const height = 64;
    // On the last band, a thenable whose rejection comes a turn of the event loop later: while
    // the TIFF writer writes its IFD, before the output would be committed.
    const onProgress = (p: { rowsDone: number }) =>
      p.rowsDone === height ? { then: (_ok: unknown, fail: (e: unknown) => void) => void setImmediate(() => fail(mine)) } : undefined;
    await assert.rejects(convert(new Uint8Array(4 * height * 3), join(dir, 'out.tif'), { width: 4, height, layout: 'rgb', onProgress }), (e) => e === mine);
    assert.deepEqual(await readdir(dir), []);
  });
});

test('errors name the input: <buffer> for bytes, <stream> for a stream of the caller (not <stdin>)', () =>
  withTempDir('r2i-api-', async (dir) => {
    const short = new Uint8Array(11); // one 4×1 RGB row needs 12 bytes
    const raw = { width: 4, height: 1, layout: 'rgb' } as const;
    for (const [input, name] of [
      [short, '<buffer>'],
      [Readable.from([Buffer.from(short)]), '<stream>'],
    ] as const) {
      await assert.rejects(convert(input, join(dir, 'x.tif'), raw), (e: unknown) => {
        assert.ok(e instanceof RasterError, String(e));
        assert.ok(e.message.startsWith(`${name}: `), e.message);
        return true;
      });
    }
    assert.deepEqual(await readdir(dir), []);
  }));

test('an error message is one line whatever the file name holds, and bounded in length', () => {
  const e = new RasterError('E_TRUNCATED', `input ends early \u001b[2J${'x'.repeat(5000)}`, { file: 'a\nb\r.raw', page: 2, offset: 9 });
  assert.ok(e.message.startsWith('a\\nb\\r.raw: page 2: byte 9: input ends early \\x1b[2J'), e.message.slice(0, 80));
  assert.ok(e.message.length <= 1000);
  assert.equal(e.detail.slice(0, 17), 'input ends early ', 'the detail itself is kept as it was');
});

test('onProgress says how many pages the input has when that is known before reading (an .npy stack), and not otherwise', () =>
  withTempDir('r2i-api-', async (dir) => {
    const seen: { page: number; pages?: number }[] = [];
    await convert(join(process.cwd(), 'samples', 'npy', 'stack-f4-3x16x20.npy'), join(dir, 'p-%d.tif'), { onProgress: (p) => void seen.push(p) });
    assert.deepEqual([...new Set(seen.map((p) => `${p.page}/${p.pages}`))], ['1/3', '2/3', '3/3']);
    const stream: { pages?: number }[] = [];
    await convert(Readable.from([Buffer.alloc(36)]), join(dir, 's.tif'), { width: 4, height: 3, layout: 'rgb', onProgress: (p) => void stream.push(p) });
    assert.ok(stream.length > 0 && stream.every((p) => p.pages === undefined));
  }));

test('describeEach gives the head, then each page as it is read, and destroys a stream input left unread', async () => {
  const bytes = new Uint8Array(36 * 3); // three 4×3 RGB pages
  const parts = [];
  for await (const part of describeEach(bytes, RAW)) parts.push(Object.keys(part)[0]);
  assert.deepEqual(parts, ['head', 'page', 'page', 'page']);
  const collected = await describe(bytes, RAW);
  assert.equal((collected['pages'] as unknown[]).length, 3);

  const stream = Readable.from([Buffer.alloc(36), Buffer.alloc(36), Buffer.alloc(36)]);
  for await (const part of describeEach(stream, RAW)) if ('page' in part) break;
  assert.ok(stream.destroyed, 'the loop ended early, so the call closed its input');
  // Refused before the input is opened: the stream is the call's all the same.
  const unread = new PassThrough();
  await refused(
    (async () => {
      for await (const _ of describeEach(unread, { ...RAW, bogus: 1 } as never)) void _;
    })(),
    'bogus',
    /unknown option "bogus"/,
  );
  assert.ok(unread.destroyed, 'a refused call destroys the stream it was given');
  await refused(
    (async () => {
      for await (const _ of describeEach(bytes, { ...RAW, page: 4 })) void _;
    })(),
    'page',
    /--page 4 asked for, but the input has 3 pages/,
  );
});
