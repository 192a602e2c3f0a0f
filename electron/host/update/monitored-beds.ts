// Which beds an update must not restart under: a bed with a device assigned (connected, or
// reconnecting: a disconnected device is itself an alarm someone is watching) or a patient admitted.
import type { BedState } from '../beds';
import { patientName } from '../admissions';
import type { MonitoredBed } from './policy';

export function monitoredBedsOf(beds: ReadonlyMap<string, BedState>): MonitoredBed[] {
  const monitored: MonitoredBed[] = [];
  for (const bed of beds.values()) {
    if (bed.deviceIds.length === 0 && bed.patient === null) continue;
    monitored.push({
      bedId: bed.id,
      label: bed.label,
      patient: bed.patient ? patientName(bed.patient) : null,
      devices: bed.deviceIds.length,
    });
  }
  return monitored;
}
