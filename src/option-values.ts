/**
 * Reading encoder options out of the shared option bag, with the errors the CLI prints: the ones
 * several encoders share (zlib's level, for PNG and deflate TIFF) and choices from a list.
 */
import { RasterError } from './errors.js';
import type { OptionSpec, Options } from './plugin.js';

/** zlib's default level (Z_DEFAULT_COMPRESSION), which libpng and libtiff also use unless told otherwise. */
export const DEFAULT_ZLIB_LEVEL = 6;

/** The `level` option, declared alike by every encoder that deflates. */
export const ZLIB_LEVEL_OPTION = { type: 'number', describe: 'zlib compression level 0–9 (PNG, deflate TIFF)' } as const satisfies OptionSpec;

/** options.level, or DEFAULT_ZLIB_LEVEL. @throws RasterError E_BAD_OPTION unless it is a whole number 0–9. */
export function zlibLevel(options: Options): number {
  const level = options['level'] === undefined ? DEFAULT_ZLIB_LEVEL : options['level'];
  if (typeof level !== 'number' || !Number.isInteger(level) || level < 0 || level > 9)
    throw new RasterError('E_BAD_OPTION', `--level must be a whole number from 0 to 9 (got ${shownValue(level)})`, {
      field: 'level',
      expected: '0–9',
      actual: shownValue(level),
    });
  return level;
}

/** options[key] if it is one of `allowed`, undefined if absent. @throws RasterError E_BAD_OPTION otherwise. */
export function choiceOf<T extends string>(options: Options, key: string, allowed: readonly T[]): T | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new RasterError('E_BAD_OPTION', `--${flagName(key)} must be one of ${allowed.join(', ')} (got ${shownValue(v)})`, {
    field: key,
    expected: allowed.join('|'),
    actual: shownValue(v),
  });
}

/**
 * How a value given for an option looks in a message: strings quoted (so that "1" is not taken
 * for 1), bigints with their n, objects by their kind.
 */
export function shownValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') return Array.isArray(v) ? `an array [${v.map(shownValue).join(', ')}]` : `an object (${kindOf(v)})`;
  // A number this large may be a rounded one that looks whole and in range (--stride 2^53 + 1 is 2^53).
  if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) return `${v}, larger in size than 2^53 − 1, where whole numbers are no longer exact`;
  return String(v);
}

/** The class an object was made by, read off its prototype (its own "constructor" key may be anything). */
function kindOf(v: object): string {
  try {
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === null) return 'no prototype';
    const made = (proto as { constructor?: unknown }).constructor;
    return typeof made === 'function' && made.name !== '' ? made.name : 'anonymous class';
  } catch {
    return 'unreadable: a revoked Proxy'; // the only object whose prototype cannot be read
  }
}

/** The command-line flag of an option key: camelCase → kebab-case ("minIsWhite" → "min-is-white"). */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}
