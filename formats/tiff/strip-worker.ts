/**
 * Worker thread body: encodes the strips the pool posts to it (strip-pool.ts) and hands the
 * result back together with the strip buffer, both transferred, so nothing is copied.
 */
import { parentPort } from 'node:worker_threads';
import { encodeStrip, type StripParams } from './strip-codec.js';

export interface StripTask {
  id: number;
  strip: ArrayBuffer;
  rows: number;
  params: StripParams;
}

export interface StripResult {
  id: number;
  strip: ArrayBuffer;
  data: ArrayBuffer;
}

const port = parentPort;
if (port) {
  port.on('message', (t: StripTask) => {
    const data = encodeStrip(new Uint8Array(t.strip), t.rows, t.params);
    const result: StripResult = { id: t.id, strip: t.strip, data: data.buffer as ArrayBuffer };
    port.postMessage(result, [t.strip, result.data]);
  });
}
