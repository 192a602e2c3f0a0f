// A patient's stays from their admission events: each admission or transfer begins a stay in a
// bed, which the next event of that workstation (a transfer, a discharge) ends. Pure.
import type { PatientStay } from '../../shared/sync/admin';

export interface AdmissionEvent {
  workstationId: string;
  patientId: string;
  bedId: string;
  bedLabel: string | null;
  event: 'admitted' | 'transferred' | 'discharged';
  atMs: number;
  /** Orders events of the same moment (the hlc, or the id). */
  order: string;
}

export function staysFrom(
  events: AdmissionEvent[],
  workstations: ReadonlyMap<string, { name: string | null; unit: string | null }>,
): PatientStay[] {
  const byWorkstation = new Map<string, AdmissionEvent[]>();
  for (const e of events) {
    const list = byWorkstation.get(e.workstationId) ?? [];
    list.push(e);
    byWorkstation.set(e.workstationId, list);
  }
  const stays: PatientStay[] = [];
  for (const [workstationId, list] of byWorkstation) {
    list.sort((a, b) => a.atMs - b.atMs || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    const known = workstations.get(workstationId);
    let open: PatientStay | null = null;
    for (const e of list) {
      if (open) open.toMs = e.atMs;
      open = null;
      if (e.event === 'discharged') continue;
      open = {
        workstationId,
        workstationName: known?.name ?? null,
        unit: known?.unit ?? null,
        patientId: e.patientId,
        bedId: e.bedId,
        bedLabel: e.bedLabel,
        fromMs: e.atMs,
        toMs: null,
      };
      stays.push(open);
    }
  }
  return stays.sort((a, b) => a.fromMs - b.fromMs);
}
