/**
 * A parser for the subset of Python literal syntax that numpy writes in a .npy header: a dict
 * with string keys whose values are strings, True/False, ints (with the Python 2 `L` suffix) and
 * tuples/lists of those, with trailing commas and free whitespace. The header is treated as data:
 * nothing is evaluated, nesting is bounded and every value keeps the byte offset it came from, so
 * that errors can point at the byte in the file.
 *
 * Tokens are read from the header bytes, not from decoded text: every syntax character is ASCII,
 * so byte offsets stay exact even for UTF-8 (format 3.0) headers; only string contents are decoded.
 */
import { oneLine, RasterError } from '../../src/errors.js';

/** A parsed literal; `offset` is the absolute byte offset of its first byte in the input. */
export type PyValue =
  | { kind: 'str'; value: string; offset: number }
  | { kind: 'int'; value: bigint; offset: number }
  /** Any other numeric literal (float, hex, complex …), kept as text: numpy's header never needs one. */
  | { kind: 'number'; text: string; offset: number }
  | { kind: 'bool'; value: boolean; offset: number }
  | { kind: 'none'; offset: number }
  | { kind: 'tuple' | 'list'; items: PyValue[]; offset: number }
  | { kind: 'dict'; entries: { key: PyValue; value: PyValue }[]; offset: number };

export interface LiteralOptions {
  /** Absolute offset of bytes[0] in the input, for error offsets. */
  base: number;
  /** How string contents are encoded: latin1 for format 1.0/2.0, UTF-8 for 3.0. */
  encoding: 'latin1' | 'utf8';
  /** Accept the Python 2 long suffix (`10L`); numpy strips it only for format 1.0/2.0. */
  longSuffix: boolean;
}

/** Deepest container nesting accepted; numpy's own headers nest at most 2 deep for images. */
export const MAX_NESTING = 32;
/**
 * Longest integer literal converted exactly. Longer ones stand for "too large for any image"
 * (beyond 10^40) and are not converted, so a hostile megabyte of digits costs no time.
 */
const MAX_INT_DIGITS = 40;
const HUGE_INT = 10n ** BigInt(MAX_INT_DIGITS);
/**
 * A Python 3 integer literal, as ast.literal_eval (numpy's format.py) takes it: decimal without
 * leading zeros ("007" is a SyntaxError), 0x / 0o / 0b forms, "_" between digits; then Python 2's
 * L suffix (headers of format 1.0 and 2.0 may come from Python 2).
 */
const INT_LITERAL = /^([1-9](?:_?[0-9])*|0(?:_?0)*|0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+)([lL]?)$/;

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0c]);
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isNameStart = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
const isNameChar = (b: number) => isNameStart(b) || isDigit(b);
const CLOSER: Record<'tuple' | 'list', number> = { tuple: 0x29, list: 0x5d };
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', r: '\r', t: '\t', '0': '\0' };

