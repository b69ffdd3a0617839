/**
 * The shared worker pool (src/workers/pool.ts): tasks from any module, results and buffers by
 * transfer, failures as RasterError, a crashed worker replaced, closing, and Node options of the
 * parent process that workers refuse.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { RasterError } from '../../src/errors.js';
import { WorkerPool } from '../../src/workers/pool.js';
import { TASKS } from '../helpers/pool-tasks.js';
import { CLI } from '../helpers/cli.js';

type Doubled = { bytes: ArrayBuffer; threadId: number };

test('tasks run on up to `size` workers and hand their buffers back', async () => {
  const pool = new WorkerPool(2);
  try {
    const inputs = Array.from({ length: 6 }, (_, k) => Uint8Array.from({ length: 1000 }, (_, i) => (i + k) & 0x7f));
    const results = await Promise.all(
      inputs.map((a) => {
        const copy = a.slice();
        return pool.run<Doubled>(TASKS.double, { bytes: copy.buffer }, [copy.buffer]);
      }),
    );
    results.forEach((r, k) => assert.deepEqual(new Uint8Array(r.bytes), inputs[k]!.map((v) => v * 2)));
    const threads = new Set(results.map((r) => r.threadId));
    assert.equal(threads.size, 2, `tasks ran on threads ${[...threads].join(', ')}`);
    assert.ok(!threads.has(0), 'not on the main thread');
  } finally {
    await pool.close();
  }
});

test('a task that throws fails alone, as E_IO named by its task, with the cause', async () => {
  const pool = new WorkerPool(1);
  try {
    await assert.rejects(pool.run(TASKS.fail, { why: 'zlib said no' }), (e: unknown) => {
      return e instanceof RasterError && e.code === 'E_IO' && e.message.includes('test task fail failed: zlib said no') && e.cause instanceof Error;
    });
    await assert.rejects(pool.run(TASKS.missing, {}), /exports no task named missing/);
    const r = await pool.run<Doubled>(TASKS.double, { bytes: Uint8Array.of(3).buffer });
    assert.equal(new Uint8Array(r.bytes)[0], 6, 'the worker still serves');
  } finally {
    await pool.close();
  }
});

test('a worker that dies fails the tasks it held; the next task gets a new worker', async () => {
  const pool = new WorkerPool(1);
  try {
    const first = await pool.run<Doubled>(TASKS.double, { bytes: Uint8Array.of(1).buffer });
    await assert.rejects(pool.run(TASKS.crash, {}), (e: unknown) => e instanceof RasterError && e.code === 'E_IO' && /stopped \(exit code 7\)/.test(e.message));
    const after = await pool.run<Doubled>(TASKS.double, { bytes: Uint8Array.of(1).buffer });
    assert.notEqual(after.threadId, first.threadId, 'a fresh thread');
  } finally {
    await pool.close();
  }
});

test('close() rejects the tasks still running with E_ABORTED', async () => {
  const pool = new WorkerPool(1);
  const running = assert.rejects(pool.run(TASKS.sleep, { ms: 5000 }), (e: unknown) => e instanceof RasterError && e.code === 'E_ABORTED');
  await new Promise((r) => setTimeout(r, 100));
  const t0 = Date.now();
  await pool.close();
  await running;
  assert.ok(Date.now() - t0 < 4000, 'close does not wait for the task');
});

test('workers start under Node options they refuse (node --max-old-space-size=… --expose-gc raster2img, --expose-gc-as)', () => {
  // 1200² RGB is 4.3 MB: nine 512 KiB deflate strips, compressed on the pool.
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=512', '--expose-gc', CLI, '--in', '-', '--width', '1200', '--height', '1200', '--layout', 'rgb', '--out', '-', '--format', 'tiff', '--compression', 'deflate'],
    { input: new Uint8Array(1200 * 1200 * 3).map((_, i) => i % 251), maxBuffer: 16 << 20 },
  );
  assert.equal(r.status, 0, r.stderr.toString());
  assert.equal(r.stdout.subarray(0, 4).toString('latin1'), 'II*\0');
  // gc() under another name: the PNG's own thread and its worker use it (a crash before).
  const png = spawnSync(process.execPath, ['--expose-gc-as=collect', CLI, '--in', '-', '--width', '1200', '--height', '1200', '--layout', 'rgb', '--out', '-', '--format', 'png'], {
    input: new Uint8Array(1200 * 1200 * 3).map((_, i) => i % 251),
    maxBuffer: 16 << 20,
  });
  assert.equal(png.status, 0, png.stderr.toString());
  assert.equal(png.stdout.subarray(1, 4).toString('latin1'), 'PNG');
});
