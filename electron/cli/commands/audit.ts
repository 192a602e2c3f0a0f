// `workstation audit verify`: checks the audit trail's hash chain in a data directory (for IT and
// the privacy officer: a deleted, changed or reordered entry is named). Exit code 0 when the chain
// holds, 1 when it is broken, 2 when it could not be checked. The store is opened as the
// workstation opens it, so a workstation running on the same directory must be stopped first.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openStore, type AuditChainReport } from '../../host/store/client';
import { StoreLockedError } from '../../host/store/data-lock';
import { CliError, parseOptions } from '../cli-error';
import { cliStoreOptions } from '../cli-store';
import { storePassphrase, type SecretInput } from '../secret-reader';
import { defaultDataDir } from './serve';

const USAGE =
  'Give "audit verify [--data DIR] [--passphrase-stdin]": it checks the audit trail of that data directory.';

export async function runAudit(args: string[], deps: SecretInput = {}): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'verify') throw new CliError(USAGE);
  const options = parseOptions(rest, {
    data: { type: 'string' },
    'passphrase-stdin': { type: 'boolean' },
  });
  const dataDir = resolve(options.data ?? defaultDataDir());
  if (!existsSync(join(dataDir, 'pgdata'))) {
    throw new CliError(`There is no workstation data store in ${dataDir}: give its --data folder.`);
  }
  const passphrase = await storePassphrase(options['passphrase-stdin'], deps);
  const report = await verifyIn(dataDir, passphrase);
  const print = report.ok ? console.log : console.error;
  print(`Workstation ${report.workstationId}: ${report.message}`);
  return report.ok ? 0 : 1;
}

async function verifyIn(
  dataDir: string,
  passphrase: string | undefined,
): Promise<AuditChainReport> {
  let store;
  try {
    store = await openStore(cliStoreOptions(dataDir, passphrase));
  } catch (error) {
    if (error instanceof StoreLockedError) throw new CliError(error.message, { cause: error });
    throw new CliError(
      `The data store in ${dataDir} could not be opened, so its audit trail was not checked: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    for (const notice of store.notices) console.error(`Data store: ${notice}`);
    return await store.verifyAuditChain();
  } finally {
    await store.close();
  }
}
