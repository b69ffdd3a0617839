/**
 * Throughput of the .npy decoder, C order against Fortran order, on an H×W×C u1 array made by
 * numpy. Not a test: run it by hand after a build, e.g.
 *
 *   node dist/bench/npy-fortran.js 4000 4000 3
 *
 * It writes both files to a temp dir with /usr/bin/python3 + numpy, decodes every row of each
 * (bands of DEFAULT_BAND_BYTES, as the pipeline reads), three times, and prints the best wall and CPU times and
 * the peak RSS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteSource } from '../src/io/byte-source.js';
import { rowBytes } from '../src/model.js';
import { DEFAULT_BAND_BYTES } from '../src/pipeline.js';
import { npyDecoder } from '../formats/npy/index.js';
import { SYSTEM_PYTHON, run } from '../test/helpers/tools.js';

async function decodeFile(path: string): Promise<number> {
  const src = await ByteSource.openFile(path);
  let bytes = 0;
  try {
    const decoded = await npyDecoder.open(src, {});
    for await (const page of decoded.pages()) {
      const rb = rowBytes(page.info.layout);
      const rows = Math.max(1, Math.min(page.info.layout.height, Math.floor(DEFAULT_BAND_BYTES / rb)));
      const band = new Uint8Array(rows * rb);
      for (let n; (n = await page.readRows(band, rows)) > 0; ) bytes += n * rb;
    }
  } finally {
    await src.close();
  }
  return bytes;
}

async function main(): Promise<void> {
  const [h = 4000, w = 4000, c = 3] = process.argv.slice(2).map(Number);
  const dir = await mkdtemp(join(tmpdir(), 'r2i-npy-bench-'));
  try {
    const make = [
      'import numpy as np',
      `a = np.random.default_rng(1).integers(0, 256, (${h}, ${w}, ${c}), dtype='u1')`,
      `np.save('${dir}/c.npy', a)`,
      `np.save('${dir}/f.npy', np.asfortranarray(a))`,
    ];
    run(SYSTEM_PYTHON, ['-c', make.join('; ')]);
    for (const order of ['c', 'f']) {
      let best = Infinity;
      let bestCpu = Infinity;
      let bytes = 0;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        bytes = await decodeFile(join(dir, `${order}.npy`));
        const cpu = process.cpuUsage(c0);
        best = Math.min(best, performance.now() - t0);
        // CPU time (user + system, all threads) says more than wall time on a busy machine.
        bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
      }
      const mbs = bytes / 1e6 / (best / 1000);
      const name = order === 'c' ? 'C order      ' : 'Fortran order';
      console.log(
        `${name} ${h}×${w}×${c} u1: ${(bytes / 1e6).toFixed(1)} MB in ${best.toFixed(0)} ms = ${mbs.toFixed(0)} MB/s, ` +
          `CPU ${bestCpu.toFixed(0)} ms (best of 3)`,
      );
    }
    console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// node --test loads every .js under test/; only run when invoked directly.
if (process.env['NODE_TEST_CONTEXT'] === undefined) await main();
