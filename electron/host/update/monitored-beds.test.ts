// Which of the workstation's beds an update waits for: a device assigned or a patient admitted.
import { describe, expect, it } from 'vitest';
import { BedState } from '../beds';
import { ADULT_DEFAULTS } from '../alarms/limits';
import { monitoredBedsOf } from './monitored-beds';

describe('monitoredBedsOf', () => {
  it('lists beds with a device or a patient, and leaves out empty ones', () => {
    const empty = new BedState('bed-1', 'Bed 1', ADULT_DEFAULTS);
    const device = new BedState('bed-2', 'Bed 2', ADULT_DEFAULTS);
    device.deviceIds.push('sim@/dev/pts/3');
    const patient = new BedState('bed-3', 'Bed 3', ADULT_DEFAULTS);
    patient.patient = {
      id: 'p-1',
      mrn: '0042',
      familyName: 'Doe',
      givenName: 'Jane',
      birthDate: '1960-02-03',
      category: 'adult',
    };
    const beds = new Map([empty, device, patient].map((bed) => [bed.id, bed]));
    expect(monitoredBedsOf(beds)).toEqual([
      { bedId: 'bed-2', label: 'Bed 2', patient: null, devices: 1 },
      { bedId: 'bed-3', label: 'Bed 3', patient: 'Doe, Jane (MRN 0042)', devices: 0 },
    ]);
    device.deviceIds.length = 0;
    patient.patient = null;
    expect(monitoredBedsOf(beds)).toEqual([]);
  });
});
