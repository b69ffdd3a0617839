/**
 * Measures the PNG encoder's zlib strategy × level × filter choices on realistic images, next to
 * vips (no filter, level 6) and ImageMagick (libpng adaptive filters, its default level 7) in the
 * same run, to choose the encoder's defaults (formats/png/options.ts). Not run by the tests.
 * ImageMagick writes a palette PNG when an image has ≤ 256 colours; sizes are compared with its
 * PNG24 (truecolor) output, which is what adaptive filtering alone achieves.
 *
 * Images (8000×8000 8-bit RGB, 192 MB of samples, made once into $PNG_BENCH_DIR, default
 * /tmp/raster2img-png-bench, as vips .v files whose samples start at byte 64):
 *   page   CUPS's default test page (/usr/share/cups/data/default-testpage.pdf) rendered by
 *          Ghostscript at 970 dpi with anti-aliasing, top-left 8000² (a rendered page);
 *   scan   the page at 90 % contrast on 12/255 grey paper plus Gaussian noise σ 3 per channel;
 *   photo  a 720×477 JPEG photograph (f3.jpg of the Rust embedded book, or $PNG_BENCH_PHOTO)
 *          upscaled ×16.78 (Lanczos 3), centre 8000², plus sensor-like noise σ 5 per channel;
 *   smooth the same upscaled photograph without the noise;
 *   synthetic  bench/run.ts's photo-like input (value noise, gradient, grain; repeats every 512 rows).
 *
 * Ours runs in this process through the real pipeline (convertFile), reading the .v file with a
 * 20-line decoder defined here; vips and ImageMagick run as child processes under GNU time. Each
 * row gives wall seconds, CPU seconds (user + sys, every thread) and the file size, with ratios
 * to vips's time and to ImageMagick's size.
 *
 * Sections: matrix (every case once, pixels of every output checked with vips), speed (best of
 * --speed-runs alternating runs of vips and our defaults).
 *
 * Usage: node .build/<dir>/bench/png-strategies.js [--sections matrix,speed]
 *          [--images page,scan,…] [--cases REGEXP] [--runs 1] [--speed-runs 3] [--quick]
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { convertFile } from '../src/pipeline.js';
import { FormatRegistry } from '../src/registry.js';
import { RawRowReader } from '../src/rows/raw-rows.js';
import type { DecoderPlugin, EncoderPlugin, Options } from '../src/plugin.js';
import { makePngEncoder } from '../formats/png/index.js';
import { DEFAULT_TUNING, type PngTuning } from '../formats/png/encoder.js';
import { makePhotoLikeBand } from './photo-like.js';

const DIR = process.env['PNG_BENCH_DIR'] ?? '/tmp/raster2img-png-bench';
const SIDE = 8000;
const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const IMAGES = (arg('images') ?? 'page,scan,photo,smooth,synthetic').split(',');
const RUNS = Number(arg('runs') ?? '1');
const SPEED_RUNS = Number(arg('speed-runs') ?? '3');
const SECTIONS = (arg('sections') ?? 'matrix,speed').split(',');
/** Only the matrix cases whose name matches (e.g. --cases ' (up|paeth) '). */
const CASES = new RegExp(arg('cases') ?? '');
const QUICK = args.includes('--quick');

