// Whose readings a bed's NEWS2 counts: the patient's from the moment they came into the bed (the
// admission's time, kept on the bed), not from the alarm system's next beat, which can come a few
// hundred milliseconds later (a blood pressure taken at once was lost until the next one, 15 min
// or more); and never a reading from before they came (the last patient's). A real store on disk.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADULT_DEFAULTS } from '../alarms/limits';
import { BedState } from '../beds';
import { Bus } from '../bus';
import { openStore, type Store } from '../store/client';
import { freshStoreDir } from '../store/store-template.test-support';
import { News2Monitor } from './news2-monitor';

const T = Date.UTC(2026, 11, 7, 10, 0, 0);
let store: Store;
let folder: string;

beforeAll(async () => {
  const fresh = await freshStoreDir('ws-news2-monitor-');
  folder = fresh.folder;
  store = await openStore({ dataDir: fresh.dataDir, workstationId: 'ws-test' });
});
afterAll(async () => {
  await store?.close();
  rmSync(folder, { recursive: true, force: true });
});

function bedWith(id: string, admittedAtMs: number, systolicAtMs: number): BedState {
  const bed = new BedState(id, id, ADULT_DEFAULTS);
  bed.patient = {
    id: `patient-${id}`,
    mrn: `NEWS-${id}`,
    familyName: 'Test',
    givenName: 'Ada',
    birthDate: '1948-09-10',
    category: 'adult',
  };
  bed.patientSinceMs = admittedAtMs;
  bed.numerics.set('MDC_PRESS_BLD_NONINV_SYS', {
    value: 124,
    unit: 'mmHg',
    at: systolicAtMs,
    source: 'nibp-1',
  });
  return bed;
}

/** The bed scored for the first time by a new monitor, on the alarm system's beat at `atMs`. */
function scoredOnBeat(bed: BedState, atMs: number): BedState {
  const monitor = new News2Monitor({
    beds: new Map([[bed.id, bed]]),
    store,
    bus: new Bus(() => {}),
    now: () => atMs,
    log: () => undefined,
  });
  monitor.rescore(bed, atMs);
  return bed;
}

describe('NEWS2: whose readings a bed counts', () => {
  it('counts a reading taken between the admission and the next scoring', () => {
    // Admitted at T, the pressure taken at T + 50 ms, first scored on the beat at T + 180 ms.
    const bed = scoredOnBeat(bedWith('bed-1', T, T + 50), T + 180);
    expect(bed.news2?.missing).not.toContain('systolicBp');
    expect(bed.news2?.missing).toContain('respirationRate');
  });

  it('does not count a reading from before the patient came into the bed', () => {
    const bed = scoredOnBeat(bedWith('bed-2', T, T - 60_000), T + 180);
    expect(bed.news2?.missing).toContain('systolicBp');
  });
});
