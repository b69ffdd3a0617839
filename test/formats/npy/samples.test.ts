/**
 * The real numpy files in samples/npy (made as samples/npy/MAKE.md says) decode to what numpy
 * itself reads from them: per page, `np.ascontiguousarray(page).tobytes()` (bool: `np.packbits`
 * per row), and the shape and dtype numpy reports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ByteSource } from '../../../src/io/byte-source.js';
import { SYSTEM_PYTHON, hasPythonModules, requireTool, run } from '../../helpers/tools.js';
import { decodeAll } from './npy-files.js';

/** samples/npy of the repository: the first ancestor of this (compiled) file that has it. */
function samplesDir(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, 'samples', 'npy'))) return join(d, 'samples', 'npy');
  }
  throw new Error('samples/npy not found above the test file');
}
const SAMPLES = samplesDir();

const NUMPY_READS = String.raw`
import sys, json, numpy as np
out = []
for path in sys.argv[1:]:
    a = np.load(path)
    stack = a.ndim == 4 or (a.ndim == 3 and a.shape[2] > 4)
    pages = list(a) if stack else [a]
    if a.dtype == np.bool_:
        data = b''.join(np.packbits(p.reshape(p.shape[0], -1), axis=1).tobytes() for p in pages)
    else:
        data = b''.join(np.ascontiguousarray(p).tobytes() for p in pages)
    out.append({'shape': list(a.shape), 'descr': a.dtype.str, 'fortran': bool(np.isfortran(a)), 'pages': len(pages), 'hex': data.hex()})
print(json.dumps(out))
`;

test('every sample decodes to the bytes numpy reads from it', async (t) => {
  if (!requireTool(t, hasPythonModules('numpy'), 'python3-numpy (/usr/bin/python3)')) return;
  const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.npy')).sort();
  assert.ok(files.length >= 6, `samples in ${SAMPLES}`);
  const numpy = JSON.parse(run(SYSTEM_PYTHON, ['-c', NUMPY_READS, ...files.map((f) => join(SAMPLES, f))])) as {
    shape: number[];
    descr: string;
    fortran: boolean;
    pages: number;
    hex: string;
  }[];
  for (const [i, f] of files.entries()) {
    const want = numpy[i]!;
    const { decoded, pages } = await decodeAll(await ByteSource.openFile(join(SAMPLES, f)), [5]);
    assert.deepEqual(decoded.header?.['shape'], want.shape, f);
    assert.equal(decoded.header?.['descr'], want.descr, f);
    // np.isfortran is False for C-contiguous arrays; both flags agree for these 2-D+ samples.
    assert.equal(decoded.header?.['fortran_order'], want.fortran, f);
    assert.equal(pages.length, want.pages, f);
    assert.equal(Buffer.concat(pages.map((p) => p.bytes)).toString('hex'), want.hex, f);
  }
});
