// The one-patient api over a recording stand-in for the central api: what it lets through, how it
// cuts review reads to the patient's stay, and what it does with a snapshot of someone else.
import { describe, expect, it } from 'vitest';
import type { BedLiveEvent } from '../../shared/api/contract';
import type { Bed, Status } from '../../shared/model/schemas';
import { snapshotEvent, testBed } from '../live/live-clients.test-support';
import type { CentralApi, CentralEmit } from '../central/central-api';
import type { RecordingSeconds, RemoteRecording } from '../../shared/telehealth/invitation';
import { NO_RECORDINGS, onePatientApi, showsAnotherPatient } from './one-patient-api';

const BED = 'ws-1/bed-1';
const NOW = Date.now();
const STAY_START = NOW - 3 * 3_600_000;
const HOUR = 3_600_000;

const withPatient = (id: string, patientId: string | null): Bed => ({
  ...testBed(id),
  patient:
    patientId === null
      ? null
      : {
          id: patientId,
          mrn: 'M',
          familyName: 'F',
          givenName: 'G',
          birthDate: '1950-01-01',
          category: 'adult',
        },
});

function setup(answers: Record<string, unknown> = {}, withRecordings = false) {
  const calls: Array<{ method: string; params: Record<string, number | string> }> = [];
  let emitOf: CentralEmit | null = null;
  const central: CentralApi = {
    async request(method, params) {
      calls.push({ method, params: params as Record<string, number | string> });
      return method in answers ? answers[method] : [];
    },
    async subscribe(_stream, _params, emit) {
      emitOf = emit;
      return () => undefined;
    },
  };
  const forbidden: string[] = [];
  const left: Bed[] = [];
  const asked: RecordingSeconds[] = [];
  const recordings = {
    async ask(seconds: RecordingSeconds) {
      asked.push(seconds);
      return { id: 'r-1', seconds, status: 'asked' } as RemoteRecording;
    },
    async list() {
      return [] as RemoteRecording[];
    },
  };
  const api = onePatientApi(central, {
    bedId: BED,
    patientId: 'p-1',
    pointsPerSecond: 200,
    stayStartMs: async () => STAY_START,
    now: () => NOW,
    onForbidden: (what) => forbidden.push(what),
    onPatientLeft: (bed) => left.push(bed),
    ...(withRecordings ? { recordings } : {}),
  });
  return { api, calls, forbidden, left, asked, emit: () => emitOf! };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: { code?: string }) => error.code,
  );

