/**
 * The bin (scripts/cli-launcher.cjs) runs the bundled CLI through scripts/bundle-loader.cjs, from
 * the V8 code cache the build made; without a sound cache it compiles the bundle as usual, and
 * with source maps on (or --debug) it requires the bundle so that stack traces point at src/*.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string };
const LOADER = join(dirname(CLI), 'bundle-loader.cjs');

interface Loader {
  CODE_CACHE: string;
  packCodeCache(source: string, data: Buffer): Buffer;
  unpackCodeCache(source: string, file: Buffer): Buffer | undefined;
  readBundle(): string;
  readCodeCache(source: string): Buffer | undefined;
}
const loader = createRequire(import.meta.url)(LOADER) as Loader;

/** Runs the CLI in a child through the loader, with V8 given `cache` ('file': the build's cache). */
function runWith(cache: 'file' | 'none' | 'garbage', args: string[]) {
  const code = `
    const l = require(${JSON.stringify(LOADER)});
    const source = l.readBundle();
    const cachedData = ${JSON.stringify(cache)} === 'file' ? l.readCodeCache(source) : ${JSON.stringify(cache)} === 'garbage' ? Buffer.alloc(4096, 7) : undefined;
    process.argv = [process.execPath, ${JSON.stringify(CLI)}, ...${JSON.stringify(args)}];
    const script = l.runBundle(source, cachedData);
    process.once('exit', () => process.stderr.write('\\nrejected=' + script.cachedDataRejected + '\\n'));`;
  return spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
}

test("the build's code cache is there and this node accepts it", () => {
  const r = runWith('file', ['--version']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), pkg.version);
  assert.match(r.stderr, /rejected=false/);
});

test('without a code cache, or with one V8 rejects, the CLI runs the same', () => {
  const none = runWith('none', ['--version']);
  assert.equal(none.status, 0, none.stderr);
  assert.equal(none.stdout.trim(), pkg.version);
  assert.match(none.stderr, /rejected=undefined/); // nothing given, nothing to reject
  const garbage = runWith('garbage', ['--version']);
  assert.equal(garbage.status, 0, garbage.stderr);
  assert.equal(garbage.stdout.trim(), pkg.version);
  assert.match(garbage.stderr, /rejected=true/);
});

test('a cache damaged anywhere, cut short, or made from another bundle of the same length is not given to V8', () => {
  const source = loader.readBundle();
  const file = readFileSync(loader.CODE_CACHE);
  assert.ok(loader.unpackCodeCache(source, file), 'the sound cache is used');
  // V8 itself crashed on a flipped byte inside its data (Deserializer), or ran changed bytecode.
  for (const at of [0, 5, 9, 13, 16, 1000, Math.floor(file.length / 2), file.length - 1]) {
    const damaged = Buffer.from(file);
    damaged[at]! ^= 0xff;
    assert.equal(loader.unpackCodeCache(source, damaged), undefined, `byte ${at} flipped`);
  }
  assert.equal(loader.unpackCodeCache(source, file.subarray(0, file.length - 1)), undefined, 'cut short');
  assert.equal(loader.unpackCodeCache(source, file.subarray(0, 10)), undefined, 'header cut short');
  const edited = source.replace('--in is required', '--in is REQUIRED');
  assert.equal(edited.length, source.length);
  assert.notEqual(edited, source);
  assert.equal(loader.unpackCodeCache(edited, file), undefined, 'another bundle of the same length');
  assert.deepEqual(loader.unpackCodeCache(edited, loader.packCodeCache(edited, Buffer.from('data'))), Buffer.from('data'));
});

test('require() of the bin runs the CLI, as it did when the bin was the bundle itself', () => {
  const code = `process.argv = [process.execPath, 'raster2img', '--version']; require(${JSON.stringify(CLI)});`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('--debug stack traces point at src/*.ts, with or without node --enable-source-maps', () => {
  for (const nodeFlags of [[], ['--enable-source-maps']]) {
    const args = ['--debug', '-i', 'samples/raw/wizard-rgb16be-1800.raw', '--width', '240', '--height', '320', '--layout', 'rgb', '--depth', '16', '-f', 'png', '-o', '-'];
    const r = spawnSync(process.execPath, [...nodeFlags, CLI, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /formats\/raw\/geometry\.ts:\d+:\d+/, `node ${nodeFlags.join(' ')}: ${r.stderr}`);
  }
});

test('a crash while the CLI loads prints a short report, not a line of the bundle of 200 KB', () => {
  // The one failure at load we can cause from outside: yargs refuses a Node older than this.
  const r = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8', env: { ...process.env, YARGS_MIN_NODE_VERSION: '99' } });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /supports a minimum Node\.js version of 99/);
  assert.ok(r.stderr.length < 5000, `${r.stderr.length} bytes on stderr`);
});
