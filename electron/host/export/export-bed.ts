// One export of a bed's stored record, as both the CLI and the api make it: in memory for the
// api's short ranges, or into a folder a piece at a time for records of any length.
import { link, mkdir, mkdtemp, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { freeBytes, megabytes } from '../store/disk-space';
import { csvFiles } from './csv';
import { edfFile } from './edf';
import type { ExportFile } from './record';
import {
  fileColumns,
  memoryColumns,
  type ChannelColumns,
  spoolStoredRecord,
  type RecordStore,
  type SpoolOptions,
} from './record-spool';
import {
  DEFAULT_PIECE_SECONDS,
  collectFile,
  type SampleSource,
  type StreamedFile,
} from './sample-source';
import { FileSealer, sealedBytesAtMost, sealedNameOf } from './sealed-file';
import { wfdbFiles } from './wfdb';

export const EXPORT_FORMATS = ['wfdb', 'wfdb212', 'csv', 'edf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The export is impossible as asked (no data, a format that cannot hold the values…). */
export class ExportError extends Error {}

/** The export was stopped on request; nothing was kept. */
export class ExportCancelledError extends ExportError {}

/** The export stopped for want of disk space (the disk filled, or reached the space kept free). */
export class ExportDiskFullError extends ExportError {}

export interface ExportBedQuery {
  bedId: string;
  fromMs: number;
  toMs: number;
  format: ExportFormat;
}

/** Where an export is (0..1 of the whole), and what it is doing. */
export interface ExportProgress {
  stage: 'reading' | 'writing';
  fraction: number;
  /** Bytes of the final files written so far. */
  bytesWritten: number;
}

export interface ExportToFolderOptions {
  /** Stops the export between pieces; it then rejects with ExportCancelledError. */
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  /** Milliseconds of the record read from the store at a time (default 60 s). */
  readWindowMs?: number;
  /** Seconds of signal each file is written in at a time (default 60 s, CSV 10 s). */
  pieceSeconds?: number;
  /** Record name (the files' names begin with it): letters, digits and _ (default: the bed id). */
  name?: string;
  /** Mode of the files made (e.g. 0o600, owner only); default the umask's. */
  fileMode?: number;
  /** false: a file of the same name in the folder is never replaced (the export fails). */
  overwrite?: boolean;
  /**
   * Bytes left free on the folder's disk: the export stops before it would take them (the live
   * recording on the same disk needs them). Default 0: only a full disk stops it.
   */
  keepFreeBytes?: number;
  /**
   * Seals each file as it is written (sealed-file.ts) under this key: `<name>.sealed` on disk,
   * never a plain byte of it. Default: plain files.
   */
  sealKey?: Uint8Array;
}

/**
 * Seconds of signal written at a time: a minute of binary samples is made in a few milliseconds,
 * a minute of CSV text at 500 Hz in tens, so CSV goes in shorter pieces to keep the pauses short.
 */
function pieceSecondsOf(format: ExportFormat): number {
  return format === 'csv' ? 10 : DEFAULT_PIECE_SECONDS;
}

/** Reading the store is most of an export's time; writing the files the rest. */
const READING_SHARE = 0.7;

function recordName(bedId: string): string {
  return bedId.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Each format's own "no data" value fills times without signal. */
function gapValueOf(format: ExportFormat): number {
  return format === 'wfdb212' ? -2048 : -32768;
}

/** The files of one source in `format`; what they had to change goes to `warnings`. */
function formatFiles(
  source: SampleSource,
  format: ExportFormat,
  pieceSeconds: number,
  warnings: string[],
): StreamedFile[] {
  const own: string[] = [];
  try {
    const files =
      format === 'csv'
        ? csvFiles(source, { pieceSeconds })
        : format === 'edf'
          ? [edfFile(source, { pieceSeconds }, own)]
          : wfdbFiles(source, { format: format === 'wfdb212' ? 212 : 16, pieceSeconds }, own);
    return files;
  } catch (error) {
    throw new ExportError(`${source.name}: ${(error as Error).message}`);
  } finally {
    warnings.push(...own.map((warning) => `${source.name}: ${warning}`));
  }
}

/** The export whole in memory: for short ranges (the api's hour). */
export async function exportBed(
  store: RecordStore,
  query: ExportBedQuery,
): Promise<{ files: ExportFile[]; warnings: string[] }> {
  const name = recordName(query.bedId);
  const columns = memoryColumns();
  let sources;
  try {
    sources = await spoolStoredRecord(
      store,
      { ...query, name, gapValue: gapValueOf(query.format) },
      columns,
    );
  } catch (error) {
    throw new ExportError((error as Error).message);
  }
  const warnings: string[] = [];
  const files = sources.flatMap((source) =>
    formatFiles(source, query.format, Infinity, warnings).map(collectFile),
  );
  return { files, warnings };
}

/**
 * Exports into `folder` (created if missing) a piece at a time, in memory bounded by the read
 * window and the piece, whatever the length. Everything is written under temporary names in a
 * hidden folder beside the final files and moved into place only once all is written: an export
 * that fails or is cancelled leaves nothing under the final names. Resolves with the paths.
 */
export async function exportBedToFolder(
  store: RecordStore,
  query: ExportBedQuery,
  folder: string,
  options: ExportToFolderOptions = {},
): Promise<{ paths: string[]; warnings: string[] }> {
  const { signal, onProgress } = options;
  const name = options.name ?? recordName(query.bedId);
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    throw new Error(`export record name "${name}" must be letters, digits and _ only`);
  }
  await mkdir(folder, { recursive: true });
  const staging = await mkdtemp(join(folder, `.${name}.exporting-`));
  const spoolFolder = join(staging, 'columns');
  await mkdir(spoolFolder);
  const room = diskRoom(folder, options.keepFreeBytes ?? 0);
  const columns = roomCheckedColumns(fileColumns(spoolFolder), room);
  const staged: string[] = [];
  let bytesWritten = 0;
  try {
    const spoolOptions: SpoolOptions = {
      ...(signal ? { signal } : {}),
      ...(options.readWindowMs ? { readWindowMs: options.readWindowMs } : {}),
      onProgress: (fraction) =>
        onProgress?.({ stage: 'reading', fraction: READING_SHARE * fraction, bytesWritten }),
    };
    let sources;
    try {
      sources = await spoolStoredRecord(
        store,
        { ...query, name, gapValue: gapValueOf(query.format) },
        columns,
        spoolOptions,
      );
    } catch (error) {
      if (signal?.aborted || isDiskError(error) || error instanceof ExportDiskFullError)
        throw error;
      throw new ExportError((error as Error).message);
    }
    const warnings: string[] = [];
    const files = sources.flatMap((source) =>
      formatFiles(
        source,
        query.format,
        options.pieceSeconds ?? pieceSecondsOf(query.format),
        warnings,
      ),
    );
    const totalPieces = files.reduce((sum, file) => sum + file.pieceCount, 0);
    let piecesDone = 0;
    for (const file of files) {
      checkFileName(file.name);
      const sealer = options.sealKey ? new FileSealer(options.sealKey, file.name) : null;
      const diskName = sealer ? sealedNameOf(file.name) : file.name;
      const path = join(staging, diskName);
      staged.push(diskName);
      const handle = await open(path, 'w', options.fileMode);
      try {
        // The umask may only narrow a mode: set, so the files are what was asked whatever it is.
        if (options.fileMode !== undefined) await handle.chmod(options.fileMode);
        if (sealer) await handle.writeFile(sealer.header());
        for (const piece of file.pieces()) {
          signal?.throwIfAborted();
          const bytes = typeof piece === 'string' ? Buffer.byteLength(piece) : piece.byteLength;
          room.assertRoomFor(sealer ? sealedBytesAtMost(bytes) : bytes);
          if (sealer) {
            for (const chunk of sealer.push(piece)) await handle.writeFile(chunk);
          } else {
            await handle.writeFile(piece);
          }
          bytesWritten += bytes;
          piecesDone++;
          onProgress?.({
            stage: 'writing',
            fraction: READING_SHARE + (1 - READING_SHARE) * (piecesDone / totalPieces),
            bytesWritten,
          });
        }
        if (sealer) await handle.writeFile(sealer.finish());
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    const paths = await moveIntoPlace(staging, folder, staged, options.overwrite ?? true);
    return { paths, warnings };
  } catch (error) {
    if (signal?.aborted) {
      throw new ExportCancelledError(`The export was cancelled; nothing was written to ${folder}.`);
    }
    if (error instanceof ExportDiskFullError) throw error;
    if (isDiskError(error)) {
      const full = error.code === 'ENOSPC' || error.code === 'EDQUOT';
      throw new (full ? ExportDiskFullError : ExportError)(
        `The export stopped: ${diskProblem(error)} in ${folder}. Nothing was kept; ` +
          'free some space or choose another folder, then export again.',
      );
    }
    throw error;
  } finally {
    await columns.close().catch(() => {});
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Moves the staged files into `folder`. Without `overwrite`, each is linked under its final name
 * (which fails, rather than replaces, when the name is taken) and all are taken back if one is.
 */
async function moveIntoPlace(
  staging: string,
  folder: string,
  files: readonly string[],
  overwrite: boolean,
): Promise<string[]> {
  const paths = files.map((file) => join(folder, file));
  if (overwrite) {
    for (const [i, file] of files.entries()) await rename(join(staging, file), paths[i]!);
    return paths;
  }
  const placed: string[] = [];
  for (const [i, file] of files.entries()) {
    try {
      await placeWithoutReplacing(join(staging, file), paths[i]!);
      placed.push(paths[i]!);
    } catch (error) {
      await Promise.all(placed.map((path) => unlink(path).catch(() => {})));
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new ExportError(
        `A file named ${file} is already in ${folder}; it was not replaced and nothing was` +
          ' kept. Export again.',
      );
    }
  }
  return paths;
}

async function placeWithoutReplacing(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    // A file system without hard links: checked, then moved (the folder is this process's own).
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    const taken = await stat(to).then(
      () => true,
      () => false,
    );
    if (taken) throw Object.assign(new Error(`${to} exists`), { code: 'EEXIST' });
    await rename(from, to);
  }
}

/** Free space on the folder's disk, checked before each write against what must stay free. */
function diskRoom(folder: string, keepFreeBytes: number) {
  return {
    assertRoomFor(bytes: number): void {
      if (keepFreeBytes <= 0) return; // a full disk says so itself (ENOSPC)
      const free = freeBytes(folder);
      if (free - bytes >= keepFreeBytes) return;
      throw new ExportDiskFullError(
        `The export stopped: the disk holding ${folder} is nearly full (${megabytes(free)} free;` +
          ` the workstation keeps ${megabytes(keepFreeBytes)} free for its live recording).` +
          ' Nothing was kept; free some space, then export again.',
      );
    },
  };
}

/** Columns whose every append first checks the disk has room for it. */
function roomCheckedColumns(
  columns: ChannelColumns,
  room: ReturnType<typeof diskRoom>,
): ChannelColumns {
  return {
    ...columns,
    append: async (index, values) => {
      room.assertRoomFor(values.byteLength);
      await columns.append(index, values);
    },
  };
}

function checkFileName(name: string): void {
  if (name !== basename(name) || name.startsWith('.') || /[/\\]/.test(name)) {
    throw new Error(`export file name "${name}" must be a plain file name`);
  }
}

function isDiskError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return (
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    code === 'EACCES' ||
    code === 'EROFS' ||
    code === 'EIO'
  );
}

function diskProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EACCES':
      return 'the workstation may not write there';
    case 'EROFS':
      return 'the disk is read-only';
    default:
      return 'the disk could not be written';
  }
}
