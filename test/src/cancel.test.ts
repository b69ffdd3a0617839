/**
 * Cancelling a library conversion whose input is a stream that has stopped sending: the signal
 * must end the wait (a pending read never settled before), for a plain stream and for one that is
 * being spooled to a temp file (planar raw), leaving nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { convert, RasterError } from '../../src/index.js';
import { withTempDir } from '../helpers/temp-dir.js';

test('an AbortSignal cancels a conversion waiting on a silent stream: E_ABORTED at once, no temp file', () =>
  withTempDir('r2i-cancel-', async (dir) => {
    for (const planar of [false, true]) {
      const input = new PassThrough();
      input.write(new Uint8Array(1000)); // a tenth of the image, then silence
      const controller = new AbortController();
      const out = join(dir, `out-${planar}.tif`);
      const conversion = convert(input, out, { width: 100, height: 100, channels: 1, planar, signal: controller.signal });
      const reason = new Error('the caller gave up');
      setTimeout(() => controller.abort(reason), 200);
      const started = Date.now();
      // The signal's reason is the error's cause, as Node's own APIs keep it.
      await assert.rejects(conversion, (e: unknown) => e instanceof RasterError && e.code === 'E_ABORTED' && e.cause === reason);
      assert.ok(Date.now() - started < 5000, 'settled soon after the signal');
      assert.deepEqual(await readdir(dir), [], `planar ${planar}: nothing left`);
    }
  }));
