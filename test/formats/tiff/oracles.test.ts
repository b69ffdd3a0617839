/**
 * Independent readers on a matrix of files: every layout × every compression × both byte orders ×
 * classic and forced BigTIFF, plus the floating-point predictor and multi-page files.
 * - libtiff: `tiffinfo -D` (reads every strip) reports no error or warning; `tiffcmp -t` finds
 *   the deflate/LZW/PackBits files equal, scanline for scanline, to the uncompressed one (-t:
 *   without it tiffcmp stops at the first tag that differs, such as Compression, and compares no
 *   data at all);
 * - tifffile (Debian's python3): every sample equal to what was written, for the codecs it has
 *   without imagecodecs (none, deflate, PackBits, horizontal predictor); LZW and the float
 *   predictor are checked through libtiff's own decoding (`tiffcp -c none`) read by tifffile;
 * - libvips: reads them, and its average matches ours where it keeps sample values as they are.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BitsPerSample, ByteOrder, ColorModel, PixelLayout, SampleFormat } from '../../../src/model.js';
import type { Options } from '../../../src/plugin.js';
import { encodeToFile } from '../../helpers/pages.js';
import { SYSTEM_PYTHON, hasCommand, hasPythonModules, requireTool } from '../../helpers/tools.js';
import { canonicalSamples, finitePixels, firstDifference, readers, sampleValues, tempDir, tunedEncoder, type TestPage } from './tiff-test-kit.js';

interface Variant {
  file: string;
  pages: TestPage[];
  compression: string;
  bigtiff: boolean;
  /** The uncompressed file with the same pages and variant, for tiffcmp. */
  reference?: string;
  /** Codecs tifffile cannot decode without imagecodecs. */
  needsLibtiff: boolean;
  /** 2- and 4-bit samples: tifffile unpacks them only with imagecodecs. */
  packedSamples: boolean;
}

type Shape = [name: string, colorModel: ColorModel, channels: number, alpha: boolean, bits: BitsPerSample, format: SampleFormat, minIsWhite?: boolean];
const SHAPES: Shape[] = [
  ['bilevel-miniswhite', 'gray', 1, false, 1, 'uint', true],
  ['bilevel', 'gray', 1, false, 1, 'uint'],
  ['gray2', 'gray', 1, false, 2, 'uint'],
  ['gray4-miniswhite', 'gray', 1, false, 4, 'uint', true],
  ['gray8', 'gray', 1, false, 8, 'uint'],
  ['gray8-signed', 'gray', 1, false, 8, 'int'],
  ['gray16', 'gray', 1, false, 16, 'uint'],
  ['gray16-signed', 'gray', 1, false, 16, 'int'],
  ['gray-float', 'gray', 1, false, 32, 'float'],
  ['gray-alpha8', 'gray', 2, true, 8, 'uint'],
  ['rgb8', 'rgb', 3, false, 8, 'uint'],
  ['rgb16', 'rgb', 3, false, 16, 'uint'],
  ['rgba8', 'rgb', 4, true, 8, 'uint'],
  ['rgba16', 'rgb', 4, true, 16, 'uint'],
  ['rgb-float', 'rgb', 3, false, 32, 'float'],
  ['cmyk8', 'cmyk', 4, false, 8, 'uint'],
  ['cmyk16', 'cmyk', 4, false, 16, 'uint'],
  ['cmyk-alpha8', 'cmyk', 5, true, 8, 'uint'],
  ['lab8', 'lab', 3, false, 8, 'uint'],
  ['lab16', 'lab', 3, false, 16, 'uint'],
  ['device6', 'device', 6, false, 8, 'uint'],
  ['device2-alpha16', 'device', 3, true, 16, 'uint'],
];
const COMPRESSIONS = ['none', 'deflate', 'lzw', 'packbits'];

function page(s: Shape, byteOrder: ByteOrder, width: number, height: number, seed: number): TestPage {
  const [, colorModel, channels, alpha, bitsPerSample, sampleFormat, minIsWhite] = s;
  const layout: PixelLayout = { width, height, colorModel, channels, alpha, bitsPerSample, sampleFormat, byteOrder, ...(minIsWhite ? { minIsWhite } : {}) };
  return { layout, pixels: finitePixels(layout, seed), resolution: { x: 300, y: 150 } };
}

