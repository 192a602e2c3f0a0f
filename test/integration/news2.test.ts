// NEWS2 at the bed, end to end through the api of a real workstation (its real PGlite store on
// disk, a test alarm clock, no device: the monitors' numerics are put on the bus as a device's
// would be). What a nurse records belongs to the patient's stay: a transfer carries it, the next
// patient in the bed and a readmission start with none, a restart keeps it. A rise into the urgent
// and the emergency band alarms, naming what scored. All patients are fictional.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bed } from '../../shared/model/schemas';
import { ApiWorkstation } from '../support/api-workstation';
import { News2Status } from '../../shared/model/news2';
import { BedLiveEvent } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';

const person = (givenName: string, mrn: string) => ({
  familyName: 'Test',
  givenName,
  mrn,
  birthDate: '1948-09-10',
  category: 'adult' as const,
});
const ALARM_TIMER_MS = 200;
const CODES = {
  rr: ['MDC_RESP_RATE', '/min'],
  spo2: ['MDC_PULS_OXIM_SAT_O2', '%'],
  hr: ['MDC_ECG_HEART_RATE', 'bpm'],
  sys: ['MDC_PRESS_BLD_NONINV_SYS', 'mmHg'],
} as const;

describe('NEWS2 at the bed', () => {
  let dir: string;
  let rig: ApiWorkstation;
  const start = () => rig.start();
  const request = (method: string, params: unknown) => rig.request(method, params);
  const bed = (id: string): Promise<Bed> => rig.bed(id);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 3 * ALARM_TIMER_MS));
  /** The bed's monitors report these vitals now (as devices would, through the bus). */
  const vitals = async (bedId: string, values: Partial<Record<keyof typeof CODES, number>>) => {
    for (const [name, value] of Object.entries(values)) {
      const [refId, unit] = CODES[name as keyof typeof CODES];
      rig.workstation.bus.emit('numeric', {
        bedId,
        deviceId: 'monitor-test',
        refId,
        numeric: { value, unit, at: rig.clock.now(), source: 'monitor-test' },
      });
    }
    await settle();
  };
  const record = async (bedId: string, observation: unknown) =>
    News2Status.parse(await request('recordNews2Observation', { bedId, observation }));
  const refusal = async (method: string, params: unknown): Promise<ApiError> => {
    try {
      await request(method, params);
    } catch (error) {
      return error as ApiError;
    }
    throw new Error(`${method} was not refused`);
  };
  const news2Alarm = async (bedId: string) =>
    (await bed(bedId)).alarms.find((alarm) => alarm.code === 'NEWS2');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-news2-'));
    rig = new ApiWorkstation(join(dir, 'data'));
    await start();
    await rig.workstation.admitPatient(
      { ...person('Alice', 'NEWS-0001'), bedLabel: 'Bed 1' },
      'demo',
    );
  });
  afterAll(async () => {
    await rig?.workstation?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scores what is monitored and names what is missing, never assuming it normal', async () => {
    await vitals('bed-1', { rr: 16, spo2: 97, hr: 72, sys: 124 });
    const { news2 } = await bed('bed-1');
    expect(news2).toMatchObject({
      complete: false,
      total: null,
      atLeast: 0,
      band: 'low',
      missing: ['airOrOxygen', 'consciousness', 'temperature'],
      spo2Scale: 1,
    });
  });

  it('completes with what the nurse records, kept with who and when', async () => {
    const answer = await record('bed-1', {
      onOxygen: false,
      consciousness: 'A',
      temperature: 37.04,
    });
    expect(answer).toMatchObject({ complete: true, total: 0, band: 'low', missing: [] });
    expect(answer.recorded.consciousness).toMatchObject({ value: 'A', by: 'nurse.ward' });
    expect(answer.recorded.temperature?.value).toBe(37);
    expect((await bed('bed-1')).news2).toMatchObject({ complete: true, total: 0 });
    const stored = await rig.workstation.store.readNews2Recorded([
      (await bed('bed-1')).patient!.id,
    ]);
    expect(Object.values(stored)[0]?.onOxygen).toMatchObject({ value: false, by: 'nurse.ward' });
  });

  it('refuses an empty bed, an empty observation and an impossible temperature, in words', async () => {
    await rig.workstation.admitPatient(
      { ...person('Carol', 'NEWS-0003'), bedLabel: 'Bed 2' },
      'demo',
    );
    await request('dischargePatient', { bedId: 'bed-2' });
    const empty = await refusal('recordNews2Observation', {
      bedId: 'bed-2',
      observation: { consciousness: 'A' },
    });
    expect(empty).toMatchObject({ code: 'invalid_request' });
    expect(empty.message).toMatch(/Bed 2 has no patient: admit the patient/);
    const nothing = await refusal('recordNews2Observation', { bedId: 'bed-1', observation: {} });
    expect(nothing.code).toBe('invalid_request');
    const hot = await refusal('recordNews2Observation', {
      bedId: 'bed-1',
      observation: { temperature: 50 },
    });
    expect(hot.code).toBe('invalid_request');
    expect(
      (await refusal('recordNews2Observation', { bedId: 'bed-9', observation: { onOxygen: true } }))
        .code,
    ).toBe('not_found');
  });

  it('raises a medium alarm in the urgent band and a high one in the emergency band, naming what scored', async () => {
    const events: BedLiveEvent[] = [];
    const unsubscribe = rig.workstation.router.subscribe('bedLive', { bedId: 'bed-1' }, (event) =>
      events.push(BedLiveEvent.parse(event)),
    );
    // RR 25 scores 3, SpO₂ 91 scores 3: 6, the urgent band.
    await vitals('bed-1', { rr: 25, spo2: 91, hr: 72, sys: 124 });
    expect((await bed('bed-1')).news2).toMatchObject({ total: 6, band: 'medium' });
    expect(await news2Alarm('bed-1')).toBeUndefined(); // it must last 30 s first
    rig.clock.advance!(31_000);
    await vitals('bed-1', { rr: 25, spo2: 91, hr: 72, sys: 124 });
    expect(await news2Alarm('bed-1')).toMatchObject({
      priority: 'medium',
      kind: 'physiological',
      message: 'NEWS2 6 — urgent response: RR 25 (3), SpO₂ 91 (3)',
    });
    // Pulse 131 scores 3 more: 9, the emergency band.
    await vitals('bed-1', { rr: 25, spo2: 91, hr: 131, sys: 124 });
    rig.clock.advance!(31_000);
    await vitals('bed-1', { rr: 25, spo2: 91, hr: 131, sys: 124 });
    const alarm = await news2Alarm('bed-1');
    expect(alarm?.priority).toBe('high');
    expect(alarm?.message).toBe(
      'NEWS2 9 — emergency response: RR 25 (3), SpO₂ 91 (3), Pulse 131 (3)',
    );
    unsubscribe();
    const scores = events.flatMap((e) => (e.type === 'news2' && e.news2 ? [e.news2.total] : []));
    expect(scores).toEqual(expect.arrayContaining([6, 9]));
  });

  it('keeps a complete score as a trend', async () => {
    await rig.workstation.store.flush();
    const trend = await request('getTrend', {
      bedId: 'bed-1',
      codes: ['NEWS2'],
      fromMs: rig.clock.now() - 3_600_000,
      toMs: rig.clock.now() + 60_000,
    });
    const points = (trend as { code: string; points: unknown[] }[])[0]?.points ?? [];
    expect(points.length).toBeGreaterThan(0);
  });

  it('calls vitals not measured for 5 minutes missing, and the score incomplete', async () => {
    rig.clock.advance!(5 * 60_000 + 1_000);
    await settle();
    const { news2 } = await bed('bed-1');
    expect(news2).toMatchObject({ complete: false, total: null });
    expect(news2?.missing).toEqual(expect.arrayContaining(['respirationRate', 'spo2', 'pulse']));
  });

  it('carries the observations with a transfer; the next patient and a readmission start with none', async () => {
    await request('transferPatient', { fromBedId: 'bed-1', toBedId: 'bed-2' });
    await settle();
    expect((await bed('bed-2')).news2?.recorded.consciousness?.value).toBe('A');
    expect((await bed('bed-1')).news2 ?? null).toBeNull();
    await request('dischargePatient', { bedId: 'bed-2' });
    await rig.workstation.admitPatient(
      { ...person('Bob', 'NEWS-0002'), bedLabel: 'Bed 2' },
      'demo',
    );
    await settle();
    expect((await bed('bed-2')).news2?.recorded).toEqual({
      spo2Scale: null,
      onOxygen: null,
      consciousness: null,
      temperature: null,
    });
    await rig.workstation.admitPatient(
      { ...person('Alice', 'NEWS-0001'), bedLabel: 'Bed 1' },
      'demo',
    );
    await settle();
    expect((await bed('bed-1')).news2?.recorded.consciousness).toBeNull();
  });

  it('keeps what was recorded across a restart', async () => {
    await record('bed-2', { spo2Scale: 2, onOxygen: true, consciousness: 'V' });
    // The test clock is ahead of the wall clock; the restarted workstation's is put as far ahead,
    // so what was recorded is not from its future.
    const ahead = rig.clock.now() - Date.now();
    await rig.workstation.stop();
    await start();
    rig.clock.advance!(ahead);
    await settle();
    const { news2 } = await bed('bed-2');
    expect(news2).toMatchObject({ spo2Scale: 2 });
    expect(news2?.recorded.consciousness?.value).toBe('V');
    expect(news2?.parts).toEqual(
      expect.arrayContaining([
        { parameter: 'consciousness', value: 'V', score: 3 },
        { parameter: 'airOrOxygen', value: true, score: 2 },
      ]),
    );
  });
});
