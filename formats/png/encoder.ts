/**
 * The PNG image and page writers: signature, IHDR and pHYs up front, then IDAT chunks streamed
 * as the parallel deflate produces them, then IEND. Nothing seeks, so PNG goes to pipes as well.
 */
import { availableParallelism } from 'node:os';
import { RasterError } from '../../src/errors.js';
import type { ByteSink } from '../../src/io/byte-sink.js';
import { rowBytes, type PageInfo, type PixelLayout } from '../../src/model.js';
import type { EncodePlan, ImageWriter, PageWriter } from '../../src/plugin.js';
import { PNG_SIGNATURE, iend, ihdr, phys } from './chunks.js';
import { IdatWriter } from './idat-writer.js';
import { blockStrategy, filterMode } from './block-settings.js';
import type { PngOptions } from './options.js';
import { ParallelDeflate } from './parallel-deflate.js';
import { colorTypeOf, planPng } from './plan.js';

/** How the work is cut up; only tests and the benchmark change it. */
export interface PngTuning {
  /** Raw bytes per deflate block (whole rows, at least one). */
  blockBytes: number;
  /** Worker threads compressing blocks beside the calling thread; 0: the calling thread alone. */
  workers: number;
  /** Data bytes per IDAT chunk. */
  idatBytes: number;
  /** Images of fewer raw bytes are compressed on the calling thread alone (default 0: workers for any). */
  inlineBelowBytes?: number;
}

/**
 * 512 KiB blocks (as measured on 8000² RGB photo-like data, 2 workers): the per-block costs (a
 * sync flush, rebuilding the 32 KiB dictionary, a message round trip) cost 0.01 % of the file
 * against 2 MiB blocks and no measurable time, and the blocks in flight (two per worker, each
 * with a result buffer) hold a quarter of the memory: peak RSS 93 MB against 111 MB.
 * One worker per core but one, which this thread stands for (parallel-deflate.ts), at most 7
 * (each costs some 11 MB of RSS); 7 is a guess, as only 2 cores were there to measure on.
 * Images under 4 MiB start no worker: this thread is done with them before one could start. On
 * 2 cores a worker costs more than it saves up to some 30 MB (1183² RGB, 4.2 MB: 329 ms against
 * 285 ms without one; 2000²: 30–50 ms more, and 50–60 ms once yargs was bundled and start-up
 * shorter: 345 against 284 ms, 408 against 358 ms with NODE_EXTRA_CA_CERTS set, hyperfine means
 * of 25, 2026-11-25), but it keeps peak RSS flat from 2000² up (77 against 59 MB at 2000²,
 * where 20000² takes 85 MB; parallel-deflate.ts).
 * 512 KiB IDAT chunks: few chunk headers, bounded buffering.
 */
export const DEFAULT_TUNING: PngTuning = {
  blockBytes: 512 * 1024,
  workers: Math.min(availableParallelism() - 1, 7),
  idatBytes: 512 * 1024,
  inlineBelowBytes: 4 * 1024 * 1024,
};

export class PngImageWriter implements ImageWriter {
  private pages = 0;
  private pagesDone = 0;

  constructor(
    private readonly sink: ByteSink,
    private readonly options: PngOptions,
    private readonly tuning: PngTuning,
  ) {}

  plan(info: PageInfo): EncodePlan {
    const plan = planPng(info, this.options.cmykToRgb);
    if (this.options.levelIgnored)
      plan.notices.push(`--level ${this.options.level} makes no difference to --png-strategy ${this.options.strategy}, which zlib runs the same at levels 1–9; ignored`);
    return plan;
  }

  /** @throws RasterError E_UNSUPPORTED for a second page (PNG holds one). */
  async beginPage(info: PageInfo, layout: PixelLayout): Promise<PageWriter> {
    if (this.pages > 0) throw new RasterError('E_UNSUPPORTED', 'a PNG file holds one page', { format: 'png' });
    this.pages++;
    const head = [PNG_SIGNATURE, ihdr(layout.width, layout.height, layout.bitsPerSample, colorTypeOf(layout))];
    const physChunk = phys(info.resolution);
    if (physChunk) head.push(physChunk);
    await this.sink.write(Buffer.concat(head));

    const idat = new IdatWriter(this.sink, this.tuning.idatBytes);
    const filter = filterMode(this.options.filter, layout.bitsPerSample);
    const deflate = new ParallelDeflate(
      {
        rowBytes: rowBytes(layout),
        height: layout.height,
        bpp: Math.max(1, Math.floor((layout.channels * layout.bitsPerSample) / 8)),
        filter,
        level: this.options.level,
        strategy: blockStrategy(this.options.strategy, filter),
        blockBytes: this.tuning.blockBytes,
        workers: this.tuning.workers,
        inlineBelowBytes: this.tuning.inlineBelowBytes ?? 0,
      },
      (bytes) => idat.write(bytes),
    );
    await deflate.start();
    return new PngPageWriter(deflate, idat, layout.height, () => this.pagesDone++);
  }

  /** Write IEND. @throws RasterError E_MISSING_ROWS when no page was completed. */
  async finish(): Promise<void> {
    if (this.pagesDone === 0) throw new RasterError('E_MISSING_ROWS', 'the PNG has no complete page to finish', { format: 'png' });
    await this.sink.write(iend());
  }
}

class PngPageWriter implements PageWriter {
  constructor(
    private readonly deflate: ParallelDeflate,
    private readonly idat: IdatWriter,
    private readonly height: number,
    private readonly onDone: () => void,
  ) {}

  async writeRows(src: Uint8Array, rows: number): Promise<void> {
    await this.closeOnError(() => this.deflate.write(src, rows));
  }

  /** @throws RasterError E_MISSING_ROWS if fewer rows than the page's height arrived. */
  async finish(): Promise<void> {
    const got = this.deflate.rows;
    if (got < this.height) {
      await this.deflate.close();
      throw new RasterError('E_MISSING_ROWS', `the PNG got ${got} of its ${this.height} rows`, {
        format: 'png',
        expected: this.height,
        actual: got,
      });
    }
    await this.closeOnError(async () => {
      await this.deflate.finish();
      await this.idat.flush();
    });
    this.onDone();
  }

  /** Run a step; if it fails, stop the compression workers before passing the error on. */
  private async closeOnError(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      await this.deflate.close();
      throw err;
    }
  }
}
