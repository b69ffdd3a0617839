/**
 * Files written by numpy itself (Debian's python3-numpy, numpy.lib.format.write_array) for every
 * supported dtype × shape kind × byte order × C/Fortran order × format version 1.0/2.0/3.0; the
 * decoded rows of each page must equal numpy's own `np.ascontiguousarray(page).tobytes()`
 * (bool: `np.packbits` of each row, which also reads any non-zero byte as True).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteSource } from '../../../src/io/byte-source.js';
import { SYSTEM_PYTHON, hasPythonModules, requireTool, run } from '../../helpers/tools.js';
import { decodeAll } from './npy-files.js';

/** Writes the matrix into argv[1] and prints a JSON manifest. */
const MAKE_MATRIX = String.raw`
import sys, json, numpy as np
from numpy.lib import format as F
out = sys.argv[1]
rng = np.random.default_rng(20240611)
descrs = ['|b1', '|u1', '|i1', '<u2', '>u2', '<i2', '>i2', '<f4', '>f4']
# (shape, pages axis?) : 2-D, 3-D with channels 1..4, 3-D stack (last axis > 4), 4-D stack with channels
shapes = [(5, 13), (4, 9, 1), (4, 9, 2), (6, 11, 3), (3, 7, 4), (3, 5, 6), (2, 4, 5, 3)]
manifest = []
for d in descrs:
    dt = np.dtype(d)
    for shape in shapes:
        n = int(np.prod(shape))
        if d == '|b1':
            # bool bytes other than 0/1 are True to numpy; make sure some appear.
            raw = rng.choice(np.array([0, 0, 1, 2, 255], dtype=np.uint8), n).tobytes()
        else:
            raw = rng.bytes(n * dt.itemsize)
        a = np.frombuffer(raw, dtype=dt).reshape(shape)
        stack = len(shape) == 4 or (len(shape) == 3 and shape[2] > 4)
        pages = list(a) if stack else [a]
        if d == '|b1':
            expected = b''.join(np.packbits(p.view(np.uint8).reshape(p.shape[0], -1) != 0, axis=1).tobytes() for p in pages)
        else:
            expected = b''.join(np.ascontiguousarray(p).tobytes() for p in pages)
        for fortran in (False, True):
            arr = np.asfortranarray(a) if fortran else np.ascontiguousarray(a)
            for v in (1, 2, 3):
                order = {'|': 'n', '<': 'le', '>': 'be'}[d[0]]
                name = 'a_%s%s_%s_%s_v%d.npy' % (order, d[1:], 'x'.join(map(str, shape)), 'F' if fortran else 'C', v)
                with open(out + '/' + name, 'wb') as f:
                    F.write_array(f, arr, version=(v, 0))
                with open(out + '/' + name + '.expected', 'wb') as f:
                    f.write(expected)
                manifest.append({'file': name, 'descr': d, 'shape': list(shape), 'fortran': fortran, 'version': v, 'pages': len(pages)})
print(json.dumps(manifest))
`;

interface Entry {
  file: string;
  descr: string;
  shape: number[];
  fortran: boolean;
  version: number;
  pages: number;
}

test('numpy-written files decode to numpy’s own bytes, for every dtype, shape, order and version', async (t) => {
  if (!requireTool(t, hasPythonModules('numpy'), 'python3-numpy (/usr/bin/python3)')) return;
  const dir = await mkdtemp(join(tmpdir(), 'r2i-npy-oracle-'));
  try {
    const manifest = JSON.parse(run(SYSTEM_PYTHON, ['-c', MAKE_MATRIX, dir])) as Entry[];
    assert.equal(manifest.length, 9 * 7 * 2 * 3);
    for (const e of manifest) {
      const path = join(dir, e.file);
      const expected = await readFile(path + '.expected');
      const { decoded, pages } = await decodeAll(await ByteSource.openFile(path), [2, 5, 1]);
      const what = e.file;
      assert.equal(pages.length, e.pages, `${what}: pages`);
      assert.deepEqual(
        decoded.header && { ...decoded.header, interpretation: undefined },
        { version: `${e.version}.0`, descr: e.descr, fortran_order: e.fortran, shape: e.shape, interpretation: undefined },
        `${what}: header`,
      );
      assert.ok(Buffer.concat(pages.map((p) => p.bytes)).equals(expected), `${what}: decoded rows differ from numpy's`);
      const l = pages[0]!.info.layout;
      const channels = e.shape.length === 2 || (e.shape.length === 3 && e.pages > 1) ? 1 : e.shape[e.shape.length - 1]!;
      assert.equal(l.channels, channels, `${what}: channels`);
      assert.equal(l.width * l.height * channels * e.pages, e.shape.reduce((a, b) => a * b), `${what}: element count`);
      assert.equal(l.bitsPerSample, e.descr === '|b1' ? 1 : Number(e.descr.slice(2)) * 8, `${what}: bits`);
      assert.equal(l.sampleFormat, { b: 'uint', u: 'uint', i: 'int', f: 'float' }[e.descr[1]!], `${what}: sample format`);
      if (e.descr[0] !== '|') assert.equal(l.byteOrder, e.descr[0] === '<' ? 'le' : 'be', `${what}: byte order`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
