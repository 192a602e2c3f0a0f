// What the commands that open the workstation's data store directly share: the store of a data
// folder (DIR/pgdata, the folder's workstation id, the passphrase when one was typed), refused in
// a sentence while a workstation holds it; and who ran the command, for the audit trail.
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { workstationId } from '../host/data-dir';
import { openStore, type Store, type StoreOptions } from '../host/store/client';
import { StoreLockedError } from '../host/store/data-lock';
import { CliError } from './cli-error';

/** How a command opens the store of `dataDir` (the passphrase, if the user typed one). */
export function cliStoreOptions(dataDir: string, passphrase: string | undefined): StoreOptions {
  return {
    dataDir: join(dataDir, 'pgdata'),
    workstationId: workstationId(dataDir),
    onError: (error) => console.error(error.message),
    ...(passphrase === undefined ? {} : { encryption: { passphrase } }),
  };
}

/** The store of `dataDir`; a CliError (its sentence) while a workstation runs on it. */
export async function openCliStore(
  dataDir: string,
  passphrase: string | undefined,
): Promise<Store> {
  try {
    return await openStore(cliStoreOptions(dataDir, passphrase));
  } catch (error) {
    if (error instanceof StoreLockedError) throw new CliError(error.message, { cause: error });
    throw error;
  }
}

/** Who ran the command, for the audit trail: the account, where the system can say. */
export function cliActor(): string {
  try {
    return `cli (${userInfo().username})`;
  } catch {
    return 'cli';
  }
}
