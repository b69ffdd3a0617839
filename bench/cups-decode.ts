/**
 * CUPS raster decode speed: v2 decompression and v3 reading, in MB/s of decoded pixels, next to a
 * bare read loop over the v3 file (same bytes, same band size). The job is CUPS's own test page
 * rendered by Ghostscript at 600 dpi on A4, 8-bit RGB, repeated PAGES times (default 4).
 *
 *   node .build/<dir>/bench/cups-decode.js [pages]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteSource } from '../src/io/byte-source.js';
import { rowBytes } from '../src/model.js';
import { DEFAULT_BAND_BYTES } from '../src/pipeline.js';
import { cupsRasterDecoder } from '../formats/cups-raster/index.js';

const PAGE = '/usr/share/cups/data/default-testpage.pdf';
const pages = Number(process.argv[2] ?? 4);
const dir = mkdtempSync(join(tmpdir(), 'cups-bench-'));

function render(version: 2 | 3): string {
  const out = join(dir, `job-v${version}.ras`);
  execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-r600', '-sPAPERSIZE=a4', '-dFIXEDMEDIA', '-dPDFFitPage', '-sDEVICE=cups',
    '-dcupsColorSpace=1', '-dcupsBitsPerColor=8', `-dcupsRasterVersion=${version}`, `-sOutputFile=${out}`, ...Array(pages).fill(PAGE)], { stdio: 'ignore' });
  return out;
}

/** Decode every page in pipeline-sized bands; returns decoded bytes and seconds. */
async function decode(path: string): Promise<{ bytes: number; s: number }> {
  const t0 = process.hrtime.bigint();
  const src = await ByteSource.openFile(path);
  const decoded = await cupsRasterDecoder.open(src, {});
  let bytes = 0;
  for await (const page of decoded.pages()) {
    const rb = rowBytes(page.info.layout);
    const rows = Math.max(1, Math.floor(DEFAULT_BAND_BYTES / rb));
    const band = new Uint8Array(rows * rb);
    for (let n; (n = await page.readRows(band, rows)) > 0; ) bytes += n * rb;
  }
  await src.close();
  return { bytes, s: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** A bare loop reading the file in bands of the same size. */
async function bareRead(path: string): Promise<{ bytes: number; s: number }> {
  const t0 = process.hrtime.bigint();
  const fh = await open(path, 'r');
  const buf = new Uint8Array(DEFAULT_BAND_BYTES);
  let bytes = 0;
  for (let n; (n = (await fh.read(buf, 0, buf.length, bytes)).bytesRead) > 0; ) bytes += n;
  await fh.close();
  return { bytes, s: Number(process.hrtime.bigint() - t0) / 1e9 };
}

if (!existsSync(PAGE)) throw new Error(`${PAGE} not found (cups-filters' test page)`);
try {
  const v2 = render(2);
  const v3 = render(3);
  const mb = (x: { bytes: number; s: number }) => (x.bytes / 1e6 / x.s).toFixed(0);
  // Warm the page cache and the JIT once, then measure the best of three.
  const best = async (f: () => Promise<{ bytes: number; s: number }>) => {
    let b = await f();
    for (let i = 0; i < 3; i++) {
      const r = await f();
      if (r.s < b.s) b = r;
    }
    return b;
  };
  const d2 = await best(() => decode(v2));
  const d3 = await best(() => decode(v3));
  const bare = await best(() => bareRead(v3));
  console.log(`job: ${pages} A4 pages at 600 dpi, 8-bit RGB; v2 file ${(statSync(v2).size / 1e6).toFixed(1)} MB, v3 file ${(statSync(v3).size / 1e6).toFixed(1)} MB, ${(d2.bytes / 1e6).toFixed(0)} MB decoded`);
  console.log(`v2 decompression: ${mb(d2)} MB/s of decoded pixels`);
  console.log(`v3 read:          ${mb(d3)} MB/s of decoded pixels`);
  console.log(`bare read loop:   ${mb(bare)} MB/s (v3 / bare = ${(bare.s / d3.s).toFixed(2)})`);
  console.log(`peak RSS:         ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
