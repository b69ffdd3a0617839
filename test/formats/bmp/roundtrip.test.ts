/**
 * Round trips: rows → our BMP encoder (file sink, small bands) → Pillow and libvips, which must
 * show the picture worked out independently in expected.ts. Random cases come from fast-check
 * samples, batched so that one python process reads them all; a failure names the case and the
 * seed (rerun with BMP_TEST_SEED=<seed>).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { bmpEncoder } from '../../../formats/bmp/index.js';
import { describeLayout, type PixelLayout, type Resolution } from '../../../src/model.js';
import { encodeToFile, layout, memoryPage, pseudoRandomBytes } from '../../helpers/pages.js';
import { SYSTEM_PYTHON, hasCommand, hasPythonModules, requireTool } from '../../helpers/tools.js';
import { expectedPicture, inputRowBytes } from './expected.js';
import { checkWithPillow, checkWithVips, type Written } from './oracles.js';

interface Case {
  label: string;
  layout: PixelLayout;
  pixels: Uint8Array;
  bandRows: number;
  dpi?: Resolution | undefined;
}

const FLOAT_RANGE = [0, 1] as const;
const SEED = Number(process.env['BMP_TEST_SEED'] ?? Date.now() % 0x7fffffff);
const RANDOM_CASES = 150;

/** Float samples k/255 (exact on the 8-bit scale), with some below and above the range. */
function floatPixels(l: PixelLayout, seed: number): Uint8Array {
  const n = l.width * l.height * l.channels;
  const noise = pseudoRandomBytes(n, seed);
  const out = new Uint8Array(4 * n);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const b = noise[i]!;
    view.setFloat32(4 * i, b % 17 === 0 ? -0.25 : b % 19 === 0 ? 1.75 : Math.fround(b / 255), l.byteOrder === 'le');
  }
  return out;
}

const dims = { width: fc.integer({ min: 1, max: 70 }), height: fc.integer({ min: 1, max: 20 }), byteOrder: fc.constantFrom('le' as const, 'be' as const) };
const layoutArb: fc.Arbitrary<PixelLayout> = fc.oneof(
  fc.record({ ...dims, bitsPerSample: fc.constantFrom(1, 2, 4, 8, 16), minIsWhite: fc.boolean() }).map((p) => layout(p)),
  fc
    .record({ ...dims, bitsPerSample: fc.constantFrom(1, 2, 4, 8, 16), minIsWhite: fc.boolean() })
    .map((p) => layout({ ...p, channels: 2, alpha: true })),
  fc.record({ ...dims, bitsPerSample: fc.constantFrom(4, 8, 16), alpha: fc.boolean() }).map((p) =>
    layout({ ...p, colorModel: 'rgb', channels: p.alpha ? 4 : 3 }),
  ),
  fc.record(dims).map((p) => layout({ ...p, bitsPerSample: 32, sampleFormat: 'float' })),
);
const caseArb = fc.record({
  layout: layoutArb,
  bandRows: fc.integer({ min: 1, max: 25 }),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
  dpi: fc.option(fc.constantFrom(72, 96, 150, 300, 600, 1200, 2400, 127.5), { nil: undefined }),
});

function randomCases(): Case[] {
  return fc.sample(caseArb, { numRuns: RANDOM_CASES, seed: SEED }).map((c, k) => {
    const l = c.layout;
    const pixels = l.sampleFormat === 'float' ? floatPixels(l, c.seed) : pseudoRandomBytes(inputRowBytes(l) * l.height, c.seed);
    const dpi = c.dpi === undefined ? undefined : { x: c.dpi, y: c.dpi };
    const label = `random #${k} (seed ${SEED}): ${describeLayout(l)}${l.minIsWhite ? ' minIsWhite' : ''}, bands of ${c.bandRows}, dpi ${c.dpi ?? 'none'}`;
    return { label, layout: l, pixels, bandRows: c.bandRows, dpi };
  });
}

/** Rows whose padding to 4 bytes is 1, 2 and 3 bytes (and 0), for each storage. */
function paddingCases(): Case[] {
  const shapes: [string, Partial<PixelLayout>, number[]][] = [
    ['gray 8-bit', {}, [1, 2, 3, 4]], // 1 byte per pixel: padding 3, 2, 1, 0
    ['rgb 8-bit', { colorModel: 'rgb', channels: 3 }, [1, 2, 3, 4]], // 3 bytes per pixel: padding 1, 2, 3, 0
    ['gray 1-bit', { bitsPerSample: 1 }, [1, 9, 17, 32]], // 1, 2, 3, 4 bytes: padding 3, 2, 1, 0
    ['gray 4-bit', { bitsPerSample: 4 }, [1, 3, 5, 8]], // 1, 2, 3, 4 bytes
    ['gray 2-bit (stored 4-bit)', { bitsPerSample: 2 }, [1, 3, 5, 8]],
  ];
  return shapes.flatMap(([name, p, widths]) =>
    widths.map((width, k) => {
      const l = layout({ ...p, width, height: 5 });
      return { label: `padding: ${name} width ${width}`, layout: l, pixels: pseudoRandomBytes(inputRowBytes(l) * 5, 100 + k), bandRows: 2 };
    }),
  );
}

