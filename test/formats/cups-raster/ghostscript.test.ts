/**
 * Decoded rows compared with Ghostscript's own renders of the same page at the same resolution.
 * Ghostscript's cups/pwgraster/urf devices and its png16m/pnggray/png48/pngmono/tiff32nc devices
 * share one colour pipeline and halftoner, so where a colour space is a plain encoding of the
 * same colours (RGB, gray, CMYK, K = 1 − gray, RGBW with W = 255) the samples must be identical;
 * banded and planar orders must give the same rows as chunked. Ghostscript is the independent
 * producer and the reference; our decoder is only ever on one side of a comparison.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { hasCommand, hasPythonModules, requireTool, SYSTEM_PYTHON } from '../../helpers/tools.js';
import { decodeAll } from './decode.js';
import { TEST_PAGE_PS } from './test-page.js';

const dir = mkdtempSync(join(tmpdir(), 'cups-gs-'));
const page = join(dir, 'page.ps');
writeFileSync(page, TEST_PAGE_PS);
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
const renders = new Map<string, string>();
/** Render the two-page test page at 72 dpi with a reference device (once); returns the path pattern. */
function gs(device: string, args: string[] = [], ext = 'out'): string {
  const have = renders.get(device);
  if (have) return have;
  const out = join(dir, `${device}-${++seq}-%d.${ext}`);
  renders.set(device, out);
  execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-r72', `-sDEVICE=${device}`, ...args, `-sOutputFile=${out}`, page], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return out;
}
/** A one-file device output (the raster devices write every page to one file). */
function gsJob(device: string, args: string[]): string {
  const out = join(dir, `${device}-${++seq}.ras`);
  execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-r72', `-sDEVICE=${device}`, ...args, `-sOutputFile=${out}`, page], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return out;
}

/** Samples of page n of a PNG render, `channels` of RGBA, 16-bit ones in `order`. */
function pngSamples(pattern: string, n: number, channels: number, order: 'le' | 'be' = 'be'): Uint8Array {
  const p = PNG.sync.read(readFileSync(pattern.replace('%d', String(n))), { skipRescale: true });
  const sixteen = p.data instanceof Uint16Array || (p as unknown as { depth: number }).depth === 16;
  const px = p.width * p.height;
  const out = new Uint8Array(px * channels * (sixteen ? 2 : 1));
  const d = p.data as unknown as ArrayLike<number>;
  for (let i = 0, o = 0; i < px; i++)
    for (let c = 0; c < channels; c++) {
      const v = d[i * 4 + c]!;
      if (!sixteen) out[o++] = v;
      else if (order === 'be') (out[o++] = v >> 8), (out[o++] = v & 0xff);
      else (out[o++] = v & 0xff), (out[o++] = v >> 8);
    }
  return out;
}

const gsReady = (t: import('node:test').TestContext) => requireTool(t, hasCommand('gs'), 'ghostscript (gs)');

interface Case {
  name: string;
  device?: string;
  args: string[];
  ref: string;
  channels: number;
  /** Transform the reference samples into what the decoder must deliver. */
  expect?: (ref: Uint8Array) => Uint8Array;
}

const cups = (space: number, bits: number, order = 0, extra: string[] = []) => [
  `-dcupsColorSpace=${space}`,
  `-dcupsBitsPerColor=${bits}`,
  `-dcupsColorOrder=${order}`,
  ...extra,
];
const invert = (r: Uint8Array) => r.map((v) => 255 - v);

const CASES: Case[] = [
  { name: 'RGB 8-bit chunked v3 = png16m', args: cups(1, 8), ref: 'png16m', channels: 3 },
  { name: 'RGB 8-bit chunked v2 (compressed) = png16m', args: cups(1, 8, 0, ['-dcupsRasterVersion=2']), ref: 'png16m', channels: 3 },
  { name: 'sRGB 8-bit = png16m', args: cups(19, 8), ref: 'png16m', channels: 3 },
  { name: 'AdobeRGB 8-bit = png16m', args: cups(20, 8), ref: 'png16m', channels: 3 },
  { name: 'RGB 8-bit banded = png16m', args: cups(1, 8, 1), ref: 'png16m', channels: 3 },
  { name: 'RGB 8-bit planar v2 = png16m', args: cups(1, 8, 2, ['-dcupsRasterVersion=2']), ref: 'png16m', channels: 3 },
  { name: 'RGB 8-bit planar v3 = png16m', args: cups(1, 8, 2), ref: 'png16m', channels: 3 },
  { name: 'RGBW 8-bit (W folded) = png16m', args: cups(17, 8), ref: 'png16m', channels: 3 },
  { name: 'W 8-bit = pnggray', args: cups(0, 8), ref: 'pnggray', channels: 1 },
  { name: 'sGray 8-bit v2 = pnggray', args: cups(18, 8, 0, ['-dcupsRasterVersion=2']), ref: 'pnggray', channels: 1 },
  { name: 'K 8-bit = 255 − pnggray (minIsWhite, delivered as stored)', args: cups(3, 8), ref: 'pnggray', channels: 1, expect: invert },
  { name: 'PWG raster sRGB 8-bit = png16m', device: 'pwgraster', args: cups(19, 8), ref: 'png16m', channels: 3 },
  { name: 'PWG raster sGray 8-bit = pnggray', device: 'pwgraster', args: cups(18, 8), ref: 'pnggray', channels: 1 },
  { name: 'URF sRGB 8-bit = png16m', device: 'urf', args: cups(19, 8), ref: 'png16m', channels: 3 },
  { name: 'URF sGray 8-bit = pnggray', device: 'urf', args: cups(18, 8), ref: 'pnggray', channels: 1 },
  { name: 'Apple raster (appleraster device) sRGB 8-bit = png16m', device: 'appleraster', args: cups(19, 8), ref: 'png16m', channels: 3 },
];

