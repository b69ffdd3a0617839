/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never in logs or
 * pipes), redrawn at most ten times a second.
 */
import type { WriteStream } from 'node:tty';
import type { Progress } from '../pipeline.js';

export class ProgressBar {
  private last = 0;
  private drawn = false;
  constructor(private readonly out: WriteStream) {}

  static forStderr(enabled: boolean): ProgressBar | undefined {
    const err = process.stderr as WriteStream;
    return enabled && err.isTTY ? new ProgressBar(err) : undefined;
  }

  update(p: Progress): void {
    const now = Date.now();
    if (now - this.last < 100 && p.rowsDone < p.height) return;
    this.last = now;
    const cols = Math.max(20, Math.min(60, (this.out.columns ?? 80) - 30));
    const frac = p.height > 0 ? p.rowsDone / p.height : 1;
    const full = Math.round(frac * cols);
    this.out.write(`\rpage ${p.page} [${'#'.repeat(full)}${'.'.repeat(cols - full)}] ${(frac * 100).toFixed(0).padStart(3)}%`);
    this.drawn = true;
  }

  /** Erase the bar so that the next message starts on a clean line. */
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}
