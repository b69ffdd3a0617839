/**
 * The BMP writer's contract: plan (layouts, notices, E_UNSUPPORTED, E_LIMIT), missing or extra
 * rows, one page per file, and output through a stdout spool.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { bmpEncoder } from '../../../formats/bmp/index.js';
import { RasterError } from '../../../src/errors.js';
import { ByteSink, MemorySink } from '../../../src/io/byte-sink.js';
import type { PageInfo, PixelLayout } from '../../../src/model.js';
import type { PageReader } from '../../../src/plugin.js';
import { encodeToBuffer, encodeToFile, encodeToSink, layout, memoryPage, pseudoRandomBytes } from '../../helpers/pages.js';
import { inputRowBytes } from './expected.js';

const isCode = (code: string, ...inMessage: string[]) => (err: unknown) => {
  assert.ok(err instanceof RasterError, `expected a RasterError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  for (const s of inMessage) assert.ok(err.message.includes(s), `message "${err.message}" should mention "${s}"`);
  return true;
};

async function plan(info: PageInfo | PixelLayout) {
  const writer = await bmpEncoder.create(new MemorySink('<test>'), {});
  return writer.plan('layout' in info ? info : { layout: info });
}

/** A page that claims `height` rows but delivers only `delivered`. */
function shortPage(l: PixelLayout, delivered: number): PageReader {
  const page = memoryPage({ ...l, height: delivered }, pseudoRandomBytes(inputRowBytes(l) * delivered, 3));
  return { info: { layout: l }, readRows: (dst, max) => page.readRows(dst, max) };
}

