/**
 * The most bytes zlib's deflate can make of `bytes` input bytes, flush markers and zlib wrapper
 * included (zlib's deflateBound, rounded up): the size of an output chunk that holds any result.
 */
export function deflateBound(bytes: number): number {
  return bytes + (bytes >> 10) + 64;
}
