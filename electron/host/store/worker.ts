// The store's worker thread: owns the one PGlite instance, so the main thread never waits on the
// synchronous WASM engine. Answers StoreRequests one at a time, in the order they arrive.
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { applyMigrations } from './migrate';
import type { AppendResult, StoreRequest, StoreWorkerData, StoreWorkerMessage } from './protocol';
import { countRows, readSamples } from './reads';
import { readWaveformExtent, readWaveformWindow } from './queries';
import { RecentTrends } from './recent-trends';
import { pruneStep } from './retention';
import {
  appendAnnotations,
  readAlarmLog,
  readAnnotations,
  readChannels,
  recordChannels,
} from './records';
import { deleteSegmentsThrough, Journal, readJournal, segmentsIn } from './journal';
import {
  deserializeBatch,
  prepareRows,
  serializeBatch,
  type PreparedBatch,
} from './prepared-batch';
import { makeDurable } from './durable-sync';
import { insertKeepingGoodRows } from './batch-insert';
import { DiskFullError, DiskRoom, isDiskFull } from './disk-space';
import { relationFiles, sealStore, storeDamage } from './store-seal';
import { makePrivateDir, makeTreePrivate, PRIVATE_FILE_MODE } from './private-files';
import { phaseAnnouncer } from './checkpoint-phases';
import { importNumerics, readStoredReadings } from './imports';
import { insertSoundRecording, listSoundRecordings, readSoundRecording } from './sound-recordings';
import { insertStrip, listStrips, readStrip } from './strips';
import {
  admitPatient,
  findPatientByMrn,
  readCurrentAdmissions,
  readPatientHistory,
  recordAdmissionEvent,
  searchPatients,
} from './patients';
import { readLatestAlarmSettings, recordAlarmSettings } from './alarm-settings';
import { readNews2Recorded, recordNews2Observation } from './news2-observations';
import { insertAccount, readAccounts, updateAccount } from './accounts';
import { keepSignInTries, readSignInTries } from './sign-in-tries';
import { keepServerAccountsPage, readServerAccounts, updateServerAccount } from './server-accounts';
import { findBeatMark, readBeatMarks } from './beat-marks';
import { insertAuditEvent } from './audit';
import { checkAuditChain } from './audit-chain-check';
import { insertDeviceSession } from './device-sessions';
import { packAll, packStep, reclaimStaging, storePackedRun } from './packing';
import type { HybridClock } from '../../../shared/sync/hlc';
import { restoreClock } from './sync-clock';
import {
  acknowledgeOutbox,
  readOutboxBacklog,
  readOutboxBatch,
  readOutboxFrame,
  requeueSetAside,
  readSyncState,
  setOutboxRowsAside,
  writeSyncState,
} from './sync-outbox';
import { applyPulledRows } from './sync-pulled';
import { keepTelehealthConsult, readTelehealthConsults } from './telehealth-consults';
import {
  keepCensusPage,
  readCensusByMrn,
  readCensusState,
  readKeptOurs,
  recordKeptOurs,
  searchCensus,
} from './census';
import { recordPatientVersion } from './patient-versions';
import { FieldCipher, useFieldCipher } from './encryption/field-cipher';
import { StoreKeyError } from './encryption/data-key';
import { checkStoreKey, sealStoreRows } from './encryption/seal-store';

if (!parentPort) throw new Error('The store worker must be started as a worker thread.');
const port = parentPort;
const {
  dataDir,
  workstationId,
  migrations,
  retention,
  diskReserveBytes,
  checkpointEveryMs,
  phaseGate,
  dataKey,
  keyFile,
  newKeyFileText,
  newCredential,
} = workerData as StoreWorkerData;
/** Seals patients' details as they are written, opens them as they are read (encryption/). */
const cipher = new FieldCipher(dataKey);
useFieldCipher(cipher);
const journalDir = `${dataDir}.journal`;
/** Written once the store has opened: a store that was there and is gone is not "new". */
const createdMarker = `${dataDir}.created`;
/** The sizes of the database's files at the last checkpoint (store-seal.ts). */
const sealFile = `${dataDir}.seal`;
const newestMigration = migrations.at(-1)?.version ?? 0;
/** Nothing is written below this much free space: PGlite must never meet a full disk. */
const room = new DiskRoom([dataDir, journalDir, dirname(dataDir)], diskReserveBytes);
const announce = phaseAnnouncer(phaseGate, (phase) => post({ type: 'checkpointPhase', phase }));
/** How often expired rows are pruned: a few thousand rows per step, between other requests. */
const PRUNE_EVERY_MS = 60_000;

