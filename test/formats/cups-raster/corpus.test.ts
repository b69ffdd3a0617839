/**
 * The sample corpus: every real file in samples/cups-raster decodes completely (and identically
 * whatever the band size); every file in samples/bad/cups-raster fails with the code its name
 * starts with; truncations and random mutations of the real files, and random bytes, end in
 * pages or a RasterError — never another exception, never a hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { RasterError } from '../../../src/errors.js';
import { decodeAll } from './decode.js';

function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'samples', 'cups-raster'))) {
    const up = dirname(d);
    if (up === d) throw new Error('samples/cups-raster not found above the test');
    d = up;
  }
  return d;
}
const root = repoRoot();
const goodDir = join(root, 'samples', 'cups-raster');
const badDir = join(root, 'samples', 'bad', 'cups-raster');
const good = readdirSync(goodDir).filter((f) => /\.(ras|pwg|urf)$/.test(f));
const bad = readdirSync(badDir);

for (const f of good) {
  test(`sample ${f}: every page decodes, the same in bands of 1 and of 64 rows`, async () => {
    const a = await decodeAll(join(goodDir, f), 1);
    const b = await decodeAll(readFileSync(join(goodDir, f)), 64);
    assert.equal(a.length, 2);
    for (const [i, p] of a.entries()) assert.ok(Buffer.from(p.pixels).equals(b[i]!.pixels), `page ${i + 1}`);
  });
}

for (const f of bad) {
  const code = f.split('--')[0]!;
  test(`bad sample ${f} → ${code}`, async () => {
    await assert.rejects(decodeAll(join(badDir, f)), (e: unknown) => e instanceof RasterError && e.code === code && (e.offset ?? 0) <= readFileSync(join(badDir, f)).length);
  });
}

/** Decoding ends in pages or a RasterError; anything else fails the property. */
async function endsWell(bytes: Uint8Array): Promise<boolean> {
  try {
    await decodeAll(bytes, 13, Infinity, 1 << 20);
    return true;
  } catch (e) {
    if (e instanceof RasterError) return true;
    throw e;
  }
}

test('every 37th prefix of every sample ends in pages or a RasterError (E_TRUNCATED when cut inside)', async () => {
  for (const f of good) {
    const bytes = readFileSync(join(goodDir, f));
    for (let n = 0; n < Math.min(bytes.length, 4000); n += 37) assert.ok(await endsWell(bytes.subarray(0, n)), `${f} cut at ${n}`);
  }
});

test('fuzz: mutated samples end in pages or a RasterError', async () => {
  const files = good.map((f) => readFileSync(join(goodDir, f)));
  await fc.assert(
    fc.asyncProperty(
      fc.nat(files.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      async (which, edits) => {
        const bytes = Uint8Array.from(files[which]!);
        // Mutate mostly the header and the first lines, where structure lives.
        for (const [at, v] of edits) bytes[at % Math.min(bytes.length, 2400)] = v;
        return endsWell(bytes);
      },
    ),
    { numRuns: 300 },
  );
});

test('fuzz: random bytes after each sync word end in pages or a RasterError', async () => {
  const syncs = ['RaSt', 'tSaR', 'RaS2', '2SaR', 'RaS3', '3SaR', 'UNIRAST\0\0\0\0\x01'];
  await fc.assert(
    fc.asyncProperty(fc.nat(syncs.length - 1), fc.uint8Array({ maxLength: 2200 }), async (s, body) =>
      endsWell(Buffer.concat([Buffer.from(syncs[s]!, 'latin1'), body])),
    ),
    { numRuns: 300 },
  );
});
