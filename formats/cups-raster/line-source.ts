/**
 * Sources of stored lines (cupsBytesPerLine bytes each) for one page: raw (v1, v3) or compressed
 * (v2, PWG, URF). The compressed form is decoded exactly as cups/raster-stream.c
 * _cupsRasterReadPixels does (spec-raster.html "Compressed Raster Data Format", formats.md §1.6):
 * one line buffer plus a repeat count, so a line that occurs n+1 times is decoded once.
 */
import type { WindowReader } from './window-reader.js';

export interface LineSource {
  /** The next stored line (valid until the following call). @throws RasterError */
  next(): Promise<Uint8Array>;
  /** Skip `count` lines. @throws RasterError */
  skip(count: number): Promise<void>;
}

/** Uncompressed lines, read one after the other. */
export class RawLines implements LineSource {
  private readonly line: Uint8Array;
  constructor(
    private readonly reader: WindowReader,
    bytesPerLine: number,
  ) {
    this.line = new Uint8Array(bytesPerLine);
  }
  async next(): Promise<Uint8Array> {
    await this.reader.readExact(this.line, 0, this.line.length, 'a line of pixels');
    return this.line;
  }
  async skip(count: number): Promise<void> {
    await this.reader.skip(count * this.line.length, 'pixel data');
  }
}

export interface CompressionParams {
  bytesPerLine: number;
  /** Bytes per repeat/literal unit: whole pixels when chunky, one colour when banded/planar. */
  unitBytes: number;
  /** Byte code 128 fills the rest of the line with (§1.8). */
  fill: number;
  /** Lines left in the page from where this source starts (repeat counts may not pass it). */
  lines: number;
}

/** Where a compressed line starts, and how many of its repeats were already used. */
export interface CompressedStart {
  offset: number;
  usedRepeats: number;
}

/** The line-repeat + packet scheme of v2, PWG and URF pixel data. */
export class CompressedLines implements LineSource {
  private readonly line: Uint8Array;
  /** Emissions of `line` still owed, and how many the line had in all. */
  private repeats = 0;
  lineRepeats = 0;
  private linesLeft: number;
  /** Offset of the line-repeat byte of the line in `line` (for the planar prescan). */
  lineStart = 0;
  /** The largest packet: a control byte and 128 units. */
  private readonly maxPacket: number;

  constructor(
    private readonly reader: WindowReader,
    private readonly p: CompressionParams,
  ) {
    this.line = new Uint8Array(p.bytesPerLine);
    this.linesLeft = p.lines;
    this.maxPacket = 1 + 128 * p.unitBytes;
  }

  /** Emissions still owed by the current line (0 when the next call decodes a new one). */
  get pendingRepeats(): number {
    return this.repeats;
  }

  /** Decode the line at the reader's position and drop `usedRepeats` of its emissions. */
  async resume(usedRepeats: number): Promise<void> {
    if (usedRepeats === 0) return;
    this.linesLeft += usedRepeats;
    await this.decodeLine();
    this.repeats -= usedRepeats;
    this.linesLeft -= usedRepeats;
  }

  async next(): Promise<Uint8Array> {
    if (this.repeats === 0) await this.decodeLine();
    this.repeats--;
    this.linesLeft--;
    return this.line;
  }

  async skip(count: number): Promise<void> {
    for (let i = 0; i < count; ) {
      if (this.repeats === 0) await this.decodeLine();
      const k = Math.min(this.repeats, count - i);
      this.repeats -= k;
      this.linesLeft -= k;
      i += k;
    }
  }

  private async decodeLine(): Promise<void> {
    const r = this.reader;
    const { bytesPerLine, unitBytes, fill } = this.p;
    if (!(await r.ensure(1)))
      throw r.fail('E_TRUNCATED', `input ends before a line of pixels: ${this.linesLeft} line(s) of the page missing`, {
        offset: r.position,
      });
    this.lineStart = r.position;
    const count = r.bytes[r.start]! + 1;
    if (count > this.linesLeft)
      throw r.fail('E_CORRUPT_DATA', `line repeat count ${count} runs past the end of the page: ${this.linesLeft} line(s) left`, {
        offset: r.position,
        expected: `at most ${this.linesLeft}`,
        actual: count,
      });
    r.start++;
    const line = this.line;
    let filled = 0;
    while (filled < bytesPerLine) {
      if (r.available < this.maxPacket) await r.ensure(this.maxPacket);
      const buf = r.bytes;
      let pos = r.start;
      const end = r.end;
      // Hot loop: whole packets straight out of the window.
      while (filled < bytesPerLine && pos < end) {
        const c = buf[pos]!;
        if (c === 128) {
          // Clear to end of line (raster-stream.c; not in spec-raster.html, used by URF writers).
          line.fill(fill, filled);
          filled = bytesPerLine;
          pos++;
          break;
        }
        const literal = c > 128;
        const n = (literal ? 257 - c : c + 1) * unitBytes;
        if (n > bytesPerLine - filled) {
          r.start = pos;
          throw r.fail(
            'E_CORRUPT_DATA',
            `${literal ? 'literal' : 'repeat'} run of ${n} bytes runs past the end of the line: ${bytesPerLine - filled} of ${bytesPerLine} bytes left`,
            { offset: r.positionOf(pos), expected: `at most ${bytesPerLine - filled}`, actual: n },
          );
        }
        const need = literal ? n : unitBytes;
        if (pos + 1 + need > end) break; // packet incomplete: refill
        if (literal) {
          // Short literals are common (a pixel or two between runs): copy them by hand rather
          // than through a subarray object.
          if (n < 32) for (let k = 0; k < n; k++) line[filled + k] = buf[pos + 1 + k]!;
          else line.set(buf.subarray(pos + 1, pos + 1 + n), filled);
        } else if (unitBytes === 1) {
          line.fill(buf[pos + 1]!, filled, filled + n);
        } else {
          // Write the unit once, then double the filled span with copyWithin.
          for (let k = 0; k < unitBytes; k++) line[filled + k] = buf[pos + 1 + k]!;
          for (let have = unitBytes; have < n; have *= 2) line.copyWithin(filled + have, filled, filled + Math.min(have, n - have));
        }
        filled += n;
        pos += 1 + need;
      }
      const progressed = pos !== r.start;
      r.start = pos;
      if (filled < bytesPerLine && !progressed && !(await r.ensure(r.available + 1)))
        throw r.fail('E_TRUNCATED', `input ends inside a compressed line: ${bytesPerLine - filled} of ${bytesPerLine} bytes missing`, {
          offset: r.positionOf(r.end),
          expected: bytesPerLine,
          actual: filled,
        });
    }
    this.repeats = count;
    this.lineRepeats = count;
  }
}
