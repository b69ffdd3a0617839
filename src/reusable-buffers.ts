/**
 * Buffers kept from page to page of one conversion, by name. A print job has hundreds of pages;
 * fresh band and scratch buffers for each left their garbage to V8, which counts such off-heap
 * memory only slowly towards a collection: a 20-page CUPS job peaked at 144 MB RSS against 67 MB
 * for one of its pages, and at 71 MB once its buffers were kept.
 */
export class ReusableBuffers {
  private readonly kept = new Map<string, Uint8Array>();

  /** A buffer of `bytes` for `key`: a view of the one kept under that name, which grows when needed. */
  get(key: string, bytes: number): Uint8Array {
    let b = this.kept.get(key);
    if (!b || b.length < bytes) this.kept.set(key, (b = new Uint8Array(bytes)));
    return b.subarray(0, bytes);
  }
}
