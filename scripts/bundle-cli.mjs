/**
 * Bundles the compiled CLI (dist/src/cli/main.js and every module it reaches, yargs included)
 * into one CommonJS file, dist/bin/raster2img-main.cjs, which the package's `bin`,
 * dist/bin/raster2img.cjs (scripts/cli-launcher.cjs), starts through scripts/bundle-loader.cjs
 * from a V8 code cache made here too (scripts/make-code-cache.cjs). Why one file: a CLI run loaded some
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
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, 'dist') + sep;
const outfile = resolve(dist, 'bin/raster2img-main.cjs');
const launcher = resolve(dist, 'bin/raster2img.cjs');

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

const inYargs = (path) => path.includes(`${sep}node_modules${sep}yargs${sep}`);

/**
 * Two things yargs does when it loads that cost every run some 5 ms each, though the CLI needs
 * neither unless it prints help:
 * - it requires Node's `assert` for two internal checks (notStrictEqual, strictEqual), and
 *   `assert` loads util's colour support, which makes stderr's stream: scripts/assert-shim.cjs
 *   gives yargs the same two checks;
 * - it reads process.stdout.columns, which makes stdout's stream (a pipe's loads net): read
 *   when help is wrapped instead. The build fails if that code is not found, so a new yargs
 *   cannot slip past unnoticed.
 */
const yargsStartUp = {
  name: 'yargs-start-up',
  setup(b) {
    b.onResolve({ filter: /^(node:)?assert$/ }, (args) =>
      inYargs(args.importer) ? { path: resolve(root, 'scripts/assert-shim.cjs') } : undefined,
    );
    b.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]index\.cjs$/ }, async (args) => {
      const eager = 'stdColumns:void 0!==process.stdout.columns?process.stdout.columns:null';
      const code = await readFile(args.path, 'utf8');
      if (!code.includes(eager)) throw new Error(`${args.path}: yargs no longer reads stdout's columns as bundle-cli.mjs expects`);
      return { contents: code.replace(eager, 'get stdColumns(){return void 0!==process.stdout.columns?process.stdout.columns:null}'), loader: 'js' };
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
  plugins: [ownImportMetaUrl, yargsStartUp],
  // Stack traces as the modules would give them (raster2img --debug): class names kept (not
  // _ByteSource), and a source map, through tsc's own, to src/*.ts for --debug (cli-launcher.cjs).
  keepNames: true,
  // Whitespace minified: a third less to read and compile at every start. Lines broken at about
  // 160 characters where esbuild can (it keeps a literal whole: the longest line is a 10.6 KB
  // regular expression of a yargs dependency): Node prints the source line of an uncaught
  // exception, and a minified line without a limit is some 200 KB.
  minifyWhitespace: true,
  lineLimit: 160,
  sourcemap: 'linked',
  logLevel: 'warning',
});

// The launcher compiles the bundle inside a function wrapper, where a #! line is a syntax error;
// it becomes an empty line, so that the source map's line numbers still hold.
const bundled = await readFile(outfile, 'utf8');
await writeFile(outfile, bundled.replace(/^#!.*/, ''));
await copyFile(resolve(root, 'scripts/cli-launcher.cjs'), launcher);
await copyFile(resolve(root, 'scripts/bundle-loader.cjs'), resolve(dist, 'bin/bundle-loader.cjs'));
await chmod(launcher, 0o755);
await chmod(outfile, 0o644); // run by the launcher, not by itself
execFileSync(process.execPath, [resolve(root, 'scripts/make-code-cache.cjs')], { stdio: 'inherit' });
