/**
 * The whole path users take, property-tested: random geometry (size, layout, depth, byte order,
 * header offset, row padding) → a raw dump or a numpy .npy file → convert() to PNG, TIFF or BMP →
 * read back by decoders we did not write → every sample equal to what was meant.
 *
 * In process: pngjs reads the PNGs, utif the TIFFs. Afterwards one Debian python3 run reads every
 * file again with PIL (PNG, BMP) and tifffile (TIFF), and libtiff's tiffinfo checks each TIFF.
 * Expected pixels are computed here from the sample values, independently of the decoders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pngjs from 'pngjs';
import UTIF from 'utif';
import { convert } from '../../src/index.js';
import { writeNpy } from '../formats/npy/npy-files.js';
import { pseudoRandomBytes } from '../helpers/pages.js';
import { SYSTEM_PYTHON, hasCommand, hasPythonModules, requireTool, run } from '../helpers/tools.js';

type Layout = 'gray' | 'graya' | 'rgb' | 'rgba' | 'bgr' | 'bgra' | 'xrgb';
/** For each stored layout: channel count stored, output channel ← stored index, output has alpha. */
const LAYOUTS: Record<Layout, { stored: number; pick: number[] }> = {
  gray: { stored: 1, pick: [0] },
  graya: { stored: 2, pick: [0, 1] },
  rgb: { stored: 3, pick: [0, 1, 2] },
  rgba: { stored: 4, pick: [0, 1, 2, 3] },
  bgr: { stored: 3, pick: [2, 1, 0] },
  bgra: { stored: 4, pick: [2, 1, 0, 3] },
  xrgb: { stored: 4, pick: [1, 2, 3] },
};

interface Case {
  width: number;
  height: number;
  layout: Layout;
  bits: 8 | 16;
  big: boolean;
  offset: number;
  pad: number;
  kind: 'raw' | 'npy';
  target: 'png' | 'tiff' | 'bmp';
  compression: 'none' | 'deflate' | 'lzw' | 'packbits';
  seed: number;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    width: fc.integer({ min: 1, max: 40 }),
    height: fc.integer({ min: 1, max: 12 }),
    layout: fc.constantFrom(...(Object.keys(LAYOUTS) as Layout[])),
    bits: fc.constantFrom(8 as const, 16 as const),
    big: fc.boolean(),
    offset: fc.integer({ min: 0, max: 30 }),
    pad: fc.integer({ min: 0, max: 3 }),
    kind: fc.constantFrom('raw' as const, 'npy' as const),
    target: fc.constantFrom('png' as const, 'tiff' as const, 'bmp' as const),
    compression: fc.constantFrom('none' as const, 'deflate' as const, 'lzw' as const, 'packbits' as const),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
  })
  // .npy holds interleaved gray/graya/rgb/rgba only, with no header offset or row padding.
  .map((c) => (c.kind === 'npy' ? { ...c, layout: (['gray', 'graya', 'rgb', 'rgba'] as const)[LAYOUTS[c.layout].stored - 1]!, offset: 0, pad: 0 } : c));

/** Sample values [y][x][stored channel], and the file bytes. */
function makeInput(c: Case): { file: Uint8Array; value: (y: number, x: number, s: number) => number } {
  const L = LAYOUTS[c.layout];
  const rnd = pseudoRandomBytes(c.width * c.height * L.stored * 2, c.seed);
  const value = (y: number, x: number, s: number) => {
    const i = ((y * c.width + x) * L.stored + s) * 2;
    return c.bits === 8 ? rnd[i]! : (rnd[i]! << 8) | rnd[i + 1]!;
  };
  const bytesPer = c.bits / 8;
  const rowBytes = c.width * L.stored * bytesPer;
  const pixels = new Uint8Array(c.height * (rowBytes + c.pad));
  const dv = new DataView(pixels.buffer);
  for (let y = 0; y < c.height; y++)
    for (let x = 0; x < c.width; x++)
      for (let s = 0; s < L.stored; s++) {
        const at = y * (rowBytes + c.pad) + (x * L.stored + s) * bytesPer;
        if (c.bits === 8) pixels[at] = value(y, x, s);
        else dv.setUint16(at, value(y, x, s), !c.big);
      }
  if (c.kind === 'npy') {
    const descr = c.bits === 8 ? '|u1' : c.big ? '>u2' : '<u2';
    const shape = L.stored === 1 ? [c.height, c.width] : [c.height, c.width, L.stored];
    return { file: writeNpy({ descr, fortran: false, shape, data: pixels, version: 1 }), value };
  }
  const file = new Uint8Array(c.offset + pixels.length).fill(0x5a, 0, c.offset);
  file.set(pixels, c.offset);
  return { file, value };
}

