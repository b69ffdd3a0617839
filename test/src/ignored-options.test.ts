/**
 * Options that mean nothing for the conversion at hand are not dropped silently: a notice says
 * they were ignored (or, where they contradict the input's description, an error).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { convert, RasterError } from '../../src/index.js';
import { withTempDir } from '../helpers/temp-dir.js';

const RGB = { width: 4, height: 3, layout: 'rgb' } as const;
const rgbBytes = () => Uint8Array.from({ length: 36 }, (_, i) => i * 7);
const LEVEL_IGNORED = /^--level sets the zlib level of --compression deflate; ignored with --compression (none|lzw|packbits)$/;
const RANGE_IGNORED = /^--range .* needed no mapping; ignored$/;

test('--level with a TIFF compression other than deflate: a notice; with deflate or PNG, none', async () => {
  await withTempDir('r2i-ignored-', async (dir) => {
    for (const compression of [undefined, 'none', 'lzw', 'packbits'] as const) {
      const r = await convert(rgbBytes(), join(dir, `${compression}.tif`), { ...RGB, level: 9, ...(compression ? { compression } : {}) });
      assert.equal(r.notices.filter((n) => LEVEL_IGNORED.test(n)).length, 1, `${compression}: ${r.notices.join(' | ')}`);
    }
    const deflate = await convert(rgbBytes(), join(dir, 'd.tif'), { ...RGB, level: 9, compression: 'deflate' });
    const png = await convert(rgbBytes(), join(dir, 'p.png'), { ...RGB, level: 9 });
    assert.deepEqual([...deflate.notices, ...png.notices].filter((n) => /--level/.test(n)), []);
  });
});

test('--range on samples that need no mapping: a notice; on float samples it is used, with no notice', async () => {
  await withTempDir('r2i-ignored-', async (dir) => {
    const ints = await convert(rgbBytes(), join(dir, 'i.png'), { ...RGB, range: '0,1' });
    assert.equal(ints.notices.filter((n) => RANGE_IGNORED.test(n)).length, 1, ints.notices.join(' | '));
    // Float into TIFF stays float: the range is not used there either.
    const floats = new Uint8Array(new Float32Array(36).fill(0.5).buffer);
    const tiff = await convert(floats, join(dir, 'f.tif'), { ...RGB, depth: '32f', range: '0,1' });
    assert.equal(tiff.notices.filter((n) => RANGE_IGNORED.test(n)).length, 1, tiff.notices.join(' | '));
    const png = await convert(floats, join(dir, 'f.png'), { ...RGB, depth: '32f', range: '0,1' });
    assert.deepEqual(png.notices.filter((n) => RANGE_IGNORED.test(n)), []);
  });
});

test('stdin / stdout streams given while the input / output is a path: a notice each', async () => {
  await withTempDir('r2i-ignored-', async (dir) => {
    const stdin = Readable.from([]);
    const stdout = new PassThrough();
    const r = await convert(rgbBytes(), join(dir, 'a.png'), { ...RGB, stdin, stdout });
    assert.ok(r.notices.includes('the stdin stream is read only when the input is "-"; ignored'), r.notices.join(' | '));
    assert.ok(r.notices.includes('the stdout stream is written only when the output is "-"; ignored'), r.notices.join(' | '));
    const quiet = await convert('-', join(dir, 'b.png'), { ...RGB, stdin: Readable.from([Buffer.from(rgbBytes())]) });
    assert.deepEqual(quiet.notices.filter((n) => /stream/.test(n)), []);
  });
});

test('--min-is-white on colour raw input is E_BAD_OPTION (it describes gray samples); on gray it is taken', async () => {
  await withTempDir('r2i-ignored-', async (dir) => {
    for (const layout of ['rgb', 'rgba', 'cmyk', 'xrgb'] as const) {
      await assert.rejects(convert(new Uint8Array(48), join(dir, `${layout}.tif`), { width: 4, height: 3, layout, minIsWhite: true }), (e: unknown) => {
        assert.ok(e instanceof RasterError);
        assert.equal(e.code, 'E_BAD_OPTION');
        assert.equal(e.field, 'minIsWhite');
        assert.match(e.message, new RegExp(`--min-is-white describes gray samples \\(0 = white\\), not ${layout}`));
        return true;
      });
    }
    for (const [layout, bytes] of [['gray', 12], ['graya', 24]] as const) {
      const r = await convert(new Uint8Array(bytes), join(dir, `${layout}.tif`), { width: 4, height: 3, layout, minIsWhite: true });
      assert.equal(r.pages, 1);
    }
  });
});

test('raw geometry given for a file with a known signature (an .npy): read as raw, as asked, with a notice naming the format it looks like', async () => {
  const npy = await readFile(join(process.cwd(), 'samples', 'npy', 'gray-u1-48x64.npy'));
  const SIGNATURE = /^the input starts with the npy signature, but the options given select the raw decoder: read as raw data \(without them, or with --from npy, it is read as npy\)$/;
  await withTempDir('r2i-ignored-', async (dir) => {
    // Its 128-byte header skipped: the pixels, read as raw on purpose.
    const raw = await convert(npy, join(dir, 'a.tif'), { width: 48, height: 64, layout: 'gray', offset: 128 });
    assert.equal(raw.from, 'raw');
    assert.equal(raw.notices.filter((n) => SIGNATURE.test(n)).length, 1, raw.notices.join(' | '));
    const asNpy = await convert(npy, join(dir, 'b.tif'), {});
    assert.equal(asNpy.from, 'npy');
    const plain = await convert(rgbBytes(), join(dir, 'c.tif'), RGB);
    assert.deepEqual([...asNpy.notices, ...plain.notices].filter((n) => /signature/.test(n)), []);
  });
});

test('--endian on 1- to 8-bit raw samples: a notice; on 16-bit samples, none', async () => {
  await withTempDir('r2i-ignored-', async (dir) => {
    const ENDIAN_IGNORED = /^page 1: --endian orders the bytes of 16- and 32-bit samples; ignored with --depth (1|8)$/;
    for (const depth of ['1', '8'] as const) {
      const r = await convert(rgbBytes(), join(dir, `e${depth}.tif`), { width: 4, height: 3, depth, endian: 'big', ...(depth === '8' ? { layout: 'rgb' } : {}) });
      assert.equal(r.notices.filter((n) => ENDIAN_IGNORED.test(n)).length, 1, `${depth}: ${r.notices.join(' | ')}`);
    }
    const sixteen = await convert(rgbBytes(), join(dir, 'e16.tif'), { width: 2, height: 3, layout: 'rgb', depth: '16', endian: 'big' });
    assert.deepEqual(sixteen.notices.filter((n) => /--endian/.test(n)), []);
    const unset = await convert(rgbBytes(), join(dir, 'e.tif'), RGB);
    assert.deepEqual(unset.notices.filter((n) => /--endian/.test(n)), []);
  });
});

test('--level 1–9 with --png-strategy rle or huffman: a notice, and the same bytes at every level; 0 still stores', async () => {
  await withTempDir('r2i-ignored-', async (dir) => {
    const pixels = Uint8Array.from({ length: 64 * 48 * 3 }, (_, i) => (i * 31) ^ (i >> 7));
    const png = { width: 64, height: 48, layout: 'rgb' } as const;
    for (const pngStrategy of ['rle', 'huffman'] as const) {
      const files: Buffer[] = [];
      for (const level of [1, 9]) {
        const out = join(dir, `${pngStrategy}${level}.png`);
        const r = await convert(pixels, out, { ...png, pngStrategy, level });
        assert.deepEqual(r.notices.filter((n) => /^--level/.test(n)), [`--level ${level} makes no difference to --png-strategy ${pngStrategy}, which zlib runs the same at levels 1–9; ignored`]);
        files.push(await readFile(out));
      }
      assert.ok(files[0]!.equals(files[1]!), `${pngStrategy}: the same file at levels 1 and 9`);
      const stored = await convert(pixels, join(dir, `${pngStrategy}0.png`), { ...png, pngStrategy, level: 0 });
      assert.deepEqual(stored.notices.filter((n) => /^--level/.test(n)), []);
    }
    for (const pngStrategy of ['default', 'filtered', 'auto'] as const) {
      const r = await convert(pixels, join(dir, `${pngStrategy}.png`), { ...png, pngStrategy, level: 9 });
      assert.deepEqual(r.notices.filter((n) => /^--level/.test(n)), [], pngStrategy);
    }
  });
});