/** Printable description of one byte for messages. */
function showByte(b: number | undefined): string {
  if (b === undefined) return 'the end of the header';
  return b >= 0x21 && b <= 0x7e ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/**
 * Parse one literal that fills `bytes` (surrounding whitespace allowed).
 * @throws RasterError E_BAD_HEADER (field `header`, offset of the offending byte) when the bytes
 *   are not a literal of the subset, are nested deeper than MAX_NESTING, or are followed by anything.
 */
export function parseLiteral(bytes: Uint8Array, opts: LiteralOptions): PyValue {
  return new LiteralParser(bytes, opts).parseAll();
}

class LiteralParser {
  private i = 0;
  private depth = 0;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly b: Uint8Array,
    private readonly opts: LiteralOptions,
  ) {}

  parseAll(): PyValue {
    const v = this.value();
    this.skipSpace();
    if (this.i < this.b.length) throw this.fail(`unexpected ${showByte(this.b[this.i])} after the header literal`);
    return v;
  }

  private fail(detail: string, at = this.i): RasterError {
    return new RasterError('E_BAD_HEADER', `header: ${detail}`, { offset: this.opts.base + at, field: 'header' });
  }

  private skipSpace(): void {
    while (this.i < this.b.length && SPACE.has(this.b[this.i]!)) this.i++;
  }

  private value(): PyValue {
    this.skipSpace();
    const at = this.i;
    const c = this.b[at];
    switch (c) {
      case undefined:
        throw this.fail('expected a value, found the end of the header');
      case 0x7b: // {
        return this.container(() => this.dict(at));
      case 0x28: // (
        return this.container(() => this.sequence('tuple', at));
      case 0x5b: // [
        return this.container(() => this.sequence('list', at));
      case 0x27: // '
      case 0x22: // "
        return this.string();
      case 0x2d: // - (a sign applies to one number, as in ast.literal_eval)
      case 0x2b: {
        this.i++;
        this.skipSpace();
        if (!isDigit(this.b[this.i] ?? -1)) throw this.fail(`expected a number after '${String.fromCharCode(c)}'`);
        return this.number(at, c === 0x2d);
      }
    }
    if (isDigit(c) || (c === 0x2e && isDigit(this.b[at + 1] ?? -1))) return this.number(at, false);
    if (isNameStart(c)) return this.name();
    throw this.fail(`unexpected ${showByte(c)}`);
  }

  private container(parse: () => PyValue): PyValue {
    if (++this.depth > MAX_NESTING) throw this.fail(`containers nested deeper than ${MAX_NESTING} levels`);
    const v = parse();
    this.depth--;
    return v;
  }

  /** After an item: a comma (true), or the closing byte (false, consumed). */
  private separator(close: number, what: string): boolean {
    this.skipSpace();
    const c = this.b[this.i];
    if (c === 0x2c) {
      this.i++;
      return true;
    }
    if (c === close) {
      this.i++;
      return false;
    }
    throw this.fail(`expected ',' or '${String.fromCharCode(close)}' in ${what}, found ${showByte(c)}`);
  }

  /** True (and consumed) when the next non-space byte is `close`. */
  private closes(close: number): boolean {
    this.skipSpace();
    if (this.b[this.i] !== close) return false;
    this.i++;
    return true;
  }

  private dict(at: number): PyValue {
    this.i++;
    const entries: { key: PyValue; value: PyValue }[] = [];
    while (!this.closes(0x7d)) {
      const key = this.value();
      this.skipSpace();
      if (this.b[this.i] !== 0x3a) throw this.fail(`expected ':' after a dict key, found ${showByte(this.b[this.i])}`);
      this.i++;
      entries.push({ key, value: this.value() });
      if (!this.separator(0x7d, 'the dict')) break;
    }
    return { kind: 'dict', entries, offset: this.opts.base + at };
  }

  /** A tuple or list. As in Python, `(x)` without a comma is just x in parentheses. */
  private sequence(kind: 'tuple' | 'list', at: number): PyValue {
    this.i++;
    const close = CLOSER[kind];
    const items: PyValue[] = [];
    let sawComma = false;
    while (!this.closes(close)) {
      items.push(this.value());
      if (!this.separator(close, `the ${kind}`)) break;
      sawComma = true;
    }
    if (kind === 'tuple' && items.length === 1 && !sawComma) return items[0]!;
    return { kind, items, offset: this.opts.base + at };
  }

  private string(): PyValue {
    const at = this.i;
    const quote = this.b[this.i++]!;
    const parts: number[] = [];
    let text = '';
    const flush = () => {
      if (parts.length === 0) return;
      const bytes = Uint8Array.from(parts);
      parts.length = 0;
      if (this.opts.encoding === 'latin1') text += Buffer.from(bytes).toString('latin1');
      else {
        try {
          text += this.utf8.decode(bytes);
        } catch {
          throw this.fail('string is not valid UTF-8 (format 3.0 headers are UTF-8)', at);
        }
      }
    };
    for (;;) {
      const c = this.b[this.i];
      if (c === undefined || c === 0x0a || c === 0x0d) throw this.fail('unterminated string', at);
      this.i++;
      if (c === quote) break;
      if (c !== 0x5c) {
        parts.push(c);
        continue;
      }
      // Backslash escapes: the common ones and \xHH; any other is kept verbatim, as Python does.
      const e = this.b[this.i];
      if (e === undefined) throw this.fail('unterminated string', at);
      const ch = String.fromCharCode(e);
      const simple = SIMPLE_ESCAPES[ch];
      if (simple !== undefined) {
        flush();
        text += simple;
        this.i++;
      } else if (ch === 'x') {
        const hex = Buffer.from(this.b.subarray(this.i + 1, this.i + 3)).toString('latin1');
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw this.fail('bad \\x escape in a string', this.i - 1);
        flush();
        text += String.fromCharCode(parseInt(hex, 16));
        this.i += 3;
      } else {
        parts.push(0x5c);
      }
    }
    flush();
    return { kind: 'str', value: text, offset: this.opts.base + at };
  }

  private number(at: number, negative: boolean): PyValue {
    const start = this.i;
    // Take the whole numeric-looking token (digits, letters, '.', '_', exponent signs) so that a
    // float or hex literal is one token that validation can name, not a syntax error mid-way.
    while (this.i < this.b.length) {
      const c = this.b[this.i]!;
      const prev = this.b[this.i - 1]!;
      if (isNameChar(c) || c === 0x2e || ((c === 0x2b || c === 0x2d) && (prev === 0x65 || prev === 0x45))) this.i++;
      else break;
    }
    const token = Buffer.from(this.b.subarray(start, this.i)).toString('latin1');
    const m = INT_LITERAL.exec(token);
    if (!m || (m[2] && !this.opts.longSuffix)) {
      return { kind: 'number', text: (negative ? '-' : '') + token, offset: this.opts.base + at };
    }
    // BigInt reads the 0x/0o/0b forms too; any base is at least 2, so 4 × MAX_INT_DIGITS digits
    // are past 10^MAX_INT_DIGITS whatever it is.
    const digits = m[1]!.replaceAll('_', '');
    const exact = digits.length > 4 * MAX_INT_DIGITS ? HUGE_INT : BigInt(digits);
    const magnitude = exact > HUGE_INT ? HUGE_INT : exact;
    return { kind: 'int', value: negative ? -magnitude : magnitude, offset: this.opts.base + at };
  }

  private name(): PyValue {
    const at = this.i;
    while (this.i < this.b.length && isNameChar(this.b[this.i]!)) this.i++;
    const word = Buffer.from(this.b.subarray(at, this.i)).toString('latin1');
    const offset = this.opts.base + at;
    if (word === 'True' || word === 'False') return { kind: 'bool', value: word === 'True', offset };
    if (word === 'None') return { kind: 'none', offset };
    throw this.fail(`unexpected name '${word.length > 40 ? word.slice(0, 40) + '…' : word}' (only True, False and None are literals)`, at);
  }
}

