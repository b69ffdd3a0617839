/**
 * Header handling: versions, key rules, value types, and hostile headers. Every bad input must end
 * in a RasterError with the right code, the field and the byte offset, quickly and without
 * allocating from unchecked lengths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endianness } from 'node:os';
import { Readable } from 'node:stream';
import { RasterError } from '../../../src/errors.js';
import { ByteSource } from '../../../src/io/byte-source.js';
import { npyDecoder } from '../../../formats/npy/index.js';
import { MAX_HEADER_BYTES } from '../../../formats/npy/header.js';
import { decodeAll, headerDict, npyPreamble, rejectsWith } from './npy-files.js';

const PREAMBLE_V1 = 10; // magic 6 + version 2 + HEADER_LEN 2

/** A v1 file with this header text and `data` after it. */
const file = (text: string, data: Uint8Array = new Uint8Array(64), version: 1 | 2 | 3 = 1) => Buffer.concat([npyPreamble(text, version), data]);
const open = (bytes: Uint8Array) => npyDecoder.open(ByteSource.fromBytes(bytes, 'hostile.npy'), {});

/** Open must fail with `code`, naming `field` at the offset of `token` in the header text. */
async function failsAt(text: string, code: 'E_BAD_HEADER' | 'E_UNSUPPORTED' | 'E_LIMIT', field: string, token: string): Promise<void> {
  const e = await rejectsWith(open(file(text)), code);
  assert.equal(e.field, field, e.message);
  assert.equal(e.offset, PREAMBLE_V1 + text.indexOf(token), `offset of ${token} in ${text}: ${e.message}`);
  assert.equal(e.file, 'hostile.npy');
}

test('sniff recognises the magic only', () => {
  assert.equal(npyDecoder.magicBytes, 6);
  assert.ok(npyDecoder.sniff!(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])));
  assert.ok(!npyDecoder.sniff!(Buffer.from('\x93NUMPZ', 'latin1')));
  assert.ok(!npyDecoder.sniff!(Uint8Array.from([0x93, 0x4e, 0x55])));
});

test('keys in any order, double quotes, 16-byte alignment, no final newline and Python 2 longs are accepted', async () => {
  const text = `{"shape": (2L, 3L), "fortran_order": False, "descr": "|u1"}`;
  const raw = Buffer.from(text, 'latin1');
  // Old numpy (< 1.14) aligned the data to 16 bytes; any HEADER_LEN must work.
  const pre = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
  pre.writeUInt16LE(raw.length, 8);
  const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
  const { decoded, pages } = await decodeAll(Buffer.concat([pre, raw, data]));
  assert.deepEqual(decoded.header, { version: '1.0', descr: '|u1', fortran_order: false, shape: [2, 3], interpretation: '(H, W)' });
  assert.deepEqual([...pages[0]!.bytes], [...data]);
});

test('format 3.0 headers are UTF-8 and do not take the L suffix; 1.0 and 2.0 are latin1', async () => {
  const data = new Uint8Array(6);
  assert.equal((await decodeAll(file(headerDict('|u1', false, [2, 3]), data, 3))).pages.length, 1);
  const e = await rejectsWith(open(file(`{'descr': '|u1', 'fortran_order': False, 'shape': (2L, 3), }`, data, 3)), 'E_BAD_HEADER');
  assert.equal(e.field, 'shape');
  // 'é' in a descr: UTF-8 in 3.0 (two bytes), latin1 in 2.0; either way an unknown type string.
  for (const v of [2, 3] as const) {
    const bad = await rejectsWith(open(file(`{'descr': 'é', 'fortran_order': False, 'shape': (2, 3), }`, data, v)), 'E_BAD_HEADER');
    assert.match(bad.message, /descr 'é'/);
  }
});

test('magic and version', async () => {
  const e = await rejectsWith(open(Buffer.from('\x93NUMPX\x01\x00', 'latin1')), 'E_BAD_MAGIC');
  assert.equal(e.offset, 0);
  const pre = Buffer.from(npyPreamble(headerDict('|u1', false, [1, 1]), 1));
  pre[6] = 4;
  const v = await rejectsWith(open(Buffer.concat([pre, Buffer.alloc(1)])), 'E_UNSUPPORTED');
  assert.equal(v.field, 'version');
  assert.equal(v.offset, 6);
  assert.match(v.message, /version 4\.0/);
  await rejectsWith(open(Buffer.from('\x93NUMPY\x01', 'latin1')), 'E_TRUNCATED');
});

