// `workstation exports open FILE --out PATH`: an export made from the screen (sealed at rest in
// DIR/exports, export/sealed-file.ts) written as its plain file where IT or the user says, never
// over another file, audited (`export-opened`, with who and where). The data key is opened as the
// workstation opens it (the folder's key file, or --passphrase-stdin), through the store, whose
// audit trail records it: stop a workstation running on DIR first. A wrong key, a damaged or cut
// file: one sentence, exit 2, nothing written.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SealedFileError, exportsKeyOf } from '../../host/export/sealed-file';
import { openSealedFile, unsealToFile } from '../../host/export/sealed-file-reader';
import { CliError } from '../cli-error';
import { cliActor, openCliStore } from '../cli-store';
import { storePassphrase, type SecretInput } from '../secret-reader';
import { defaultDataDir } from './serve';

const USAGE =
  'Give "exports open FILE --out PATH [--data DIR] [--passphrase-stdin]": FILE is a sealed' +
  ' export (DIR/exports/….sealed); PATH a new file, or a folder to write it in under its own name.';

export async function runExports(args: string[], deps: SecretInput = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        out: { type: 'string' },
        data: { type: 'string' },
        'passphrase-stdin': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}. ${USAGE}`);
  }
  const [action, file, ...extra] = parsed.positionals;
  const options = parsed.values;
  if (action !== 'open' || !file || extra.length > 0 || !options.out) throw new CliError(USAGE);
  const sealedPath = resolve(file);
  const fileWords = `The file ${file}`;
  if (!existsSync(sealedPath)) throw new CliError(`${fileWords} does not exist.`);
  const dataDir = resolve(options.data ?? defaultDataDir());
  if (!existsSync(join(dataDir, 'pgdata'))) {
    throw new CliError(
      `There is no workstation data store in ${dataDir}: give the --data folder the export was made in.`,
    );
  }
  const wanted = resolve(options.out);
  const intoFolder = existsSync(wanted) && statSync(wanted).isDirectory();
  if (!intoFolder && !existsSync(dirname(wanted))) {
    throw new CliError(`The folder ${dirname(wanted)} does not exist: nothing was written.`);
  }
  if (!intoFolder && existsSync(wanted)) {
    throw new CliError(`${wanted} exists already: it was not replaced and nothing was written.`);
  }
  const passphrase = await storePassphrase(options['passphrase-stdin'], deps);
  const store = await openCliStore(dataDir, passphrase);
  try {
    const key = exportsKeyOf(store.dataKey);
    // Into a folder: under the plain name the sealed file carries (checked before anything).
    let outPath = wanted;
    if (intoFolder) {
      const sealed = await openSealedFile(sealedPath, key, fileWords).catch(sentence);
      await sealed.close();
      outPath = join(wanted, basename(sealed.name));
    }
    const done = await unsealToFile(sealedPath, key, outPath, fileWords, (plain) =>
      store.recordAuditEvent({
        atMs: Date.now(),
        actor: cliActor(),
        action: 'export-opened',
        subject: plain.name,
        detail: `${sealedPath} opened as ${outPath} (${plain.plainBytes} bytes) by the command line`,
      }),
    ).catch(sentence);
    console.error(`${done.name}: ${done.plainBytes} bytes`);
    console.log(outPath);
    return 0;
  } finally {
    await store.close();
  }
}

/** A sealed file's refusal is the command's sentence (exit 2); anything else goes on. */
function sentence(error: unknown): never {
  if (error instanceof SealedFileError) {
    throw new CliError(`${error.message}${error.kind === 'exists' ? '' : ' Nothing was written.'}`);
  }
  throw error;
}
