/**
 * IdatWriter: cuts the zlib stream into IDAT chunks of a fixed size (PNG §11.2.4 lets the stream
 * be split anywhere) and writes each to the sink as soon as it is full, so nothing larger than
 * one chunk is held.
 */
import type { ByteSink } from '../../src/io/byte-sink.js';
import { CHUNK_OVERHEAD, frameChunk } from './chunks.js';

export class IdatWriter {
  /** One chunk: 8 bytes of length and type, the data, 4 bytes of CRC. */
  private readonly buf: Uint8Array;
  private filled = 0;

  constructor(
    private readonly sink: ByteSink,
    private readonly chunkBytes: number,
  ) {
    this.buf = new Uint8Array(CHUNK_OVERHEAD + chunkBytes);
  }

  /** Append stream bytes; resolves when data may be reused and every full chunk is written. */
  async write(data: Uint8Array): Promise<void> {
    for (let off = 0; off < data.length; ) {
      const n = Math.min(data.length - off, this.chunkBytes - this.filled);
      this.buf.set(data.subarray(off, off + n), 8 + this.filled);
      this.filled += n;
      off += n;
      if (this.filled === this.chunkBytes) await this.flush();
    }
  }

  /** Write what is buffered as a (shorter) chunk; nothing when empty. */
  async flush(): Promise<void> {
    if (this.filled === 0) return;
    const n = this.filled;
    this.filled = 0;
    await this.sink.write(frameChunk(this.buf, 'IDAT', n));
  }
}
