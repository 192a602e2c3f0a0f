// The typed messages between the store client (main thread) and the store worker (owns PGlite).
import type { DeviceSessionToStore } from './device-sessions';
import type { Migration } from './migrations/index';
import type { AlarmEventToStore, NumericToStore } from './store-input';
import type { RetentionPolicy } from './retention';
import type { AlarmLogRecord, AnnotationRecord, ChannelRecord } from './records';
import type {
  Trend,
  TrendQuery,
  WaveformExtent,
  WaveformSegment,
  WaveformWindowQuery,
} from './queries';
import type { SoundRecordingPatient } from '../../../shared/model/sound-recording';
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
import type { AlarmSettingsToStore, StoredAlarmSettings } from './alarm-settings';
import type { News2ObservationToStore } from './news2-observations';
import type { MarkedBeatClass, StoredBeatMark } from './beat-marks';
import type { News2Recorded } from '../../../shared/model/news2';
import type { CheckpointPhase } from './checkpoint-phases';
import type { PackedRun } from './packing';
import type { OutboxBacklog, OutboxBatch, OutboxFrame, SyncLane } from './sync-outbox';
import type { PulledResult, PulledRow } from './sync-pulled';
import type { AuditEventToStore } from './audit';
import type { AuditChainReport } from './audit-chain-check';
import type { CensusListState, CensusPageToKeep, KeptOurs, KeptOursToStore } from './census';
import type { CensusEntry } from '../../../shared/sync/census';
import type { PatientVersionToStore } from './patient-versions';
import type { AccountChange, AddAccountResult, StoredAccount } from './accounts';
import type { StoredSignInTries } from './sign-in-tries';
import type {
  ServerAccountChange,
  ServerAccountsPageToKeep,
  StoredServerAccount,
} from './server-accounts';
import type { StoredTelehealthConsult, TelehealthConsultChange } from './telehealth-consults';

export interface StoreWorkerData {
  dataDir: string;
  workstationId: string;
  /** Passed in rather than imported by the worker, so the worker also runs from TS source. */
  migrations: readonly Migration[];
  retention: RetentionPolicy;
  /** Free bytes kept in hand on the store's disk (disk-space.ts). */
  diskReserveBytes: number;
  /** How often the database is made durable and the journal it covers deleted. */
  checkpointEveryMs: number;
  /** Tests only: the worker announces each checkpoint phase and waits here (checkpoint-phases.ts). */
  phaseGate?: SharedArrayBuffer;
  /** The data key (32 bytes), its file, and the file's text when made now (encryption/data-key.ts). */
  dataKey: Uint8Array;
  keyFile: string;
  newKeyFileText: string | null;
  newCredential: { file: string; text: string } | null;
}

/**
 * What became of a batch. Not stored: the disk is full (or the database cannot be written), and
 * nothing of it is lost yet: `payload` is the batch, prepared, for the client to hold and send
 * again (appendPrepared). Rows the database refused are named in `refused` either way.
 */
export type AppendResult =
  | { stored: true; refused: string[] }
  | { stored: false; refused: string[]; reason: string; payload: Uint8Array };

/** Consecutive sample blocks of one channel, merged; values travel as a transferable buffer. */
export interface WaveformChunk {
  bedId: string;
  deviceId: string;
  channel: string;
  rateHz: number;
  t0Ms: number;
  values: Float64Array;
}

export interface WriteBatch {
  chunks: WaveformChunk[];
  numerics: NumericToStore[];
  alarmEvents: AlarmEventToStore[];
}

export interface SampleQuery {
  deviceId: string;
  channel: string;
  fromMs?: number;
  toMs?: number;
}

export interface StoredWaveformBlock {
  t0: number;
  rateHz: number;
  values: Int32Array;
}

export interface StoreCounts {
  /** Packed rows (and rows written before packing): waveform_chunks. */
  waveformChunks: number;
  /** Live chunks waiting for their minute to be packed: waveform_staging. */
  stagedChunks: number;
  samples: number;
  numerics: number;
  alarmEvents: number;
}

