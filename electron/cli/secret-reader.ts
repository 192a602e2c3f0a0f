// Secrets for the command line (passwords, PINs, passphrases): never from an argument. From a
// pipe, one a line; on a terminal, typed without echo (a new one asked twice, so that a typo does
// not become it).
import type { Readable } from 'node:stream';
import { CliError } from './cli-error';

/** Where a command reads secrets and shows its prompts; a test gives its own. */
export interface SecretInput {
  input?: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** Prompts on a terminal (stderr by default). */
  prompt?: (text: string) => void;
}

/**
 * Secrets from stdin: one a line from a pipe, or typed without echo on a terminal (asked twice,
 * so a typo does not become the password).
 */
export class SecretReader {
  readonly #input: NonNullable<SecretInput['input']>;
  readonly #prompt: (text: string) => void;
  #lines: Promise<string[]> | null = null;
  #next = 0;

  constructor(deps: SecretInput) {
    this.#input = deps.input ?? process.stdin;
    this.#prompt = deps.prompt ?? ((text) => process.stderr.write(text));
  }

  /** `again`: the prompt to type it a second time on a terminal; null: asked once. */
  async read(prompt: string, again: string | null): Promise<string> {
    if (this.#input.isTTY) {
      const first = await this.#typed(prompt);
      if (again !== null && (await this.#typed(again)) !== first)
        throw new CliError('The two entries differ: nothing was changed. Try again.');
      return first;
    }
    this.#lines ??= readAll(this.#input).then((text) => text.split(/\r?\n/));
    const line = (await this.#lines)[this.#next++];
    if (line === undefined || line === '')
      throw new CliError(
        `${prompt.replace(/[:(].*$/, '').trim()} missing: give it on stdin, one a line (never as an argument).`,
      );
    return line;
  }

  close(): void {
    if (!this.#input.isTTY) return;
    this.#input.pause();
  }

  #typed(prompt: string): Promise<string> {
    this.#prompt(prompt);
    const input = this.#input;
    return new Promise((resolvePromise, reject) => {
      let typed = '';
      input.setRawMode?.(true);
      input.resume();
      const done = (error: Error | null) => {
        input.off('data', onData);
        input.setRawMode?.(false);
        input.pause();
        this.#prompt('\n');
        if (error) reject(error);
        else resolvePromise(typed);
      };
      const onData = (chunk: Buffer | string) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') return done(null);
          if (char === '\u0003') return done(new CliError('Cancelled: nothing was changed.'));
          if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
          else typed += char;
        }
      };
      input.on('data', onData);
    });
  }
}

async function readAll(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The data store's passphrase when the command was given --passphrase-stdin (read first, before
 * any other secret), else undefined: the store opens with the folder's key file.
 */
export async function storePassphrase(
  wanted: boolean | undefined,
  deps: SecretInput = {},
): Promise<string | undefined> {
  if (!wanted) return undefined;
  const reader = new SecretReader(deps);
  try {
    return await reader.read('Passphrase of the data store: ', null);
  } finally {
    reader.close();
  }
}
