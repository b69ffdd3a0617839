/**
 * OrderedBlocks: rows gathered into blocks of whole rows; each block is handed to an asynchronous
 * job as soon as it is full (or the image ends). Jobs run concurrently, at most `maxInFlight` at a
 * time, but their results are taken strictly in order. Block buffers come back with the results and
 * are reused, so an image needs at most maxInFlight + 1 of them whatever its height. It carries the
 * TIFF encoder's compressed strips and the PNG encoder's deflate blocks.
 */

/** What the owner does with blocks and their results. */
export interface BlockJobs<R> {
  /**
   * Start the job for a block: the first `rows` rows of `block`, which spans its own ArrayBuffer
   * (so it can be transferred) and belongs to the job until its result is taken.
   */
  start(block: Uint8Array, rows: number): Promise<R>;
  /** A finished result, in block order (write it out). */
  take(result: R): Promise<void>;
  /** The block buffer a result hands back, for the next blocks. */
  blockOf(result: R): Uint8Array;
}

export class OrderedBlocks<R> {
  private block: Uint8Array | undefined;
  private blockRows = 0;
  private rowsTaken = 0;
  private readonly inFlight: Promise<R>[] = [];
  private readonly spare: Uint8Array[] = [];

  constructor(
    private readonly rowBytes: number,
    private readonly rowsPerBlock: number,
    private readonly height: number,
    private readonly maxInFlight: number,
    private readonly jobs: BlockJobs<R>,
  ) {}

  /** Rows received so far. */
  get rows(): number {
    return this.rowsTaken;
  }

  /** Take `rows` whole rows of src (copied; src may be reused when this resolves). */
  async write(src: Uint8Array, rows: number): Promise<void> {
    const rb = this.rowBytes;
    for (let i = 0; i < rows; ) {
      const n = Math.min(rows - i, this.rowsPerBlock - this.blockRows);
      const block = (this.block ??= this.spare.pop() ?? new Uint8Array(this.rowsPerBlock * rb));
      block.set(src.subarray(i * rb, (i + n) * rb), this.blockRows * rb);
      this.blockRows += n;
      this.rowsTaken += n;
      i += n;
      if (this.blockRows === this.rowsPerBlock || this.rowsTaken === this.height) {
        const full = this.blockRows;
        this.block = undefined;
        this.blockRows = 0;
        await this.push(block, full);
      }
    }
  }

  /** Take every result still to come. */
  async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.takeOldest();
  }

  /** Wait for the jobs in flight and drop their results (the image is abandoned). */
  async discard(): Promise<void> {
    await Promise.allSettled(this.inFlight.splice(0));
  }

  /** Start a full block's job; waits only when too many are in flight. */
  private async push(block: Uint8Array, rows: number): Promise<void> {
    const job = this.jobs.start(block, rows);
    // Awaited later, in order; without this an early failure would be an unhandled rejection.
    job.catch(() => undefined);
    this.inFlight.push(job);
    while (this.inFlight.length >= this.maxInFlight) await this.takeOldest();
  }

  private async takeOldest(): Promise<void> {
    const result = await this.inFlight.shift()!;
    const block = this.jobs.blockOf(result);
    if (block.length === this.rowsPerBlock * this.rowBytes) this.spare.push(block);
    await this.jobs.take(result);
  }
}
