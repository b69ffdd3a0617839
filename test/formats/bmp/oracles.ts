/**
 * Independent BMP readers for the round-trip tests: Pillow (Debian's python3, one process for a
 * whole batch of files) and libvips (one `vips arrayjoin` per batch; it reads BMP through ImageMagick).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SYSTEM_PYTHON, run } from '../../helpers/tools.js';
import type { Picture } from './expected.js';

/** One written BMP and what it must show. */
export interface Written {
  /** Human description of the case, printed with any mismatch. */
  label: string;
  bmp: string;
  expected: Picture;
  /** Resolution the file must state, in dpi; undefined = none stated (0 pixels per metre). */
  dpi?: { x: number; y: number } | undefined;
}

/** First difference between two sample buffers of a picture, or undefined when equal. */
export function firstDifference(want: Picture, got: Uint8Array): string | undefined {
  if (got.length !== want.bytes.length) return `${got.length} bytes of samples, expected ${want.bytes.length}`;
  const i = want.bytes.findIndex((v, k) => got[k] !== v);
  if (i < 0) return undefined;
  const ch = want.mode.length === 4 ? 4 : want.mode === 'RGB' ? 3 : 1;
  const px = Math.floor(i / ch);
  return `first difference at x=${px % want.width} y=${Math.floor(px / want.width)} channel ${i % ch}: got ${got[i]}, expected ${want.bytes[i]}`;
}

const PIL_SCRIPT = String.raw`
import json, sys
from PIL import Image
GRAY = ('1', 'L', 'P')
out = []
for c in json.load(open(sys.argv[1])):
    problems = []
    try:
        im = Image.open(c['bmp'])
        im.load()
        if im.size != (c['width'], c['height']):
            problems.append('size %r, expected %r' % (im.size, (c['width'], c['height'])))
        native = 'L' if im.mode in GRAY else im.mode
        if native != c['mode']:
            problems.append('Pillow mode %s, expected %s' % (im.mode, c['mode']))
        else:
            got = im.convert(c['mode']).tobytes()
            want = open(c['expected'], 'rb').read()
            if got != want:
                open(c['expected'] + '.got', 'wb').write(got)
                problems.append('samples differ')
        dpi = im.info.get('dpi', (0, 0))
        if any(abs(a - b) > 0.02 for a, b in zip(dpi, c['dpi'])):
            problems.append('dpi %r, expected %r' % (dpi, c['dpi']))
    except Exception as e:
        problems.append('Pillow failed: %r' % (e,))
    if problems:
        out.append({'bmp': c['bmp'], 'problems': problems})
print(json.dumps(out))
`;

/**
 * Read every file with Pillow in one python process; returns one line per file that does not
 * show its expected picture (size, mode, samples, dpi), empty when all match.
 */
export async function checkWithPillow(dir: string, files: Written[]): Promise<string[]> {
  const manifest = await Promise.all(
    files.map(async (f, k) => {
      const expected = join(dir, `expected-${k}.raw`);
      await writeFile(expected, f.expected.bytes);
      const { mode, width, height } = f.expected;
      return { bmp: f.bmp, expected, mode, width, height, dpi: f.dpi ? [f.dpi.x, f.dpi.y] : [0, 0] };
    }),
  );
  const manifestPath = join(dir, 'pillow-manifest.json');
  await writeFile(manifestPath, JSON.stringify(manifest));
  const failures = JSON.parse(run(SYSTEM_PYTHON, ['-c', PIL_SCRIPT, manifestPath])) as { bmp: string; problems: string[] }[];
  const lines: string[] = [];
  for (const bad of failures) {
    const k = files.findIndex((f) => f.bmp === bad.bmp);
    const f = files[k]!;
    const detail: string[] = [];
    for (const p of bad.problems) {
      if (p !== 'samples differ') detail.push(p);
      else detail.push(`Pillow: ${firstDifference(f.expected, new Uint8Array(await readFile(`${manifest[k]!.expected}.got`)))}`);
    }
    lines.push(`${f.label}: ${detail.join('; ')}`);
  }
  return lines;
}

/**
 * Read the files with libvips, one `vips arrayjoin` per band count (RGBA files, and the others):
 * arrayjoin --across 1 stacks the images top-left aligned in cells of the largest width × height
 * and saves them as one raw band-interleaved image, cut apart here. ImageMagick, which libvips reads
 * BMP through, may hand gray over as 1 band or as 3 equal bands; both are accepted.
 * Returns one line per file that does not show its expected picture.
 */
export async function checkWithVips(dir: string, files: Written[]): Promise<string[]> {
  const lines: string[] = [];
  const groups = [files.filter((f) => f.expected.mode === 'RGBA'), files.filter((f) => f.expected.mode !== 'RGBA')];
  for (const [g, group] of groups.entries()) {
    if (group.length === 0) continue;
    const raw = join(dir, `vips-${g}.raw`);
    run('vips', ['arrayjoin', group.map((f) => f.bmp).join(' '), raw, '--across', '1', '--halign', 'low', '--valign', 'low']);
    const joined = new Uint8Array(await readFile(raw));
    const cellW = Math.max(...group.map((f) => f.expected.width));
    const cellH = Math.max(...group.map((f) => f.expected.height));
    const bands = joined.length / (cellW * cellH * group.length);
    for (const [k, f] of group.entries()) {
      const { width, height } = f.expected;
      const got = new Uint8Array(width * height * bands);
      for (let y = 0; y < height; y++) {
        const from = ((k * cellH + y) * cellW) * bands;
        got.set(joined.subarray(from, from + width * bands), y * width * bands);
      }
      const want = f.expected.mode === 'L' && bands === 3 ? { ...f.expected, mode: 'RGB' as const, bytes: spreadGray(f.expected.bytes) } : f.expected;
      const diff = firstDifference(want, got);
      if (diff) lines.push(`${f.label}: vips (${bands} bands): ${diff}`);
    }
  }
  return lines;
}

function spreadGray(gray: Uint8Array): Uint8Array {
  const out = new Uint8Array(gray.length * 3);
  for (let i = 0; i < gray.length; i++) out.fill(gray[i]!, 3 * i, 3 * i + 3);
  return out;
}
