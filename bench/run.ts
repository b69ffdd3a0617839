/**
 * npm run bench: throughput and peak RSS of each encoder on generated raw inputs, next to
 * baselines measured in the same run on the same bytes:
 *   - node-copy: a bare Node read/write loop (positional reads and writes of the pipeline's band size),
 *   - vips: `vips rawload … out.tif|out.png|out.bmp` (libvips-tools; skipped with a notice when
 *     absent; BMP through vips's ImageMagick module).
 * Each conversion runs as its own process under GNU time (`/usr/bin/time -f %M`) so peak RSS is the
 * whole process's; wall time is taken around it with hrtime. Start-up alone (`node -e ""`, `raster2img --version`,
 * `vips --version`) is measured first, and each ratio against vips is also given net of the two
 * start-ups: at 2000² start-up is most of both times. Not part of the tests: figures depend on
 * the machine.
 *
 * Then a print job: CUPS's test page rendered by Ghostscript (`-sDEVICE=cups`) as N A4 pages at
 * 600 dpi, 8-bit RGB, as v3 (raw) and v2 (compressed), each converted to uncompressed TIFF, next
 * to node-copy over the v3 file (its size is the decoded size plus headers).
 *
 * Usage: npm run bench [-- --sizes 2000,8000 --only tiff,png --cups-pages 20 --repeat 3 --keep --dir D
 *                          --without-extra-ca-certs]
 *   --sizes none / --cups-pages 0 leave a part out; --dir puts the files elsewhere than the
 *   system's temp folder (e.g. /dev/shm, to measure without the disk); --without-extra-ca-certs
 *   runs every measured command without NODE_EXTRA_CA_CERTS (see EXTRA_CA_CERTS below).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePhotoLikeBand } from './photo-like.js';

const CLI = fileURLToPath(new URL('../bin/raster2img.cjs', import.meta.url));
const COPY = fileURLToPath(new URL('./node-copy.js', import.meta.url));

interface Input {
  name: string;
  width: number;
  height: number;
  bits: 8 | 16;
}
interface Run {
  seconds: number;
  rssMB: number;
  outBytes: number;
}

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizes = (arg('sizes') ?? '2000,8000,20000,16000x16').split(',').filter((s) => s !== 'none');
const cupsPages = Number(arg('cups-pages') ?? 20);
const repeat = Math.max(1, Number(arg('repeat') ?? 3));
const only = arg('only')?.split(',');
const keep = args.includes('--keep');

/**
 * NODE_EXTRA_CA_CERTS, when set, makes Node 20 read and parse that certificate file at every
 * start, before any script runs (seen here: /etc/ssl/certs/ca-certificates.crt, some 140
 * certificates, 35–40 ms of a 120 ms `node -e ""`). raster2img makes no TLS connection, so it
 * is a cost of the machine's setup, not of the conversion: the start-up section then also times
 * Node without it, and --without-extra-ca-certs measures every command (vips's too) without it.
 */
const EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
const withoutExtraCaCerts = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
};
const runEnv = args.includes('--without-extra-ca-certs') ? withoutExtraCaCerts() : process.env;

const INPUTS: Input[] = sizes.map((s) => {
  const [n, b] = s.split('x');
  const side = Number(n);
  const bits = b === '16' ? 16 : 8;
  return { name: `${side}² ${bits}-bit RGB${bits === 16 ? ' (big-endian)' : ''}`, width: side, height: side, bits };
});

/** The conversions measured: our CLI with these flags, and the vips command doing the same. */
const CASES: { name: string; ext: string; flags: string[]; vips?: (inp: string, out: string, i: Input) => string[] }[] = [
  { name: 'tiff', ext: 'tif', flags: [], vips: (inp, out, i) => rawload(inp, `${out}`, i) },
  { name: 'tiff-deflate', ext: 'tif', flags: ['--compression', 'deflate'], vips: (inp, out, i) => rawload(inp, `${out}[compression=deflate]`, i) },
  { name: 'png', ext: 'png', flags: [], vips: (inp, out, i) => rawload(inp, `${out}[compression=6,filter=none]`, i) },
  // vips has no BMP writer of its own: .bmp goes through its ImageMagick module (magicksave).
  { name: 'bmp', ext: 'bmp', flags: [], vips: (inp, out, i) => rawload(inp, out, i) },
];

