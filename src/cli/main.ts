#!/usr/bin/env node
/**
 * The raster2img command line. Options of the format plugins are added from the registry, so a
 * new format brings its flags with it.
 */
import { readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { Options as YargsOption } from 'yargs';
// yargs's factory (yargs/yargs), not the 'yargs' entry: that one's ES module build loads some 35
// modules and builds a singleton parser of process.argv we never use; yargs/yargs is a small
// wrapper around yargs's CommonJS build, which scripts/bundle-cli.mjs puts into the CLI's file.
import yargs from 'yargs/yargs';
import { createRegistry, describeEach, convert } from '../index.js';
import { EXIT_CODES, oneLine, RasterError, type ErrorCode, type ErrorContext } from '../errors.js';
import type { FormatRegistry } from '../registry.js';
import { ProgressBar } from './progress.js';
import { writeInfoJson } from './info-json.js';
import { StreamSink } from '../io/byte-sink.js';
import { flagName } from '../option-values.js';

/** Our package.json's version, found by walking up from this module (dist/src/cli/ in a checkout or install). */
function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'raster2img' && pkg.version) return pkg.version;
    } catch {
      /* not here: go up */
    }
  }
  return 'unknown';
}

/** The parser of every option; parseAsync(args) parses a command line. */
function buildParser(registry: FormatRegistry) {
  let y = yargs()
    // English throughout, like every message and help text of ours: with yargs's translations
    // picked by LANG, a German user read "Unbekanntes Argument: bogus (raster2img --help lists the
    // options)" and a help page of English lines ending in "[Zahl]".
    .detectLocale(false)
    .version(false) // ours, below
    .help(false)
    .scriptName('raster2img')
    .usage('$0 --in <file|-> --out <file|-> [options]\n\nTurns raw raster data into TIFF, PNG or BMP, row by row in bounded memory.')
    .option('in', { alias: 'i', type: 'string', describe: 'input file, or - for stdin', group: 'General:' })
    .option('out', {
      alias: 'o',
      type: 'string',
      describe: 'output file, - for stdout, or a pattern such as page-%03d.png for one file per page',
      group: 'General:',
    })
    .option('format', { alias: 'f', type: 'string', describe: 'output format (default: from the --out extension)', group: 'General:' })
    .option('from', { type: 'string', describe: 'input format, to skip detection', group: 'General:' })
    .option('page', { type: 'number', describe: 'convert only page N (1-based)', group: 'General:' })
    .option('range', { type: 'string', describe: 'LO,HI: value range mapped to 0…max when float/signed samples must become unsigned', group: 'General:' })
    .option('info', { type: 'boolean', describe: "print every page's descriptor and header as JSON; convert nothing", group: 'General:' })
    .option('fsync', { type: 'boolean', describe: 'flush the output to the disk before renaming it into place (survives a power loss; slower)', group: 'General:' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'no notices, no progress bar', group: 'General:' })
    .option('debug', { type: 'boolean', describe: 'show stack traces on errors', group: 'General:' })
    // Ours rather than yargs's own --help and --version, which print with console.log: that drops
    // write errors, so "raster2img --help > /dev/full" exited 0 having written nothing.
    .option('help', { alias: 'h', type: 'boolean', describe: 'show this help', group: 'General:' })
    .option('version', { type: 'boolean', describe: 'show the version number', group: 'General:' });
  for (const [key, { spec, owners }] of registry.allOptions()) {
    const opt: YargsOption = { type: spec.type, describe: spec.describe, group: `${owners.join(', ')} options:` };
    if (spec.choices) opt.choices = [...spec.choices];
    if (spec.alias) opt.alias = spec.alias;
    y = y.option(flagName(key), opt);
  }
  return y
    .check((a) => {
      if (a.help || a.version) return true;
      if (!a.in) throw new Error('--in is required');
      if (!a.info && !a.out) throw new Error('--out is required (or --info)');
      return true;
    })
    // One line, as for every other error; the whole help only on --help.
    .showHelpOnFail(false)
    .fail((msg, err) => {
      throw new UsageError(msg ? msg.replace(/\s*\n\s*/g, ' ') : (err?.message ?? 'bad arguments'));
    })
    .example('$0 --in page.npy --out page.tif', 'numpy array to TIFF')
    .example(
      '$0 -i scan.raw --width 4000 --height 3000 --layout rgb --depth 16 --endian big --offset 1800 -o scan.tif',
      '16-bit big-endian RGB after an 1800-byte header',
    )
    .example('$0 -i fb.bin --width 640 --height 480 --layout bgrx -o frame.png', 'little-endian XRGB8888 frame buffer to PNG')
    .example('$0 -i stack.npy -o slice-%03d.png', 'one PNG per page of an (N, H, W) array')
    .example('cat img.npy | $0 -i - -o - -f png > img.png', 'stdin to stdout')
    .example('$0 -i img.npy --info', "the input's headers as JSON")
    .strict()
    // Help fits a terminal's width. Asked only of a terminal: process.stdout makes stdout's stream,
    // which a conversion to a file never needs (some 5 ms at start-up for a pipe).
    .wrap(Math.min(120, (isatty(1) ? process.stdout.columns : undefined) || 120));
}

/** An error in the command line itself: one line, exit code 1. */
class UsageError extends Error {}

/**
 * The flag an argument names: "--out", "--out=x" → out, "-o" → o, and whether its value is inline
 * (after "="). Undefined for values, "--" and clusters of short flags such as -qh.
 */
function parseFlag(arg: string): { name: string; inline: boolean } | undefined {
  const m = /^(?:--([a-zA-Z][\w-]*)|-([a-zA-Z]))(=|$)/.exec(arg);
  return m ? { name: (m[1] ?? m[2])!, inline: m[3] === '=' } : undefined;
}

/**
 * yargs reads a lone "-" as a positional argument, not as the value of the flag before it, and a
 * value starting with "-" ("--range -1,1") as a flag. Glue such values to their flag ("--out -" →
 * "--out=-", "--range -1,1" → "--range=-1,1") so that stdin/stdout and negative numbers work as
 * in every Unix tool.
 */
function glueDashValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    const flag = parseFlag(a);
    if (flag && !flag.inline && next !== undefined && ((/^(-i|-o|--in|--out)$/.test(a) && next === '-') || /^-\.?\d/.test(next))) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** The parser's flags: each name or alias → its key, and which keys take a value or are switches. */
interface FlagTable {
  canonical: Map<string, string>;
  takesValue: Set<string>;
  /** Flags whose value is a number (every one of them a whole number). */
  numbers: Set<string>;
  switches: Set<string>;
}

function flagTable(parser: ReturnType<typeof buildParser>): FlagTable {
  // getOptions() is yargs API, missing from its type definitions.
  const opts = (parser as unknown as { getOptions(): { alias: Record<string, string[]>; string: string[]; number: string[]; boolean: string[] } }).getOptions();
  const canonical = new Map<string, string>();
  for (const [key, aliases] of Object.entries(opts.alias))
    for (const a of [key, ...aliases]) canonical.set(a, key);
  return { canonical, takesValue: new Set([...opts.string, ...opts.number]), numbers: new Set(opts.number), switches: new Set(opts.boolean) };
}

/**
 * Clusters of short flags as getopt reads them: "-qh" is -q -h, "-qq" is -q twice (refused below,
 * as any flag given twice), and "-ox.tif" is -o x.tif: the rest of a cluster is the value of its
 * first flag that takes one. yargs-parser read "-ox.tif" as -o and an unknown -x, and counted
 * "-qq" once. A cluster with a letter that is no flag is left to yargs to report.
 */
function splitShortClusters(args: string[], flags: FlagTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (!/^-[a-zA-Z][^=]/.test(a)) {
      out.push(a);
      continue;
    }
    const split: string[] = [];
    for (let j = 1; j < a.length; j++) {
      const key = /[a-zA-Z]/.test(a[j]!) ? flags.canonical.get(a[j]!) : undefined;
      if (key === undefined) {
        split.length = 0;
        break;
      }
      const rest = a.slice(j + 1);
      if (flags.takesValue.has(key) && rest !== '') {
        split.push(`-${a[j]}=${rest}`);
        break;
      }
      split.push(`-${a[j]}`);
    }
    out.push(...(split.length > 0 ? split : [a]));
  }
  return out;
}

/**
 * Flags yargs would take in a way nobody means:
 * - given twice: yargs makes an array of two strings (which the options cannot take) or, for
 *   numbers, adds them up ("--page 1 --page 1" was page 2);
 * - a flag that takes a value given none ("--page" last, or followed by another flag): yargs
 *   leaves it unset, so the option was silently ignored;
 * - an empty value, or a switch given a value other than true/false (below).
 */
function refuseAmbiguousFlags(args: string[], flags: FlagTable): void {
  const { canonical, takesValue, numbers, switches } = flags;
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    const flag = parseFlag(arg);
    if (!flag) continue;
    // yargs also takes each flag in camelCase (--pngFilter for --png-filter): one name, the flag's, for both.
    const name = flagName(canonical.get(flag.name) ?? flag.name.replace(/^no-/, ''));
    if (seen.has(name)) throw new UsageError(`--${name} is given more than once`);
    seen.add(name);
    const next = args[i + 1];
    if (!flag.inline && takesValue.has(name) && (next === undefined || next.startsWith('-')))
      throw new UsageError(`--${name} needs a value`);
    const value = flag.inline ? arg.slice(arg.indexOf('=') + 1) : takesValue.has(name) ? next : undefined;
    // yargs reads an empty number as 0 ("--level ''" wrote a stored PNG) and a switch's value
    // other than true/false as false ("--bigtiff=yes" wrote a classic TIFF).
    if (takesValue.has(name) && value?.trim() === '') throw new UsageError(`--${name} needs a value, not an empty string`);
    if (numbers.has(name) && value !== undefined) {
      // yargs reads numbers with Number(): "1e2", "0x64" and " 100" were all 100.
      if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number in decimal digits (got ${JSON.stringify(value)})`);
      // Past 2^53 a double rounds, and the message would quote a rounded number that looks valid.
      if (!Number.isSafeInteger(Number(value)))
        throw new UsageError(`--${name} ${value} is too far from 0 to be read exactly (whole numbers are exact up to 2^53 − 1 = 9007199254740991)`);
    }
    if (flag.inline && switches.has(name) && value !== 'true' && value !== 'false')
      throw new UsageError(`--${name} is a switch: give it alone, or =true / =false (got "${value}")`);
  }
}

/** Exit code after a signal: 128 + its number, as shells report it. */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** Write to stdout and wait; a closed or full stdout becomes E_IO (as for image data), not an unhandled 'error' event. */
function writeStdout(text: string): Promise<void> {
  return new StreamSink(process.stdout, '-').write(Buffer.from(text));
}

async function main(): Promise<number> {
  const registry = createRegistry();
  const parser = buildParser(registry);
  const flags = flagTable(parser);
  const args = glueDashValues(splitShortClusters(process.argv.slice(2), flags));
  refuseAmbiguousFlags(args, flags);
  const argv = await parser.parseAsync(args);
  // yargs's strict mode refuses stray arguments but lets those after "--" through, into argv._.
  if (argv._.length > 0) throw new UsageError(`unexpected argument${argv._.length > 1 ? 's' : ''} ${argv._.map((a) => JSON.stringify(String(a))).join(' ')}: files are given with --in and --out`);
  const options: Record<string, unknown> = {};
  for (const key of registry.allOptions().keys()) if (argv[key] !== undefined) options[key] = argv[key];
  const input = argv.in as string;
  const quiet = Boolean(argv.quiet);
  const debug = Boolean(argv.debug);
  if (argv.from) options['from'] = argv.from;

  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    const second = signalled !== undefined;
    signalled ??= sig;
    controller.abort(); // also ends a wait for stdin's next bytes (openInput destroys the stream)
    // A second signal, or a pipeline stuck waiting on input, ends at once; the exit hook removes temp files.
    if (second) process.exit(SIGNAL_EXIT[signalled]);
    setTimeout(() => {
      process.stderr.write('raster2img: interrupted\n');
      process.exit(SIGNAL_EXIT[sig]);
    }, 2000).unref();
  };
  // SIGHUP too: a closed terminal or a dropped ssh session must not leave temp files behind.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);

  const bar = ProgressBar.forStderr(!quiet);
  try {
    // Written as any output is: a closed or full stdout is E_IO, reported below (exit 4).
    if (argv.help || argv.version) {
      await writeStdout(`${argv.help ? await parser.getHelp() : packageVersion()}\n`);
      return EXIT_CODES.ok;
    }
    if (argv.info) {
      // Output options mean nothing to --info (describe() refuses them, in a library's words).
      const inputOptions = registry.inputOptions();
      for (const key of registry.allOptions().keys())
        if (key in options && !inputOptions.has(key)) {
          delete options[key];
          if (!quiet) process.stderr.write(`raster2img: note: --${flagName(key)} is an output option; ignored with --info\n`);
        }
      const parts = describeEach(input, { ...options, ...(argv.page !== undefined ? { page: argv.page } : {}) });
      // A damaged input: its good part is printed, and the error is reported as usual.
      const damage = (await writeInfoJson(parts, writeStdout)) as ({ code: ErrorCode; detail: string } & ErrorContext) | undefined;
      if (damage) throw new RasterError(damage.code, damage.detail, damage);
      return EXIT_CODES.ok;
    }
    // As gzip does: image bytes on a terminal are of no use and can upset it.
    if (argv.out === '-' && process.stdout.isTTY)
      throw new RasterError('E_BAD_OPTION', 'refusing to write image data to a terminal: redirect stdout or give --out FILE', { field: 'out' });
    await convert(input, argv.out as string, {
      ...options,
      ...(argv.format ? { format: argv.format } : {}),
      ...(argv.page !== undefined ? { page: argv.page } : {}),
      ...(argv.range !== undefined ? { range: argv.range } : {}),
      ...(argv.fsync ? { fsync: true } : {}),
      signal: controller.signal,
      ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
      onNotice: (m) => {
        if (quiet) return;
        bar?.clear();
        process.stderr.write(`raster2img: note: ${oneLine(m)}\n`);
      },
    });
    bar?.clear();
    return EXIT_CODES.ok;
  } catch (err) {
    bar?.clear();
    if (err instanceof RasterError) {
      process.stderr.write(`raster2img: ${err.message}\n`);
      if (debug && err.stack) process.stderr.write(err.stack + '\n');
      return err.code === 'E_ABORTED' && signalled ? (SIGNAL_EXIT[signalled] ?? err.exitCode) : err.exitCode;
    }
    process.stderr.write(`raster2img: internal error: ${oneLine((err as Error)?.message ?? String(err))}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return 70; // EX_SOFTWARE: a bug in raster2img, not in the input
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const hint = err instanceof UsageError ? ' (raster2img --help lists the options)' : '';
    process.stderr.write(`raster2img: ${oneLine((err as Error)?.message ?? String(err))}${hint}\n`);
    process.exitCode = EXIT_CODES.usage;
  },
);
