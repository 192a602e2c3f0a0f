// Alarm settings belong to the patient's stay, end to end through the api of a real workstation
// (its real PGlite store on disk, a test alarm clock, no device: an oximeter's numerics are put on
// the bus as a device's would be). The defects this guards against, found on a shift: "alarms
// off" and "audio off" stayed with the bed and silenced the next patient, were forgotten on
// restart, and an emptied limit field silently switched an alarm off. All patients are fictional.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bed } from '../../shared/model/schemas';
import { ApiWorkstation } from '../support/api-workstation';
import { DEFAULT_LIMITS } from '../../shared/model/alarm-defaults';
import type { AlarmLimits } from '../../shared/model/alarms';
import { ApiError } from '../../shared/api/errors';

const person = (givenName: string, mrn: string) => ({
  familyName: 'Test',
  givenName,
  mrn,
  birthDate: '1961-02-03',
  category: 'adult' as const,
});
const SPO2 = 'MDC_PULS_OXIM_SAT_O2';
const ALARM_TIMER_MS = 200;

describe('alarm settings follow the patient’s stay', () => {
  let dir: string;
  let rig: ApiWorkstation;
  const start = () => rig.start();
  const request = (method: string, params: unknown) => rig.request(method, params);
  const bed = (id: string): Promise<Bed> => rig.bed(id);
  /** The oximeter on the bed reports SpO₂, then the alarm clock moves on past SpO₂'s 10 s delay. */
  const spo2Reads = async (bedId: string, value: number) => {
    const at = rig.clock.now();
    rig.workstation.bus.emit('numeric', {
      bedId,
      deviceId: 'oximeter-test',
      refId: SPO2,
      numeric: { value, unit: '%', at, source: 'oximeter-test' },
    });
    rig.clock.advance!(10_500);
    await new Promise((resolve) => setTimeout(resolve, 3 * ALARM_TIMER_MS));
  };
  const refusal = async (method: string, params: unknown): Promise<ApiError> => {
    try {
      await request(method, params);
    } catch (error) {
      return error as ApiError;
    }
    throw new Error(`${method} was not refused`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-stay-'));
    rig = new ApiWorkstation(join(dir, 'data'));
    await start();
    await rig.workstation.admitPatient(
      { ...person('Alice', 'STAY-0001'), bedLabel: 'Bed 1' },
      'demo',
    );
    // Bed 2 exists and is empty: made for a patient who has left.
    await rig.workstation.admitPatient(
      { ...person('Carol', 'STAY-0003'), bedLabel: 'Bed 2' },
      'demo',
    );
    await request('dischargePatient', { bedId: 'bed-2' });
  });

  afterAll(async () => {
    await rig?.workstation?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a transfer carries alarms off and audio off to the new bed and says so there', async () => {
    await request('setAlarmOff', {
      bedId: 'bed-1',
      parameter: 'spo2',
      off: true,
      reason: 'probe being changed',
    });
    await request('setAlarmAudio', { bedId: 'bed-1', mode: 'off', reason: 'family at bedside' });
    await request('transferPatient', { fromBedId: 'bed-1', toBedId: 'bed-2' });
    const bed2 = await bed('bed-2');
    expect(bed2.patient?.givenName).toBe('Alice');
    expect(bed2.alarmsOff).toMatchObject([
      { parameter: 'spo2', by: 'nurse.ward', reason: 'probe being changed', carriedFrom: 'Bed 1' },
    ]);
    expect(bed2.alarmAudio).toMatchObject({
      mode: 'off',
      reason: 'family at bedside',
      carriedFrom: 'Bed 1',
    });
    const log = (await request('getAlarmLog', { bedId: 'bed-2' })) as { message: string }[];
    expect(log.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        'SpO₂ alarms off (Test, Alice (MRN STAY-0001) came from Bed 1)',
        'Alarm audio off (Test, Alice (MRN STAY-0001) came from Bed 1)',
      ]),
    );
  });

  it('the next patient in the old bed starts with every alarm on, and is alarmed at SpO₂ 89 %', async () => {
    const empty = await bed('bed-1');
    expect(empty.alarmsOff).toEqual([]);
    expect(empty.alarmAudio.mode).toBe('on');
    await rig.workstation.admitPatient(
      { ...person('Bob', 'STAY-0002'), bedLabel: 'Bed 1' },
      'demo',
    );
    await spo2Reads('bed-1', 89);
    const bed1 = await bed('bed-1');
    expect(bed1.alarms).toMatchObject([{ code: 'SPO2_LOW', state: 'active', priority: 'medium' }]);
    expect(bed1.alarmAudio.sounding).toBe('medium');
  });

  it('a limit cannot be emptied into "off", nor set outside its range; the host says why', async () => {
    const { version, limits } = (await bed('bed-1')).alarmSettings;
    const withSpo2Low = (low: number | null): AlarmLimits => ({
      ...limits,
      spo2: { ...limits.spo2, low },
    });
    const emptied = await refusal('setAlarmLimits', {
      bedId: 'bed-1',
      category: 'adult',
      limits: withSpo2Low(null),
      version,
    });
    expect(emptied.code).toBe('invalid_request');
    expect(emptied.message).toContain(
      'The SpO₂ low limit cannot be left empty: to stop SpO₂ alarms, use "Alarms off" and give a reason.',
    );
    const outside: [keyof AlarmLimits, 'low' | 'high', number, string][] = [
      ['spo2', 'low', 150, '50–100 %'],
      ['rr', 'low', -3, '2–150 /min'],
      ['hr', 'high', 999, '25–300 bpm'],
      ['temp', 'high', 1000, '25–45 °C'],
    ];
    for (const [parameter, edge, value, range] of outside) {
      const error = await refusal('setAlarmLimits', {
        bedId: 'bed-1',
        category: 'adult',
        limits: { ...limits, [parameter]: { ...limits[parameter], [edge]: value } },
        version,
      });
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain(`outside the range a limit can have, ${range}`);
    }
    expect((await bed('bed-1')).alarmSettings.limits).toEqual(DEFAULT_LIMITS.adult);
  });

  it('a stale editor cannot undo a newer change', async () => {
    const { version, limits } = (await bed('bed-1')).alarmSettings;
    await request('setAlarmLimits', {
      bedId: 'bed-1',
      category: 'adult',
      limits: { ...limits, spo2: { ...limits.spo2, low: 92 } },
      version,
    });
    const stale = await refusal('setAlarmLimits', {
      bedId: 'bed-1',
      category: 'adult',
      limits,
      version,
    });
    expect(stale.code).toBe('conflict');
    expect(stale.message).toMatch(/changed by nurse\.ward at \d\d:\d\d:\d\d .*review them again/);
    expect((await bed('bed-1')).alarmSettings.limits.spo2.low).toBe(92);
  });

  it('all of it outlives a restart: alarms off and audio off with the patient, limits too', async () => {
    await rig.workstation.stop();
    await start();
    const bed1 = await bed('bed-1');
    const bed2 = await bed('bed-2');
    expect(bed1.patient?.givenName).toBe('Bob');
    expect(bed1.alarmsOff).toEqual([]);
    expect(bed1.alarmAudio.mode).toBe('on');
    expect(bed1.alarmSettings.limits.spo2.low).toBe(92);
    expect(bed2.patient?.givenName).toBe('Alice');
    expect(bed2.alarmsOff).toMatchObject([
      { parameter: 'spo2', reason: 'probe being changed', carriedFrom: 'Bed 1' },
    ]);
    expect(bed2.alarmAudio).toMatchObject({ mode: 'off', reason: 'family at bedside' });
    // And a discharge then ends them: the bed is back to everything on.
    await request('dischargePatient', { bedId: 'bed-2' });
    const left = await bed('bed-2');
    expect(left.alarmsOff).toEqual([]);
    expect(left.alarmAudio.mode).toBe('on');
  });
});
