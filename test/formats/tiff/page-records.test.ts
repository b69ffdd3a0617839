/** The compact store of finished pages: every page comes back as it was added. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageRecords } from '../../../formats/tiff/page-records.js';
import type { PageRecord } from '../../../formats/tiff/page-tags.js';
import { layout } from '../../helpers/pages.js';

test('pages come back as added: their kind, and their own strips (of any count, 0 included)', () => {
  const records = new PageRecords();
  const added: PageRecord[] = [];
  for (let i = 0; i < 3000; i++) {
    const strips = i % 7;
    const page: PageRecord = {
      layout: layout({ width: 10 + (i % 3), height: 5 }),
      resolution: i % 5 === 0 ? { x: 300, y: 150 } : undefined,
      compression: 'none',
      predictor: 'none',
      rowsPerStrip: 5,
      stripOffsets: Float64Array.from({ length: strips }, (_, k) => i * 1000 + k),
      stripByteCounts: Float64Array.from({ length: strips }, (_, k) => 2 ** 33 + i + k),
    };
    records.add(page);
    added.push(page);
  }
  assert.equal(records.length, 3000);
  for (let i = 0; i < 3000; i++) {
    const got = records.get(i);
    const want = added[i]!;
    assert.deepEqual({ ...got, stripOffsets: [...got.stripOffsets], stripByteCounts: [...got.stripByteCounts] }, {
      ...want,
      stripOffsets: [...want.stripOffsets],
      stripByteCounts: [...want.stripByteCounts],
    });
  }
});
