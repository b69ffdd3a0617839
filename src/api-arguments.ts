/**
 * The library's own argument checks, the counterpart of yargs's `.strict()` and typed flags on the
 * command line: a JavaScript caller (or a TypeScript one passing `any`) gets the same one typed
 * E_BAD_OPTION error as a CLI user, not a TypeError from deep inside, and a misspelled option is
 * refused instead of silently ignored (`{ compresion: 'lzw' }` would write an uncompressed file).
 */
import { Readable, Writable } from 'node:stream';
import { RasterError } from './errors.js';
import { shownValue } from './option-values.js';
import { FormatRegistry } from './registry.js';

/** The options each API function reads besides the plugins' own (ConvertOptions, DescribeOptions, OpenOptions). */
const OPEN_KEYS = ['from', 'stdin', 'signal', 'registry'] as const;
export const API_OPTION_KEYS = {
  openInput: OPEN_KEYS,
  describe: [...OPEN_KEYS, 'page'],
  convert: [...OPEN_KEYS, 'format', 'page', 'range', 'stdout', 'onProgress', 'onNotice', 'bandBytes', 'fsync'],
} as const;
export type ApiFunction = keyof typeof API_OPTION_KEYS;

function bad(fn: ApiFunction, message: string, field: string): RasterError {
  return new RasterError('E_BAD_OPTION', `${fn}(): ${message}`, { field });
}

/** Edit distance, for "did you mean": option names are short, so the plain O(n·m) table is fine. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The known key a misspelling most likely meant: the same letters but for case and dashes, else
 * one edit per four letters at most (so "compresion" finds "compression", and "dest" is not
 * taken for "depth").
 */
function suggestion(key: string, known: readonly string[]): string | undefined {
  const plain = (s: string) => s.replace(/[-_]/g, '').toLowerCase();
  const exact = known.find((k) => plain(k) === plain(key));
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(key.length / 4)) + 1;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Objects that are values, not option bags: their entries would be ignored without a word. */
function isValueObject(o: object): boolean {
  return Array.isArray(o) || ArrayBuffer.isView(o) || o instanceof Map || o instanceof Set || o instanceof Date || o instanceof RegExp || typeof (o as PromiseLike<unknown>).then === 'function';
}

/**
 * The keys of an options object as its reader sees them: enumerable ones, own or inherited (an
 * object made with Object.create(defaults)), and the getters of a class (accessors on its
 * prototypes are not enumerable); not methods.
 */
function optionKeys(o: object): Set<string> {
  const keys = new Set<string>();
  for (const k in o) keys.add(k);
  for (let p = Object.getPrototypeOf(o) as object | null; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null)
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) if (d.get) keys.add(k);
  return keys;
}

/**
 * Check the input, the output (convert only) and the options of a library call, and return the
 * options as one plain object (optionKeys), each getter read once, undefined values dropped.
 * @throws RasterError E_BAD_OPTION naming the argument or option that is wrong.
 */
export function checkApiArguments(fn: ApiFunction, registry: FormatRegistry, input: unknown, options: unknown, output?: unknown): Record<string, unknown> {
  if (!(typeof input === 'string' && input !== '') && !(input instanceof Uint8Array) && !(input instanceof Readable))
    throw bad(fn, `the input must be a path, "-" for stdin, bytes (a Uint8Array) or a Readable stream; got ${shownValue(input)}`, 'in');
  if (fn === 'convert' && !(typeof output === 'string' && output !== ''))
    throw bad(fn, `the output must be a path, "-" for stdout, or a pattern such as page-%03d.png; got ${shownValue(output)}`, 'out');
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || isValueObject(options)) throw bad(fn, `the options must be a plain object; got ${shownValue(options)}`, 'options');

  // Options of formats this call can use: describe() and openInput() read inputs only.
  const decoders = new Set(registry.listDecoders().map((d) => d.name));
  const plugin = new Map([...registry.allOptions()].filter(([, { owners }]) => fn === 'convert' || owners.some((o) => decoders.has(o))));
  const known: string[] = [...API_OPTION_KEYS[fn], ...plugin.keys()];
  const bag: Record<string, unknown> = {};
  for (const key of optionKeys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue; // as if absent, whatever the key: a shared options object may carry other calls' keys
    if (!known.includes(key)) {
      const elsewhere = (Object.keys(API_OPTION_KEYS) as ApiFunction[]).filter((f) => (API_OPTION_KEYS[f] as readonly string[]).includes(key));
      const likely = suggestion(key, known);
      const hint =
        key === 'in' || key === 'out'
          ? `; the input${fn === 'convert' ? ' and the output are the first two arguments' : ' is the first argument'}, not options`
          : elsewhere.length > 0
            ? `; it is an option of ${elsewhere.map((f) => `${f}()`).join(' and ')}`
            : registry.allOptions().has(key)
              ? `; it is an option of the output formats (${registry.allOptions().get(key)!.owners.join(', ')}), for convert()`
              : likely
                ? `; did you mean "${likely}"?`
                : '';
      throw bad(fn, `unknown option "${key}"${hint}`, key);
    }
    const expect = (ok: boolean, what: string) => {
      if (!ok) throw bad(fn, `option "${key}" must be ${what}; got ${shownValue(value)}`, key);
    };
    switch (key) {
      case 'from':
      case 'format':
        expect(typeof value === 'string', 'a format name');
        break;
      case 'stdin':
        expect(value instanceof Readable, 'a Readable stream');
        break;
      case 'stdout':
        expect(value instanceof Writable, 'a Writable stream');
        break;
      case 'signal':
        expect(value instanceof AbortSignal, 'an AbortSignal');
        break;
      case 'onProgress':
      case 'onNotice':
        expect(typeof value === 'function', 'a function');
        break;
      case 'fsync':
        expect(typeof value === 'boolean', 'true or false');
        break;
      case 'bandBytes':
        expect(typeof value === 'number' && Number.isSafeInteger(value) && value >= 1, 'a whole number of bytes ≥ 1');
        break;
      case 'registry':
        expect(value instanceof FormatRegistry, 'a FormatRegistry (createRegistry())');
        break;
      default:
        // page and range are checked where they are read; plugin options by their plugin, but a
        // flag must be a boolean: "false" (a string) would count as set.
        if (plugin.get(key)?.spec.type === 'boolean') expect(typeof value === 'boolean', 'true or false');
    }
    bag[key] = value;
  }
  return bag;
}
