// The words of telehealth at the bed (like the other parts of strings.ts: every sentence a person
// reads, in one place): the invitation with the patient's consent, the link and the code to read
// over the phone, the strip that says who is watching and since when, and the consult notes. Why a
// consult ended is in shared/telehealth/invitation.ts (END_REASON_WORDS), the same words the
// remote clinician reads.
import { clockTime, timeOrDateAndTime } from '../clinical/clinical-time';

/** A length of time in whole minutes: "14 min", "1 h", "1 h 5 min". */
export function duration(minutes: number): string {
  const whole = Math.max(0, Math.floor(minutes));
  if (whole < 60) return `${whole} min`;
  const rest = whole % 60;
  return rest === 0 ? `${Math.floor(whole / 60)} h` : `${Math.floor(whole / 60)} h ${rest} min`;
}

export const telehealthStrings = {
  invite: 'Invite a remote clinician',
  noPatient: 'Admit a patient to this bed first: a remote consult is for the patient in the bed.',
  waitingForBed: 'Waiting for the bed’s data before a remote clinician can be invited.',

  // The invitation dialog.
  title: 'Invite a remote clinician',
  hint: (patient: string, bed: string) =>
    `They get a link to watch ${patient} in ${bed}, and nobody else: live, and the stay so far. It goes through the central server and ends when its time is up or when you end it.`,
  howLong: 'How long',
  consent: 'Consent',
  givenBy: 'Consent given by',
  byPatient: 'The patient',
  byRepresentative: 'A representative',
  representative: 'Representative’s name and relation',
  representativeHint: 'For example “Pat Example, daughter”.',
  consentGiven: 'Consent to this remote consult was given',
  account: 'Their hospital account (optional)',
  accountHint:
    'Their login name on the hospital’s central server: then only that account can open the link by signing in. The code works either way.',
  accountInvalid: 'A login name has 2 to 64 characters.',
  onlyAccount: (username: string) => `Only the hospital account “${username}” can sign in to it.`,
  /** Why Invite is not yet possible: shown under the consent. */
  missing: {
    givenBy: 'Say who gave consent to invite.',
    representative: 'Write the representative’s name and relation to invite.',
    confirmed: 'Tick that consent was given to invite.',
  },
  inviteAction: 'Invite',
  inviting: 'Inviting…',
  cancel: 'Cancel',

  // After inviting: what to give the remote clinician.
  invitedTitle: 'Give the remote clinician the link and the code',
  invitedHint:
    'Send the link by a channel your hospital allows, and read the code over the phone: the link alone does not open.',
  starting: 'The invitation is being made at the central server…',
  link: 'Link',
  copyLink: 'Copy link',
  copied: 'Copied.',
  copyRefused: 'This screen may not copy: select the link and copy it.',
  code: 'Code',
  expires: (expiresAtMs: number, left: number, nowMs: number) =>
    `Expires at ${timeOrDateAndTime(expiresAtMs, nowMs)} (${duration(left)} from now).`,
  done: 'Done',

  // The strip on the bedside.
  stripLabel: 'Remote consult',
  watching: (name: string, sinceMs: number, since: number) =>
    `Remote consult: ${name} watching since ${clockTime(sinceMs)} (${duration(since)})`,
  connected: 'connected now',
  notConnected: 'not connected now',
  timeLeft: (left: number) => (left > 0 ? `${duration(left)} left` : 'time is up, ending…'),
  endNow: 'End now',
  ending: 'Ending…',
  waiting: 'Invitation open, nobody has joined yet',
  waitingCode: (code: string) => `code ${code}`,
  startingStrip: 'Invitation being made at the central server…',
  cancelInvitation: 'Cancel',
  endFailed: (reason: string) => `The consult could not be ended: ${reason}`,
  ended: (endedAtMs: number | null, nowMs: number, name: string | null) =>
    `Remote consult${name ? ` with ${name}` : ''}${endedAtMs === null ? '' : `, ended ${timeOrDateAndTime(endedAtMs, nowMs)}`}:`,
  endedBy: (by: string) => `(by ${by})`,
  endedUnknown: 'It has ended.',
  history: 'Earlier remote consults this stay',
  checked: (atMs: number, nowMs: number) =>
    `last heard from the server ${timeOrDateAndTime(atMs, nowMs)}`,

  // The remote clinicians' notes.
  notes: 'Consult notes',
  noteBy: (author: string, atMs: number, nowMs: number) =>
    `${author}, ${timeOrDateAndTime(atMs, nowMs)}`,
  streamProblem: (reason: string) => `Remote consults cannot be shown: ${reason}`,
};