function sh(cmd: string, argv: string[]): string {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------
// Test images

function findPhoto(): string | undefined {
  if (process.env['PNG_BENCH_PHOTO']) return process.env['PNG_BENCH_PHOTO'];
  const rustup = join(process.env['HOME'] ?? '/root', '.rustup/toolchains');
  if (!existsSync(rustup)) return undefined;
  for (const tc of readdirSync(rustup)) {
    const p = join(rustup, tc, 'share/doc/rust/html/embedded-book/assets/f3.jpg');
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** 3-band Gaussian noise image (σ, seed) as a .v file. */
function noise(out: string, sigma: number, seed: number): void {
  const bands = [0, 1, 2].map((i) => join(DIR, `noise-${i}.v`));
  bands.forEach((b, i) => sh('vips', ['gaussnoise', b, String(SIDE), String(SIDE), '--sigma', String(sigma), '--mean', '0', '--seed', String(seed + i)]));
  sh('vips', ['bandjoin', bands.join(' '), out]);
  bands.forEach((b) => rmSync(b));
}

function makeImages(): void {
  mkdirSync(DIR, { recursive: true });
  const tmp = (n: string) => join(DIR, `tmp-${n}.v`);
  const page = join(DIR, 'page.v');
  if (!existsSync(page)) {
    const png = join(DIR, 'page-full.png');
    sh('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-sDEVICE=png16m', '-r970', '-dTextAlphaBits=4', '-dGraphicsAlphaBits=4', `-sOutputFile=${png}`, '/usr/share/cups/data/default-testpage.pdf']);
    sh('vips', ['crop', png, page, '0', '0', String(SIDE), String(SIDE)]);
    rmSync(png);
  }
  if (!existsSync(join(DIR, 'scan.v'))) {
    noise(tmp('n'), 3, 11);
    sh('vips', ['linear', page, tmp('paper'), '0.9', '12']);
    sh('vips', ['add', tmp('paper'), tmp('n'), tmp('sum')]);
    sh('vips', ['cast', tmp('sum'), join(DIR, 'scan.v'), 'uchar']);
  }
  if (!existsSync(join(DIR, 'smooth.v')) || !existsSync(join(DIR, 'photo.v'))) {
    const photo = findPhoto();
    if (photo) {
      sh('vips', ['resize', photo, tmp('big'), '16.78', '--kernel', 'lanczos3']);
      sh('vips', ['crop', tmp('big'), join(DIR, 'smooth.v'), '2000', '0', String(SIDE), String(SIDE)]);
    } else {
      console.log("no photograph found: using ImageMagick's built-in rose: upscaled (a weak stand-in)");
      sh('/usr/bin/convert', ['rose:', '-resize', `${SIDE}x${SIDE}!`, join(DIR, 'rose.png')]);
      sh('vips', ['copy', join(DIR, 'rose.png'), join(DIR, 'smooth.v')]);
    }
    noise(tmp('n'), 5, 1);
    sh('vips', ['add', join(DIR, 'smooth.v'), tmp('n'), tmp('sum')]);
    sh('vips', ['cast', tmp('sum'), join(DIR, 'photo.v'), 'uchar']);
  }
  if (!existsSync(join(DIR, 'synthetic.v'))) {
    // bench/run.ts's input: value noise, gradient and grain, repeating every 512 rows.
    const raw = join(DIR, 'tmp-synthetic.raw');
    const period = 512;
    const tile = makePhotoLikeBand(SIDE, period, 8);
    const fd = openSync(raw, 'w');
    for (let y = 0; y < SIDE; y += period) writeSync(fd, tile, 0, Math.min(period, SIDE - y) * SIDE * 3);
    closeSync(fd);
    sh('vips', ['rawload', raw, join(DIR, 'synthetic.v'), String(SIDE), String(SIDE), '3']);
  }
  for (const f of readdirSync(DIR)) if (f.startsWith('tmp-')) rmSync(join(DIR, f));
}

/**
 * Debian's ImageMagick policy caps its pixel cache (256 MiB memory, 1 GiB disk), too little for
 * 8000² at 16 bits per sample: give convert a copy of the policy with larger caches.
 */
function imageMagickEnv(): NodeJS.ProcessEnv {
  const dir = join(DIR, 'im-policy');
  mkdirSync(dir, { recursive: true });
  const policy = readFileSync('/etc/ImageMagick-6/policy.xml', 'utf8')
    .replace(/(name="memory" value=)"[^"]*"/, '$1"4GiB"')
    .replace(/(name="map" value=)"[^"]*"/, '$1"8GiB"')
    .replace(/(name="disk" value=)"[^"]*"/, '$1"16GiB"');
  writeFileSync(join(dir, 'policy.xml'), policy);
  return { ...process.env, MAGICK_CONFIGURE_PATH: dir };
}

// ---------------------------------------------------------------------------------------------
// Our encoder through the pipeline, reading vips .v files

/** vips .v: 64-byte header (little-endian here: magic b6 a6 f2 08, width, height, bands), then samples. */
const vipsDecoder: DecoderPlugin = {
  name: 'bench-v',
  description: 'uchar vips .v file (benchmark only)',
  extensions: ['.v'],
  async open(src) {
    const head = await src.read(64, 'vips header');
    const view = new DataView(head.buffer);
    const [width, height, channels] = [view.getInt32(4, true), view.getInt32(8, true), view.getInt32(12, true)];
    const layout = { width, height, channels, bitsPerSample: 8, sampleFormat: 'uint', colorModel: channels === 1 ? 'gray' : 'rgb', alpha: false, byteOrder: 'le' } as const;
    return {
      format: 'bench-v',
      async *pages() {
        const rows = new RawRowReader(src, { rowBytes: width * channels, stride: width * channels, height });
        yield { info: { layout }, readRows: (dst: Uint8Array, n: number) => rows.readRows(dst, n) };
      },
    };
  },
};

interface Result {
  wall: number;
  cpu: number;
  bytes: number;
}

async function ours(input: string, out: string, options: Options, tuning: PngTuning = DEFAULT_TUNING): Promise<Result> {
  const encoder: EncoderPlugin = makePngEncoder(tuning);
  const registry = new FormatRegistry().addDecoder(vipsDecoder).addEncoder(encoder);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await convertFile(registry, input, out, { ...options, from: 'bench-v' });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, bytes: statSync(out).size };
}

function timed(cmd: string, argv: string[], out: string, env: NodeJS.ProcessEnv = process.env): Result {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', cmd, ...argv], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const [wall, user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall: wall!, cpu: user! + sys!, bytes: statSync(out).size };
}

/** IHDR colour type of a PNG file (3 = palette). */
function colorType(png: string): number {
  return readFileSync(png)[25]!;
}

/** Every sample of out.png equals the .v input (vips decodes the PNG: an independent check of every run). */
function samePixels(input: string, png: string): boolean {
  const eq = join(DIR, 'tmp-eq.v');
  sh('vips', ['relational', input, png, eq, 'equal']);
  const min = Number(sh('vips', ['min', eq]).trim());
  rmSync(eq);
  return min === 255;
}

// ---------------------------------------------------------------------------------------------

interface Case {
  name: string;
  options: Options;
  tuning?: PngTuning;
}

function caseOf(filter: string, strategy: string, level: number, tuning?: PngTuning): Case {
  return {
    name: `ours ${filter} ${strategy} ${level}${tuning ? ` workers=${tuning.workers}` : ''}`,
    options: { pngFilter: filter, pngStrategy: strategy, level },
    ...(tuning ? { tuning } : {}),
  };
}

/** The defaults (formats/png/options.ts). */
const OURS_DEFAULT = caseOf('adaptive', 'auto', 6);

function cases(): Case[] {
  const list: Case[] = [OURS_DEFAULT];
  const add = (filter: string, strategy: string, level: number, tuning?: PngTuning) => list.push(caseOf(filter, strategy, level, tuning));
  // Z_FILTERED changes only zlib's lazy matcher (levels ≥ 4); Z_RLE and Z_HUFFMAN_ONLY ignore the
  // level; auto uses it only for the blocks it recompresses. Level 9 of the default strategy is
  // left out: on the smooth photograph it takes minutes (105 s of CPU in a first run).
  for (const level of QUICK ? [1, 6] : [1, 3, 4, 6]) add('adaptive', 'default', level);
  for (const level of QUICK ? [6] : [4, 6, 9]) add('adaptive', 'filtered', level);
  add('adaptive', 'rle', 6);
  add('adaptive', 'huffman', 6);
  for (const level of QUICK ? [1] : [1, 9]) add('adaptive', 'auto', level);
  add('none', 'default', 6);
  for (const filter of QUICK ? ['none'] : ['none', 'sub', 'up', 'average', 'paeth']) add(filter, 'auto', 6);
  add('adaptive', 'auto', 6, { ...DEFAULT_TUNING, workers: 0 });
  return list;
}

function fmt(r: Result, vips: Result, im: Result): string {
  return [
    r.wall.toFixed(2).padStart(7),
    r.cpu.toFixed(2).padStart(7),
    (r.bytes / 1e6).toFixed(2).padStart(8),
    (vips.wall / r.wall).toFixed(2).padStart(9),
    (r.bytes / im.bytes).toFixed(3).padStart(8),
  ].join(' ');
}

/** Every strategy × level × filter case of ours next to vips and ImageMagick, per image. */
async function matrix(out: string): Promise<void> {
  const imEnv = imageMagickEnv();
  console.log(`${'case'.padEnd(40)}    wall     cpu       MB   vips/us  size/IM24`);
  for (const image of IMAGES) {
    const input = join(DIR, `${image}.v`);
    for (let run = 1; run <= RUNS; run++) {
      console.log(`--- ${image}${RUNS > 1 ? ` run ${run}` : ''}`);
      const vips = timed('vips', vipsArgs(input, out), out);
      const imArgs = ['-size', `${SIDE}x${SIDE}+64`, '-depth', '8', `rgb:${input}`];
      const imAuto = timed('/usr/bin/convert', [...imArgs, out], out, imEnv);
      const imType = colorType(out);
      // PNG24: keeps ImageMagick from writing a palette image, which is not a filtering matter.
      const im = timed('/usr/bin/convert', [...imArgs, `PNG24:${out}`], out, imEnv);
      console.log(`${'vips no filter, level 6'.padEnd(40)} ${fmt(vips, vips, im)}`);
      console.log(`${`ImageMagick default (colour type ${imType})`.padEnd(40)} ${fmt(imAuto, vips, im)}`);
      console.log(`${'ImageMagick PNG24 (libpng adaptive, 7)'.padEnd(40)} ${fmt(im, vips, im)}`);
      for (const c of cases().filter((k) => CASES.test(k.name))) {
        const r = await ours(input, out, c.options, c.tuning);
        console.log(`${c.name.padEnd(40)} ${fmt(r, vips, im)}${samePixels(input, out) ? '' : '  PIXELS DIFFER'}`);
      }
    }
  }
}

/** Wall time on a shared machine is noisy: alternate vips and our defaults and keep the best of each. */
async function speed(out: string): Promise<void> {
  console.log(`--- best wall time of ${SPEED_RUNS} alternating runs, vips (no filter, level 6) against our defaults`);
  for (const image of IMAGES) {
    const input = join(DIR, `${image}.v`);
    let bestVips = Infinity;
    let bestOurs = Infinity;
    for (let k = 0; k < SPEED_RUNS; k++) {
      bestVips = Math.min(bestVips, timed('vips', vipsArgs(input, out), out).wall);
      bestOurs = Math.min(bestOurs, (await ours(input, out, OURS_DEFAULT.options)).wall);
    }
    console.log(`${image.padEnd(10)} vips ${bestVips.toFixed(2)} s, ours ${bestOurs.toFixed(2)} s: ${(bestVips / bestOurs).toFixed(2)}× faster`);
  }
}

async function main(): Promise<void> {
  makeImages();
  const out = join(DIR, 'out.png');
  console.log(`load average at start: ${sh('cat', ['/proc/loadavg']).trim()}`);
  if (SECTIONS.includes('matrix')) await matrix(out);
  if (SECTIONS.includes('speed')) await speed(out);
  console.log(`load average at end: ${sh('cat', ['/proc/loadavg']).trim()}`);
  rmSync(out, { force: true });
}

function vipsArgs(input: string, out: string): string[] {
  return ['pngsave', input, out, '--compression', '6', '--filter', 'none'];
}

await main();