/** While enrolled, waveforms and numerics wait for sync as events do (retention.ts). */
let signalsWaitForSync = false;

/** The last 24 h of trends of the beds being looked at, kept in step with every commit. */
const trends = new RecentTrends();

/** The data directory cannot be opened as a database: the client keeps it aside. */
class DamagedStoreError extends Error {}

function post(message: StoreWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  // PGlite's file system throws plain objects ({ errno }), WASI numbering.
  if (typeof error === 'object' && error !== null && 'errno' in error) {
    return `file system error ${String((error as { errno: unknown }).errno)}${isDiskFull(error) ? ' (no space left on device)' : ''}`;
  }
  return String(error);
}

interface Opened {
  db: PGlite;
  journal: Journal;
  notices: string[];
  /** For the log: rows of the journal the database refused, files made private. */
  problems: string[];
  /** Stamps every version of a mutable fact written here (sync-clock.ts). */
  clock: HybridClock;
}

function isHalfWritten(dir: string): boolean {
  if (!existsSync(dir)) return false;
  const entries = readdirSync(dir);
  return entries.length > 0 && !entries.includes('PG_VERSION');
}

async function open(): Promise<Opened> {
  const notices: string[] = [];
  const problems: string[] = [];
  // Never taken for damage: a full disk is said as it is, and the store is left as it was.
  const shortage = room.shortage();
  if (shortage !== null) {
    throw new Error(`${shortage}. Free space on that disk, then start the workstation again`);
  }
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
  if (isNew) rmSync(sealFile, { force: true });
  else {
    const damage = storeDamage(dataDir, sealFile, newestMigration);
    if (damage !== null) throw new DamagedStoreError(damage);
  }
  // PGlite makes its files 0666; inside a private folder no one else could reach them.
  const wasOpen = existsSync(dataDir) && (statSync(dataDir).mode & 0o077) !== 0;
  makePrivateDir(dataDir);
  const opened = makeTreePrivate(dataDir);
  if (wasOpen) {
    problems.push(
      `${opened} files and folders of ${dataDir} were open to other users: made private`,
    );
  }
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
    await db.query('SELECT 1');
  } catch (error) {
    if (isDiskFull(error)) {
      throw new Error(`the disk is full (${reasonOf(error)})`, { cause: error });
    }
    throw new DamagedStoreError(`the database cannot be opened (${reasonOf(error)})`);
  }
  try {
    // Before anything is written: a key that is not this store's changes nothing.
    const keyState = await checkStoreKey(db, cipher, {
      keyFile,
      newKeyFileText,
      newCredential,
      folder: dirname(dataDir),
    });
    const { applied } = await applyMigrations(db, migrations);
    // A store made before sealing (or new) is sealed now, its plain rows rewritten.
    const sealedRows = keyState === 'unsealed' ? await sealStoreRows(db, cipher) : 0;
    if (sealedRows > 0) {
      problems.push(`${sealedRows} rows of patient data kept before sealing were sealed now`);
    }
    const replay = await replayJournal(db);
    notices.push(...replay.notices);
    problems.push(...replay.refused);
    // What a stop left staged (a minute cut short, a crash before packing) is packed now.
    const packed = await packAll(db, workstationId, Date.now());
    problems.push(...packed.problems);
    if (packed.stagedRows > 0) await reclaimStaging(db);
    // Replayed and packed rows are made durable before the segments holding them go, and
    // migrated files are sealed anew; otherwise nothing changed since the last close or checkpoint.
    if (
      replay.replayed > 0 ||
      packed.stagedRows > 0 ||
      applied.length > 0 ||
      sealedRows > 0 ||
      !existsSync(sealFile)
    ) {
      await checkpoint(db, null, true);
    } else deleteSegmentsThrough(journalDir, segmentsIn(journalDir).at(-1) ?? 0);
  } catch (error) {
    // A database a failed CHECKPOINT left stuck would never close: the thread is ended instead.
    if (wedged === null) await db.close().catch(() => undefined);
    throw error;
  }
  if (!existsSync(createdMarker)) {
    // It also names the workstation whose store this is: an identity file lost is found here.
    const marker = { createdAt: new Date().toISOString(), workstationId };
    writeFileSync(createdMarker, JSON.stringify(marker) + '\n', { mode: PRIVATE_FILE_MODE });
  }
  const journal = new Journal(journalDir, {
    onSyncError: (error) => reportWriteProblem(`the journal could not be synced to disk`, error),
  });
  const { clock, problem } = await restoreClock(db, workstationId);
  if (problem !== null) problems.push(problem);
  return { db, journal, notices, problems, clock };
}

