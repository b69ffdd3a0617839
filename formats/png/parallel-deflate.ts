/**
 * ParallelDeflate: turns the rows of one image into one zlib stream (RFC 1950) the way pigz
 * does. Rows are gathered into blocks of whole rows; each block is filtered and deflated, primed
 * with the 32 KiB of stream before it and ended with a sync flush; the results are emitted in
 * order behind a 2-byte zlib header and followed by the Adler-32 of the whole filtered stream,
 * combined from the blocks' own checksums. At most `maxInFlight` blocks exist at once
 * (src/workers/ordered-blocks.ts), so memory does not depend on the image's height.
 *
 * Who compresses: worker threads of the shared pool (one per core but one) are started with the
 * image and take blocks once they are ready, up to three each; this thread compresses every other
 * block, so it works from the first row instead of waiting some 50–80 ms for a worker to start,
 * and uses its core for the rest of the image. Measured on 2 cores (2026-11-25, 8-bit RGB; wall
 * time and peak RSS by /usr/bin/time, medians of 20–25 runs alternating for 2000²; before the
 * deeper queue below, which made 8000² 1.35–1.41 s and 80–81 MB):
 *                 one worker and this thread   two workers, this thread    this thread alone
 *                                              only reading and writing
 *   2000²         0.40–0.44 s, 76–77 MB        (was not used below 16 MiB) 0.37–0.39 s, 67 MB
 *   8000²         1.41–1.66 s, 78 MB           1.35–1.43 s, 88 MB          1.99–2.24 s, 88 MB
 *   20000²        7.5–8.2 s, 81–82 MB          9.0 s, 92 MB
 * So peak RSS stays within 7 % from 2000² to 20000², where two workers for images over 16 MiB
 * and this thread alone below made a step of 31 %; the price is 30–50 ms at 2000², where the
 * worker's start-up competes with this thread for the two cores.
 *
 * Why worker threads rather than zlib's asynchronous calls on libuv's thread pool, which need no
 * second JavaScript engine: tried twice (2026-11-25, filtering and Adler-32 on this thread, each
 * block's deflate on the pool). With filters in JavaScript this thread became the bottleneck
 * (20000²: 10.8 s against 9.8 s); with them in WebAssembly, 2000² took as long as on this thread
 * alone (0.37 s) with 86 MB instead of 67, and 8000² 1.65–1.72 s with 100–105 MB: the pool's
 * threads keep zlib's state in malloc arenas of their own, and the output buffers pile up here.
 */
import { constants } from 'node:zlib';
import { RasterError } from '../../src/errors.js';
import { adler32Combine } from './adler32.js';
import { deflateBound } from '../../src/deflate-bound.js';
import { deflateBlock, historyRows, type BlockJob, type BlockResult, type BlockStrategy } from './deflate-block.js';
import { sharedWorkerPool } from '../../src/workers/pool.js';
import { OrderedBlocks } from '../../src/workers/ordered-blocks.js';
import { ResultBuffers, resultInto } from '../../src/workers/result-buffers.js';
import { collectYoungGarbage } from '../../src/workers/young-garbage.js';
import { DEFLATE_TASK, deflateBlockOnPool } from './deflate-task.js';
import type { FilterMode } from './filter.js';

export interface DeflateSettings {
  rowBytes: number;
  height: number;
  /** Bytes per complete pixel for the filters, at least 1. */
  bpp: number;
  filter: FilterMode;
  level: number;
  strategy: BlockStrategy;
  /** Raw bytes per block (rounded down to whole rows, at least one row). */
  blockBytes: number;
  /**
   * Workers of the shared pool (at most its size) that compress blocks beside the calling thread,
   * which compresses every block they are not free for; 0: the calling thread alone.
   */
  workers: number;
  /** Images of fewer raw bytes are compressed on the calling thread alone (0: use the workers for any). */
  inlineBelowBytes?: number;
}

/** Where the compressed stream goes; resolves when the bytes may be reused. */
export type DeflateOutput = (bytes: Uint8Array) => Promise<void>;

