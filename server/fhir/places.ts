// Units, beds and devices as the FHIR api reads them: a unit is the one its workstation was
// enrolled for (or the workstation itself when none was given), a bed each bed a workstation has
// sent anything about, a device each device a workstation's driver has read, with its last
// session (connected or removed, on which bed).
import { deviceModelOf } from '../../shared/fhir/device-models';
import type { BedInput, DeviceInput, UnitInput } from '../../shared/fhir/administrative';
import { labelFromBedId } from '../central/history';
import type { Database } from '../db/database';
import { ids } from './ids';

export interface Bed extends BedInput {
  workstationId: string;
  bedId: string;
}

const unitName = (unit: string | null, workstationName: string) => unit ?? workstationName;

export async function beds(db: Database): Promise<{ units: UnitInput[]; beds: Bed[] }> {
  const { rows } = await db.query<{
    workstation_id: string;
    bed_id: string;
    name: string;
    unit: string | null;
    label: string | null;
  }>(
    `WITH b AS (
       SELECT workstation_id, bed_id FROM channels
       UNION SELECT workstation_id, bed_id FROM admissions
       UNION SELECT workstation_id, bed_id FROM device_sessions
     )
     SELECT b.workstation_id, b.bed_id, w.name, w.unit,
       (SELECT a.bed_label FROM admissions a
        WHERE a.workstation_id = b.workstation_id AND a.bed_id = b.bed_id
          AND a.bed_label IS NOT NULL
        ORDER BY a.at_ms DESC LIMIT 1) AS label
     FROM b JOIN workstations w ON w.id = b.workstation_id
     ORDER BY b.workstation_id, b.bed_id`,
  );
  const units = new Map<string, UnitInput>();
  const out: Bed[] = rows.map((r) => {
    const name = unitName(r.unit, r.name);
    const unitId = ids.unit(name);
    units.set(unitId, { id: unitId, name });
    return {
      id: ids.bed(r.workstation_id, r.bed_id),
      workstationId: r.workstation_id,
      bedId: r.bed_id,
      label: r.label ?? labelFromBedId(r.bed_id),
      unitId,
      unitName: name,
    };
  });
  return { units: [...units.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), beds: out };
}

export interface Device extends DeviceInput {
  workstationId: string;
  bedId: string;
}

export async function devices(db: Database): Promise<Device[]> {
  const { rows } = await db.query<{
    workstation_id: string;
    device_id: string;
    driver: string;
    bed_id: string;
    event: string;
    label: string | null;
  }>(
    `SELECT DISTINCT ON (s.workstation_id, s.device_id)
       s.workstation_id, s.device_id, s.driver, s.bed_id, s.event,
       (SELECT a.bed_label FROM admissions a
        WHERE a.workstation_id = s.workstation_id AND a.bed_id = s.bed_id
          AND a.bed_label IS NOT NULL
        ORDER BY a.at_ms DESC LIMIT 1) AS label
     FROM device_sessions s
     ORDER BY s.workstation_id, s.device_id, s.at_ms DESC, s.id DESC`,
  );
  return rows.map((r) => {
    const model = deviceModelOf(r.driver);
    return {
      id: ids.device(r.workstation_id, r.device_id),
      workstationId: r.workstation_id,
      bedId: r.bed_id,
      deviceId: r.device_id,
      driver: r.driver,
      manufacturer: model?.manufacturer ?? null,
      model: model?.model ?? null,
      // The workstation's device ids are its own names, not serial numbers: none is claimed.
      serial: null,
      active: r.event !== 'removed' && r.event !== 'lost',
      bedLocationId: ids.bed(r.workstation_id, r.bed_id),
      bedLabel: r.label ?? labelFromBedId(r.bed_id),
    };
  });
}
