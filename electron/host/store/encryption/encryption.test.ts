// Patients' details sealed at rest, in a real store on disk (PGlite in its worker): a patient
// admitted with a note, a strip, a recording, an audit entry and a census entry; nothing of their
// name, MRN, birth date or note is found by `strings` in any file of the data folder once the
// store is closed; the app reads them back plainly and sync sends them plainly; a wrong or
// missing key is refused with a message and changes nothing; rotating the key's wrapping to a
// passphrase and back keeps the data readable. All patients here are fictional.
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, StoreKeyError, type Store } from '../client';
import { rotateDataKey, type ScryptCost } from './data-key';
import { stringsFind } from './test-support';
import { decodePush } from '../../../../shared/sync/push-frame';
import { pushCodec } from '../../sync/push-codec';
import { uuidv7 } from '../../../../shared/ids';

const CHEAP: ScryptCost = { N: 1024, r: 8, p: 1 };
const T0 = Date.UTC(2026, 11, 7, 8, 0, 0);
const PATIENT = {
  mrn: 'QZX918273',
  familyName: 'Quixotelle',
  givenName: 'Zephyrine',
  birthDate: '1937-11-23',
  category: 'adult' as const,
};
const NOTE = 'Whispers about the ultramarine lighthouse';
const CENSUS = { mrn: 'VLC55501234', familyName: 'Vellacourt', givenName: 'Hortensia' };
const NEEDLES = [
  PATIENT.mrn,
  PATIENT.familyName,
  PATIENT.givenName,
  PATIENT.birthDate,
  'ultramarine',
  CENSUS.mrn,
  CENSUS.familyName,
  CENSUS.givenName,
];
const PDF = new TextEncoder().encode(
  `%PDF-1.4\n% strip of ${PATIENT.givenName} ${PATIENT.familyName} MRN ${PATIENT.mrn}\n%%EOF\n`,
);
const WAV = Uint8Array.from([0x52, 0x49, 0x46, 0x46, ...randomBytes(60)]);

let folder: string;
let dataDir: string;
let patientId: string;
let recordingId: string;
let stripId: string;

const open = (encryption?: Parameters<typeof openStore>[0]['encryption']) =>
  openStore({
    dataDir,
    workstationId: 'ws-enc',
    onError: () => undefined,
    ...(encryption ? { encryption } : {}),
  });

