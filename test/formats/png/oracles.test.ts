/**
 * Independent decoders read our PNGs: Pillow (its own zlib + unfiltering), libvips and pngcheck
 * (chunk structure, CRCs, zlib stream). Every image here is cut into several blocks compressed
 * on two workers, and into IDAT chunks of 500 bytes.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makePngEncoder } from '../../../formats/png/index.js';
import { PNG_FILTERS, PNG_STRATEGIES } from '../../../formats/png/options.js';
import { rowBytes, type BitsPerSample, type PixelLayout } from '../../../src/model.js';
import { encodeToFile, layout, memoryPage, pseudoRandomBytes } from '../../helpers/pages.js';
import { SYSTEM_PYTHON, hasCommand, hasPythonModules, requireTool, run } from '../../helpers/tools.js';
import { withTempDir } from '../../helpers/temp-dir.js';
import { samplesOf } from './png-helpers.js';

// Blocks of at most 4 bytes of rows: every image below is several blocks (at least one row each).
const encoder = makePngEncoder({ blockBytes: 4, workers: 2, idatBytes: 500 });

/** Pixels with smooth structure and some noise, all bits of every sample used. */
function pixelsFor(l: PixelLayout, seed: number): Uint8Array {
  const n = rowBytes(l) * l.height;
  const noise = pseudoRandomBytes(n, seed);
  const rb = rowBytes(l);
  return noise.map((v, i) => (i % rb) + Math.floor(i / rb) * 3 + (v & 0x0f));
}



/** Encode one page to dir/name.png with the options given. */
async function writePng(dir: string, name: string, l: PixelLayout, pixels: Uint8Array, options: Record<string, unknown> = {}, dpi?: number) {
  const path = join(dir, `${name}.png`);
  const info = dpi === undefined ? { layout: l } : { layout: l, resolution: { x: dpi, y: dpi * 2 } };
  await encodeToFile(encoder, path, [memoryPage(info, pixels)], options, 11);
  return path;
}

const PIL_CHECK = `
import json, sys
import numpy as np
from PIL import Image
out = []
for case in json.load(open(sys.argv[1])):
    im = Image.open(case['png'])
    a = np.asarray(im)
    if a.dtype == bool:
        a = a.astype(np.uint8)
    e = np.fromfile(case['expected'], dtype=case['dtype']).reshape(case['shape'])
    same = a.shape == e.shape and bool((a.astype(np.int64) == e.astype(np.int64)).all())
    out.append({'png': case['png'], 'mode': im.mode, 'same': same, 'dpi': im.info.get('dpi')})
print(json.dumps(out))
`;

test('Pillow reads a batch of our PNGs sample-exact, with the resolution from pHYs', async (t: TestContext) => {
  if (!requireTool(t, hasPythonModules('PIL', 'numpy'), 'python3 with PIL and numpy')) return;
  // The modes Pillow reads exactly: 1 (1-bit), L (2/4-bit, scaled to 0…255), I;16 (I before
  // Pillow 10), L, LA, RGB, RGBA. It reads 16-bit gray+alpha and RGB(A) as 8-bit: vips checks those.
  const cases: { kind: Partial<PixelLayout>; bits: BitsPerSample; modes: string[] }[] = [
    { kind: {}, bits: 1, modes: ['1'] },
    { kind: {}, bits: 2, modes: ['L'] },
    { kind: {}, bits: 4, modes: ['L'] },
    { kind: {}, bits: 8, modes: ['L'] },
    { kind: {}, bits: 16, modes: ['I;16', 'I'] },
    { kind: { channels: 2, alpha: true }, bits: 8, modes: ['LA'] },
    { kind: { channels: 3, colorModel: 'rgb' }, bits: 8, modes: ['RGB'] },
    { kind: { channels: 4, colorModel: 'rgb', alpha: true }, bits: 8, modes: ['RGBA'] },
  ];
  await withTempDir('raster2img-png-', async (dir) => {
    const manifest: { png: string; expected: string; dtype: string; shape: number[]; modes: string[]; dpi: number }[] = [];
    let i = 0;
    for (const c of cases)
      for (const width of [1, 13, 257]) {
        i++;
        const l = layout({ width, height: 37, bitsPerSample: c.bits, byteOrder: i % 2 ? 'le' : 'be', ...c.kind });
        const pixels = pixelsFor(l, i);
        const options = { pngFilter: PNG_FILTERS[i % PNG_FILTERS.length], pngStrategy: PNG_STRATEGIES[i % PNG_STRATEGIES.length], level: i % 10 };
        const png = await writePng(dir, `c${i}`, l, pixels, options, 72 + i);
        const max = (1 << c.bits) - 1;
        // Pillow scales 2- and 4-bit gray to 0…255; 1-bit comes back as 0/1 booleans.
        const scale = c.bits === 2 || c.bits === 4 ? 255 / max : 1;
        const expected = samplesOf(l, pixels).map((v) => Math.round(v * scale));
        const dtype = c.bits === 16 ? '<u2' : 'u1';
        const file = join(dir, `c${i}.expected`);
        await writeFile(file, c.bits === 16 ? new Uint8Array(Uint16Array.from(expected).buffer) : Uint8Array.from(expected));
        const shape = l.channels === 1 ? [l.height, l.width] : [l.height, l.width, l.channels];
        manifest.push({ png, expected: file, dtype, shape, modes: c.modes, dpi: 72 + i });
      }
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const results = JSON.parse(run(SYSTEM_PYTHON, ['-c', PIL_CHECK, join(dir, 'manifest.json')])) as { png: string; mode: string; same: boolean; dpi: [number, number] }[];
    assert.equal(results.length, manifest.length);
    results.forEach((r, k) => {
      const m = manifest[k]!;
      assert.ok(m.modes.includes(r.mode), `${r.png}: mode ${r.mode}, expected ${m.modes.join(' or ')}`);
      assert.ok(r.same, `${r.png} (${r.mode}): samples differ`);
      assert.ok(Math.abs(r.dpi[0] - m.dpi) < 0.02 && Math.abs(r.dpi[1] - 2 * m.dpi) < 0.02, `${r.png}: dpi ${r.dpi}, expected ${m.dpi}×${2 * m.dpi}`);
    });
  });
});