/** A stethoscope recording to keep; wav is the validated 16-bit PCM WAV file. */
export interface SoundRecordingToStore {
  bedId: string;
  patientId: string | null;
  startedAtMs: number;
  rateHz: number;
  sampleCount: number;
  site: string | null;
  mode: string | null;
  label: string | null;
  /** Found in the heart sounds on saving; null when none was. */
  heartRateBpm: number | null;
  wav: Uint8Array;
}

/** As listed: with the patient's name and MRN as their record was when the recording was kept. */
export type StoredSoundRecording = Omit<SoundRecordingToStore, 'wav'> & {
  id: string;
  patient: SoundRecordingPatient | null;
};
export type StoredSoundRecordingWithWav = StoredSoundRecording & { wav: Uint8Array };

/** An ECG strip as printed (PDF): 'alarm' strips name their alarm, 'manual' ones do not. */
export interface StripToStore {
  bedId: string;
  kind: 'alarm' | 'manual';
  alarmId: string | null;
  alarmMessage: string | null;
  fromMs: number;
  toMs: number;
  createdAtMs: number;
  actor: string;
  pdf: Uint8Array;
}

export type StoredStrip = Omit<StripToStore, 'pdf'> & { id: string };
export type StoredStripWithPdf = StoredStrip & { pdf: Uint8Array };

/** A numeric read from a device's memory; `sourceKey` names the reading it belongs to. */
export interface ImportedNumericToStore {
  bedId: string;
  deviceId: string;
  refId: string;
  value: number;
  unit: string;
  at: number;
  sourceKey: string;
  /** The patient the reading is kept for (every download since migration 013 names one). */
  patientId?: string | null;
}

