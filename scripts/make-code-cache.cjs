/**
 * Makes dist/bin/raster2img-main.cache, the V8 code cache the CLI starts from
 * (scripts/bundle-loader.cjs), and checks that a plain `node` accepts it.
 *
 * The cache is made after a real conversion (a bundled sample to TIFF, in a temp folder), not
 * right after compiling: V8 compiles functions when they are first called, and the cache holds
 * every function compiled by the time it is made, so the start-up and conversion path is in it.
 *
 * V8 rejects a cache made under other V8 flags, so this runs, and checks, without the caller's
 * NODE_OPTIONS (a build under NODE_OPTIONS=--max-old-space-size=… made a cache no plain run took).
 * Run by scripts/bundle-cli.mjs right after the bundle is written.
 */
'use strict';
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = resolve(__dirname, '..');
const loader = require(join(root, 'dist/bin/bundle-loader.cjs'));
const source = loader.readBundle();

/** The environment of a plain `node` run: the caller's, without NODE_OPTIONS. */
function plainEnv() {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

if (process.argv[2] === '--check') {
  // In a fresh process: would the CLI start from the cache?
  const data = loader.readCodeCache(source);
  process.stdout.write(data && loader.compileBundle(source, data).cachedDataRejected === false ? 'accepted' : 'rejected');
  return;
}
if (process.env.NODE_OPTIONS || process.execArgv.length > 0) {
  // Again, as a plain `node`.
  execFileSync(process.execPath, [__filename], { stdio: 'inherit', env: plainEnv() });
  return;
}

rmSync(loader.CODE_CACHE, { force: true });
const dir = mkdtempSync(join(tmpdir(), 'raster2img-code-cache-'));
process.argv = [process.execPath, join(root, 'dist/bin/raster2img.cjs'), '--quiet',
  '--in', join(root, 'samples/raw/wizard-rgb16be-1800.raw'), '--offset', '1800', '--width', '240', '--height', '320',
  '--layout', 'rgb', '--depth', '16', '--endian', 'big', '--out', join(dir, 'wizard.tif')];
const script = loader.runBundle(source, undefined);
process.once('exit', (code) => {
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`the CLI's warm-up conversion failed (exit ${code}); no code cache made`);
  writeFileSync(loader.CODE_CACHE, loader.packCodeCache(source, script.createCachedData()));
  const verdict = execFileSync(process.execPath, [__filename, '--check'], { encoding: 'utf8', env: plainEnv() });
  if (verdict !== 'accepted') {
    rmSync(loader.CODE_CACHE, { force: true });
    throw new Error(`node rejects the code cache just made (${verdict})`);
  }
});