describe('the one-patient api', () => {
  it('refuses every request and stream outside ALLOWED_*, and another bed, as forbidden', async () => {
    const { api, calls, forbidden } = setup();
    expect(await codeOf(api.request('acknowledgeAlarm', { bedId: BED }))).toBe('forbidden');
    expect(await codeOf(api.request('noSuchMethod', {}))).toBe('forbidden');
    expect(await codeOf(api.request('getWaveformExtent', { bedId: 'ws-1/bed-2' }))).toBe(
      'forbidden',
    );
    expect(await codeOf(api.request('getWaveformExtent', { bedId: 'ws-2/bed-1' }))).toBe(
      'forbidden',
    );
    expect(await codeOf(api.subscribe('screen', { canSound: false }, () => {}))).toBe('forbidden');
    expect(await codeOf(api.subscribe('bedLive', { bedId: 'ws-1/bed-2' }, () => {}))).toBe(
      'forbidden',
    );
    expect(forbidden).toHaveLength(6);
    expect(calls).toHaveLength(0);
    // Bad params are the caller's mistake, not a breach.
    expect(await codeOf(api.request('getTrend', { bedId: BED }))).toBe('invalid_request');
  });

  it('cuts review reads to the stay so far', async () => {
    const { api, calls } = setup({ getWaveformExtent: { oldestMs: 0, newestMs: NOW + HOUR } });
    await api.request('getTrend', {
      bedId: BED,
      codes: ['MDC_ECG_HEART_RATE'],
      fromMs: STAY_START - HOUR,
      toMs: NOW,
    });
    expect(calls.at(-1)).toMatchObject({ method: 'getTrend', params: { fromMs: STAY_START } });
    await api.request('getAlarmLog', { bedId: BED });
    expect(calls.at(-1)?.params).toMatchObject({ fromMs: STAY_START, toMs: NOW + 1 });
    // Wholly before the stay: nothing, without asking.
    const before = calls.length;
    expect(
      await api.request('getWaveformWindow', {
        bedId: BED,
        fromMs: STAY_START - 60_000,
        toMs: STAY_START - 1,
      }),
    ).toEqual([]);
    expect(calls.length).toBe(before);
    expect(await api.request('getWaveformExtent', { bedId: BED })).toEqual({
      oldestMs: STAY_START,
      newestMs: NOW,
    });
    expect(
      await api.request('findBeatMark', {
        bedId: BED,
        beatClass: 'V',
        fromMs: STAY_START - 1,
        direction: 'previous',
      }),
    ).toBeNull();
  });

  it('answers getStatus with the invited bed only, and nothing when another patient is in it', async () => {
    const status = (beds: Bed[]): Status => ({ devices: [], beds, notices: [], origin: 'central' });
    const mine = withPatient(BED, 'p-1');
    const { api, left } = setup({
      getStatus: status([mine, withPatient('ws-1/bed-2', 'p-2')]),
    });
    expect(((await api.request('getStatus', {})) as Status).beds).toEqual([mine]);
    const other = setup({ getStatus: status([withPatient(BED, 'p-9')]) });
    expect(((await other.api.request('getStatus', {})) as Status).beds).toEqual([]);
    expect(other.left).toHaveLength(1);
    expect(left).toHaveLength(0);
  });

  it('stops the stream at a snapshot of someone else, and passes the rest on', async () => {
    const { api, emit, left } = setup();
    const got: BedLiveEvent[] = [];
    await api.subscribe('bedLive', { bedId: BED }, (event) => got.push(event as BedLiveEvent));
    const own = snapshotEvent(withPatient(BED, 'p-1'));
    emit()(own, JSON.stringify(own));
    emit()({ type: 'numeric', refId: 'X', numeric: { value: 1, unit: '', at: NOW, source: 'd' } });
    // Offline (from the database, with nobody known): not a departure.
    const offline = snapshotEvent({
      ...withPatient(BED, null),
      offline: { sinceMs: 1, lastDataMs: null },
    });
    emit()(offline);
    expect(left).toHaveLength(0);
    emit()(snapshotEvent(withPatient(BED, 'p-2')));
    emit()({ type: 'numeric', refId: 'X', numeric: { value: 2, unit: '', at: NOW, source: 'd' } });
    expect(left).toHaveLength(1);
    expect(got.map((e) => e.type)).toEqual(['snapshot', 'numeric', 'snapshot']);
    expect(showsAnotherPatient(withPatient(BED, null), 'p-1')).toBe(true);
  });

  it('takes a request for a recording for its own bed only, from its own consult, never the station', async () => {
    const { api, calls, forbidden, asked } = setup({}, true);
    expect(await api.request('askRemoteRecording', { bedId: BED, seconds: 20 })).toMatchObject({
      status: 'asked',
      seconds: 20,
    });
    expect(await api.request('remoteRecordings', { bedId: BED })).toEqual([]);
    expect(asked).toEqual([20]);
    // Another bed's (on this workstation or another): refused and told for the audit.
    expect(
      await codeOf(api.request('askRemoteRecording', { bedId: 'ws-1/bed-2', seconds: 20 })),
    ).toBe('forbidden');
    expect(await codeOf(api.request('remoteRecordings', { bedId: 'ws-2/bed-1' }))).toBe(
      'forbidden',
    );
    // Only the asking: keeping or saving sound, or other lengths, are not the link's to do.
    expect(
      await codeOf(
        api.request('keepRemoteRecording', {
          bedId: BED,
          consultId: '00000000-0000-4000-8000-000000000000',
          recordingId: '00000000-0000-4000-8000-000000000001',
          problem: 'x',
        }),
      ),
    ).toBe('forbidden');
    expect(await codeOf(api.request('saveSoundRecording', { bedId: BED }))).toBe('forbidden');
    expect(await codeOf(api.request('askRemoteRecording', { bedId: BED, seconds: 15 }))).toBe(
      'invalid_request',
    );
    expect(forbidden).toEqual([
      'askRemoteRecording of bed ws-1/bed-2',
      'remoteRecordings of bed ws-2/bed-1',
      'request keepRemoteRecording',
      'request saveSoundRecording',
    ]);
    expect(asked).toEqual([20]);
    // Never passed on to the hospital's central api.
    expect(calls).toEqual([]);
    // A socket without its consult's recordings refuses it in a sentence.
    const bare = setup();
    await expect(
      bare.api.request('askRemoteRecording', { bedId: BED, seconds: 10 }),
    ).rejects.toThrow(NO_RECORDINGS);
  });
});
