// The exports asked for from the screen: each a bed's stored record written in the background,
// a piece at a time (export-bed.ts), sealed (sealed-file.ts) into the workstation's exports
// folder, owner-only, never replacing a file; given back plainly only to a screen allowed to
// export, audited. Each has an id under which its progress is followed, by any number of
// screens and again after a reconnect; it is audited when it starts and when it ends.
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ExportFormat, ExportStatus } from '../../../shared/api/contract-exports';
import { uuidv7 } from '../../../shared/ids';
import type { Store } from '../store/client';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../store/private-files';
import {
  ExportCancelledError,
  ExportError,
  exportBedToFolder,
  type ExportProgress,
  type ExportToFolderOptions,
} from './export-bed';
import { exportRecordName, freeRecordName, utcWords } from './export-names';
import type { RecordStore } from './record-spool';
import { SealedFileError } from './sealed-file';
import { openSealedFile, type SealedFile } from './sealed-file-reader';

/** Where the browser shell serves an export's file to the screen that asked (with a ticket). */
export const EXPORT_DOWNLOAD_PATH = '/exports/download/';

/** A request the exports refuse: `kind` says how (the api's error code follows from it). */
export class ExportRefusal extends Error {
  constructor(
    readonly kind: 'refused' | 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'ExportRefusal';
  }
}

/** What an export needs to know of a bed; null when the workstation has no such bed. */
export interface ExportBed {
  label: string;
  /** "Demo, Ada (MRN DEMO-0001)", for the audit trail only; null for an empty bed. */
  patient: string | null;
  /** When the patient's stay in this bed began (UTC ms); null for an empty bed. */
  stayFromMs: number | null;
}

export interface BedExportsOptions {
  store: RecordStore & Pick<Store, 'readWaveformExtent' | 'recordAuditEvent' | 'flush'>;
  /** The workstation's exports folder (made, private, at the first export). */
  folder: string;
  /** The key every file is sealed under (sealed-file.ts: exportsKeyOf the data key). */
  sealKey: Uint8Array;
  bedOf(bedId: string): Promise<ExportBed | null>;
  /** How long waveforms are kept: a range must lie within it. */
  keptMs: number;
  /** Bytes an export leaves free on its disk, for the live recording (default 256 MiB). */
  keepFreeBytes?: number;
  /** Most exports running at once (default 4): each reads the store the live bed writes to. */
  maxRunning?: number;
  log(message: string): void;
  now?: () => number;
  /** Tests: the read window and piece size of the writing. */
  writing?: Pick<ExportToFolderOptions, 'readWindowMs' | 'pieceSeconds'>;
}

export const DEFAULT_KEEP_FREE_BYTES = 256 * 1024 * 1024;
/** Finished exports listed, newest kept; older ones are forgotten (their files stay). */
const MAX_LISTED = 100;
/** How often a running export's progress is told to those following it. */
const PROGRESS_EVERY_MS = 250;
/** A range may begin this much before the kept time: the clocks of screen and host differ. */
const KEPT_SLACK_MS = 10 * 60_000;
/** How long a download's ticket may wait for its GET, once. */
const DOWNLOAD_TICKET_MS = 60_000;
/** Tickets held at most (each a minute): a screen cannot grow the map without limit. */
const MAX_TICKETS = 256;
/** A range may end this far ahead of the host's clock, no further. */
const AHEAD_SLACK_MS = 60_000;

const FORMAT_WORDS: Record<ExportFormat, string> = {
  wfdb: 'WFDB (format 16)',
  wfdb212: 'WFDB (format 212)',
  edf: 'EDF+',
  csv: 'CSV',
};

/** An export's file, opened plainly for the screen that asked (after its audit entry). */
export interface ExportDownload {
  /** The plain file's name. */
  name: string;
  plainBytes: number;
  chunks(): AsyncGenerator<Buffer>;
  close(): Promise<void>;
}

interface DownloadTicket {
  exportId: string;
  file: string;
  actor: string;
  expiresAtMs: number;
}

