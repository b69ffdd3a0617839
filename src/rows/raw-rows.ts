/**
 * RawRowReader: rows of an uncompressed pixel block ("raw tile", as Pillow calls it) at a known
 * place in the input: `height` rows of `rowBytes` useful bytes, `stride` bytes apart, optionally
 * split into planes (one per channel). Used by the raw and .npy decoders, and by any format whose
 * pixels are stored uncompressed.
 */
import type { ByteSource } from '../io/byte-source.js';
import { RasterError } from '../errors.js';

export interface RawTile {
  /** Bytes of one interleaved output row. */
  rowBytes: number;
  /** Bytes from one row start to the next in the input (≥ bytes of one stored row). */
  stride: number;
  height: number;
  /**
   * Planar storage: each of `count` planes holds one channel of every row (`stride` bytes per
   * plane row), planes `planeStride` bytes apart. Rows are re-interleaved with `sampleBytes`
   * bytes per sample. Needs a seekable source.
   */
  planes?: { count: number; planeStride: number; sampleBytes: number };
}

/** Size of the scratch band used to drop row padding or gather planes. */
const SCRATCH_BYTES = 4 * 1024 * 1024;

export class RawRowReader {
  private row = 0;
  /** Source position of the first byte of the block. */
  private readonly base: number;
  private scratch: Uint8Array | undefined;

  constructor(
    private readonly src: ByteSource,
    private readonly tile: RawTile,
    /** Label for truncation messages, e.g. "pixel data". */
    private readonly what = 'pixel data',
  ) {
    this.base = src.position;
  }

  /** Total bytes the block occupies in the input. */
  get blockBytes(): number {
    const t = this.tile;
    return t.planes ? t.planes.count * t.planes.planeStride : t.height * t.stride;
  }

  get rowsLeft(): number {
    return this.tile.height - this.row;
  }

  private scratchFor(bytes: number): Uint8Array {
    if (!this.scratch || this.scratch.length < bytes) this.scratch = new Uint8Array(bytes);
    return this.scratch;
  }

  /**
   * Read up to `maxRows` rows into dst (interleaved, rowBytes each); 0 at the end of the block.
   * @throws RasterError E_TRUNCATED when the input ends inside the block, saying how much of it is there.
   */
  async readRows(dst: Uint8Array, maxRows: number): Promise<number> {
    try {
      return await this.readRowsFrom(dst, maxRows);
    } catch (err) {
      // The read that came up short knows only its own size; say what it means for the block.
      if (err instanceof RasterError && err.code === 'E_TRUNCATED' && err.offset !== undefined) throw this.truncatedAt(err.offset, err);
      throw err;
    }
  }

  private truncatedAt(readEnd: number, cause: RasterError): RasterError {
    const t = this.tile;
    // A planar read past the end starts beyond it (plane 2 of a huge stride): the input's size,
    // when known, is where the data ends.
    const end = this.src.size === undefined ? readEnd : Math.min(readEnd, this.src.size);
    const have = Math.max(0, end - this.base);
    const rows = t.planes ? '' : ` (${Math.floor(have / t.stride)} of ${t.height} rows complete)`;
    return new RasterError('E_TRUNCATED', `input ends inside ${this.what}: ${have} of its ${this.blockBytes} bytes are there${rows}`, {
      ...cause,
      offset: end,
      expected: this.blockBytes,
      actual: have,
    });
  }

