// The store as the rest of the host sees it. Appends are queued on the main thread, merged into
// chunks and sent to the worker in batches; reads and flushes are promises answered by the worker.
// Until flushed, at most maxChunkMs + batchIntervalMs of samples (2.25 s by default) and
// batchIntervalMs of other rows live only in this process's memory.
import type { DeviceSessionToStore } from './device-sessions';
import { clearInterval, setInterval } from 'node:timers';
import type { SampleBlock } from '../../../shared/model/schemas';
import { migrations } from './migrations/index';
import { describeBatch, PendingWrites } from './pending-writes';
import type {
  ImportedNumericToStore,
  SampleQuery,
  StoreOperation,
  StoreOperations,
  SoundRecordingToStore,
  StoreCounts,
  StoredSoundRecording,
  StoredSoundRecordingWithWav,
  StoredStrip,
  StoredStripWithPdf,
  StripToStore,
} from './protocol';
import {
  AlarmEventToStore,
  NumericToStore,
  rowProblem,
  sampleBlockProblem,
  waveformRunProblem,
  type WaveformRun,
} from './store-input';
import { StoreStartError, StoreWorkerConnection } from './worker-connection';
import type { StoreWorkerData } from './protocol';
import { acquireDataLock, type DataLock } from './data-lock';
import { DEFAULT_RETENTION, type RetentionPolicy } from './retention';
import type { AlarmLogRecord, AnnotationRecord, ChannelRecord } from './records';
import type {
  AdmissionEventToStore,
  AdmissionToStore,
  FoundPatient,
  PatientPlace,
  PatientRecord,
  StoredPatient,
  StoredPatientHistory,
} from './patients';
import type { ImportAuditEvent, StoredReading } from './imports';
import type {
  Trend,
  TrendQuery,
  WaveformExtent,
  WaveformSegment,
  WaveformWindowQuery,
} from './queries';
import { existsSync, renameSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { locateStoreWorker, type StoreWorkerScript } from './worker-script';
import { DEFAULT_DISK_RESERVE_BYTES, megabytes } from './disk-space';
import { HeldWrites } from './held-writes';
import { makeTreePrivate } from './private-files';
import {
  damagedCondition,
  diskFullCondition,
  healthOf,
  type StoreCondition,
  type StoreHealth,
} from './store-health';
import { newPhaseGate, type CheckpointPhase } from './checkpoint-phases';
import type { AppendResult, WriteBatch } from './protocol';
import { prepareRows, serializeBatch } from './prepared-batch';
import type { AlarmSettingsToStore, StoredAlarmSettings } from './alarm-settings';
import type { News2ObservationToStore } from './news2-observations';
import type { MarkedBeatClass, StoredBeatMark } from './beat-marks';
import type { News2Recorded } from '../../../shared/model/news2';
import type { AuditEventToStore } from './audit';
import type { AuditChainReport } from './audit-chain-check';
import type { OutboxBacklog, OutboxBatch, OutboxFrame, SyncLane } from './sync-outbox';
import type { PulledResult, PulledRow } from './sync-pulled';
import type { CensusListState, CensusPageToKeep, KeptOurs, KeptOursToStore } from './census';
import type { CensusEntry } from '../../../shared/sync/census';
import type { PatientVersionToStore } from './patient-versions';
import type { AccountChange, AddAccountResult, StoredAccount } from './accounts';
import type { StoredSignInTries } from './sign-in-tries';
import {
  StoreKeyError,
  unlockDataKey,
  type StoreKeySource,
  type UnlockedKey,
} from './encryption/data-key';
import type {
  ServerAccountChange,
  ServerAccountsPageToKeep,
  StoredServerAccount,
} from './server-accounts';

export type { AlarmEventToStore, NumericToStore, WaveformRun } from './store-input';
export type {
  ImportedNumericToStore,
  SampleQuery,
  SoundRecordingToStore,
  StoreCounts,
  StoredSoundRecording,
  StoredSoundRecordingWithWav,
  StoredStrip,
  StoredStripWithPdf,
  StripToStore,
} from './protocol';
export type { StoreWorkerScript } from './worker-script';
export type { StoreHealth, StoreCondition } from './store-health';
export { storeAlarmConditions } from './store-health';
export type { CheckpointPhase } from './checkpoint-phases';
export type { Trend, TrendQuery, WaveformSegment, WaveformWindowQuery } from './queries';
export type { RetentionPolicy } from './retention';
export type { AlarmLogRecord, AnnotationRecord, ChannelRecord } from './records';
import type { StoredTelehealthConsult, TelehealthConsultChange } from './telehealth-consults';
export type { StoredTelehealthConsult, TelehealthConsultChange } from './telehealth-consults';
export type {
  AdmissionEventToStore,
  AdmissionToStore,
  FoundPatient,
  PatientPlace,
  PatientRecord,
  StoredPatient,
  StoredPatientHistory,
} from './patients';
export type { ImportAuditEvent, StoredReading } from './imports';
export type { AuditEventToStore } from './audit';
export type { AuditChainReport } from './audit-chain-check';
export type { DeviceSessionToStore } from './device-sessions';
export type { OutboxBacklog, OutboxBatch, OutboxFrame, OutboxRow, SyncLane } from './sync-outbox';
export type { PulledResult, PulledRow } from './sync-pulled';
export type { CensusListState, CensusPageToKeep, KeptOurs, KeptOursToStore } from './census';
export type { PatientVersionToStore } from './patient-versions';
export type { AccountChange, AddAccountResult, StoredAccount } from './accounts';
export type { StoredSignInTries } from './sign-in-tries';
export type {
  ServerAccountChange,
  ServerAccountsPageToKeep,
  StoredServerAccount,
} from './server-accounts';
export type StoredSampleBlock = SampleBlock;
export { StoreKeyError, type StoreKeySource } from './encryption/data-key';

/** The sync outbox and the sync client's state, as the uploader and puller use them (sync/). */
export interface StoreOutbox {
  /** The lane's newest queued rows, bounded in bytes and rows (sync-outbox.ts). */
  readBatch(lane: SyncLane, maxBytes: number, maxRows: number): Promise<OutboxBatch>;
  /** The same, encoded as a push frame on the store's thread (what the uploader sends). */
  readFrame(
    lane: SyncLane,
    maxBytes: number,
    maxRows: number,
    meta: { protocol: number; workstationId: string; batchId: string },
    /** Only rows queued before this one: the batch after one still in flight. */
    beforeSeq?: number,
  ): Promise<OutboxFrame>;
  /** Rows the server committed leave the outbox; how many went. */
  acknowledge(seqs: number[]): Promise<number>;
  /** Rows the server refused are set aside with its reason; how many. */
  setAside(refused: { seq: number; reason: string }[]): Promise<number>;
  /** Puts every row set aside back in the outbox, in its place; how many. */
  requeueSetAside(): Promise<number>;
  /** What waits, per lane; cheap (totals kept by triggers). */
  backlog(): Promise<OutboxBacklog>;
  readState(key: string): Promise<unknown>;
  writeState(key: string, value: unknown): Promise<void>;
  /** Versions pulled from the server, kept when absent; never queued to be sent back. */
  applyPulled(rows: PulledRow[]): Promise<PulledResult>;
  /** While enrolled, waveforms and numerics are kept until sent (retention.ts). */
  setSignalsWaitForSync(wait: boolean): Promise<void>;
  /** A page of the hospital's patient list and its cursor, kept together; MRN keys changed. */
  keepCensusPage(page: CensusPageToKeep): Promise<string[]>;
  /**
   * A page of the hospital's accounts and its cursor, kept together (server-accounts.ts); the ids
   * changed. Resolves once every accounts.onServerChanged listener has taken the change.
   */
  keepServerAccountsPage(page: ServerAccountsPageToKeep): Promise<string[]>;
}

/** The hospital's patient list as kept here (census.ts), and what people decided about it. */
export interface StoreCensus {
  state(): Promise<CensusListState>;
  search(text: string, limit: number): Promise<CensusEntry[]>;
  byMrn(mrns: string[]): Promise<CensusEntry[]>;
  /** A person kept our details against the hospital's; audited; on disk once resolved. */
  recordKeptOurs(kept: KeptOursToStore): Promise<void>;
  readKeptOurs(patientIds: string[]): Promise<KeptOurs[]>;
}

/** The workstation's own accounts (accounts.ts): hashes only; writes on disk once resolved. */
export interface StoreAccounts {
  list(): Promise<StoredAccount[]>;
  /** firstOnly: added only when no account exists yet (the first administrator). */
  add(account: StoredAccount, firstOnly: boolean): Promise<AddAccountResult>;
  /** False when there is no such account. */
  update(change: AccountChange): Promise<boolean>;
  /** Wrong passwords per name key still after `sinceMs` (older ones are forgotten now). */
  readSignInTries(sinceMs: number): Promise<StoredSignInTries[]>;
  /** A name's wrong passwords are now these (none: forgotten); on disk once resolved. */
  keepSignInTries(tries: StoredSignInTries): Promise<void>;
  /** The hospital's accounts pulled from the central server (server-accounts.ts). */
  listServer(): Promise<StoredServerAccount[]>;
  /** This workstation's PIN of a server account; false when there is no such account. */
  updateServer(change: ServerAccountChange): Promise<boolean>;
  /** Told (and waited for) after each page of server accounts kept: the ids changed. */
  onServerChanged(listener: (changedIds: string[]) => Promise<void> | void): () => void;
}

export interface StoredSamples {
  /** Time of the first sample, UTC ms. */
  t0: number;
  rateHz: number;
  values: number[];
}

export interface Store {
  /**
   * What a person must know about the store's state since it opened: data recovered from the
   * journal, a damaged store kept aside, a store that was missing. Empty when all is well.
   */
  readonly notices: readonly string[];
  /** Whether everything given is being kept: a full disk, data damaged at start (store-health). */
  readonly health: StoreHealth;
  /** Told of every change of health (not at once: read `health` for the present one). */
  onHealth(listener: (health: StoreHealth) => void): void;
  /** Queued, never blocks. A block that cannot be stored is reported to onError, not thrown. */
  appendSamples(block: StoredSampleBlock): void;
  appendNumeric(row: NumericToStore): void;
  appendAlarmEvent(row: AlarmEventToStore): void;
  /** Resolves when everything queued so far is committed; rejects if any of it failed. */
  flush(): Promise<void>;
  /** Whole chunks overlapping [fromMs, toMs], ordered by t0. */
  readSamples(query: SampleQuery): Promise<StoredSamples[]>;
  counts(): Promise<StoreCounts>;
  /** Per-minute trends of the bed's numerics (at most maxPoints per code). */
  readTrend(query: TrendQuery): Promise<Trend[]>;
  /** The bed's waveforms cut exactly to [fromMs, toMs), one segment per unbroken run. */
  readWaveformWindow(query: WaveformWindowQuery): Promise<WaveformSegment[]>;
  /** Where the bed's stored signal begins and ends; null when nothing is stored. */
  readWaveformExtent(bedId: string): Promise<WaveformExtent | null>;
  /** Records the channels a device produces on a bed (once each), with their scale. */
  recordChannels(channels: ChannelRecord[]): Promise<void>;
  readChannels(bedId: string): Promise<ChannelRecord[]>;
  /** Stored (synced to the journal) once resolved. */
  appendAnnotations(annotations: AnnotationRecord[]): Promise<void>;
  /** The bed's annotations over the window, oldest first; of one kind only when `kind` is given. */
  readAnnotations(
    bedId: string,
    fromMs: number,
    toMs: number,
    kind?: string,
  ): Promise<AnnotationRecord[]>;
  readAlarmLog(bedId: string, fromMs: number, toMs: number): Promise<AlarmLogRecord[]>;
  /** Prunes everything expired at nowMs now (the store also does it by itself, every minute). */
  prune(nowMs?: number): Promise<Record<string, number>>;
  /**
   * Packs the live chunks of every channel-minute complete at nowMs into one row each now (the
   * store also does it by itself, before every checkpoint); how many rows were made and replaced.
   */
  pack(nowMs?: number): Promise<{ packedRows: number; stagedRows: number }>;
  /**
   * A whole recorded signal (an import) written straight as packed rows, not through the
   * journal; on disk once resolved unless `durable` is false (the last of several makes all
   * durable). Throws, naming the signal, if it cannot be stored.
   */
  storeWaveform(run: WaveformRun, options?: { durable?: boolean }): Promise<void>;
  /** Resolves once the recording is on disk. Its wav buffer is handed to the worker (detached). */
  saveSoundRecording(recording: SoundRecordingToStore): Promise<StoredSoundRecording>;
  /**
   * Numerics read from a device's memory: stores those not stored before (same code and source
   * key, in any bed) with the audit events of who decided, and resolves once they are on disk,
   * one boolean per row: stored now.
   */
  importNumerics(rows: ImportedNumericToStore[], audit?: ImportAuditEvent[]): Promise<boolean[]>;
  /** Which downloaded readings (by source key) are stored already, and for whom. */
  readStoredReadings(sourceKeys: string[]): Promise<StoredReading[]>;
  /** The bed's recordings, newest first, without their sound. */
  listSoundRecordings(bedId: string): Promise<StoredSoundRecording[]>;
  /** One recording with its WAV, or null when there is none with that id. */
  readSoundRecording(id: string): Promise<StoredSoundRecordingWithWav | null>;
  /** Resolves once the strip is on disk; null when that alarm has its strip already. */
  saveStrip(strip: StripToStore): Promise<StoredStrip | null>;
  /** The bed's ECG strips, newest first, without their PDF. */
  listStrips(bedId: string): Promise<StoredStrip[]>;
  /** One strip with its PDF, or null when there is none with that id. */
  readStrip(id: string): Promise<StoredStripWithPdf | null>;
  /** Admits a patient to a bed (on disk once resolved); rejects an MRN that is in a bed now. */
  admitPatient(admission: AdmissionToStore): Promise<StoredPatient>;
  /** A transfer or a discharge (on disk once resolved), with its audit event. */
  recordAdmissionEvent(event: AdmissionEventToStore): Promise<void>;
  /** Every patient in a bed now, with the bed. */
  readCurrentAdmissions(): Promise<PatientPlace[]>;
  /** Patients whose name (or a former one) or MRN contains the text (any case), latest first. */
  searchPatients(text: string, limit: number): Promise<FoundPatient[]>;
  /** The patient with this MRN (in any case), their details now and where they are. */
  findPatientByMrn(mrn: string): Promise<PatientRecord | null>;
  /** Every version of a patient's details and every admission event; null for no such patient. */
  readPatientHistory(patientId: string): Promise<StoredPatientHistory | null>;
  /** Alarm limits a person confirmed (on disk once resolved). */
  recordAlarmSettings(settings: AlarmSettingsToStore): Promise<void>;
  /** The newest confirmed limits of every patient, and of every bed without one. */
  readLatestAlarmSettings(): Promise<StoredAlarmSettings[]>;
  /** Beats not called normal between two moments, in time order. */
  readBeatMarks(bedId: string, fromMs: number, toMs: number): Promise<StoredBeatMark[]>;
  /** The first beat of a class after (or before) a moment, or null. */
  findBeatMark(
    bedId: string,
    beatClass: MarkedBeatClass,
    fromMs: number,
    direction: 'next' | 'previous',
  ): Promise<StoredBeatMark | null>;
  /** Keeps a nurse's NEWS2 observation; on disk before it resolves. */
  recordNews2Observation(observation: News2ObservationToStore): Promise<void>;
  /** What was recorded for each patient during their current stay, newest of each. */
  readNews2Recorded(patientIds: string[]): Promise<Record<string, News2Recorded>>;
  /** Keeps one event of the audit trail (on disk once resolved). */
  recordAuditEvent(event: AuditEventToStore): Promise<void>;
  /** Checks the audit trail's hash chain as stored: a deleted, changed or moved entry is named. */
  verifyAuditChain(): Promise<AuditChainReport>;
  /** A device assigned to a bed, connected, lost or removed (synced). */
  recordDeviceSession(event: DeviceSessionToStore): Promise<void>;
  /** The remote consults kept (telehealth-consults.ts). */
  readTelehealthConsults(): Promise<StoredTelehealthConsult[]>;
  /** Keeps a consult, its new notes (as annotations) and audits at once; the note ids kept now. */
  keepTelehealthConsult(change: TelehealthConsultChange): Promise<string[]>;
  readonly outbox: StoreOutbox;
  readonly census: StoreCensus;
  readonly accounts: StoreAccounts;
  /**
   * The data key (32 bytes), for keys derived from it for files sealed outside the store (the
   * exports: export/sealed-file.ts). Kept in memory only, as the store's own copy is.
   */
  readonly dataKey: Uint8Array;
  /**
   * A new version of a patient's details after the one a person was shown (on disk once
   * resolved); refused when their details changed meanwhile.
   */
  recordPatientVersion(change: PatientVersionToStore): Promise<StoredPatient>;
  /** Flushes, then closes the database so its files are consistent. Idempotent. */
  close(): Promise<void>;
}

/** The clock and interval timer the batching uses; injectable so tests can drive them. */
export interface BatchTimers {
  now(): number;
  setInterval(tick: () => void, periodMs: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface StoreOptions {
  dataDir: string;
  workstationId: string;
  /** Told of every row refused or not written, with what it was. Default: console.error. */
  onError?: (error: Error) => void;
  batchIntervalMs?: number;
  /** Longest waveform chunk that merging builds from contiguous blocks. */
  maxChunkMs?: number;
  /** Samples plus rows ready to send that trigger a batch before the next interval. */
  sendThreshold?: number;
  timers?: BatchTimers;
  /** How long data are kept (defaults: waveforms 72 h, trends and events 30 days). */
  retention?: Partial<RetentionPolicy>;
  /** Overrides where the worker's code is found (tests, unusual packaging). */
  workerScript?: StoreWorkerScript;
  /** What the caller found wrong in the data directory (a damaged identity file): shown and
   * alarmed as the store's own notices are. */
  notices?: readonly string[];
  /** Free space kept in hand on the store's disk; below it rows wait in memory. Default 64 MiB. */
  diskReserveBytes?: number;
  /** Most bytes of rows held in memory while the disk is full (default 64 MiB). */
  maxHeldBytes?: number;
  /** How often rows held for want of space are tried again (default 1 s). */
  retryHeldEveryMs?: number;
  /** How often the database is made durable and its journal deleted (default 30 s). */
  checkpointEveryMs?: number;
  /** Longest close waits for the worker before ending it (default 15 s): shutdown never hangs. */
  closeTimeoutMs?: number;
  /**
   * Tests only: told of each checkpoint phase while the worker waits (checkpoint-phases.ts), so a
   * kill can be aimed at it.
   */
  onCheckpointPhase?: (phase: CheckpointPhase) => void;
  /**
   * What opens the data key that seals patients' details (encryption/data-key.ts): a keystore
   * or a passphrase. Default: the key file keystore of the data directory's folder.
   */
  encryption?: StoreKeySource;
}

const systemTimers: BatchTimers = {
  now: () => Date.now(),
  // Unref'd: the worker, not the batching timer, decides whether the process stays alive.
  setInterval: (tick, periodMs) => setInterval(tick, periodMs).unref(),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

export async function openStore(options: StoreOptions): Promise<Store> {
  if (!options.dataDir || !options.workstationId) {
    throw new Error('The data store needs a data directory and a workstation id.');
  }
  const lock = await acquireDataLock(
    `${options.dataDir}.lock`,
    `The data store ${options.dataDir}`,
  );
  try {
    const key = unlockDataKey(options.dataDir, options.encryption);
    const connection = await startWorker(options, key);
    // A stuck worker is replaced by a new one on the same files (and journal): the same start.
    const store = new QueuedStore(connection, options, lock, () => startWorker(options, key));
    store.dataKey = key.dataKey;
    return store;
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * PGlite's WebAssembly stays on V8's baseline (Liftoff) code. Measured here: with V8's default
 * tier-up, the worker's thread spends up to ~350 ms recompiling PGlite's large functions right
 * after it opens (an existing store took ~1 s to its first answer, ~0.5 s with this), while
 * ingest and reads ran no slower on baseline code. The flag is process-wide; PGlite is the only
 * WebAssembly this process runs. It must be set before the module is compiled.
 */
let wasmTierSet = false;
function keepWasmOnBaselineTier(): void {
  if (wasmTierSet) return;
  wasmTierSet = true;
  setFlagsFromString('--liftoff-only');
}

/**
 * Starts the worker. A data directory that cannot be opened as a database is never silently
 * replaced: it is kept aside under a new name, a new store is started (the journal's recent rows
 * are replayed into it), and a notice says what happened and where the old one is.
 */
async function startWorker(
  options: StoreOptions,
  key: UnlockedKey,
): Promise<StoreWorkerConnection> {
  keepWasmOnBaselineTier();
  const script = options.workerScript ?? locateStoreWorker();
  const data: StoreWorkerData = {
    dataDir: options.dataDir,
    workstationId: options.workstationId,
    migrations,
    retention: { ...DEFAULT_RETENTION, ...options.retention },
    diskReserveBytes: options.diskReserveBytes ?? DEFAULT_DISK_RESERVE_BYTES,
    checkpointEveryMs: options.checkpointEveryMs ?? 30_000,
    ...(options.onCheckpointPhase ? { phaseGate: newPhaseGate() } : {}),
    dataKey: key.dataKey,
    keyFile: key.keyFile,
    newKeyFileText: key.newKeyFileText,
    newCredential: key.newCredential,
  };
  const phases = options.onCheckpointPhase;
  try {
    return await StoreWorkerConnection.start(script, data, phases);
  } catch (error) {
    if (error instanceof StoreStartError && error.keyRefused) {
      throw new StoreKeyError(error.message.replace('The data store could not start: ', ''));
    }
    if (!(error instanceof StoreStartError) || !error.damaged) throw error;
    const keptAs = `${options.dataDir}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(options.dataDir, keptAs);
    // Its marker and seal go with it: the new store is new, not "missing", and sealed anew.
    for (const suffix of ['.created', '.seal']) {
      if (existsSync(`${options.dataDir}${suffix}`)) {
        renameSync(`${options.dataDir}${suffix}`, `${keptAs}${suffix}`);
      }
    }
    const connection = await StoreWorkerConnection.start(script, data, phases);
    connection.notices.unshift(
      `${error.message.replace('The data store could not start: ', 'The data store ')}. It was` +
        ` kept as ${keptAs} and a new store was started; the most recent rows were recovered` +
        ' from the journal. Older data are only in the kept copy: call support before deleting it.',
    );
    return connection;
  }
}

class QueuedStore implements Store {
  #connection: StoreWorkerConnection;
  readonly #startWorker: () => Promise<StoreWorkerConnection>;
  /** The replacement of a stuck worker under way; appends wait in the queue meanwhile. */
  #restarting: Promise<void> | null = null;
  readonly #pending: PendingWrites;
  readonly #timers: BatchTimers;
  readonly #interval: unknown;
  readonly #sendThreshold: number;
  readonly #report: (error: Error) => void;
  readonly #inFlight = new Set<Promise<void>>();
  #failuresSinceFlush: Error[] = [];
  #closing: Promise<void> | null = null;
  /** Rows the worker handed back for want of space, until there is room again. */
  readonly #held: HeldWrites;
  readonly #maxHeldBytes: number;
  readonly #retryHeldEveryMs: number;
  readonly #closeTimeoutMs: number;
  #retryTimer: NodeJS.Timeout | null = null;
  /** The send of held rows under way, so that flush and close can wait for it. */
  #sendingHeld: Promise<void> | null = null;
  /** When the disk was first found full in this episode (UTC ms), or null while there is room. */
  #diskFullSince: number | null = null;
  /** What this episode could not keep, for the notice once it ends. */
  #droppedThisEpisode: string[] = [];
  #damagedSince: number | null;
  readonly #openedAt = Date.now();
  readonly #healthListeners: Array<(health: StoreHealth) => void> = [];

  readonly #lock: DataLock;
  readonly #dataDir: string;
  readonly notices: readonly string[];
  dataKey: Uint8Array = new Uint8Array(0);

  constructor(
    connection: StoreWorkerConnection,
    options: StoreOptions,
    lock: DataLock,
    startWorker: () => Promise<StoreWorkerConnection>,
  ) {
    this.#lock = lock;
    this.#startWorker = startWorker;
    this.#dataDir = options.dataDir;
    connection.notices.push(...(options.notices ?? []));
    this.notices = connection.notices;
    // Whatever opening had to say is about data damaged or missing: every bed is told.
    this.#damagedSince = connection.notices.length > 0 ? this.#openedAt : null;
    this.#maxHeldBytes = options.maxHeldBytes ?? 64 * 1024 * 1024;
    this.#held = new HeldWrites(this.#maxHeldBytes);
    this.#retryHeldEveryMs = options.retryHeldEveryMs ?? 1_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 15_000;
    const maxChunkMs = options.maxChunkMs ?? 2_000;
    this.#connection = connection;
    this.#pending = new PendingWrites({ maxChunkMs, maxHoldMs: maxChunkMs });
    this.#timers = options.timers ?? systemTimers;
    this.#sendThreshold = options.sendThreshold ?? 50_000;
    const onError = options.onError ?? ((error) => console.error(`[store] ${error.message}`));
    this.#report = (error) => {
      // A throwing handler must not turn a reported failure into a crash of the main thread.
      try {
        onError(error);
      } catch (handlerError) {
        console.error(`[store] ${error.message} (and onError threw: ${messageOf(handlerError)})`);
      }
    };
    this.#interval = this.#timers.setInterval(
      () => this.#send(false),
      options.batchIntervalMs ?? 250,
    );
    this.#listenTo(connection);
  }

  #listenTo(connection: StoreWorkerConnection): void {
    // Only the worker in use speaks for the store: one being replaced is stopped on purpose.
    const current = () => connection === this.#connection && this.#restarting === null;
    connection.onStop((reason) => current() && this.#abandonQueued(reason));
    connection.onProblem = (message) => this.#report(new Error(message));
    connection.onDiskFull = (message) => current() && this.#diskIsFull(message);
    connection.onWedged = (message) => current() && this.#replaceWorker(message);
    for (const problem of connection.problems) this.#report(new Error(problem));
  }

  /**
   * The worker's database stopped answering after a failed write (PGlite spins after a failed
   * CHECKPOINT). Its last answers hand batches back, held here; then it is ended and a new one
   * opens the same files, replaying the journal, until one opens (the disk may still be full).
   */
  #replaceWorker(reason: string): void {
    if (this.#restarting || this.#closing) return;
    this.#report(
      new Error(
        `The data store's database stopped answering after a failed write (${reason}); it is` +
          ' being restarted from its files and journal. Rows wait in memory meanwhile.',
      ),
    );
    const old = this.#connection;
    this.#restarting = (async () => {
      // Requests already sent are answered without the database; wait for them (a while).
      await within(Promise.all([...this.#inFlight, this.#sendingHeld]), 5_000);
      await old.terminate('it is being restarted');
      let reported = false;
      while (!this.#closing) {
        try {
          const fresh = await this.#startWorker();
          this.#connection = fresh;
          this.#listenTo(fresh);
          (this.notices as string[]).push(...fresh.notices);
          if (fresh.notices.length > 0 && this.#damagedSince === null) {
            this.#damagedSince = Date.now();
            this.#healthChanged();
          }
          // What was held meanwhile goes now (the disk-full retries, if any, go on as well).
          setImmediate(() => void this.#sendHeld());
          return;
        } catch (error) {
          if (!reported)
            this.#report(new Error(`The data store could not restart yet: ${messageOf(error)}`));
          reported = true;
          await new Promise((resolve) => setTimeout(resolve, 2_000).unref());
        }
      }
    })().finally(() => (this.#restarting = null));
  }

  get health(): StoreHealth {
    const conditions: StoreCondition[] = [];
    if (this.#diskFullSince !== null) conditions.push(diskFullCondition(this.#diskFullSince));
    if (this.#damagedSince !== null) conditions.push(damagedCondition(this.#damagedSince));
    return healthOf(conditions, this.#openedAt);
  }

  onHealth(listener: (health: StoreHealth) => void): void {
    this.#healthListeners.push(listener);
  }

  #healthChanged(): void {
    const health = this.health;
    for (const listener of this.#healthListeners) {
      try {
        listener(health);
      } catch (error) {
        this.#report(new Error(`a store health listener failed: ${messageOf(error)}`));
      }
    }
  }

  appendSamples(block: StoredSampleBlock): void {
    const problem = this.#refusal() ?? sampleBlockProblem(block);
    if (problem !== null) {
      const what = `Samples of bed ${block.bedId} device ${block.deviceId} channel ${block.channel} at t0 ${block.t0}`;
      return this.#report(new Error(`${what} were not stored: ${problem}`));
    }
    this.#pending.addSamples(block, this.#timers.now());
    this.#sendIfFull();
  }

  appendNumeric(row: NumericToStore): void {
    const problem = this.#refusal() ?? rowProblem(NumericToStore, row);
    if (problem !== null) {
      const what = `Numeric ${row.refId} of bed ${row.bedId} device ${row.deviceId} at ${row.at}`;
      return this.#report(new Error(`${what} was not stored: ${problem}`));
    }
    this.#pending.addNumeric(row);
    this.#sendIfFull();
  }

  appendAlarmEvent(row: AlarmEventToStore): void {
    const problem = this.#refusal() ?? rowProblem(AlarmEventToStore, row);
    if (problem !== null) {
      const what = `Alarm event ${row.event} of ${row.code} (alarm ${row.alarmId}, bed ${row.bedId}) at ${row.at}`;
      return this.#report(new Error(`${what} was not stored: ${problem}`));
    }
    this.#pending.addAlarmEvent(row);
    this.#sendIfFull();
  }

  async flush(): Promise<void> {
    // A worker being replaced: wait a little for the new one (it may not open while the disk is
    // full; then this flush fails, as it should, rather than hang).
    if (this.#restarting) await within(this.#restarting, 5_000);
    this.#send(true);
    await Promise.all(this.#inFlight);
    // Rows held for want of space go first if there is room now; if not, they are failures.
    if (!this.#held.isEmpty) await this.#sendHeld();
    await this.#connection.call('flush', {});
    const failures = this.#failuresSinceFlush;
    this.#failuresSinceFlush = [];
    // Held and since written: not a failure any more.
    if (this.#held.isEmpty)
      failures.splice(0, failures.length, ...failures.filter((f) => !(f instanceof HeldError)));
    if (failures.length > 0) {
      const more = failures.length > 1 ? ` (and ${failures.length - 1} more, each reported)` : '';
      throw new Error(`Not everything was stored: ${failures[0]!.message}${more}`);
    }
  }

  /** One request to the worker; a failure says what could not be done, then why. */
  async #ask<K extends StoreOperation>(
    op: K,
    params: StoreOperations[K]['params'],
    couldNot: string,
  ): Promise<StoreOperations[K]['result']> {
    try {
      return await this.#connection.call(op, params);
    } catch (error) {
      throw new Error(`Could not ${couldNot}: ${messageOf(error)}`, { cause: error });
    }
  }

  async readSamples(query: SampleQuery): Promise<StoredSamples[]> {
    const what = `device ${query.deviceId} channel ${query.channel}`;
    const blocks = await this.#ask('readSamples', { query }, `read samples of ${what}`);
    return blocks.map((block) => ({ ...block, values: Array.from(block.values) }));
  }

  counts(): Promise<StoreCounts> {
    return this.#ask('counts', {}, 'count stored rows');
  }

  async saveSoundRecording(recording: SoundRecordingToStore): Promise<StoredSoundRecording> {
    const refusal = this.#refusal();
    const what = `The sound recording of bed ${recording.bedId} started at ${recording.startedAtMs}`;
    if (refusal !== null) throw new Error(`${what} was not stored: ${refusal}`);
    try {
      const transfer = [recording.wav.buffer as ArrayBuffer];
      return await this.#connection.call('saveSoundRecording', { recording }, transfer);
    } catch (error) {
      throw new Error(`${what} was not stored: ${messageOf(error)}`, { cause: error });
    }
  }

  readTrend(query: TrendQuery): Promise<Trend[]> {
    return this.#ask('readTrend', { query }, `read the trends of bed ${query.bedId}`);
  }

  readWaveformWindow(query: WaveformWindowQuery): Promise<WaveformSegment[]> {
    return this.#ask('readWaveformWindow', { query }, `read the waveforms of bed ${query.bedId}`);
  }

  readWaveformExtent(bedId: string): Promise<WaveformExtent | null> {
    return this.#ask('readWaveformExtent', { bedId }, `find the stored waveforms of bed ${bedId}`);
  }

  recordChannels(channels: ChannelRecord[]): Promise<void> {
    return this.#ask('recordChannels', { channels }, 'record the channels of a device');
  }

  readChannels(bedId: string): Promise<ChannelRecord[]> {
    return this.#ask('readChannels', { bedId }, `read the channels of bed ${bedId}`);
  }

  appendAnnotations(annotations: AnnotationRecord[]): Promise<void> {
    return this.#ask('appendAnnotations', { annotations }, 'store the annotations');
  }

  readAnnotations(
    bedId: string,
    fromMs: number,
    toMs: number,
    kind?: string,
  ): Promise<AnnotationRecord[]> {
    const what = `read the annotations of bed ${bedId}`;
    return this.#ask(
      'readAnnotations',
      { bedId, fromMs, toMs, ...(kind === undefined ? {} : { kind }) },
      what,
    );
  }

  readAlarmLog(bedId: string, fromMs: number, toMs: number): Promise<AlarmLogRecord[]> {
    return this.#ask('readAlarmLog', { bedId, fromMs, toMs }, `read the alarm log of bed ${bedId}`);
  }

  prune(nowMs = Date.now()): Promise<Record<string, number>> {
    return this.#ask('prune', { nowMs }, 'prune expired data');
  }

  pack(nowMs = Date.now()): Promise<{ packedRows: number; stagedRows: number }> {
    return this.#ask('pack', { nowMs }, 'pack waveforms');
  }

  async storeWaveform(run: WaveformRun, { durable = true } = {}): Promise<void> {
    const what = `Samples of bed ${run.bedId} device ${run.deviceId} channel ${run.channel} at t0 ${run.t0}`;
    const problem = this.#refusal() ?? waveformRunProblem(run);
    if (problem !== null) throw new Error(`${what} were not stored: ${problem}`);
    const values = Int32Array.from(run.values);
    const { bedId, deviceId, channel, rateHz } = run;
    const packed = { bedId, deviceId, channel, rateHz, t0Ms: run.t0, values };
    try {
      await this.#connection.call('storeWaveform', { run: packed, durable }, [
        values.buffer as ArrayBuffer,
      ]);
    } catch (error) {
      throw new Error(`${what} were not stored: ${messageOf(error)}`, { cause: error });
    }
  }

  async importNumerics(
    rows: ImportedNumericToStore[],
    audit: ImportAuditEvent[] = [],
  ): Promise<boolean[]> {
    const refusal = this.#refusal();
    if (refusal !== null) throw new Error(`The downloaded readings were not stored: ${refusal}`);
    try {
      return await this.#connection.call('importNumerics', { rows, audit });
    } catch (error) {
      throw new Error(`The downloaded readings were not stored: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  listSoundRecordings(bedId: string): Promise<StoredSoundRecording[]> {
    return this.#ask('listSoundRecordings', { bedId }, `list sound recordings of bed ${bedId}`);
  }

  readSoundRecording(id: string): Promise<StoredSoundRecordingWithWav | null> {
    return this.#ask('readSoundRecording', { recordingId: id }, `read sound recording ${id}`);
  }

  saveStrip(strip: StripToStore): Promise<StoredStrip | null> {
    const what = `store the ${strip.kind} strip of bed ${strip.bedId}`;
    return this.#ask('saveStrip', { strip }, what);
  }

  listStrips(bedId: string): Promise<StoredStrip[]> {
    return this.#ask('listStrips', { bedId }, `list the strips of bed ${bedId}`);
  }

  readStrip(id: string): Promise<StoredStripWithPdf | null> {
    return this.#ask('readStrip', { stripId: id }, `read strip ${id}`);
  }

  admitPatient(admission: AdmissionToStore): Promise<StoredPatient> {
    return this.#ask('admitPatient', { admission }, `admit the patient to ${admission.bedLabel}`);
  }

  recordAdmissionEvent(event: AdmissionEventToStore): Promise<void> {
    return this.#ask('recordAdmissionEvent', { event }, `record the ${event.event} patient`);
  }

  readCurrentAdmissions(): Promise<PatientPlace[]> {
    return this.#ask('readCurrentAdmissions', {}, 'read the patients in beds');
  }

  recordAlarmSettings(settings: AlarmSettingsToStore): Promise<void> {
    return this.#ask(
      'recordAlarmSettings',
      { settings },
      `keep the alarm limits of ${settings.bedId}`,
    );
  }

  readLatestAlarmSettings(): Promise<StoredAlarmSettings[]> {
    return this.#ask('readLatestAlarmSettings', {}, 'read the alarm limits');
  }

  readBeatMarks(bedId: string, fromMs: number, toMs: number): Promise<StoredBeatMark[]> {
    return this.#ask('readBeatMarks', { bedId, fromMs, toMs }, `read the beats of bed ${bedId}`);
  }

  findBeatMark(
    bedId: string,
    beatClass: MarkedBeatClass,
    fromMs: number,
    direction: 'next' | 'previous',
  ): Promise<StoredBeatMark | null> {
    const what = `find a ${beatClass} beat of bed ${bedId}`;
    return this.#ask('findBeatMark', { bedId, beatClass, fromMs, direction }, what);
  }

  recordNews2Observation(observation: News2ObservationToStore): Promise<void> {
    return this.#ask(
      'recordNews2Observation',
      { observation },
      `keep the NEWS2 observation at ${observation.bedId}`,
    );
  }

  readNews2Recorded(patientIds: string[]): Promise<Record<string, News2Recorded>> {
    return this.#ask('readNews2Recorded', { patientIds }, 'read the NEWS2 observations');
  }

  recordAuditEvent(event: AuditEventToStore): Promise<void> {
    const what = `keep the audit event "${event.action}" of ${event.actor}`;
    return this.#ask('recordAuditEvent', { event }, what);
  }

  verifyAuditChain(): Promise<AuditChainReport> {
    return this.#ask('verifyAuditChain', {}, 'check the audit trail');
  }

  readTelehealthConsults(): Promise<StoredTelehealthConsult[]> {
    return this.#ask('readTelehealthConsults', {}, 'read the remote consults');
  }

  keepTelehealthConsult(change: TelehealthConsultChange): Promise<string[]> {
    const what = `keep the remote consult ${change.consult?.id ?? change.forget ?? ''}`;
    return this.#ask('keepTelehealthConsult', { change }, what);
  }

  recordDeviceSession(event: DeviceSessionToStore): Promise<void> {
    const what = `keep that ${event.deviceId} was ${event.event} on ${event.bedId}`;
    return this.#ask('recordDeviceSession', { event }, what);
  }

  readonly outbox: StoreOutbox = {
    readBatch: (lane, maxBytes, maxRows) =>
      this.#ask(
        'readSyncBatch',
        { lane, maxBytes, maxRows },
        `read the sync outbox (lane ${lane})`,
      ),
    readFrame: (lane, maxBytes, maxRows, meta, beforeSeq) =>
      this.#ask(
        'readSyncFrame',
        { lane, maxBytes, maxRows, meta, ...(beforeSeq === undefined ? {} : { beforeSeq }) },
        `read the sync outbox (lane ${lane})`,
      ),
    acknowledge: (seqs) => this.#ask('acknowledgeSync', { seqs }, 'acknowledge sent rows'),
    setAside: (refused) => this.#ask('setSyncAside', { refused }, 'set refused rows aside'),
    requeueSetAside: () => this.#ask('requeueSyncSetAside', {}, 'queue the rows set aside again'),
    backlog: () => this.#ask('readSyncBacklog', {}, 'read what waits to be sent'),
    readState: (key) => this.#ask('readSyncState', { key }, `read the sync state ${key}`),
    writeState: (key, value) =>
      this.#ask('writeSyncState', { key, value }, `keep the sync state ${key}`),
    applyPulled: (rows) =>
      this.#ask('applyPulledRows', { rows }, 'keep rows pulled from the server'),
    setSignalsWaitForSync: (wait) =>
      this.#ask('setSignalsWaitForSync', { wait }, 'change how long unsent signals are kept'),
    keepCensusPage: (page) =>
      this.#ask('keepCensusPage', { page }, 'keep the hospital patient list'),
    keepServerAccountsPage: async (page) => {
      const changed = await this.#ask(
        'keepServerAccountsPage',
        { page },
        "keep the hospital's accounts",
      );
      await Promise.all([...this.#serverAccountListeners].map(async (told) => told(changed)));
      return changed;
    },
  };

  readonly #serverAccountListeners = new Set<(changedIds: string[]) => Promise<void> | void>();

  readonly census: StoreCensus = {
    state: () => this.#ask('readCensusState', {}, 'read the hospital patient list'),
    search: (text, limit) =>
      this.#ask('searchCensus', { text, limit }, 'search the hospital patient list'),
    byMrn: (mrns) => this.#ask('readCensusByMrn', { mrns }, 'read the hospital patient list'),
    recordKeptOurs: (kept) =>
      this.#ask('recordKeptOurs', { kept }, 'keep the decision about the hospital details'),
    readKeptOurs: (patientIds) =>
      this.#ask('readKeptOurs', { patientIds }, 'read the decisions about hospital details'),
  };

  readonly accounts: StoreAccounts = {
    list: () => this.#ask('readAccounts', {}, 'read the accounts'),
    add: (account, firstOnly) =>
      this.#ask('addAccount', { account, firstOnly }, `add the account ${account.username}`),
    update: (change) => this.#ask('updateAccount', { change }, 'change the account'),
    readSignInTries: (sinceMs) =>
      this.#ask('readSignInTries', { sinceMs }, 'read the wrong passwords'),
    keepSignInTries: (tries) => this.#ask('keepSignInTries', { tries }, 'keep the wrong passwords'),
    listServer: () => this.#ask('readServerAccounts', {}, "read the hospital's accounts"),
    updateServer: (change) =>
      this.#ask('updateServerAccount', { change }, "change the hospital's account"),
    onServerChanged: (listener) => {
      this.#serverAccountListeners.add(listener);
      return () => this.#serverAccountListeners.delete(listener);
    },
  };

  recordPatientVersion(change: PatientVersionToStore): Promise<StoredPatient> {
    return this.#ask('recordPatientVersion', { change }, 'keep the new details of the patient');
  }

  searchPatients(text: string, limit: number): Promise<FoundPatient[]> {
    return this.#ask('searchPatients', { text, limit }, 'search the patients');
  }

  findPatientByMrn(mrn: string): Promise<PatientRecord | null> {
    return this.#ask('findPatientByMrn', { mrn }, `look up MRN ${mrn}`);
  }

  readPatientHistory(patientId: string): Promise<StoredPatientHistory | null> {
    return this.#ask('readPatientHistory', { patientId }, `read the history of ${patientId}`);
  }

  readStoredReadings(sourceKeys: string[]): Promise<StoredReading[]> {
    return this.#ask('readStoredReadings', { sourceKeys }, 'look up downloaded readings');
  }

  close(): Promise<void> {
    this.#closing ??= this.#closeOnce();
    return this.#closing;
  }

  async #closeOnce(): Promise<void> {
    this.#timers.clearInterval(this.#interval);
    this.#stopRetrying();
    // A worker being replaced: its replacement, if it opens in time, is closed as usual.
    if (this.#restarting) await within(this.#restarting, this.#closeTimeoutMs);
    if (this.#connection.stoppedReason !== null) {
      this.#abandonHeld(this.#connection.stoppedReason);
      return this.#lock.release();
    }
    let flushError: unknown = null;
    let timeoutError: Error | null = null;
    const closing = (async () => {
      await this.flush().catch((error: unknown) => (flushError = error));
      // One last try for rows held for want of space; what is still held then is lost.
      if (!this.#held.isEmpty) await this.#sendHeld();
      this.#abandonHeld('the disk is still full');
      await this.#connection.call('close', {});
    })();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), this.#closeTimeoutMs);
    });
    try {
      const outcome = await Promise.race([closing, timedOut]);
      if (outcome === 'timed out') {
        closing.catch(() => undefined); // its calls fail once the worker is ended below
        // The worker is stuck: end it. The journal keeps every acknowledged row for the next start.
        timeoutError = new Error(
          `The data store did not close within ${this.#closeTimeoutMs / 1000} s: its worker` +
            ' was stopped; the journal keeps every acknowledged row for the next start.',
        );
        this.#report(timeoutError);
      }
    } finally {
      clearTimeout(timer);
      await this.#connection.terminate('it was closed');
      this.#makeFilesPrivate();
      this.#lock.release();
    }
    if (timeoutError !== null) throw timeoutError;
    if (flushError !== null) throw flushError;
  }

  // PGlite makes its files 0666, also while closing: at rest they are private (private-files.ts).
  #makeFilesPrivate(): void {
    for (const dir of [this.#dataDir, `${this.#dataDir}.journal`]) {
      try {
        makeTreePrivate(dir);
      } catch (error) {
        this.#report(new Error(`${dir} could not be made private: ${messageOf(error)}`));
      }
    }
  }

  // Why appends are refused right now, or null while the store takes them.
  #refusal(): string | null {
    if (this.#restarting && !this.#closing) return null; // queued for the new worker
    const stopped = this.#connection.stoppedReason;
    if (stopped !== null) return `the data store stopped: ${stopped}`;
    return this.#closing ? 'the data store is closing' : null;
  }

  #sendIfFull(): void {
    if (this.#pending.readyCount >= this.#sendThreshold) this.#send(false);
  }

  #send(everything: boolean): void {
    const batch = this.#pending.takeBatch(this.#timers.now(), everything);
    if (batch === null) return;
    if (this.#restarting) return this.#holdWhileRestarting(batch);
    // Described before sending: the sample buffers are transferred and detach.
    const description = describeBatch(batch);
    const transfer = batch.chunks.map((chunk) => chunk.values.buffer as ArrayBuffer);
    const write = this.#connection.call('append', { batch }, transfer).then(
      (result) => this.#settle(result, description),
      (error: unknown) => {
        const failure = new Error(`${description} could not be stored: ${messageOf(error)}`, {
          cause: error,
        });
        this.#failuresSinceFlush.push(failure);
        this.#report(failure);
      },
    );
    this.#inFlight.add(write);
    void write.finally(() => this.#inFlight.delete(write));
  }

  /** No worker to encode it: encoded here and held, within the same bound, for the new one. */
  #holdWhileRestarting(batch: WriteBatch): void {
    const { batch: prepared, refused } = prepareRows(batch);
    for (const row of refused) this.#report(new Error(row));
    this.#failuresSinceFlush.push(
      new HeldError(`${describeBatch(batch)} is held in memory: the data store is restarting`),
    );
    this.#holdBack(serializeBatch(prepared));
  }

  /** What the worker did with a batch: rows refused are named; a batch not stored is held. */
  #settle(result: AppendResult, description: string): void {
    for (const refused of result.refused) this.#report(new Error(refused));
    if (result.stored) {
      if (this.#diskFullSince === null) return;
      // Room again: what is held goes now, not at the next retry tick.
      if (this.#held.isEmpty) this.#diskHasRoom();
      else void this.#sendHeld();
      return;
    }
    this.#diskIsFull(result.reason);
    const failure = new HeldError(`${description} is held in memory, not stored: ${result.reason}`);
    this.#failuresSinceFlush.push(failure);
    this.#holdBack(result.payload);
  }

  #holdBack(payload: Uint8Array): void {
    for (const dropped of this.#held.hold(payload)) {
      const since = this.#diskFullSince;
      const waiting =
        since === null
          ? 'the data store has been restarting'
          : `the disk has been full since ${new Date(since).toISOString()}`;
      const why = `${waiting} and the ${megabytes(this.#maxHeldBytes)} held in memory are used up`;
      this.#droppedThisEpisode.push(dropped);
      const failure = new Error(`${dropped} could not be kept: ${why}`);
      this.#failuresSinceFlush.push(failure);
      this.#report(failure);
    }
  }

  /** The worker found no room: recording stops (rows wait in memory) and every bed is told. */
  #diskIsFull(reason: string): void {
    if (this.#diskFullSince !== null) return;
    this.#diskFullSince = Date.now();
    this.#droppedThisEpisode = [];
    this.#report(
      new Error(
        `Recording stopped: ${reason}. Rows are held in memory (up to ${megabytes(this.#maxHeldBytes)}) and written once there is room.`,
      ),
    );
    this.#retryTimer = setInterval(() => void this.#sendHeld(), this.#retryHeldEveryMs);
    this.#retryTimer.unref();
    this.#healthChanged();
  }

  /** Everything held is written and there is room: recording goes on as before. */
  #diskHasRoom(): void {
    const since = this.#diskFullSince;
    if (since === null) return;
    this.#stopRetrying();
    this.#diskFullSince = null;
    const span = `from ${new Date(since).toISOString()} to ${new Date().toISOString()}`;
    if (this.#droppedThisEpisode.length > 0) {
      (this.notices as string[]).push(
        `The disk was full ${span}: some waveforms of that time could not be kept (memory ran` +
          ' out before space returned); numerics and the alarm log were kept. See the log.',
      );
    }
    this.#droppedThisEpisode = [];
    this.#healthChanged();
  }

  #stopRetrying(): void {
    if (this.#retryTimer) clearInterval(this.#retryTimer);
    this.#retryTimer = null;
  }

  /** Sends held rows again, oldest first, while the worker takes them; then checks for room. */
  #sendHeld(): Promise<void> {
    this.#sendingHeld ??= this.#sendHeldOnce().finally(() => (this.#sendingHeld = null));
    return this.#sendingHeld;
  }

  async #sendHeldOnce(): Promise<void> {
    if (this.#restarting || this.#connection.stoppedReason !== null) return;
    let payload: Uint8Array | undefined;
    try {
      while ((payload = this.#held.takeOldest()) !== undefined) {
        const transfer = [payload.buffer as ArrayBuffer];
        const result = await this.#connection.call('appendPrepared', { payload }, transfer);
        payload = undefined;
        for (const refused of result.refused) this.#report(new Error(refused));
        if (!result.stored) return this.#held.putBack(result.payload);
      }
      const { shortage } = await this.#connection.call('checkSpace', {});
      if (shortage === null) this.#diskHasRoom();
    } catch (error) {
      if (!payload) return;
      if (this.#restarting) return this.#held.putBack(payload); // the worker ended under it
      const failure = new Error(`Rows held in memory were lost: ${messageOf(error)}`);
      this.#failuresSinceFlush.push(failure);
      this.#report(failure);
    }
  }

  // The store is closing or stopped with rows still held: say what is lost.
  #abandonHeld(reason: string): void {
    for (const lost of this.#held.abandon()) {
      this.#report(
        new Error(`${lost}, held in memory for want of space, could not be stored: ${reason}`),
      );
    }
  }

  // The worker is gone: whatever is still queued here can never be written, so say so.
  #abandonQueued(reason: string): void {
    this.#timers.clearInterval(this.#interval);
    this.#stopRetrying();
    this.#abandonHeld(reason);
    const batch = this.#pending.takeBatch(this.#timers.now(), true);
    if (batch === null) return;
    this.#report(new Error(`${describeBatch(batch)} could not be stored: ${reason}`));
  }
}

/** Waits for `promise`, but no longer than `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

/** Rows not stored yet but held in memory: a failure only while they are still held. */
class HeldError extends Error {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