test('HEADER_LEN larger than the file, lying short, lying long, or beyond the limit', async () => {
  const text = headerDict('|u1', false, [2, 2]);
  const data = Uint8Array.from([7, 7, 7, 7]); // not whitespace, so that header text running into it is seen
  const trueLength = npyPreamble(text, 1).length - PREAMBLE_V1;
  const big = Buffer.concat([npyPreamble(text, 1, 60000), data]);
  const e = await rejectsWith(open(big), 'E_TRUNCATED');
  assert.equal(e.field, 'HEADER_LEN');
  assert.equal(e.offset, 8);
  assert.equal(e.expected, 60000);

  // Too short: the dict is cut inside the shape tuple.
  const short = await rejectsWith(open(Buffer.concat([npyPreamble(text, 1, text.indexOf('(2') + 2), data])), 'E_BAD_HEADER');
  assert.match(short.message, /end of the header/);
  // Too long: the data bytes are read as header text.
  const long = await rejectsWith(open(Buffer.concat([npyPreamble(text, 1, trueLength + 2), data])), 'E_BAD_HEADER');
  assert.match(long.message, /after the header literal/);
  assert.equal(long.offset, PREAMBLE_V1 + trueLength);

  // v2/v3: a 4 GiB HEADER_LEN on a stream is refused before anything is read or allocated.
  const huge = Buffer.from(npyPreamble(text, 2, 0xffffffff));
  let pulled = 0;
  const stream = Readable.from((function* () {
    pulled++;
    yield huge.subarray(0, 12);
    pulled++;
    yield huge.subarray(12);
  })());
  const l = await rejectsWith(npyDecoder.open(ByteSource.fromStream(stream), {}), 'E_LIMIT');
  assert.equal(l.field, 'HEADER_LEN');
  assert.equal(l.actual, 0xffffffff);
  assert.equal(l.expected, MAX_HEADER_BYTES);
  assert.ok(pulled <= 2);
});

test('keys: missing, extra, duplicated, not strings; the header must be a dict', async () => {
  await failsAt(`{'descr': '|u1', 'shape': (2, 2), }`, 'E_BAD_HEADER', 'fortran_order', '{');
  await failsAt(`{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), 'extra': 1}`, 'E_BAD_HEADER', 'header', `'extra'`);
  await failsAt(`{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), 'descr': '|u1'}`, 'E_BAD_HEADER', 'descr', `'descr': '|u1'}`);
  await failsAt(`{'descr': '|u1', 'fortran_order': False, 3: (2, 2)}`, 'E_BAD_HEADER', 'header', '3:');
  await failsAt(`[('descr', '|u1')]`, 'E_BAD_HEADER', 'header', '[');
});

test("shape: Python 3's other integer forms are read as numpy reads them (ast.literal_eval)", async () => {
  const d = await open(file(`{'descr': '|u1', 'fortran_order': False, 'shape': (0x2, 1_0), }`, new Uint8Array(20)));
  assert.deepEqual(d.header?.['shape'], [2, 10]);
});

test('shape: negative, zero, non-integer, list, huge', async () => {
  const h = (shape: string) => `{'descr': '|u1', 'fortran_order': False, 'shape': ${shape}, }`;
  await failsAt(h('(-5, 3)'), 'E_BAD_HEADER', 'shape', '-5');
  await failsAt(h('(5, 0)'), 'E_BAD_HEADER', 'shape', '0)');
  await failsAt(h('(5.0, 3)'), 'E_BAD_HEADER', 'shape', '5.0');
  await failsAt(h("('5', 3)"), 'E_BAD_HEADER', 'shape', "'5'");
  await failsAt(h('(None, 3)'), 'E_BAD_HEADER', 'shape', 'None');
  await failsAt(h('(True, 3)'), 'E_BAD_HEADER', 'shape', 'True');
  await failsAt(h('(010, 3)'), 'E_BAD_HEADER', 'shape', '010'); // a SyntaxError in Python 3
  await failsAt(h('[5, 3]'), 'E_BAD_HEADER', 'shape', '[5');
  await failsAt(h('(15)'), 'E_BAD_HEADER', 'shape', '15');
  await failsAt(h(`(${'9'.repeat(60000)}, 3)`), 'E_LIMIT', 'shape', '999');
  // Its digits are not kept: the message does not pretend to know them.
  assert.match((await rejectsWith(open(file(h(`(${'9'.repeat(60000)}, 3)`))), 'E_LIMIT')).message, /dimension ≥10\^40 is larger than 2\^53-1/);
  await failsAt(h('(9007199254740993, 1)'), 'E_LIMIT', 'shape', '9007199254740993');
  // Each side of an image is at most 2^31-1 (validateLayout), the whole array at most 2^53-1 bytes.
  await failsAt(h('(1, 3000000000)'), 'E_LIMIT', 'shape', '(1,');
  await failsAt(h('(4000000, 2000000000, 2000000000)'), 'E_LIMIT', 'shape', '(4000000');
});

