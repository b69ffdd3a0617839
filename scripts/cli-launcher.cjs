#!/usr/bin/env node
/**
 * The package's `bin` (dist/bin/raster2img.cjs): starts the bundled CLI, raster2img-main.cjs
 * beside it, from the V8 code cache that the build made for it (scripts/make-code-cache.cjs).
 * Why: compiling the bundle took some 15 ms of every run; V8 takes the cached bytecode
 * instead when it was made by the same V8 with the same flags, and compiles as usual otherwise
 * (another Node, or a cache that is missing). Node 22 has module.enableCompileCache() for this;
 * Node 20 has only vm.Script's cachedData.
 *
 * With source maps on (node --enable-source-maps), and for --debug, which turns them on, the
 * bundle is required as usual: Node maps stack traces through the source maps of modules it
 * loads itself, not of vm scripts. So --debug's stack traces point at src/*.ts lines.
 */
'use strict';
const { readFileSync, realpathSync } = require('node:fs');
const { dirname, join } = require('node:path');
const Module = require('node:module');
const { Script } = require('node:vm');

// The real folder: under `node --preserve-symlinks-main`, __dirname is that of the symlink run
// (node_modules/.bin), where the bundle is not.
const DIR = dirname(realpathSync(__filename));
const BUNDLE = join(DIR, 'raster2img-main.cjs');
const CODE_CACHE = join(DIR, 'raster2img-main.cache');

/** Compile the bundle, from `cachedData` when given and V8 accepts it (script.cachedDataRejected). */
function compileBundle(cachedData) {
  return new Script(Module.wrap(readFileSync(BUNDLE, 'utf8')), { filename: BUNDLE, cachedData });
}

/** Compile the bundle and run it as the CommonJS module it is. Returns the vm.Script. */
function runBundle(cachedData) {
  const script = compileBundle(cachedData);
  const bundle = new Module(BUNDLE, module);
  bundle.filename = BUNDLE;
  bundle.paths = Module._nodeModulePaths(DIR);
  script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(BUNDLE), bundle, BUNDLE, DIR);
  bundle.loaded = true;
  return script;
}

function readCodeCache() {
  try {
    return readFileSync(CODE_CACHE);
  } catch {
    return undefined; // no cache: V8 compiles the bundle
  }
}

if (require.main !== module) module.exports = { compileBundle, runBundle, readCodeCache, CODE_CACHE };
else if (process.sourceMapsEnabled || process.argv.slice(2).some((a) => a === '--debug' || a.startsWith('--debug='))) {
  process.setSourceMapsEnabled(true);
  require(BUNDLE);
}
else runBundle(readCodeCache());
