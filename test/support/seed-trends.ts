// Writes 72 hours of a bed's history into a real data store, for the trends e2e test: vitals every
// 30 s (HR, PR, SpO₂, RR, temperature), NIBP every 15 min, NEWS2 every minute (scored from those,
// on air and alert), a 2-hour gap with no monitoring, and a few alarms. The store keeps the per-minute rollups as it writes the numerics. Prints one JSON
// line: {"bedId", "fromMs", "toMs", "alarms": [{atMs, priority, message}], "numerics": n}.
// Usage: node --import tsx --import ./test/support/raw-import.mjs test/support/seed-trends.ts DIR [NOW_MS]
import { openStore } from '../../electron/host/store/client';
import { scoreNews2 } from '../../shared/model/news2';

const [dataDir, nowArg] = process.argv.slice(2);
const BED = 'bed-1';
const DEVICE = 'seeded-monitor';
const HOUR = 3_600_000;
const STEP_MS = 30_000;

/** A slow daily swing plus a little beat-to-beat wobble, deterministic. */
const wave = (atMs: number, periodH: number, amplitude: number) =>
  amplitude * Math.sin((2 * Math.PI * atMs) / (periodH * HOUR));
const wobble = (atMs: number, amplitude: number) =>
  amplitude * Math.sin(atMs / 7_919) * Math.cos(atMs / 3_571);

async function main(): Promise<void> {
  if (!dataDir) throw new Error('Give the data directory to seed.');
  const nowMs = Number(nowArg ?? Date.now());
  const fromMs = nowMs - 72 * HOUR;
  // Unmonitored from 30 h to 28 h ago (a trip to imaging): a gap the graphs must not bridge.
  const gap = [nowMs - 30 * HOUR, nowMs - 28 * HOUR];
  const alarms = [
    { atMs: nowMs - 50 * HOUR, priority: 'medium', code: 'HR_HIGH', message: 'HR high 128 > 120' },
    { atMs: nowMs - 9 * HOUR, priority: 'high', code: 'SPO2_LOW_EXTREME', message: 'SpO₂ 84 < 85' },
    { atMs: nowMs - 25 * 60_000, priority: 'medium', code: 'SPO2_LOW', message: 'SpO₂ 88 < 90' },
  ] as const;
  const desaturating = (atMs: number) =>
    alarms.some(
      (a) => a.code.startsWith('SPO2') && atMs >= a.atMs - 120_000 && atMs < a.atMs + 240_000,
    );
  const tachycardic = (atMs: number) =>
    atMs >= alarms[0].atMs - 60_000 && atMs < alarms[0].atMs + 600_000;

  const store = await openStore({ dataDir, workstationId: 'trends-e2e-seed' });
  let numerics = 0;
  const add = (refId: string, value: number, unit: string, at: number) => {
    store.appendNumeric({ bedId: BED, deviceId: DEVICE, refId, value, unit, at });
    numerics++;
  };
  // Stop a minute short of now: the live simulator fills in the present.
  for (let at = fromMs; at < nowMs - 60_000; at += STEP_MS) {
    if (at >= gap[0]! && at < gap[1]!) continue;
    const hr = Math.round(76 + wave(at, 24, 8) + wobble(at, 4) + (tachycardic(at) ? 52 : 0));
    const spo2 = Math.round(desaturating(at) ? 86 : 97 + wobble(at, 1.4));
    const rr = Math.round(16 + wave(at, 12, 2) + wobble(at, 2));
    const temperature = Math.round((36.8 + wave(at, 24, 0.4)) * 10) / 10;
    add('MDC_ECG_HEART_RATE', hr, '/min', at);
    add('MDC_PULS_OXIM_PULS_RATE', hr + Math.round(wobble(at + 1, 2)), '/min', at);
    add('MDC_PULS_OXIM_SAT_O2', spo2, '%', at);
    add('MDC_RESP_RATE', rr, '/min', at);
    add('MDC_TEMP_BODY', temperature, 'Cel', at);
    if (at % 60_000 < STEP_MS) {
      const { total } = scoreNews2({
        respirationRate: rr,
        spo2,
        spo2Scale: 1,
        onOxygen: false,
        systolicBp: Math.round(122 + wave(at, 24, 10)),
        pulse: hr,
        consciousness: 'A',
        temperature,
      });
      store.appendNumeric({
        bedId: BED,
        deviceId: 'workstation:news2',
        refId: 'NEWS2',
        value: total!,
        unit: '{score}',
        at,
      });
      numerics++;
    }
    if (at % (15 * 60_000) < STEP_MS) {
      const sys = Math.round(122 + wave(at, 24, 10));
      const dia = Math.round(76 + wave(at, 24, 6));
      add('MDC_PRESS_BLD_NONINV_SYS', sys, 'mm[Hg]', at);
      add('MDC_PRESS_BLD_NONINV_DIA', dia, 'mm[Hg]', at);
      add('MDC_PRESS_BLD_NONINV_MEAN', Math.round((sys + 2 * dia) / 3), 'mm[Hg]', at);
    }
  }
  for (const [i, alarm] of alarms.entries()) {
    const common = {
      bedId: BED,
      alarmId: `seeded-alarm-${i}`,
      kind: 'physiological' as const,
      priority: alarm.priority,
      code: alarm.code,
      message: alarm.message,
      value: null,
      limit: null,
      actor: DEVICE,
      reason: null,
      origin: 'workstation' as const,
    };
    store.appendAlarmEvent({ ...common, event: 'raised', at: alarm.atMs });
    store.appendAlarmEvent({ ...common, event: 'ended', at: alarm.atMs + 180_000 });
  }
  await store.close();
  console.log(JSON.stringify({ bedId: BED, fromMs, toMs: nowMs, alarms, numerics }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
