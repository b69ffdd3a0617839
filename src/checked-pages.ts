/**
 * The pages of an input opened through the library, with `readRows` checking its arguments.
 * The pipeline sizes its own buffers; a caller reading rows itself could pass a buffer too small
 * for one row, or a row count that is not a number, and the decoders would fail on a typed-array
 * bound deep inside or loop on zero rows. The check costs one comparison per band.
 */
import { RasterError } from './errors.js';
import { rowBytes } from './model.js';
import { shownValue } from './option-values.js';
import type { DecodedInput, PageReader } from './plugin.js';

/**
 * A page as openInput() hands it out. Its readRows also takes a Uint8ClampedArray, such as a
 * canvas ImageData's data: the rows go into its bytes (8-bit RGBA rows fill it as they are).
 */
export interface InputPage extends PageReader {
  readRows(dst: Uint8Array | Uint8ClampedArray, maxRows: number): Promise<number>;
}

/** An input as openInput() hands it out: its pages are InputPages. */
export interface CheckedInput extends DecodedInput {
  pages(): AsyncIterable<InputPage>;
}

/**
 * `page` with a checking readRows; `isCurrent` says whether the iteration is still on it (a page
 * left behind was skipped to its end, and reading it would quietly give 0 rows).
 */
function checkedPage(page: PageReader, pageNo: number, isCurrent: () => boolean): InputPage {
  const bytes = rowBytes(page.info.layout);
  return {
    info: page.info,
    readRows(given: Uint8Array | Uint8ClampedArray, maxRows: number): Promise<number> {
      if (!isCurrent())
        return Promise.reject(new RasterError('E_BAD_OPTION', `readRows(): page ${pageNo} was left behind when the iteration went on; read a page's rows before asking for the next page (or the end)`, { page: pageNo, field: 'page' }));
      // The decoders write into a Uint8Array: a view of the same bytes.
      const dst = given instanceof Uint8ClampedArray ? new Uint8Array(given.buffer, given.byteOffset, given.byteLength) : given;
      if (!(dst instanceof Uint8Array))
        return Promise.reject(new RasterError('E_BAD_OPTION', `readRows(dst, maxRows): dst must be a Uint8Array (a Buffer is one) or a Uint8ClampedArray; got ${shownValue(given)}`, { field: 'dst' }));
      if (typeof maxRows !== 'number' || !(maxRows >= 1))
        return Promise.reject(new RasterError('E_BAD_OPTION', `readRows(dst, maxRows): maxRows must be a number ≥ 1 (got ${shownValue(maxRows)})`, { field: 'maxRows' }));
      // "Up to maxRows": a buffer with room for fewer rows gets as many as fit.
      const fit = Math.floor(dst.length / bytes);
      if (fit < 1)
        return Promise.reject(
          new RasterError('E_BAD_OPTION', `readRows(dst, maxRows): dst holds ${dst.length} bytes, less than one row of ${bytes}`, {
            field: 'dst',
            expected: bytes,
            actual: dst.length,
          }),
        );
      return page.readRows(dst, Math.min(Math.floor(maxRows), fit));
    },
  };
}

/** `decoded` with every page it yields wrapped in checkedPage. */
export function checkedPages(decoded: DecodedInput): CheckedInput {
  return {
    format: decoded.format,
    ...(decoded.header ? { header: decoded.header } : {}),
    ...(decoded.pageCount !== undefined ? { pageCount: decoded.pageCount } : {}),
    async *pages() {
      let current = 0;
      for await (const page of decoded.pages()) {
        const pageNo = ++current;
        yield checkedPage(page, pageNo, () => current === pageNo);
      }
      current = 0; // the input is at its end: no page is current
    },
  };
}