function rawload(inp: string, out: string, i: Input): string[] {
  // vips reads 16-bit raw in native (little-endian) order: same bytes, same work, other values.
  return ['vips', 'rawload', inp, out, String(i.width), String(i.height), '3', ...(i.bits === 16 ? ['--format', 'ushort', '--interpretation', 'rgb16'] : [])];
}

interface Timed {
  cmd: string[];
  /** The command's output file, removed before and after each run. */
  out: string;
  /** Its environment, if not runEnv. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Run every command `repeat` times under GNU time, in rounds (each command once per round, the
 * order rotated from round to round) so that all of them meet the same conditions: the disk's write-back and the virtual machine's page
 * faults vary a lot from minute to minute here (a bare 2 GB copy took 0.7 s to 4 s). Each run
 * starts after a `sync`, so that no run pays for the previous one's dirty pages. The fastest run
 * of each command counts (the others met more noise).
 */
function timedRounds<K extends string>(cmds: Record<K, Timed>, rounds = repeat): Record<K, Run | string> {
  const best = {} as Record<K, Run | string>;
  for (let round = 0; round < rounds; round++) {
    // Each round starts one command further on: whoever runs first after a big file was deleted,
    // or first meets memory the VM has not touched yet, pays for it (seen: the same copy 3.2 s
    // first, 0.55 s next), and that must not always be the same command.
    const keys = Object.keys(cmds) as K[];
    for (const key of [...keys.slice(round % keys.length), ...keys.slice(0, round % keys.length)]) {
      if (typeof best[key] === 'string') continue; // failed once: not again
      const { cmd, out, env = runEnv } = cmds[key];
      rmSync(out, { force: true });
      spawnSync('sync');
      const t0 = process.hrtime.bigint();
      const r = spawnSync('/usr/bin/time', ['-f', '%M', ...cmd], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env });
      // Wall time to the nanosecond from here (GNU time's %e has 10 ms steps, too coarse for start-up).
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      const last = r.stderr.trim().split('\n').pop() ?? '';
      if (r.status !== 0) {
        best[key] = `failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
        continue;
      }
      const kb = Number(last);
      const run = { seconds: secs, rssMB: kb / 1024, outBytes: existsSync(out) ? statSync(out).size : 0 };
      rmSync(out, { force: true });
      const prev = best[key];
      if (prev === undefined || (typeof prev !== 'string' && run.seconds < prev.seconds)) best[key] = run;
    }
  }
  return best;
}

function makeInput(path: string, i: Input): void {
  const rowBytes = i.width * 3 * (i.bits / 8);
  const bandRows = Math.max(1, Math.floor((8 * 1024 * 1024) / rowBytes));
  const period = 512; // rows before the content repeats: far beyond deflate's 32 KiB window
  const tile = makePhotoLikeBand(i.width, period, i.bits);
  const fd = openSync(path, 'w');
  try {
    for (let y = 0; y < i.height; ) {
      const n = Math.min(bandRows, i.height - y, period - (y % period));
      writeSync(fd, tile, (y % period) * rowBytes, n * rowBytes);
      y += n;
    }
  } finally {
    closeSync(fd);
  }
}

function fmt(r: Run | string | undefined, mb: number, base?: Run | string): string {
  if (r === undefined) return '—';
  if (typeof r === 'string') return r;
  const speed = `${(mb / r.seconds).toFixed(0)} MB/s`;
  const ratio = base && typeof base !== 'string' ? ` (${(base.seconds / r.seconds).toFixed(2)}×)` : '';
  return `${r.seconds.toFixed(3)} s, ${speed}${ratio}, ${r.rssMB.toFixed(0)} MB RSS${r.outBytes ? `, ${(r.outBytes / 1e6).toFixed(1)} MB out` : ''}`;
}

const hasTime = existsSync('/usr/bin/time');
if (!hasTime) {
  console.error('bench: GNU time (/usr/bin/time) is needed to measure peak RSS: apt-get install time');
  process.exit(1);
}
const hasVips = spawnSync('vips', ['--version']).status === 0;
if (!hasVips) console.log('notice: vips not found (apt-get install libvips-tools): the vips column is skipped');

/**
 * What a run costs before any pixel moves, measured in the same rounds: Node's own start-up, our
 * CLI's (Node + yargs + our modules: --version), and vips's. At small sizes these floors decide
 * the ratios, so they are printed beside them.
 */
function benchStartup(dir: string): { ours?: number; vips?: number } {
  const none = join(dir, 'none');
  const cmds: Record<string, Timed> = {
    'node -e ""': { cmd: [process.execPath, '-e', ''], out: none },
    'raster2img --version': { cmd: [process.execPath, CLI, '--version'], out: none },
  };
  if (EXTRA_CA_CERTS !== undefined && runEnv === process.env) {
    cmds['node -e "" without NODE_EXTRA_CA_CERTS'] = { cmd: [process.execPath, '-e', ''], out: none, env: withoutExtraCaCerts() };
    cmds['raster2img --version without it'] = { cmd: [process.execPath, CLI, '--version'], out: none, env: withoutExtraCaCerts() };
  }
  if (hasVips) cmds['vips --version'] = { cmd: ['vips', '--version'], out: none };
  const runs = timedRounds(cmds, Math.max(repeat, 5));
  console.log('## start-up, before any pixel (fastest of the rounds)');
  if (EXTRA_CA_CERTS !== undefined) {
    console.log(
      runEnv === process.env
        ? `  NODE_EXTRA_CA_CERTS is set (${EXTRA_CA_CERTS}): Node reads it at every start; the runs below keep it (--without-extra-ca-certs leaves it out)`
        : `  every command runs without NODE_EXTRA_CA_CERTS (${EXTRA_CA_CERTS}), as asked`,
    );
  }
  for (const [name, r] of Object.entries(runs)) console.log(`  ${name.padEnd(40)} ${typeof r === 'string' ? r : `${(r.seconds * 1000).toFixed(0)} ms, ${r.rssMB.toFixed(0)} MB RSS`}`);
  console.log('');
  const seconds = (r: Run | string | undefined) => (r === undefined || typeof r === 'string' ? undefined : r.seconds);
  const ours = seconds(runs['raster2img --version']);
  const vips = seconds(runs['vips --version']);
  return { ...(ours !== undefined ? { ours } : {}), ...(vips !== undefined ? { vips } : {}) };
}

/** vips's time over ours, both less their start-up: the conversions' own speeds compared. */
function netRatio(ours: Run | string, vips: Run | string | undefined, startup: { ours?: number; vips?: number }): string {
  if (typeof ours === 'string' || !vips || typeof vips === 'string' || startup.ours === undefined || startup.vips === undefined) return '';
  const a = ours.seconds - startup.ours;
  const b = vips.seconds - startup.vips;
  return a > 0 && b > 0 ? `; net of start-up ${(b / a).toFixed(2)}×` : '';
}

const dir = mkdtempSync(join(arg('dir') ?? tmpdir(), 'raster2img-bench-'));
try {
  console.log(`raster2img bench — node ${process.version}, ${new Date().toISOString()}`);
  console.log('ratios: node-copy time / our time ("× of a bare copy"), vips time / our time ("× vips speed")\n');
  const startup = benchStartup(dir);
  for (const i of INPUTS) {
    const inp = join(dir, `in-${i.width}-${i.bits}.raw`);
    makeInput(inp, i);
    const mb = statSync(inp).size / 1e6;
    console.log(`## ${i.name}: ${mb.toFixed(0)} MB of raw input`);
    const geometry = ['--width', String(i.width), '--height', String(i.height), '--layout', 'rgb', '--depth', String(i.bits), ...(i.bits === 16 ? ['--endian', 'big'] : [])];
    const cases = CASES.filter((c) => !only || only.includes(c.name));
    const cmds: Record<string, Timed> = { copy: { cmd: [process.execPath, COPY, inp, join(dir, 'copy.out')], out: join(dir, 'copy.out') } };
    for (const c of cases) {
      const out = join(dir, `out.${c.ext}`);
      cmds[c.name] = { cmd: [process.execPath, CLI, '--in', inp, '--out', out, '--quiet', ...geometry, ...c.flags], out };
      if (hasVips && c.vips) cmds[`vips ${c.name}`] = { cmd: c.vips(inp, out, i), out };
    }
    const runs = timedRounds(cmds);
    const copy = runs['copy']!;
    console.log(`  node-copy            ${fmt(copy, mb)}`);
    for (const c of cases) {
      const ours = runs[c.name]!;
      const vips = runs[`vips ${c.name}`];
      const vsCopy = typeof ours !== 'string' && typeof copy !== 'string' ? ` = ${(copy.seconds / ours.seconds).toFixed(2)}× of a bare copy` : '';
      const vsVips = typeof ours !== 'string' && vips && typeof vips !== 'string' ? `, ${(vips.seconds / ours.seconds).toFixed(2)}× vips speed` : '';
      console.log(`  ${c.name.padEnd(20)} ${fmt(ours, mb)}${vsCopy}${vsVips}${netRatio(ours, vips, startup)}`);
      if (vips) console.log(`  ${('vips ' + c.name).padEnd(20)} ${fmt(vips, mb)}`);
    }
    rmSync(inp, { force: true });
    console.log('');
  }
  if (cupsPages > 0) benchPrintJob(dir, cupsPages);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}

/** The CUPS raster part: decode speed of v3 and v2 jobs through the whole CLI into TIFF. */
function benchPrintJob(dir: string, pages: number): void {
  const testPage = '/usr/share/cups/data/default-testpage.pdf';
  if (spawnSync('gs', ['--version']).status !== 0 || !existsSync(testPage)) {
    console.log('notice: Ghostscript or the CUPS test page (cups-filters) not found: the print-job part is skipped');
    return;
  }
  console.log(`## print job: ${pages} A4 pages at 600 dpi, 8-bit RGB (CUPS test page rendered by Ghostscript)`);
  const jobs: Record<string, string> = {};
  for (const v of [3, 2]) {
    jobs[`v${v}`] = join(dir, `job-v${v}.ras`);
    const r = spawnSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-r600', '-sPAPERSIZE=a4', '-dFIXEDMEDIA', '-dPDFFitPage', '-sDEVICE=cups',
      '-dcupsColorSpace=1', '-dcupsBitsPerColor=8', `-dcupsRasterVersion=${v}`, `-sOutputFile=${jobs[`v${v}`]}`, ...Array<string>(pages).fill(testPage)]);
    if (r.status !== 0) {
      console.log(`  Ghostscript failed: ${r.stderr?.toString().slice(0, 200)}`);
      return;
    }
  }
  const v3 = jobs['v3']!;
  const decodedMB = statSync(v3).size / 1e6;
  const cmds: Record<string, Timed> = { copy: { cmd: [process.execPath, COPY, v3, join(dir, 'copy.out')], out: join(dir, 'copy.out') } };
  for (const [name, job] of Object.entries(jobs)) cmds[name] = { cmd: [process.execPath, CLI, '--in', job, '--out', join(dir, 'job.tif'), '--quiet'], out: join(dir, 'job.tif') };
  const runs = timedRounds(cmds);
  const copy = runs['copy']!;
  console.log(`  node-copy (v3 file)  ${fmt(copy, decodedMB)}`);
  for (const [name, job] of Object.entries(jobs)) {
    const ours = runs[name]!;
    const vsCopy = typeof ours !== 'string' && typeof copy !== 'string' ? ` = ${(copy.seconds / ours.seconds).toFixed(2)}× of a bare copy` : '';
    console.log(`  ${(name + ' → tiff').padEnd(20)} ${fmt(ours, decodedMB)}${vsCopy} (MB/s of decoded pixels; ${(statSync(job).size / 1e6).toFixed(1)} MB job file)`);
    rmSync(job, { force: true });
  }
  console.log('');
}