for (const c of CASES) {
  test(`gs ${c.name}`, async (t) => {
    if (!gsReady(t)) return;
    const job = gsJob(c.device ?? 'cups', c.args);
    const ref = gs(c.ref, [], 'png');
    const pages = await decodeAll(job, 5);
    assert.equal(pages.length, 2, 'the test page has two pages of different sizes');
    for (const [i, p] of pages.entries()) {
      const want = (c.expect ?? ((r) => r))(pngSamples(ref, i + 1, c.channels));
      assert.equal(p.info.layout.channels, c.channels);
      assert.deepEqual(p.info.resolution, { x: 72, y: 72 });
      assert.ok(Buffer.from(p.pixels).equals(want), `page ${i + 1}: decoded samples differ from gs ${c.ref}`);
    }
  });
}

test('gs CIELab and ICC1 16-bit: chunked, banded and planar decode alike, but for the last line Ghostscript leaves half-written when chunked', async (t) => {
  if (!gsReady(t)) return;
  for (const space of [16, 32]) {
    const job = (order: number) => decodeAll(gsJob('cups', cups(space, 16, order, order === 0 ? [] : ['-dcupsRasterVersion=2'])));
    const [chunked, banded, planar] = await Promise.all([job(0), job(1), job(2)]);
    for (const [i, p] of chunked.entries()) {
      const { width, height } = p.info.layout;
      const rb = width * 6;
      const tail = (height - 1) * rb + rb / 2; // the last line's second half (formats/cups-raster/README.md)
      assert.ok(Buffer.from(banded[i]!.pixels).equals(planar[i]!.pixels), `space ${space} page ${i + 1}: banded = planar`);
      assert.ok(Buffer.from(p.pixels.subarray(0, tail)).equals(banded[i]!.pixels.subarray(0, tail)), `space ${space} page ${i + 1}: chunked = banded before the stray bytes`);
    }
  }
});

test('gs CMY 8-bit = png16m by complement: page 1 exactly, page 2 within 1 (Ghostscript rounds its CMY separately)', async (t) => {
  if (!gsReady(t)) return;
  // Ghostscript's CMY device gets its values from the same colours as png16m but rounds them on
  // its own: on page 2 (the ramps) some stored magenta is 127 where png16m has green 127, i.e.
  // 255 − 127 = 128 after the complement that cupsColorSpace 4 means. Page 1 matches exactly, so a
  // decoding error could not hide behind the tolerance.
  const job = gsJob('cups', cups(4, 8));
  const ref = gs('png16m', [], 'png');
  const pages = await decodeAll(job, 5);
  for (const [i, p] of pages.entries()) {
    assert.equal(p.info.layout.colorModel, 'rgb');
    const want = pngSamples(ref, i + 1, 3);
    let worst = 0;
    for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(p.pixels[k]! - want[k]!));
    assert.ok(worst <= (i === 0 ? 0 : 1), `page ${i + 1}: samples differ by up to ${worst}`);
  }
});

for (const order of [0, 1, 2]) {
  test(`gs RGB 16-bit order ${order} = png48 (16-bit samples in the file's byte order)`, async (t) => {
    if (!gsReady(t)) return;
    const job = gsJob('cups', cups(1, 16, order, ['-dcupsRasterVersion=2']));
    const ref = gs('png48', [], 'png');
    const pages = await decodeAll(job, 3);
    for (const [i, p] of pages.entries()) {
      assert.equal(p.info.layout.bitsPerSample, 16);
      const want = pngSamples(ref, i + 1, 3, p.info.layout.byteOrder);
      assert.ok(Buffer.from(p.pixels).equals(want), `page ${i + 1} differs from png48`);
    }
  });
}

