/** The progress line: what it says, and that it fits the terminal whatever its width. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WriteStream } from 'node:tty';
import { ProgressBar, progressLine } from '../../src/cli/progress.js';

test('the progress line says the page, of how many when known, and the share of its rows done', () => {
  assert.equal(progressLine({ page: 2, pages: 3, rowsDone: 50, height: 100 }, 40), 'page 2 of 3 [##########..........]  50%');
  assert.equal(progressLine({ page: 1, rowsDone: 100, height: 100 }, 80).replace(/\[#+\]/, '[…]'), 'page 1 […] 100%');
});

test('the progress line never reaches the last column, and drops the bar where it has no room', () => {
  for (let columns = 1; columns <= 200; columns++) {
    const line = progressLine({ page: 12, pages: 345, rowsDone: 7, height: 9 }, columns);
    assert.ok(line.length <= columns - 1 || (columns === 1 && line === ''), `${columns}: ${line}`);
  }
  assert.equal(progressLine({ page: 12, pages: 345, rowsDone: 7, height: 9 }, 22), 'page 12 of 345  78%');
  assert.equal(progressLine({ page: 1, rowsDone: 1, height: 2 }, 200).length, 'page 1 [] 100%'.length + 60, 'the bar is at most 60 wide');
});

test('a terminal that reports 0 columns gets an 80-column bar, not an empty line', () => {
  let written = '';
  const tty = { columns: 0, write: (s: string) => ((written += s), true) } as unknown as WriteStream;
  new ProgressBar(tty).update({ page: 1, rowsDone: 5, height: 10 });
  assert.equal(written, `\r${progressLine({ page: 1, rowsDone: 5, height: 10 }, 80)}`);
  assert.match(written, /page 1 \[#+\.+\]  50%/);
});
