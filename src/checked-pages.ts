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
 * `page` with a checking readRows; `isCurrent` says whether the iteration is still on it (a page
 * left behind was skipped to its end, and reading it would quietly give 0 rows).
 */
function checkedPage(page: PageReader, pageNo: number, isCurrent: () => boolean): PageReader {
  const bytes = rowBytes(page.info.layout);
  return {
    info: page.info,
    readRows(dst: Uint8Array, maxRows: number): Promise<number> {
      if (!isCurrent())
        return Promise.reject(new RasterError('E_BAD_OPTION', `readRows(): page ${pageNo} was left behind when the iteration went on; read a page's rows before asking for the next page (or the end)`, { page: pageNo, field: 'page' }));
      if (!(dst instanceof Uint8Array))
        return Promise.reject(new RasterError('E_BAD_OPTION', `readRows(dst, maxRows): dst must be a Uint8Array (a Buffer is one)`, { field: 'dst' }));
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
export function checkedPages(decoded: DecodedInput): DecodedInput {
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
