// Documents and the record of who looked: ECG strip PDFs and consult notes as DocumentReference,
// data access and the workstations' audit trail (remote views, exports) as AuditEvent. Pure.
import { instant, ref, SYSTEMS } from './resources';
import type { FhirResource } from './resources';

export interface StripInput {
  id: string;
  patientId: string;
  encounterId: string | null;
  kind: 'alarm' | 'manual';
  alarmMessage: string | null;
  fromMs: number;
  toMs: number;
  createdAtMs: number;
  actor: string;
  /** Where the PDF is read (a Binary url), or the PDF itself as base64. */
  pdf: { url: string; sizeBytes: number } | { base64: string; sizeBytes: number };
}

export interface NoteInput {
  id: string;
  patientId: string;
  encounterId: string | null;
  kind: string;
  text: string;
  atMs: number;
  actor: string;
}

const base64OfText = (text: string): string => {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
};

const context = (encounterId: string | null, fromMs: number, toMs: number) => ({
  context: {
    ...(encounterId ? { encounter: [ref('Encounter', encounterId)] } : {}),
    period: { start: instant(fromMs), end: instant(toMs) },
  },
});

export function stripDocument(s: StripInput): FhirResource {
  const title = s.kind === 'alarm' && s.alarmMessage ? `ECG strip: ${s.alarmMessage}` : 'ECG strip';
  return {
    resourceType: 'DocumentReference',
    id: s.id,
    status: 'current',
    type: {
      coding: [{ system: SYSTEMS.loinc, code: '11524-6', display: 'EKG study' }],
      text: 'ECG strip',
    },
    subject: ref('Patient', s.patientId),
    date: instant(s.createdAtMs),
    description: `${title}, printed by ${s.actor}`,
    content: [
      {
        attachment: {
          contentType: 'application/pdf',
          ...('url' in s.pdf ? { url: s.pdf.url } : { data: s.pdf.base64 }),
          size: s.pdf.sizeBytes,
          title,
          creation: instant(s.createdAtMs),
        },
      },
    ],
    ...context(s.encounterId, s.fromMs, s.toMs),
  };
}

export function noteDocument(n: NoteInput): FhirResource {
  return {
    resourceType: 'DocumentReference',
    id: n.id,
    status: 'current',
    type: {
      coding: [{ system: SYSTEMS.loinc, code: '34109-9', display: 'Note' }],
      text: `Note (${n.kind})`,
    },
    subject: ref('Patient', n.patientId),
    date: instant(n.atMs),
    description: `${n.kind} note by ${n.actor}`,
    content: [
      {
        attachment: {
          contentType: 'text/plain; charset=utf-8',
          data: base64OfText(n.text),
          creation: instant(n.atMs),
        },
      },
    ],
    ...context(n.encounterId, n.atMs, n.atMs),
  };
}

/** A FHIR api access by a client, as the server logged it. */
export interface ApiAccessInput {
  id: string;
  atMs: number;
  clientId: string;
  clientName: string;
  interaction: 'read' | 'search-type';
  resourceType: string;
  query: string;
  resultCount: number;
  httpStatus: number;
}

/** An action recorded on a workstation (a remote view, an export, a setting changed). */
export interface WorkstationAuditInput {
  id: string;
  atMs: number;
  workstationName: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
}

const outcomeOf = (status: number) => (status < 400 ? '0' : status < 500 ? '4' : '8');

export function apiAccessAuditEvent(a: ApiAccessInput): FhirResource {
  return {
    resourceType: 'AuditEvent',
    id: a.id,
    type: { system: SYSTEMS.auditEventType, code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: SYSTEMS.restfulInteraction, code: a.interaction }],
    action: 'R',
    recorded: instant(a.atMs),
    outcome: outcomeOf(a.httpStatus),
    outcomeDesc: `HTTP ${a.httpStatus}, ${a.resultCount} resource(s)`,
    agent: [
      {
        who: { identifier: { value: a.clientId }, display: a.clientName },
        requestor: true,
      },
    ],
    source: { observer: { display: 'Central server FHIR api' } },
    entity: [
      {
        description: `${a.resourceType}${a.query ? `?${a.query}` : ''}`,
        query: base64OfText(a.query),
      },
    ],
  };
}

export function workstationAuditEvent(w: WorkstationAuditInput): FhirResource {
  return {
    resourceType: 'AuditEvent',
    id: w.id,
    type: { system: SYSTEMS.dicom, code: '110100', display: 'Application Activity' },
    subtype: [{ display: w.action }],
    recorded: instant(w.atMs),
    outcome: '0',
    agent: [{ who: { display: w.actor }, requestor: true }],
    source: { observer: { display: w.workstationName } },
    ...(w.subject || w.detail
      ? {
          entity: [
            {
              ...(w.subject ? { name: w.subject } : {}),
              ...(w.detail ? { description: w.detail } : {}),
            },
          ],
        }
      : {}),
  };
}