/** A write that failed between requests: said, and a full disk is said as such. */
function reportWriteProblem(what: string, error: unknown): void {
  const message = `${what}: ${reasonOf(error)}`;
  post(
    isDiskFull(error) ? { type: 'diskFull', error: message } : { type: 'problem', error: message },
  );
}

/**
 * Re-inserts what the journal holds; rows the database already has are skipped by id, and a row
 * it refuses is named and left out rather than keeping the store from opening.
 */
async function replayJournal(
  db: PGlite,
): Promise<{ replayed: number; notices: string[]; refused: string[] }> {
  const report = readJournal(journalDir);
  const refused: string[] = [];
  for (const record of report.records) {
    const batch = deserializeBatch(record.payload);
    const left = await insertKeepingGoodRows(db, workstationId, batch, () => undefined, {
      skipExisting: true,
    });
    refused.push(...left.map((row) => `replaying the journal: ${row}`));
  }
  const notices = report.damaged.map(
    ({ segment, atByte, keptAs }) =>
      `Journal segment ${segment} is damaged at byte ${atByte}: what it held after that point` +
      ` could not be recovered. A copy was kept as ${keptAs}.`,
  );
  return { replayed: report.records.length, notices, refused };
}

let durable: Promise<void> | null = null;
/** Why the database must not be touched again (a failed CHECKPOINT), or null. */
let wedged: string | null = null;

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
  // A CHECKPOINT that fails for want of space leaves PGlite spinning: put off until there is room.
  room.assertRoom();
  announce('starting');
  const covered = journal ? journal.rotate() : (segmentsIn(journalDir).at(-1) ?? 0);
  announce('database-checkpoint');
  try {
    await db.query('CHECKPOINT');
  } catch (error) {
    // Seen with PGlite 0.5 on a full disk: the next query spins for good. Nothing more goes to
    // this database; the client replaces this worker, and the journal has every batch.
    wedged = reasonOf(error);
    post({ type: 'wedged', error: wedged });
    throw error;
  }
  const sizes = relationFiles(dataDir);
  announce('making-durable');
  durable = makeDurable(dataDir)
    .then(() => {
      for (const segment of segmentsIn(journalDir).filter((seq) => seq <= covered)) {
        announce('clearing-journal');
        deleteSegmentsThrough(journalDir, segment);
      }
      announce('sealing');
      sealStore(sealFile, sizes, newestMigration);
    })
    .finally(() => (durable = null));
  if (wait) await durable;
  else
    durable.catch((error: unknown) => reportWriteProblem('making the store durable failed', error));
}

/**
 * Audit entries come with every sign-in, lock and read of a patient's history: a checkpoint for
 * each (a few hundred ms) would make the next read wait behind it (the first action after a PIN
 * unlock did). They are made durable together instead, within AUDIT_DURABLE_WITHIN_MS of the
 * first one: that is their loss window if the power fails or the process is killed (a stop loses
 * none: closing checkpoints).
 */
