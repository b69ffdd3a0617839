/**
 * Bundles the compiled CLI (dist/src/cli/main.js and every module it reaches, not node_modules)
 * into one CommonJS file, dist/bin/raster2img.cjs, the package's `bin`. Why: a CLI run loaded some
 * 50 ES modules, and Node's ES module loader itself; one CommonJS file starts some 40 ms sooner
 * (see the commit that added this). The library (`import … from 'raster2img'`) stays the
 * compiled ES modules, and so do the worker threads (src/workers/host.js and the task modules).
 *
 * Each bundled module keeps its own import.meta.url (the URL of its compiled twin in dist/): the
 * worker pool finds host.js and the task modules by it, and the CLI its package.json and yargs.
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(root, 'dist/bin/raster2img.cjs');

/** Replaces import.meta.url in each module with the file URL of that module's compiled twin. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      const code = await readFile(args.path, 'utf8');
      const twin = JSON.stringify(relative(dirname(outfile), args.path));
      return { contents: code.replaceAll('import.meta.url', `__moduleUrl(${twin})`), loader: 'js' };
    });
  },
};

await build({
  entryPoints: [resolve(root, 'dist/src/cli/main.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // yargs is loaded from node_modules at run time, as before (it finds its locale files there).
  packages: 'external',
  // "use strict" first: the modules were ES modules, strict by definition.
  banner: {
    js: `"use strict";\nconst __moduleUrl = (rel) => require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href;`,
  },
  plugins: [ownImportMetaUrl],
  // Stack traces as the modules would give them (raster2img --debug): class names kept (not
  // _ByteSource), and a source map, through tsc's own, to src/*.ts for node --enable-source-maps.
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
