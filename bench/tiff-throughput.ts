/**
 * Manual measurement script for the TIFF encoder (not a test; `node --test` does not pick it up).
 *
 *   node dist/bench/tiff-throughput.js encode <rgb8 raw file> <width> <height> [compression…]
 *     Encodes the image as the pipeline would (DEFAULT_BAND_BYTES bands) into a temp file per compression and
 *     prints wall time, MB/s of raw pixels, CPU time, file size and the encoder's peak RSS on top
 *     of the image held in memory.
 *   node dist/bench/tiff-throughput.js engines <rgb8 raw file> <width>
 *     Deflates the same 512 KiB strips (horizontal predictor, level 6) on the main thread only,
 *     on the worker pool, and with zlib's async API (libuv threadpool), 4 strips in flight.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import { tiffEncoder } from '../formats/tiff/index.js';
import { applyPredictor } from '../formats/tiff/predictor.js';
import { encodeStrip, type StripParams } from '../formats/tiff/strip-codec.js';
import { encodeStripOnPool } from '../formats/tiff/strip-task.js';
import type { EncodedStrip } from '../formats/tiff/strip-queue.js';
import { WorkerPool } from '../src/workers/pool.js';
import { DEFAULT_BAND_BYTES } from '../src/pipeline.js';
import { encodeToFile, layout, memoryPage } from '../test/helpers/pages.js';

const [mode, file, w, h, ...compressions] = process.argv.slice(2);
const pixels = readFileSync(file!);
const width = Number(w);
const mb = (bytes: number) => bytes / 1e6;
const cpuSeconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;

async function encodeAll(): Promise<void> {
  const height = Number(h);
  const l = layout({ width, height, channels: 3, colorModel: 'rgb' });
  const bandRows = Math.floor(DEFAULT_BAND_BYTES / (width * 3));
  const baseRss = process.memoryUsage().rss;
  for (const compression of compressions.length > 0 ? compressions : ['none', 'packbits', 'lzw', 'deflate']) {
    const out = join(tmpdir(), `raster2img-throughput-${process.pid}.tif`);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await encodeToFile(tiffEncoder, out, [memoryPage(l, pixels)], { compression }, bandRows);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(process.cpuUsage(c0));
    const size = statSync(out).size;
    rmSync(out);
    const peak = process.resourceUsage().maxRSS * 1024 - baseRss;
    console.log(
      `${compression.padEnd(8)} ${seconds.toFixed(2)} s  ${(mb(pixels.length) / seconds).toFixed(0)} MB/s  cpu ${cpu.toFixed(2)} s  ` +
        `file ${mb(size).toFixed(1)} MB  peak RSS above the image ${mb(peak).toFixed(0)} MB`,
    );
  }
}

async function compareEngines(): Promise<void> {
  const rb = width * 3;
  const rows = Math.floor((512 * 1024) / rb);
  const sb = rows * rb;
  const p: StripParams = { compression: 'deflate', predictor: 'horizontal', level: 6, rowBytes: rb, bitsPerSample: 8, samplesPerPixel: 3, littleEndian: true };
  const pool = new WorkerPool();
  const deflateAsync = promisify(deflate);
  const engines: Record<string, (s: Uint8Array) => Promise<EncodedStrip>> = {
    'main thread': async (s) => ({ data: encodeStrip(s, rows, p), strip: s }),
    [`worker pool (${pool.size})`]: (s) => encodeStripOnPool(pool, s, rows, p),
    'zlib async': async (s) => {
      applyPredictor(s, rows, 'horizontal', p);
      return { data: await deflateAsync(s), strip: s };
    },
  };
  for (let round = 0; round < 2; round++)
    for (const [name, encode] of Object.entries(engines)) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const inFlight: Promise<EncodedStrip>[] = [];
      const spare: Uint8Array[] = [];
      let out = 0;
      for (let off = 0; off + sb <= pixels.length; off += sb) {
        const s = spare.pop() ?? new Uint8Array(sb);
        s.set(pixels.subarray(off, off + sb));
        inFlight.push(encode(s));
        while (inFlight.length >= 4) {
          const r = await inFlight.shift()!;
          out += r.data.length;
          spare.push(r.strip);
        }
      }
      for (const r of await Promise.all(inFlight)) out += r.data.length;
      const seconds = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(process.cpuUsage(c0));
      console.log(`${name.padEnd(16)} ${seconds.toFixed(2)} s  ${(mb(pixels.length) / seconds).toFixed(0)} MB/s  cpu ${cpu.toFixed(2)} s  out ${mb(out).toFixed(1)} MB`);
    }
  await pool.close();
}

await (mode === 'engines' ? compareEngines() : encodeAll());