const AUDIT_DURABLE_WITHIN_MS = 1_000;
let auditDurableTimer: NodeJS.Timeout | null = null;
let makeAuditDurable: () => void = () => {};
function auditDurableSoon(): void {
  if (auditDurableTimer) return;
  auditDurableTimer = setTimeout(() => {
    auditDurableTimer = null;
    makeAuditDurable();
  }, AUDIT_DURABLE_WITHIN_MS);
  auditDurableTimer.unref();
}

/**
 * Rows written straight to the database (not through the journal: a stethoscope recording,
 * downloaded readings, annotations) are acknowledged only once on disk. PGlite's syncToFs does
 * not fsync its files; a checkpoint does. These writes are rare, so its cost is fine.
 */
async function makeDirectWriteDurable(db: PGlite, journal: Journal): Promise<void> {
  await checkpoint(db, journal, true).catch((error: unknown) => {
    // The row is committed; with the disk full since the request began, the next checkpoint
    // after space returns makes it durable (a kill before then loses it, as it would a journal).
    if (!(error instanceof DiskFullError)) throw error;
    post({ type: 'diskFull', error: error.message });
  });
}

/**
 * Journal, then database. A full disk (before or during) stores nothing and hands the batch
 * back, prepared, for the client to hold and send again; rows the database refuses are named.
 */
async function storeBatch(
  { db, journal }: Opened,
  batch: PreparedBatch,
  payload: Uint8Array,
  refused: string[],
  sentAgain: boolean,
): Promise<{ result: AppendResult; transfer?: ArrayBuffer[] }> {
  const notStored = (reason: string) => {
    const own = payload.byteOffset === 0 && payload.byteLength === payload.buffer.byteLength;
    const handedBack = own ? payload : payload.slice();
    return {
      result: { stored: false as const, refused, reason, payload: handedBack },
      transfer: [handedBack.buffer as ArrayBuffer],
    };
  };
  const shortage = room.shortage();
  if (shortage !== null) return notStored(shortage);
  try {
    // Journal first: once this request is answered, the batch survives the process dying.
    journal.append(payload);
    // Sent again, some rows may be in already (a batch whose commit was cut short).
    const left = await insertKeepingGoodRows(
      db,
      workstationId,
      batch,
      (rollups) => trends.apply(rollups),
      { skipExisting: sentAgain },
    );
    refused.push(...left);
  } catch (error) {
    if (isDiskFull(error)) return notStored(reasonOf(error));
    throw error;
  }
  return { result: { stored: true, refused } };
}

/** Requests that only read: everything else writes and is refused while the disk is full. */
const READ_ONLY = new Set<StoreRequest['op']>([
  'append', // handled by storeBatch: held, not refused
  'appendPrepared',
  'checkSpace',
  'verifyAuditChain',
  'flush',
  'close',
  'readSamples',
  'counts',
  'readTrend',
  'readChannels',
  'readAnnotations',
  'readAlarmLog',
  'readWaveformWindow',
  'readWaveformExtent',
  'listSoundRecordings',
  'readSoundRecording',
  'listStrips',
  'readStrip',
  'readCurrentAdmissions',
  'searchPatients',
  'findPatientByMrn',
  'readPatientHistory',
  'readStoredReadings',
  'readLatestAlarmSettings',
  'readNews2Recorded',
  'readBeatMarks',
  'findBeatMark',
  'readSyncBatch',
  'readSyncBacklog',
  'readSyncState',
  'setSignalsWaitForSync',
  'readCensusState',
  'searchCensus',
  'readCensusByMrn',
  'readKeptOurs',
  'readAccounts',
  'readServerAccounts',
  'readTelehealthConsults',
]);

