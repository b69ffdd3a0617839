/**
 * External oracles (libtiff tools, Debian's python3 with numpy/PIL/tifffile, vips, Ghostscript).
 * Locally a missing tool skips the test; under CI (CI=true) a missing tool is a failure, because
 * .ci/run installs them and a silent skip would hide a gap.
 */
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Debian's python3 (system numpy, PIL and tifffile), not a pyenv shim. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export function hasPythonModules(...mods: string[]): boolean {
  return spawnSync(SYSTEM_PYTHON, ['-c', mods.map((m) => `import ${m}`).join(';')], { stdio: 'ignore' }).status === 0;
}

/**
 * Skip (locally) or fail (in CI) when `available` is false. Returns true when the test may go on.
 */
export function requireTool(t: TestContext, available: boolean, what: string): boolean {
  if (available) return true;
  if (process.env['CI']) throw new Error(`${what} is not installed, but CI must have it (.ci/run installs it)`);
  t.skip(`${what} not installed`);
  return false;
}

/** Run a command; returns stdout, throws with stderr on a non-zero exit. */
export function run(cmd: string, args: string[], input?: Uint8Array): string {
  const r = spawnSync(cmd, args, { input, maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr?.toString()}`);
  return r.stdout.toString();
}
