// Telehealth between a workstation and the central server: the nurse's invitation (with the
// patient's consent), its state as the workstation asks for it, and its end. The remote clinician
// never connects to the workstation: the server holds the invitation, checks the code, serves the
// one-patient viewer (viewer.ts) and relays the bed's live data to it. Pure: no Node.
import { z } from 'zod';

export const TELEHEALTH_PATHS = {
  /** POST (workstation credential), CreateInvitation: answered 201 with CreatedInvitation. */
  invitations: '/api/sync/telehealth/invitations',
  /** GET (the workstation that made it): InvitationState. */
  invitation: (id: string) => `/api/sync/telehealth/invitations/${encodeURIComponent(id)}`,
  /** POST (the workstation that made it), EndInvitation: answered with InvitationState. */
  end: (id: string) => `/api/sync/telehealth/invitations/${encodeURIComponent(id)}/end`,
  /**
   * POST (the workstation that made it), RecordingOutcome: what became of the remote clinician's
   * request for a recording (kept, or why not); answered with InvitationState.
   */
  recording: (id: string, recordingId: string) =>
    `/api/sync/telehealth/invitations/${encodeURIComponent(id)}/recordings/${encodeURIComponent(recordingId)}`,
} as const;

/** How long an invitation may last, in minutes: the nurse picks one. */
export const TELEHEALTH_MINUTES = [15, 30, 60, 120, 240] as const;
export const TelehealthMinutes = z.union([
  z.literal(15),
  z.literal(30),
  z.literal(60),
  z.literal(120),
  z.literal(240),
]);
export type TelehealthMinutes = z.infer<typeof TelehealthMinutes>;

/** Wrong codes a link takes before it is locked (the nurse invites again). */
export const MAX_CODE_ATTEMPTS = 5;

/** The code read over the phone: 8 digits, shown and typed as "1234 5678" (spaces ignored). */
export const CODE_DIGITS = 8;
export function normaliseCode(typed: string): string {
  return typed.replace(/[\s-]/g, '');
}
export function spacedCode(code: string): string {
  return code.length === CODE_DIGITS ? `${code.slice(0, 4)} ${code.slice(4)}` : code;
}

const Name = z.string().trim().min(1).max(200);
const Ms = z.number().int().nonnegative();

/** The patient's consent, recorded at the bed: refused without it. */
export const TelehealthConsent = z
  .object({
    givenBy: z.enum(['patient', 'representative']),
    /** When given by a representative: their name and relation ("Pat Example, daughter"). */
    representative: Name.optional(),
    /** When it was given (UTC ms). */
    atMs: Ms,
    /** Who recorded it at the bed (the signed-in user's name). */
    recordedBy: Name,
  })
  .strict()
  .refine((c) => c.givenBy === 'patient' || c.representative !== undefined, {
    message: 'Consent given by a representative names the representative.',
    path: ['representative'],
  });
export type TelehealthConsent = z.infer<typeof TelehealthConsent>;

/** A central server user's login name, as an invitation may name the one who may sign in. */
export const ViewerUsername = z.string().trim().toLowerCase().min(2).max(64);

/** What the workstation sends to make an invitation for one of its beds. */
export const CreateInvitation = z
  .object({
    /** Chosen by the workstation (uuid): sending it again answers the same invitation. */
    id: z.string().uuid(),
    /** The workstation's own bed id (the server namespaces it). */
    bedId: z.string().min(1).max(200),
    bedLabel: z.string().min(1).max(200),
    /** The patient in the bed: the invitation is for this patient only, in this bed only. */
    patientId: z.string().min(1).max(200),
    minutes: TelehealthMinutes,
    consent: TelehealthConsent,
    /** Who invited (the signed-in user's name). */
    invitedBy: Name,
    /**
     * Optional: the central server's user (login name) who alone may open it by signing in with
     * the hospital account. The code opens it as before.
     */
    viewerUsername: ViewerUsername.optional(),
  })
  .strict();
export type CreateInvitation = z.infer<typeof CreateInvitation>;

export const CreatedInvitation = z.object({
  id: z.string().uuid(),
  /** The link the remote clinician opens: the server's /telehealth/ page, its token in the fragment. */
  url: z.string().url(),
  /** CODE_DIGITS digits, read over the phone. */
  code: z.string().regex(/^\d{8}$/),
  expiresAtMs: Ms,
});
export type CreatedInvitation = z.infer<typeof CreatedInvitation>;

/** The annotation kind a consult note is kept as at the workstation (and synced as). */
export const CONSULT_NOTE_KIND = 'consult-note';

/**
 * A consult note as the review's event list shows it (beside the alarm log): the author and the
 * text; the same words at the workstation and on the central server.
 */
