/**
 * The one error type of raster2img. Every failure a user can cause (bad input, bad option,
 * unsupported data, I/O) is a RasterError with a code and, where known, the file, the page,
 * the byte offset in the input and what was expected there.
 */
export type ErrorCode =
  | 'E_UNKNOWN_FORMAT' // input not recognised / output format unknown
  | 'E_BAD_MAGIC' // signature wrong for the named format
  | 'E_BAD_HEADER' // header fields missing, malformed or contradicting each other
  | 'E_UNSUPPORTED' // well-formed but a feature we do not handle
  | 'E_TRUNCATED' // input ended early
  | 'E_SIZE_MISMATCH' // input size does not fit the stated geometry
  | 'E_CORRUPT_DATA' // pixel data malformed (e.g. a run past the end of a line)
  | 'E_LIMIT' // a size beyond what we or the target format can address
  | 'E_BAD_OPTION' // option missing, malformed or contradictory
  | 'E_MISSING_ROWS' // an encoder got fewer rows than the page has
  | 'E_NEEDS_SEEKABLE' // a format that must seek was given a pipe where a file is needed
  | 'E_ABORTED' // cancelled (signal)
  | 'E_IO'; // the operating system refused a read or write

/** Exit codes used by the CLI, grouped like the codes above. */
export const EXIT_CODES = { ok: 0, usage: 1, badInput: 2, unsupported: 3, io: 4, aborted: 130 } as const;

export interface ErrorContext {
  /** Input or output path ("-" for stdin/stdout). */
  file?: string;
  /** 1-based page number in the input. */
  page?: number;
  /** Byte offset in the input where it went wrong. */
  offset?: number;
  /** Format plugin name (e.g. "npy"). */
  format?: string;
  /** Name of the header field or option concerned, spelled as in its spec. */
  field?: string;
  expected?: string | number;
  actual?: string | number;
  cause?: unknown;
}

export class RasterError extends Error {
  readonly code: ErrorCode;
  file: string | undefined;
  page: number | undefined;
  offset: number | undefined;
  format: string | undefined;
  readonly field: string | undefined;
  readonly expected: string | number | undefined;
  readonly actual: string | number | undefined;
  /** The message without the file/page/offset prefix. */
  readonly detail: string;

  constructor(code: ErrorCode, detail: string, ctx: ErrorContext = {}) {
    super(detail, ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.name = 'RasterError';
    this.code = code;
    this.detail = detail;
    this.file = ctx.file;
    this.page = ctx.page;
    this.offset = ctx.offset;
    this.format = ctx.format;
    this.field = ctx.field;
    this.expected = ctx.expected;
    this.actual = ctx.actual;
    this.message = this.describe();
  }

  /** Fill in context that an outer layer knows (file, page) without overwriting what is set. */
  withContext(ctx: ErrorContext): this {
    if (this.file === undefined && ctx.file !== undefined) this.file = ctx.file;
    if (this.page === undefined && ctx.page !== undefined) this.page = ctx.page;
    if (this.offset === undefined && ctx.offset !== undefined) this.offset = ctx.offset;
    if (this.format === undefined && ctx.format !== undefined) this.format = ctx.format;
    this.message = this.describe();
    return this;
  }

  /** "job.ras: page 2: byte 1836: <detail>", as one line (oneLine). */
  describe(): string {
    const where: string[] = [];
    if (this.file !== undefined) where.push(this.file === '-' ? '<stdin>' : this.file);
    if (this.page !== undefined) where.push(`page ${this.page}`);
    if (this.offset !== undefined) where.push(`byte ${this.offset}`);
    return oneLine(where.length > 0 ? `${where.join(': ')}: ${this.detail}` : this.detail);
  }

  /** Exit code the CLI uses for this error. */
  get exitCode(): number {
    switch (this.code) {
      case 'E_BAD_OPTION':
        return EXIT_CODES.usage;
      case 'E_UNSUPPORTED':
      case 'E_LIMIT':
        return EXIT_CODES.unsupported;
      case 'E_IO':
      case 'E_NEEDS_SEEKABLE':
        return EXIT_CODES.io;
      case 'E_ABORTED':
        return EXIT_CODES.aborted;
      default:
        return EXIT_CODES.badInput;
    }
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      detail: this.detail,
      file: this.file,
      page: this.page,
      offset: this.offset,
      format: this.format,
      field: this.field,
      expected: this.expected,
      actual: this.actual,
    };
  }
}

/** Wrap an operating-system error (ENOENT, EACCES, ENOSPC …) as E_IO, keeping it as the cause. */
export function ioError(err: unknown, what: string, file?: string): RasterError {
  if (err instanceof RasterError) return err;
  const e = err as NodeJS.ErrnoException;
  // Node's text is "ENOENT: no such file or directory, open 'path'": the code leads, and the path
  // (perhaps a temp file's) is dropped, as the message names the file already.
  const text = e?.message?.replace(/^[A-Z]+: /, '').replace(/, [a-z]+( '.*')?$/, '');
  const reason = e?.code ? `${e.code}${text ? ` (${text})` : ''}` : String(err);
  return new RasterError('E_IO', `${what}: ${reason}`, { ...(file === undefined ? {} : { file }), cause: err });
}

export function isRasterError(err: unknown): err is RasterError {
  return err instanceof RasterError;
}

/** Longest message: text taken from an input (a header string, a file name) is cut there. */
const MAX_MESSAGE = 1000;
/** Control characters written by name; the others as \xNN or \uNNNN. */
const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A message as one line of plain text, as the CLI prints it (README: an error is one line): control
 * characters, which a file name or a header string may hold, written as \n, \r, \t or \xNN (a
 * newline would split the line, an escape sequence would reach the terminal), and at most
 * MAX_MESSAGE characters.
 */
export function oneLine(s: string): string {
  const clean = s.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return NAMED_ESCAPES[c] ?? (code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, '0')}`);
  });
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE - 1)}…` : clean;
}
