/**
 * Bundles the compiled CLI (dist/src/cli/main.js and every module it reaches, yargs included)
 * into one CommonJS file, dist/bin/raster2img.cjs, the package's `bin`. Why: a CLI run loaded some
 * 50 ES modules, and Node's ES module loader itself; one CommonJS file starts some 40 ms sooner
 * (see the commit that added this). yargs inside it saves another 10 ms or so: Node no longer
 * resolves yargs and its six dependencies through their package.json "exports", file by file.
 * The library (`import … from 'raster2img'`) stays the compiled ES modules, and so do the worker
 * threads (src/workers/host.js and the task modules).
 *
 * The CLI keeps yargs's messages in English (main.ts, detectLocale), so yargs's translations
 * (its locales folder, which y18n would look for beside the bundle) are not needed.
 *
 * Each bundled module keeps its own import.meta.url (the URL of its compiled twin in dist/): the
 * worker pool finds host.js and the task modules by it, and the CLI its package.json.
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, 'dist') + sep;
const outfile = resolve(dist, 'bin/raster2img.cjs');

/** Replaces import.meta.url in each module with the file URL of that module's compiled twin. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist)) return undefined; // a dependency's file: as it is
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
  // "use strict" first: the modules were ES modules, strict by definition. Module URLs are taken
  // from the bundle's real path: under `node --preserve-symlinks-main`, __dirname is the folder
  // of the symlink that was run (node_modules/.bin), where neither host.js nor package.json is.
  banner: {
    js: [
      '"use strict";',
      "const __bundleDir = require('node:path').dirname(require('node:fs').realpathSync(__filename));",
      "const __moduleUrl = (rel) => require('node:url').pathToFileURL(require('node:path').join(__bundleDir, rel)).href;",
    ].join('\n'),
  },
  plugins: [ownImportMetaUrl],
  // Stack traces as the modules would give them (raster2img --debug): class names kept (not
  // _ByteSource), and a source map, through tsc's own, to src/*.ts for node --enable-source-maps.
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
