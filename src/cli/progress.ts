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
    // A terminal that reports no size (0 columns, as some serial consoles and `stty cols 0`) is taken as 80 wide.
    this.out.write(`\r${progressLine(p, this.out.columns || 80)}`);
    this.drawn = true;
  }

  /** Erase the bar so that the next message starts on a clean line. */
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}

/**
 * "page 2 of 3 [#####.....]  50%", fitted into a terminal `columns` wide: one column is left free
 * (writing into the last one wraps on some terminals, and the clean-up would erase only the new
 * line), the bar takes the room that is left (at most 60), and goes when fewer than 5 remain.
 */
export function progressLine(p: Progress, columns: number): string {
  const frac = p.height > 0 ? p.rowsDone / p.height : 1;
  const label = `page ${p.page}${p.pages === undefined ? '' : ` of ${p.pages}`}`;
  const percent = `${(frac * 100).toFixed(0).padStart(3)}%`;
  const width = columns - 1;
  const room = Math.min(60, width - label.length - percent.length - 4);
  const full = Math.round(frac * room);
  const line = room >= 5 ? `${label} [${'#'.repeat(full)}${'.'.repeat(room - full)}] ${percent}` : `${label} ${percent}`;
  return line.slice(0, Math.max(0, width));
}
