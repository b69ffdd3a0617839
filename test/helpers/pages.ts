/**
 * Test helpers: pages held in memory, and running one encoder over them into memory or a file,
 * without any decoder.
 */
import { Readable } from 'node:stream';
import { MemorySink } from '../../src/io/byte-sink.js';
import { ByteSink } from '../../src/io/byte-sink.js';
import { makeConverter } from '../../src/convert/plan.js';
import { rowBytes, type PageInfo, type PixelLayout } from '../../src/model.js';
import type { EncoderPlugin, Options, PageReader } from '../../src/plugin.js';

/** A PageReader over rows already in memory (packed, rowBytes(layout) each). */
export function memoryPage(info: PageInfo | PixelLayout, pixels: Uint8Array): PageReader {
  const pi: PageInfo = 'layout' in info ? info : { layout: info };
  const rb = rowBytes(pi.layout);
  if (pixels.length !== rb * pi.layout.height) throw new Error(`memoryPage: ${pixels.length} bytes, expected ${rb * pi.layout.height}`);
  let row = 0;
  return {
    info: pi,
    async readRows(dst, maxRows) {
      const n = Math.min(maxRows, pi.layout.height - row);
      dst.set(pixels.subarray(row * rb, (row + n) * rb));
      row += n;
      return n;
    },
  };
}

/**
 * Run `encoder` over pages in memory, in bands of `bandRows` rows (default: random-ish small bands
 * so that band boundaries are exercised), converting as the encoder's plan asks.
 */
export async function encodeToSink(
  encoder: EncoderPlugin,
  sink: ByteSink,
  pages: PageReader[],
  options: Options = {},
  bandRows = 7,
): Promise<{ notices: string[]; layouts: PixelLayout[] }> {
  const writer = await encoder.create(sink, options);
  const notices: string[] = [];
  const layouts: PixelLayout[] = [];
  for (const page of pages) {
    const plan = writer.plan(page.info);
    notices.push(...plan.notices);
    layouts.push(plan.layout);
    const convert = makeConverter(page.info.layout, plan.layout, bandRows, { range: options['range'] as [number, number] | undefined });
    const pw = await writer.beginPage(page.info, plan.layout);
    const band = new Uint8Array(bandRows * rowBytes(page.info.layout));
    for (;;) {
      const n = await page.readRows(band, bandRows);
      if (n === 0) break;
      await pw.writeRows(convert(band, n), n);
    }
    await pw.finish();
  }
  await writer.finish();
  await sink.commit();
  return { notices, layouts };
}

/** Encode into memory and return the file's bytes. */
export async function encodeToBuffer(encoder: EncoderPlugin, pages: PageReader[], options: Options = {}, bandRows = 7): Promise<Buffer> {
  const sink = new MemorySink('<test>');
  await encodeToSink(encoder, sink, pages, options, bandRows);
  return sink.bytes();
}

/** Encode into a real file (temp + rename, as the CLI does). */
export async function encodeToFile(encoder: EncoderPlugin, path: string, pages: PageReader[], options: Options = {}, bandRows = 7): Promise<void> {
  const sink = await ByteSink.create(path, encoder.needsSeekableOutput);
  try {
    await encodeToSink(encoder, sink, pages, options, bandRows);
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

/** Deterministic pseudo-random bytes (xorshift32) for test images. */
export function pseudoRandomBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A layout with sensible defaults. */
export function layout(p: Partial<PixelLayout> & Pick<PixelLayout, 'width' | 'height'>): PixelLayout {
  return { channels: 1, bitsPerSample: 8, sampleFormat: 'uint', colorModel: 'gray', alpha: false, byteOrder: 'le', ...p };
}

/** A stream that yields `bytes` in chunks of the given sizes (cycled). */
export function chunkedStream(bytes: Uint8Array, sizes: number[]): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length] ?? 1);
    chunks.push(Buffer.from(bytes.subarray(i, i + n)));
    i += n;
  }
  return Readable.from(chunks);
}

