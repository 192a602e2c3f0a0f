// Every sentence the remote clinician's viewer page shows (telehealth.html), in one place so the
// page can be translated later. The bed's own words (alarms, numerics, trends, review) come from
// the workstation's strings.ts, as on the bedside.
import { clockTime } from '../clinical/clinical-time';

export const telehealthStrings = {
  pageTitle: 'Remote consult',

  // Sign-in with the link's token and the code read over the phone.
  signInTitle: 'Join the remote consult',
  signInIntro:
    'A nurse invited you to watch one patient. Give your name as the bedside should show it, and the code the nurse read to you.',
  nameLabel: 'Your name',
  codeLabel: 'The code the nurse read to you',
  codeHint: '8 digits; spaces do not matter.',
  join: 'Join',
  joining: 'Checking the code…',
  accountOr: 'or',
  accountSignIn: 'Sign in with your hospital account',
  accountHint:
    'For physicians and remote clinicians with an account at this hospital: no code is needed, and the bedside shows the name of your account.',
  attemptsLeft: (n: number) =>
    n === 1 ? '1 try left before the link locks.' : `${n} tries left before the link locks.`,
  checking: 'Opening the consult…',
  noLinkTitle: 'Open the link the nurse sent you',
  noLink:
    'This page needs the link from the invitation (it ends with #t=…). Open that link again, or ask the nurse to invite you again.',
  unreadableAnswer: (status: number) =>
    `The central server answered in a way this page does not understand (HTTP ${status}). Try again in a moment; if it goes on, tell the clinic.`,
  unreachable:
    'The central server cannot be reached. Check your internet connection, then try again.',
  tryAgain: 'Try again',

  // Shut out: the consult ended, or the session is gone.
  endedTitle: 'The consult has ended',
  notSignedIn:
    'Your session is no longer valid. Open the link the nurse sent you again, or ask for a new invitation.',
  leftTitle: 'You left the consult',
  left: 'The nurse at the bed sees that the consult has ended. Close this page.',

  // The consult's header.
  consultRegion: 'Consult',
  watching: (viewer: string, invitedBy: string, untilMs: number) =>
    `Watching as ${viewer}, invited by ${invitedBy}, until ${clockTime(untilMs)}`,
  from: (workstation: string) => `at ${workstation}`,

  // How far behind the live view is.
  live: (behindMs: number) => `Live, ${seconds(behindMs)} behind`,
  behind: (behindMs: number) => `Behind: ${seconds(behindMs)}`,
  reconnecting: 'Reconnecting…',
  waitingForData: 'Connected — waiting for the first data',
  clinicDown: (sinceMs: number) =>
    `The clinic’s link is down since ${clockTime(sinceMs)} — showing what arrived until then`,

  waitingForBed: 'Waiting for the bed’s data…',
  loadingView: 'Loading…',
  readOnly: 'You are watching: alarms, limits and devices are handled by the nurse at the bed.',

  // Print (the review's paper as the browser prints it).
  print: 'Print or save as PDF',
  printHint: 'Prints the strip shown on the review paper; choose “Save as PDF” to keep it.',

  // Consult notes.
  notesRegion: 'Consult notes',
  notesTitle: 'Consult notes',
  noteLabel: 'New note (shown at the bed and kept with the stay)',
  addNote: 'Add note',
  addingNote: 'Adding…',
  noNotes: 'No note yet.',
  noteBy: (author: string, atMs: number) => `${author}, ${clockTime(atMs)}`,

  leave: 'Leave the consult',
  leaveConfirm:
    'Leave now? The consult ends for the nurse too; you cannot come back with this link.',
  leaveYes: 'Leave now',
  leaveNo: 'Stay',
};

/** "0.4 s" under a minute, "2 min 5 s" above. */
export function seconds(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 60_000) return `${(clamped / 1000).toFixed(1)} s`;
  const whole = Math.floor(clamped / 1000);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}
