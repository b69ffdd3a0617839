/**
 * The bin (scripts/cli-launcher.cjs) starts the bundled CLI from the V8 code cache the build
 * made; without a usable cache it compiles the bundle as usual, and with source maps on (or
 * --debug) it requires the bundle so that stack traces point at src/*.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string };

/** Runs the launcher as a module: `cache` is what runBundle gets ('file': the build's cache). */
function runWith(cache: 'file' | 'none' | 'garbage', args: string[]) {
  const code = `
    const l = require(${JSON.stringify(CLI)});
    const cachedData = ${JSON.stringify(cache)} === 'file' ? l.readCodeCache() : ${JSON.stringify(cache)} === 'garbage' ? Buffer.alloc(4096, 7) : undefined;
    process.argv = [process.execPath, ${JSON.stringify(CLI)}, ...${JSON.stringify(args)}];
    const script = l.runBundle(cachedData);
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

test('--debug stack traces point at src/*.ts, with or without node --enable-source-maps', () => {
  for (const nodeFlags of [[], ['--enable-source-maps']]) {
    const args = ['--debug', '-i', 'samples/raw/wizard-rgb16be-1800.raw', '--width', '240', '--height', '320', '--layout', 'rgb', '--depth', '16', '-f', 'png', '-o', '-'];
    const r = spawnSync(process.execPath, [...nodeFlags, CLI, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /formats\/raw\/geometry\.ts:\d+:\d+/, `node ${nodeFlags.join(' ')}: ${r.stderr}`);
  }
});
