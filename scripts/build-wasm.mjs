/**
 * Compiles every WebAssembly text file under formats/ and src/ (*.wat) into the binary module
 * beside its compiled JavaScript in dist/ (formats/png/filters.wat → dist/formats/png/filters.wasm),
 * where the module that uses it reads it by its own URL. wabt is the WebAssembly project's own
 * toolkit (wat2wasm), here as its npm build; SIMD is a standard part of WebAssembly 2.0 and of
 * every Node this package supports.
 */
import initWabt from 'wabt';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const wabt = await initWabt();

for (const top of ['src', 'formats'])
  for (const entry of readdirSync(join(root, top), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.wat')) continue;
    const source = join(entry.parentPath, entry.name);
    const rel = relative(root, source);
    const module = wabt.parseWat(rel, readFileSync(source, 'utf8'), { simd: true });
    try {
      module.validate();
      const target = join(root, 'dist', rel.replace(/\.wat$/, '.wasm'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, module.toBinary({}).buffer);
    } finally {
      module.destroy();
    }
  }
