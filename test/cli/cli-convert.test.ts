/**
 * End-to-end behaviour of the CLI that users rely on: stdout, page patterns, keeping complete
 * pages of a damaged print job, never leaving a half-written file, Ctrl-C.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmod, chown, lstat, mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { PNG } from 'pngjs';
import { join } from 'node:path';
import { runCli, CLI } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { utifDecode } from '../formats/tiff/tiff-test-kit.js';

const ROSE = join(process.cwd(), 'samples', 'raw', 'rose-bgra8.raw');
const ROSE_ARGS = ['--width', '70', '--height', '46', '--layout', 'bgra'];
const JOB = join(process.cwd(), 'samples', 'cups-raster', 'rgb8-v2.ras');

const withDir = (f: (dir: string) => Promise<void>) => withTempDir('r2i-e2e-', f);

/**
 * The bin is a bundle (scripts/bundle-cli.mjs) whose worker threads load the compiled modules by
 * URL: this is the only test that runs them from it. 2400² RGB is over the 4 MiB from which PNG
 * starts its workers (formats/png/encoder.ts; one that cannot start fails the conversion) and, in
 * deflate TIFF, 33 strips (4 start the workers).
 */
test('the bin compresses on its worker threads (PNG blocks, deflate TIFF strips), also run through a symlink under --preserve-symlinks-main: read back, every sample as given', () =>
  withDir(async (dir) => {
    const side = 2400;
    const pixels = new Uint8Array(side * side * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = ((i % 7919) * 31 + (i >> 14)) & 0xff;
    const raw = join(dir, 'in.raw');
    await writeFile(raw, pixels);
    const geometry = ['--width', String(side), '--height', String(side), '--layout', 'rgb'];
    const tif = await runCli(['-i', raw, ...geometry, '--compression', 'deflate', '-o', join(dir, 'a.tif')]);
    assert.equal(tif.code, 0, tif.stderr);
    const [ifd] = utifDecode(await readFile(join(dir, 'a.tif')));
    assert.ok(ifd && (ifd['t273'] as number[]).length >= 4, 'several strips');
    assert.ok(Buffer.from(ifd!.data as Uint8Array).equals(Buffer.from(pixels)), 'TIFF samples');
    const png = await runCli(['-i', raw, ...geometry, '-o', join(dir, 'a.png')]);
    assert.equal(png.code, 0, png.stderr);
    const decoded = PNG.sync.read(await readFile(join(dir, 'a.png')));
    const rgb = Buffer.alloc(pixels.length);
    for (let p = 0; p < side * side; p++) decoded.data.copy(rgb, p * 3, p * 4, p * 4 + 3);
    assert.ok(rgb.equals(Buffer.from(pixels)), 'PNG samples');
    // Run through a symlink as node_modules/.bin has it, with Node told to keep the link's path:
    // the workers (and package.json, for --version) are still found beside the real bundle.
    const link = join(dir, 'raster2img');
    await symlink(CLI, link);
    const viaLink = (...args: string[]) => spawnSync(process.execPath, ['--preserve-symlinks-main', link, ...args], { encoding: 'utf8' });
    assert.equal(viaLink('--version').stdout.trim(), JSON.parse(await readFile('package.json', 'utf8')).version);
    const linked = viaLink('-i', raw, ...geometry, '-o', join(dir, 'b.png'));
    assert.equal(linked.status, 0, linked.stderr);
    assert.ok((await readFile(join(dir, 'b.png'))).equals(await readFile(join(dir, 'a.png'))), 'the same PNG through the link');
  }));

test('--out - writes the same bytes to stdout as to a file (seeking formats are spooled)', () =>
  withDir(async (dir) => {
    const file = join(dir, 'rose.bmp');
    const a = await runCli(['--in', ROSE, ...ROSE_ARGS, '--out', file]);
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli(['-i', ROSE, ...ROSE_ARGS, '-o', '-', '-f', 'bmp']);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(b.stdout.equals(await readFile(file)));
    const c = await runCli(['-i', '-', ...ROSE_ARGS, '-o', '-', '-f', 'bmp'], { input: await readFile(ROSE) });
    assert.equal(c.code, 0, c.stderr);
    assert.ok(c.stdout.equals(b.stdout), 'stdin → stdout gives the same file');
  }));

test('--fsync writes the same file as without it (the flush itself is tested on the file sink)', () =>
  withDir(async (dir) => {
    const plain = join(dir, 'plain.bmp');
    const synced = join(dir, 'synced.bmp');
    assert.equal((await runCli(['-i', ROSE, ...ROSE_ARGS, '-o', plain])).code, 0);
    const r = await runCli(['-i', ROSE, ...ROSE_ARGS, '-o', synced, '--fsync']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok((await readFile(synced)).equals(await readFile(plain)));
    assert.deepEqual((await readdir(dir)).sort(), ['plain.bmp', 'synced.bmp']);
  }));

test('several pages into a single-image format: a %d pattern writes one file each; without it a clear error', () =>
  withDir(async (dir) => {
    const r = await runCli(['-i', JOB, '-o', join(dir, 'page-%02d.bmp')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await readdir(dir)).sort(), ['page-01.bmp', 'page-02.bmp']);
    const one = await runCli(['-i', JOB, '-o', join(dir, 'only.bmp'), '--page', '2']);
    assert.equal(one.code, 0, one.stderr);
    assert.ok((await readFile(join(dir, 'only.bmp'))).equals(await readFile(join(dir, 'page-02.bmp'))));
    const bad = await runCli(['-i', JOB, '-o', join(dir, 'all.bmp')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /more than one page and BMP holds one: .*--out page-%03d\.bmp.*--page N/);
    const none = await runCli(['-i', JOB, '-o', join(dir, 'x.bmp'), '--page', '3']);
    assert.match(none.stderr, /--page 3 asked for, but the input has 2 pages/);
    assert.ok(!(await readdir(dir)).some((f) => f.startsWith('all') || f.startsWith('x') || f.includes('.tmp-')));
  }));

test('a print job damaged in page 2 keeps page 1 in new files only, names the place, and exits non-zero', () =>
  withDir(async (dir) => {
    const job = await readFile(JOB);
    const cut = join(dir, 'cut.ras');
    await writeFile(cut, job.subarray(0, job.length - 40));
    const r = await runCli(['-i', cut, '-o', join(dir, 'p-%d.bmp')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^raster2img: .*cut\.ras: page 2: byte \d+: input ends .*\(1 complete page was written to .*p-1\.bmp\)\n$/);
    assert.deepEqual((await readdir(dir)).sort(), ['cut.ras', 'p-1.bmp']);
    // One multi-page file: page 1 goes to a new one, never over a file that was there before.
    const fresh = await runCli(['-i', cut, '-o', join(dir, 'new.tif')]);
    assert.equal(fresh.code, 2);
    assert.match(fresh.stderr, /page 2: .*\(1 complete page was written to .*new\.tif\)\n$/);
    assert.equal(utifDecode(await readFile(join(dir, 'new.tif'))).length, 1);
    const old = join(dir, 'old.tif');
    await writeFile(old, 'precious');
    const kept = await runCli(['-i', cut, '-o', old]);
    assert.equal(kept.code, 2);
    assert.match(kept.stderr, /page 2: .*\(1 complete page was not written: .*old\.tif was there before and is left as it was\)\n$/);
    assert.equal(await readFile(old, 'utf8'), 'precious');
    assert.deepEqual((await readdir(dir)).sort(), ['cut.ras', 'new.tif', 'old.tif', 'p-1.bmp']);
  }));

test('a failed conversion never replaces an existing file and leaves no temp file', () =>
  withDir(async (dir) => {
    const out = join(dir, 'keep.bmp');
    await writeFile(out, 'precious');
    const r = await runCli(['-i', ROSE, '--width', '70', '--height', '47', '--layout', 'bgra', '-o', out]);
    assert.equal(r.code, 2);
    assert.equal(await readFile(out, 'utf8'), 'precious');
    assert.deepEqual(await readdir(dir), ['keep.bmp']);
  }));

test('Ctrl-C while waiting for input: exit 130, no temp file, the old output intact', () =>
  withDir(async (dir) => {
    const out = join(dir, 'big.bmp');
    await writeFile(out, 'precious');
    const child = spawn(process.execPath, [CLI, '-i', '-', '--width', '1000', '--height', '1000', '--layout', 'rgb', '-o', out], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined);
    child.stdin.write(new Uint8Array(1_000_000)); // a third of the image, then silence
    await new Promise((r) => setTimeout(r, 700));
    const tempSeen = (await readdir(dir)).some((f) => f.includes('.tmp-'));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.ok(tempSeen, 'the conversion had started writing its temp file');
    assert.equal(code, 130, stderr);
    assert.equal(await readFile(out, 'utf8'), 'precious');
    assert.deepEqual(await readdir(dir), ['big.bmp']);
  }));

test('--out - into a reader that stops early (| head -c): one clear line, exit 4, no stack trace, no spool left', () =>
  withDir(async (dir) => {
    // 1000² RGB: several bands, so the encoder is still writing when the reader has gone.
    const input = new Uint8Array(1000 * 1000 * 3).map((_, i) => (i * 7) & 255);
    for (const format of ['png', 'tif', 'bmp']) {
      const args = [CLI, '-i', '-', '--width', '1000', '--height', '1000', '--layout', 'rgb', '-o', '-', '-f', format];
      // TIFF and BMP are spooled to a temp file in TMPDIR before they go to stdout.
      const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: dir } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
      // Take the first chunk, then close our end of the pipe, as `head -c 100` does.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(code, 4, `${format}: ${stderr}`);
      assert.equal(stderr, 'raster2img: <stdout>: cannot write output: the reader closed the pipe before the output was complete (EPIPE)\n', format);
      assert.deepEqual(await readdir(dir), [], `${format}: no spool file left`);
    }
  }));

test('--out - of a format that seeks, with no temp folder: the message names the temp folder, not stdin', () =>
  withDir(async (dir) => {
    const missing = join(dir, 'no-such-folder');
    for (const format of ['tif', 'bmp']) {
      const r = spawnSync(process.execPath, [CLI, '-i', ROSE, ...ROSE_ARGS, '-o', '-', '-f', format], { env: { ...process.env, TMPDIR: missing } });
      assert.equal(r.status, 4, format);
      assert.equal(
        r.stderr.toString(),
        `raster2img: <stdout>: cannot create the temp file in ${missing} that holds the output until it is complete (TMPDIR chooses the folder): ENOENT (no such file or directory)\n`,
      );
      assert.equal(r.stdout.length, 0, `${format}: nothing on stdout`);
    }
  }));

test('outputs that are not plain files: a FIFO is written into, a symlink stays a link, the input and directories are refused', () =>
  withDir(async (dir) => {
    const reference = join(dir, 'reference.bmp');
    assert.equal((await runCli(['-i', ROSE, ...ROSE_ARGS, '-o', reference])).code, 0);
    const expected = await readFile(reference);

    // A named pipe (as /dev/null or /dev/stdout): renaming a temp file over it would replace it.
    const fifo = join(dir, 'pipe.bmp');
    execFileSync('mkfifo', [fifo]);
    // The reader is a child process: a FIFO nobody writes would block our own thread pool for good.
    const cat = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    cat.stdout.on('data', (d: Buffer) => chunks.push(d));
    const catDone = new Promise<void>((resolve) => cat.on('close', () => resolve()));
    const r = await runCli(['-i', ROSE, ...ROSE_ARGS, '-o', fifo]);
    const timer = setTimeout(() => cat.kill(), 10_000); // no writer ever came: fail, do not hang
    await catDone;
    clearTimeout(timer);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Buffer.concat(chunks).equals(expected), 'the reader of the FIFO got the BMP');
    assert.ok((await lstat(fifo)).isFIFO(), 'the FIFO is still a FIFO');

    // A symlink: the file it points to is replaced, the link stays.
    const real = join(dir, 'real.bmp');
    const link = join(dir, 'link.bmp');
    await writeFile(real, 'old');
    await symlink('real.bmp', link);
    assert.equal((await runCli(['-i', ROSE, ...ROSE_ARGS, '-o', link])).code, 0);
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.ok((await readFile(real)).equals(expected));

    // A dangling symlink: written through (as the shell's > does), not replaced by a file.
    await mkdir(join(dir, 'sub'));
    await symlink('sub/new.bmp', join(dir, 'dangling.bmp'));
    assert.equal((await runCli(['-i', ROSE, ...ROSE_ARGS, '-o', join(dir, 'dangling.bmp')])).code, 0);
    assert.ok((await lstat(join(dir, 'dangling.bmp'))).isSymbolicLink());
    assert.ok((await readFile(join(dir, 'sub', 'new.bmp'))).equals(expected));

    // The input itself (also through a symlink to it): refused before anything is written.
    const input = join(dir, 'in.raw');
    await writeFile(input, await readFile(ROSE));
    await symlink('in.raw', join(dir, 'in-link.bmp'));
    for (const out of [input, join(dir, 'in-link.bmp')]) {
      const same = await runCli(['-i', input, ...ROSE_ARGS, '-o', out, '-f', 'bmp']);
      assert.equal(same.code, 1, same.stderr);
      assert.match(same.stderr, /: the output is the input file: writing it would destroy the input\n$/);
    }
    assert.ok((await readFile(input)).equals(await readFile(ROSE)), 'the input is intact');

    // A directory: refused at once, with no temp file's name in the message.
    await mkdir(join(dir, 'folder.bmp'));
    const d = await runCli(['-i', ROSE, ...ROSE_ARGS, '-o', join(dir, 'folder.bmp')]);
    assert.equal(d.code, 1);
    assert.match(d.stderr, /folder\.bmp: the output is a directory; give a file name\n$/);
    assert.ok(!(await readdir(dir)).some((f) => f.includes('.tmp-')));
  }));

test('a replaced file keeps its permission bits, and its owner and group where allowed (as root); a name near NAME_MAX still works', (t) =>
  withDir(async (dir) => {
    const priv = join(dir, 'private.bmp');
    await writeFile(priv, 'old');
    await chmod(priv, 0o600);
    const root = process.getuid?.() === 0;
    if (root) await chown(priv, 4321, 8765);
    else t.diagnostic('not root: only the permission bits are checked (a file cannot be given to another user)');
    assert.equal((await runCli(['-i', ROSE, ...ROSE_ARGS, '-o', priv])).code, 0);
    const after = await stat(priv);
    assert.equal(after.mode & 0o777, 0o600);
    assert.ok(after.size > 3, 'replaced');
    if (root) assert.deepEqual([after.uid, after.gid], [4321, 8765]);
    const long = join(dir, 'a'.repeat(246) + '.bmp'); // 250 bytes: the temp file's suffix would pass 255
    const r = await runCli(['-i', ROSE, ...ROSE_ARGS, '-o', long]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok((await readFile(long)).equals(await readFile(priv)));
  }));

test('an unprivileged user replacing a file: set-id bits survive the write, and rights of a group or owner that cannot be kept are not handed on', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to set up files of other users');
  await withDir(async (dir) => {
    await chmod(dir, 0o777);
    const user = { uid: 4321, gid: 4321 }; // not a member of group 8765
    const mine = join(dir, 'mine.bmp'); // the user's own setuid file
    const shared = join(dir, 'shared.bmp'); // someone else's, readable by their group
    await writeFile(mine, 'old');
    await chown(mine, user.uid, user.gid);
    await chmod(mine, 0o4750);
    await writeFile(shared, 'old');
    await chown(shared, 8765, 8765);
    await chmod(shared, 0o2664);
    for (const target of [mine, shared]) {
      const r = spawnSync(process.execPath, [CLI, '-i', ROSE, ...ROSE_ARGS, '-o', target], { ...user, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
    const a = await stat(mine);
    assert.deepEqual([a.uid, a.gid, (a.mode & 0o7777).toString(8)], [4321, 4321, '4750'], 'own file: set-uid kept (set after the last write)');
    const b = await stat(shared);
    // Now the user's, in the user's group: group 8765's write right must not pass to group 4321,
    // which gets what everyone else has.
    assert.deepEqual([b.uid, b.gid, (b.mode & 0o7777).toString(8)], [4321, 4321, '644']);
    assert.ok(b.size > 3);
  });
});

test('a named pipe as input (-i fifo) reads what its writer sends, as -i - does', () =>
  withDir(async (dir) => {
    const fifo = join(dir, 'in.raw');
    execFileSync('mkfifo', [fifo]);
    // The writer is a child process, started first: its bytes must not be lost to a reopen.
    const writer = spawn('sh', ['-c', `cat "${ROSE}" > "${fifo}"`], { stdio: 'ignore' });
    const written = new Promise((resolve) => writer.on('close', resolve));
    const timer = setTimeout(() => writer.kill(), 10_000); // a reader that never came: fail, do not hang
    const r = await runCli(['-i', fifo, ...ROSE_ARGS, '-o', join(dir, 'out.bmp')]);
    await written;
    clearTimeout(timer);
    assert.equal(r.code, 0, r.stderr);
    const viaFile = await runCli(['-i', ROSE, ...ROSE_ARGS, '-o', join(dir, 'ref.bmp')]);
    assert.equal(viaFile.code, 0);
    assert.ok((await readFile(join(dir, 'out.bmp'))).equals(await readFile(join(dir, 'ref.bmp'))));
  }));

test('a 2-page print job into PNG on stdout: stdout holds page 1 as a complete PNG, then the error, exit 1', async () => {
  const r = await runCli(['-i', join(process.cwd(), 'samples', 'cups-raster', 'srgb8.urf'), '-o', '-', '-f', 'png']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /more than one page and PNG holds one: .*\(1 complete page was written to stdout\)\n$/);
  const png = PNG.sync.read(r.stdout); // pngjs refuses a PNG without its IEND chunk
  assert.equal(png.width, 144);
  assert.equal(r.stdout.subarray(-8, -4).toString('latin1'), 'IEND');
});

test('%% in an output name is a literal percent sign, as in printf; %d is the page number', () =>
  withDir(async (dir) => {
    const job = join(process.cwd(), 'samples', 'cups-raster', 'rgb8-v2.ras');
    assert.equal((await runCli(['-i', job, '-o', join(dir, 'at-100%%-p%d.bmp')])).code, 0);
    assert.equal((await runCli(['-i', ROSE, ...ROSE_ARGS, '-o', join(dir, '50%%.bmp')])).code, 0);
    assert.deepEqual((await readdir(dir)).sort(), ['50%.bmp', 'at-100%-p1.bmp', 'at-100%-p2.bmp']);
  }));
