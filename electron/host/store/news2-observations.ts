// The nurse's NEWS2 observations (store worker side): one row per recording, for the patient in
// the bed, read back as the newest of each observation during the patient's current stay (since
// their latest admission), so a patient admitted again starts with nothing recorded.
import type { PGlite } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import {
  NOTHING_RECORDED,
  withObservation,
  type Acvpu,
  type News2Observation,
  type News2Recorded,
} from '../../../shared/model/news2';

export interface News2ObservationToStore extends News2Observation {
  bedId: string;
  patientId: string;
  actor: string;
  atMs: number;
}

export async function recordNews2Observation(
  db: PGlite,
  workstationId: string,
  row: News2ObservationToStore,
): Promise<void> {
  await db.query(
    `INSERT INTO news2_observations (id, workstation_id, bed_id, patient_id, at_ms, spo2_scale,
       on_oxygen, consciousness, temperature_c, actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      uuidv7(),
      workstationId,
      row.bedId,
      row.patientId,
      Math.round(row.atMs),
      row.spo2Scale ?? null,
      row.onOxygen ?? null,
      row.consciousness ?? null,
      row.temperature ?? null,
      row.actor,
    ],
  );
}

interface Row {
  patient_id: string;
  at_ms: number | bigint;
  spo2_scale: number | null;
  on_oxygen: boolean | null;
  consciousness: string | null;
  temperature_c: number | null;
  actor: string;
}

/** What was recorded for each of these patients during their current stay, newest of each. */
export async function readNews2Recorded(
  db: PGlite,
  patientIds: readonly string[],
): Promise<Record<string, News2Recorded>> {
  if (patientIds.length === 0) return {};
  const { rows } = await db.query<Row>(
    `WITH stay AS (
       SELECT patient_id, max(at_ms) AS since FROM admissions
        WHERE event = 'admitted' AND patient_id = ANY($1::uuid[]) GROUP BY patient_id)
     SELECT o.patient_id, o.at_ms, o.spo2_scale, o.on_oxygen, o.consciousness, o.temperature_c,
            o.actor
       FROM news2_observations o JOIN stay s ON s.patient_id = o.patient_id
      WHERE o.at_ms >= s.since
      ORDER BY o.at_ms, o.id`,
    [patientIds],
  );
  const out: Record<string, News2Recorded> = {};
  // Rows in time order: each recording newer than those before it.
  for (const r of rows) {
    const before = out[r.patient_id] ?? NOTHING_RECORDED;
    out[r.patient_id] = withObservation(before, observationOf(r), r.actor, Number(r.at_ms));
  }
  return out;
}

/** One row as the recording it was (a null column: not recorded then). */
function observationOf(r: Row): News2Observation {
  return {
    ...(r.spo2_scale === 1 || r.spo2_scale === 2 ? { spo2Scale: r.spo2_scale } : {}),
    ...(r.on_oxygen !== null ? { onOxygen: r.on_oxygen } : {}),
    ...(r.consciousness !== null ? { consciousness: r.consciousness as Acvpu } : {}),
    ...(r.temperature_c !== null ? { temperature: r.temperature_c } : {}),
  };
}
