import { describe, expect, it } from 'vitest';
import { alarmMarks } from './alarm-marks';
import { stepWindow, windowRange } from './trend-window';
import type { AlarmLogItem } from '../../../../shared/api/contract';

const HOUR = 3_600_000;
const NOW = 1_735_689_600_000 + 25_000; // 25 s into a minute

describe('the time window', () => {
  it('follows the clock to the end of the current minute', () => {
    const { fromMs, toMs } = windowRange({ spanHours: 8, endMs: null }, NOW);
    expect(toMs).toBe(NOW - 25_000 + 60_000);
    expect(toMs - fromMs).toBe(8 * HOUR);
  });

  it('steps back a whole span, and forward again to following the clock', () => {
    const back = stepWindow({ spanHours: 24, endMs: null }, -1, NOW);
    expect(back.endMs).toBe(windowRange({ spanHours: 24, endMs: null }, NOW).toMs - 24 * HOUR);
    const twice = stepWindow(back, -1, NOW);
    expect(stepWindow(twice, 1, NOW)).toEqual(back);
    expect(stepWindow(back, 1, NOW)).toEqual({ spanHours: 24, endMs: null });
  });
});

describe('alarm marks', () => {
  const item = (atMs: number, event: string, priority: string | null): AlarmLogItem => ({
    atMs,
    event,
    alarmId: 'a',
    kind: 'physiological',
    priority,
    code: 'SPO2_LOW',
    message: 'SpO₂ low',
    value: 85,
    limit: 90,
    actor: 'workstation',
    reason: null,
    origin: 'workstation',
  });

  it('marks alarm starts and escalations in the range, oldest first', () => {
    const log = [
      item(500, 'escalated', 'high'),
      item(400, 'acknowledged', 'medium'),
      item(300, 'raised', 'medium'),
      item(50, 'raised', 'high'),
      item(1000, 'raised', 'low'),
    ];
    expect(alarmMarks(log, 100, 1000).map((m) => [m.atMs, m.priority])).toEqual([
      [300, 'medium'],
      [500, 'high'],
    ]);
  });

  it('reads an unknown priority as low rather than dropping the alarm', () => {
    expect(alarmMarks([item(200, 'raised', null)], 0, 1000)[0]!.priority).toBe('low');
  });
});
