/**
 * raster2img as a library: the same power as the CLI.
 *
 * ```ts
 * import { convert, describe, openInput } from 'raster2img';
 * await convert('scan.raw', 'scan.tif', { width: 4000, height: 3000, layout: 'rgb', depth: '16', endian: 'big', offset: 1800 });
 * ```
 */
import { builtinDecoders, builtinEncoders, type BuiltinFormatOptions, type BuiltinInputOptions } from '../formats/index.js';
import { FormatRegistry } from './registry.js';
import { checkApiArguments } from './api-arguments.js';
import { checkedPages, type CheckedInput } from './checked-pages.js';
import { Readable } from 'node:stream';
import {
  convertFile,
  describeInput,
  describeParts,
  openInput as openWith,
  type ConvertCoreOptions,
  type ConvertResult,
  type DescribeCoreOptions,
  type DescribePart,
  type InputSpec,
  type OpenCoreOptions,
  type OpenedInput,
  type ConvertOptions as ConvertBag,
  type DescribeOptions as DescribeBag,
  type OpenOptions as OpenBag,
} from './pipeline.js';

/** A registry holding every built-in format; add your own plugins to it. */
export function createRegistry(): FormatRegistry {
  const r = new FormatRegistry();
  for (const d of builtinDecoders) r.addDecoder(d);
  for (const e of builtinEncoders) r.addEncoder(e);
  return r;
}

export interface WithRegistry {
  /** Formats to use (default: the built-in ones). */
  registry?: FormatRegistry;
}

/**
 * The options of plugins you add to a registry, for TypeScript's checks: declare them by
 * declaration merging, `declare module 'raster2img' { interface PluginOptions { myFlag?: number } }`.
 * (At run time every call checks its options against the registry it uses, whatever the types.)
 */
export interface PluginOptions {}

/** The options of a call: the CLI's flags camelCased, typed from the formats' specs. */
export type ConvertOptions = ConvertCoreOptions & BuiltinFormatOptions & PluginOptions & WithRegistry;
export type DescribeOptions = DescribeCoreOptions & BuiltinInputOptions & PluginOptions & WithRegistry;
export type OpenOptions = OpenCoreOptions & BuiltinInputOptions & PluginOptions & WithRegistry;

let defaultRegistry: FormatRegistry | undefined;
/** The registry of calls that name none: the built-in formats, made on first use. */
const builtinRegistry = (): FormatRegistry => (defaultRegistry ??= createRegistry());

/**
 * Run a call that takes `input`. A stream given as input belongs to the call from then on: if the
 * call fails, whenever and however (a bad option before anything was read included), the stream
 * is destroyed, so that the caller never has to guess whether to close it.
 */
async function owningInput<T>(input: unknown, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    dropInput(input);
    throw err;
  }
}

/** Destroy `input` if it is a stream not yet destroyed (a call that owned it did not finish). */
function dropInput(input: unknown): void {
  if (input instanceof Readable && !input.destroyed) input.destroy();
}

/**
 * Convert `input` (path, "-" for stdin, bytes or a stream) to `output` (path, "-" for stdout, or
 * a %d pattern for one file per page). Options are the CLI's, camelCased.
 * @throws RasterError
 */
export async function convert(input: InputSpec, output: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  return owningInput(input, () => {
    const { registry, bag } = checkApiArguments('convert', builtinRegistry, input, options, output);
    return convertFile(registry, input, output, bag as ConvertBag);
  });
}

/**
 * Open an input for reading pages and rows yourself. Close it when done. Each page's `readRows`
 * checks its arguments (see checkedPages).
 * @throws RasterError
 */
export async function openInput(input: InputSpec, options: OpenOptions = {}): Promise<OpenedInput<CheckedInput>> {
  return owningInput(input, async () => {
    const { registry, bag } = checkApiArguments('openInput', builtinRegistry, input, options);
    const opened = await openWith(registry, input, bag as OpenBag);
    return { ...opened, decoded: checkedPages(opened.decoded) };
  });
}

/**
 * Every page's descriptor and header as JSON-able data (what `--info` prints); with `page`, that
 * page's only. An input damaged after its file header is described up to the damage, with `error`.
 * @throws RasterError when the input cannot be opened or identified
 */
export async function describe(input: InputSpec, options: DescribeOptions = {}): Promise<Record<string, unknown>> {
  return owningInput(input, () => {
    const { registry, bag } = checkApiArguments('describe', builtinRegistry, input, options);
    return describeInput(registry, input, bag as DescribeBag);
  });
}

/**
 * What `describe` gives, part by part as the input is read: `{ head }` (file, format, file
 * header), then `{ page }` for each page, then `{ error }` if the input went bad; memory stays
 * that of one page however many there are (what `--info` uses). Ending the loop early closes the
 * input.
 * @throws RasterError when the input cannot be opened or identified, or `page` is past the end
 */
export async function* describeEach(input: InputSpec, options: DescribeOptions = {}): AsyncGenerator<DescribePart> {
  let done = false;
  try {
    const { registry, bag } = checkApiArguments('describe', builtinRegistry, input, options);
    yield* describeParts(registry, input, bag as DescribeBag);
    done = true;
  } finally {
    // As owningInput: a stream given as input belongs to the call, and is destroyed unless read to the end.
    if (!done) dropInput(input);
  }
}

export { FormatRegistry } from './registry.js';
export { RasterError, EXIT_CODES, type ErrorCode, type ErrorContext } from './errors.js';
export { ByteSource } from './io/byte-source.js';
export { ByteSink, MemorySink } from './io/byte-sink.js';
export { RawRowReader, type RawTile } from './rows/raw-rows.js';
export { makeConverter } from './convert/plan.js';
export { rowBytes, pageBytes, validateLayout, describeLayout } from './model.js';
export type { PixelLayout, PageInfo, Resolution, ColorModel, SampleFormat, BitsPerSample, ByteOrder } from './model.js';
export type * from './plugin.js';
export { parseRange, DEFAULT_BAND_BYTES } from './pipeline.js';
export { pageFileName } from './page-names.js';
export type { ConvertResult, DescribePart, InputSpec, OpenedInput, Progress } from './pipeline.js';
export type { CheckedInput, InputPage } from './checked-pages.js';
export type { BuiltinFormatOptions, BuiltinInputOptions } from '../formats/index.js';