/** Reads back what the test kept, plainly, through the store's own api. */
async function expectReadable(store: Store): Promise<void> {
  const record = await store.findPatientByMrn(' qzx918273 ');
  expect(record?.patient).toMatchObject({ id: patientId, ...PATIENT });
  const found = await store.searchPatients('quixot', 10);
  expect(found.map((f) => f.patient.id)).toEqual([patientId]);
  expect(await store.searchPatients('nobody-like-this', 10)).toEqual([]);
  const notes = await store.readAnnotations('bed-1', T0 - 1, T0 + 10_000);
  expect(notes.map((n) => n.text)).toEqual(expect.arrayContaining([NOTE, 'V']));
  expect((await store.readStrip(stripId))?.pdf).toEqual(PDF);
  const recording = await store.readSoundRecording(recordingId);
  expect(recording?.wav).toEqual(WAV);
  expect(recording?.label).toBe(`${PATIENT.familyName} apex`);
  expect(recording?.patient).toMatchObject({ mrn: PATIENT.mrn, familyName: PATIENT.familyName });
  expect((await store.census.search('vellac', 5)).map((e) => e.mrn)).toEqual([CENSUS.mrn]);
  expect((await store.census.byMrn(['vlc55501234']))[0]).toMatchObject(CENSUS);
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'ws-enc-'));
  dataDir = join(folder, 'pgdata');
  const store = await open();
  try {
    const patient = await store.admitPatient({
      patient: PATIENT,
      bedId: 'bed-1',
      bedLabel: 'Bed 1',
      atMs: T0,
      actor: 'nurse-test',
      detail: `${PATIENT.familyName}, ${PATIENT.givenName} (MRN ${PATIENT.mrn}) admitted to Bed 1`,
    });
    patientId = patient.id;
    await store.appendAnnotations([
      { bedId: 'bed-1', atMs: T0 + 1000, kind: 'note', text: NOTE, actor: 'nurse-test' },
      { bedId: 'bed-1', atMs: T0 + 2000, kind: 'beat', text: 'V', actor: 'classifier' },
    ]);
    stripId = (await store.saveStrip({
      bedId: 'bed-1',
      kind: 'manual',
      alarmId: null,
      alarmMessage: null,
      fromMs: T0,
      toMs: T0 + 6000,
      createdAtMs: T0 + 7000,
      actor: 'nurse-test',
      pdf: PDF.slice(),
    }))!.id;
    recordingId = (
      await store.saveSoundRecording({
        bedId: 'bed-1',
        patientId,
        startedAtMs: T0 + 3000,
        rateHz: 4000,
        sampleCount: 30,
        site: 'apex',
        mode: 'bell',
        label: `${PATIENT.familyName} apex`,
        heartRateBpm: 70,
        wav: WAV.slice(),
      })
    ).id;
    await store.recordAuditEvent({
      atMs: T0 + 4000,
      actor: 'nurse-test',
      action: 'review-opened',
      subject: patientId,
      detail: `opened the review of ${PATIENT.givenName} ${PATIENT.familyName}`,
    });
    await store.outbox.keepCensusPage({
      serverId: 'server-1',
      cursor: 1,
      atMs: T0,
      entries: [
        {
          seq: 1,
          ...CENSUS,
          birthDate: '1941-02-03',
          sex: 'F',
          status: 'admitted',
          visitNumber: 'V-777',
          location: null,
          admittedAtMs: T0,
          dischargedAtMs: null,
          updatedAtMs: T0,
          lastEvent: 'A01',
        },
      ],
    });
    await expectReadable(store);
  } finally {
    await store.close();
  }
}, 120_000);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('patient data encrypted at rest', () => {
  it('leaves no name, MRN, birth date or note in any file of the data folder', () => {
    expect(stringsFind(folder, NEEDLES)).toEqual([]);
    // The scan does see the store's files: its sealed values are there.
    expect(stringsFind(folder, ['enc1:']).length).toBeGreaterThan(0);
  });

  it('reads everything back plainly, and sync sends the plain values', async () => {
    const store = await open();
    try {
      await expectReadable(store);
      const batch = await store.outbox.readBatch(0, 64 * 1024 * 1024, 1000);
      const patient = batch.rows.find((r) => r.table === 'patients')?.row;
      expect(patient).toMatchObject({
        mrn: PATIENT.mrn,
        family_name: PATIENT.familyName,
        given_name: PATIENT.givenName,
        birth_date: PATIENT.birthDate,
      });
      const texts = batch.rows.filter((r) => r.table === 'annotations').map((r) => r.row.text);
      expect(texts).toEqual(expect.arrayContaining([NOTE, 'V']));
      const details = batch.rows.filter((r) => r.table === 'audit_events').map((r) => r.row.detail);
      expect(details).toContain(`opened the review of ${PATIENT.givenName} ${PATIENT.familyName}`);
      const meta = { protocol: 1, workstationId: 'ws-enc', batchId: uuidv7() };
      const lane0 = decodePush(
        (await store.outbox.readFrame(0, 1 << 26, 1000, meta)).frame,
        pushCodec,
      );
      expect(lane0.refused).toEqual([]);
      expect(lane0.rows.find((r) => r.table === 'patients')?.row).toMatchObject({
        mrn: PATIENT.mrn,
        family_name: PATIENT.familyName,
        birth_date: PATIENT.birthDate,
      });
      expect(lane0.rows.filter((r) => r.table === 'annotations').map((r) => r.row.text)).toEqual(
        expect.arrayContaining([NOTE]),
      );
      const lane2 = decodePush(
        (await store.outbox.readFrame(2, 1 << 26, 1000, meta)).frame,
        pushCodec,
      );
      const blobs = lane2.rows.map((r) => ({ table: r.table, row: r.row }));
      const strip = blobs.find((b) => b.table === 'strips')!.row.pdf as Uint8Array;
      const recording = blobs.find((b) => b.table === 'sound_recordings')!.row;
      expect(Buffer.from(strip).equals(Buffer.from(PDF))).toBe(true);
      expect(Buffer.from(recording.wav as Uint8Array).equals(Buffer.from(WAV))).toBe(true);
      expect(recording.label).toBe(`${PATIENT.familyName} apex`);
      const viaBatch = (await store.outbox.readBatch(2, 1 << 26, 1000)).rows;
      expect(viaBatch.find((r) => r.table === 'strips')?.row.pdf).toEqual(PDF);
    } finally {
      await store.close();
    }
  });

  it('refuses a wrong key with a message, changing nothing', async () => {
    const credential = join(folder, 'credential.key');
    const keyFile = `${dataDir}.key`;
    const before = readFileSync(keyFile);
    copyFileSync(credential, `${credential}.good`);
    writeFileSync(credential, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    try {
      const refusal = await open().then(
        (store) => store.close().then(() => null),
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(StoreKeyError);
      expect((refusal as Error).message).toContain(folder);
      expect((refusal as Error).message).toMatch(
        /cannot be opened.*credential\.key.*Nothing was changed/s,
      );
      expect((refusal as Error).stack ?? '').not.toContain('worker.ts');
      expect(readFileSync(keyFile)).toEqual(before);
    } finally {
      renameSync(`${credential}.good`, credential);
    }
  });

  it('refuses a missing key file with a message, changing nothing', async () => {
    const keyFile = `${dataDir}.key`;
    renameSync(keyFile, `${keyFile}.away`);
    // Without credential.key too: neither is made anew (a new key is only made for a new store).
    renameSync(join(folder, 'credential.key'), join(folder, 'credential.key.away'));
    const files = readdirSync(folder).sort();
    try {
      const refusal = await open().then(
        (store) => store.close().then(() => null),
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(StoreKeyError);
      expect((refusal as Error).message).toMatch(
        new RegExp(
          `key file of the data store in ${folder} is missing.*backup.*Nothing was changed`,
          's',
        ),
      );
      // No new key was written in its place: putting the old one back is all it takes.
      expect(readdirSync(folder).sort()).toEqual(files);
    } finally {
      renameSync(`${keyFile}.away`, keyFile);
      renameSync(join(folder, 'credential.key.away'), join(folder, 'credential.key'));
    }
  });

  it('rotates the key to a passphrase and back; the data stay readable', async () => {
    const phrase = 'correct horse battery staple';
    expect(rotateDataKey(dataDir, {}, { passphrase: phrase, scryptCost: CHEAP }).wrappedBy).toBe(
      'passphrase',
    );
    const keyText = readFileSync(`${dataDir}.key`, 'utf8');
    expect(keyText).toContain('"wrappedBy": "passphrase"');
    const without = await open().catch((error: unknown) => error);
    expect((without as Error).message).toMatch(
      /protected by a passphrase: give --passphrase-stdin \(serve, store rotate-key, users, audit verify\)/,
    );
    const wrong = await open({ passphrase: 'not the passphrase' }).catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(StoreKeyError);
    expect((wrong as Error).message).toBe(
      `The passphrase does not open the data store in ${folder}: check it and start again. Nothing was changed.`,
    );
    expect(readFileSync(`${dataDir}.key`, 'utf8')).toBe(keyText);
    const store = await open({ passphrase: phrase });
    try {
      await expectReadable(store);
    } finally {
      await store.close();
    }
    expect(rotateDataKey(dataDir, { passphrase: phrase }, {}).wrappedBy).toBe('keystore');
    const again = await open();
    try {
      expect((await again.findPatientByMrn(PATIENT.mrn))?.patient.id).toBe(patientId);
    } finally {
      await again.close();
    }
  });
});
