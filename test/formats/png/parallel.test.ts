/**
 * The pigz-style parallel deflate with real worker threads: many blocks and IDAT chunks still make
 * one valid stream, Adler-32 combining matches zlib, the sink's backpressure bounds what is held,
 * worker failures become RasterErrors, and workers never keep the process alive.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { adler32Combine } from '../../../formats/png/adler32.js';
import { makePngEncoder } from '../../../formats/png/index.js';
import { ParallelDeflate } from '../../../formats/png/parallel-deflate.js';
import { FILTER_NONE, filterRows, isFlatRow } from '../../../formats/png/filter.js';
import { kernels } from '../../../formats/png/filter-kernels.js';
import { RasterError } from '../../../src/errors.js';
import { ByteSink } from '../../../src/io/byte-sink.js';
import { rowBytes, type PixelLayout } from '../../../src/model.js';
import { encodeToBuffer, encodeToSink, layout, memoryPage, pseudoRandomBytes } from '../../helpers/pages.js';
import { chunksOf, decodeWithPngjs, samplesOf } from './png-helpers.js';

/** zlib's Adler-32 of data: the trailer of its own zlib stream. */
function zlibAdler(data: Uint8Array): number {
  const z = deflateSync(data, { level: 0 });
  return z.readUInt32BE(z.length - 4);
}

/** An RGB image with structure (gradients and a repeating texture), so that deflate finds matches across blocks. */
function texturedRgb(width: number, height: number): { layout: PixelLayout; pixels: Uint8Array } {
  const l = layout({ width, height, channels: 3, colorModel: 'rgb' });
  const texture = pseudoRandomBytes(997, 7);
  const pixels = new Uint8Array(rowBytes(l) * height);
  for (let y = 0, i = 0; y < height; y++)
    for (let x = 0; x < width; x++, i += 3) {
      pixels[i] = (x + y) & 0xff;
      pixels[i + 1] = texture[(x * 3 + y * 5) % 997]! >> 2;
      pixels[i + 2] = (x * y) >> 6;
    }
  return { layout: l, pixels };
}

/**
 * The Adler-32 that deflateBlock takes (the WebAssembly kernel's) of data filtered as one row
 * under filter None, and the bytes it summed: the filter type byte 0, then data.
 */
function kernelAdler(data: Uint8Array): { adler: number; summed: Uint8Array } {
  const { bytes } = filterRows(data, 0, 1, data.length, new Uint8Array(data.length), 1, FILTER_NONE);
  return { adler: kernels().adler32(bytes), summed: bytes.slice() };
}

test('Adler-32 matches zlib, and combining block checksums gives the checksum of the whole', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 20000 }), fc.array(fc.nat(), { maxLength: 6 }), (data, cuts) => {
      const whole = kernelAdler(data);
      assert.equal(whole.adler, zlibAdler(whole.summed));
      // Cut into parts of at least one byte; each part is summed behind its own type byte.
      const points = [...new Set(cuts.map((c) => 1 + (c % data.length)))].filter((p) => p < data.length).sort((a, b) => a - b);
      let combined = 1;
      const stream: Uint8Array[] = [];
      let from = 0;
      for (const to of [...points, data.length]) {
        const part = kernelAdler(data.subarray(from, to));
        combined = adler32Combine(combined, part.adler, part.summed.length);
        stream.push(part.summed);
        from = to;
      }
      assert.equal(combined, zlibAdler(Buffer.concat(stream)));
    }),
    { numRuns: 300 },
  );
});

test('Adler-32 combining at the modulo boundaries (inputs found by search to hit sum2 = 2·65521)', () => {
  for (const [lenA, seedA, lenB, seedB] of [
    [3, 778990588, 29, 3793878388],
    [35, 2781311068, 8, 844522234],
    [26, 4022249981, 5, 1789100829],
  ] as const) {
    const a = pseudoRandomBytes(lenA, seedA);
    const b = pseudoRandomBytes(lenB, seedB);
    assert.equal(adler32Combine(zlibAdler(a), zlibAdler(b), b.length), zlibAdler(Buffer.concat([a, b])));
  }
  assert.equal(adler32Combine(zlibAdler(Uint8Array.of(7)), 1, 0), zlibAdler(Uint8Array.of(7)));
  // 5552 × 255 and more: the sums must be reduced before they overflow.
  const big = kernelAdler(new Uint8Array(1_000_000).fill(255));
  assert.equal(big.adler, zlibAdler(big.summed));
});

