/**
 * One block of the pigz-style parallel zlib stream: filter a run of whole rows, checksum the
 * filtered bytes and compress them as raw deflate that can be concatenated with its neighbours.
 * Pure and synchronous; it runs in a worker thread (deflate-task.ts) or, for an image of a few
 * blocks, on the calling thread.
 */
import { constants, deflateRawSync, type ZlibOptions } from 'node:zlib';
import { deflateBound } from '../../src/deflate-bound.js';
import { filterRows, type FilterMode } from './filter.js';
import { kernels } from './filter-kernels.js';

/** Deflate's window (RFC 1951 §3.2.1): a block can refer back at most this far. */
const WINDOW = 32 * 1024;

/**
 * A zlib strategy constant, or 'auto': for a block of mostly flat rows (filter.ts, isFlatRow; or
 * equal to the row above) zlib's default strategy, which finds repeated glyphs and rules; for any
 * other block Z_RLE, and where that leaves less than AUTO_RECOMPRESS_BELOW of the block, Z_FILTERED
 * too, keeping the smaller.
 */
export type BlockStrategy = number | 'auto';

/**
 * Measured per 2 MiB block of adaptively filtered rows of the benchmark's images
 * (bench/png-strategies.ts): Z_RLE leaves every block of the rendered page below 2 %, and
 * Z_FILTERED at level 6 makes the page 8 % smaller, fast on such data; it leaves no block of the
 * photographs or the scan below 5 %, and there Z_FILTERED is at most 3.3 % smaller but 4–11×
 * slower. (The page's blocks are now mostly flat rows and go by the default strategy.)
 */
const AUTO_RECOMPRESS_BELOW = 0.03;

/** Everything a block needs; plain data so that it crosses postMessage. */
export interface BlockJob {
  /** This block's raw rows, rowBytes each. */
  rows: Uint8Array;
  /** The historyRows(rowBytes) raw rows just above the block (fewer near the top, none for the first block). */
  history: Uint8Array;
  /** The first history row is the image's first row, so it is part of the stream, not only a predictor. */
  historyStartsImage: boolean;
  rowBytes: number;
  /** Bytes per complete pixel for the filters, at least 1 (PNG §9.2). */
  bpp: number;
  filter: FilterMode;
  level: number;
  strategy: BlockStrategy;
  /** Last block: end the deflate stream (Z_FINISH) instead of byte-aligning it (Z_SYNC_FLUSH). */
  final: boolean;
  /**
   * Where a worker puts the result when it fits (at least deflateBound(rows) bytes, so nearly
   * always): it travels there and back and is reused, so the calling thread gets no new buffer per
   * block to leave for its garbage collector.
   */
  out?: Uint8Array;
}

export interface BlockResult {
  /** Raw deflate data, ending on a byte boundary (sync flush) or with the final block. */
  deflated: Uint8Array;
  /** Adler-32 of the filtered bytes of this block alone. */
  adler: number;
  /** Number of filtered bytes (rows × (rowBytes + 1)). */
  length: number;
  /** The job's rows, handed back so that their buffer can hold another block. */
  rows: Uint8Array;
}

/**
 * Raw rows above a block that its compressor needs: enough to rebuild the last WINDOW filtered
 * bytes before it, plus the row above those as their predictor.
 */
export function historyRows(rowBytes: number): number {
  return Math.ceil(WINDOW / (rowBytes + 1)) + 1;
}

/**
 * Filter, checksum and deflate one block. Every block but the last ends with a sync flush (an
 * empty stored block, RFC 1951 §3.2.4) so that the next block's data starts on a byte boundary;
 * each block is primed with the 32 KiB of filtered stream before it, so the ratio matches one
 * continuous stream apart from the flush points (as pigz does).
 */
export function deflateBlock(job: BlockJob): BlockResult {
  const rb = job.rowBytes;
  const rows = job.rows.length / rb;
  const above = job.history.length / rb;
  const prev = above > 0 ? job.history.subarray((above - 1) * rb) : new Uint8Array(rb);
  const length = rows * (rb + 1);
  // The dictionary first: filterRows reuses the memory its result is in.
  const dictionary = above > 0 ? dictionaryOf(job) : undefined;
  const { bytes: filtered, flat: flatRows } = filterRows(job.rows, 0, rows, rb, prev, job.bpp, job.filter);
  // Of this block's filtered bytes only: the dictionary's were summed by the block before.
  const adler = kernels().adler32(filtered);
  const options: ZlibOptions = {
    level: job.level,
    finishFlush: job.final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
    // The whole result in one output chunk: Node's default 16 KiB chunks cost a call into zlib
    // and a concatenation each.
    chunkSize: deflateBound(length),
  };
  if (dictionary) options.dictionary = dictionary;
  const strategy = job.strategy === 'auto' && 2 * flatRows >= rows ? constants.Z_DEFAULT_STRATEGY : job.strategy;
  return { deflated: deflate(filtered, options, strategy), adler, length, rows: job.rows };
}

function deflate(data: Uint8Array, options: ZlibOptions, strategy: BlockStrategy): Uint8Array {
  if (strategy !== 'auto') return deflateRawSync(data, { ...options, strategy });
  const rle = deflateRawSync(data, { ...options, strategy: constants.Z_RLE });
  if (rle.length >= data.length * AUTO_RECOMPRESS_BELOW) return rle;
  const lz = deflateRawSync(data, { ...options, strategy: constants.Z_FILTERED });
  return lz.length < rle.length ? lz : rle;
}

/**
 * The last WINDOW bytes of filtered stream before the block, rebuilt from the raw history rows:
 * filtering is deterministic, so this equals what the previous block's compressor produced and
 * what a decoder will have in its window.
 */
function dictionaryOf(job: BlockJob): Uint8Array {
  const rb = job.rowBytes;
  const skip = job.historyStartsImage ? 0 : 1;
  const rows = job.history.length / rb - skip;
  const prev = skip === 1 ? job.history.subarray(0, rb) : new Uint8Array(rb);
  const { bytes } = filterRows(job.history, skip * rb, rows, rb, prev, job.bpp, job.filter);
  return bytes.slice(Math.max(0, bytes.length - WINDOW));
}
