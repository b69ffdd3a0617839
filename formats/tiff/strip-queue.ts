/**
 * StripQueue: the strips of one page between "all rows are in" and "on disk". Strips are encoded
 * concurrently (up to `maxInFlight` at a time) but written strictly in order, each at the sink's
 * current end, and their offsets and byte counts recorded for the IFD. Strip buffers come back
 * once encoded and are reused, so a page needs at most maxInFlight + 1 of them whatever its size.
 */
import type { ByteSink } from '../../src/io/byte-sink.js';
import type { EncodedStrip } from './strip-pool.js';

/** Encodes one strip; may hold on to (or transfer) the strip until the promise settles. */
export type StripEncoder = (strip: Uint8Array, rows: number) => Promise<EncodedStrip>;

export class StripQueue {
  /** File offset and byte count of each strip written so far. */
  readonly offsets: Float64Array;
  readonly byteCounts: Float64Array;
  private written = 0;
  private readonly inFlight: Promise<EncodedStrip>[] = [];
  private readonly spare: Uint8Array[] = [];

  constructor(
    private readonly sink: ByteSink,
    private readonly encode: StripEncoder,
    private readonly maxInFlight: number,
    private readonly stripBytes: number,
    stripCount: number,
  ) {
    this.offsets = new Float64Array(stripCount);
    this.byteCounts = new Float64Array(stripCount);
  }

  /** A buffer for the next strip: a recycled one, or a new one (each spans its ArrayBuffer). */
  take(): Uint8Array {
    return this.spare.pop() ?? new Uint8Array(this.stripBytes);
  }

  /** Hand over a full strip (ownership passes to the queue); waits only when too many are queued. */
  async push(strip: Uint8Array, rows: number): Promise<void> {
    const p = this.encode(strip, rows);
    // Awaited later, in order; without this an early failure would be an unhandled rejection.
    p.catch(() => undefined);
    this.inFlight.push(p);
    while (this.inFlight.length >= this.maxInFlight) await this.writeOldest();
  }

  /** Write every strip still queued. */
  async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.writeOldest();
  }

  /** Wait for the strips still being encoded and drop them (the page is abandoned). */
  async discard(): Promise<void> {
    const rest = this.inFlight.splice(0);
    await Promise.allSettled(rest);
  }

  private async writeOldest(): Promise<void> {
    const { data, strip } = await this.inFlight.shift()!;
    const i = this.written++;
    this.offsets[i] = this.sink.position;
    this.byteCounts[i] = data.length;
    await this.sink.write(data);
    this.spare.push(strip);
  }
}
