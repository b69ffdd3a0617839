/**
 * collectYoungGarbage (src/workers/young-garbage.ts): gets a gc() without leaving --expose-gc set
 * for the rest of the process (the flag changes the hash V8 checks code caches against, so every
 * worker started afterwards compiled Node's internals without theirs), keeps the user's own
 * `node --expose-gc`, and works when many threads ask for their gc() at the same moment.
 * Each case runs in a child process, because V8's flags belong to the whole process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const MODULE = new URL('../../src/workers/young-garbage.js', import.meta.url).href;

/** Run `body` as an ES module in a new node, with runInNewContext and collectYoungGarbage imported; its stdout. */
function runModule(body: string, nodeFlags: string[] = []): string {
  const code = `import { runInNewContext } from 'node:vm';\nimport { collectYoungGarbage } from ${JSON.stringify(MODULE)};\n${body}`;
  const r = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('the flag is cleared again once this thread has its gc()', () => {
  const out = runModule(`
    collectYoungGarbage();
    collectYoungGarbage();
    console.log(typeof globalThis.gc, runInNewContext('typeof gc'));`);
  assert.equal(out, 'undefined undefined', 'neither this context nor a later one has gc()');
});

test('under node --expose-gc the gc() given is used and the flag stays set', () => {
  const out = runModule(`collectYoungGarbage(); console.log(runInNewContext('typeof gc'));`, ['--expose-gc']);
  assert.equal(out, 'function');
});

test("a flag the program set, its --expose-gc-as name and its own global gc are left alone, and a gc() that cannot be had is no failure", () => {
  const setByProgram = runModule(`
    import { setFlagsFromString } from 'node:v8';
    setFlagsFromString('--expose-gc');
    let called = false;
    globalThis.gc = () => { called = true; };
    collectYoungGarbage();
    console.log(runInNewContext('typeof gc'), called);`);
  assert.equal(setByProgram, 'function false', "the flag stays set, and the program's gc() is not taken for V8's");
  const renamed = runModule(`collectYoungGarbage(); collectYoungGarbage(); console.log(runInNewContext('typeof collect + " " + typeof gc'));`, [
    '--expose-gc-as=collect',
  ]);
  assert.equal(renamed, 'function undefined');
});

test('eight workers and the main thread asking at once each get their gc(), ten times over', () => {
  // The workers load the module, wait on one shared word and are released together, so their
  // set–make–clear sequences overlap; a thread whose context came out without gc() must try again,
  // not throw. (execArgv: [], or the workers would inherit --input-type=module and fail to start.)
  const out = runModule(`
    import { Worker } from 'node:worker_threads';
    const body = \`
      const { workerData, parentPort } = require('node:worker_threads');
      const gate = new Int32Array(workerData.gate);
      import(workerData.module).then((m) => {
        Atomics.add(gate, 1, 1);
        Atomics.wait(gate, 0, 0);
        m.collectYoungGarbage();
        m.collectYoungGarbage();
        parentPort.postMessage('ok');
      });\`;
    let failures = 0;
    for (let round = 0; round < 10; round++) {
      const gate = new Int32Array(new SharedArrayBuffer(8));
      const workers = Array.from({ length: 8 }, () => new Worker(body, { eval: true, execArgv: [], workerData: { gate: gate.buffer, module: ${JSON.stringify(MODULE)} } }));
      const answers = workers.map((w) => new Promise((resolve) => { w.once('message', resolve); w.once('error', (e) => resolve(e.message)); }));
      while (Atomics.load(gate, 1) < 8) await new Promise((r) => setTimeout(r, 1));
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      if (round === 0) collectYoungGarbage();
      for (const a of await Promise.all(answers)) if (a !== 'ok') { failures++; console.error(a); }
      await Promise.all(workers.map((w) => w.terminate()));
    }
    console.log(failures, runInNewContext('typeof gc'));`);
  assert.equal(out, '0 undefined');
});
