import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { withTempDir } from '../helpers/temp-dir.js';
import { CLI, runCli } from '../helpers/cli.js';
import { describe } from '../../src/index.js';
import { headerDict, npyPreamble } from '../formats/npy/npy-files.js';

// Tests run from the repository root (npm test).
const NPY = join(process.cwd(), 'samples', 'npy', 'gray-u1-48x64.npy');
const STACK = join(process.cwd(), 'samples', 'npy', 'stack-f4-3x16x20.npy');
const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string };

test('--version prints the package version', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.toString().trim(), pkg.version);
});

test('the built bin runs by itself (executable, with its shebang), as npx raster2img runs it', () => {
  const r = spawnSync(CLI, ['--version'], { encoding: 'utf8' });
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('--help lists the general options, the plugin options and examples', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  const text = r.stdout.toString();
  for (const s of ['--in', '--out', '--info', '--width', '--endian', 'raw options:', 'Examples:', '--offset 1800']) assert.ok(text.includes(s), `help lacks ${s}`);
});

test('--help and --version into a full stdout fail with one line, exit 4, as any output does', () => {
  for (const flag of ['--help', '-h', '--version']) {
    const full = spawnSync(process.execPath, [CLI, flag], { stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'], encoding: 'utf8' });
    assert.equal(full.status, 4, `${flag}: ${full.stderr}`);
    assert.equal(full.stderr, 'raster2img: <stdout>: cannot write output: ENOSPC (no space left on device)\n');
  }
});

test('usage errors exit 1 with one line (not the whole help) and no stack', async () => {
  const cases: [string[], RegExp][] = [
    [['--out', 'x.tif'], /--in is required/],
    [[], /--in is required/],
    [['--in', 'x', '--out', 'y.tif', '--bogus'], /Unknown argument: bogus/],
    [['--in', 'x', '--out', 'y.tif', '--depth', '12'], /Invalid values: Argument: depth, Given: "12", Choices: "1",/],
    [['--in', 'x', '--out', 'y.tif', '--width', 'abc'], /--width must be a whole number in decimal digits \(got "abc"\)/],
    // Not what yargs's Number() makes of them (100 each).
    [['--in', 'x', '--out', 'y.tif', '--width', '1e2'], /--width must be a whole number in decimal digits \(got "1e2"\)/],
    [['--in', 'x', '--out', 'y.tif', '--width=0x64'], /--width must be a whole number in decimal digits \(got "0x64"\)/],
    [['--in', 'x', '--out', 'y.tif', '--width', '4', '--stride', '9007199254740993'], /--stride 9007199254740993 is too far from 0 to be read exactly \(whole numbers are exact up to 2\^53 − 1 = 9007199254740991\)/],
    [['--in', 'x', '--out', 'y.tif', '--level=-99999999999999999999'], /--level -99999999999999999999 is too far from 0 to be read exactly/],
    [['--in', 'x', '--out', 'y.tif', '--width', '4', '--offset=99999999999999999999'], /--offset 99999999999999999999 is too far from 0 to be read exactly/],
    [['--in', 'x', '--out', 'y.tif', '--page', ' 1'], /--page must be a whole number in decimal digits \(got " 1"\)/],
    [['--in', 'x', '--out', 'y.jpg', '--format', 'jpeg'], /unknown output format "jpeg"; known: tiff, png, bmp/],
    [['--in', NPY, '--out', 'y.tif', '--from', 'bogus'], /unknown input format "bogus"/],
    [['--in', NPY, '--out', 'y.png', '--range', ',1'], /--range must be two numbers LO,HI with LO < HI \(got ",1"\)/],
    [['--in', NPY, '--out', 'y.tif', '--page'], /--page needs a value/],
    [['--in', NPY, '--out', 'y.tif', '--level', '--quiet'], /--level needs a value/],
    // yargs reads an empty number as 0 and a switch's other values as false: both were silently taken.
    [['--in', NPY, '--out', 'y.png', '--level', ''], /--level needs a value, not an empty string/],
    [['--in', NPY, '--out', 'y.png', '--level='], /--level needs a value, not an empty string/],
    [['--in', NPY, '--out', 'y.tif', '--offset', ' '], /--offset needs a value, not an empty string/],
    [['--in', NPY, '--out', 'y.tif', '--bigtiff=yes'], /--bigtiff is a switch: give it alone, or =true \/ =false \(got "yes"\)/],
    [['--in', NPY, '--out', 'y.tif', '--planar=1'], /--planar is a switch/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^raster2img: [^\n]*\n$/, `one line for ${args.join(' ')}`);
    assert.match(r.stderr, message);
  }
});

test("yargs's messages and help labels are English whatever LANG says, like the rest of the CLI's", async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'de_DE.UTF-8' };
  delete env.LC_ALL;
  delete env.LC_MESSAGES;
  delete env.LANGUAGE;
  const r = await runCli(['--in', 'x', '--out', 'y.tif', '--bogus'], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^raster2img: Unknown argument: bogus \(raster2img --help lists the options\)\n$/);
  const help = await runCli(['--help'], { env });
  assert.equal(help.code, 0);
  assert.match(help.stdout.toString(), /--page +convert only page N \(1-based\) +\[number\]/);
  assert.match(help.stdout.toString(), /\[choices: "little", "big"\]/);
});

test('a flag given twice is refused, whatever its spelling; negative values need no "="', () =>
  withTempDir('r2i-cli-', async (dir) => {
    const base = ['-i', STACK, '--range=-1,1'];
    for (const [args, flag] of [
      [[...base, '-o', join(dir, 'a.tif'), '--page', '1', '--page', '1'], '--page'],
      [[...base, '-o', join(dir, 'a.tif'), '--out=' + join(dir, 'b.tif')], '--out'],
      [[...base, '-o', join(dir, 'a.tif'), '--compression', 'lzw', '--compression', 'none'], '--compression'],
      // yargs takes the camelCase spelling too: the same flag.
      [[...base, '-o', join(dir, 'a.png'), '--png-filter', 'sub', '--pngFilter', 'up'], '--png-filter'],
      [[...base, '-o', join(dir, 'a.png'), '--pngStrategy=rle', '--png-strategy', 'rle'], '--png-strategy'],
      [[...base, '-o', join(dir, 'a.tif'), '--cmyk-to-rgb', '--cmykToRgb'], '--cmyk-to-rgb'],
      // In a cluster of short flags, as getopt reads it.
      [[...base, '-o', join(dir, 'a.tif'), '-qq'], '--quiet'],
      [[...base, '-qo', join(dir, 'a.tif'), '-q'], '--quiet'],
    ] as const) {
      const r = await runCli([...args]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr, `raster2img: ${flag} is given more than once (raster2img --help lists the options)\n`);
    }
    assert.deepEqual(await readdir(dir), []);
    // stack-f4: three 16×20 float pages in [-1, 1]; "--range -1,1" is a value, not a flag.
    const spaced = await runCli(['-i', STACK, '-o', join(dir, 'a.tif'), '--page', '1', '--range', '-1,1']);
    assert.equal(spaced.code, 0, spaced.stderr);
    const glued = await runCli(['-i', STACK, '-o', join(dir, 'b.tif'), '--page', '1', '--range=-1,1']);
    assert.equal(glued.code, 0, glued.stderr);
    assert.ok((await readFile(join(dir, 'a.tif'))).equals(await readFile(join(dir, 'b.tif'))));
  }));

test('clusters of short flags as getopt reads them (-qo FILE, -oFILE, -qh); no arguments after --', () =>
  withTempDir('r2i-cli-', async (dir) => {
    const separate = await runCli(['-i', NPY, '-q', '-o', join(dir, 'a.tif')]);
    assert.equal(separate.code, 0, separate.stderr);
    for (const [args, name] of [
      [['-i', NPY, '-qo', join(dir, 'b.tif')], 'b.tif'],
      [['-i' + NPY, '-qo' + join(dir, 'c.tif')], 'c.tif'],
      [['-i', NPY, '-ftiff', '-o', join(dir, 'd.bin')], 'd.bin'],
    ] as const) {
      const r = await runCli([...args]);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.ok((await readFile(join(dir, name))).equals(await readFile(join(dir, 'a.tif'))), name);
    }
    const help = await runCli(['-qh']);
    assert.equal(help.code, 0);
    assert.match(help.stdout.toString(), /^raster2img --in <file\|-> --out <file\|-> \[options\]/);
    const after = await runCli(['-i', NPY, '-o', join(dir, 'f.tif'), '--', 'extra']);
    assert.equal(after.code, 1);
    assert.equal(after.stderr, 'raster2img: unexpected argument "extra": files are given with --in and --out (raster2img --help lists the options)\n');
    const unknown = await runCli(['-i', NPY, '-o', join(dir, 'e.tif'), '-qz']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Unknown argument: z/);
  }));

test('--format against the extension is obeyed with a notice', () =>
  withTempDir('r2i-cli-', async (dir) => {
    const r = await runCli(['-i', NPY, '-o', join(dir, 'x.png'), '-f', 'tiff']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /note: writing TIFF as --format says, although the name ".*x\.png" suggests PNG/);
    assert.equal((await readFile(join(dir, 'x.png'))).subarray(0, 2).toString(), 'II');
  }));

test('--info into a full or closed stdout: one line, exit 4', async () => {
  const full = spawnSync(process.execPath, [CLI, '--in', NPY, '--info'], { stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'], encoding: 'utf8' });
  assert.equal(full.status, 4, full.stderr);
  assert.equal(full.stderr, 'raster2img: <stdout>: cannot write output: ENOSPC (no space left on device)\n');
  // A reader gone before the first byte (the read end closed while the CLI starts): EPIPE.
  const child = spawn(process.execPath, [CLI, '--in', NPY, '--info'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const status = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(status, 4, stderr);
  assert.equal(stderr, 'raster2img: <stdout>: cannot write output: the reader closed the pipe before the output was complete (EPIPE)\n');
});

test('SIGHUP (a closed terminal) and SIGTERM end the conversion with 128 + the signal number and leave no temp file', () =>
  withTempDir('r2i-cli-', async (dir) => {
    for (const [signal, code] of [['SIGHUP', 129], ['SIGTERM', 143]] as const) {
      const out = join(dir, 'out.tif');
      const child = spawn(process.execPath, [CLI, '-i', '-', '--width', '1000', '--height', '1000', '--layout', 'rgb', '-o', out], { stdio: ['pipe', 'ignore', 'pipe'] });
      child.stdin.on('error', () => undefined);
      child.stdin.write(new Uint8Array(1_000_000)); // a third of the image, then silence
      for (let i = 0; i < 100 && !(await readdir(dir)).some((f) => f.includes('.tmp-')); i++) await new Promise((r) => setTimeout(r, 50));
      child.kill(signal);
      const exit = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(exit, code, signal);
      assert.deepEqual(await readdir(dir), [], `${signal}: no temp file`);
    }
  }));

test('--info prints the decoded headers as JSON', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'r2i-cli-'));
  try {
    const f = join(dir, 'a.raw');
    await writeFile(f, new Uint8Array(100 + 2 * 3 * 4 * 3 * 2));
    // Output options (as in a command line edited from a conversion's) are ignored with a note.
    const r = await runCli(['--in', f, '--info', '--width', '4', '--height', '3', '--layout', 'rgb', '--depth', '16', '--endian', 'big', '--offset', '100', '--level', '9', '--bigtiff=false']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'raster2img: note: --bigtiff is an output option; ignored with --info\nraster2img: note: --level is an output option; ignored with --info\n');
    const info = JSON.parse(r.stdout.toString()) as { format: string; pages: { width: number; byteOrder: string; bitsPerSample: number }[] };
    assert.equal(info.format, 'raw');
    assert.equal(info.pages.length, 2);
    assert.deepEqual(
      info.pages.map((p) => [p.width, p.bitsPerSample, p.byteOrder]),
      [
        [4, 16, 'be'],
        [4, 16, 'be'],
      ],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad input: one "raster2img:" line naming file and problem, exit 2, nothing left behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'r2i-cli-'));
  try {
    const f = join(dir, 'a.raw');
    await writeFile(f, new Uint8Array(1000));
    const r = await runCli(['--in', f, '--info', '--width', '640', '--height', '480', '--layout', 'rgb']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^raster2img: .*a\.raw: 640×480 rgb 8-bit, 1920 bytes per row needs 921600 bytes per page/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
    assert.deepEqual(await readdir(dir), ['a.raw']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing input is an I/O error, exit 4', async () => {
  const r = await runCli(['--in', '/nonexistent/in.raw', '--info', '--width', '2']);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /^raster2img: \/nonexistent\/in\.raw: cannot open input: ENOENT/);
});

test('a 3-page .npy into PNG on stdout: refused before a byte is written; a refused conversion gives no notice first', async () => {
  const r = await runCli(['-i', STACK, '-o', '-', '-f', 'png', '--range=-1,1']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout.length, 0, 'nothing on stdout');
  assert.match(r.stderr, /^raster2img: .*stack-f4-3x16x20\.npy: the input has 3 pages and PNG holds one: .*--page N\n$/);
  const noRange = await runCli(['-i', STACK, '-o', '-', '-f', 'png', '--page', '1']);
  assert.equal(noRange.code, 1);
  assert.equal(noRange.stdout.length, 0);
  assert.match(noRange.stderr, /^raster2img: [^\n]*give --range LO,HI[^\n]*\n$/, 'the error alone, without the "mapped through --range" notice');
});

test('--info on a damaged job prints what it could read, then the error (exit 2); --info --page N describes page N only', async () => {
  const damaged = join(process.cwd(), 'samples', 'bad', 'cups-raster', 'E_TRUNCATED--mid-page.ras');
  const r = await runCli(['--in', damaged, '--info']);
  assert.equal(r.code, 2);
  const doc = JSON.parse(r.stdout.toString()) as { pages: { page: number; width: number }[]; error: { code: string; page: number; offset: number } };
  assert.equal(doc.pages.length, 1, 'page 1 header was read');
  assert.equal(doc.error.code, 'E_TRUNCATED');
  assert.equal(doc.error.page, 1);
  assert.match(r.stderr, /^raster2img: .*E_TRUNCATED--mid-page\.ras: page 1: byte \d+: input ends inside pixel data[^\n]*\n$/);

  const job = join(process.cwd(), 'samples', 'cups-raster', 'rgb8-v2.ras');
  const two = await runCli(['--in', job, '--info', '--page', '2']);
  assert.equal(two.code, 0, two.stderr);
  assert.deepEqual((JSON.parse(two.stdout.toString()) as { pages: { page: number }[] }).pages.map((p) => p.page), [2]);
  const past = await runCli(['--in', job, '--info', '--page', '3']);
  assert.equal(past.code, 1);
  assert.match(past.stderr, /--page 3 asked for, but the input has 2 pages/);
});

test('--info prints, page by page, exactly the JSON of describe() (two spaces), damaged inputs included', () =>
  withTempDir('r2i-cli-', async (dir) => {
    const badHeader = join(dir, 'hello.npy');
    await writeFile(badHeader, Buffer.concat([npyPreamble("{'descr': 'hello', 'fortran_order': False, 'shape': (2, 2), }", 1), Buffer.alloc(4)]));
    const samples = join(process.cwd(), 'samples');
    const cases: string[][] = [
      [join(samples, 'cups-raster', 'rgb8-v2.ras')],
      [join(samples, 'cups-raster', 'sgray1.urf')],
      [join(samples, 'bad', 'cups-raster', 'E_TRUNCATED--mid-page.ras')],
      [join(samples, 'npy', 'stack-f4-3x16x20.npy')],
      [join(samples, 'npy', 'stack-f4-3x16x20.npy'), '--page', '2'],
      [join(samples, 'raw', 'rose-bgra8.raw'), '--width', '70', '--height', '23', '--layout', 'bgra'],
      [badHeader],
    ];
    for (const [input, ...rest] of cases) {
      const r = await runCli(['--in', input!, '--info', ...rest]);
      const options: Record<string, unknown> = {};
      for (let i = 0; i < rest.length; i += 2) options[rest[i]!.slice(2)] = /^\d+$/.test(rest[i + 1]!) ? Number(rest[i + 1]) : rest[i + 1];
      const expected = `${JSON.stringify(await describe(input!, options), null, 2)}\n`;
      assert.equal(r.stdout.toString(), expected, `${input} ${rest.join(' ')}`);
    }
  }));

test('--info on an input whose file header is damaged prints its format, no pages and the error (exit 2), as for a CUPS job', () =>
  withTempDir('r2i-cli-', async (dir) => {
    const bad = join(dir, 'hello.npy');
    await writeFile(bad, Buffer.concat([npyPreamble("{'descr': 'hello', 'fortran_order': False, 'shape': (2, 2), }", 1), Buffer.alloc(4)]));
    const r = await runCli(['--in', bad, '--info']);
    assert.equal(r.code, 2, r.stderr);
    const doc = JSON.parse(r.stdout.toString()) as { format: string; pages: unknown[]; error: { code: string; field: string } };
    assert.deepEqual([doc.format, doc.pages, doc.error.code, doc.error.field], ['npy', [], 'E_BAD_HEADER', 'descr']);
    assert.match(r.stderr, /^raster2img: .*hello\.npy: byte 20: descr: descr 'hello' is not an array-protocol type string[^\n]*\n$/);
    // Not recognised at all, or not there: no description, only the error.
    const unknown = join(dir, 'what.bin');
    await writeFile(unknown, Buffer.from('nothing known'));
    for (const input of [unknown, join(dir, 'missing.npy')]) {
      const u = await runCli(['--in', input, '--info']);
      assert.notEqual(u.code, 0);
      assert.equal(u.stdout.length, 0, input);
    }
  }));

test('--info on an .npy file cut short describes its pages up to the cut, as from stdin; converting it writes nothing', () =>
  withTempDir('r2i-cli-', async (dir) => {
    // Three 2×5 pages with 23 of their 30 bytes: page 3 is cut.
    const npy = Buffer.concat([npyPreamble(headerDict('|u1', false, [3, 2, 5]), 1), Buffer.alloc(23, 1)]);
    const cut = join(dir, 'cut.npy');
    await writeFile(cut, npy);
    for (const args of [['--in', cut], ['--in', '-']]) {
      const r = await runCli([...args, '--info'], { input: npy });
      assert.equal(r.code, 2, r.stderr);
      const doc = JSON.parse(r.stdout.toString()) as { header: { shape: number[] }; pages: { page: number }[]; error: { code: string; page: number; offset: number } };
      assert.deepEqual(doc.header.shape, [3, 2, 5]);
      assert.deepEqual(doc.pages.map((p) => p.page), [1, 2, 3], args[1]);
      assert.equal(doc.error.code, 'E_TRUNCATED');
      assert.equal(doc.error.page, 3);
      assert.equal(doc.error.offset, npy.length);
    }
    const out = join(dir, 'cut.tif');
    const r = await runCli(['--in', cut, '--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^raster2img: .*cut\.npy: page 3: byte \d+: input ends inside the array data: shape \(3, 2, 5\) of \|u1 needs 30 bytes after the header, the input has 23\n$/);
    assert.deepEqual(await readdir(dir), ['cut.npy'], 'no output, no temp file');
    // Fortran order: every page loses its end; from stdin the cut is found after the last page.
    const fortran = Buffer.concat([npyPreamble(headerDict('|u1', true, [3, 2, 5]), 1), Buffer.alloc(23, 1)]);
    const f = await runCli(['--in', '-', '--info'], { input: fortran });
    assert.equal(f.code, 2, f.stderr);
    assert.equal((JSON.parse(f.stdout.toString()) as { error: { code: string } }).error.code, 'E_TRUNCATED');
  }));
