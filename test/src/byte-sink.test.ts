import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteSink } from '../../src/io/byte-sink.js';
import { RasterError } from '../../src/errors.js';

test('a file sink writes beside the target and renames only on commit', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'r2i-sink-'));
  try {
    const target = join(dir, 'out.bin');
    await writeFile(target, 'old good file');
    const sink = await ByteSink.create(target, true);
    await sink.write(Uint8Array.from([1, 2, 3, 4]));
    await sink.writeAt(Uint8Array.from([9]), 1);
    assert.equal(await readFile(target, 'utf8'), 'old good file', 'target untouched before commit');
    assert.equal((await readdir(dir)).length, 2, 'temp file sits beside the target');
    await sink.commit();
    assert.deepEqual([...(await readFile(target))], [1, 9, 3, 4]);
    assert.deepEqual(await readdir(dir), ['out.bin']);

    const failed = await ByteSink.create(target, true);
    await failed.write(Uint8Array.from([7, 7]));
    await failed.abort();
    assert.deepEqual([...(await readFile(target))], [1, 9, 3, 4], 'abort keeps the good file');
    assert.deepEqual(await readdir(dir), ['out.bin'], 'abort leaves no temp file');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a sink in a missing directory is E_IO', async () => {
  await assert.rejects(ByteSink.create('/nonexistent-dir/x.tif', true), (e: unknown) => e instanceof RasterError && e.code === 'E_IO');
});

test('the memory sink supports positional writes past the end', async () => {
  const m = ByteSink.memory();
  await m.write(Uint8Array.from([1]));
  await m.writeAt(Uint8Array.from([5]), 3);
  assert.deepEqual([...m.bytes()], [1, 0, 0, 5]);
});
