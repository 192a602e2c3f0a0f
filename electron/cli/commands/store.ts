// `workstation store rotate-key`: re-wraps the data key that seals patients' details in a data
// folder (store/encryption/): under a new passphrase, or under the folder's key file
// (credential.key, owner-only). The data are not touched and stay readable with the new wrapping
// only. Passphrases are read from stdin, one a line (the current one first when there is one), or
// typed without echo on a terminal (a new one twice); never as an argument.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { acquireDataLock, StoreLockedError } from '../../host/store/data-lock';
import {
  keyFileOf,
  rotateDataKey,
  StoreKeyError,
  type StoreKeySource,
} from '../../host/store/encryption/data-key';
import { CliError, parseOptions } from '../cli-error';
import { defaultDataDir } from './serve';

const USAGE = `Give "store rotate-key --to passphrase|key-file [--data DIR] [--passphrase-stdin]":
  --to passphrase   wrap the data key under a new passphrase (asked twice, or the next stdin line)
  --to key-file     wrap it under the folder's key file credential.key (readable by its owner only)
  --passphrase-stdin  the key is wrapped by a passphrase now: read it first (stdin or typed)`;

export interface StoreCommandDeps {
  input?: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };
  prompt?: (text: string) => void;
  out?: (line: string) => void;
}

export async function runStore(args: string[], deps: StoreCommandDeps = {}): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'rotate-key') throw new CliError(USAGE);
  const options = parseOptions(rest, {
    data: { type: 'string' },
    to: { type: 'string' },
    'passphrase-stdin': { type: 'boolean' },
  });
  if (options.to !== 'passphrase' && options.to !== 'key-file') throw new CliError(USAGE);
  const dataDir = resolve(options.data ?? defaultDataDir());
  const storeDir = join(dataDir, 'pgdata');
  if (!existsSync(keyFileOf(storeDir))) {
    throw new CliError(
      `There is no data store key in ${dataDir} (${keyFileOf(storeDir)}): give its --data folder,` +
        ' or start the workstation on it once.',
    );
  }
  const lock = await acquireDataLock(`${storeDir}.lock`, `The data store ${storeDir}`).catch(
    (error: unknown) => {
      if (error instanceof StoreLockedError) throw new CliError(error.message);
      throw error;
    },
  );
  const reader = new PassphraseReader(deps);
  try {
    const from: StoreKeySource = {};
    if (options['passphrase-stdin']) {
      from.passphrase = await reader.read('Current passphrase of the data store: ', false);
    }
    const to: StoreKeySource =
      options.to === 'passphrase'
        ? { passphrase: await reader.read('New passphrase (8 characters or more): ', true) }
        : {};
    const done = rotateDataKey(storeDir, from, to);
    (deps.out ?? console.log)(
      done.wrappedBy === 'passphrase'
        ? `The data key of ${dataDir} is now wrapped by the new passphrase: start the workstation with --passphrase-stdin.`
        : `The data key of ${dataDir} is now wrapped by ${join(dataDir, 'credential.key')}: keep that file with the folder (and in its backups).`,
    );
    return 0;
  } catch (error) {
    if (error instanceof StoreKeyError) throw new CliError(error.message);
    throw error;
  } finally {
    reader.close();
    lock.release();
  }
}

/**
 * The passphrase for `serve --passphrase-stdin`: the first line of stdin, or typed without echo on
 * a terminal (twice when the folder has no key yet, so that a typo does not become it).
 */
export async function readStartPassphrase(
  dataDir: string,
  deps: StoreCommandDeps = {},
): Promise<string> {
  const reader = new PassphraseReader(deps);
  try {
    const isNew = !existsSync(keyFileOf(join(dataDir, 'pgdata')));
    return await reader.read('Passphrase of the data store: ', isNew);
  } finally {
    reader.close();
  }
}

class PassphraseReader {
  readonly #input: NonNullable<StoreCommandDeps['input']>;
  readonly #prompt: (text: string) => void;
  #lines: string[] | null = null;
  #next = 0;

  constructor(deps: StoreCommandDeps) {
    this.#input = deps.input ?? process.stdin;
    this.#prompt = deps.prompt ?? ((text) => process.stderr.write(text));
  }

  async read(prompt: string, twice: boolean): Promise<string> {
    if (this.#input.isTTY) {
      const first = await this.#typed(prompt);
      if (twice && (await this.#typed('Again, to be sure: ')) !== first) {
        throw new CliError('The two entries differ: nothing was changed. Try again.');
      }
      return first;
    }
    this.#lines ??= (await readAll(this.#input)).split(/\r?\n/);
    const line = this.#lines[this.#next++];
    if (line === undefined || line === '') {
      throw new CliError(
        `${prompt.replace(/[:(].*$/s, '').trim()} missing: give it on stdin, one a line (never as an argument).`,
      );
    }
    return line;
  }

  close(): void {
    if (this.#input.isTTY) this.#input.pause();
  }

  #typed(prompt: string): Promise<string> {
    this.#prompt(prompt);
    const input = this.#input;
    return new Promise((resolveTyped, reject) => {
      let typed = '';
      input.setRawMode?.(true);
      input.resume();
      const done = (error: Error | null) => {
        input.off('data', onData);
        input.setRawMode?.(false);
        input.pause();
        this.#prompt('\n');
        if (error) reject(error);
        else resolveTyped(typed);
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
