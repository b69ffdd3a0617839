/**
 * Makes dist/bin/raster2img-main.cache, the V8 code cache the CLI's launcher starts from
 * (scripts/cli-launcher.cjs), and checks that a fresh `node` accepts it.
 *
 * The cache is made after a real conversion (a bundled sample to TIFF, in a temp folder), not
 * right after compiling: V8 compiles functions when they are first called, and the cache holds
 * every function compiled by the time it is made, so the start-up and conversion path is in it.
 *
 * Run by scripts/bundle-cli.mjs right after the bundle is written: the cache belongs to exactly
 * that bundle (V8 checks its length, not its contents).
 */
'use strict';
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = resolve(__dirname, '..');
const launcherPath = join(root, 'dist/bin/raster2img.cjs');
const launcher = require(launcherPath);

if (process.argv[2] === '--check') {
  // In a fresh process: would the launcher use the cache?
  const rejected = launcher.compileBundle(launcher.readCodeCache()).cachedDataRejected;
  process.stdout.write(rejected === false ? 'accepted' : 'rejected');
  return;
}

rmSync(launcher.CODE_CACHE, { force: true });
const dir = mkdtempSync(join(tmpdir(), 'raster2img-code-cache-'));
process.argv = [process.execPath, launcherPath, '--quiet',
  '--in', join(root, 'samples/raw/wizard-rgb16be-1800.raw'), '--offset', '1800', '--width', '240', '--height', '320',
  '--layout', 'rgb', '--depth', '16', '--endian', 'big', '--out', join(dir, 'wizard.tif')];
const script = launcher.runBundle(undefined);
process.once('exit', (code) => {
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`the CLI's warm-up conversion failed (exit ${code}); no code cache made`);
  writeFileSync(launcher.CODE_CACHE, script.createCachedData());
  const verdict = execFileSync(process.execPath, [__filename, '--check'], { encoding: 'utf8' });
  if (verdict !== 'accepted') {
    rmSync(launcher.CODE_CACHE, { force: true });
    throw new Error(`node rejects the code cache just made (${verdict})`);
  }
});
