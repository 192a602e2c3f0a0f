import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../shared/audio/wav';
import { openStore, type SoundRecordingToStore, type Store } from './client';
import { freshStoreDir } from './store-template.test-support';

const STARTED_AT = 1_700_000_000_123;

function recording(bedId: string, startedAtMs: number): SoundRecordingToStore {
  const samples = Int16Array.from({ length: 4000 }, (_, i) => (i % 200) * 100 - 10_000);
  return {
    bedId,
    patientId: null,
    startedAtMs,
    rateHz: 4000,
    sampleCount: samples.length,
    site: 'heart',
    mode: 'bell',
    label: 'apex',
    heartRateBpm: 71.5,
    wav: encodeWav(samples, 4000),
  };
}

describe('sound recordings in the store', () => {
  let dataDir: string;
  const opened: Store[] = [];
  const open = async () => {
    const store = await openStore({ dataDir, workstationId: 'ws-test' });
    opened.push(store);
    return store;
  };

  let folder: string;
  beforeEach(async () => {
    ({ dataDir, folder } = await freshStoreDir('ws-sound-'));
  }, 60_000);
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(folder, { recursive: true, force: true });
  });

  it('keeps a recording with its bed, lists it newest first and returns its WAV unchanged', async () => {
    const store = await open();
    const first = recording('bed-1', STARTED_AT);
    const wav = first.wav.slice();
    const saved = await store.saveSoundRecording(first);
    expect(saved).toMatchObject({
      bedId: 'bed-1',
      patientId: null,
      startedAtMs: STARTED_AT,
      rateHz: 4000,
      sampleCount: 4000,
      site: 'heart',
      mode: 'bell',
      label: 'apex',
      heartRateBpm: 71.5,
      patient: null,
    });
    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
    const later = await store.saveSoundRecording(recording('bed-1', STARTED_AT + 60_000));
    await store.saveSoundRecording(recording('bed-2', STARTED_AT));

    const listed = await store.listSoundRecordings('bed-1');
    expect(listed.map((r) => r.id)).toEqual([later.id, saved.id]);
    expect(listed[0]).not.toHaveProperty('wav');

    const read = await store.readSoundRecording(saved.id);
    expect(read?.wav).toEqual(wav);
    expect(read).toMatchObject({ id: saved.id, bedId: 'bed-1', sampleCount: 4000 });
  });

  it('keeps a recording with the patient in the bed and lists it with their name and MRN', async () => {
    const store = await open();
    const patient = await store.admitPatient({
      bedId: 'bed-1',
      bedLabel: 'Bed 1',
      atMs: STARTED_AT,
      actor: 'nurse',
      detail: 'admitted Test, Alice',
      patient: {
        mrn: 'T-0042',
        familyName: 'Test',
        givenName: 'Alice',
        birthDate: '1980-02-03',
        category: 'adult',
      },
    });
    const saved = await store.saveSoundRecording({
      ...recording('bed-1', STARTED_AT),
      patientId: patient.id,
      heartRateBpm: null,
    });
    const expected = { id: patient.id, mrn: 'T-0042', familyName: 'Test', givenName: 'Alice' };
    expect(saved).toMatchObject({ patientId: patient.id, patient: expected, heartRateBpm: null });
    expect((await store.listSoundRecordings('bed-1'))[0]).toMatchObject({ patient: expected });
    expect(await store.readSoundRecording(saved.id)).toMatchObject({ patient: expected });
  });

  it('still has an acknowledged recording after the store is reopened', async () => {
    const store = await open();
    const saved = await store.saveSoundRecording(recording('bed-1', STARTED_AT));
    await store.close();
    const reopened = await open();
    expect((await reopened.listSoundRecordings('bed-1')).map((r) => r.id)).toEqual([saved.id]);
  });

  it('answers null for an id it does not have, well-formed or not', async () => {
    const store = await open();
    expect(await store.readSoundRecording('01900000-0000-7000-8000-000000000000')).toBeNull();
    expect(await store.readSoundRecording('not-a-uuid')).toBeNull();
  });

  it('refuses a mode the schema does not know, with the reason', async () => {
    const store = await open();
    await expect(
      store.saveSoundRecording({ ...recording('bed-1', STARTED_AT), mode: 'loud' }),
    ).rejects.toThrow(/sound recording of bed bed-1 .* was not stored: .*check constraint/);
  });
});
