/**
 * Streams (stdin): C order is read sequentially; Fortran order is spooled to a temp file on the
 * first row asked for (the source itself switches to the spool, so closing it closes the spool). Also the decoder inside the real
 * pipeline (describeInput, convertFile with --page) with a collecting test encoder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ByteSource } from '../../../src/io/byte-source.js';
import { rowBytes } from '../../../src/model.js';
import type { EncoderPlugin } from '../../../src/plugin.js';
import { FormatRegistry } from '../../../src/registry.js';
import { convertFile, describeInput } from '../../../src/pipeline.js';
import { npyDecoder } from '../../../formats/npy/index.js';
import { decodeAll, expectedPages, rejectsWith, writeNpy, type NpySpec } from './npy-files.js';

/** A stream that hands out `bytes` in chunks of the given sizes, cycling. */
function chunked(bytes: Uint8Array, sizes: readonly number[]): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0, i = 0; at < bytes.length; i++) {
        const n = sizes[i % sizes.length]!;
        yield Buffer.from(bytes.subarray(at, at + n));
        at += n;
      }
    })(),
  );
}

const openFds = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);

const spec = (fortran: boolean): NpySpec => ({
  descr: '>i2',
  shape: [3, 17, 11, 2],
  fortran,
  version: 2,
  data: Uint8Array.from({ length: 3 * 17 * 11 * 2 * 2 }, (_, i) => (i * 37) & 0xff),
});

test('a Fortran array from a stream is spooled, decoded, and the spool closed', async () => {
  const s = spec(true);
  const before = openFds();
  const { pages } = await decodeAll(ByteSource.fromStream(chunked(writeNpy(s), [1, 7, 100, 3])), [4, 9]);
  assert.deepEqual(
    pages.map((p) => new Uint8Array(p.bytes)),
    expectedPages(s),
  );
  assert.equal(openFds(), before, 'no file descriptor left open');
});

test('a C-ordered array from a stream is read sequentially', async () => {
  const s = spec(false);
  const { pages } = await decodeAll(ByteSource.fromStream(chunked(writeNpy(s), [5, 64])), [1, 17]);
  assert.deepEqual(
    pages.map((p) => new Uint8Array(p.bytes)),
    expectedPages(s),
  );
});

test('a truncated Fortran stream is E_TRUNCATED once spooled, with expected and actual bytes', async () => {
  const file = writeNpy(spec(true));
  const before = openFds();
  const src = ByteSource.fromStream(chunked(file.subarray(0, file.length - 5), [50]));
  const pages = (await npyDecoder.open(src, {})).pages()[Symbol.asyncIterator]();
  const page = (await pages.next()).value!;
  const e = await rejectsWith(page.readRows(new Uint8Array(rowBytes(page.info.layout)), 1), 'E_TRUNCATED');
  assert.equal(e.expected, 3 * 17 * 11 * 2 * 2);
  assert.equal(e.actual, 3 * 17 * 11 * 2 * 2 - 5);
  assert.equal(e.offset, file.length - 5);
  await pages.return!(undefined); // what a for-await loop does when its body throws
  await src.close(); // the spool became this source's file: its owner closes it, as the pipeline does
  assert.equal(openFds(), before, 'the spool is closed with the source');
});

/** An encoder that keeps the rows it is given, in the decoder's own layout. */
function collector(into: Buffer[][]): EncoderPlugin {
  return {
    name: 'collect',
    description: 'test',
    extensions: ['.collect'],
    mimeType: 'application/octet-stream',
    multiPage: true,
    needsSeekableOutput: false,
    async create() {
      return {
        plan: (info) => ({ layout: info.layout, notices: [] }),
        async beginPage(info) {
          const rows: Buffer[] = [];
          into.push(rows);
          return {
            async writeRows(src, n) {
              rows.push(Buffer.from(src.subarray(0, n * rowBytes(info.layout))));
            },
            async finish() {},
          };
        },
        async finish() {},
      };
    },
  };
}

test('in the pipeline: --info shows the header and interpretation; --page picks one page of a stdin stream', async () => {
  const registry = new FormatRegistry().addDecoder(npyDecoder);
  const collected: Buffer[][] = [];
  registry.addEncoder(collector(collected));
  const info = await describeInput(registry, writeNpy(spec(true)));
  assert.equal(info['format'], 'npy');
  assert.deepEqual(info['header'], { version: '2.0', descr: '>i2', fortran_order: true, shape: [3, 17, 11, 2], interpretation: '(N, H, W, C)' });
  const pages = info['pages'] as Record<string, unknown>[];
  assert.equal(pages.length, 3);
  assert.deepEqual(
    [pages[2]!['width'], pages[2]!['height'], pages[2]!['channels'], pages[2]!['byteOrder'], pages[2]!['sampleFormat']],
    [11, 17, 2, 'be', 'int'],
  );

  const dir = await mkdtemp(join(tmpdir(), 'r2i-npy-pipe-'));
  try {
    for (const fortran of [false, true]) {
      collected.length = 0;
      const s = spec(fortran);
      const r = await convertFile(registry, chunked(writeNpy(s), [33]), join(dir, 'out.collect'), { page: 2, bandBytes: 100 });
      assert.equal(r.from, 'npy');
      assert.equal(collected.length, 1);
      assert.deepEqual(new Uint8Array(Buffer.concat(collected[0]!)), expectedPages(s)[1], `fortran ${fortran}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
