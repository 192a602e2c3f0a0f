// The words of a blood-pressure download in a bed's Devices panel (part of strings.ts: every
// sentence a person reads, in one place).
import type { HeldReading } from '../../../shared/api/contract-blood-pressure';
import { dateAndTime } from '../clinical/clinical-time';

const readings = (n: number) => `${n} reading${n === 1 ? '' : 's'}`;
const time = (ms: number) => dateAndTime(ms);

export const bloodPressureStrings = {
  downloaded: (
    r: { downloaded: number; imported: number; alreadyStored: number; storedForOthers: number },
    patient: string,
  ) =>
    r.downloaded === 0
      ? 'The monitor holds no readings.'
      : `${readings(r.downloaded)} on the monitor: ${r.imported} new for ${patient},` +
        ` ${r.alreadyStored} already stored` +
        (r.storedForOthers > 0
          ? ` (${r.storedForOthers} of them for another patient: not stored again).`
          : '.'),
  heldTitle: (n: number, patient: string) =>
    `${readings(n)} not taken as ${patient}’s: keep or drop each`,
  heldHint: (patient: string, bed: string, since: number) =>
    `Only readings taken since ${patient} came into ${bed} (${time(since)}) are kept without asking. Dropped readings stay on the monitor.`,
  heldCaption: 'Readings waiting for a decision',
  takenAt: 'Taken',
  values: 'Reading',
  why: 'Why it waits',
  decide: 'Decision',
  reasons: {
    'before-admission': 'Before the admission',
    'in-the-future': 'Later than now: the monitor’s clock may be wrong',
  } satisfies Record<HeldReading['reason'], string>,
  reading: (r: { systolic: number; diastolic: number; pulse: number }) =>
    `${r.systolic}/${r.diastolic} mmHg, pulse ${r.pulse}`,
  when: time,
  keep: 'Keep',
  keepFor: (patient: string, at: number) => `Keep the reading of ${time(at)} for ${patient}`,
  drop: 'Drop',
  dropOne: (at: number) => `Drop the reading of ${time(at)}`,
  decided: (r: { assigned: number; dropped: number; alreadyStored: number }, patient: string) =>
    `${readings(r.assigned)} kept for ${patient}, ${r.dropped} dropped` +
    (r.alreadyStored > 0 ? `, ${r.alreadyStored} stored meanwhile by another download.` : '.'),
  decideFailed: (reason: string) => `Nothing was kept: ${reason}`,
};