async function perform(
  opened: Opened,
  request: StoreRequest,
): Promise<{ result: unknown; transfer?: ArrayBuffer[] }> {
  const { db, journal, clock } = opened;
  const stamp = () => clock.send();
  switch (request.op) {
    case 'append': {
      const { batch, refused } = prepareRows(request.batch);
      return storeBatch(opened, batch, serializeBatch(batch), refused, false);
    }
    case 'appendPrepared':
      return storeBatch(opened, deserializeBatch(request.payload), request.payload, [], true);
    case 'checkSpace':
      return { result: { shortage: room.shortage() } };
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
        result: await readAnnotations(
          db,
          request.bedId,
          request.fromMs,
          request.toMs,
          request.kind,
        ),
      };
    case 'readAlarmLog':
      return { result: await readAlarmLog(db, request.bedId, request.fromMs, request.toMs) };
    case 'readTrend':
      return { result: await trends.read(db, request.query) };
    case 'readWaveformExtent':
      return { result: await readWaveformExtent(db, request.bedId) };
    case 'readWaveformWindow': {
      const segments = await readWaveformWindow(db, request.query);
      return {
        result: segments,
        transfer: segments.map((segment) => segment.values.buffer as ArrayBuffer),
      };
    }
    case 'pack': {
      const { packedRows, stagedRows } = await packAll(db, workstationId, request.nowMs);
      if (stagedRows > 0) await reclaimStaging(db);
      return { result: { packedRows, stagedRows } };
    }
    case 'storeWaveform':
      await storePackedRun(db, workstationId, request.run);
      if (request.durable) await makeDirectWriteDurable(db, journal);
      return { result: undefined };
    case 'prune': {
      const total: Record<string, number> = {};
      for (;;) {
        const { deleted, more } = await pruneStep(
          db,
          { ...retention, signalsWaitForSync },
          request.nowMs,
        );
        for (const [table, n] of Object.entries(deleted)) total[table] = (total[table] ?? 0) + n;
        if (!more) return { result: total };
      }
    }
    case 'close':
      if (room.shortage() !== null) {
        // No checkpoint on a full disk: the journal keeps every row for the next start to replay.
        journal.close();
        return { result: undefined };
      }
      await checkpoint(db, journal, true);
      journal.close();
      // The checkpoint covered everything; the segment it opened is empty (close comes last).
      deleteSegmentsThrough(journalDir, journal.segment);
      await db.close();
      // Sealed as closed, so that the next open reads no page of a file untouched since.
      await makeDurable(dataDir);
      sealStore(sealFile, relationFiles(dataDir), newestMigration);
      return { result: undefined };
    case 'saveSoundRecording': {
      const saved = await insertSoundRecording(db, workstationId, request.recording);
      await makeDirectWriteDurable(db, journal);
      return { result: saved };
    }
    case 'importNumerics': {
      const { stored, rollups } = await importNumerics(
        db,
        workstationId,
        request.rows,
        request.audit,
      );
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
      const patient = await admitPatient(db, workstationId, request.admission, stamp);
      await makeDirectWriteDurable(db, journal);
      return { result: patient };
    }
    case 'recordAdmissionEvent':
      await recordAdmissionEvent(db, workstationId, request.event, stamp);
      await makeDirectWriteDurable(db, journal);
      return { result: undefined };
    case 'readCurrentAdmissions':
      return { result: await readCurrentAdmissions(db) };
    case 'searchPatients':
      return { result: await searchPatients(db, request.text, request.limit) };
    case 'findPatientByMrn':
      return { result: await findPatientByMrn(db, request.mrn) };
    case 'readPatientHistory':
      return { result: await readPatientHistory(db, request.patientId) };
    case 'readStoredReadings':
      return { result: await readStoredReadings(db, request.sourceKeys) };
    case 'recordAlarmSettings':
      await recordAlarmSettings(db, workstationId, request.settings, stamp);
      await makeDirectWriteDurable(db, journal);
      return { result: undefined };
    case 'readLatestAlarmSettings':
      return { result: await readLatestAlarmSettings(db) };
    case 'recordNews2Observation':
      await recordNews2Observation(db, workstationId, request.observation);
      await makeDirectWriteDurable(db, journal);
      return { result: undefined };
    case 'readBeatMarks':
      return { result: await readBeatMarks(db, request.bedId, request.fromMs, request.toMs) };
    case 'findBeatMark':
      return {
        result: await findBeatMark(
          db,
          request.bedId,
          request.beatClass,
          request.fromMs,
          request.direction,
        ),
      };
    case 'readNews2Recorded':
      return { result: await readNews2Recorded(db, request.patientIds) };
    case 'readSyncBatch': {
      const batch = await readOutboxBatch(db, request);
      const buffers = new Set<ArrayBuffer>();
      for (const { row } of batch.rows) {
        for (const value of Object.values(row)) {
          if (value instanceof Uint8Array) buffers.add(value.buffer as ArrayBuffer);
        }
      }
      return { result: batch, transfer: [...buffers] };
    }
    case 'readSyncFrame': {
      const framed = await readOutboxFrame(db, request);
      return { result: framed, transfer: [framed.frame.buffer as ArrayBuffer] };
    }
    case 'acknowledgeSync':
      return { result: await acknowledgeOutbox(db, request.seqs) };
    case 'requeueSyncSetAside':
      return { result: await requeueSetAside(db) };
    case 'setSyncAside':
      return { result: await setOutboxRowsAside(db, request.refused, Date.now()) };
    case 'readSyncBacklog':
      return { result: await readOutboxBacklog(db) };
    case 'readSyncState':
      return { result: await readSyncState(db, request.key) };
    case 'writeSyncState':
      await writeSyncState(db, request.key, request.value);
      return { result: undefined };
    case 'applyPulledRows':
      return { result: await applyPulledRows(db, clock, request.rows) };
    case 'setSignalsWaitForSync':
      signalsWaitForSync = request.wait;
      return { result: undefined };
    // Pulled again after a crash if lost: no checkpoint of its own.
    case 'keepCensusPage':
      return { result: await keepCensusPage(db, request.page) };
    case 'readCensusState':
      return { result: await readCensusState(db) };
    case 'searchCensus':
      return { result: await searchCensus(db, request.text, request.limit) };
    case 'readCensusByMrn':
      return { result: await readCensusByMrn(db, request.mrns) };
    case 'recordKeptOurs':
      await recordKeptOurs(db, workstationId, request.kept);
      await makeDirectWriteDurable(db, journal);
      return { result: undefined };
    case 'readKeptOurs':
      return { result: await readKeptOurs(db, request.patientIds) };
    case 'readAccounts':
      return { result: await readAccounts(db) };
    case 'addAccount': {
      const added = await insertAccount(db, request.account, request.firstOnly);
      await makeDirectWriteDurable(db, journal);
      return { result: added };
    }
    case 'updateAccount': {
      const found = await updateAccount(db, request.change);
      await makeDirectWriteDurable(db, journal);
      return { result: found };
    }
    case 'readSignInTries':
      return { result: await readSignInTries(db, request.sinceMs) };
    case 'keepSignInTries':
      await keepSignInTries(db, request.tries);
      await makeDirectWriteDurable(db, journal);
      return { result: undefined };
    // Pulled again after a crash if lost (the cursor with it): no checkpoint of its own.
    case 'keepServerAccountsPage':
      return { result: await keepServerAccountsPage(db, request.page) };
    case 'readServerAccounts':
      return { result: await readServerAccounts(db) };
    case 'updateServerAccount': {
      const found = await updateServerAccount(db, request.change);
      await makeDirectWriteDurable(db, journal);
      return { result: found };
    }
    case 'recordPatientVersion': {
      const patient = await recordPatientVersion(db, workstationId, request.change, stamp);
      await makeDirectWriteDurable(db, journal);
      return { result: patient };
    }
    case 'recordAuditEvent':
      await insertAuditEvent(db, workstationId, request.event);
      auditDurableSoon();
      return { result: undefined };
    case 'verifyAuditChain':
      return { result: await checkAuditChain(db, workstationId) };
    case 'recordDeviceSession':
      await insertDeviceSession(db, workstationId, request.event);
      await makeDirectWriteDurable(db, journal);
      return { result: undefined };
    case 'readTelehealthConsults':
      return { result: await readTelehealthConsults(db) };
    case 'keepTelehealthConsult': {
      const kept = await keepTelehealthConsult(db, workstationId, request.change);
      await makeDirectWriteDurable(db, journal);
      return { result: kept };
    }
  }
}