/** 16 rows from black (row 0) to white (row 15). */
function gradientCases(): Case[] {
  const height = 16;
  return [
    ['gray 8-bit', layout({ width: 5, height })],
    ['rgb 8-bit', layout({ width: 5, height, colorModel: 'rgb', channels: 3 })],
    ['gray 1-bit', layout({ width: 12, height, bitsPerSample: 1 })],
  ].map(([name, l]) => {
    const lay = l as PixelLayout;
    const rb = inputRowBytes(lay);
    const pixels = new Uint8Array(rb * height);
    for (let y = 0; y < height; y++) pixels.fill(lay.bitsPerSample === 1 ? (y < 8 ? 0 : 255) : y * 17, y * rb, (y + 1) * rb);
    return { label: `gradient ${String(name)}`, layout: lay, pixels, bandRows: 3 };
  });
}

describe('BMP round trip through Pillow and libvips', () => {
  let dir = '';
  let written = 0;
  const havePillow = () => hasPythonModules('PIL');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'raster2img-bmp-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(cases: Case[]): Promise<Written[]> {
    const out: Written[] = [];
    for (const c of cases) {
      const bmp = join(dir, `case-${written++}.bmp`);
      const info = c.dpi ? { layout: c.layout, resolution: c.dpi } : { layout: c.layout };
      const float = c.layout.sampleFormat === 'float';
      await encodeToFile(bmpEncoder, bmp, [memoryPage(info, c.pixels)], float ? { range: FLOAT_RANGE } : {}, c.bandRows);
      out.push({ label: c.label, bmp, expected: expectedPicture(c.layout, c.pixels, float ? FLOAT_RANGE : undefined), dpi: c.dpi });
    }
    return out;
  }

  it(`${RANDOM_CASES} random layouts read back identically by Pillow`, async (t) => {
    if (!requireTool(t, havePillow(), `${SYSTEM_PYTHON} with PIL`)) return;
    const failures = await checkWithPillow(dir, await write(randomCases()));
    assert.deepEqual(failures, []);
  });

  it('rows padded by 0, 1, 2 and 3 bytes read back identically by Pillow', async (t) => {
    if (!requireTool(t, havePillow(), `${SYSTEM_PYTHON} with PIL`)) return;
    assert.deepEqual(await checkWithPillow(dir, await write(paddingCases())), []);
  });

  it('row order: a gradient whose first row is black comes back with its first row black (Pillow)', async (t) => {
    if (!requireTool(t, havePillow(), `${SYSTEM_PYTHON} with PIL`)) return;
    const files = await write(gradientCases());
    for (const f of files) {
      const firstRow = f.expected.bytes.subarray(0, f.expected.bytes.length / f.expected.height);
      assert.ok(firstRow.every((v) => v === 0), `${f.label}: the test image's first row must be black`);
    }
    assert.deepEqual(await checkWithPillow(dir, files), []);
  });

  it(`padding, gradient and ${RANDOM_CASES} random cases read back identically by vips`, async (t) => {
    if (!requireTool(t, hasCommand('vips'), 'vips (libvips-tools)')) return;
    const cases = [...paddingCases(), ...gradientCases(), ...randomCases()];
    assert.deepEqual(await checkWithVips(dir, await write(cases)), []);
  });

  it('minIsWhite gray+alpha keeps its alpha', async (t) => {
    if (!requireTool(t, havePillow(), `${SYSTEM_PYTHON} with PIL`)) return;
    const cases = ([1, 2, 4, 8, 16] as const).map((bitsPerSample) => {
      const l = layout({ width: 9, height: 4, channels: 2, alpha: true, minIsWhite: true, bitsPerSample, byteOrder: 'be' });
      return { label: `minIsWhite gray+alpha ${bitsPerSample}-bit`, layout: l, pixels: pseudoRandomBytes(inputRowBytes(l) * l.height, 7), bandRows: 3 };
    });
    assert.deepEqual(await checkWithPillow(dir, await write(cases)), []);
  });
});
