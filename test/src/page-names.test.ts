/** Output names with page numbers, by printf(3)'s rules for %d with a width and the 0 flag. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPagePattern, pageFileName } from '../../src/page-names.js';

test('%d, %3d and %03d write the page number as printf does: %3d pads with spaces, %03d with zeros', () => {
  assert.equal(pageFileName('p-%d.png', 7), 'p-7.png');
  assert.equal(pageFileName('p-%3d.png', 7), 'p-  7.png');
  assert.equal(pageFileName('p-%03d.png', 7), 'p-007.png');
  assert.equal(pageFileName('p-%03d.png', 1234), 'p-1234.png');
  assert.equal(pageFileName('p-%1d.png', 12), 'p-12.png');
  assert.equal(pageFileName('100%%-%02d-%d.bmp', 3), '100%-03-3.bmp');
});

test('a name is a page pattern when it holds an unescaped %d', () => {
  assert.equal(isPagePattern('p-%d.png'), true);
  assert.equal(isPagePattern('p-%05d.png'), true);
  assert.equal(isPagePattern('100%%.png'), false);
  assert.equal(isPagePattern('100%%d.png'), false);
  assert.equal(isPagePattern('plain.png'), false);
});
