// Telehealth at the bed (spread into `requests` and `streams` in contract.ts): the nurse invites a
// remote clinician for the patient in a bed, with the patient's consent, sees who is watching and
// since when, reads their consult notes, and ends it at once. The host does all networking with the
// central server (shared/telehealth/invitation.ts); the remote clinician never reaches the host.
import { z } from 'zod';
import { AuscultationFrame } from '../telehealth/audio';
import {
  ConsultNote,
  EndReason,
  RecordingSeconds,
  RemoteRecording,
  TelehealthMinutes,
  ViewerUsername,
} from '../telehealth/invitation';
import {
  MAX_SOUND_RECORDING_BASE64_CHARS,
  MAX_SOUND_RATE_HZ,
  MIN_SOUND_RATE_HZ,
} from '../model/sound-recording';

const BedId = z.string().min(1).max(200);

/** A consult of the patient now in a bed, as the bedside shows it. */
export const RemoteConsult = z.object({
  id: z.string().uuid(),
  bedId: z.string(),
  /** The invited patient (a consult belongs to the patient's stay, never to the bed). */
  patientId: z.string(),
  /**
   * starting: being made at the server; waiting: the link is out, nobody opened it; watching: a
   * remote clinician has it; ended.
   */
  status: z.enum(['starting', 'waiting', 'watching', 'ended']),
  /** The link and the code to give the remote clinician: only while waiting. */
  url: z.string().nullable(),
  code: z.string().nullable(),
  minutes: TelehealthMinutes,
  createdAtMs: z.number(),
  expiresAtMs: z.number(),
  invitedBy: z.string(),
  /**
   * The hospital account (the central server's login name) that alone may open the link by
   * signing in; null: any remote clinician or physician account. The code opens it either way.
   */
  viewerUsername: z.string().nullable().default(null),
  consent: z.object({
    givenBy: z.enum(['patient', 'representative']),
    representative: z.string().nullable(),
    atMs: z.number(),
    recordedBy: z.string(),
  }),
  /** Who is watching (the name they gave), since when, connected now or not. */
  viewer: z.object({ name: z.string(), sinceMs: z.number(), connected: z.boolean() }).nullable(),
  endedAtMs: z.number().nullable(),
  endReason: EndReason.nullable(),
  endedBy: z.string().nullable(),
  notes: z.array(ConsultNote),
  /** The recordings the remote clinician asked for, oldest first. */
  recordings: z.array(RemoteRecording),
  /** Why the server's answer is not current (unreachable, refused), in one sentence; or null. */
  problem: z.string().nullable(),
  /** When the host last heard from the server about it (UTC ms), or null. */
  checkedAtMs: z.number().nullable(),
});
export type RemoteConsult = z.infer<typeof RemoteConsult>;

export const telehealthRequests = {
  /**
   * Invites a remote clinician to watch the patient now in the bed, for `minutes`, with the
   * patient's consent (refused without it, for an empty bed, and when the workstation is not
   * enrolled with a central server). Answers the consult with its link and code.
   */
  inviteRemoteClinician: {
    input: z
      .object({
        bedId: BedId,
        minutes: TelehealthMinutes,
        consent: z
          .object({
            givenBy: z.enum(['patient', 'representative']),
            representative: z.string().trim().min(1).max(200).optional(),
          })
          .strict(),
        /** Optional: the hospital account that alone may sign in to open the link. */
        viewerUsername: ViewerUsername.optional(),
      })
      .strict(),
    output: RemoteConsult,
  },
  /** Ends a consult of the bed at once: the remote clinician is shut out. Works locked. */
  endRemoteConsult: {
    input: z.object({ bedId: BedId, consultId: z.string().uuid() }).strict(),
    output: RemoteConsult,
  },
  /**
   * Live auscultation for a consult being watched: encoded stethoscope frames from the bedside's
   * capture, relayed to the remote clinician. Refused unless a consult of the bed is watching.
   */
  sendAuscultation: {
    input: z.object({ bedId: BedId, frames: z.array(AuscultationFrame).min(1).max(50) }).strict(),
    output: z.object({ relayed: z.number().int().nonnegative() }),
  },
  /**
   * The remote clinician, on their consult link only (the one-patient api): asks the bed to keep
   * the last `seconds` of the stethoscope's sound it is sharing, as a recording of the patient.
   * Refused when the consult has ended and while another such request is not answered yet; the
   * bed refuses it when no stethoscope is sounding. Answers the request as kept at the server.
   * At the workstation itself it is refused: there, the nurse presses Record.
   */
  askRemoteRecording: {
    input: z.object({ bedId: BedId, seconds: RecordingSeconds }).strict(),
    output: RemoteRecording,
  },
  /** The remote clinician, on their consult link only: their requests for recordings so far. */
  remoteRecordings: {
    input: z.object({ bedId: BedId }).strict(),
    output: z.array(RemoteRecording),
  },
  /**
   * The bedside's answer to a remote clinician's request for a recording: the sound it kept (16-bit
   * PCM WAV, base64, kept with the bed exactly like a local recording, with its heart rate), or
   * why it could not keep it. Refused for a request already answered or a consult that has ended.
   */
  keepRemoteRecording: {
    input: z
      .object({
        bedId: BedId,
        consultId: z.string().uuid(),
        recordingId: z.string().uuid(),
        sound: z
          .object({
            rateHz: z.number().int().min(MIN_SOUND_RATE_HZ).max(MAX_SOUND_RATE_HZ),
            startedAt: z.number().int().nonnegative(),
            wavBase64: z.string().min(1).max(MAX_SOUND_RECORDING_BASE64_CHARS),
          })
          .strict()
          .optional(),
        problem: z.string().trim().min(1).max(300).optional(),
      })
      .strict()
      .refine((input) => (input.sound === undefined) !== (input.problem === undefined), {
        message: 'Give either the sound kept or why it could not be kept.',
      }),
    output: RemoteRecording,
  },
} as const;

export const telehealthStreams = {
  /** The bed's consults of the patient now in it (current and ended this stay), now and on change. */
  remoteConsults: {
    input: z.object({ bedId: BedId }).strict(),
    event: z.object({ consults: z.array(RemoteConsult) }),
  },
} as const;
