import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import { bytesToBase64 } from '../../../shared/audio/base64';
import { decodeWav, encodeWav } from '../../../shared/audio/wav';
import type { StoredSoundRecordingWithWav } from '../store/client';
import { createRouter } from './router';
import { soundRecordingHandlers, type SoundRecordingStore } from './sound-recordings';
import type { ApiHandlers } from './router';

const HEART_SOUND = join(import.meta.dirname, '../../../test/fixtures/heart-sounds/a0007.wav');
const caller = { actor: 'test' };

/** The store's recording operations, in memory. */
function memoryStore(): SoundRecordingStore & { rows: StoredSoundRecordingWithWav[] } {
  const rows: StoredSoundRecordingWithWav[] = [];
  return {
    rows,
    async saveSoundRecording(recording) {
      const id = `0190000${rows.length}-0000-7000-8000-000000000000`;
      const patient = recording.patientId === ALICE.id ? ALICE : null;
      const row = { ...recording, id, patient };
      rows.push(row);
      const { wav: _wav, ...metadata } = row;
      return metadata;
    },
    async listSoundRecordings(bedId) {
      return rows.filter((row) => row.bedId === bedId).map(({ wav: _wav, ...row }) => row);
    },
    async readSoundRecording(id) {
      return rows.find((row) => row.id === id) ?? null;
    },
  };
}

const ALICE = {
  id: '01900000-0000-7000-8000-0000000000a1',
  mrn: 'T-0001',
  familyName: 'Test',
  givenName: 'Alice',
};

function routerWith(store: SoundRecordingStore) {
  const bedOrThrow = (bedId: string) => {
    if (bedId === 'bed-1') return { patient: null };
    if (bedId === 'bed-2') {
      return { patient: { ...ALICE, birthDate: '1980-02-03', category: 'adult' as const } };
    }
    throw new ApiError('not_found', `There is no bed "${bedId}".`);
  };
  const handlers = {
    requests: soundRecordingHandlers(store, bedOrThrow),
    streams: {},
  } as unknown as ApiHandlers;
  return createRouter(handlers, () => undefined);
}

const heartSound = () => new Uint8Array(readFileSync(HEART_SOUND));

describe('stethoscope requests', () => {
  it('keeps a real heart-sound WAV and gives it back byte for byte', async () => {
    const store = memoryStore();
    const router = routerWith(store);
    const wav = heartSound();
    const saved = await router.request(
      'saveSoundRecording',
      {
        bedId: 'bed-1',
        site: 'heart',
        mode: 'bell',
        label: 'apex',
        rateHz: 2000,
        startedAt: 1_700_000_000_000,
        wavBase64: bytesToBase64(wav),
      },
      caller,
    );
    expect(saved).toMatchObject({
      bedId: 'bed-1',
      rateHz: 2000,
      site: 'heart',
      mode: 'bell',
      label: 'apex',
      startedAt: 1_700_000_000_000,
      patient: null,
    });
    expect((saved as { durationS: number }).durationS).toBeCloseTo(71332 / 2000, 6);
    expect(store.rows[0]).toMatchObject({ patientId: null, sampleCount: 71332 });
    // a0007's beats, counted by hand from its envelope: 71.7 /min (shared/audio/heart-sound-rate.test.ts).
    const { heartRateBpm } = saved as { heartRateBpm: number };
    expect(heartRateBpm).toBeGreaterThan(69.7);
    expect(heartRateBpm).toBeLessThan(73.7);

    const listed = await router.request('listSoundRecordings', { bedId: 'bed-1' }, caller);
    expect(listed).toEqual([saved]);

    const fetched = (await router.request(
      'getSoundRecording',
      { id: (saved as { id: string }).id },
      caller,
    )) as { wavBase64: string };
    expect(fetched.wavBase64).toBe(bytesToBase64(wav));
    expect(decodeWav(wav).rateHz).toBe(2000);
  });

  it('keeps a recording with the patient in the bed, and says when no heart rate is found', async () => {
    const store = memoryStore();
    const router = routerWith(store);
    const silence = encodeWav(new Int16Array(2000 * 10), 2000);
    const saved = await router.request(
      'saveSoundRecording',
      {
        bedId: 'bed-2',
        rateHz: 2000,
        startedAt: 1_700_000_000_000,
        wavBase64: bytesToBase64(silence),
      },
      caller,
    );
    expect(saved).toMatchObject({ bedId: 'bed-2', patient: ALICE, heartRateBpm: null });
    expect(store.rows[0]).toMatchObject({ patientId: ALICE.id, heartRateBpm: null });
  });

  it.each([
    [
      'a file that is not a WAV',
      bytesToBase64(new TextEncoder().encode('MZ not audio')),
      /not a WAV file/,
    ],
    ['text that is not base64', 'this is not base64!', /not base64/],
    [
      '8-bit audio',
      bytesToBase64(
        (() => {
          const wav = encodeWav(new Int16Array(10), 2000);
          new DataView(wav.buffer).setUint16(34, 8, true);
          return wav;
        })(),
      ),
      /8-bit samples; only 16-bit PCM/,
    ],
    ['a cut-off file', bytesToBase64(heartSound().subarray(0, 1000)), /truncated/],
    ['an empty recording', bytesToBase64(encodeWav(new Int16Array(0), 2000)), /empty/],
    [
      'a rate other than the one stated',
      bytesToBase64(encodeWav(new Int16Array(100), 4000)),
      /sent as 2000 Hz but its WAV file is at 4000 Hz/,
    ],
    [
      'more than five minutes',
      bytesToBase64(encodeWav(new Int16Array(2000 * 301), 2000)),
      /301 s long; at most 5 minutes/,
    ],
  ])('refuses %s with a reason a person can act on', async (_what, wavBase64, reason) => {
    const store = memoryStore();
    const request = routerWith(store).request(
      'saveSoundRecording',
      { bedId: 'bed-1', rateHz: 2000, startedAt: 1_700_000_000_000, wavBase64 },
      caller,
    );
    await expect(request).rejects.toBeInstanceOf(ApiError);
    await expect(request).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(reason),
    });
    expect(store.rows).toEqual([]);
  });

  it('refuses a payload larger than five minutes at the highest rate before decoding it', async () => {
    const request = routerWith(memoryStore()).request(
      'saveSoundRecording',
      {
        bedId: 'bed-1',
        rateHz: 48000,
        startedAt: 1_700_000_000_000,
        wavBase64: 'A'.repeat(40_000_000),
      },
      caller,
    );
    await expect(request).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/too large: at most 5 minutes/),
    });
  });

  it('refuses an unknown bed and an unknown recording', async () => {
    const router = routerWith(memoryStore());
    const list = router.request('listSoundRecordings', { bedId: 'bed-9' }, caller);
    await expect(list).rejects.toMatchObject({ code: 'not_found' });
    const get = router.request('getSoundRecording', { id: 'nope' }, caller);
    await expect(get).rejects.toMatchObject({ code: 'not_found' });
    await expect(get).rejects.toThrow(/does not exist/);
  });
});
