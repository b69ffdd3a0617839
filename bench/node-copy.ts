/**
 * The bare baseline: copy a file with positional reads and writes of the pipeline's band size,
 * overlapping the next read with the current write, as the pipeline does. `node node-copy.js in out`
 */
import { open } from 'node:fs/promises';
import { DEFAULT_BAND_BYTES } from '../src/pipeline.js';

const [inPath, outPath] = process.argv.slice(2);
if (!inPath || !outPath) throw new Error('usage: node-copy in out');
const inp = await open(inPath, 'r');
const out = await open(outPath, 'w');
const bufs = [Buffer.allocUnsafe(DEFAULT_BAND_BYTES), Buffer.allocUnsafe(DEFAULT_BAND_BYTES)];
let pos = 0;
let which = 0;
let n = (await inp.read(bufs[0]!, 0, bufs[0]!.length, 0)).bytesRead;
while (n > 0) {
  const w = out.write(bufs[which]!, 0, n, pos);
  const r = inp.read(bufs[1 - which]!, 0, bufs[0]!.length, pos + n);
  await w;
  pos += n;
  n = (await r).bytesRead;
  which = 1 - which;
}
await inp.close();
await out.close();