describe('BMP writer', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'raster2img-bmp-writer-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('declares what the brief asks', () => {
    assert.equal(bmpEncoder.name, 'bmp');
    assert.deepEqual(bmpEncoder.extensions, ['.bmp', '.dib']);
    assert.equal(bmpEncoder.mimeType, 'image/bmp');
    assert.equal(bmpEncoder.multiPage, false);
    assert.equal(bmpEncoder.needsSeekableOutput, true);
  });

  it('plans gray sub-byte depths and minIsWhite as they are, everything else as 8-bit', async () => {
    const p2 = await plan(layout({ width: 4, height: 2, bitsPerSample: 2, minIsWhite: true }));
    assert.equal(p2.layout.bitsPerSample, 2);
    assert.equal(p2.layout.minIsWhite, true);
    assert.deepEqual(p2.notices, []);
    const ga = await plan(layout({ width: 4, height: 2, bitsPerSample: 16, channels: 2, alpha: true }));
    assert.deepEqual(
      [ga.layout.colorModel, ga.layout.channels, ga.layout.alpha, ga.layout.bitsPerSample, ga.layout.sampleFormat],
      ['rgb', 4, true, 8, 'uint'],
    );
  });

  it('gives the 16-bit notice word for word, and none for 8-bit', async () => {
    const n16 = await plan(layout({ width: 4, height: 2, bitsPerSample: 16, colorModel: 'rgb', channels: 3 }));
    assert.deepEqual(n16.notices, ['BMP holds 8 bits per sample: 16-bit samples scaled to 8 bits as round(v/257)']);
    assert.deepEqual((await plan(layout({ width: 4, height: 2, colorModel: 'rgb', channels: 3 }))).notices, []);
  });

  it('says when samples under 8 bits are widened (RGB, gray+alpha), not for gray palettes', async () => {
    const rgb4 = await plan(layout({ width: 4, height: 2, bitsPerSample: 4, colorModel: 'rgb', channels: 3 }));
    assert.equal(rgb4.layout.bitsPerSample, 8);
    assert.deepEqual(rgb4.notices, ['4-bit samples widened to 8 bits: BMP keeps samples under 8 bits (as palette indices) for gray without alpha only']);
    const ga1 = await plan(layout({ width: 4, height: 2, bitsPerSample: 1, channels: 2, alpha: true }));
    assert.ok(ga1.notices.some((n) => /^1-bit samples widened to 8 bits/.test(n)), ga1.notices.join(' | '));
    assert.deepEqual((await plan(layout({ width: 4, height: 2, bitsPerSample: 4 }))).notices, []);
  });

  it('says when a resolution cannot be stored', async () => {
    const l = layout({ width: 4, height: 2 });
    for (const x of [0, -300, Number.NaN, 1e12]) {
      const { notices } = await plan({ layout: l, resolution: { x, y: 300 } });
      assert.equal(notices.length, 1, `dpi ${x}`);
      assert.match(notices[0]!, /resolution left unknown/);
    }
  });

  it('refuses float samples without --range (E_BAD_OPTION from the converter)', async () => {
    const l = layout({ width: 2, height: 1, bitsPerSample: 32, sampleFormat: 'float' });
    await assert.rejects(encodeToBuffer(bmpEncoder, [memoryPage(l, new Uint8Array(8))]), isCode('E_BAD_OPTION', '--range'));
  });

  it('refuses CMYK (without --cmyk-to-rgb), device-n and odd channel counts with E_UNSUPPORTED naming TIFF', async () => {
    const bad = [
      layout({ width: 2, height: 2, colorModel: 'cmyk', channels: 4 }),
      layout({ width: 2, height: 2, colorModel: 'device', channels: 6 }),
      layout({ width: 2, height: 2, colorModel: 'gray', channels: 3 }),
      layout({ width: 2, height: 2, colorModel: 'rgb', channels: 5, alpha: true }),
    ];
    for (const l of bad) await assert.rejects(plan(l), isCode('E_UNSUPPORTED', 'BMP holds gray and RGB(A) only', 'TIFF'));
  });

  it('writes CIELab as sRGB and CMYK as RGB when --cmyk-to-rgb is given, with a notice', async () => {
    const lab = await plan(layout({ width: 2, height: 2, colorModel: 'lab', channels: 3 }));
    assert.equal(lab.layout.colorModel, 'rgb');
    assert.match(lab.notices[0]!, /converted to sRGB/);
    const cmyk = layout({ width: 1, height: 1, colorModel: 'cmyk', channels: 4 });
    const bytes = await encodeToBuffer(bmpEncoder, [memoryPage(cmyk, Uint8Array.from([0, 255, 0, 0]))], { cmykToRgb: true });
    // 24-bit BGR pixel of magenta ink only: R = 255, G = 0, B = 255 → B, G, R = 255, 0, 255.
    const offset = bytes.readUInt32LE(10);
    assert.deepEqual([...bytes.subarray(offset, offset + 3)], [255, 0, 255]);
  });

  it('throws E_LIMIT in plan() exactly when the file would pass 4 GiB − 1, and writes nothing', async () => {
    // 8-bit gray: 14 + 40 + 256·4 = 1078 header bytes, then 65536-byte rows (no padding).
    const rowsThatFit = Math.floor((0xffffffff - 1078) / 65536);
    await plan(layout({ width: 65536, height: rowsThatFit }));
    const tooTall = layout({ width: 65536, height: rowsThatFit + 1 });
    await assert.rejects(plan(tooTall), isCode('E_LIMIT', String(1078 + 65536 * (rowsThatFit + 1)), 'write TIFF (BigTIFF) instead'));
    // RGB rows of 3·(2^31 − 1) bytes padded to 4: one row alone is beyond 4 GiB.
    await assert.rejects(plan(layout({ width: 0x7fffffff, height: 2, colorModel: 'rgb', channels: 3 })), isCode('E_LIMIT', 'write TIFF (BigTIFF) instead'));
    await assert.rejects(plan(layout({ width: 1, height: 0x80000000 })), isCode('E_LIMIT', 'signed 32-bit'));
    const target = join(dir, 'too-big.bmp');
    await assert.rejects(encodeToFile(bmpEncoder, target, [{ info: { layout: tooTall }, readRows: async () => 0 }]), isCode('E_LIMIT'));
    await assert.rejects(access(target), 'no output file');
  });

  it('finish() throws E_MISSING_ROWS after too few rows, and the target file is not created', async () => {
    const l = layout({ width: 6, height: 9, colorModel: 'rgb', channels: 3 });
    await assert.rejects(encodeToBuffer(bmpEncoder, [shortPage(l, 5)], {}, 2), isCode('E_MISSING_ROWS', '5 of its 9 rows'));
    const target = join(dir, 'short.bmp');
    await assert.rejects(encodeToFile(bmpEncoder, target, [shortPage(l, 0)]), isCode('E_MISSING_ROWS', '0 of its 9 rows'));
    await assert.rejects(access(target), 'no output file');
  });

  it('refuses rows beyond the height and a second page', async () => {
    const l = layout({ width: 4, height: 2 });
    const writer = await bmpEncoder.create(new MemorySink('<test>'), {});
    const pw = await writer.beginPage({ layout: l }, writer.plan({ layout: l }).layout);
    await pw.writeRows(new Uint8Array(4), 1);
    await assert.rejects(pw.writeRows(new Uint8Array(8), 2), isCode('E_CORRUPT_DATA', 'given 3 rows'));
    await assert.rejects(writer.beginPage({ layout: l }, l), isCode('E_UNSUPPORTED', 'one page'));
  });

  it('a band write that fails (the next band is stored meanwhile) fails the page with the sink\'s error, never unhandled', async () => {
    const l = layout({ width: 5, height: 12, colorModel: 'rgb', channels: 3 });
    for (const failing of [1, 2, 3]) {
      // Positional write number `failing` (1 = the headers) fails a little later, as a disk would.
      class FailingSink extends MemorySink {
        writes = 0;
        override writeAt(data: Uint8Array, pos: number): Promise<void> {
          if (++this.writes !== failing) return super.writeAt(data, pos);
          return new Promise((_, reject) => setTimeout(() => reject(new RasterError('E_IO', `write ${failing} failed`)), 1));
        }
      }
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown) => unhandled.push(e);
      process.on('unhandledRejection', onUnhandled);
      try {
        // Rows come slowly, so a write fails while no call of the writer is waiting on it.
        const page = memoryPage(l, pseudoRandomBytes(15 * 12, 5));
        const slow: PageReader = { info: page.info, readRows: (dst, max) => new Promise((r) => setTimeout(r, 10)).then(() => page.readRows(dst, max)) };
        await assert.rejects(encodeToSink(bmpEncoder, new FailingSink('<failing>'), [slow], {}, 4), isCode('E_IO', `write ${failing} failed`));
        await new Promise((r) => setTimeout(r, 20));
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
      assert.deepEqual(unhandled, [], `write ${failing}`);
    }
  });

  it(
    'writes the whole file to stdout through the spool',
    async () => {
      const l = layout({ width: 7, height: 10, colorModel: 'rgb', channels: 4, alpha: true });
      const px = pseudoRandomBytes(inputRowBytes(l) * l.height, 11);
      const stdout = new PassThrough();
      const chunks: Buffer[] = [];
      stdout.on('data', (c: Buffer) => chunks.push(c));
      const sink = await ByteSink.create('-', bmpEncoder.needsSeekableOutput, { stdout });
      await encodeToSink(bmpEncoder, sink, [memoryPage(l, px)], {}, 3);
      const viaStdout = Buffer.concat(chunks);
      const inMemory = await encodeToBuffer(bmpEncoder, [memoryPage(l, px)]);
      assert.equal(viaStdout.length, inMemory.readUInt32LE(2), 'stdout carries bfSize bytes');
      assert.deepEqual(viaStdout, inMemory);
    },
  );
});
