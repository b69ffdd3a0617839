/**
 * The finished pages of a TIFF until its IFDs are written at the end (encoder.ts): each page's
 * description is stored once per distinct kind (a stack's pages share one), its strip offsets and
 * byte counts in two arrays shared by all pages. That is 16 bytes per page and 16 per strip,
 * where a PageRecord object with its own arrays took some 3.5 KB per page once its IFD entries
 * were built: a (60000, 28, 28) array peaked at 268 MB.
 */
import type { PageRecord } from './page-tags.js';

type PageKind = Omit<PageRecord, 'stripOffsets' | 'stripByteCounts'>;

/** A Float64Array that grows by doubling. */
class Float64List {
  private data = new Float64Array(64);
  length = 0;

  push(values: Float64Array): void {
    this.reserve(values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }

  pushOne(value: number): void {
    this.reserve(1);
    this.data[this.length++] = value;
  }

  /** Room for n more values. */
  private reserve(n: number): void {
    if (this.length + n <= this.data.length) return;
    const grown = new Float64Array(Math.max(2 * this.data.length, this.length + n));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }

  at(i: number): number {
    return this.data[i]!;
  }

  /** A view of [from, to); valid until the next push. */
  view(from: number, to: number): Float64Array {
    return this.data.subarray(from, to);
  }
}

export class PageRecords {
  private readonly kinds: PageKind[] = [];
  private readonly kindIndex = new Map<string, number>();
  /** Per page: its kind, and where its strips start in the strip lists (page i ends where i + 1 starts). */
  private readonly pageKind = new Float64List();
  private readonly stripStart = new Float64List();
  private readonly offsets = new Float64List();
  private readonly byteCounts = new Float64List();

  get length(): number {
    return this.pageKind.length;
  }

  add(page: PageRecord): void {
    const { stripOffsets, stripByteCounts, ...kind } = page;
    const key = JSON.stringify(kind);
    let k = this.kindIndex.get(key);
    if (k === undefined) {
      k = this.kinds.push(kind) - 1;
      this.kindIndex.set(key, k);
    }
    this.pageKind.pushOne(k);
    this.stripStart.pushOne(this.offsets.length);
    this.offsets.push(stripOffsets);
    this.byteCounts.push(stripByteCounts);
  }

  /** Page i (0-based); its strip arrays are views, valid until the next add(). */
  get(i: number): PageRecord {
    const from = this.stripStart.at(i);
    const to = i + 1 < this.length ? this.stripStart.at(i + 1) : this.offsets.length;
    return {
      ...this.kinds[this.pageKind.at(i)]!,
      stripOffsets: this.offsets.view(from, to),
      stripByteCounts: this.byteCounts.view(from, to),
    };
  }
}