test('gs CMYK 8-bit = tiff32nc (read by tifffile)', async (t) => {
  if (!gsReady(t) || !requireTool(t, hasPythonModules('tifffile'), 'python3 tifffile')) return;
  const job = gsJob('cups', cups(6, 8, 0, ['-dcupsRasterVersion=2']));
  const ref = gs('tiff32nc', [], 'tif');
  const pages = await decodeAll(job);
  for (const [i, p] of pages.entries()) {
    const want = execFileSync(SYSTEM_PYTHON, ['-c', `import tifffile,sys;sys.stdout.buffer.write(tifffile.imread(sys.argv[1]).tobytes())`, ref.replace('%d', String(i + 1))], {
      maxBuffer: 1 << 26,
    });
    assert.equal(p.info.layout.colorModel, 'cmyk');
    assert.ok(Buffer.from(p.pixels).equals(want), `page ${i + 1} differs from tiff32nc`);
  }
});

test('gs K 1-bit (halftoned) = pngmono, bit for bit', async (t) => {
  if (!gsReady(t)) return;
  const job = gsJob('cups', cups(3, 1));
  const ref = gs('pngmono', [], 'png');
  const pages = await decodeAll(job);
  for (const [i, p] of pages.entries()) {
    const { width, height } = p.info.layout;
    assert.equal(p.info.layout.minIsWhite, true);
    const mono = pngSamples(ref, i + 1, 1);
    const rb = Math.ceil(width / 8);
    let diff = 0;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const ink = (p.pixels[y * rb + (x >> 3)]! >> (7 - (x & 7))) & 1;
        if ((ink === 1) !== (mono[y * width + x] === 0)) diff++;
      }
    assert.equal(diff, 0, `page ${i + 1}: ${diff} pixels differ from pngmono`);
  }
});

// Sub-byte depths have no same-depth PNG render to compare with; Ghostscript writes the same
// halftoned colours in chunked and planar order, so the two decodes must agree sample for sample.
for (const [space, bits] of [[1, 1], [1, 2], [6, 1], [6, 2], [3, 2], [3, 4], [6, 4]] as const) {
  test(`gs cupsColorSpace ${space} ${bits}-bit: chunked and planar decode identically`, async (t) => {
    if (!gsReady(t)) return;
    const [chunked, planar] = await Promise.all([
      decodeAll(gsJob('cups', cups(space, bits, 0))),
      decodeAll(gsJob('cups', cups(space, bits, 2, ['-dcupsRasterVersion=2']))),
    ]);
    for (const [i, p] of chunked.entries()) assert.ok(Buffer.from(p.pixels).equals(planar[i]!.pixels), `page ${i + 1}`);
  });
}

test("gs urf device's default 1-bit job: K (ink) data under URF's sGray label, decoded as libcups reads it (the complement of pngmono)", async (t) => {
  // Ghostscript's default for the urf device is cupsColorSpace 3 (K) at 1 bit. libcups writes the
  // Apple page header with a colour byte that has no K: every space but SRGB, RGBW, AdobeRGB, W,
  // RGB and CMYK becomes 0, sGray (cups/raster-stream.c, cupsRasterWriteHeader2, apple mode), and
  // its reader maps 0 back to CUPS_CSPACE_SW (0 = black). So the file says "white" where
  // Ghostscript put ink. We follow the reader: 1-bit sGray, not minIsWhite, bits as stored, which
  // makes the decoded image the exact complement of Ghostscript's own pngmono render.
  if (!gsReady(t)) return;
  const job = gsJob('urf', []);
  const ref = gs('pngmono', [], 'png');
  const pages = await decodeAll(job);
  assert.equal(pages.length, 2);
  for (const [i, p] of pages.entries()) {
    const { width, height, bitsPerSample, colorModel, minIsWhite } = p.info.layout;
    assert.deepEqual({ bitsPerSample, colorModel, minIsWhite: minIsWhite ?? false }, { bitsPerSample: 1, colorModel: 'gray', minIsWhite: false });
    const mono = pngSamples(ref, i + 1, 1);
    const rb = Math.ceil(width / 8);
    let same = 0;
    let ink = 0;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const bit = (p.pixels[y * rb + (x >> 3)]! >> (7 - (x & 7))) & 1;
        if (bit === 1) ink++;
        if ((bit === 1) === (mono[y * width + x] !== 0)) same++;
      }
    assert.ok(ink > 0 && ink < width * height, `page ${i + 1}: the page has both values`);
    assert.equal(same, 0, `page ${i + 1}: ${same} pixels equal pngmono instead of its complement`);
  }
});