/**
 * A string from the header as Python's repr quotes it, for messages: quotes, backslashes and
 * control characters escaped (so that a message stays one line and sends no terminal escapes),
 * at most 60 characters of it.
 */
export function showString(s: string): string {
  const cut = s.length > 60 ? s.slice(0, 60) : s;
  return `'${oneLine(cut.replace(/[\\']/g, '\\$&'))}${cut.length < s.length ? '…' : ''}'`;
}

/** Short Python-like rendering of a value for messages (bounded length). */
export function showLiteral(v: PyValue): string {
  const s = render(v, 0);
  return s.length > 80 ? s.slice(0, 79) + '…' : s;
}

function render(v: PyValue, depth: number): string {
  if (depth > 4) return '…';
  switch (v.kind) {
    case 'str':
      return showString(v.value);
    case 'int':
      // Capped at HUGE_INT when read: the digits beyond are not known any more.
      return v.value >= HUGE_INT ? `≥10^${MAX_INT_DIGITS}` : v.value <= -HUGE_INT ? `≤-10^${MAX_INT_DIGITS}` : v.value.toString();
    case 'number':
      return v.text.length > 40 ? v.text.slice(0, 40) + '…' : v.text;
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
    case 'list': {
      const inner = v.items.slice(0, 8).map((x) => render(x, depth + 1));
      if (v.items.length > 8) inner.push('…');
      const body = inner.join(', ') + (v.kind === 'tuple' && v.items.length === 1 ? ',' : '');
      return v.kind === 'tuple' ? `(${body})` : `[${body}]`;
    }
    case 'dict':
      return `{${v.entries
        .slice(0, 4)
        .map((e) => `${render(e.key, depth + 1)}: ${render(e.value, depth + 1)}`)
        .join(', ')}${v.entries.length > 4 ? ', …' : ''}}`;
  }
}