test('vips reads 1-bit gray and 16-bit gray+alpha / RGB / RGBA sample-exact', async (t: TestContext) => {
  if (!requireTool(t, hasCommand('vips'), 'vips (libvips-tools)')) return;
  await withTempDir('raster2img-png-', async (dir) => {
    const cases: Partial<PixelLayout>[] = [
      { bitsPerSample: 1 },
      { bitsPerSample: 16, channels: 2, alpha: true, byteOrder: 'be' },
      { bitsPerSample: 16, channels: 3, colorModel: 'rgb', byteOrder: 'le' },
      { bitsPerSample: 16, channels: 4, colorModel: 'rgb', alpha: true, byteOrder: 'be' },
    ];
    for (const [k, c] of cases.entries()) {
      const l = layout({ width: 301, height: 45, ...c });
      const pixels = pixelsFor(l, 100 + k);
      const png = await writePng(dir, `v${k}`, l, pixels, { pngFilter: 'adaptive', level: 6 });
      const raw = join(dir, `v${k}.raw`);
      run('vips', ['rawsave', png, raw]);
      const got = await readFile(raw);
      // vips gives 16-bit samples in machine order (little-endian here) and 1-bit ones as 0/255.
      const decoded = l.bitsPerSample === 16 ? Array.from(new Uint16Array(got.buffer, got.byteOffset, got.length / 2)) : Array.from(got);
      const expected = samplesOf(l, pixels).map((v) => (l.bitsPerSample === 1 ? v * 255 : v));
      assert.deepEqual(decoded, expected, `case ${k}: ${JSON.stringify(c)}`);
    }
  });
});

test('pngcheck finds no error in multi-block, multi-IDAT PNGs of every colour type', async (t: TestContext) => {
  if (!requireTool(t, hasCommand('pngcheck'), 'pngcheck')) return;
  await withTempDir('raster2img-png-', async (dir) => {
    const kinds: Partial<PixelLayout>[] = [
      { bitsPerSample: 1 },
      { bitsPerSample: 4 },
      { bitsPerSample: 16 },
      { channels: 2, alpha: true },
      { channels: 3, colorModel: 'rgb' },
      { channels: 4, colorModel: 'rgb', alpha: true, bitsPerSample: 16 },
    ];
    for (const [k, c] of kinds.entries()) {
      const l = layout({ width: 200, height: 60, ...c });
      const png = await writePng(dir, `p${k}`, l, pixelsFor(l, k), { level: k }, 300);
      const report = run('pngcheck', ['-v', png]);
      assert.match(report, /No errors detected/, report);
      assert.match(report, /chunk pHYs/, report);
      assert.ok((report.match(/chunk IDAT/g) ?? []).length > 1, `several IDAT chunks:\n${report}`);
    }
  });
});
