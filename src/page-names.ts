/**
 * Output names with a page number, as printf writes them: %d, %3d, %03d for the page, %% for a
 * literal percent sign ("page-%03d.png" → "page-007.png", "100%%.png" → "100%.png").
 */
const PAGE_TOKENS = /%%|%(0?\d*)d/g;

/** True when the output name holds a page number (an unescaped %d). */
export function isPagePattern(output: string): boolean {
  return [...output.matchAll(PAGE_TOKENS)].some((m) => m[0] !== '%%');
}

/** The name of page `page` (1-based): each %d replaced by its number, each %% by %. */
export function pageFileName(pattern: string, page: number): string {
  return pattern.replace(PAGE_TOKENS, (m, width: string) =>
    // As printf: %3d pads with spaces, %03d with zeros.
    m === '%%' ? '%' : String(page).padStart(Number(width), width.startsWith('0') ? '0' : ' '),
  );
}
