// Admissions when the store cannot keep the alarm settings (a full or failing disk): the hand-over
// still happens and the new settings still apply at the bed, since monitoring must go on, and the
// failure is said in a sentence that names the bed and what a restart would do. The store is the
// real one (PGlite on disk) with only its alarm-settings write made to fail.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admissions } from './admissions';
import { BedState } from './beds';
import { Bus } from './bus';
import { ADULT_DEFAULTS } from './alarms/limits';
import { openStore, type Store } from './store/client';

const alice = {
  familyName: 'Test',
  givenName: 'Alice',
  mrn: 'ADM-0001',
  birthDate: '1980-01-02',
  category: 'adult' as const,
};

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function admissionsWithFailingSettingsStore() {
  const dir = mkdtempSync(join(tmpdir(), 'ws-admissions-'));
  const real = await openStore({ dataDir: join(dir, 'pgdata'), workstationId: 'test-ws' });
  cleanup = async () => {
    await real.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const store = new Proxy(real, {
    get(target, name: keyof Store) {
      if (name === 'recordAlarmSettings')
        return () => Promise.reject(new Error('ENOSPC: no space left on device'));
      const value = target[name];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const beds = new Map([['bed-1', new BedState('bed-1', 'Bed 1', ADULT_DEFAULTS)]]);
  const logged: string[] = [];
  const admissions = new Admissions({
    beds,
    bedForLabel: () => beds.get('bed-1')!,
    store,
    bus: new Bus(() => {}),
    now: () => Date.now(),
    emptyBedCategory: 'adult',
    log: (message) => logged.push(message),
  });
  return { admissions, bed: beds.get('bed-1')!, logged };
}

describe('admissions when the alarm settings cannot be kept', () => {
  it('admits and discharges anyway, applies the settings, and says what a restart would lose', async () => {
    const { admissions, bed, logged } = await admissionsWithFailingSettingsStore();
    bed.alarms.alarmOff('spo2', 'nurse', 'probe being changed', 0);
    await admissions.admit({ ...alice, bedId: 'bed-1' }, 'nurse');
    expect(bed.patient?.mrn).toBe('ADM-0001');
    // The new stay starts with every alarm on, store or no store.
    expect(bed.alarms.alarmsOff()).toEqual([]);
    expect(logged).toEqual([
      'The alarm settings of Bed 1 apply now but could not be kept (ENOSPC: no space left on device): a restart would bring back the last ones kept.',
    ]);
    await admissions.discharge('bed-1', 'nurse');
    expect(bed.patient).toBeNull();
    expect(logged).toHaveLength(2);
  });
});
