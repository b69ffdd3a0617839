/**
 * Headerless raw pixel dumps: interleaved or planar, 1–32f bits, either byte order, an optional
 * header to skip, padded rows, several images back to back as pages. Chosen by giving --width
 * (nothing in a raw dump can be sniffed).
 */
import { RasterError } from '../../src/errors.js';
import type { ByteSource } from '../../src/io/byte-source.js';
import { rowBytes } from '../../src/model.js';
import type { DecodedInput, DecoderPlugin, OptionSpecs, Options, PageReader } from '../../src/plugin.js';
import { RawRowReader } from '../../src/rows/raw-rows.js';
import { countPages, layoutOf, pageSpan, parseGeometry, wholeUnits, DEPTH_NAMES, LAYOUT_NAMES, type RawGeometry } from './geometry.js';
import { pickChannels } from './pick-channels.js';

export const rawDecoder = {
  name: 'raw',
  description: 'headerless pixel dump (give --width, --height, --layout/--channels, --depth)',
  extensions: ['.raw', '.bin', '.data'],
  selectedBy: (o) => o['width'] !== undefined,
  options: {
    width: { type: 'number', describe: 'raw input: pixels per row' },
    height: { type: 'number', describe: 'raw input: rows per page (default: all the data after --offset, one page)' },
    channels: { type: 'number', describe: 'raw input: interleaved samples per pixel, 1–4 (gray, gray+alpha, RGB, RGBA)' },
    layout: { type: 'string', describe: 'raw input: sample order per pixel (x = padding sample, dropped)', choices: LAYOUT_NAMES },
    depth: { type: 'string', describe: 'raw input: bits per sample (1 = packed bits, MSB first; 32f = IEEE float)', choices: DEPTH_NAMES },
    endian: { type: 'string', describe: 'raw input: byte order of 16/32-bit samples (default little)', choices: ['little', 'big'] },
    offset: { type: 'number', describe: 'raw input: bytes to skip before the pixels (a header)' },
    stride: { type: 'number', describe: 'raw input: bytes from one row start to the next when rows are padded' },
    planar: { type: 'boolean', describe: 'raw input: each channel stored as its own plane' },
    minIsWhite: { type: 'boolean', describe: 'raw input: gray samples are ink (0 = white), as 1-bit fax/print data' },
  } as const satisfies OptionSpecs,
  async open(src: ByteSource, options: Options): Promise<DecodedInput> {
    const g = parseGeometry(options);
    const height = g.height ?? deriveHeight(g, src);
    const pageCount = countPages(g, height, src.size, src.name);
    // Planar pages are gathered with positional reads; a stream is spooled to a temp file first.
    if (g.planar) await src.toSeekable();
    src.page = undefined;
    await src.skip(g.offset, `the ${g.offset}-byte header given by --offset`);
    return {
      format: 'raw',
      header: {
        width: g.width,
        height,
        layout: g.stored.name,
        depth: g.bits === 32 ? '32f' : g.bits,
        endian: g.byteOrder === 'be' ? 'big' : 'little',
        offset: g.offset,
        stride: g.stride,
        planar: g.planar,
        ...(pageCount === undefined ? {} : { pages: pageCount }),
      },
      ...(pageCount === undefined ? {} : { pageCount }),
      pages: () => rawPages(src, g, height, pageCount, ignoredOptions(g, options)),
    };
  },
} satisfies DecoderPlugin;

function deriveHeight(g: RawGeometry, src: ByteSource): number {
  if (src.size === undefined)
    throw new RasterError('E_BAD_OPTION', '--height is required when the input is a stream (its size is unknown)', { field: 'height', format: 'raw' });
  const perRow = pageSpan(g, 1);
  const data = src.size - g.offset;
  const rows = wholeUnits(g, data, perRow);
  if (rows === undefined)
    throw new RasterError(
      'E_SIZE_MISMATCH',
      data < 0
        ? `the input is ${src.size} bytes, less than the --offset of ${g.offset}`
        : `without --height the data after the ${g.offset}-byte offset must be whole rows of ${perRow} bytes; it is ${data} bytes (${data < perRow ? 'less than one row' : `${data % perRow} left over`})`,
      { file: src.name, format: 'raw', expected: perRow, actual: data },
    );
  return rows;
}

/** Notices for options that mean nothing for these samples (README: ignored with a notice, not silently). */
function ignoredOptions(g: RawGeometry, options: Options): string[] {
  return g.bits <= 8 && options['endian'] !== undefined ? [`--endian orders the bytes of 16- and 32-bit samples; ignored with --depth ${g.bits}`] : [];
}

async function* rawPages(src: ByteSource, g: RawGeometry, height: number, pageCount: number | undefined, notices: string[]): AsyncGenerator<PageReader> {
  const layout = layoutOf(g, height);
  const storedRowBytes = rowBytes({ width: g.width, channels: g.stored.stored, bitsPerSample: g.bits });
  const identity = g.stored.pick.length === g.stored.stored && g.stored.pick.every((c, i) => c === i);
  for (let page = 1; pageCount === undefined ? !(await src.atEnd()) : page <= pageCount; page++) {
    src.page = page;
    const reader = new RawRowReader(src, {
      rowBytes: storedRowBytes,
      stride: g.stride,
      height,
      ...(g.planar ? { planes: { count: g.stored.stored, planeStride: g.stride * height, sampleBytes: g.bits / 8 } } : {}),
    });
    let scratch: Uint8Array | undefined;
    yield {
      info: { layout, ...(page === 1 && notices.length > 0 ? { notices } : {}) },
      async readRows(dst, maxRows) {
        if (identity) return reader.readRows(dst, maxRows);
        if (!scratch || scratch.length < maxRows * storedRowBytes) scratch = new Uint8Array(maxRows * storedRowBytes);
        const n = await reader.readRows(scratch, maxRows);
        pickChannels(scratch, dst, n * g.width, g.stored.stored, g.stored.pick, g.bits / 8);
        return n;
      },
    };
    await reader.skipRest();
  }
}
