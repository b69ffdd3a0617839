/**
 * ParallelDeflate: turns the rows of one image into one zlib stream (RFC 1950) the way pigz
 * does. Rows are gathered into blocks of whole rows; each block is filtered and deflated in a
 * worker thread, primed with the 32 KiB of stream before it and ended with a sync flush; the
 * results are emitted in order behind a 2-byte zlib header and followed by the Adler-32 of the
 * whole filtered stream, combined from the blocks' own checksums. At most `maxInFlight` blocks
 * exist at once, so memory does not depend on the image's height.
 */
import { constants } from 'node:zlib';
import { RasterError } from '../../src/errors.js';
import { adler32Combine } from './adler32.js';
import { deflateBound } from '../../src/deflate-bound.js';
import { deflateBlock, historyRows, type BlockJob, type BlockResult, type BlockStrategy } from './deflate-block.js';
import { sharedWorkerPool } from '../../src/workers/pool.js';
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
  private readonly rowsPerBlock: number;
  private readonly keepRows: number;
  private readonly maxInFlight: number;
  private block: Uint8Array;
  private blockRows = 0;
  /** Block buffers back from the compressors, for the next blocks. */
  private readonly spare: Uint8Array[] = [];
  /** Buffers for the workers' results (deflateBound of a block each). */
  private readonly results: ResultBuffers;
  /** The last keepRows (or fewer) raw rows before the current block. */
  private history: Uint8Array = new Uint8Array(0);
  private rowsDispatched = 0;
  private readonly queue: Promise<BlockResult>[] = [];
  /** Adler-32 of the blocks emitted so far (1 = of no bytes). */
  private adler = 1;
  /** Compress on the calling thread: no workers, or too few blocks to pay for starting them. */
  private readonly inline: boolean;

  constructor(
    private readonly s: DeflateSettings,
    private readonly out: DeflateOutput,
  ) {
    this.rowsPerBlock = Math.max(1, Math.min(s.height, Math.floor(s.blockBytes / s.rowBytes)));
    this.keepRows = historyRows(s.rowBytes);
    this.block = new Uint8Array(this.rowsPerBlock * s.rowBytes);
    this.results = new ResultBuffers(deflateBound(this.rowsPerBlock * (s.rowBytes + 1)));
    this.inline = s.workers === 0 || s.height * s.rowBytes < (s.inlineBelowBytes ?? 0);
    // Two blocks per worker keep every worker fed while the oldest result is written out.
    const workers = Math.min(s.workers, sharedWorkerPool().size);
    this.maxInFlight = this.inline ? 1 : s.rowBytes > s.blockBytes ? workers : 2 * workers;
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
    return this.rowsDispatched + this.blockRows;
  }

  /**
   * Take `rows` whole rows from src (copied; src may be reused when this resolves).
   * @throws RasterError E_SIZE_MISMATCH when more rows arrive than the image has; E_IO from a worker.
   */
  async write(src: Uint8Array, rows: number): Promise<void> {
    const rb = this.s.rowBytes;
    if (this.rows + rows > this.s.height)
      throw new RasterError('E_SIZE_MISMATCH', `PNG encoder got ${this.rows + rows} rows for an image of height ${this.s.height}`, {
        expected: this.s.height,
        actual: this.rows + rows,
      });
    for (let done = 0; done < rows; ) {
      const n = Math.min(rows - done, this.rowsPerBlock - this.blockRows);
      this.block.set(src.subarray(done * rb, (done + n) * rb), this.blockRows * rb);
      this.blockRows += n;
      done += n;
      if (this.blockRows === this.rowsPerBlock || this.rows === this.s.height) await this.dispatch();
    }
  }

  /**
   * Wait for every block and write the Adler-32 trailer. Call after the last row.
   * @throws RasterError E_IO from a worker.
   */
  async finish(): Promise<void> {
    while (this.queue.length > 0) await this.emitOldest();
    const trailer = new Uint8Array(4);
    new DataView(trailer.buffer).setUint32(0, this.adler);
    await this.out(trailer);
    await this.close();
  }

  /** Drop the blocks still being compressed (after an error); the shared workers go on serving others. */
  async close(): Promise<void> {
    await Promise.allSettled(this.queue.splice(0));
  }

  private async dispatch(): Promise<void> {
    const rb = this.s.rowBytes;
    const rows = this.block.subarray(0, this.blockRows * rb);
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
      final: this.rows === this.s.height,
    };
    this.history = this.nextHistory(rows, held);
    this.rowsDispatched += this.blockRows;
    this.blockRows = 0;
    // The block buffer goes to a worker (transferred); the next block takes one that came back.
    if (!job.final) this.block = this.spare.pop() ?? new Uint8Array(this.rowsPerBlock * rb);

    let result: Promise<BlockResult>;
    if (this.inline) result = Promise.resolve().then(() => deflateBlock(job));
    else result = deflateBlockOnPool(sharedWorkerPool(), { ...job, out: this.results.take() });
    // Handled here so that a failure is not "unhandled" while it waits its turn; emitOldest rethrows it.
    result.catch(() => undefined);
    this.queue.push(result);
    while (this.queue.length >= this.maxInFlight) await this.emitOldest();
  }

  /** The last keepRows rows of history followed by `rows`: the history of the next block. */
  private nextHistory(rows: Uint8Array, held: number): Uint8Array {
    const rb = this.s.rowBytes;
    const fromBlock = Math.min(this.keepRows, this.blockRows);
    const fromHistory = Math.min(held, this.keepRows - fromBlock);
    const next = new Uint8Array((fromHistory + fromBlock) * rb);
    next.set(this.history.subarray((held - fromHistory) * rb));
    next.set(rows.subarray((this.blockRows - fromBlock) * rb), fromHistory * rb);
    return next;
  }

  private async emitOldest(): Promise<void> {
    const r = await this.queue.shift()!;
    this.adler = adler32Combine(this.adler, r.adler, r.length);
    const buffer = new Uint8Array(r.rows.buffer);
    // Compared with the block size, not this.block, which is detached once the last block is sent.
    if (buffer.length === this.rowsPerBlock * this.s.rowBytes) this.spare.push(buffer);
    await this.out(r.deflated);
    this.results.giveBack(r.deflated);
  }
}
