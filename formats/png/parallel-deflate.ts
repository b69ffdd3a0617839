/**
 * ParallelDeflate: turns the rows of one image into one zlib stream (RFC 1950) the way pigz
 * does. Rows are gathered into blocks of whole rows; each block is filtered and deflated in a
 * worker thread, primed with the 32 KiB of stream before it and ended with a sync flush; the
 * results are emitted in order behind a 2-byte zlib header and followed by the Adler-32 of the
 * whole filtered stream, combined from the blocks' own checksums. At most `maxInFlight` blocks
 * exist at once (src/workers/ordered-blocks.ts), so memory does not depend on the image's height.
 *
 * Why worker threads rather than zlib's asynchronous calls on libuv's thread pool, which need no
 * second JavaScript engine: tried (2026-11-25: filtering and Adler-32 on this thread, each block's
 * deflate on the pool, output byte for byte the same). It used 20 % less CPU, but this thread then
 * filtered every row and became the bottleneck: 20000² RGB took 10.8 s against 9.8 s, 8000² as
 * long (1.8 s), 2000² 0.41 s against 0.44 s. Peak RSS was higher too (8000²: 100 MB against
 * 88 MB; 20000²: 104 against 96): each call's output buffer is garbage on this thread, which V8
 * collects only after some 64 MB of such external memory.
 * Also tried (same day): this thread compressing blocks too whenever no worker was free, with one
 * worker fewer. Peak RSS rose (8000²: 102–103 MB against 88 MB, for the same reason) at the same
 * speed (2.25–2.60 s against 2.18–2.59 s), and a 2000² image got slower (0.56 s against 0.47 s
 * inline): a new worker's first blocks run cold code, and blocks are taken in order.
 */
import { constants } from 'node:zlib';
import { RasterError } from '../../src/errors.js';
import { adler32Combine } from './adler32.js';
import { deflateBound } from '../../src/deflate-bound.js';
import { deflateBlock, historyRows, type BlockJob, type BlockResult, type BlockStrategy } from './deflate-block.js';
import { sharedWorkerPool } from '../../src/workers/pool.js';
import { OrderedBlocks } from '../../src/workers/ordered-blocks.js';
import { ResultBuffers } from '../../src/workers/result-buffers.js';
import { deflateBlockOnPool } from './deflate-task.js';
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
  /** Workers of the shared pool to keep busy (at most its size); 0 compresses every block on the calling thread. */
  workers: number;
  /** Images of fewer raw bytes are compressed on the calling thread (0: use the workers for any). */
  inlineBelowBytes?: number;
}

/** Where the compressed stream goes; resolves when the bytes may be reused. */
export type DeflateOutput = (bytes: Uint8Array) => Promise<void>;

export class ParallelDeflate {
  private readonly keepRows: number;
  /** Buffers for the workers' results (deflateBound of a block each). */
  private readonly results: ResultBuffers;
  /** The last keepRows (or fewer) raw rows before the next block. */
  private history: Uint8Array = new Uint8Array(0);
  private rowsDispatched = 0;
  /** Adler-32 of the blocks emitted so far (1 = of no bytes). */
  private adler = 1;
  /** Compress on the calling thread: no workers, or too few blocks to pay for starting them. */
  private readonly inline: boolean;
  private readonly blocks: OrderedBlocks<BlockResult>;

  constructor(
    private readonly s: DeflateSettings,
    private readonly out: DeflateOutput,
  ) {
    const rowsPerBlock = Math.max(1, Math.min(s.height, Math.floor(s.blockBytes / s.rowBytes)));
    this.keepRows = historyRows(s.rowBytes);
    this.results = new ResultBuffers(deflateBound(rowsPerBlock * (s.rowBytes + 1)));
    this.inline = s.workers === 0 || s.height * s.rowBytes < (s.inlineBelowBytes ?? 0);
    // Two blocks per worker keep every worker fed while the oldest result is written out.
    const workers = Math.min(s.workers, sharedWorkerPool().size);
    const maxInFlight = this.inline ? 1 : s.rowBytes > s.blockBytes ? workers : 2 * workers;
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
    if (this.inline) return Promise.resolve().then(() => deflateBlock(job));
    // The rows, the history and the result buffer go to a worker by transfer.
    return deflateBlockOnPool(sharedWorkerPool(), { ...job, out: this.results.take() });
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
