// `workstation export` and `workstation import`: a bed's stored record out as WFDB, CSV or EDF+
// (any length, written a piece at a time with a progress bar on a terminal), and a WFDB record in
// as a bed (for review, demos and tests). Both open the workstation's data store directly, so
// they are refused while a workstation runs on the same data directory.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Store } from '../../host/store/client';
import { workstationId } from '../../host/data-dir';
import { bedIdFor } from '../../host/beds';
import { importRecordAsBed } from '../../host/export/store-records';
import { RecordImportError } from '../../host/export/record-import-check';
import { readWfdb } from '../../host/export/wfdb';
import {
  EXPORT_FORMATS,
  exportBedToFolder,
  ExportError,
  type ExportFormat,
} from '../../host/export/export-bed';
import { exportStayAsFhir, FhirExportError } from '../../host/export/fhir-stay';
import { progressBar } from '../progress-bar';
import { CliError, parseOptions } from '../cli-error';
import { cliActor, openCliStore } from '../cli-store';
import { storePassphrase, type SecretInput } from '../secret-reader';
import { defaultDataDir } from './serve';

/** Where a command finds the store: its --data folder, and the passphrase if one was asked for. */
interface StoreOptions {
  data?: string | undefined;
  'passphrase-stdin'?: boolean | undefined;
}

const STORE_OPTIONS = {
  data: { type: 'string' },
  'passphrase-stdin': { type: 'boolean' },
} as const;

async function withStore<T>(
  options: StoreOptions,
  use: (store: Store) => Promise<T>,
  deps: SecretInput = {},
) {
  const dataDir = resolve(options.data ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true });
  const passphrase = await storePassphrase(options['passphrase-stdin'], deps);
  let store: Store;
  try {
    store = await openCliStore(dataDir, passphrase);
  } catch (error) {
    if (error instanceof Error && /passphrase/i.test(error.message))
      throw new CliError(error.message, { cause: error });
    throw error;
  }
  try {
    for (const notice of store.notices) console.error(`Data store: ${notice}`);
    return await use(store);
  } finally {
    await store.close();
  }
}

function time(name: string, raw: string | undefined): number {
  if (!raw) throw new CliError(`--${name} is required (ISO 8601, e.g. 2026-11-21T08:00:00Z).`);
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) throw new CliError(`--${name} is not a time: "${raw}".`);
  return ms;
}

export async function runExport(args: string[], deps: SecretInput = {}): Promise<number> {
  const options = parseOptions(args, {
    ...STORE_OPTIONS,
    bed: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    patient: { type: 'string' },
    at: { type: 'string' },
  });
  if (options.format === 'fhir') return exportFhir(options, deps);
  if (!options.bed || !options.out) {
    throw new CliError(
      'export needs --bed B --from T --to T --format wfdb|wfdb212|csv|edf --out FOLDER.',
    );
  }
  const format = (options.format ?? 'wfdb') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    throw new CliError(
      `--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${options.format}".`,
    );
  }
  const fromMs = time('from', options.from);
  const toMs = time('to', options.to);
  const out = resolve(options.out);
  const bed = options.bed;
  const written = await withStore(
    options,
    async (store) => {
      // A bed is named by its id or its label.
      const bedId = /^bed-/.test(bed) ? bed : bedIdFor(bed);
      const bar = progressBar(process.stderr);
      // Ctrl-C stops the export cleanly: nothing is left under the final names.
      const cancel = new AbortController();
      const onInterrupt = () => cancel.abort();
      process.once('SIGINT', onInterrupt);
      let result;
      try {
        result = await exportBedToFolder(store, { bedId, fromMs, toMs, format }, out, {
          signal: cancel.signal,
          onProgress: ({ stage, fraction }) => bar.update(fraction, stage),
        });
      } catch (error) {
        if (error instanceof ExportError) throw new CliError(error.message);
        throw error;
      } finally {
        bar.done();
        process.off('SIGINT', onInterrupt);
      }
      for (const warning of result.warnings) console.error(warning);
      return result.paths;
    },
    deps,
  );
  for (const file of written) console.log(file);
  return 0;
}

