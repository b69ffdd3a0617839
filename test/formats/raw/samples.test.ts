/**
 * The bundled raw samples (made by ImageMagick, samples/raw/MAKE.md) decode to exactly the pixels
 * of ImageMagick's own PNG of the same image, read by pngjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { openInput } from '../../../src/index.js';
import { rowBytes } from '../../../src/model.js';

const SAMPLES = join(process.cwd(), 'samples', 'raw');

async function decodeRows(file: string, options: Record<string, unknown>) {
  const opened = await openInput(join(SAMPLES, file), options);
  try {
    for await (const page of opened.decoded.pages()) {
      const l = page.info.layout;
      const out = new Uint8Array(rowBytes(l) * l.height);
      let y = 0;
      const band = new Uint8Array(rowBytes(l) * 16);
      for (let n; (n = await page.readRows(band, 16)) > 0; y += n) out.set(band.subarray(0, n * rowBytes(l)), y * rowBytes(l));
      return { layout: l, rows: out };
    }
  } finally {
    await opened.close();
  }
  throw new Error('no page');
}

test('wizard: 16-bit big-endian RGB after an 1800-byte header equals ImageMagick’s 16-bit PNG', async () => {
  const { layout, rows } = await decodeRows('wizard-rgb16be-1800.raw', { width: 240, height: 320, layout: 'rgb', depth: '16', endian: 'big', offset: 1800 });
  assert.equal(layout.byteOrder, 'be');
  const ref = pngjs.PNG.sync.read(readFileSync(join(SAMPLES, 'wizard-rgb16-reference.png')), { skipRescale: true });
  const refData = ref.data as unknown as Uint16Array; // pngjs gives RGBA; 16-bit as Uint16Array with skipRescale
  const view = Buffer.from(rows);
  let diffs = 0;
  for (let p = 0; p < 240 * 320; p++)
    for (let c = 0; c < 3; c++) if (view.readUInt16BE((p * 3 + c) * 2) !== refData[p * 4 + c]) diffs++;
  assert.equal(diffs, 0);
});

test('rose: BGRA bytes come out as RGBA equal to ImageMagick’s PNG', async () => {
  const { layout, rows } = await decodeRows('rose-bgra8.raw', { width: 70, height: 46, layout: 'bgra' });
  assert.equal(layout.channels, 4);
  const ref = pngjs.PNG.sync.read(readFileSync(join(SAMPLES, 'rose-reference.png')));
  assert.ok(Buffer.from(rows).equals(ref.data));
});
