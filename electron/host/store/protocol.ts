// The typed messages between the store client (main thread) and the store worker (owns PGlite).
import type { Migration } from './migrations/index';
import type { AlarmEventToStore, NumericToStore } from './store-input';

export interface StoreWorkerData {
  dataDir: string;
  workstationId: string;
  /** Passed in rather than imported by the worker, so the worker also runs from TS source. */
  migrations: readonly Migration[];
}

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
  waveformChunks: number;
  samples: number;
  numerics: number;
  alarmEvents: number;
}

/** Each operation the worker answers: what it takes and what it replies. */
export interface StoreOperations {
  append: { params: { batch: WriteBatch }; result: void };
  flush: { params: Record<string, never>; result: void };
  readSamples: { params: { query: SampleQuery }; result: StoredWaveformBlock[] };
  counts: { params: Record<string, never>; result: StoreCounts };
  close: { params: Record<string, never>; result: void };
}
export type StoreOperation = keyof StoreOperations;

export type StoreRequest = {
  [K in StoreOperation]: { id: number; op: K } & StoreOperations[K]['params'];
}[StoreOperation];

export type StoreWorkerMessage =
  | { type: 'ready' }
  | { type: 'startFailed'; error: string }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };
