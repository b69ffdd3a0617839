/**
 * The StripQueue of a compressed page: strips encoded on the shared worker pool when the page has
 * enough of them to pay for the threads, else on this thread one at a time.
 */
import type { ByteSink } from '../../src/io/byte-sink.js';
import { sharedWorkerPool } from '../../src/workers/pool.js';
import { ResultBuffers } from '../../src/workers/result-buffers.js';
import { encodeStrip, type StripParams } from './strip-codec.js';
import { encodeStripOnPool } from './strip-task.js';
import { StripQueue, type StripEncoder, type StripGeometry } from './strip-queue.js';

/**
 * Size of the buffers that worker results come back in: deflate and PackBits can add a little to
 * incompressible data; LZW can add more, and such a strip simply comes in a buffer of its own.
 */
function stripResultBytes(stripBytes: number): number {
  return stripBytes + (stripBytes >> 7) + 1024;
}

/** Strips in flight per worker: one being encoded, one waiting, so no worker ever idles. */
const STRIPS_PER_WORKER = 2;

/** The strips of a page compressed as params say; `parallel`: on the worker pool. */
export function compressedStrips(sink: ByteSink, params: StripParams, geometry: StripGeometry, parallel: boolean): StripQueue {
  if (!parallel) {
    const inline: StripEncoder = async (strip, rows) => ({ data: encodeStrip(strip, rows, params), strip });
    return new StripQueue(sink, inline, 1, geometry);
  }
  const pool = sharedWorkerPool();
  const encode: StripEncoder = (strip, rows, out) => encodeStripOnPool(pool, strip, rows, params, out);
  const results = new ResultBuffers(stripResultBytes(geometry.rowsPerStrip * geometry.rowBytes));
  return new StripQueue(sink, encode, pool.size * STRIPS_PER_WORKER, geometry, results);
}
