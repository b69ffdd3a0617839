/**
 * copySwapRB (src/convert/swap-rb.ts): the WebAssembly SIMD copy-and-swap against a plain
 * per-pixel reference, for 3- and 4-byte pixels, at any offsets and lengths (one pixel, fewer
 * than one 16-byte step, many 64 KiB round trips), and the JavaScript fallback where Node runs
 * without WebAssembly (--jitless).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { copySwapRB } from '../../src/convert/swap-rb.js';

function reference(src: Uint8Array, so: number, dst: Uint8Array, d: number, bytes: number, bpp: number): void {
  for (let i = 0; i < bytes; i += bpp) {
    for (let k = 0; k < bpp; k++) dst[d + i + k] = src[so + i + k]!;
    dst[d + i] = src[so + i + 2]!;
    dst[d + i + 2] = src[so + i]!;
  }
}

const caseArb = fc.record({
  bpp: fc.constantFrom(3 as const, 4 as const),
  // Up to 300,000 bytes: several trips through the 64 KiB scratch area.
  pixels: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 75_000 })),
  so: fc.integer({ min: 0, max: 7 }),
  d: fc.integer({ min: 0, max: 7 }),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
});

test('copySwapRB equals a per-pixel swap, and leaves every byte outside its target alone', () => {
  fc.assert(
    fc.property(caseArb, ({ bpp, pixels, so, d, seed }) => {
      const bytes = pixels * bpp;
      let x = seed;
      const src = Uint8Array.from({ length: so + bytes + 5 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24));
      const got = new Uint8Array(d + bytes + 5).fill(0xa5);
      const want = got.slice();
      copySwapRB(src, so, got, d, bytes, bpp);
      reference(src, so, want, d, bytes, bpp);
      assert.ok(Buffer.from(got).equals(Buffer.from(want)), `bpp ${bpp}, ${pixels} pixels, offsets ${so}/${d}`);
    }),
    { numRuns: 300 },
  );
});

test('without WebAssembly (node --jitless) the JavaScript fallback gives the same bytes', () => {
  const module = new URL('../../src/convert/swap-rb.js', import.meta.url).href;
  const script = `
    const { copySwapRB } = await import(${JSON.stringify(module)});
    if (typeof WebAssembly !== 'undefined') throw new Error('WebAssembly is there: the fallback is not under test');
    const src = Uint8Array.from({ length: 3 * 4 * 1001 }, (_, i) => (i * 7) & 255);
    const out = [];
    for (const bpp of [3, 4]) {
      const n = bpp * 1001, dst = new Uint8Array(n);
      copySwapRB(src, 0, dst, 0, n, bpp);
      for (let i = 0; i < n; i += bpp)
        for (let k = 0; k < bpp; k++) if (dst[i + k] !== src[i + (k === 0 ? 2 : k === 2 ? 0 : k)]) throw new Error('bpp ' + bpp + ' byte ' + (i + k));
      out.push(bpp);
    }
    console.log('ok ' + out.join(','));
  `;
  const r = spawnSync(process.execPath, ['--jitless', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'ok 3,4');
});
