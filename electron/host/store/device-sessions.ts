// A device's time on a bed (store worker side): assigned to it, connected, lost, removed, with the
// driver that read it and the port it was on. Synced (lane 0): the central server names each
// device it serves (FHIR Device, PCD-01's device rows) from these.
import type { PGlite } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';

export interface DeviceSessionToStore {
  deviceId: string;
  driver: string;
  path: string;
  bedId: string;
  event: 'assigned' | 'connected' | 'lost' | 'removed';
  /** Why it was lost, or who removed it. */
  detail: string | null;
  atMs: number;
}

export async function insertDeviceSession(
  db: PGlite,
  workstationId: string,
  e: DeviceSessionToStore,
): Promise<void> {
  await db.query(
    `INSERT INTO device_sessions (id, workstation_id, device_id, driver, path, bed_id, event,
       detail, at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      uuidv7(),
      workstationId,
      e.deviceId,
      e.driver,
      e.path,
      e.bedId,
      e.event,
      e.detail,
      Math.round(e.atMs),
    ],
  );
}
