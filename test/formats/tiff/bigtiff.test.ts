/**
 * Classic TIFF or BigTIFF: the choice made from the final file size, the IFD bytes of both
 * variants, and real files whose strips lie beyond 4 GiB without writing 4 GiB: the test sink
 * leaves a hole (a sparse region) between the header and the strips.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { ByteSink, FileSink } from '../../../src/io/byte-sink.js';
import { CLASSIC_LIMIT, HEADER_BYTES, planIfds, writeIfd, writeIfds, type IfdEntry } from '../../../formats/tiff/ifd.js';
import { TYPE_LONG, TYPE_LONG8, TYPE_SHORT } from '../../../formats/tiff/tags.js';
import { tiffEncoder } from '../../../formats/tiff/index.js';
import { rowBytes } from '../../../src/model.js';
import { encodeToSink, layout } from '../../helpers/pages.js';
import { SYSTEM_PYTHON, hasCommand, hasPythonModules, requireTool } from '../../helpers/tools.js';
import { canonicalSamples, firstDifference, makePixels, readers, tempDir, type TestPage } from './tiff-test-kit.js';

// Classic: 2 (count) + 2 × 12 (entries) + 4 (next) + 12 (3 LONGs, more than the 4-byte field
// holds, out of line) = 42 bytes. BigTIFF: 8 + 2 × 20 + 8 = 56, + 12 out of line (more than the
// 8-byte field) = 68.
const ENTRIES: IfdEntry[] = [
  { tag: 256, type: TYPE_SHORT, values: [7] },
  { tag: 273, type: TYPE_LONG, values: [1, 2, 3] },
];
const CLASSIC_SIZE = 42;
const BIG_SIZE = 68;

const plain = (plan: { big: boolean; offsets: Float64Array; end: number }) => ({ ...plan, offsets: [...plan.offsets] });

test('classic TIFF while the whole file fits in 2^32 bytes, BigTIFF from one byte more', () => {
  const build = () => ENTRIES;
  assert.deepEqual(plain(planIfds(1, build, 1000, false)), { big: false, offsets: [1000], end: 1000 + CLASSIC_SIZE });
  const fits = CLASSIC_LIMIT - CLASSIC_SIZE;
  assert.deepEqual(plain(planIfds(1, build, fits, false)), { big: false, offsets: [fits], end: CLASSIC_LIMIT });
  // Two bytes more (IFDs start on an even offset): the IFD would end past 2^32.
  const past = fits + 2;
  assert.deepEqual(plain(planIfds(1, build, past, false)), { big: true, offsets: [past], end: past + BIG_SIZE });
  // Odd data end: the IFD moves to the next word (classic) or 8-byte boundary (BigTIFF).
  assert.deepEqual([...planIfds(1, build, 1001, false).offsets], [1002]);
  assert.deepEqual(plain(planIfds(1, build, 1001, true)), { big: true, offsets: [1008], end: 1008 + BIG_SIZE });
  // Several IFDs: each after the one before, on its boundary; past 2^32 only with the last.
  assert.deepEqual(plain(planIfds(3, build, 1001, false)), { big: false, offsets: [1002, 1044, 1086], end: 1128 });
  assert.equal(planIfds(3, build, CLASSIC_LIMIT - 3 * CLASSIC_SIZE, false).big, false);
  assert.equal(planIfds(3, build, CLASSIC_LIMIT - 3 * CLASSIC_SIZE + 2, false).big, true);
});

test('the entries are built for the variant chosen (LONG8 strip offsets in BigTIFF), one IFD at a time', () => {
  const seen: [number, boolean][] = [];
  const entriesOf = (i: number, big: boolean): IfdEntry[] => {
    seen.push([i, big]);
    return [{ tag: 273, type: big ? TYPE_LONG8 : TYPE_LONG, values: [CLASSIC_LIMIT - 10] }];
  };
  const plan = planIfds(2, entriesOf, CLASSIC_LIMIT - 10, false);
  // Classic stops at the first IFD that passes 2^32.
  assert.deepEqual(seen, [
    [0, false],
    [0, true],
    [1, true],
  ]);
  assert.equal(plan.big, true);
});

test('writeIfds writes every IFD where planned, with zero padding, in pieces of bounded size', async () => {
  // 5000 IFDs of 42 bytes from an odd data end: some 210 KB, and one IFD of 1.5 MB (a page of many
  // strips), larger than a piece.
  const big = (i: number): IfdEntry[] => (i === 2500 ? [{ tag: 273, type: TYPE_LONG, values: new Array<number>(400_000).fill(7) }] : ENTRIES);
  const dataEnd = 1001;
  const plan = planIfds(5000, big, dataEnd, false);
  const pieces: Uint8Array[] = [];
  await writeIfds(plan, big, dataEnd, true, async (bytes) => void pieces.push(bytes.slice()));
  assert.ok(pieces.every((p) => p.length <= 1_600_100), 'no piece much larger than the largest IFD');
  const file = Buffer.concat(pieces);
  assert.equal(dataEnd + file.length, plan.end);
  for (const i of [0, 1, 2499, 2500, 2501, 4999]) {
    const expected = new Uint8Array((i + 1 < 5000 ? plan.offsets[i + 1]! : plan.end) - plan.offsets[i]!);
    writeIfd(expected, plan.offsets[i]!, plan.offsets[i]!, big(i), i + 1 < 5000 ? plan.offsets[i + 1]! : 0, false, true);
    const at = plan.offsets[i]! - dataEnd;
    assert.deepEqual(file.subarray(at, at + expected.length), Buffer.from(expected), `IFD ${i}`);
  }
  assert.equal(file[0], 0, 'the padding before the first IFD');
});

test('a BigTIFF IFD holds 64-bit counts, offsets and LONG8 values beyond 2^32', () => {
  const at = 5 * 2 ** 32 + 8; // where the IFD sits in the file
  const values = [2 ** 32 + 16, 2 ** 40 + 3, 2 ** 52 + 1];
  const entries: IfdEntry[] = [
    { tag: 279, type: TYPE_LONG8, values: [1, 2, 3] },
    { tag: 273, type: TYPE_LONG8, values },
    { tag: 256, type: TYPE_LONG, values: [4000] },
  ];
  const buf = new Uint8Array(200);
  writeIfd(buf, at, at, entries, 2 ** 33, true, false);
  const dv = new DataView(buf.buffer);
  const u64 = (pos: number) => Number(dv.getBigUint64(pos, false));
  assert.equal(u64(0), 3, 'entry count');
  // Entries sorted by tag: 256, 273, 279; each 2 + 2 + 8 + 8 bytes.
  assert.deepEqual([dv.getUint16(8), dv.getUint16(10), u64(12), dv.getUint32(20)], [256, TYPE_LONG, 1, 4000]);
  assert.deepEqual([dv.getUint16(28), dv.getUint16(30), u64(32)], [273, TYPE_LONG8, 3]);
  assert.equal(u64(8 + 3 * 20), 2 ** 33, 'next IFD');
  const valuesAt = u64(40) - at;
  assert.equal((at + valuesAt) % 8, 0, 'out-of-line values are 8-byte aligned');
  assert.deepEqual([0, 1, 2].map((i) => u64(valuesAt + 8 * i)), values);
});

/** A file sink that leaves `gap` unwritten bytes after the header (a sparse hole). */
class GapSink extends ByteSink {
  readonly seekable = true;
  readonly name: string;
  private first = true;
  constructor(
    private readonly inner: FileSink,
    private readonly gap: number,
  ) {
    super();
    this.name = inner.name;
  }
  async write(data: Uint8Array): Promise<void> {
    const pos = this.position;
    this.position += data.length;
    await this.inner.writeAt(data, pos);
    if (this.first) {
      this.first = false;
      assert.equal(data.length, HEADER_BYTES, 'the first write is the reserved header');
      this.position += this.gap;
    }
  }
  writeAt(data: Uint8Array, pos: number): Promise<void> {
    return this.inner.writeAt(data, pos);
  }
  commit(): Promise<void> {
    return this.inner.commit();
  }
  abort(): Promise<void> {
    return this.inner.abort();
  }
}