export class ParallelDeflate {
  private readonly keepRows: number;
  /** Buffers for the results (deflateBound of a block each), made here or by a worker. */
  private readonly results: ResultBuffers;
  /** The last keepRows (or fewer) raw rows before the next block. */
  private history: Uint8Array = new Uint8Array(0);
  private rowsDispatched = 0;
  /** Adler-32 of the blocks emitted so far (1 = of no bytes). */
  private adler = 1;
  /** Workers to use beside this thread (0: none, or an image too small to pay for starting one). */
  private readonly workers: number;
  /** The workers have started and loaded the task: blocks may go to them. */
  private workersReady = false;
  /** Blocks on the workers now, and the most there may be. */
  private workerJobs = 0;
  private readonly workerQueue: number;
  /** Why the workers could not start, if so: the next block fails with it (E_IO from the pool). */
  private startFailure: unknown;
  /** Resolves once blocks may go to the workers (at once when none are used; also when they failed to start). */
  readonly ready: Promise<void>;
  /** Blocks compressed so far on this thread and on the workers. */
  readonly split = { here: 0, workers: 0 };
  private readonly blocks: OrderedBlocks<BlockResult>;

  constructor(
    private readonly s: DeflateSettings,
    private readonly out: DeflateOutput,
  ) {
    const rowsPerBlock = Math.max(1, Math.min(s.height, Math.floor(s.blockBytes / s.rowBytes)));
    this.keepRows = historyRows(s.rowBytes);
    this.results = new ResultBuffers(deflateBound(rowsPerBlock * (s.rowBytes + 1)));
    const pool = sharedWorkerPool();
    const small = s.height * s.rowBytes < (s.inlineBelowBytes ?? 0);
    this.workers = small ? 0 : Math.min(s.workers, pool.size);
    // Started now, the workers are ready some 50–80 ms later; this thread compresses the blocks
    // until then. A worker that cannot start fails the next block (as it fails a task).
    const starts = Array.from({ length: this.workers }, () => pool.warmUp(DEFLATE_TASK, this.workers));
    this.ready = Promise.all(starts).then(
      () => void (this.workersReady = this.workers > 0),
      (err: unknown) => void (this.startFailure = err),
    );
    // Three blocks per worker keep each fed between messages, and this thread may finish three
    // blocks of its own while a worker's, before them, is not back (results are taken in order):
    // against two and one, 8000² RGB took 1.35–1.41 s instead of 1.48–1.50 s and the rendered
    // page of bench/png-strategies.ts 0.70 s instead of 0.77 s, for 3 MB more RSS (2026-11-25).
    // One block each when a single row exceeds a block; without workers, one at a time.
    const perThread = s.rowBytes > s.blockBytes ? 1 : 3;
    this.workerQueue = perThread * this.workers;
    const maxInFlight = (this.workers === 0 ? 1 : perThread) + this.workerQueue;
    this.blocks = new OrderedBlocks(s.rowBytes, rowsPerBlock, s.height, maxInFlight, {
      start: (block, rows) => this.compress(block, rows),
      take: (r) => this.emit(r),
      // The rows come back from a worker in a buffer of their own (transferred there and back).
      blockOf: (r) => new Uint8Array(r.rows.buffer),
    });
  }

  /** Write the zlib header (RFC 1950 §2.2). Call once, before any row. */
  start(): Promise<void> {
    // FLEVEL as zlib's deflate.c sets it; informational only.
    const s = this.s;
    const fastest = s.level < 2 || (s.strategy !== 'auto' && s.strategy >= constants.Z_HUFFMAN_ONLY);
    const flevel = fastest ? 0 : s.level < 6 ? 1 : s.level === 6 ? 2 : 3;
    const cmf = 0x78; // method 8 (deflate), 32 KiB window
    let flg = flevel << 6;
    flg += 31 - ((cmf * 256 + flg) % 31);
    return this.out(Uint8Array.of(cmf, flg));
  }

  /** Rows received so far. */
  get rows(): number {
    return this.blocks.rows;
  }

