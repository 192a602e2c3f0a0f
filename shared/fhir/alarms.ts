// An alarm as a DetectedIssue: an issue the monitor detected for this patient, with its severity
// (the alarm's priority), when it was raised and when it ended (identifiedPeriod), the device that
// raised it (author), and the message a nurse read. Flag is meant for standing warnings shown in
// a chart ("allergy", "violent"); an alarm is an event with a start, an end and a severity. Pure.
import { instant, ref } from './resources';
import type { FhirResource } from './resources';

export interface AlarmInput {
  id: string;
  patientId: string | null;
  /** The alarm's code as the workstation names it (e.g. SPO2_LOW). */
  code: string;
  message: string;
  priority: 'high' | 'medium' | 'low' | null;
  kind: 'physiological' | 'technical' | null;
  raisedAtMs: number;
  endedAtMs: number | null;
  deviceId: string | null;
}

const SEVERITY = { high: 'high', medium: 'moderate', low: 'low' } as const;

export function alarmDetectedIssue(a: AlarmInput): FhirResource {
  return {
    resourceType: 'DetectedIssue',
    id: a.id,
    status: 'final',
    code: { text: `${a.kind ? `${a.kind} alarm` : 'alarm'} ${a.code}` },
    ...(a.priority ? { severity: SEVERITY[a.priority] } : {}),
    ...(a.patientId ? { patient: ref('Patient', a.patientId) } : {}),
    ...(a.endedAtMs !== null
      ? { identifiedPeriod: { start: instant(a.raisedAtMs), end: instant(a.endedAtMs) } }
      : { identifiedDateTime: instant(a.raisedAtMs) }),
    ...(a.deviceId ? { author: ref('Device', a.deviceId) } : {}),
    detail: a.message,
  };
}