test('many blocks on two workers and many IDAT chunks give one valid stream with the input samples', async () => {
  for (const [width, height, blockBytes, idatBytes] of [
    [700, 180, 20_000, 3000],
    [700, 180, 2500, 65536], // less than one row: one row per block
    [90, 40, 1, 1],
  ] as const) {
    const { layout: l, pixels } = texturedRgb(width, height);
    const encoder = makePngEncoder({ blockBytes, workers: 2, idatBytes });
    const png = await encodeToBuffer(encoder, [memoryPage(l, pixels)], { level: 6, pngStrategy: 'filtered' }, 33);
    assert.deepEqual(decodeWithPngjs(png).samples, samplesOf(l, pixels), `blocks of ${blockBytes} bytes`);
    const idats = chunksOf(png).filter((c) => c.type === 'IDAT');
    assert.ok(idats.slice(0, -1).every((c) => c.data.length === idatBytes), `IDAT chunks of ${idatBytes} bytes`);
    assert.ok(idats.at(-1)!.data.length <= idatBytes);
    inflateSync(Buffer.concat(idats.map((c) => c.data))); // checks the combined Adler-32
  }
});

test('a page of flat rows (filter None) and textured rows cut into many blocks decodes exactly: the dictionary of every block is rebuilt with the same per-row choice', async () => {
  const l = layout({ width: 800, height: 240, channels: 3, colorModel: 'rgb' });
  const rb = rowBytes(l);
  const pixels = new Uint8Array(rb * l.height).fill(255);
  const marks = pseudoRandomBytes(12, 9);
  const texture = texturedRgb(800, 240).pixels;
  for (let y = 0; y < l.height; y++) {
    if (y % 40 >= 30) pixels.set(texture.subarray(y * rb, (y + 1) * rb), y * rb); // rows the predictors get
    else if (y % 7 !== 0) for (let x = 20; x < 380; x += 60) pixels.set(marks, y * rb + x * 3); // flat rows (checked below)
  }
  const flat = Array.from({ length: l.height }, (_, y) => isFlatRow(pixels, y * rb, rb, 3)).filter(Boolean).length;
  assert.ok(flat > 150, `${flat} flat rows`);
  for (const blockBytes of [rb * 3, 7000]) {
    const png = await encodeToBuffer(makePngEncoder({ blockBytes, workers: 2, idatBytes: 4096 }), [memoryPage(l, pixels)], { level: 6 }, 17);
    assert.deepEqual(decodeWithPngjs(png).samples, samplesOf(l, pixels), `blocks of ${blockBytes} bytes`);
  }
});

test('blocks primed with the previous 32 KiB compress within 1 % of one continuous zlib stream', async () => {
  const { layout: l, pixels } = texturedRgb(1000, 400);
  const options = { level: 6, pngFilter: 'up', pngStrategy: 'default' };
  const one = await encodeToBuffer(makePngEncoder({ blockBytes: 1 << 30, workers: 0, idatBytes: 1 << 20 }), [memoryPage(l, pixels)], options, 50);
  const many = await encodeToBuffer(makePngEncoder({ blockBytes: 60_000, workers: 2, idatBytes: 1 << 20 }), [memoryPage(l, pixels)], options, 50);
  assert.ok(many.length < one.length * 1.01, `20 blocks: ${many.length} bytes, one stream: ${one.length} bytes`);
});

/** A sink whose writes complete only while `open`. */
class GatedSink extends ByteSink {
  readonly seekable = false;
  readonly name = '<gated>';
  open = true;
  readonly chunks: Uint8Array[] = [];
  private waiting: (() => void)[] = [];
  write(data: Uint8Array): Promise<void> {
    this.position += data.length;
    this.chunks.push(Uint8Array.from(data));
    if (this.open) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    this.open = true;
    for (const w of this.waiting.splice(0)) w();
  }
  async writeAt(): Promise<void> {
    throw new Error('not seekable');
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {}
}

test('a sink that stops accepting bytes stops the encoder after a few blocks', async () => {
  const { layout: l, pixels } = texturedRgb(500, 1000);
  const rb = rowBytes(l);
  const blockRows = 10;
  const sink = new GatedSink();
  const writer = await makePngEncoder({ blockBytes: blockRows * rb, workers: 2, idatBytes: 4096 }).create(sink, {});
  const page = await writer.beginPage({ layout: l }, writer.plan({ layout: l }).layout);
  sink.open = false;
  let accepted = 0;
  const band = 5;
  let blocked: Promise<void> | undefined;
  while (accepted < l.height) {
    const w = page.writeRows(pixels.subarray(accepted * rb, (accepted + band) * rb), band);
    const done = await Promise.race([w.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 300))]);
    accepted += band;
    if (!done) {
      blocked = w;
      break;
    }
  }
  assert.ok(blocked, 'writeRows waits for the sink');
  // In flight three blocks per worker and three of this thread's (parallel-deflate.ts), one being
  // written out, one being filled: far from all 100.
  assert.ok(accepted <= (3 * 2 + 3 + 2) * blockRows, `${accepted} of ${l.height} rows taken before waiting for the sink`);
  sink.release();
  await blocked;
  for (; accepted < l.height; accepted += band) await page.writeRows(pixels.subarray(accepted * rb, (accepted + band) * rb), band);
  await page.finish();
  await writer.finish();
  assert.deepEqual(decodeWithPngjs(Buffer.concat(sink.chunks)).samples, samplesOf(l, pixels));
});

