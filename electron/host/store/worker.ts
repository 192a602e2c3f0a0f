// The store's worker thread: owns the one PGlite instance, so the main thread never waits on the
// synchronous WASM engine. Answers StoreRequests one at a time, in the order they arrive.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { applyMigrations } from './migrate';
import type { StoreRequest, StoreWorkerData, StoreWorkerMessage } from './protocol';
import { countRows, readSamples } from './reads';
import { readWaveformWindow } from './queries';
import { RecentTrends } from './recent-trends';
import { pruneStep } from './retention';
import {
  appendAnnotations,
  readAlarmLog,
  readAnnotations,
  readChannels,
  recordChannels,
} from './records';
import { insertPrepared } from './writes';
import { deleteSegmentsThrough, Journal, readJournal, segmentsIn } from './journal';
import { deserializeBatch, prepareBatch, serializeBatch } from './prepared-batch';
import { makeDurable } from './durable-sync';
import { importNumerics } from './imports';
import { insertSoundRecording, listSoundRecordings, readSoundRecording } from './sound-recordings';
import { insertStrip, listStrips, readStrip } from './strips';
import {
  admitPatient,
  readCurrentAdmissions,
  recordAdmissionEvent,
  searchPatients,
} from './patients';
import { readLatestAlarmSettings, recordAlarmSettings } from './alarm-settings';

if (!parentPort) throw new Error('The store worker must be started as a worker thread.');
const port = parentPort;
const { dataDir, workstationId, migrations, retention } = workerData as StoreWorkerData;
const journalDir = `${dataDir}.journal`;
/** Written once the store has opened: a store that was there and is gone is not "new". */
const createdMarker = `${dataDir}.created`;
/** How often the database is made durable and the journal it covers deleted. */
const CHECKPOINT_EVERY_MS = 30_000;
/** How often expired rows are pruned: a few thousand rows per step, between other requests. */
const PRUNE_EVERY_MS = 60_000;

/** The last 24 h of trends of the beds being looked at, kept in step with every commit. */
const trends = new RecentTrends();

/** The data directory cannot be opened as a database: the client keeps it aside. */
class DamagedStoreError extends Error {}

