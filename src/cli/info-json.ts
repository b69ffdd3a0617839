/**
 * --info's output: the document `describe` returns, as JSON.stringify(doc, null, 2) writes it,
 * but written part by part as the input is read (describeEach), so that a stack of a million
 * pages is printed in the memory of one.
 */
import type { DescribePart } from '../index.js';

/** Text is handed to `write` in pieces of about this size. */
const CHUNK = 64 * 1024;

/**
 * Write the description given by `parts`; returns its `error` member, if any. Nothing is written
 * until the first page, the error or the end, so that a call that throws before (a --page past the
 * end) prints nothing.
 */
export async function writeInfoJson(parts: AsyncIterable<DescribePart>, write: (text: string) => Promise<void>): Promise<Record<string, unknown> | undefined> {
  let text = '';
  let pages = 0;
  let error: Record<string, unknown> | undefined;
  for await (const part of parts) {
    if ('head' in part) text += `{\n${Object.entries(part.head).map(([k, v]) => `${member(k, v)},\n`).join('')}  "pages": [`;
    else if ('page' in part) text += `${pages++ === 0 ? '' : ','}\n    ${nested(part.page, '    ')}`;
    else error = part.error;
    if (text.length >= CHUNK) {
      await write(text);
      text = '';
    }
  }
  text += pages === 0 ? ']' : '\n  ]';
  if (error) text += `,\n${member('error', error)}`;
  await write(`${text}\n}\n`);
  return error;
}

/** `"key": value` one level in, as JSON.stringify(…, null, 2) writes a member of the document. */
function member(key: string, value: unknown): string {
  return `  ${JSON.stringify(key)}: ${nested(value, '  ')}`;
}

/** `value` as JSON.stringify(value, null, 2), each line after the first indented by `pad`. */
function nested(value: unknown, pad: string): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${pad}`);
}