/** What a reader that expands everything to RGBA should see, at `bits` per sample. */
function expectedRgba(c: Case, value: (y: number, x: number, s: number) => number, bits: 8 | 16): number[] {
  const L = LAYOUTS[c.layout];
  const out: number[] = [];
  const max = bits === 8 ? 255 : 65535;
  const scale = (v: number) => (c.bits === bits ? v : bits === 8 ? Math.round(v / 257) : v * 257);
  for (let y = 0; y < c.height; y++)
    for (let x = 0; x < c.width; x++) {
      const ch = L.pick.map((s) => scale(value(y, x, s)));
      if (ch.length === 1) out.push(ch[0]!, ch[0]!, ch[0]!, max);
      else if (ch.length === 2) out.push(ch[0]!, ch[0]!, ch[0]!, ch[1]!);
      else if (ch.length === 3) out.push(ch[0]!, ch[1]!, ch[2]!, max);
      else out.push(...ch);
    }
  return out;
}

/** pngjs gives RGBA (16-bit: a Uint16Array with skipRescale). */
function pngjsRgba(bytes: Buffer): number[] {
  const png = pngjs.PNG.sync.read(bytes, { skipRescale: true });
  return Array.from(png.data as unknown as ArrayLike<number>);
}

/** utif's raw samples, expanded to RGBA. */
function utifRgba(bytes: Buffer, c: Case): number[] {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  const ifds = UTIF.decode(ab);
  const ifd = ifds[0]!;
  UTIF.decodeImage(ab, ifd);
  const spp = (ifd['t277'] as number[] | undefined)?.[0] ?? 1;
  const bps = (ifd['t258'] as number[] | undefined)?.[0] ?? 1;
  const le = true; // utif hands decoded 16-bit samples on little-endian, whatever the file order
  const data = ifd.data as Uint8Array;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const sample = (i: number) => (bps === 8 ? data[i]! : dv.getUint16(i * 2, le));
  const max = bps === 8 ? 255 : 65535;
  const out: number[] = [];
  for (let p = 0; p < c.width * c.height; p++) {
    const s = (k: number) => sample(p * spp + k);
    if (spp === 1) out.push(s(0), s(0), s(0), max);
    else if (spp === 2) out.push(s(0), s(0), s(0), s(1));
    else if (spp === 3) out.push(s(0), s(1), s(2), max);
    else out.push(s(0), s(1), s(2), s(3));
  }
  return out;
}

