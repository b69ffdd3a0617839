/**
 * Loading the WebAssembly modules that scripts/build-wasm.mjs compiles from the *.wat files beside
 * their users (src/convert/swap-rb.wat, formats/png/filters.wat) into dist/.
 */
import { readFileSync } from 'node:fs';

/**
 * The part of WebAssembly's JavaScript API used here: Node has it all (but not under --jitless),
 * and neither TypeScript's ES libraries nor @types/node 20 declare it.
 */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
};

/**
 * The exports of a new instance of the module at `url` (a .wasm file built beside the calling
 * module: new URL('./x.wasm', import.meta.url)), or null where there is no WebAssembly
 * (`node --jitless`): each user has a JavaScript way for that.
 */
export function instantiateWasm<E>(url: URL): E | null {
  if (typeof WebAssembly === 'undefined') return null;
  return new WebAssembly.Instance(new WebAssembly.Module(readFileSync(url)), {}).exports as E;
}
