/**
 * Rasters written by the filters CUPS print queues run (cups-filters' pdftoraster and gstoraster,
 * CUPS's own rastertopwg), checked against renders of the same page by tools that share their
 * renderer:
 *   - pdftoraster (Poppler's Splash) writes big-endian PWG raster (RaS2, "PwgRaster"); pdftoppm
 *     (the same Splash) renders the same PDF at the same resolution: RGB samples must be equal.
 *     (Its gray output uses a conversion of its own that pdftoppm -gray does not share, so gray is
 *     not compared.)
 *   - rastertopwg rewrites a Ghostscript CUPS raster job as PWG raster: both must decode to the
 *     same samples (the Ghostscript job is itself checked against Ghostscript's renders in
 *     ghostscript.test.ts).
 * The filters run as CUPS runs them: argv job-id user title copies options [file], output on stdout.
 * Last, the whole chain a print queue runs (cupsfilter: pdftopdf, then gstoraster) must give pages
 * that decode completely; its page placement (on US Letter, scaled) has no render to compare with.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { hasCommand, requireTool } from '../../helpers/tools.js';
import { decodeAll } from './decode.js';
import { TEST_PAGE_PS } from './test-page.js';

const FILTERS = '/usr/lib/cups/filter';
const dir = mkdtempSync(join(tmpdir(), 'cups-filters-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function filterReady(t: import('node:test').TestContext, name: string): boolean {
  return requireTool(t, existsSync(join(FILTERS, name)) && hasCommand('gs'), `cups-filters' ${name} and ghostscript`);
}

/** Run a CUPS filter on `file` with `options`; its stdout. No PPD: the filters then write PWG raster defaults. */
function runFilter(name: string, options: string, file: string): Buffer {
  return execFileSync(join(FILTERS, name), ['1', 'user', 'title', '1', options, file], {
    env: { ...process.env, PPD: '' },
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 26,
  });
}

let seq = 0;
function gsOut(device: string, args: string[], ext: string): string {
  const ps = join(dir, 'page.ps');
  if (!existsSync(ps)) writeFileSync(ps, TEST_PAGE_PS);
  const out = join(dir, `${device}-${++seq}.${ext}`);
  execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-r72', `-sDEVICE=${device}`, ...args, `-sOutputFile=${out}`, ps], { stdio: 'ignore' });
  return out;
}

test('pdftoraster (Poppler) RGB 8-bit, big-endian PWG raster = pdftoppm at 72 dpi, sample for sample', async (t) => {
  if (!filterReady(t, 'pdftoraster') || !requireTool(t, hasCommand('pdftoppm'), 'pdftoppm (poppler-utils)')) return;
  const pdf = gsOut('pdfwrite', [], 'pdf');
  const job = runFilter('pdftoraster', 'Resolution=72dpi ColorModel=RGB', pdf);
  assert.equal(job.subarray(0, 4).toString('latin1'), 'RaS2', 'big-endian v2');
  const pages = await decodeAll(new Uint8Array(job), 5);
  assert.equal(pages.length, 2);
  const prefix = join(dir, 'ppm');
  execFileSync('pdftoppm', ['-r', '72', '-png', pdf, prefix]);
  for (const [i, p] of pages.entries()) {
    assert.equal(p.info.layout.byteOrder, 'be');
    assert.equal((p.info.header as { pwg?: unknown }).pwg !== undefined, true, 'read as PWG raster');
    const ref = PNG.sync.read(readFileSync(`${prefix}-${i + 1}.png`));
    assert.deepEqual([p.info.layout.width, p.info.layout.height], [ref.width, ref.height]);
    const rgb = new Uint8Array(ref.width * ref.height * 3);
    for (let k = 0; k < ref.width * ref.height; k++) rgb.set(ref.data.subarray(k * 4, k * 4 + 3), k * 3);
    assert.ok(Buffer.from(p.pixels).equals(rgb), `page ${i + 1}: samples differ from pdftoppm's render`);
  }
});

for (const [space, bits, name] of [
  [18, 8, 'sGray 8-bit'],
  [19, 8, 'sRGB 8-bit'],
  [19, 16, 'sRGB 16-bit'],
  [6, 8, 'CMYK 8-bit'],
] as const) {
  test(`rastertopwg: a Ghostscript ${name} CUPS raster job and its PWG rewrite decode alike`, async (t) => {
    if (!filterReady(t, 'rastertopwg')) return;
    const cups = gsOut('cups', [`-dcupsColorSpace=${space}`, `-dcupsBitsPerColor=${bits}`], 'ras');
    const pwg = runFilter('rastertopwg', '', cups);
    assert.equal(pwg.subarray(0, 4).toString('latin1'), 'RaS2');
    const [a, b] = await Promise.all([decodeAll(cups, 5), decodeAll(new Uint8Array(pwg), 3)]);
    assert.equal(b.length, a.length);
    for (const [i, p] of b.entries()) {
      const q = a[i]!;
      assert.deepEqual({ ...p.info.layout, byteOrder: q.info.layout.byteOrder }, q.info.layout, `page ${i + 1} layout`);
      // PWG raster is big-endian; Ghostscript's job is in this machine's order: compare values.
      const same = bits === 16 && p.info.layout.byteOrder !== q.info.layout.byteOrder ? Buffer.from(q.pixels).swap16() : Buffer.from(q.pixels);
      assert.ok(Buffer.from(p.pixels).equals(same), `page ${i + 1}: samples differ`);
    }
  });
}

test('cupsfilter (pdftopdf → gstoraster, as a print queue runs them) writes PWG raster that decodes page by page', async (t) => {
  if (!filterReady(t, 'gstoraster') || !requireTool(t, hasCommand('cupsfilter'), 'cupsfilter (cups-client)')) return;
  const pdf = gsOut('pdfwrite', [], 'pdf');
  const job = execFileSync('cupsfilter', ['-m', 'image/pwg-raster', '-o', 'Resolution=72dpi', pdf], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 });
  const pages = await decodeAll(new Uint8Array(job), 16);
  assert.equal(pages.length, 2);
  for (const p of pages) {
    const { width, height, colorModel, bitsPerSample } = p.info.layout;
    assert.deepEqual([width, height, colorModel, bitsPerSample], [612, 792, 'rgb', 8], 'US Letter at 72 dpi, sRGB 8-bit');
    assert.equal(p.pixels.length, width * height * 3);
    assert.ok(p.pixels.some((v) => v < 128), 'the page has dark marks (its text and patches), not only paper');
  }
});