let work: ReturnType<typeof tempDir>;
const variants: Variant[] = [];

function run(cmd: string, args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/**
 * Run a shell loop over groups of `arity` arguments (one process for the lot: spawning from Node
 * once per file costs more than the tools themselves). The body sees them as $1 … $arity.
 */
function shellLoop(arity: number, body: string, args: string[]): string {
  const script = `while [ $# -gt 0 ]; do ${body}; shift ${arity}; done`;
  const r = spawnSync('sh', ['-c', script, 'sh', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

before(async () => {
  work = tempDir('tiff-oracles');
  const add = async (name: string, pages: TestPage[], compression: string, bigtiff: boolean, extra: Options = {}, uncompressedName = name) => {
    const file = join(work.dir, `${name}-${compression}${bigtiff ? '-big' : ''}.tif`);
    // Small strips (several per page), and the worker pool for every other file.
    const encoder = tunedEncoder({ stripBytes: 300, parallelMinStrips: variants.length % 2 ? 2 : Infinity });
    await encodeToFile(encoder, file, readers(pages), { compression, bigtiff, ...extra }, 5);
    const needsLibtiff = compression === 'lzw' || extra['predictor'] === 'float';
    const reference = compression === 'none' ? undefined : join(work.dir, `${uncompressedName}-none${bigtiff ? '-big' : ''}.tif`);
    const packedSamples = pages.some((p) => p.layout.bitsPerSample === 2 || p.layout.bitsPerSample === 4);
    variants.push({ file, pages, compression, bigtiff, needsLibtiff, packedSamples, ...(reference ? { reference } : {}) });
  };
  let seed = 1;
  for (const bigtiff of [false, true]) {
    // BigTIFF only changes the IFDs, the same whatever the layout: a third of the shapes will do.
    for (const [i, s] of SHAPES.entries()) {
      if (bigtiff && i % 3 !== 0) continue;
      const orders: ByteOrder[] = s[4] > 8 ? ['le', 'be'] : [i % 2 === 0 ? 'le' : 'be'];
      for (const order of orders) {
        const pages = [page(s, order, 37, 23, seed++)];
        for (const c of COMPRESSIONS) await add(`${s[0]}-${order}`, pages, c, bigtiff);
        if (s[5] === 'float')
          for (const c of ['deflate', 'lzw']) await add(`${s[0]}-${order}-fpred`, pages, c, bigtiff, { predictor: 'float' }, `${s[0]}-${order}`);
      }
    }
    // Three pages of different layouts; the second is big-endian, the file's order is the first's.
    const multi = [page(SHAPES[10]!, 'le', 41, 19, seed++), page(SHAPES[6]!, 'be', 13, 30, seed++), page(SHAPES[0]!, 'le', 70, 9, seed++)];
    for (const c of COMPRESSIONS) await add('multipage', multi, c, bigtiff);
  }
});

after(() => work?.cleanup());

test('tiffinfo -D reads every file and every strip without an error or a warning', (t) => {
  if (!requireTool(t, hasCommand('tiffinfo'), 'tiffinfo (libtiff-tools)')) return;
  // One run for all files; its messages do not always name the file, so a failure is narrowed
  // down file by file.
  const all = run('tiffinfo', ['-D', ...variants.map((v) => v.file)]);
  const failures: string[] = [];
  if (all.status !== 0 || all.err !== '')
    for (const v of variants) {
      const r = run('tiffinfo', ['-D', v.file]);
      if (r.status !== 0 || r.err !== '') failures.push(`${v.file}: exit ${r.status}: ${r.err.trim()}`);
    }
  const sections = all.out.split(/^File (.*):$/m);
  variants.forEach((v, k) => {
    assert.equal(sections[1 + 2 * k], v.file);
    const dirs = sections[2 + 2 * k]!.match(/^TIFF Directory at offset/gm)?.length ?? 0;
    if (dirs !== v.pages.length) failures.push(`${v.file}: ${dirs} directories, expected ${v.pages.length}`);
  });
  assert.deepEqual(failures, []);
  assert.ok(variants.length > 150, `only ${variants.length} files were made`);
});

test('tiffinfo sees the tags each layout calls for', (t) => {
  if (!requireTool(t, hasCommand('tiffinfo'), 'tiffinfo (libtiff-tools)')) return;
  const pick = (name: string) => {
    const v = variants.find((x) => x.file.endsWith(`/${name}.tif`));
    assert.ok(v, `no file ${name}.tif`);
    return v;
  };
  const info = (name: string) => run('tiffinfo', [pick(name).file]).out;
  assert.match(info('bilevel-miniswhite-le-none'), /Photometric Interpretation: min-is-white/);
  assert.match(info('bilevel-be-none'), /Photometric Interpretation: min-is-black/);
  assert.match(info('cmyk8-be-lzw'), /Photometric Interpretation: separated[\s\S]*InkSet: 1/);
  assert.match(info('device6-le-none'), /Extra Samples: 2<unspecified, unspecified>[\s\S]*NumberOfInks: 6[\s\S]*InkSet: 2/);
  assert.match(info('rgba16-be-deflate'), /Extra Samples: 1<unassoc-alpha>/);
  assert.match(info('lab8-le-none'), /Photometric Interpretation: CIE L\*a\*b\*/);
  assert.match(info('gray-float-le-fpred-lzw'), /Sample Format: IEEE floating point[\s\S]*Predictor: floating point predictor 3/);
  assert.match(info('gray16-signed-be-none'), /Sample Format: signed integer/);
  assert.match(info('rgb8-le-deflate'), /Resolution: 300, 150 pixels\/inch[\s\S]*Software: raster2img[\s\S]*Predictor: horizontal differencing 2/);
  assert.match(info('multipage-packbits'), /Page Number: 0-3[\s\S]*Page Number: 1-3[\s\S]*Page Number: 2-3/);
  assert.match(info('rgb16-be-none'), /^TIFF Directory/m);
  assert.equal(readFileSync(pick('rgb16-be-none').file).toString('latin1', 0, 2), 'MM');
  assert.equal(readFileSync(pick('gray16-le-none-big').file).readUInt16LE(2), 43, 'BigTIFF version');
});

test('tiffcmp -t finds every compressed file equal to the uncompressed one', (t) => {
  if (!requireTool(t, hasCommand('tiffcmp'), 'tiffcmp (libtiff-tools)')) return;
  // -t still lists the tags that differ (Compression, Predictor), then compares every scanline;
  // a difference in the data makes it print "Scanline …" and exit 1.
  const pairs = variants.filter((v) => v.reference).flatMap((v) => [v.reference!, v.file]);
  const out = shellLoop(2, 'r=$(tiffcmp -t "$1" "$2" 2>&1) || echo "$2: exit $?: $r"', pairs);
  assert.equal(out, '');
  assert.ok(pairs.length / 2 > 120, `only ${pairs.length / 2} pairs`);
});

test('tiffcmp -t does notice a changed sample (the check above can fail)', (t) => {
  if (!requireTool(t, hasCommand('tiffcmp'), 'tiffcmp (libtiff-tools)')) return;
  const v = variants.find((x) => x.file.endsWith('/rgb8-le-lzw.tif'))!;
  const bad = join(work.dir, 'changed.tif');
  const bytes = readFileSync(v.reference!);
  const at = 16 + 100; // a sample in the first strip (strips start right after the 16 header bytes)
  bytes[at] = bytes[at]! ^ 1;
  writeFileSync(bad, bytes);
  assert.notEqual(run('tiffcmp', ['-t', bad, v.file]).status, 0);
});

/** Read every page of every file with tifffile; each page's samples go to <file>.<page>.bin. */
const TIFFFILE_DUMP = `
import json, sys, numpy, tifffile
out = []
for path in sys.argv[1:]:
    with tifffile.TiffFile(path) as tif:
        pages = []
        for i, page in enumerate(tif.pages):
            a = numpy.ascontiguousarray(page.asarray())
            if a.dtype == numpy.bool_:
                a = a.astype(numpy.uint8)
            a = a.astype(a.dtype.newbyteorder('<'))
            a.tofile(f'{path}.{i}.bin')
            pages.append({'shape': list(a.shape), 'dtype': str(a.dtype)})
        out.append({'path': path, 'bigtiff': tif.is_bigtiff, 'pages': pages})
print(json.dumps(out))
`;

test('tifffile reads every sample as written (LZW and float predictor through libtiff; not 2/4-bit)', (t) => {
  if (!requireTool(t, hasPythonModules('numpy', 'tifffile'), 'python3 with numpy and tifffile')) return;
  if (!requireTool(t, hasCommand('tiffcp'), 'tiffcp (libtiff-tools)')) return;
  // LZW and Predictor 3 need imagecodecs in tifffile: let libtiff decompress those first.
  const readable = variants.filter((v) => !v.packedSamples);
  const plain = (v: Variant) => (v.needsLibtiff ? `${v.file}.libtiff-none.tif` : v.file);
  const viaLibtiff = readable.filter((v) => v.needsLibtiff).flatMap((v) => [v.file, plain(v)]);
  assert.equal(shellLoop(2, 'tiffcp -c none "$1" "$2" || echo "$1: tiffcp failed"', viaLibtiff), '');
  const paths = readable.map(plain);
  const r = spawnSync(SYSTEM_PYTHON, ['-c', TIFFFILE_DUMP, ...paths], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const read = JSON.parse(r.stdout) as { path: string; bigtiff: boolean; pages: { shape: number[]; dtype: string }[] }[];
  const failures: string[] = [];
  readable.forEach((v, k) => {
    const got = read[k]!;
    if (!v.needsLibtiff && got.bigtiff !== v.bigtiff) failures.push(`${v.file}: bigtiff ${got.bigtiff}`);
    if (got.pages.length !== v.pages.length) failures.push(`${v.file}: ${got.pages.length} pages`);
    v.pages.forEach((p, i) => {
      const diff = firstDifference(readFileSync(`${got.path}.${i}.bin`), canonicalSamples(p.layout, p.pixels));
      if (diff) failures.push(`${v.file} page ${i + 1} (${got.pages[i]?.dtype} ${got.pages[i]?.shape}): ${diff}`);
    });
  });
  assert.deepEqual(failures, []);
  assert.ok(readable.length > 120);
});

test('vips reads the files and averages the samples as we do', (t) => {
  if (!requireTool(t, hasCommand('vips'), 'vips (libvips-tools)')) return;
  // vips starts slowly: a sample of the matrix, in shapes whose samples it keeps as they are (it
  // converts bilevel, Lab and separated-with-alpha data); page 2 of the multi-page files.
  const names = [
    ...COMPRESSIONS.map((c) => `rgb8-le-${c}`),
    'gray16-be-lzw',
    'rgb-float-be-fpred-deflate',
    'rgb-float-le-none',
    'cmyk8-be-packbits',
    'gray8-signed-be-deflate',
    'gray16-signed-le-lzw',
    'rgba16-le-deflate',
    'gray16-le-deflate-big',
    'rgba8-le-lzw-big',
    'multipage-lzw',
    'multipage-none-big',
  ];
  const chosen = names.map((n) => {
    const v = variants.find((x) => x.file.endsWith(`/${n}.tif`));
    assert.ok(v, `no file ${n}.tif`);
    return v;
  });
  const pageOf = (v: Variant) => (v.pages.length > 1 ? 1 : 0);
  const out = shellLoop(2, 'vips avg "$1[page=$2]" 2>&1 || echo "failed"', chosen.flatMap((v) => [v.file, String(pageOf(v))]));
  const lines = out.trim().split('\n');
  assert.equal(lines.length, chosen.length, out);
  const failures: string[] = [];
  chosen.forEach((v, k) => {
    const p = v.pages[pageOf(v)]!;
    const values = sampleValues(p.layout, p.pixels);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const avg = Number(lines[k]);
    if (!(Math.abs(avg - mean) <= 1e-6 * Math.max(1, Math.abs(mean)))) failures.push(`${v.file}: vips avg ${lines[k]}, ours ${mean}`);
  });
  assert.deepEqual(failures, []);
});
