// The store as the rest of the host sees it. Appends are queued on the main thread, merged into
// chunks and sent to the worker in batches; reads and flushes are promises answered by the worker.
// Until flushed, at most maxChunkMs + batchIntervalMs of samples (2.25 s by default) and
// batchIntervalMs of other rows live only in this process's memory.
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
import { AlarmEventToStore, NumericToStore, rowProblem, sampleBlockProblem } from './store-input';
import { StoreStartError, StoreWorkerConnection } from './worker-connection';
import { acquireDataLock, type DataLock } from './data-lock';
import { DEFAULT_RETENTION, type RetentionPolicy } from './retention';
import type { AlarmLogRecord, AnnotationRecord, ChannelRecord } from './records';
import type {
  AdmissionEventToStore,
  AdmissionToStore,
  PatientPlace,
  StoredPatient,
} from './patients';
import type { Trend, TrendQuery, WaveformSegment, WaveformWindowQuery } from './queries';
import { existsSync, renameSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { locateStoreWorker, type StoreWorkerScript } from './worker-script';
import type { AlarmSettingsToStore, StoredAlarmSettings } from './alarm-settings';

export type { AlarmEventToStore, NumericToStore } from './store-input';
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
export type { Trend, TrendQuery, WaveformSegment, WaveformWindowQuery } from './queries';
export type { RetentionPolicy } from './retention';
export type { AlarmLogRecord, AnnotationRecord, ChannelRecord } from './records';
export type {
  AdmissionEventToStore,
  AdmissionToStore,
  PatientPlace,
  StoredPatient,
} from './patients';
export type StoredSampleBlock = SampleBlock;

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
  /** Records the channels a device produces on a bed (once each), with their scale. */
  recordChannels(channels: ChannelRecord[]): Promise<void>;
  readChannels(bedId: string): Promise<ChannelRecord[]>;
  /** Stored (synced to the journal) once resolved. */
  appendAnnotations(annotations: AnnotationRecord[]): Promise<void>;
  readAnnotations(bedId: string, fromMs: number, toMs: number): Promise<AnnotationRecord[]>;
  readAlarmLog(bedId: string, fromMs: number, toMs: number): Promise<AlarmLogRecord[]>;
  /** Prunes everything expired at nowMs now (the store also does it by itself, every minute). */
  prune(nowMs?: number): Promise<Record<string, number>>;
  /** Resolves once the recording is on disk. Its wav buffer is handed to the worker (detached). */
  saveSoundRecording(recording: SoundRecordingToStore): Promise<StoredSoundRecording>;
  /**
   * Numerics read from a device's memory: stores those not stored before (same bed, code and
   * source key) and resolves once they are on disk, one boolean per row: stored now.
   */
  importNumerics(rows: ImportedNumericToStore[]): Promise<boolean[]>;
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
  /** Patients whose name or MRN contains the text (any case), most recently seen first. */
  searchPatients(text: string, limit: number): Promise<PatientPlace[]>;
  /** Alarm limits a person confirmed (on disk once resolved). */
  recordAlarmSettings(settings: AlarmSettingsToStore): Promise<void>;
  /** The newest confirmed limits of every patient, and of every bed without one. */
  readLatestAlarmSettings(): Promise<StoredAlarmSettings[]>;
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
  const lock = acquireDataLock(`${options.dataDir}.lock`, `The data store ${options.dataDir}`);
  try {
    const connection = await startWorker(options);
    const store = new QueuedStore(connection, options, lock);
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
async function startWorker(options: StoreOptions): Promise<StoreWorkerConnection> {
  keepWasmOnBaselineTier();
  const script = options.workerScript ?? locateStoreWorker();
  const data = {
    dataDir: options.dataDir,
    workstationId: options.workstationId,
    migrations,
    retention: { ...DEFAULT_RETENTION, ...options.retention },
  };
  try {
    return await StoreWorkerConnection.start(script, data);
  } catch (error) {
    if (!(error instanceof StoreStartError) || !error.damaged) throw error;
    const keptAs = `${options.dataDir}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(options.dataDir, keptAs);
    // Its marker goes with it: the new store is new, not "missing".
    if (existsSync(`${options.dataDir}.created`)) {
      renameSync(`${options.dataDir}.created`, `${keptAs}.created`);
    }
    const connection = await StoreWorkerConnection.start(script, data);
    connection.notices.unshift(
      `${error.message.replace('The data store could not start: ', 'The data store ')}. It was` +
        ` kept as ${keptAs} and a new store was started; the most recent rows were recovered` +
        ' from the journal. Older data are only in the kept copy: call support before deleting it.',
    );
    return connection;
  }
}

class QueuedStore implements Store {
  readonly #connection: StoreWorkerConnection;
  readonly #pending: PendingWrites;
  readonly #timers: BatchTimers;
  readonly #interval: unknown;
  readonly #sendThreshold: number;
  readonly #report: (error: Error) => void;
  readonly #inFlight = new Set<Promise<void>>();
  #failuresSinceFlush: Error[] = [];
  #closing: Promise<void> | null = null;

  readonly #lock: DataLock;
  readonly notices: readonly string[];

  constructor(connection: StoreWorkerConnection, options: StoreOptions, lock: DataLock) {
    this.#lock = lock;
    this.notices = connection.notices;
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
    connection.onStop((reason) => this.#abandonQueued(reason));
    connection.onProblem = (message) => this.#report(new Error(message));
  }

  appendSamples(block: StoredSampleBlock): void {
    const problem = this.#refusal() ?? sampleBlockProblem(block);
    if (problem !== null) {
      const what = `Samples of device ${block.deviceId} channel ${block.channel} at t0 ${block.t0}`;
      return this.#report(new Error(`${what} were not stored: ${problem}`));
    }
    this.#pending.addSamples(block, this.#timers.now());
    this.#sendIfFull();
  }

  appendNumeric(row: NumericToStore): void {
    const problem = this.#refusal() ?? rowProblem(NumericToStore, row);
    if (problem !== null) {
      const what = `Numeric ${row.refId} of device ${row.deviceId} at ${row.at}`;
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
    this.#send(true);
    await Promise.all(this.#inFlight);
    await this.#connection.call('flush', {});
    const failures = this.#failuresSinceFlush;
    this.#failuresSinceFlush = [];
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

  recordChannels(channels: ChannelRecord[]): Promise<void> {
    return this.#ask('recordChannels', { channels }, 'record the channels of a device');
  }

  readChannels(bedId: string): Promise<ChannelRecord[]> {
    return this.#ask('readChannels', { bedId }, `read the channels of bed ${bedId}`);
  }

  appendAnnotations(annotations: AnnotationRecord[]): Promise<void> {
    return this.#ask('appendAnnotations', { annotations }, 'store the annotations');
  }

  readAnnotations(bedId: string, fromMs: number, toMs: number): Promise<AnnotationRecord[]> {
    const what = `read the annotations of bed ${bedId}`;
    return this.#ask('readAnnotations', { bedId, fromMs, toMs }, what);
  }

  readAlarmLog(bedId: string, fromMs: number, toMs: number): Promise<AlarmLogRecord[]> {
    return this.#ask('readAlarmLog', { bedId, fromMs, toMs }, `read the alarm log of bed ${bedId}`);
  }

  prune(nowMs = Date.now()): Promise<Record<string, number>> {
    return this.#ask('prune', { nowMs }, 'prune expired data');
  }

  async importNumerics(rows: ImportedNumericToStore[]): Promise<boolean[]> {
    const refusal = this.#refusal();
    if (refusal !== null) throw new Error(`The downloaded readings were not stored: ${refusal}`);
    try {
      return await this.#connection.call('importNumerics', { rows });
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

  searchPatients(text: string, limit: number): Promise<PatientPlace[]> {
    return this.#ask('searchPatients', { text, limit }, 'search the patients');
  }

  close(): Promise<void> {
    this.#closing ??= this.#closeOnce();
    return this.#closing;
  }

  async #closeOnce(): Promise<void> {
    this.#timers.clearInterval(this.#interval);
    if (this.#connection.stoppedReason !== null) return this.#lock.release();
    let flushError: unknown = null;
    await this.flush().catch((error: unknown) => (flushError = error));
    try {
      await this.#connection.call('close', {});
    } finally {
      await this.#connection.terminate('it was closed');
      this.#lock.release();
    }
    if (flushError !== null) throw flushError;
  }

  // Why appends are refused right now, or null while the store takes them.
  #refusal(): string | null {
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
    // Described before sending: the sample buffers are transferred and detach.
    const description = describeBatch(batch);
    const transfer = batch.chunks.map((chunk) => chunk.values.buffer as ArrayBuffer);
    const write = this.#connection.call('append', { batch }, transfer).catch((error: unknown) => {
      const failure = new Error(`${description} could not be stored: ${messageOf(error)}`, {
        cause: error,
      });
      this.#failuresSinceFlush.push(failure);
      this.#report(failure);
    });
    this.#inFlight.add(write);
    void write.finally(() => this.#inFlight.delete(write));
  }

  // The worker is gone: whatever is still queued here can never be written, so say so.
  #abandonQueued(reason: string): void {
    this.#timers.clearInterval(this.#interval);
    const batch = this.#pending.takeBatch(this.#timers.now(), true);
    if (batch === null) return;
    this.#report(new Error(`${describeBatch(batch)} could not be stored: ${reason}`));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
