/** The parts of utif (photopea/UTIF.js 3.x, which ships no typings) that the TIFF tests use. */
declare module 'utif' {
  /** One IFD: tags as "t<number>" arrays; decodeImage adds width, height, data and isLE. */
  export interface Ifd {
    [tag: `t${number}`]: number[] | string[] | Uint8Array | undefined;
    width: number;
    height: number;
    /** Decoded strips, rows of ceil(width × bits per pixel / 8) bytes; 16-bit samples little-endian. */
    data: Uint8Array;
    isLE: boolean;
  }
  interface Decode {
    (buffer: ArrayBuffer): Ifd[];
    /** Decode one LZW strip starting at data[off] into tgt[toff…]. */
    _decodeLZW(data: Uint8Array, off: number, tgt: Uint8Array, toff: number): void;
    /** Decode one PackBits strip (data must start its ArrayBuffer: utif ignores byteOffset). */
    _decodePackBits(data: Uint8Array, off: number, len: number, tgt: Uint8Array, toff: number): void;
  }
  const UTIF: {
    decode: Decode;
    decodeImage(buffer: ArrayBuffer, ifd: Ifd, ifds?: Ifd[]): void;
  };
  export default UTIF;
}