  /**
   * Take `rows` whole rows from src (copied; src may be reused when this resolves).
   * @throws RasterError E_SIZE_MISMATCH when more rows arrive than the image has; E_IO from a worker.
   */
  async write(src: Uint8Array, rows: number): Promise<void> {
    if (this.rows + rows > this.s.height)
      throw new RasterError('E_SIZE_MISMATCH', `PNG encoder got ${this.rows + rows} rows for an image of height ${this.s.height}`, {
        expected: this.s.height,
        actual: this.rows + rows,
      });
    await this.blocks.write(src, rows);
  }

  /**
   * Wait for every block and write the Adler-32 trailer. Call after the last row.
   * @throws RasterError E_IO from a worker.
   */
  async finish(): Promise<void> {
    await this.blocks.drain();
    const trailer = new Uint8Array(4);
    new DataView(trailer.buffer).setUint32(0, this.adler);
    await this.out(trailer);
  }

  /** Drop the blocks still being compressed (after an error); the shared workers go on serving others. */
  close(): Promise<void> {
    return this.blocks.discard();
  }

  /** Start compressing the first `blockRows` rows of block, primed with the rows before them. */
  private compress(block: Uint8Array, blockRows: number): Promise<BlockResult> {
    const rb = this.s.rowBytes;
    const rows = block.subarray(0, blockRows * rb);
    const held = this.history.length / rb;
    const job: BlockJob = {
      rows,
      history: this.history,
      historyStartsImage: this.rowsDispatched === held,
      rowBytes: rb,
      bpp: this.s.bpp,
      filter: this.s.filter,
      level: this.s.level,
      strategy: this.s.strategy,
      final: this.rowsDispatched + blockRows === this.s.height,
    };
    this.history = this.nextHistory(rows, blockRows, held);
    this.rowsDispatched += blockRows;
    if (this.startFailure !== undefined) return Promise.reject(this.startFailure);
    if (this.workersReady && this.workerJobs < this.workerQueue) {
      this.workerJobs++;
      this.split.workers++;
      // The rows, the history and the result buffer go to a worker by transfer.
      const done = deflateBlockOnPool(sharedWorkerPool(), { ...job, out: this.results.take() }, this.workers);
      const settled = () => void this.workerJobs--;
      done.then(settled, settled);
      return done;
    }
    try {
      return Promise.resolve(this.compressHere(job));
    } catch (err) {
      // As a worker's failure is reported (pool.ts).
      return Promise.reject(new RasterError('E_IO', `${DEFLATE_TASK.failure}: ${(err as Error).message}`, { cause: err }));
    }
  }

  /**
   * Compress a block on this thread. zlib's output is copied into one of the result buffers and a
   * minor collection then frees it (after this call, when nothing refers to it any more): left to
   * V8, such dead buffers piled up to some 20 MB at 8000² and 30 MB at 20000² (peak RSS 98 and
   * 114 MB against 78 and 82 MB, 1 worker).
   */
  private compressHere(job: BlockJob): BlockResult {
    this.split.here++;
    const r = deflateBlock(job);
    queueMicrotask(collectYoungGarbage);
    return { ...r, deflated: resultInto(r.deflated, this.results.take()) };
  }

  /** The last keepRows rows of history followed by the block's `blockRows` rows: the history of the next block. */
  private nextHistory(rows: Uint8Array, blockRows: number, held: number): Uint8Array {
    const rb = this.s.rowBytes;
    const fromBlock = Math.min(this.keepRows, blockRows);
    const fromHistory = Math.min(held, this.keepRows - fromBlock);
    const next = new Uint8Array((fromHistory + fromBlock) * rb);
    next.set(this.history.subarray((held - fromHistory) * rb));
    next.set(rows.subarray((blockRows - fromBlock) * rb), fromHistory * rb);
    return next;
  }

  private async emit(r: BlockResult): Promise<void> {
    this.adler = adler32Combine(this.adler, r.adler, r.length);
    await this.out(r.deflated);
    this.results.giveBack(r.deflated);
  }
}