const work = tempDir('tiff-bigtiff');
after(() => work.cleanup());

const READ_ALL = `
import json, sys, numpy, tifffile
with tifffile.TiffFile(sys.argv[1]) as tif:
    for i, page in enumerate(tif.pages):
        a = numpy.ascontiguousarray(page.asarray())
        a.astype(a.dtype.newbyteorder('<')).tofile(f'{sys.argv[1]}.{i}.bin')
    print(json.dumps({'bigtiff': tif.is_bigtiff, 'pages': len(tif.pages)}))
`;

async function writeWithGap(name: string, pages: TestPage[], gap: number, options = {}): Promise<string> {
  const path = join(work.dir, name);
  await encodeToSink(tiffEncoder, new GapSink(await FileSink.open(path), gap), readers(pages), options, 9);
  return path;
}

/** libtiff reads every strip without a complaint; tifffile reads the variant and every sample. */
function checkWithTools(t: TestContext, path: string, pages: TestPage[], big: boolean): void {
  if (requireTool(t, hasCommand('tiffinfo'), 'tiffinfo (libtiff-tools)')) {
    const r = spawnSync('tiffinfo', ['-D', path], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.match(/^TIFF Directory at offset/gm)?.length, pages.length);
  }
  if (requireTool(t, hasPythonModules('numpy', 'tifffile'), 'python3 with numpy and tifffile')) {
    const r = spawnSync(SYSTEM_PYTHON, ['-c', READ_ALL, path], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout) as { bigtiff: boolean; pages: number };
    assert.equal(info.bigtiff, big);
    assert.equal(info.pages, pages.length);
    pages.forEach((p, i) => {
      const diff = firstDifference(readFileSync(`${path}.${i}.bin`), canonicalSamples(p.layout, p.pixels));
      assert.equal(diff, '', `page ${i + 1}`);
    });
  }
}