function post(message: StoreWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Opened {
  db: PGlite;
  journal: Journal;
  notices: string[];
}

function isHalfWritten(dir: string): boolean {
  if (!existsSync(dir)) return false;
  const entries = readdirSync(dir);
  return entries.length > 0 && !entries.includes('PG_VERSION');
}

async function open(): Promise<Opened> {
  const notices: string[] = [];
  if (isHalfWritten(dataDir)) {
    throw new DamagedStoreError('it holds files but no database (PG_VERSION is missing)');
  }
  const isNew = !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  if (isNew && existsSync(createdMarker)) {
    notices.push(
      `The data store ${dataDir} was missing (it had been created before); a new, empty one` +
        ' was started. Earlier data are not on this workstation.',
    );
  }
  mkdirSync(dataDir, { recursive: true });
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
    await db.query('SELECT 1');
  } catch (error) {
    throw new DamagedStoreError(`the database cannot be opened (${reasonOf(error)})`);
  }
  try {
    await applyMigrations(db, migrations);
    const { replayed, notices: journalNotices } = await replayJournal(db);
    notices.push(...journalNotices);
    // Replayed rows are made durable before the segments holding them go; an empty journal
    // needs nothing (the last close or checkpoint made everything durable).
    if (replayed > 0) await checkpoint(db, null, true);
    else deleteSegmentsThrough(journalDir, segmentsIn(journalDir).at(-1) ?? 0);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  if (!existsSync(createdMarker)) writeFileSync(createdMarker, `${new Date().toISOString()}\n`);
  return { db, journal: new Journal(journalDir), notices };
}

/** Re-inserts what the journal holds; rows the database already has are skipped by id. */
async function replayJournal(db: PGlite): Promise<{ replayed: number; notices: string[] }> {
  const report = readJournal(journalDir);
  for (const record of report.records) {
    await insertPrepared(db, workstationId, deserializeBatch(record.payload), {
      skipExisting: true,
    });
  }
  const notices = report.damaged.map(
    ({ segment, atByte, keptAs }) =>
      `Journal segment ${segment} is damaged at byte ${atByte}: what it held after that point` +
      ` could not be recovered. A copy was kept as ${keptAs}.`,
  );
  return { replayed: report.records.length, notices };
}

let durable: Promise<void> | null = null;

/**
 * Makes the database durable and deletes the journal segments it now covers. With a journal,
 * its current segment is closed first, so only segments wholly in the database are deleted.
 * The fsyncs run off this thread while ingest goes on; `wait` (open, close) waits for them.
 */
async function checkpoint(db: PGlite, journal: Journal | null, wait: boolean): Promise<void> {
  if (durable) {
    if (wait) await durable;
    else return; // the previous checkpoint is still flushing: the next timer tick tries again
  }
  const covered = journal ? journal.rotate() : (segmentsIn(journalDir).at(-1) ?? 0);
  await db.query('CHECKPOINT');
  durable = makeDurable(dataDir)
    .then(() => deleteSegmentsThrough(journalDir, covered))
    .finally(() => (durable = null));
  if (wait) await durable;
  else
    durable.catch((error: unknown) =>
      post({ type: 'problem', error: `making the store durable failed: ${reasonOf(error)}` }),
    );
}

/**
 * Rows written straight to the database (not through the journal: a stethoscope recording,
 * downloaded readings, annotations) are acknowledged only once on disk. PGlite's syncToFs does
 * not fsync its files; a checkpoint does. These writes are rare, so its cost is fine.
 */
function makeDirectWriteDurable(db: PGlite, journal: Journal): Promise<void> {
  return checkpoint(db, journal, true);
}

async function perform(
  { db, journal }: Opened,
  request: StoreRequest,
): Promise<{ result: unknown; transfer?: ArrayBuffer[] }> {
  switch (request.op) {
    case 'append': {
      // Journal first: once this request is answered, the batch survives the process dying.
      const batch = prepareBatch(request.batch);
      journal.append(serializeBatch(batch));
      trends.apply(await insertPrepared(db, workstationId, batch));
      return { result: undefined };
    }
    case 'flush':
      // Requests run in order, so every earlier write is journaled and committed; the journal
      // is now synced to disk, which bounds what a power cut could take.
      journal.sync();
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
    case 'recordChannels':
      await recordChannels(db, workstationId, request.channels);
      return { result: undefined };
    case 'readChannels':
      return { result: await readChannels(db, request.bedId) };
    case 'appendAnnotations':
      await appendAnnotations(db, workstationId, request.annotations);
      await makeDirectWriteDurable(db, journal);
      return { result: undefined };
    case 'readAnnotations':
      return {
        result: await readAnnotations(db, request.bedId, request.fromMs, request.toMs),
      };
    case 'readAlarmLog':
      return { result: await readAlarmLog(db, request.bedId, request.fromMs, request.toMs) };
    case 'readTrend':
      return { result: await trends.read(db, request.query) };
    case 'readWaveformWindow': {
      const segments = await readWaveformWindow(db, request.query);
      return {
        result: segments,
        transfer: segments.map((segment) => segment.values.buffer as ArrayBuffer),
      };
    }
    case 'prune': {
      const total: Record<string, number> = {};
      for (;;) {
        const { deleted, more } = await pruneStep(db, retention, request.nowMs);
        for (const [table, n] of Object.entries(deleted)) total[table] = (total[table] ?? 0) + n;
        if (!more) return { result: total };
      }
    }
    case 'close':
      await checkpoint(db, journal, true);
      journal.close();
      // The checkpoint covered everything; the segment it opened is empty (close comes last).
      deleteSegmentsThrough(journalDir, journal.segment);
      await db.close();
      return { result: undefined };
    case 'saveSoundRecording': {
      const saved = await insertSoundRecording(db, workstationId, request.recording);
      await makeDirectWriteDurable(db, journal);
      return { result: saved };
    }
    case 'importNumerics': {
      const { stored, rollups } = await importNumerics(db, workstationId, request.rows);
      trends.apply(rollups);
      await makeDirectWriteDurable(db, journal);
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
    case 'saveStrip': {
      const saved = await insertStrip(db, workstationId, request.strip);
      await makeDirectWriteDurable(db, journal);
      return { result: saved };
    }
    case 'listStrips':
      return { result: await listStrips(db, request.bedId) };
    case 'readStrip': {
      const strip = await readStrip(db, request.stripId);
      return { result: strip, transfer: strip ? [strip.pdf.buffer as ArrayBuffer] : [] };
    }
    case 'admitPatient': {
      const patient = await admitPatient(db, workstationId, request.admission);
      await makeDirectWriteDurable(db, journal);
      return { result: patient };
    }
    case 'recordAdmissionEvent':
      await recordAdmissionEvent(db, workstationId, request.event);
      await makeDirectWriteDurable(db, journal);
      return { result: undefined };
    case 'readCurrentAdmissions':
      return { result: await readCurrentAdmissions(db) };
    case 'searchPatients':
      return { result: await searchPatients(db, request.text, request.limit) };
    case 'recordAlarmSettings':
      await recordAlarmSettings(db, workstationId, request.settings);
      await makeDirectWriteDurable(db, journal);
      return { result: undefined };
    case 'readLatestAlarmSettings':
      return { result: await readLatestAlarmSettings(db) };
  }
}

async function answer(opened: Opened, request: StoreRequest): Promise<void> {
  if (opened.db.closed) {
    post({ type: 'reply', id: request.id, ok: false, error: 'the database is closed' });
    return;
  }
  try {
    const { result, transfer } = await perform(opened, request);
    post({ type: 'reply', id: request.id, ok: true, result }, transfer);
  } catch (error) {
    post({ type: 'reply', id: request.id, ok: false, error: reasonOf(error) });
  }
}

// No top-level await: from TS source this file is loaded as CommonJS (see worker-from-source.mjs).
async function main(): Promise<void> {
  let opened: Opened;
  try {
    opened = await open();
  } catch (error) {
    post({
      type: 'startFailed',
      error: `${dataDir}: ${reasonOf(error)}`,
      damaged: error instanceof DamagedStoreError,
    });
    return;
  }
  let previous = Promise.resolve();
  const enqueue = (task: () => Promise<void>) => (previous = previous.then(task));
  port.on('message', (request: StoreRequest) => enqueue(() => answer(opened, request)));
  // Between requests, in the same queue: the database never sees two callers at once.
  const timer = setInterval(
    () =>
      enqueue(async () => {
        if (opened.db.closed) return clearInterval(timer);
        await checkpoint(opened.db, opened.journal, false).catch((error: unknown) =>
          post({ type: 'problem', error: `checkpoint failed: ${reasonOf(error)}` }),
        );
      }),
    CHECKPOINT_EVERY_MS,
  );
  timer.unref();
  // Pruning takes bounded steps, each queued like a request, so ingest never waits long.
  const prune = () =>
    enqueue(async () => {
      if (opened.db.closed) return;
      try {
        const { more } = await pruneStep(opened.db, retention, Date.now());
        if (more) setTimeout(prune, 1_000).unref();
      } catch (error) {
        post({ type: 'problem', error: `pruning expired data failed: ${reasonOf(error)}` });
      }
    });
  setInterval(prune, PRUNE_EVERY_MS).unref();
  post({ type: 'ready', notices: opened.notices });
}

void main();
