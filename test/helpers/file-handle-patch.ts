/**
 * Test helper: replace one method of Node's FileHandle for the duration of `fn` (every FileHandle
 * shares one prototype), to count calls or to simulate what a disk can do (short writes, ENOSPC,
 * a directory that cannot be flushed).
 */
import { open, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Method = (this: { fd: number }, ...args: never[]) => Promise<unknown>;

export async function withFileHandlePatch<M extends Method>(
  name: 'sync' | 'write',
  replacement: (original: M) => M,
  fn: () => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'r2i-fh-'));
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as Record<string, M>;
  await probe.close();
  await rm(dir, { recursive: true, force: true });
  const original = proto[name]!;
  proto[name] = replacement(original);
  try {
    await fn();
  } finally {
    proto[name] = original;
  }
}

/** True when the FileHandle's fd is a directory (reading it through /proc fails). */
export async function isDirectoryFd(fd: number): Promise<boolean> {
  const { readFile } = await import('node:fs/promises');
  return readFile(`/proc/self/fd/${fd}`).then(
    () => false,
    () => true,
  );
}