for (const where of ['a worker', 'this thread'] as const)
  test(`a failure in compression on ${where} rejects as RasterError E_IO with the cause`, async () => {
    const rb = 3000;
    const deflate = new ParallelDeflate(
      // Level 99 is refused by zlib (parsePngOptions never lets it through).
      { rowBytes: rb, height: 50, bpp: 3, filter: 'adaptive', level: 99, strategy: 0, blockBytes: rb * 5, workers: where === 'a worker' ? 2 : 0 },
      async () => undefined,
    );
    await deflate.ready;
    await deflate.start();
    const rows = new Uint8Array(rb * 50);
    await assert.rejects(
      async () => {
        for (let y = 0; y < 50; y += 5) await deflate.write(rows.subarray(y * rb, (y + 5) * rb), 5);
        await deflate.finish();
      },
      (err: unknown) => err instanceof RasterError && err.code === 'E_IO' && /PNG compression failed/.test(err.message) && err.cause instanceof Error,
    );
    await deflate.close();
    // The first block, whose failure is the one reported, went where asked.
    if (where === 'a worker') assert.ok(deflate.split.workers > 0, JSON.stringify(deflate.split));
    else assert.deepEqual(deflate.split, { here: 1, workers: 0 });
  });

test('blocks compressed on this thread while the workers start and on the workers after give the same stream as this thread alone', async () => {
  const { layout: l, pixels } = texturedRgb(500, 240);
  const rb = rowBytes(l);
  const settings = { rowBytes: rb, height: l.height, bpp: 3, filter: 'adaptive' as const, level: 6, strategy: 'auto' as const, blockBytes: rb * 10 };
  const streams: Buffer[] = [];
  const splits: { here: number; workers: number }[] = [];
  for (const workers of [0, 2]) {
    const out: Buffer[] = [];
    const deflate = new ParallelDeflate({ ...settings, workers }, async (bytes) => void out.push(Buffer.from(bytes)));
    await deflate.start();
    // The first 100 rows before the workers are ready, the rest after.
    await deflate.write(pixels.subarray(0, 100 * rb), 100);
    await deflate.ready;
    for (let y = 100; y < l.height; y += 20) await deflate.write(pixels.subarray(y * rb, (y + 20) * rb), 20);
    await deflate.finish();
    streams.push(Buffer.concat(out));
    splits.push({ ...deflate.split });
  }
  assert.deepEqual(splits[0], { here: 24, workers: 0 });
  assert.ok(splits[1]!.here > 0 && splits[1]!.workers > 0, JSON.stringify(splits[1]));
  assert.ok(streams[1]!.equals(streams[0]!));
  assert.deepEqual(new Uint8Array(inflateSync(streams[0]!)).length, l.height * (rb + 1));
});

test('a sink that fails mid-stream fails the encoder with its error', async () => {
  const { layout: l, pixels } = texturedRgb(700, 180);
  class FullDisk extends GatedSink {
    override write(data: Uint8Array): Promise<void> {
      if (this.position + data.length > 20_000) return Promise.reject(new RasterError('E_IO', 'cannot write output: ENOSPC'));
      return super.write(data);
    }
  }
  const encoder = makePngEncoder({ blockBytes: 20_000, workers: 2, idatBytes: 3000 });
  await assert.rejects(encodeToSink(encoder, new FullDisk(), [memoryPage(l, pixels)], {}, 33), isEnospc);
});

function isEnospc(err: unknown): boolean {
  return err instanceof RasterError && err.code === 'E_IO' && /ENOSPC/.test(err.message);
}

/** Run a script in a fresh Node process; it must exit on its own with status 0. */
function runAlone(script: string): { status: number | null; ms: number; stderr: string } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, ms: Date.now() - t0, stderr: r.stderr };
}

const modules = {
  png: fileURLToPath(new URL('../../../formats/png/index.js', import.meta.url)),
  sink: fileURLToPath(new URL('../../../src/io/byte-sink.js', import.meta.url)),
};
const prelude = `
  import { makePngEncoder } from ${JSON.stringify(modules.png)};
  import { MemorySink } from ${JSON.stringify(modules.sink)};
  const l = { width: 400, height: 300, channels: 3, bitsPerSample: 8, sampleFormat: 'uint', colorModel: 'rgb', alpha: false, byteOrder: 'le' };
  const writer = await makePngEncoder({ blockBytes: 12000, workers: 2, idatBytes: 8192 }).create(new MemorySink(), {});
  const page = await writer.beginPage({ layout: l }, l);
  const rows = new Uint8Array(1200 * 10).map((_, i) => i * 7);
`;

test('after finish the workers are gone and the process exits by itself', () => {
  const r = runAlone(`${prelude}
    for (let y = 0; y < 300; y += 10) await page.writeRows(rows, 10);
    await page.finish();
    await writer.finish();`);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.ms < 20_000, `exited after ${r.ms} ms`);
});

test('an encoder abandoned halfway (a failed conversion) does not keep the process alive', () => {
  const r = runAlone(`${prelude}
    for (let y = 0; y < 150; y += 10) await page.writeRows(rows, 10);`);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.ms < 20_000, `exited after ${r.ms} ms`);
});
