/**
 * Test helper: decode every page of a CUPS/PWG/URF input into memory through the decoder's own
 * PageReaders, in bands of a chosen size (band boundaries must not change the result).
 */
import { ByteSource } from '../../../src/io/byte-source.js';
import { rowBytes, type PageInfo } from '../../../src/model.js';
import type { DecoderPlugin } from '../../../src/plugin.js';
import { cupsRasterDecoder, urfDecoder } from '../../../formats/cups-raster/index.js';

export interface DecodedPage {
  info: PageInfo;
  pixels: Uint8Array;
}

export function decoderFor(head: Uint8Array): DecoderPlugin {
  return urfDecoder.sniff!(head) ? urfDecoder : cupsRasterDecoder;
}

/**
 * Decode all pages of `input` (a path or bytes); `pages` limits how many are read in full. A page
 * larger than `maxPageBytes` is read only that far and given no pixels (fuzzing: a few bytes of
 * v2 data can legitimately describe terabytes of pixels).
 */
export async function decodeAll(input: string | Uint8Array, bandRows = 7, pages = Infinity, maxPageBytes = Infinity): Promise<DecodedPage[]> {
  const src = typeof input === 'string' ? await ByteSource.openFile(input) : ByteSource.fromBytes(input);
  try {
    const decoder = decoderFor(await src.peek(8));
    src.format = decoder.name;
    const decoded = await decoder.open(src, {});
    const out: DecodedPage[] = [];
    for await (const page of decoded.pages()) {
      if (out.length >= pages) {
        out.push({ info: page.info, pixels: new Uint8Array(0) });
        continue;
      }
      const rb = rowBytes(page.info.layout);
      if (rb * page.info.layout.height > maxPageBytes) {
        const band = new Uint8Array(rb * bandRows);
        for (let row = 0; row * rb < maxPageBytes; ) {
          const n = await page.readRows(band, bandRows);
          if (n === 0) break;
          row += n;
        }
        out.push({ info: page.info, pixels: new Uint8Array(0) });
        continue;
      }
      const pixels = new Uint8Array(rb * page.info.layout.height);
      const band = new Uint8Array(rb * bandRows);
      let row = 0;
      for (;;) {
        const n = await page.readRows(band, bandRows);
        if (n === 0) break;
        pixels.set(band.subarray(0, n * rb), row * rb);
        row += n;
      }
      if (row !== page.info.layout.height) throw new Error(`page ended after ${row} of ${page.info.layout.height} rows`);
      out.push({ info: page.info, pixels });
    }
    return out;
  } finally {
    await src.close();
  }
}