  private async readRowsFrom(dst: Uint8Array, maxRows: number): Promise<number> {
    const t = this.tile;
    const n = Math.min(maxRows, t.height - this.row);
    if (n <= 0) return 0;
    if (t.planes) await this.readPlanar(dst, n, t.planes);
    else if (t.stride === t.rowBytes) {
      await this.src.readExactInto(dst, 0, n * t.rowBytes, this.what);
    } else if (t.stride > SCRATCH_BYTES) {
      // Rows padded beyond the scratch size: read each row's bytes and skip its padding, so that no
      // buffer is sized by the stride (an option or header field).
      for (let i = 0; i < n; i++) {
        await this.src.readExactInto(dst, i * t.rowBytes, t.rowBytes, this.what);
        if (this.row + i + 1 === t.height) await this.skipLastPadding();
        else await this.src.skip(t.stride - t.rowBytes, 'row padding');
      }
    } else {
      // Padded rows: read whole strided rows in chunks, keep the useful part of each.
      const perChunk = Math.max(1, Math.floor(SCRATCH_BYTES / t.stride));
      for (let done = 0; done < n; ) {
        const k = Math.min(perChunk, n - done);
        const last = this.row + done + k === t.height;
        // The last row's padding is skipped apart, as the input may end without it.
        const want = k * t.stride - (last ? t.stride - t.rowBytes : 0);
        const s = this.scratchFor(Math.min(perChunk, n) * t.stride);
        await this.src.readExactInto(s, 0, want, this.what);
        for (let i = 0; i < k; i++) dst.set(s.subarray(i * t.stride, i * t.stride + t.rowBytes), (done + i) * t.rowBytes);
        if (last) await this.skipLastPadding();
        done += k;
      }
    }
    this.row += n;
    return n;
  }

  /**
   * Skip the padding after the block's last row, or what there is of it: a dump's last row often
   * stops at its last pixel, and the raw decoder's size check accepts that (formats/raw/geometry.ts,
   * countPages). Where the input ends inside it and yet another page was expected, that page's
   * first read finds the end.
   */
  private async skipLastPadding(): Promise<void> {
    await this.src.skipUpTo(this.tile.stride - this.tile.rowBytes);
  }

  private async readPlanar(dst: Uint8Array, n: number, p: NonNullable<RawTile['planes']>): Promise<void> {
    const t = this.tile;
    const planeRow = t.rowBytes / p.count; // bytes of one row of one plane
    // Rows per read: the scratch holds (k − 1) strides plus one plane row, never a buffer sized by
    // a huge stride alone.
    const perRead = Math.max(1, Math.min(n, Math.floor(SCRATCH_BYTES / t.stride)));
    const s = this.scratchFor((perRead - 1) * t.stride + planeRow);
    const sb = p.sampleBytes;
    const pixelBytes = sb * p.count;
    for (let c = 0; c < p.count; c++) {
      for (let done = 0; done < n; done += perRead) {
        const k = Math.min(perRead, n - done);
        const pos = this.base + c * p.planeStride + (this.row + done) * t.stride;
        const want = (k - 1) * t.stride + planeRow;
        const got = await this.src.readAt(s, 0, want, pos);
        if (got < want) throw this.src.fail('E_TRUNCATED', `input ends inside ${this.what} (plane ${c + 1} of ${p.count})`, { offset: pos + got });
        for (let y = 0; y < k; y++) {
          const so = y * t.stride;
          const d = (done + y) * t.rowBytes + c * sb;
          if (sb === 1) for (let x = 0, o = d; x < planeRow; x++, o += pixelBytes) dst[o] = s[so + x]!;
          else
            for (let x = 0, o = d; x < planeRow; x += sb, o += pixelBytes)
              for (let b = 0; b < sb; b++) dst[o + b] = s[so + x + b]!;
        }
      }
    }
    if (this.row + n === t.height) {
      // Leave the source after the block, as a sequential reader would.
      this.src.seek(this.base + this.blockBytes, this.what);
    }
  }

  /** Skip the rows not read yet, leaving the source after the block. */
  async skipRest(): Promise<void> {
    if (this.row >= this.tile.height) return;
    const t = this.tile;
    if (t.planes) this.src.seek(this.base + this.blockBytes, this.what);
    else {
      await this.src.skip((t.height - this.row) * t.stride - (t.stride - t.rowBytes), this.what);
      await this.skipLastPadding();
    }
    this.row = t.height;
  }
}
