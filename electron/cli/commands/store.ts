// `workstation store rotate-key`: re-wraps the data key that seals patients' details in a data
// folder (store/encryption/): under a new passphrase, or under the folder's key file
// (credential.key, owner-only). The data are not touched and stay readable with the new wrapping
// only. Passphrases are read from stdin, one a line (the current one first when there is one), or
// typed without echo on a terminal (a new one twice); never as an argument.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { acquireDataLock, StoreLockedError } from '../../host/store/data-lock';
import {
  keyFileOf,
  rotateDataKey,
  StoreKeyError,
  type StoreKeySource,
} from '../../host/store/encryption/data-key';
import { CliError, parseOptions } from '../cli-error';
import { SecretReader, type SecretInput } from '../secret-reader';
import { defaultDataDir } from './serve';

const USAGE = `Give "store rotate-key --to passphrase|key-file [--data DIR] [--passphrase-stdin]":
  --to passphrase   wrap the data key under a new passphrase (asked twice, or the next stdin line)
  --to key-file     wrap it under the folder's key file credential.key (readable by its owner only)
  --passphrase-stdin  the key is wrapped by a passphrase now: read it first (stdin or typed)`;

const AGAIN = 'Again, to be sure: ';

export interface StoreCommandDeps extends SecretInput {
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
  const reader = new SecretReader(deps);
  try {
    const from: StoreKeySource = {};
    if (options['passphrase-stdin']) {
      from.passphrase = await reader.read('Current passphrase of the data store: ', null);
    }
    const to: StoreKeySource =
      options.to === 'passphrase'
        ? { passphrase: await reader.read('New passphrase (8 characters or more): ', AGAIN) }
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
  const reader = new SecretReader(deps);
  try {
    const isNew = !existsSync(keyFileOf(join(dataDir, 'pgdata')));
    return await reader.read('Passphrase of the data store: ', isNew ? AGAIN : null);
  } finally {
    reader.close();
  }
}