test('random raw and .npy inputs → PNG / TIFF / BMP → independent decoders give back every sample', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'r2i-e2e-'));
  const written: { path: string; expected: string; bits: number }[] = [];
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const { file, value } = makeInput(c);
        const id = n++;
        const inPath = join(dir, `in-${id}.${c.kind === 'npy' ? 'npy' : 'raw'}`);
        await writeFile(inPath, file);
        const ext = c.target === 'tiff' ? 'tif' : c.target;
        const out = join(dir, `out-${id}.${ext}`);
        const L = LAYOUTS[c.layout];
        const rawOptions =
          c.kind === 'raw'
            ? {
                width: c.width,
                height: c.height,
                layout: c.layout,
                depth: String(c.bits),
                endian: c.big ? 'big' : 'little',
                offset: c.offset,
                ...(c.pad > 0 ? { stride: c.width * L.stored * (c.bits / 8) + c.pad } : {}),
              }
            : {};
        await convert(inPath, out, { ...rawOptions, ...(c.target === 'tiff' ? { compression: c.compression } : {}) });
        const bytes = await readFile(out);
        const outBits: 8 | 16 = c.target === 'bmp' ? 8 : c.bits;
        const expected = expectedRgba(c, value, outBits);
        if (c.target === 'png') assert.deepEqual(pngjsRgba(bytes), expected);
        if (c.target === 'tiff') assert.deepEqual(utifRgba(bytes, c), expected);
        const exp = join(dir, `exp-${id}.bin`);
        await writeFile(exp, outBits === 8 ? Uint8Array.from(expected) : new Uint8Array(Uint16Array.from(expected).buffer));
        written.push({ path: out, expected: exp, bits: outBits });
      }),
      { numRuns: 120 },
    );

    // The second opinion, from Debian's python3: PIL for PNG and BMP, tifffile for TIFF.
    if (!requireTool(t, hasPythonModules('numpy', 'PIL', 'tifffile') && hasCommand('tiffcp'), 'python3 with numpy, PIL and tifffile, and tiffcp (Debian python3-numpy, python3-pil, python3-tifffile, libtiff-tools)')) return;
    const list = join(dir, 'list.txt');
    await writeFile(list, written.map((w) => `${w.path}\t${w.expected}\t${w.bits}`).join('\n'));
    const script = `
import sys, json, subprocess, numpy as np, tifffile
from PIL import Image
def rgba(a, mx):
    if a.ndim == 2: a = a[:, :, None]
    g = a[:, :, :1]
    full = np.full(a.shape[:2] + (1,), mx, a.dtype)
    return {1: np.concatenate([g, g, g, full], 2), 2: np.concatenate([g, g, g, a[:, :, 1:2]], 2),
            3: np.concatenate([a, full], 2), 4: a}[a.shape[2]]
checked, skipped, bad = 0, 0, []
for line in open(sys.argv[1]):
    path, exp, bits = line.rstrip('\\n').split('\\t')
    want = np.fromfile(exp, dtype=np.uint8 if bits == '8' else np.dtype('<u2'))
    if path.endswith('.tif'):
        try:
            a = tifffile.imread(path)
        except ValueError:
            # Debian's tifffile has no LZW codec (imagecodecs is not packaged): let libtiff's
            # tiffcp undo the compression, then read that.
            subprocess.run(['tiffcp', '-c', 'none', path, path + '.plain.tif'], check=True)
            a = tifffile.imread(path + '.plain.tif')
        got = rgba(a, 255 if bits == '8' else 65535)
    else:
        im = Image.open(path)
        if bits == '16':
            if im.mode not in ('I;16', 'I;16B', 'I'):
                skipped += 1  # PIL reduces 16-bit colour PNGs to 8 bits: pngjs checked them
                continue
            got = rgba(np.asarray(im).astype(np.uint16), 65535)
        else:
            got = np.asarray(im.convert('RGBA'))
    checked += 1
    if got.size != want.size or not np.array_equal(got.reshape(-1).astype(want.dtype), want):
        bad.append(path)
print(json.dumps({'checked': checked, 'skipped': skipped, 'bad': bad}))
`;
    const res = JSON.parse(run(SYSTEM_PYTHON, ['-c', script, list])) as { checked: number; skipped: number; bad: string[] };
    assert.deepEqual(res.bad, []);
    assert.ok(res.checked > written.length / 2, `python checked ${res.checked} of ${written.length}`);

    if (requireTool(t, hasCommand('tiffinfo'), 'libtiff-tools (tiffinfo)'))
      for (const w of written.filter((x) => x.path.endsWith('.tif'))) {
        const r = run('sh', ['-c', `tiffinfo -D "${w.path}" 2>&1 >/dev/null`]);
        assert.equal(r.trim(), '', `tiffinfo complains about ${w.path}: ${r}`);
      }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
