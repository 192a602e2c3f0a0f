// The store's worker thread: owns the one PGlite instance, so the main thread never waits on the
// synchronous WASM engine. Answers StoreRequests one at a time, in the order they arrive.
import { mkdirSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { applyMigrations } from './migrate';
import type { StoreRequest, StoreWorkerData, StoreWorkerMessage } from './protocol';
import { countRows, readSamples } from './reads';
import { insertBatch } from './writes';
import { importNumerics } from './imports';
import { insertSoundRecording, listSoundRecordings, readSoundRecording } from './sound-recordings';

if (!parentPort) throw new Error('The store worker must be started as a worker thread.');
const port = parentPort;
const { dataDir, workstationId, migrations } = workerData as StoreWorkerData;

function post(message: StoreWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function open(): Promise<PGlite> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  try {
    await applyMigrations(db, migrations);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}

async function perform(
  db: PGlite,
  request: StoreRequest,
): Promise<{ result: unknown; transfer?: ArrayBuffer[] }> {
  switch (request.op) {
    case 'append':
      await insertBatch(db, workstationId, request.batch);
      return { result: undefined };
    case 'flush':
      // Requests run in order, so every earlier write has committed; push PGlite's files out.
      await db.syncToFs();
      return { result: undefined };
    case 'readSamples': {
      const blocks = await readSamples(db, request.query);
      return {
        result: blocks,
        transfer: blocks.map((block) => block.values.buffer as ArrayBuffer),
      };
    }
    case 'counts':
      return { result: await countRows(db) };
    case 'close':
      await db.close();
      return { result: undefined };
    case 'saveSoundRecording': {
      const saved = await insertSoundRecording(db, workstationId, request.recording);
      await db.syncToFs();
      return { result: saved };
    }
    case 'importNumerics': {
      const stored = await importNumerics(db, workstationId, request.rows);
      await db.syncToFs();
      return { result: stored };
    }
    case 'listSoundRecordings':
      return { result: await listSoundRecordings(db, request.bedId) };
    case 'readSoundRecording': {
      const recording = await readSoundRecording(db, request.recordingId);
      return {
        result: recording,
        transfer: recording ? [recording.wav.buffer as ArrayBuffer] : [],
      };
    }
  }
}

async function answer(db: PGlite, request: StoreRequest): Promise<void> {
  if (db.closed) {
    post({ type: 'reply', id: request.id, ok: false, error: 'the database is closed' });
    return;
  }
  try {
    const { result, transfer } = await perform(db, request);
    post({ type: 'reply', id: request.id, ok: true, result }, transfer);
  } catch (error) {
    post({ type: 'reply', id: request.id, ok: false, error: reasonOf(error) });
  }
}

// No top-level await: from TS source this file is loaded as CommonJS (see worker-from-source.mjs).
async function main(): Promise<void> {
  try {
    const db = await open();
    let previous = Promise.resolve();
    port.on('message', (request: StoreRequest) => {
      previous = previous.then(() => answer(db, request));
    });
    post({ type: 'ready' });
  } catch (error) {
    post({ type: 'startFailed', error: `${dataDir}: ${reasonOf(error)}` });
  }
}

void main();
