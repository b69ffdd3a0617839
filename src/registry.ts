/**
 * FormatRegistry: the decoders and encoders known to one conversion. An instance, not a global,
 * so that library users can add their own formats without touching anyone else's.
 */
import { extname } from 'node:path';
import { pageFileName } from './page-names.js';
import { RasterError } from './errors.js';
import type { ByteSource } from './io/byte-source.js';
import type { DecoderPlugin, EncoderPlugin, OptionSpec, Options } from './plugin.js';

export class FormatRegistry {
  private readonly decoders = new Map<string, DecoderPlugin>();
  private readonly encoders = new Map<string, EncoderPlugin>();

  addDecoder(plugin: DecoderPlugin): this {
    if (this.decoders.has(plugin.name))
      throw new RasterError('E_BAD_OPTION', `a decoder named "${plugin.name}" is already registered`);
    this.decoders.set(plugin.name, plugin);
    return this;
  }

  addEncoder(plugin: EncoderPlugin): this {
    if (this.encoders.has(plugin.name))
      throw new RasterError('E_BAD_OPTION', `an encoder named "${plugin.name}" is already registered`);
    this.encoders.set(plugin.name, plugin);
    return this;
  }

  listDecoders(): DecoderPlugin[] {
    return [...this.decoders.values()];
  }

  listEncoders(): EncoderPlugin[] {
    return [...this.encoders.values()];
  }

  /** Every option any plugin declares (for the CLI), by name; the first declaration wins. */
  allOptions(): Map<string, { spec: OptionSpec; owners: string[] }> {
    const out = new Map<string, { spec: OptionSpec; owners: string[] }>();
    for (const p of [...this.decoders.values(), ...this.encoders.values()]) {
      for (const [name, spec] of Object.entries(p.options ?? {})) {
        const have = out.get(name);
        if (have) have.owners.push(p.name);
        else out.set(name, { spec, owners: [p.name] });
      }
    }
    return out;
  }

  /** The options some decoder declares: what describe() and openInput() read (the others are the encoders' alone). */
  inputOptions(): Map<string, { spec: OptionSpec; owners: string[] }> {
    return new Map([...this.allOptions()].filter(([, { owners }]) => owners.some((o) => this.decoders.has(o))));
  }

  decoder(name: string): DecoderPlugin {
    const d = this.decoders.get(name);
    if (!d)
      throw new RasterError('E_BAD_OPTION', `unknown input format "${name}"; known: ${[...this.decoders.keys()].join(', ')}`, {
        field: 'from',
      });
    return d;
  }

  /**
   * Choose the decoder for an input: an explicit name wins, then a decoder the options select
   * (raw geometry), then the magic-byte sniffers. When the options chose, `signature` is the
   * decoder whose signature the input starts with, if another (raw geometry given for an .npy:
   * read as raw, as asked, which the caller may want to point out).
   * @throws RasterError E_UNKNOWN_FORMAT naming the first bytes and the known signatures.
   */
  async detect(src: ByteSource, options: Options, explicit?: string): Promise<{ decoder: DecoderPlugin; signature?: DecoderPlugin }> {
    if (explicit) return { decoder: this.decoder(explicit) };
    const head = await src.peek(Math.max(0, ...[...this.decoders.values()].map((d) => d.magicBytes ?? 0)));
    const sniffed = [...this.decoders.values()].find((d) => d.sniff && d.magicBytes && d.sniff(head));
    for (const d of this.decoders.values())
      if (d.selectedBy?.(options)) return sniffed && sniffed !== d ? { decoder: d, signature: sniffed } : { decoder: d };
    if (sniffed) return { decoder: sniffed };
    const hex = Buffer.from(head.subarray(0, 8)).toString('hex').replace(/(..)/g, '$1 ').trim();
    throw new RasterError(
      'E_UNKNOWN_FORMAT',
      `input format not recognised (first bytes: ${hex || 'none, the input is empty'}); known: ${this.listDecoders()
        .map((d) => `${d.name} (${d.description})`)
        .join('; ')}. For a headerless dump give its geometry (--width, --height …)`,
      { file: src.name, offset: 0 },
    );
  }

  /**
   * The encoder named by --format, else by the output's extension.
   * @throws RasterError E_BAD_OPTION for an unknown format, or when neither tells one (unless
   *   `required` is false: undefined then).
   */
  encoderFor(format: string | undefined, outPath: string): EncoderPlugin;
  encoderFor(format: string | undefined, outPath: string, required: false): EncoderPlugin | undefined;
  encoderFor(format: string | undefined, outPath: string, required = true): EncoderPlugin | undefined {
    if (format) {
      const byName = this.encoders.get(format.toLowerCase());
      if (byName) return byName;
      const byExt = this.byExtension('.' + format.toLowerCase());
      if (byExt) return byExt;
      throw new RasterError('E_BAD_OPTION', `unknown output format "${format}"; known: ${[...this.encoders.keys()].join(', ')}`, {
        field: 'format',
      });
    }
    const ext = extname(pageFileName(outPath, 1)).toLowerCase();
    const byExt = ext ? this.byExtension(ext) : undefined;
    if (byExt || !required) return byExt;
    throw new RasterError(
      'E_BAD_OPTION',
      outPath === '-'
        ? `writing to stdout needs --format (${[...this.encoders.keys()].join(', ')})`
        : `cannot tell the output format from "${outPath}"; give --format (${[...this.encoders.keys()].join(', ')})`,
      { field: 'format' },
    );
  }

  private byExtension(ext: string): EncoderPlugin | undefined {
    for (const e of this.encoders.values()) if (e.extensions.includes(ext)) return e;
    return undefined;
  }
}
