import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, runCli } from '../helpers/cli.js';

// Tests run from the repository root (npm test).
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

test('usage errors exit 1 with one message and no stack', async () => {
  const missing = await runCli(['--out', 'x.tif']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /--in is required/);
  const unknown = await runCli(['--in', 'x', '--out', 'y.tif', '--bogus']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Unknown argument: bogus/);
});

test('--info prints the decoded headers as JSON', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'r2i-cli-'));
  try {
    const f = join(dir, 'a.raw');
    await writeFile(f, new Uint8Array(100 + 2 * 3 * 4 * 3 * 2));
    const r = await runCli(['--in', f, '--info', '--width', '4', '--height', '3', '--layout', 'rgb', '--depth', '16', '--endian', 'big', '--offset', '100']);
    assert.equal(r.code, 0, r.stderr);
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