const pages: TestPage[] = [
  (() => {
    const l = layout({ width: 300, height: 50, channels: 3, colorModel: 'rgb', bitsPerSample: 16, byteOrder: 'be' });
    return { layout: l, pixels: makePixels(l, 'smooth', 21) };
  })(),
  (() => {
    const l = layout({ width: 77, height: 9, bitsPerSample: 1, minIsWhite: true });
    return { layout: l, pixels: makePixels(l, 'runs', 22) };
  })(),
];
const dataBytes = pages.reduce((n, p) => n + rowBytes(p.layout) * p.layout.height, 0);

test('strips beyond 4 GiB make a BigTIFF by themselves, which libtiff and tifffile read', async (t) => {
  const path = await writeWithGap('beyond.tif', pages, 2 ** 32, { compression: 'packbits' });
  assert.equal(statSync(path).blocks * 512 < 64 * 1024 * 1024, true, 'the hole takes no disk space');
  checkWithTools(t, path, pages, true);
});

test('strips ending just below 4 GiB stay classic TIFF, offsets above 2^31 included', async (t) => {
  // The data ends about 1 KiB below 2^32, leaving room for both IFDs.
  const path = await writeWithGap('below.tif', pages, CLASSIC_LIMIT - HEADER_BYTES - dataBytes - 1024);
  assert.ok(statSync(path).size <= CLASSIC_LIMIT && statSync(path).size > CLASSIC_LIMIT - 2048);
  checkWithTools(t, path, pages, false);
});

test('strips ending a few bytes below 4 GiB leave no room for the IFDs: BigTIFF', async (t) => {
  const path = await writeWithGap('edge.tif', pages, CLASSIC_LIMIT - HEADER_BYTES - dataBytes - 8);
  assert.ok(statSync(path).size > CLASSIC_LIMIT);
  checkWithTools(t, path, pages, true);
});

test('--bigtiff forces BigTIFF on a small file', async (t) => {
  const path = await writeWithGap('forced.tif', pages, 0, { bigtiff: true, compression: 'deflate' });
  assert.deepEqual([...readFileSync(path).subarray(0, 8)], [0x4d, 0x4d, 0, 43, 0, 8, 0, 0]);
  checkWithTools(t, path, pages, true);
});