export function consultNoteLogItem(note: { atMs: number; text: string; actor: string }) {
  return {
    atMs: note.atMs,
    event: 'consult note',
    alarmId: null,
    kind: null,
    priority: null,
    code: CONSULT_NOTE_KIND,
    message: `${note.actor}: ${note.text}`,
    value: null,
    limit: null,
    actor: note.actor,
    reason: null,
    origin: 'telehealth',
  };
}

/** A note the remote clinician wrote: attached to the stay at the bed, synced like any row. */
export const ConsultNote = z.object({
  id: z.string().uuid(),
  invitationId: z.string().uuid(),
  text: z.string().trim().min(1).max(4000),
  /** The remote clinician's name as they gave it. */
  author: Name,
  atMs: Ms,
});
export type ConsultNote = z.infer<typeof ConsultNote>;

export const EndReason = z.enum([
  /** Ended at the bed by the nurse. */
  'ended-at-bed',
  /** Its time was up. */
  'expired',
  /** The invited patient left the bed (discharge, transfer): the link shows nobody else. */
  'patient-left',
  /** Too many wrong codes: locked. */
  'locked',
  /** The remote clinician left. */
  'viewer-left',
]);
export type EndReason = z.infer<typeof EndReason>;

export const END_REASON_WORDS: Record<EndReason, string> = {
  'ended-at-bed': 'The consult was ended at the bed.',
  expired: 'The consult’s time is up.',
  'patient-left': 'The invited patient is no longer in this bed; the consult has ended.',
  locked: 'The link was locked after too many wrong codes.',
  'viewer-left': 'The remote clinician left the consult.',
};

/** How long a recording the remote clinician asks for lasts, in seconds (they pick one). */
export const RECORDING_SECONDS = [10, 20, 30] as const;
export const DEFAULT_RECORDING_SECONDS = 20;
export const RecordingSeconds = z.union([z.literal(10), z.literal(20), z.literal(30)]);
export type RecordingSeconds = z.infer<typeof RecordingSeconds>;

/**
 * The remote clinician asked for the stethoscope's sound to be kept: the bed keeps the last
 * `seconds` of the raw signal it is sharing, as a recording of the patient like a local one.
 * asked: not kept yet; kept: stored at the bed; refused: not kept, `problem` says why.
 */
export const RemoteRecording = z.object({
  id: z.string().uuid(),
  invitationId: z.string().uuid(),
  seconds: RecordingSeconds,
  /** The remote clinician's name as they gave it. */
  askedBy: Name,
  askedAtMs: Ms,
  status: z.enum(['asked', 'kept', 'refused']),
  /** When the bed kept it (UTC ms), its length and the heart rate found in it. */
  keptAtMs: Ms.nullable(),
  durationS: z.number().nonnegative().nullable(),
  heartRateBpm: z.number().nullable(),
  /** Why it was not kept, in a sentence. */
  problem: z.string().max(500).nullable(),
});
export type RemoteRecording = z.infer<typeof RemoteRecording>;

/** What the workstation tells the server became of a request for a recording. */
export const RecordingOutcome = z.discriminatedUnion('status', [
  z
    .object({
      status: z.literal('kept'),
      keptAtMs: Ms,
      durationS: z.number().nonnegative().max(3_600),
      heartRateBpm: z.number().min(0).max(400).nullable(),
    })
    .strict(),
  z.object({ status: z.literal('refused'), problem: z.string().trim().min(1).max(500) }).strict(),
]);
export type RecordingOutcome = z.infer<typeof RecordingOutcome>;

/** The invitation as the server holds it, as the workstation asks for it (every few seconds). */
export const InvitationState = z.object({
  id: z.string().uuid(),
  /** waiting: nobody has opened it yet; watching: a remote clinician has it open; ended. */
  status: z.enum(['waiting', 'watching', 'ended']),
  /** Who opened it (the name they gave), since when; whether they are connected right now. */
  viewer: z.object({ name: Name, sinceMs: Ms, connected: z.boolean() }).nullable(),
  expiresAtMs: Ms,
  endedAtMs: Ms.nullable(),
  endReason: EndReason.nullable(),
  /** Who ended it (the nurse's name, "the server" for expiry and locking, the viewer's name). */
  endedBy: z.string().nullable(),
  /** Every note written in it so far, oldest first. */
  notes: z.array(ConsultNote).max(500),
  /** The recordings the remote clinician asked for, oldest first (absent from older servers). */
  recordings: z.array(RemoteRecording).max(500).default([]),
});
export type InvitationState = z.infer<typeof InvitationState>;

export const EndInvitation = z
  .object({
    reason: z.enum(['ended-at-bed', 'patient-left']),
    by: Name,
  })
  .strict();
export type EndInvitation = z.infer<typeof EndInvitation>;