/**
 * Answers without the database once it may be stuck: batches go back to the client to be held
 * and sent to the next worker; everything else is refused until then.
 */
function answerWedged(opened: Opened, request: StoreRequest): void {
  const reason = `the data store is being restarted after a failed write (${wedged})`;
  let payload: Uint8Array | null = null;
  let refused: string[] = [];
  if (request.op === 'append') {
    const prepared = prepareRows(request.batch);
    payload = serializeBatch(prepared.batch);
    refused = prepared.refused;
  }
  if (request.op === 'appendPrepared') payload = request.payload.slice();
  if (payload) {
    const result = { stored: false, refused, reason, payload };
    post({ type: 'reply', id: request.id, ok: true, result }, [payload.buffer as ArrayBuffer]);
  } else if (request.op === 'close') {
    opened.journal.close();
    post({ type: 'reply', id: request.id, ok: true, result: undefined });
  } else {
    post({ type: 'reply', id: request.id, ok: false, error: reason });
  }
}

async function answer(opened: Opened, request: StoreRequest): Promise<void> {
  if (wedged !== null) return answerWedged(opened, request);
  if (opened.db.closed) {
    post({ type: 'reply', id: request.id, ok: false, error: 'the database is closed' });
    return;
  }
  try {
    if (!READ_ONLY.has(request.op)) room.assertRoom();
    const { result, transfer } = await perform(opened, request);
    post({ type: 'reply', id: request.id, ok: true, result }, transfer);
  } catch (error) {
    if (isDiskFull(error)) post({ type: 'diskFull', error: reasonOf(error) });
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
      error: error instanceof StoreKeyError ? error.message : `${dataDir}: ${reasonOf(error)}`,
      damaged: error instanceof DamagedStoreError,
      keyRefused: error instanceof StoreKeyError,
    });
    return;
  }
  let previous = Promise.resolve();
  const enqueue = (task: () => Promise<void>) => (previous = previous.then(task));
  port.on('message', (request: StoreRequest) => enqueue(() => answer(opened, request)));
  // Audit entries made durable together (see auditDurableSoon), in the queue like a request.
  makeAuditDurable = () =>
    enqueue(async () => {
      if (opened.db.closed || wedged !== null) return;
      await makeDirectWriteDurable(opened.db, opened.journal).catch((error: unknown) =>
        reportWriteProblem('making audit entries durable failed', error),
      );
    });
  // Between requests, in the same queue: the database never sees two callers at once. Complete
  // minutes are packed in steps (requests that came meanwhile go between them), then checkpointed
  // at once, so that packed rows are durable soon after the chunks they replace are gone.
  let packedSinceReclaim = false;
  const reported = new Set<string>();
  const packThenCheckpoint = () =>
    enqueue(async () => {
      if (opened.db.closed || wedged !== null) return clearInterval(timer);
      if (room.shortage() === null) {
        try {
          const step = await packStep(opened.db, workstationId, Date.now(), {
            beforeCommit: () => announce('packing'),
          });
          for (const problem of step.problems.filter((p) => !reported.has(p))) {
            reported.add(problem);
            post({ type: 'problem', error: problem });
          }
          if (step.stagedRows > 0) packedSinceReclaim = true;
          if (step.more && step.stagedRows > 0) return void packThenCheckpoint();
          if (packedSinceReclaim) await reclaimStaging(opened.db);
          packedSinceReclaim = false;
        } catch (error) {
          reportWriteProblem('packing waveforms failed', error);
        }
      }
      await checkpoint(opened.db, opened.journal, false).catch((error: unknown) =>
        reportWriteProblem('checkpoint failed', error),
      );
    });
  const timer = setInterval(packThenCheckpoint, checkpointEveryMs);
  timer.unref();
  // Pruning takes bounded steps, each queued like a request, so ingest never waits long.
  const prune = () =>
    enqueue(async () => {
      if (opened.db.closed || wedged !== null || room.shortage() !== null) return; // deleting writes too
      try {
        const { more } = await pruneStep(
          opened.db,
          { ...retention, signalsWaitForSync },
          Date.now(),
        );
        if (more) setTimeout(prune, 1_000).unref();
      } catch (error) {
        post({ type: 'problem', error: `pruning expired data failed: ${reasonOf(error)}` });
      }
    });
  setInterval(prune, PRUNE_EVERY_MS).unref();
  post({ type: 'ready', notices: opened.notices, problems: opened.problems });
}

void main();