/** `export --format fhir`: a patient's stay as one FHIR Bundle (collection) in a JSON file. */
async function exportFhir(
  options: StoreOptions & {
    patient?: string;
    at?: string;
    out?: string;
  },
  deps: SecretInput,
): Promise<number> {
  if (!options.patient || !options.out) {
    throw new CliError('export --format fhir needs --patient MRN --out FILE.json [--at T].');
  }
  const atMs = options.at === undefined ? undefined : time('at', options.at);
  const out = resolve(options.out);
  if (existsSync(out)) throw new CliError(`${out} exists already; nothing is overwritten.`);
  if (!existsSync(dirname(out))) throw new CliError(`The folder ${dirname(out)} does not exist.`);
  const dataDir = resolve(options.data ?? defaultDataDir());
  const result = await withStore(
    options,
    async (store) => {
      try {
        return await exportStayAsFhir(store, {
          patient: options.patient!,
          ...(atMs === undefined ? {} : { atMs }),
          actor: cliActor(),
          workstationId: workstationId(dataDir),
          nowMs: Date.now(),
        });
      } catch (error) {
        if (error instanceof FhirExportError) throw new CliError(error.message);
        throw error;
      }
    },
    deps,
  );
  // Patient data: readable by its owner only, and never over another file.
  writeFileSync(out, `${JSON.stringify(result.bundle, null, 1)}\n`, { mode: 0o600, flag: 'wx' });
  console.error(
    `The stay from ${new Date(result.fromMs).toISOString()} to ` +
      `${result.toMs === null ? 'now' : new Date(result.toMs).toISOString()}: ` +
      Object.entries(result.counts)
        .map(([type, n]) => `${n} ${type}`)
        .join(', '),
  );
  console.log(out);
  return 0;
}

export async function runImport(args: string[], deps: SecretInput = {}): Promise<number> {
  const options = parseOptions(args, {
    ...STORE_OPTIONS,
    wfdb: { type: 'string' },
    bed: { type: 'string' },
    start: { type: 'string' },
    annotator: { type: 'string' },
  });
  if (!options.wfdb) throw new CliError('import needs --wfdb RECORD (the path without .hea).');
  const recordPath = resolve(options.wfdb.replace(/\.hea$/, ''));
  const header = `${recordPath}.hea`;
  if (!existsSync(header)) throw new CliError(`No WFDB header at ${header}.`);
  const headerText = readFileSync(header, 'utf8');
  const datName = /^\s*(\S+)\s+(?:16|212)/m.exec(headerText.split('\n').slice(1).join('\n'))?.[1];
  const dat = join(dirname(recordPath), datName ?? `${basename(recordPath)}.dat`);
  if (!existsSync(dat)) throw new CliError(`No signal file at ${dat}.`);
  const annotationFile = `${recordPath}.${options.annotator ?? 'atr'}`;
  let record;
  try {
    record = readWfdb(
      headerText,
      readFileSync(dat),
      existsSync(annotationFile) ? readFileSync(annotationFile) : undefined,
    );
  } catch (error) {
    throw new CliError(`${recordPath}: ${(error as Error).message}`);
  }
  const bedLabel = options.bed ?? `Review ${record.name}`;
  const startMs = options.start ? time('start', options.start) : undefined;
  const imported = await withStore(
    options,
    (store) =>
      importRecordAsBed(store, record, {
        bedLabel,
        ...(startMs === undefined ? {} : { startMs }),
        actor: 'import',
      }).catch((error: unknown) => {
        if (error instanceof RecordImportError)
          throw new CliError(`${recordPath}: ${error.message}`);
        throw error;
      }),
    deps,
  );
  console.log(
    JSON.stringify({
      bedId: imported.bedId,
      bedLabel,
      deviceId: imported.deviceId,
      from: new Date(imported.fromMs).toISOString(),
      to: new Date(imported.toMs).toISOString(),
      channels: record.channels.map((c) => c.label),
      samples: imported.samples,
      annotations: imported.annotations,
    }),
  );
  return 0;
}
