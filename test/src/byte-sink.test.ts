import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteSink } from '../../src/io/byte-sink.js';
import { RasterError } from '../../src/errors.js';
import { isDirectoryFd, withFileHandlePatch } from '../helpers/file-handle-patch.js';

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

test('with fsync the file is flushed before the rename and its directory after; without, neither', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'r2i-sink-'));
  const synced: string[] = [];
  type Sync = (this: { fd: number }) => Promise<void>;
  const counting = (original: Sync): Sync =>
    async function (this: { fd: number }) {
      synced.push((await isDirectoryFd(this.fd)) ? 'directory' : 'file');
      return original.call(this);
    };
  try {
    await withFileHandlePatch('sync', counting, async () => {
      const target = join(dir, 'out.bin');
      const plain = await ByteSink.create(target, true);
      await plain.write(Uint8Array.from([1, 2]));
      await plain.commit();
      assert.deepEqual(synced, [], 'no fsync unless asked');
      const durable = await ByteSink.create(target, true, { fsync: true });
      await durable.write(Uint8Array.from([3, 4, 5]));
      await durable.commit();
      assert.deepEqual(synced, ['file', 'directory']);
      assert.deepEqual([...(await readFile(target))], [3, 4, 5]);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('--fsync: a directory that cannot be flushed (EINVAL) is skipped; an I/O error says the file is already in place', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'r2i-sink-'));
  let directoryError = 'EINVAL';
  type Sync = (this: { fd: number }) => Promise<void>;
  const failingOnDirectories = (original: Sync): Sync =>
    async function (this: { fd: number }) {
      if (!(await isDirectoryFd(this.fd))) return original.call(this);
      throw Object.assign(new Error(`${directoryError}: fsync`), { code: directoryError });
    };
  try {
    await withFileHandlePatch('sync', failingOnDirectories, async () => {
      const target = join(dir, 'out.bin');
      const a = await ByteSink.create(target, true, { fsync: true });
      await a.write(Uint8Array.from([1, 2]));
      await a.commit(); // a filesystem without directory fsync: nothing to flush, no error
      assert.deepEqual([...(await readFile(target))], [1, 2]);
      directoryError = 'EIO';
      const b = await ByteSink.create(target, true, { fsync: true });
      await b.write(Uint8Array.from([3]));
      await assert.rejects(b.commit(), (e: unknown) => e instanceof RasterError && e.code === 'E_IO' && /complete and in place, but its directory could not be flushed/.test(e.message));
      assert.deepEqual([...(await readFile(target))], [3], 'the renamed file is kept');
      assert.deepEqual(await readdir(dir), ['out.bin']);
    });
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
