/**
 * Loads the bundled CLI, dist/bin/raster2img-main.cjs, from the V8 code cache that the build
 * made for it (scripts/make-code-cache.cjs). Used by the package's `bin` (scripts/cli-launcher.cjs)
 * and by the build. Why: compiling the bundle took some 15 ms of every run; V8 takes the cached
 * bytecode instead when it was made by the same V8 with the same flags, and compiles as usual
 * otherwise (another Node, a V8 flag, no cache). Node 22 has module.enableCompileCache() for
 * this; Node 20 has only vm.Script's cachedData.
 *
 * V8 checks only a cache's header and the source's length, and runs whatever bytecode it is
 * given: a cache damaged inside crashed Node, and one left from a bundle edited to the same
 * length ran the old code. So the file holds the cache behind a header of our own, as Node 22's
 * compile cache does: a magic, the CRC-32 of the bundle it was made from, and the CRC-32 of the
 * cache itself. A cache that does not match is not given to V8.
 */
'use strict';
const { readFileSync, realpathSync } = require('node:fs');
const { dirname, join } = require('node:path');
const Module = require('node:module');
const { Script } = require('node:vm');
const { crc32 } = require('node:zlib');

// The real folder: under `node --preserve-symlinks-main`, the launcher's __dirname is that of the
// symlink run (node_modules/.bin), where the bundle is not; this module is found by real path.
const DIR = dirname(realpathSync(__filename));
const BUNDLE = join(DIR, 'raster2img-main.cjs');
const CODE_CACHE = join(DIR, 'raster2img-main.cache');

const MAGIC = 0x52324943; // "R2IC"
const HEADER_BYTES = 16; // magic, CRC-32 of the bundle, CRC-32 of the V8 cache, its length

/** The cache file's bytes: our header, then V8's cache data. */
function packCodeCache(source, data) {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(MAGIC, 0);
  header.writeUInt32BE(crc32(source), 4);
  header.writeUInt32BE(crc32(data), 8);
  header.writeUInt32BE(data.length, 12);
  return Buffer.concat([header, data]);
}

/** V8's cache data from the cache file's bytes, or undefined unless it was made from `source` and is whole. */
function unpackCodeCache(source, file) {
  if (file.length < HEADER_BYTES || file.readUInt32BE(0) !== MAGIC) return undefined;
  const data = file.subarray(HEADER_BYTES);
  if (file.readUInt32BE(12) !== data.length || file.readUInt32BE(8) !== crc32(data)) return undefined;
  return file.readUInt32BE(4) === crc32(source) ? data : undefined;
}

function readBundle() {
  return readFileSync(BUNDLE, 'utf8');
}

/** The code cache for `source`, if there is a sound one. */
function readCodeCache(source) {
  let file;
  try {
    file = readFileSync(CODE_CACHE);
  } catch {
    return undefined; // no cache: V8 compiles the bundle
  }
  return unpackCodeCache(source, file);
}

/** Compile the bundle, from `cachedData` when given and V8 accepts it (script.cachedDataRejected). */
function compileBundle(source, cachedData) {
  return new Script(Module.wrap(source), { filename: BUNDLE, cachedData });
}

/** Compile the bundle and run it as the CommonJS module it is. Returns the vm.Script. */
function runBundle(source, cachedData) {
  const script = compileBundle(source, cachedData);
  const bundle = new Module(BUNDLE, module);
  bundle.filename = BUNDLE;
  bundle.paths = Module._nodeModulePaths(DIR);
  script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(BUNDLE), bundle, BUNDLE, DIR);
  bundle.loaded = true;
  return script;
}

/**
 * Run the CLI. With source maps on (node --enable-source-maps), and for --debug, which turns them
 * on, the bundle is required as usual: Node maps stack traces through the source maps of modules
 * it loads itself, not of vm scripts. So --debug's stack traces point at src/*.ts lines.
 */
function startCli() {
  if (process.sourceMapsEnabled || process.argv.slice(2).some((a) => a === '--debug' || a.startsWith('--debug='))) {
    process.setSourceMapsEnabled(true);
    require(BUNDLE);
    return;
  }
  const source = readBundle();
  runBundle(source, readCodeCache(source));
}

module.exports = { CODE_CACHE, packCodeCache, unpackCodeCache, readBundle, readCodeCache, compileBundle, runBundle, startCli };
