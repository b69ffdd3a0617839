import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ByteSource } from '../../src/io/byte-source.js';
import { RasterError } from '../../src/errors.js';
import { chunkedStream, pseudoRandomBytes } from '../helpers/pages.js';
import { withFileHandlePatch } from '../helpers/file-handle-patch.js';

/** Read everything with a random mix of peek/readInto/skip; returns the bytes seen in order. */
async function drain(src: ByteSource, ops: number[]): Promise<Buffer> {
  const out: Buffer[] = [];
  for (let k = 0; ; k++) {
    const op = ops[k % ops.length]!;
    if (await src.atEnd()) return Buffer.concat(out);
    const kind = op % 3;
    const n = (op >> 2) % 5000 + 1;
    if (kind === 0) {
      const peeked = await src.peek(n);
      const buf = new Uint8Array(n);
      const got = await src.readInto(buf, 0, n);
      assert.deepEqual(buf.subarray(0, Math.min(got, peeked.length)), peeked.subarray(0, Math.min(got, peeked.length)));
      out.push(Buffer.from(buf.subarray(0, got)));
    } else if (kind === 1) {
      const buf = new Uint8Array(n + 300000); // sometimes large enough to bypass the buffer
      const got = await src.readInto(buf, 1, op % 2 ? n : n + 299999);
      out.push(Buffer.from(buf.subarray(1, 1 + got)));
    } else {
      const before = src.position;
      const bytes = await src.peek(n);
      await src.skip(bytes.length, 'test');
      assert.equal(src.position, before + bytes.length);
      out.push(Buffer.from(bytes));
    }
  }
}

test('stream and file sources return the same bytes whatever the chunking and the mix of calls', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'r2i-src-'));
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 700000 }),
        fc.array(fc.integer({ min: 1, max: 70000 }), { minLength: 1, maxLength: 8 }).map((a) => [...a, 997]),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        async (size, sizes, ops) => {
          const bytes = pseudoRandomBytes(size, size + 7);
          const path = join(dir, 'f');
          await writeFile(path, bytes);
          const fromFile = await ByteSource.openFile(path);
          const fromStream = ByteSource.fromStream(chunkedStream(bytes, sizes));
          const a = await drain(fromFile, ops);
          const b = await drain(fromStream, ops);
          await fromFile.close();
          await fromStream.close();
          assert.equal(a.length, size);
          assert.ok(a.equals(bytes));
          assert.ok(b.equals(bytes));
        },
      ),
      { numRuns: 25 },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a short read is E_TRUNCATED at the offset where the input ended, naming what was being read', async () => {
  const src = ByteSource.fromStream(chunkedStream(new Uint8Array(10), [3]), 'in.bin');
  await src.skip(4, 'header');
  await assert.rejects(src.read(8, 'the pixel rows'), (e: unknown) => {
    assert.ok(e instanceof RasterError);
    assert.equal(e.code, 'E_TRUNCATED');
    assert.equal(e.offset, 10);
    assert.equal(e.file, 'in.bin');
    assert.match(e.message, /in\.bin: byte 10: input ends inside the pixel rows: needed 8 bytes, got 6/);
    return true;
  });
});

test('toSeekable spools a stream and keeps positions', async () => {
  const bytes = pseudoRandomBytes(100000, 3);
  const src = ByteSource.fromStream(chunkedStream(bytes, [777]));
  await src.skip(1000, 'header');
  await src.toSeekable();
  const s = src;
  assert.equal(s.seekable, true);
  assert.equal(s.position, 1000);
  assert.equal(s.size, 100000);
  const buf = new Uint8Array(10);
  assert.equal(await s.readAt(buf, 0, 10, 50000), 10);
  assert.deepEqual(buf, bytes.subarray(50000, 50010));
  const next = await s.read(5, 'x');
  assert.deepEqual(next, bytes.subarray(1000, 1005));
  assert.throws(() => s.seek(100001), (e: unknown) => e instanceof RasterError && e.code === 'E_TRUNCATED');
  await s.close();
});

test('toSeekable on a filling disk: short writes are completed, and ENOSPC is an I/O error, not a truncated input', async () => {
  type Write = (this: unknown, b: Uint8Array, off: number, len: number, pos: number) => Promise<{ bytesWritten: number }>;
  let room = Infinity;
  // As a filling disk: never more than 1000 bytes per call, then ENOSPC once the room is used up.
  const filling = (original: Write): Write =>
    async function (this: unknown, b, off, len, pos) {
      if (room <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = Math.min(len, room, 1000);
      room -= n;
      return original.call(this, b, off, n, pos);
    };
  const bytes = pseudoRandomBytes(100000, 5);
  await withFileHandlePatch('write', filling, async () => {
    const ok = ByteSource.fromStream(chunkedStream(bytes, [4096]));
    await ok.toSeekable();
    const back = new Uint8Array(100000);
    assert.equal(await ok.readAt(back, 0, back.length, 0), 100000);
    assert.deepEqual(back, bytes, 'short writes were completed');
    await ok.close();
    room = 30000;
    const full = ByteSource.fromStream(chunkedStream(bytes, [4096]));
    await assert.rejects(full.toSeekable(), (e: unknown) => e instanceof RasterError && e.code === 'E_IO' && /cannot copy the input stream to a temp file in .*ENOSPC/.test(e.message));
    await full.close();
  });
});

test('opening a missing file is E_IO with the OS reason', async () => {
  await assert.rejects(ByteSource.openFile('/nonexistent/x.raw'), (e: unknown) => e instanceof RasterError && e.code === 'E_IO' && /ENOENT/.test(e.message));
});