test('shape: unsupported dimensionality and channel counts name the shape', async () => {
  const h = (shape: string) => `{'descr': '|u1', 'fortran_order': False, 'shape': ${shape}, }`;
  await failsAt(h('()'), 'E_UNSUPPORTED', 'shape', '()');
  await failsAt(h('(12,)'), 'E_UNSUPPORTED', 'shape', '(12,)');
  await failsAt(h('(1, 2, 3, 4, 5)'), 'E_UNSUPPORTED', 'shape', '(1, 2');
  await failsAt(h('(2, 3, 4, 7)'), 'E_UNSUPPORTED', 'shape', '(2, 3');
});

test('descr and fortran_order: wrong types, unknown strings, unsupported dtypes', async () => {
  const h = (descr: string, fortran = 'False') => `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': (2, 2), }`;
  await failsAt(h("'hello'"), 'E_BAD_HEADER', 'descr', "'hello'");
  await failsAt(h('5'), 'E_BAD_HEADER', 'descr', '5,');
  await failsAt(h("''"), 'E_BAD_HEADER', 'descr', "''");
  await failsAt(h("'B1'"), 'E_BAD_HEADER', 'descr', "'B1'");
  for (const d of ['<u4', '<i4', '<f8', '<f2', '<c8', '|O', '<U4', '|S3', '|V4', '<M8[s]', '<u8', 'd', '<i', 'e', 'Q'])
    await failsAt(h(`'${d}'`), 'E_UNSUPPORTED', 'descr', `'${d}'`);
  await failsAt(h("[('r', '|u1'), ('g', '|u1')]"), 'E_UNSUPPORTED', 'descr', '[(');
  await failsAt(h("('|u1', (3,))"), 'E_UNSUPPORTED', 'descr', "('|u1'");
  await failsAt(h("'|u1'", "'yes'"), 'E_BAD_HEADER', 'fortran_order', "'yes'");
  await failsAt(h("'|u1'", '1'), 'E_BAD_HEADER', 'fortran_order', '1,');
});

test('deeply nested and garbage headers fail fast at their offset', async () => {
  const nested = `{'descr': '|u1', 'fortran_order': False, 'shape': ${'('.repeat(60000)}`;
  const t0 = performance.now();
  const e = await rejectsWith(open(Buffer.concat([npyPreamble(nested, 1), Buffer.alloc(8)])), 'E_BAD_HEADER');
  assert.match(e.message, /nested deeper/);
  assert.ok(performance.now() - t0 < 1000);
  const garbage = Buffer.concat([npyPreamble(Buffer.from([0xfe, 0x00, 0x7b, 0x7b]), 1), Buffer.alloc(8)]);
  const g = await rejectsWith(open(garbage), 'E_BAD_HEADER');
  assert.equal(g.offset, PREAMBLE_V1);
  await failsAt(`{'descr': '|u1, 'fortran_order': False, 'shape': (2, 2), }`, 'E_BAD_HEADER', 'header', `fortran_order'`);
});

test('data shorter than the shape says: E_TRUNCATED with expected and actual bytes, found up front for a file', async () => {
  const text = headerDict('<u2', false, [3, 4]);
  const pre = npyPreamble(text, 1);
  const e = (await open(Buffer.concat([pre, Buffer.alloc(23)]))).damage;
  assert.ok(e instanceof RasterError && e.code === 'E_TRUNCATED', String(e));
  assert.equal(e.expected, 24);
  assert.equal(e.actual, 23);
  assert.equal(e.offset, pre.length + 23);
  assert.equal(e.page, 1);
  // A shape far beyond the data is the same error, not an allocation.
  const hugeShape = npyPreamble(headerDict('|u1', false, [100000, 100000, 3]), 1);
  const huge = (await open(Buffer.concat([hugeShape, Buffer.alloc(10)]))).damage;
  assert.equal(huge?.expected, 3e10);
});