/** Each operation the worker answers: what it takes and what it replies. */
export interface StoreOperations {
  append: { params: { batch: WriteBatch }; result: AppendResult };
  /** A batch sent back by `append` for want of space, sent again (ids kept: stored once). */
  appendPrepared: { params: { payload: Uint8Array }; result: AppendResult };
  /** Whether the store's disk has room to write again; `shortage` says why not. */
  checkSpace: { params: Record<string, never>; result: { shortage: string | null } };
  flush: { params: Record<string, never>; result: void };
  readSamples: { params: { query: SampleQuery }; result: StoredWaveformBlock[] };
  counts: { params: Record<string, never>; result: StoreCounts };
  readTrend: { params: { query: TrendQuery }; result: Trend[] };
  recordChannels: { params: { channels: ChannelRecord[] }; result: void };
  readChannels: { params: { bedId: string }; result: ChannelRecord[] };
  appendAnnotations: { params: { annotations: AnnotationRecord[] }; result: void };
  readAnnotations: {
    params: { bedId: string; fromMs: number; toMs: number; kind?: string };
    result: AnnotationRecord[];
  };
  readAlarmLog: {
    params: { bedId: string; fromMs: number; toMs: number };
    result: AlarmLogRecord[];
  };
  readWaveformWindow: { params: { query: WaveformWindowQuery }; result: WaveformSegment[] };
  readWaveformExtent: { params: { bedId: string }; result: WaveformExtent | null };
  /** Packs every channel-minute complete at `nowMs` (packing.ts); says how many rows. */
  pack: { params: { nowMs: number }; result: { packedRows: number; stagedRows: number } };
  /** A whole recorded signal (an import), written as packed rows; on disk first if durable. */
  storeWaveform: { params: { run: PackedRun; durable: boolean }; result: void };
  /** Prunes everything expired at `nowMs` (in bounded steps); says how many rows went. */
  prune: { params: { nowMs: number }; result: Record<string, number> };
  close: { params: Record<string, never>; result: void };
  /** Inserts and syncs to disk before answering: an acknowledged recording survives a crash. */
  saveSoundRecording: {
    params: { recording: SoundRecordingToStore };
    result: StoredSoundRecording;
  };
  /** Inserts the rows not stored before and syncs to disk; one boolean per row: stored now. */
  importNumerics: {
    params: { rows: ImportedNumericToStore[]; audit?: ImportAuditEvent[] };
    result: boolean[];
  };
  /** Which downloaded readings (by source key) are stored already, and for whom. */
  readStoredReadings: { params: { sourceKeys: string[] }; result: StoredReading[] };
  listSoundRecordings: { params: { bedId: string }; result: StoredSoundRecording[] };
  // Not `id`: that field of a request is the request's own number.
  readSoundRecording: {
    params: { recordingId: string };
    result: StoredSoundRecordingWithWav | null;
  };
  /** Inserts and syncs to disk; null when that alarm has its strip already. */
  saveStrip: { params: { strip: StripToStore }; result: StoredStrip | null };
  listStrips: { params: { bedId: string }; result: StoredStrip[] };
  readStrip: { params: { stripId: string }; result: StoredStripWithPdf | null };
  /** Patients and admissions (patients.ts); writes are on disk before the answer. */
  admitPatient: { params: { admission: AdmissionToStore }; result: StoredPatient };
  recordAdmissionEvent: { params: { event: AdmissionEventToStore }; result: void };
  readCurrentAdmissions: { params: Record<string, never>; result: PatientPlace[] };
  searchPatients: { params: { text: string; limit: number }; result: FoundPatient[] };
  findPatientByMrn: { params: { mrn: string }; result: PatientRecord | null };
  readPatientHistory: { params: { patientId: string }; result: StoredPatientHistory | null };
  /** Confirmed alarm limits (alarm-settings.ts); on disk before the answer. */
  recordAlarmSettings: { params: { settings: AlarmSettingsToStore }; result: void };
  readLatestAlarmSettings: { params: Record<string, never>; result: StoredAlarmSettings[] };
  /** Beats not called normal, kept as `beat` annotations (beat-marks.ts). */
  readBeatMarks: {
    params: { bedId: string; fromMs: number; toMs: number };
    result: StoredBeatMark[];
  };
  findBeatMark: {
    params: {
      bedId: string;
      beatClass: MarkedBeatClass;
      fromMs: number;
      direction: 'next' | 'previous';
    };
    result: StoredBeatMark | null;
  };
  /** The nurse's NEWS2 observations (news2-observations.ts); on disk before the answer. */
  recordNews2Observation: { params: { observation: News2ObservationToStore }; result: void };
  readNews2Recorded: {
    params: { patientIds: string[] };
    result: Record<string, News2Recorded>;
  };
  /** One event of the audit trail (audit.ts); on disk before the answer. */
  recordAuditEvent: { params: { event: AuditEventToStore }; result: void };
  /** The audit trail's hash chain checked as stored (audit-chain-check.ts). */
  verifyAuditChain: { params: Record<string, never>; result: AuditChainReport };
  recordDeviceSession: { params: { event: DeviceSessionToStore }; result: void };
  /** Sync (sync-outbox.ts): a lane's next batch, newest first; its bytes are transferred. */
  readSyncBatch: {
    params: { lane: SyncLane; maxBytes: number; maxRows: number };
    result: OutboxBatch;
  };
  /** The same batch encoded as a push frame on the worker; the frame is transferred. */
  readSyncFrame: {
    params: {
      lane: SyncLane;
      maxBytes: number;
      maxRows: number;
      meta: { protocol: number; workstationId: string; batchId: string };
      beforeSeq?: number;
    };
    result: OutboxFrame;
  };
  /** Outbox rows the server committed leave the outbox; how many went. */
  acknowledgeSync: { params: { seqs: number[] }; result: number };
  /** Outbox rows the server refused are set aside with its reason; how many. */
  setSyncAside: { params: { refused: { seq: number; reason: string }[] }; result: number };
  requeueSyncSetAside: { params: Record<string, never>; result: number };
  /** What waits to be sent, per lane (totals kept by triggers: no count of the outbox). */
  readSyncBacklog: { params: Record<string, never>; result: OutboxBacklog };
  readSyncState: { params: { key: string }; result: unknown };
  writeSyncState: { params: { key: string; value: unknown }; result: void };
  /** Versions pulled from the server (sync-pulled.ts); their stamps go into the clock. */
  applyPulledRows: { params: { rows: PulledRow[] }; result: PulledResult };
  /** While enrolled, waveforms and numerics are kept until sent, however old (retention.ts). */
  setSignalsWaitForSync: { params: { wait: boolean }; result: void };
  /** The hospital's patient list (census.ts): a page and its cursor; the MRN keys changed. */
  keepCensusPage: { params: { page: CensusPageToKeep }; result: string[] };
  readCensusState: { params: Record<string, never>; result: CensusListState };
  searchCensus: { params: { text: string; limit: number }; result: CensusEntry[] };
  readCensusByMrn: { params: { mrns: string[] }; result: CensusEntry[] };
  /** A person kept our details against the hospital's; audited, on disk before the answer. */
  recordKeptOurs: { params: { kept: KeptOursToStore }; result: void };
  readKeptOurs: { params: { patientIds: string[] }; result: KeptOurs[] };
  /** A new version of a patient's details (patient-versions.ts); on disk before the answer. */
  recordPatientVersion: { params: { change: PatientVersionToStore }; result: StoredPatient };
  /** The workstation's own accounts (accounts.ts); writes on disk before the answer. */
  readAccounts: { params: Record<string, never>; result: StoredAccount[] };
  addAccount: { params: { account: StoredAccount; firstOnly: boolean }; result: AddAccountResult };
  updateAccount: { params: { change: AccountChange }; result: boolean };
  /** Wrong passwords per name (sign-in-tries.ts): older than sinceMs forgotten, the rest read. */
  readSignInTries: { params: { sinceMs: number }; result: StoredSignInTries[] };
  keepSignInTries: { params: { tries: StoredSignInTries }; result: void };
  /** The hospital's accounts from the central server (server-accounts.ts); ids changed. */
  keepServerAccountsPage: { params: { page: ServerAccountsPageToKeep }; result: string[] };
  readServerAccounts: { params: Record<string, never>; result: StoredServerAccount[] };
  updateServerAccount: { params: { change: ServerAccountChange }; result: boolean };
  /** Remote consults (telehealth-consults.ts): kept with their notes and audits; note ids kept now. */
  readTelehealthConsults: { params: Record<string, never>; result: StoredTelehealthConsult[] };
  keepTelehealthConsult: { params: { change: TelehealthConsultChange }; result: string[] };
}
export type StoreOperation = keyof StoreOperations;

export type StoreRequest = {
  [K in StoreOperation]: { id: number; op: K } & StoreOperations[K]['params'];
}[StoreOperation];

export type StoreWorkerMessage =
  /** notices: what a person must know about the store's state (recovered, kept aside…). */
  | { type: 'ready'; notices: string[]; problems?: string[] }
  /** damaged: the data directory cannot be opened as a database (not a refusal, e.g. newer). */
  | { type: 'startFailed'; error: string; damaged: boolean; keyRefused?: boolean }
  /** Something went wrong between requests (a failed checkpoint): reported, the store goes on. */
  | { type: 'problem'; error: string }
  /** A write was refused for want of space (a direct write, a checkpoint put off). */
  | { type: 'diskFull'; error: string }
  /** A CHECKPOINT failed: PGlite may be stuck; the worker must be replaced (it answers without it). */
  | { type: 'wedged'; error: string }
  /** A checkpoint phase, for a test (checkpoint-phases.ts); the worker waits on the gate. */
  | { type: 'checkpointPhase'; phase: CheckpointPhase }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };
