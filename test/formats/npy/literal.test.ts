/**
 * The header literal parser: hand-picked cases, and random literals checked against Python's own
 * ast.literal_eval (Debian's python3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RasterError } from '../../../src/errors.js';
import { parseLiteral, MAX_NESTING, type PyValue } from '../../../formats/npy/literal.js';
import { SYSTEM_PYTHON, hasCommand, requireTool, run } from '../../helpers/tools.js';

const LATIN1 = { base: 0, encoding: 'latin1', longSuffix: true } as const;
/** Parse text (code points ≤ 0xff become single bytes, as in a latin1 header; a Buffer is taken as is). */
const parse = (text: string | Buffer, opts: Parameters<typeof parseLiteral>[1] = LATIN1) =>
  parseLiteral(typeof text === 'string' ? Buffer.from(text, opts.encoding === 'utf8' ? 'utf8' : 'latin1') : text, opts);

/** The value as plain JSON-able data: tuples and lists as {t|l: [...]}, ints as strings. */
function plain(v: PyValue): unknown {
  switch (v.kind) {
    case 'str':
    case 'bool':
      return v.value;
    case 'int':
      return `int:${v.value}`;
    case 'number':
      return `num:${v.text}`;
    case 'none':
      return null;
    case 'tuple':
      return { t: v.items.map(plain) };
    case 'list':
      return { l: v.items.map(plain) };
    case 'dict':
      return { d: v.entries.map((e) => [plain(e.key), plain(e.value)]) };
  }
}

function badAt(text: string | Buffer, offset: number, pattern: RegExp, opts: Parameters<typeof parseLiteral>[1] = LATIN1): void {
  assert.throws(
    () => parse(text, opts),
    (e: unknown) => {
      assert.ok(e instanceof RasterError, String(e));
      assert.equal(e.code, 'E_BAD_HEADER');
      assert.equal(e.field, 'header');
      assert.equal(e.offset, offset, `offset for ${JSON.stringify(text)}: ${e.message}`);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

test('numpy’s own header parses, with offsets of each value', () => {
  const text = "{'descr': '<u2', 'fortran_order': False, 'shape': (1024, 768, 3), }          \n";
  const v = parseLiteral(Buffer.from(text, 'latin1'), { ...LATIN1, base: 10 });
  assert.deepEqual(plain(v), { d: [['descr', '<u2'], ['fortran_order', false], ['shape', { t: ['int:1024', 'int:768', 'int:3'] }]] });
  assert.equal(v.kind, 'dict');
  if (v.kind !== 'dict') return;
  assert.deepEqual(
    v.entries.map((e) => [e.key.offset, e.value.offset]),
    [
      [10 + text.indexOf("'descr'"), 10 + text.indexOf("'<u2'")],
      [10 + text.indexOf("'fortran_order'"), 10 + text.indexOf('False')],
      [10 + text.indexOf("'shape'"), 10 + text.indexOf('(1024')],
    ],
  );
});

test('Python literal details: 1-tuples, parentheses, L suffix, signs, quotes, escapes, whitespace', () => {
  assert.deepEqual(plain(parse('(5,)')), { t: ['int:5'] });
  assert.deepEqual(plain(parse('(5)')), 'int:5', '(x) is x, not a tuple');
  assert.deepEqual(plain(parse('()')), { t: [] });
  assert.deepEqual(plain(parse('[1, 2,]')), { l: ['int:1', 'int:2'] });
  assert.deepEqual(plain(parse('(10L, 3l)')), { t: ['int:10', 'int:3'] });
  assert.deepEqual(plain(parse('(10L,)', { ...LATIN1, longSuffix: false })), { t: ['num:10L'] }, 'no L suffix in 3.0');
  assert.deepEqual(plain(parse('(- 4, +2, 007, 1.5, 0x10, 1e-3)')), { t: ['int:-4', 'int:2', 'num:007', 'num:1.5', 'int:16', 'num:1e-3'] });
  // Python 3's other integer forms, as ast.literal_eval reads them; misplaced '_' is no int.
  assert.deepEqual(plain(parse('(1_000, 0o17, 0b1_01, 0X_fF, 0_0, 1__0, 1_, 0x)')), {
    t: ['int:1000', 'int:15', 'int:5', 'int:255', 'int:0', 'num:1__0', 'num:1_', 'num:0x'],
  });
  assert.deepEqual(plain(parse(`"a'b"`)), "a'b");
  assert.deepEqual(plain(parse(String.raw`'a\'b\\c\x41\q'`)), "a'b\\cA\\q");
  assert.deepEqual(plain(parse('{\t"k"\n:\r\fNone , }')), { d: [['k', null]] });
  assert.deepEqual(plain(parse("'\xe9'")), 'é', 'latin1 string');
  assert.deepEqual(plain(parse("'é'", { ...LATIN1, encoding: 'utf8' })), 'é', 'UTF-8 string');
  assert.deepEqual(plain(parse(`(${'9'.repeat(5000)},)`)), { t: [`int:${10n ** 40n}`] }, 'huge ints are capped, not converted');
});

test('malformed literals are E_BAD_HEADER at the offending byte', () => {
  badAt("{'descr: '<u1'}", 10, /expected ':'/);
  badAt("{'descr': '<u1}", 10, /unterminated string/);
  badAt("{'a': 'x\n'}", 6, /unterminated string/);
  badAt("{'a': 1", 7, /expected ',' or '}'/);
  badAt("{'a': 1}}", 8, /after the header literal/);
  badAt("{'a': foo}", 6, /unexpected name 'foo'/);
  badAt("{'a': (1 2)}", 9, /expected ',' or '\)'/);
  badAt("{'a': -x}", 7, /expected a number after '-'/);
  badAt('', 0, /end of the header/);
  badAt('{1: 2, ', 7, /end of the header/);
  badAt('\x00\x01\x02', 0, /byte 0x00/);
  badAt("{'a': @}", 6, /unexpected '@'/);
  badAt(Buffer.from([0x27, 0xff, 0x27]), 0, /not valid UTF-8/, { ...LATIN1, encoding: 'utf8' });
  badAt("'\\x4'", 1, /bad \\x escape/);
});

test('nesting is bounded: deep tuples fail fast instead of overflowing the stack', () => {
  const deep = '('.repeat(100000) + ')'.repeat(100000);
  const t0 = performance.now();
  badAt(deep, MAX_NESTING, /nested deeper than 32/);
  badAt('['.repeat(MAX_NESTING + 1), MAX_NESTING, /nested deeper/);
  assert.doesNotThrow(() => parse('['.repeat(MAX_NESTING) + ']'.repeat(MAX_NESTING)));
  assert.ok(performance.now() - t0 < 1000);
});

/** Random Python literal texts of the subset, with random spacing and trailing commas. */
const space = fc.constantFrom('', ' ', '  ', '\n', '\t');
const literalText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => n.toString()),
    // Python 3's other integer forms: 0x / 0o / 0b, and '_' between digits.
    fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.constantFrom(['0x', 16], ['0o', 8], ['0b', 2], ['', 10]), fc.array(fc.nat(), { maxLength: 3 }))
      .map(([n, [prefix, base], cuts]) => {
        let digits = n.toString(base as number);
        for (const c of cuts) {
          const at = 1 + (c % Math.max(1, digits.length - 1));
          if (at < digits.length && digits[at - 1] !== '_' && digits[at] !== '_') digits = `${digits.slice(0, at)}_${digits.slice(at)}`;
        }
        return `${prefix as string}${digits}`;
      }),
    fc.constantFrom('True', 'False', 'None'),
    fc
      .tuple(fc.string({ unit: fc.constantFrom('a', 'b', '<', 'u', '2', ' ', '"', "'", '\\'), maxLength: 6 }), fc.boolean())
      .map(([s, dq]) => {
        const q = dq ? '"' : "'";
        return q + s.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), '\\' + q) + q;
      }),
    fc
      .tuple(fc.array(tie('value'), { maxLength: 4 }), fc.boolean(), fc.boolean(), space, space)
      .map(([items, isList, trailing, s1, s2]) => {
        const body = items.join(`,${s1}`);
        const comma = (isList ? trailing && items.length > 0 : items.length === 1 || (trailing && items.length > 0)) ? ',' : '';
        return isList ? `[${s2}${body}${comma}${s1}]` : `(${s2}${body}${comma}${s1})`;
      }),
    fc.array(fc.tuple(fc.string({ unit: fc.constantFrom('d', 'e', 's'), maxLength: 3 }), tie('value')), { maxLength: 3 }).map((kv) => {
      const seen = new Set<string>();
      const unique = kv.filter(([k]) => !seen.has(k) && seen.add(k));
      return `{${unique.map(([k, v]) => `'${k}': ${v}`).join(', ')}}`;
    }),
  ),
})).value;

/** Python's view of a literal, in the same plain form as `plain`. */
const PY_PLAIN = String.raw`
import ast, json, sys
def plain(v):
    if isinstance(v, bool) or v is None or isinstance(v, str): return v
    if isinstance(v, int): return 'int:%d' % v
    if isinstance(v, tuple): return {'t': [plain(x) for x in v]}
    if isinstance(v, list): return {'l': [plain(x) for x in v]}
    if isinstance(v, dict): return {'d': [[plain(k), plain(x)] for k, x in v.items()]}
    raise TypeError(type(v))
print(json.dumps([plain(ast.literal_eval(t)) for t in json.load(sys.stdin)]))
`;

test('random literals parse exactly as Python’s ast.literal_eval reads them', (t) => {
  if (!requireTool(t, hasCommand(SYSTEM_PYTHON), 'python3')) return;
  const texts = fc.sample(literalText, { numRuns: 400, seed: 42 });
  const python = JSON.parse(run(SYSTEM_PYTHON, ['-c', PY_PLAIN], Buffer.from(JSON.stringify(texts)))) as unknown[];
  texts.forEach((text, i) => assert.deepEqual(plain(parse(text)), python[i], text));
});