interface ExportJob {
  status: ExportStatus;
  recordName: string;
  patient: string | null;
  cancel: AbortController;
  cancelRequested: boolean;
  finished: Promise<void>;
  listeners: Set<(status: ExportStatus) => void>;
  toldAtMs: number;
}

export class BedExports {
  readonly #jobs = new Map<string, ExportJob>();
  readonly #tickets = new Map<string, DownloadTicket>();
  readonly #options: BedExportsOptions;
  readonly #now: () => number;
  #stopping = false;

  constructor(options: BedExportsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get folder(): string {
    return this.#options.folder;
  }

  /**
   * Starts an export of the bed over [fromMs, toMs), or over the patient's stay (or all the
   * bed's signal) within what is kept; resolves with its first status once it is audited.
   */
  async start(
    query: { bedId: string; format: ExportFormat; fromMs?: number; toMs?: number },
    actor: string,
  ): Promise<ExportStatus> {
    if (this.#stopping) throw new ExportRefusal('conflict', 'The workstation is shutting down.');
    const { bedId, format } = query;
    const bed = await this.#options.bedOf(bedId);
    if (!bed)
      throw new ExportRefusal('not_found', `There is no bed "${bedId}" on this workstation.`);
    const maxRunning = this.#options.maxRunning ?? 4;
    if (this.#running().length >= maxRunning) {
      throw new ExportRefusal(
        'conflict',
        `${maxRunning} exports are running already; wait for one to finish, or cancel one, then start this one.`,
      );
    }
    const { fromMs, toMs } = await this.#range(bed, query);
    const folder = this.#options.folder;
    const names = await this.#prepareFolder();
    const reserved = new Set([...this.#jobs.values()].map((job) => job.recordName));
    const recordName = freeRecordName(
      exportRecordName(bed.label, format, fromMs, toMs),
      names,
      reserved,
    );
    const startedAtMs = this.#now();
    const status: ExportStatus = {
      id: uuidv7(startedAtMs),
      bedId,
      bedLabel: bed.label,
      format,
      fromMs,
      toMs,
      actor,
      state: 'running',
      stage: 'reading',
      fraction: 0,
      bytesWritten: 0,
      recordMsPerS: null,
      remainingS: null,
      startedAtMs,
      endedAtMs: null,
      folder,
      files: [],
      warnings: [],
      error: null,
    };
    // What leaves the workstation is in the audit trail first: an export it cannot record is not made.
    try {
      await this.#audit(status, bed.patient, 'export-started', `${recordName}.* in ${folder}`);
    } catch (error) {
      throw new ExportRefusal(
        'refused',
        `The export was not started: the workstation could not record it in its audit trail (${(error as Error).message}).`,
      );
    }
    const job: ExportJob = {
      status,
      recordName,
      patient: bed.patient,
      cancel: new AbortController(),
      cancelRequested: false,
      finished: Promise.resolve(),
      listeners: new Set(),
      toldAtMs: 0,
    };
    this.#jobs.set(status.id, job);
    this.#forgetOldest();
    job.finished = this.#run(job);
    this.#options.log(
      `export ${status.id}: ${bed.label} (${bedId}), ${FORMAT_WORDS[format]}, ` +
        `${utcWords(fromMs)} to ${utcWords(toMs)}, started by ${actor}`,
    );
    return { ...status };
  }

  /** Stops a running export (nothing of it is kept) and resolves with its status once stopped. */
  async cancel(exportId: string, actor: string): Promise<ExportStatus> {
    const job = this.#job(exportId);
    const { state } = job.status;
    if (state === 'cancelled') {
      throw new ExportRefusal(
        'conflict',
        'This export was cancelled already; nothing of it was kept.',
      );
    }
    if (state !== 'running') {
      throw new ExportRefusal(
        'conflict',
        state === 'done'
          ? `This export has finished already: its files are in ${job.status.folder}.`
          : 'This export has stopped already (it failed); nothing of it was kept.',
      );
    }
    if (job.cancelRequested) {
      throw new ExportRefusal('conflict', 'This export is being cancelled already.');
    }
    job.cancelRequested = true;
    this.#options.log(`export ${exportId}: cancelled by ${actor}`);
    job.cancel.abort();
    await job.finished;
    return { ...job.status };
  }

  /** Exports since start (of one bed, or all), newest first. */
  list(bedId?: string): ExportStatus[] {
    return [...this.#jobs.values()]
      .filter((job) => bedId === undefined || job.status.bedId === bedId)
      .map((job) => ({ ...job.status }))
      .reverse();
  }

  /**
   * A one-time address (a minute) at which the screen that asked gets the export's file `file`
   * plainly: the browser shell's GET redeems it (openDownload). Asked through the contract, so
   * only a screen allowed to export gets one.
   */
  async downloadTicket(exportId: string, file: string, actor: string): Promise<{ url: string }> {
    const job = this.#job(exportId);
    if (job.status.state !== 'done') {
      throw new ExportRefusal(
        'conflict',
        job.status.state === 'running'
          ? 'This export is still being written: download it once it is done.'
          : 'This export did not finish; nothing of it was kept.',
      );
    }
    if (!job.status.files.includes(file)) {
      throw new ExportRefusal('not_found', `This export has no file named ${file}.`);
    }
    // Said on the screen now, rather than as a failed download: a file that will not open.
    await (await this.#openFile(exportId, file)).close();
    const now = this.#now();
    for (const [key, held] of this.#tickets) if (now >= held.expiresAtMs) this.#tickets.delete(key);
    while (this.#tickets.size >= MAX_TICKETS) {
      this.#tickets.delete(this.#tickets.keys().next().value as string);
    }
    const ticket = randomBytes(24).toString('base64url');
    this.#tickets.set(ticket, { exportId, file, actor, expiresAtMs: now + DOWNLOAD_TICKET_MS });
    return { url: `${EXPORT_DOWNLOAD_PATH}${ticket}` };
  }

  /**
   * The file a ticket names, opened plainly once its download is audited (`export-downloaded`,
   * with who and the patient); the ticket is used up. Refused with a sentence when the ticket is
   * unknown or old, the file gone, or it does not open (wrong key, damaged, cut short).
   */
  async openDownload(ticket: string): Promise<ExportDownload> {
    const held = this.#tickets.get(ticket);
    this.#tickets.delete(ticket);
    if (!held || this.#now() >= held.expiresAtMs) {
      throw new ExportRefusal(
        'not_found',
        'This download address is used up or too old: press Download again.',
      );
    }
    const job = this.#job(held.exportId);
    const file = await this.#openFile(held.exportId, held.file);
    try {
      await this.#audit(
        { ...job.status, actor: held.actor },
        job.patient,
        'export-downloaded',
        `${file.name} (${file.plainBytes} bytes) downloaded to the screen`,
      );
    } catch (error) {
      await file.close().catch(() => {});
      throw new ExportRefusal(
        'refused',
        `The file was not given: the workstation could not record it in its audit trail (${(error as Error).message}).`,
      );
    }
    return file;
  }

  async #openFile(exportId: string, name: string): Promise<SealedFile> {
    try {
      return await openSealedFile(
        join(this.#options.folder, name),
        this.#options.sealKey,
        `The exported file ${name}`,
      );
    } catch (error) {
      if (!(error instanceof SealedFileError)) throw error;
      this.#options.log(`export ${exportId}: ${name} not given to the screen: ${error.message}`);
      throw new ExportRefusal(error.kind === 'not-sealed' ? 'not_found' : 'refused', error.message);
    }
  }

  /** Tells `listener` the export's status now, then as it changes; returns the unsubscribe. */
  follow(exportId: string, listener: (status: ExportStatus) => void): () => void {
    const job = this.#job(exportId);
    job.listeners.add(listener);
    listener({ ...job.status });
    return () => job.listeners.delete(listener);
  }

  /** Cancels every running export and waits until each has cleaned up. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const running = this.#running();
    for (const job of running) job.cancel.abort();
    await Promise.all(running.map((job) => job.finished));
  }

  #running(): ExportJob[] {
    return [...this.#jobs.values()].filter((job) => job.status.state === 'running');
  }

  #job(exportId: string): ExportJob {
    const job = this.#jobs.get(exportId);
    if (!job) {
      throw new ExportRefusal(
        'not_found',
        'There is no such export on this workstation (exports are listed until it restarts; files it finished are in its exports folder).',
      );
    }
    return job;
  }

  /** The range asked for, checked against what is kept and stored; or the stay, or all stored. */
  async #range(
    bed: ExportBed,
    query: { bedId: string; fromMs?: number; toMs?: number },
  ): Promise<{ fromMs: number; toMs: number }> {
    const { store, keptMs } = this.#options;
    const now = this.#now();
    const keptFromMs = now - keptMs;
    const keptWords = `${Math.round(keptMs / 3_600_000)} hours`;
    // Rows still on their way to the store go first: "up to now" includes the last seconds.
    await store.flush().catch(() => {});
    const extent = await store.readWaveformExtent(query.bedId);
    const holds = extent
      ? `; it holds signal from ${utcWords(extent.oldestMs)} to ${utcWords(extent.newestMs)}`
      : '';
    if (query.fromMs === undefined || query.toMs === undefined) {
      const fromMs = Math.floor(Math.max(extent?.oldestMs ?? now, keptFromMs, bed.stayFromMs ?? 0));
      const toMs = Math.ceil(extent?.newestMs ?? 0);
      if (!extent || toMs <= fromMs) {
        throw new ExportRefusal(
          'refused',
          bed.stayFromMs !== null && extent
            ? `No signal of ${bed.label} is stored since its patient's stay began (${utcWords(bed.stayFromMs)})${holds}: choose a time range.`
            : `No signal of ${bed.label} is stored in the last ${keptWords}: there is nothing to export.`,
        );
      }
      return { fromMs, toMs };
    }
    const { fromMs, toMs } = query;
    if (fromMs < keptFromMs - KEPT_SLACK_MS) {
      throw new ExportRefusal(
        'refused',
        `The range begins before what the workstation keeps (the last ${keptWords}): choose a start after ${utcWords(keptFromMs)}.`,
      );
    }
    if (toMs > now + AHEAD_SLACK_MS) {
      throw new ExportRefusal(
        'refused',
        `The range ends in the future (${utcWords(toMs)}): choose an end up to now.`,
      );
    }
    if (!extent || extent.newestMs <= fromMs || extent.oldestMs >= toMs) {
      throw new ExportRefusal(
        'refused',
        `No signal of ${bed.label} is stored between ${utcWords(fromMs)} and ${utcWords(toMs)}${holds}.`,
      );
    }
    return { fromMs, toMs };
  }

  /** The folder made (private), what a crashed export left behind removed; the names in it. */
  async #prepareFolder(): Promise<string[]> {
    const folder = this.#options.folder;
    makePrivateDir(folder);
    const names = await readdir(folder);
    const busy = new Set([...this.#running()].map((job) => job.recordName));
    for (const name of names) {
      const staging = /^\.(\w+)\.exporting-/.exec(name);
      if (staging && !busy.has(staging[1]!)) {
        await rm(join(folder, name), { recursive: true, force: true }).catch(() => {});
      }
    }
    return names.filter((name) => !name.startsWith('.'));
  }

  async #run(job: ExportJob): Promise<void> {
    const { status } = job;
    const { store, folder } = this.#options;
    try {
      const { paths, warnings } = await exportBedToFolder(
        store,
        { bedId: status.bedId, fromMs: status.fromMs, toMs: status.toMs, format: status.format },
        folder,
        {
          ...this.#options.writing,
          signal: job.cancel.signal,
          name: job.recordName,
          fileMode: PRIVATE_FILE_MODE,
          sealKey: this.#options.sealKey,
          overwrite: false,
          keepFreeBytes: this.#options.keepFreeBytes ?? DEFAULT_KEEP_FREE_BYTES,
          onProgress: (progress) => this.#progress(job, progress),
        },
      );
      Object.assign(status, {
        state: 'done',
        stage: 'writing',
        fraction: 1,
        remainingS: 0,
        files: paths.map((path) => basename(path)),
        warnings,
      } satisfies Partial<ExportStatus>);
    } catch (error) {
      if (error instanceof ExportCancelledError) {
        status.state = 'cancelled';
      } else {
        status.state = 'failed';
        status.error =
          error instanceof ExportError
            ? withoutRecordName(error.message, job.recordName, status.format)
            : `The export failed: ${(error as Error).message}. Nothing was kept; details are in the workstation's log.`;
        if (!(error instanceof ExportError)) {
          this.#options.log(`export ${status.id} failed: ${(error as Error).stack ?? error}`);
        }
      }
    }
    status.endedAtMs = this.#now();
    status.remainingS = status.state === 'done' ? 0 : null;
    const detail =
      status.state === 'done'
        ? `${status.files.join(', ')} (${status.bytesWritten} bytes) in ${folder}`
        : status.state === 'failed'
          ? (status.error ?? '')
          : 'nothing kept';
    this.#options.log(
      `export ${status.id}: ${status.state}${status.error ? `: ${status.error}` : ''}`,
    );
    await this.#audit(status, job.patient, `export-${status.state}`, detail).catch((error) =>
      this.#options.log(
        `export ${status.id}: its end was not audited: ${(error as Error).message}`,
      ),
    );
    this.#tell(job);
  }

  #progress(job: ExportJob, { stage, fraction, bytesWritten }: ExportProgress): void {
    const { status } = job;
    const elapsedS = (this.#now() - status.startedAtMs) / 1000;
    status.stage = stage;
    status.fraction = Math.min(1, Math.max(status.fraction, fraction));
    status.bytesWritten = bytesWritten;
    if (elapsedS >= 0.5) {
      status.recordMsPerS = ((status.toMs - status.fromMs) * status.fraction) / elapsedS;
    }
    if (elapsedS >= 1 && status.fraction >= 0.01) {
      status.remainingS = (elapsedS * (1 - status.fraction)) / status.fraction;
    }
    if (this.#now() - job.toldAtMs >= PROGRESS_EVERY_MS) this.#tell(job);
  }

  #tell(job: ExportJob): void {
    job.toldAtMs = this.#now();
    for (const listener of job.listeners) {
      try {
        listener({ ...job.status });
      } catch (error) {
        this.#options.log(
          `export ${job.status.id}: a follower failed: ${(error as Error).message}`,
        );
      }
    }
  }

