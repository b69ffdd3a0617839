/**
 * The library's own argument checks, the counterpart of yargs's `.strict()` and typed flags on the
 * command line: a JavaScript caller (or a TypeScript one passing `any`) gets the same one typed
 * E_BAD_OPTION error as a CLI user, not a TypeError from deep inside, and a misspelled option is
 * refused instead of silently ignored (`{ compresion: 'lzw' }` would write an uncompressed file).
 */
import { Readable, Writable } from 'node:stream';
import { RasterError } from './errors.js';
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

/** How a value looks in a message: its JSON where that is short, else its type. */
function shown(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') return `an object (${v.constructor?.name ?? 'Object'})`;
  return `${JSON.stringify(v)} (a ${typeof v})`;
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

/** The known key a misspelling most likely meant: same letters ignoring case and dashes, or within 2 edits. */
function suggestion(key: string, known: readonly string[]): string | undefined {
  const plain = (s: string) => s.replace(/[-_]/g, '').toLowerCase();
  const exact = known.find((k) => plain(k) === plain(key));
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/**
 * Check the input, the output (convert only) and the options of a library call.
 * @throws RasterError E_BAD_OPTION naming the argument or option that is wrong.
 */
export function checkApiArguments(fn: ApiFunction, registry: FormatRegistry, input: unknown, options: unknown, output?: unknown): void {
  const isBytes = input instanceof Uint8Array;
  if (!(typeof input === 'string' && input !== '') && !isBytes && !(input instanceof Readable))
    throw bad(fn, `the input must be a path, "-" for stdin, bytes (a Uint8Array) or a Readable stream; got ${shown(input)}`, 'in');
  if (fn === 'convert' && !(typeof output === 'string' && output !== ''))
    throw bad(fn, `the output must be a path, "-" for stdout, or a pattern such as page-%03d.png; got ${shown(output)}`, 'out');
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw bad(fn, `the options must be an object; got ${shown(options)}`, 'options');

  const plugin = registry.allOptions();
  const known: string[] = [...API_OPTION_KEYS[fn], ...plugin.keys()];
  for (const [key, value] of Object.entries(options)) {
    if (!known.includes(key)) {
      const others = (Object.keys(API_OPTION_KEYS) as ApiFunction[]).filter((f) => (API_OPTION_KEYS[f] as readonly string[]).includes(key));
      const likely = suggestion(key, known);
      const hint = others.length > 0 ? `; it is an option of ${others.map((f) => `${f}()`).join(' and ')}` : likely ? `; did you mean "${likely}"?` : '';
      throw bad(fn, `unknown option "${key}"${hint}`, key);
    }
    if (value === undefined) continue;
    const expect = (ok: boolean, what: string) => {
      if (!ok) throw bad(fn, `option "${key}" must be ${what}; got ${shown(value)}`, key);
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
  }
}
