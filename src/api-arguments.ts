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
import type { WithRegistry } from './index.js';
import type { ConvertCoreOptions, DescribeCoreOptions, OpenCoreOptions } from './pipeline.js';

/** The options each API function reads besides the plugins' own (ConvertOptions, DescribeOptions, OpenOptions). */
const OPEN_KEYS = ['from', 'stdin', 'signal', 'registry'] as const;
export const API_OPTION_KEYS = {
  openInput: OPEN_KEYS,
  describe: [...OPEN_KEYS, 'page'],
  convert: [...OPEN_KEYS, 'format', 'page', 'range', 'stdout', 'onProgress', 'onNotice', 'bandBytes', 'fsync'],
} as const;
export type ApiFunction = keyof typeof API_OPTION_KEYS;

/**
 * The lists must name exactly the keys of the options interfaces, which cannot be listed at run
 * time: a key added to one and not the other makes this fail to compile.
 */
type SameKeys<Keys extends readonly string[], Options> = [Keys[number]] extends [keyof Options] ? ([keyof Options] extends [Keys[number]] ? true : false) : false;
type CoreOptionsOf = { openInput: OpenCoreOptions; describe: DescribeCoreOptions; convert: ConvertCoreOptions };
({ openInput: true, describe: true, convert: true }) satisfies { [F in ApiFunction]: SameKeys<(typeof API_OPTION_KEYS)[F], CoreOptionsOf[F] & WithRegistry> };

function bad(fn: ApiFunction, message: string, field: string): RasterError {
  return new RasterError('E_BAD_OPTION', `${fn}(): ${message}`, { field });
}

/**
 * Edit distance counting a swap of two neighbouring letters as one edit (optimal string
 * alignment), so that "widht" is one edit from "width". Option names are short: the plain table.
 */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/**
 * The key a misspelling most likely meant: the same letters but for case and dashes, else one
 * edit per four letters at most (so "compresion" and "widht" find theirs, and "dest" is not
 * taken for "depth").
 */
function suggestion(key: string, known: Iterable<string>): string | undefined {
  const plain = (s: string) => s.replace(/[-_]/g, '').toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(key.length / 4)) + 1;
  for (const k of known) {
    if (plain(k) === plain(key)) return k;
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
 * Keys of an options object that look like options, for spotting unknown ones: its own string
 * keys (enumerable or not), and from its prototypes below Object.prototype the data properties
 * that are not functions (Object.create(defaults)) and the getters (a class's). Not methods, and
 * nothing a library added to Object.prototype. (The values are read by key, so a Proxy or an
 * inherited option is read as the pipeline would read it.)
 */
function candidateKeys(o: object): Set<string> {
  const keys = new Set(Object.getOwnPropertyNames(o));
  for (let p = Object.getPrototypeOf(o) as object | null; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null)
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(p)))
      if (k !== 'constructor' && (d.get || (d.enumerable && typeof d.value !== 'function'))) keys.add(k);
  return keys;
}

/** Where a key the call does not know belongs, in words, or what it probably meant. */
function unknownKeyHint(fn: ApiFunction, key: string, registry: FormatRegistry, known: readonly string[]): string {
  if (key === 'in' || key === 'out') return fn === 'convert' ? '; the input and the output are the first two arguments, not options' : '; the input is the first argument, not an option';
  if (key === 'info') return '; describe() gives what --info prints';
  const everyKey = new Set([...Object.values(API_OPTION_KEYS).flat(), ...registry.allOptions().keys()]);
  const meant = everyKey.has(key) ? key : suggestion(key, everyKey);
  if (meant === undefined) return '';
  const didYouMean = meant === key ? '' : `; did you mean "${meant}"?`;
  if (known.includes(meant)) return didYouMean;
  const calls = (Object.keys(API_OPTION_KEYS) as ApiFunction[]).filter((f) => (API_OPTION_KEYS[f] as readonly string[]).includes(meant));
  const where = calls.length > 0 ? `of ${calls.map((f) => `${f}()`).join(' and ')}` : `of the output formats (${registry.allOptions().get(meant)!.owners.join(', ')}), for convert()`;
  return `${didYouMean || ';'} ${meant === key ? 'it' : `"${meant}"`} is an option ${where}`;
}

/**
 * Check the input, the output (convert only) and the options of a library call, and return the
 * registry the call uses (options.registry, else defaultRegistry()) and the known options as one
 * plain object, each read once by key, undefined values dropped.
 * @throws RasterError E_BAD_OPTION naming the argument or option that is wrong.
 */
export function checkApiArguments(
  fn: ApiFunction,
  defaultRegistry: () => FormatRegistry,
  input: unknown,
  options: unknown,
  output?: unknown,
): { registry: FormatRegistry; bag: Record<string, unknown> } {
  if (!(typeof input === 'string' && input !== '') && !(input instanceof Uint8Array) && !(input instanceof Readable))
    throw bad(fn, `the input must be a path, "-" for stdin, bytes (a Uint8Array) or a Readable stream; got ${shownValue(input)}`, 'in');
  if (fn === 'convert' && !(typeof output === 'string' && output !== ''))
    throw bad(fn, `the output must be a path, "-" for stdout, or a pattern such as page-%03d.png; got ${shownValue(output)}`, 'out');
  if (options === undefined) return { registry: defaultRegistry(), bag: {} };
  if (options === null || typeof options !== 'object' || isValueObject(options)) throw bad(fn, `the options must be a plain object; got ${shownValue(options)}`, 'options');
  // The registry first: it says which other options there are.
  const given = (options as Record<string, unknown>)['registry'];
  if (given !== undefined && !(given instanceof FormatRegistry))
    throw bad(fn, `option "registry" must be a FormatRegistry (createRegistry()); got ${shownValue(given)}`, 'registry');
  const registry = given ?? defaultRegistry();

  // Options of formats this call can use: describe() and openInput() read inputs only.
  const plugin = fn === 'convert' ? registry.allOptions() : registry.inputOptions();
  const known: string[] = [...API_OPTION_KEYS[fn], ...plugin.keys()];
  for (const key of candidateKeys(options))
    if (!known.includes(key) && (options as Record<string, unknown>)[key] !== undefined)
      throw bad(fn, `unknown option "${key}"${unknownKeyHint(fn, key, registry, known)}`, key);
  const bag: Record<string, unknown> = {};
  for (const key of known) {
    // Read by key, once: an inherited option, a getter or a Proxy gives what the pipeline would get.
    const value = key === 'registry' ? given : (options as Record<string, unknown>)[key];
    if (value === undefined) continue; // as if absent
    const expect = (ok: boolean, what: string) => {
      if (!ok) throw bad(fn, `option "${key}" must be ${what}; got ${shownValue(value)}`, key);
    };
    switch (key) {
      case 'from':
      case 'format':
        expect(typeof value === 'string' && value !== '', 'a format name');
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
      default:
        // page and range are checked where they are read; plugin options by their plugin, but a
        // flag must be a boolean: "false" (a string) would count as set.
        if (plugin.get(key)?.spec.type === 'boolean') expect(typeof value === 'boolean', 'true or false');
    }
    bag[key] = value;
  }
  return { registry, bag };
}