  #audit(status: ExportStatus, patient: string | null, action: string, what: string) {
    return this.#options.store.recordAuditEvent({
      atMs: this.#now(),
      actor: status.actor,
      action,
      subject: `${status.bedLabel} (${status.bedId})`,
      detail:
        `export ${status.id}: ${FORMAT_WORDS[status.format]} of ${utcWords(status.fromMs)} to ` +
        `${utcWords(status.toMs)}, ${patient ? `patient ${patient}` : 'no patient in the bed'}; ${what}`,
    });
  }

  /** Finished exports beyond the newest MAX_LISTED are forgotten (their files stay). */
  #forgetOldest(): void {
    const finished = [...this.#jobs.values()].filter((job) => job.status.state !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - MAX_LISTED))) {
      this.#jobs.delete(job.status.id);
    }
  }
}

/**
 * A format's refusal names the record it was writing ("Bed_3_wfdb_…: channel …"), which means
 * nothing to the person who asked: said instead as what stopped, and that nothing was kept.
 */
function withoutRecordName(message: string, recordName: string, format: ExportFormat): string {
  const named = new RegExp(`^${recordName}(_\\d+)?: `).exec(message);
  if (!named) return message;
  const reason = message.slice(named[0].length).replace(/\.?$/, '.');
  return `The ${FORMAT_WORDS[format]} export stopped: ${reason} Nothing was kept.`;
}