test('a file cut short yields the pages up to the first one it cuts, then its damage (C order: that page; Fortran: page 1)', async () => {
  // Three 2×5 pages with 23 of their 30 bytes: page 3 is cut.
  for (const [fortran, yielded] of [[false, 3], [true, 1]] as const) {
    const pre = npyPreamble(headerDict('|u1', fortran, [3, 2, 5]), 1);
    const decoded = await open(Buffer.concat([pre, Buffer.alloc(23, 1)]));
    assert.equal(decoded.damage?.page, yielded);
    let seen = 0;
    const e = await rejectsWith(
      (async () => {
        for await (const _ of decoded.pages()) seen++;
      })(),
      'E_TRUNCATED',
    );
    assert.equal(e, decoded.damage);
    assert.equal(seen, yielded, `fortran_order ${fortran}`);
  }
});

test('data shorter than the shape on a stream: E_TRUNCATED at the byte where the input ends', async () => {
  // A stack of two 2×5 pages with 17 of its 20 bytes: the second row of page 2 is cut.
  const pre = npyPreamble(headerDict('|u1', false, [2, 2, 5]), 1);
  const bytes = Buffer.concat([pre, Buffer.alloc(17, 1)]);
  const src = ByteSource.fromStream(Readable.from([bytes.subarray(0, 30), bytes.subarray(30)]));
  const pages = (await npyDecoder.open(src, {})).pages()[Symbol.asyncIterator]();
  const buf = new Uint8Array(10);
  assert.equal(await (await pages.next()).value!.readRows(buf, 2), 2);
  const second = (await pages.next()).value!;
  assert.equal(await second.readRows(buf, 1), 1);
  const e = await rejectsWith(second.readRows(buf, 1), 'E_TRUNCATED');
  assert.equal(e.offset, bytes.length);
  assert.equal(e.page, 2);
});

test('bytes after the data are ignored as numpy.load ignores them, with a notice', async () => {
  const data = Uint8Array.from([1, 2, 3, 4]);
  const { pages } = await decodeAll(Buffer.concat([npyPreamble(headerDict('|u1', false, [2, 2]), 1), data, Buffer.from('trailing')]));
  assert.deepEqual([...pages[0]!.bytes], [...data]);
  assert.deepEqual(pages[0]!.info.notices, ['8 bytes after the array data ignored, as numpy.load does']);
});

test('descr spellings: native and not-applicable byte orders, the ? bool code, one-letter type codes', async () => {
  const native = endianness() === 'LE' ? 'le' : 'be';
  const cases: [string, string, number, string][] = [
    ['=u2', 'uint', 16, native],
    ['|u2', 'uint', 16, native], // numpy reads '|' on a wide type as native
    ['>f4', 'float', 32, 'be'],
    ['<u1', 'uint', 8, 'le'],
    ['>i1', 'int', 8, 'le'],
    ['?', 'uint', 1, 'le'],
    ['>b1', 'uint', 1, 'le'],
    // numpy's one-letter codes, which numpy.load takes as np.dtype does.
    ['|B', 'uint', 8, 'le'],
    ['b', 'int', 8, 'le'],
    ['<H', 'uint', 16, 'le'],
    ['>h', 'int', 16, 'be'],
    ['H', 'uint', 16, native],
    ['f', 'float', 32, native],
    ['>f', 'float', 32, 'be'],
  ];
  for (const [descr, format, bits, order] of cases) {
    const { pages } = await decodeAll(file(`{'descr': '${descr}', 'fortran_order': False, 'shape': (2, 2), }`, new Uint8Array(16)));
    const l = pages[0]!.info.layout;
    assert.deepEqual([l.sampleFormat, l.bitsPerSample, l.byteOrder], [format, bits, order], descr);
  }
});

test('strings from the header are quoted with their control characters escaped and cut short: one line, no terminal escapes', async () => {
  const cases = [
    `{'des\\ncr': '|u1', 'fortran_order': False, 'shape': (2, 2), }`,
    `{'descr': '<u4\\n\\x1b[31mRED', 'fortran_order': False, 'shape': (2, 2), }`,
    `{'descr': '|u1', 'fortran_order': 'x\\ry', 'shape': (2, 2), }`,
    `{'descr': '|u1', 'fortran_order': False, 'shape': (2, 'q\\nz'), }`,
    `{'descr': '${'\\x07'.repeat(100000)}', 'fortran_order': False, 'shape': (2, 2), }`,
  ];
  for (const text of cases) {
    const e = await open(file(text, new Uint8Array(64), 2)).then(
      () => assert.fail(`accepted: ${text.slice(0, 80)}`),
      (err: unknown) => err as RasterError,
    );
    assert.ok(e instanceof RasterError, String(e));
    assert.doesNotMatch(e.message, /[\x00-\x1f\x7f-\x9f]/, e.message.slice(0, 200));
    assert.ok(e.message.length < 400, `${e.message.length} characters`);
  }
});
