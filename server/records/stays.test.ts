import { describe, expect, it } from 'vitest';
import { staysFrom } from './stays';
import type { AdmissionEvent } from './stays';

const event = (
  e: Partial<AdmissionEvent> & Pick<AdmissionEvent, 'event' | 'atMs'>,
): AdmissionEvent => ({
  workstationId: 'ws-1',
  patientId: 'p-1',
  bedId: 'bed-1',
  bedLabel: 'Bed 1',
  order: String(e.atMs),
  ...e,
});

describe('stays', () => {
  it('begin at an admission or transfer and end at the next event of that workstation', () => {
    const stays = staysFrom(
      [
        event({ event: 'discharged', atMs: 300 }),
        event({ event: 'admitted', atMs: 100 }),
        event({ event: 'transferred', atMs: 200, bedId: 'bed-2', bedLabel: 'Bed 2' }),
        event({ event: 'admitted', atMs: 250, workstationId: 'ws-2', bedId: 'bed-9' }),
      ],
      new Map([['ws-1', { name: 'ICU', unit: 'ICU 2' }]]),
    );
    expect(
      stays.map((s) => [s.workstationId, s.bedId, s.fromMs, s.toMs, s.workstationName]),
    ).toEqual([
      ['ws-1', 'bed-1', 100, 200, 'ICU'],
      ['ws-1', 'bed-2', 200, 300, 'ICU'],
      ['ws-2', 'bed-9', 250, null, null],
    ]);
  });

  it('ignore a discharge with no stay open', () => {
    expect(staysFrom([event({ event: 'discharged', atMs: 5 })], new Map())).toEqual([]);
  });
});
