/**
 * The contracts between the core and a format plugin (formats/<name>/).
 *
 * A decoder turns a ByteSource into pages of rows (PageReader); an encoder turns pages of rows
 * into bytes on a ByteSink. Rows are pulled by the pipeline in bands whose size it chooses, so
 * neither side ever holds a whole image.
 */
import type { RasterError } from './errors.js';
import type { ByteSource } from './io/byte-source.js';
import type { ByteSink } from './io/byte-sink.js';
import type { PageInfo, PixelLayout } from './model.js';

/** One CLI/API option a plugin understands; maps one-to-one onto a yargs option. */
export interface OptionSpec {
  type: 'string' | 'number' | 'boolean';
  describe: string;
  choices?: readonly (string | number)[];
  default?: string | number | boolean;
  alias?: string;
}
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/**
 * The values a caller may give for `S`'s options, as a TypeScript type: one of the choices when
 * there are choices (declared `as const`), else by type. Spec objects declared
 * `as const satisfies OptionSpecs` keep what this needs.
 */
export type OptionValues<S extends OptionSpecs> = {
  -readonly [K in keyof S]?: S[K] extends { readonly choices: readonly (infer C)[] }
    ? C
    : S[K]['type'] extends 'number'
      ? number
      : S[K]['type'] extends 'boolean'
        ? boolean
        : string;
};

/** The options of every plugin in a union of plugins, merged into one type. */
export type OptionValuesOf<P extends { readonly options?: OptionSpecs }> = UnionToIntersection<
  P extends { readonly options: infer S extends OptionSpecs } ? OptionValues<S> : never
>;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The flat option bag shared by the CLI and the library API (camelCase keys, e.g. `offset`). */
export type Options = Readonly<Record<string, unknown>>;

/** One page being decoded. Rows come top-down, interleaved, in the layout of `info.layout`. */
export interface PageReader {
  readonly info: PageInfo;
  /**
   * Decode up to maxRows whole rows into dst (rowBytes(layout) bytes each, packed).
   * Returns the number of rows written; 0 only after the last row of the page.
   * @throws RasterError (E_TRUNCATED, E_CORRUPT_DATA …) located at the input byte concerned.
   */
  readRows(dst: Uint8Array, maxRows: number): Promise<number>;
}

/** An opened input. */
export interface DecodedInput {
  /** Name of the decoder that opened it. */
  readonly format: string;
  /** File-level header (e.g. the .npy dict, URF file header) as JSON-able data, if any. */
  readonly header?: Record<string, unknown>;
  /**
   * Number of pages when it is known before they are read (an .npy shape, a raw file's size), so
   * that a single-image output refuses a multi-page input before writing anything (stdout!).
   */
  readonly pageCount?: number;
  /**
   * A fault found from the headers alone, before any page is read: an .npy file shorter than its
   * shape says. Opening the input for a conversion (or the library's openInput) fails with it at
   * once, so nothing is written; describing it lists the pages its header gives up to the first
   * damaged one, where pages() then throws it, as a stream's damage is found.
   */
  readonly damage?: RasterError;
  /**
   * Pages in order. A page must be read to its end (or abandoned by asking for the next page,
   * which skips its remaining rows) before the next one is yielded.
   */
  pages(): AsyncIterable<PageReader>;
}

export interface DecoderPlugin {
  readonly name: string;
  readonly description: string;
  /** Typical file extensions, lower case, with the dot. */
  readonly extensions: readonly string[];
  /** Bytes `sniff` needs to look at. */
  readonly magicBytes?: number;
  /** Pure test of the first magicBytes bytes (fewer at a short input). */
  sniff?(head: Uint8Array): boolean;
  /**
   * True when the options alone select this decoder (headerless raw input is chosen by giving
   * its geometry, since nothing can be sniffed).
   */
  selectedBy?(options: Options): boolean;
  /** Options this decoder reads; they become CLI flags. */
  readonly options?: OptionSpecs;
  open(src: ByteSource, options: Options): Promise<DecodedInput>;
}

/** What an encoder will write for a given page, and how the pipeline must convert to it. */
export interface EncodePlan {
  /** The layout rows must have when handed to PageWriter.writeRows. */
  layout: PixelLayout;
  /** One-line notices for the user about conversions (e.g. "16-bit samples scaled to 8 bits"). */
  notices: string[];
}

/** Writes the pages of one output file. */
export interface ImageWriter {
  /**
   * Decide the layout this page will be written in. Called once per page before beginPage.
   * @throws RasterError E_UNSUPPORTED / E_BAD_OPTION naming the option that would allow it.
   */
  plan(info: PageInfo): EncodePlan;
  /** Start a page whose rows will arrive in `layout` (the one plan() returned). */
  beginPage(info: PageInfo, layout: PixelLayout): Promise<PageWriter>;
  /** Write trailing structures (IFDs, headers). The pipeline then commits the sink. */
  finish(): Promise<void>;
}

export interface PageWriter {
  /**
   * Accept `rows` whole rows from src. Resolves when src may be reused (backpressure).
   */
  writeRows(src: Uint8Array, rows: number): Promise<void>;
  /** @throws RasterError E_MISSING_ROWS if fewer rows than the page's height arrived. */
  finish(): Promise<void>;
}

export interface EncoderPlugin {
  readonly name: string;
  readonly description: string;
  /** Extensions that select it, lower case, with the dot; the first is the usual one. */
  readonly extensions: readonly string[];
  readonly mimeType: string;
  /** Can hold several pages in one file. */
  readonly multiPage: boolean;
  /** Must seek in its output (stdout output is then spooled to a temp file). */
  readonly needsSeekableOutput: boolean;
  /** Options this encoder reads; they become CLI flags. */
  readonly options?: OptionSpecs;
  /** @throws RasterError E_BAD_OPTION for an invalid option value. */
  create(sink: ByteSink, options: Options): Promise<ImageWriter>;
}
