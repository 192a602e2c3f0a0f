// What the bedside is told about remote consults, in sentences a nurse (or IT) can act on.
export const telehealthWords = {
  notEnrolled:
    'This workstation is not connected to a central server: remote consults go through it. IT enrols it in Settings.',
  noBed: (bedId: string) => `There is no bed "${bedId}" on this workstation.`,
  emptyBed: (bed: string) =>
    `${bed} has no patient: a remote consult is for the patient in a bed. Admit the patient first.`,
  noConsent:
    "A remote consult needs the patient's consent: record who gave it (the patient or their representative).",
  noRepresentative:
    'Consent given by a representative names them: write their name and relation (for example "Pat Example, daughter").',
  badViewerUsername:
    "The hospital account is a login name of 2 to 64 characters (as IT gave it on the central server); leave it empty to let any remote clinician's account sign in.",
  tooMany: (bed: string, max: number) =>
    `${bed} already has ${max} remote consults under way: end one before inviting again.`,
  unreachableAtInvite: (reason: string) =>
    `The central server cannot be reached (${reason}): no invitation was made. Try again in a moment; if it keeps failing, call IT.`,
  refusedAtInvite: (reason: string) => `No invitation was made: ${reason}`,
  notKept: (reason: string) =>
    `The invitation could not be kept on this workstation (${reason}); it was withdrawn. Try again; if it keeps failing, call IT.`,
  patientChanged: (bed: string) =>
    `The patient in ${bed} changed while the invitation was being made; it was withdrawn. Invite again for the patient now in the bed.`,
  noConsult: (bed: string) => `${bed} has no such remote consult (it may have ended already).`,
  notWatching: (bed: string) =>
    `Nobody is watching a remote consult of ${bed}: the stethoscope's sound is shared only while a remote clinician has the consult open.`,
  noAudioRelay:
    'Live auscultation cannot be shared from this workstation yet: its link to the central server does not carry sound.',
  unreachable: (reason: string) =>
    `The central server cannot be reached (${reason}): what is shown is the consult as last heard from it.`,
  refused: (reason: string) => `The central server could not say how the consult stands: ${reason}`,
  endNotConfirmed: (reason: string) =>
    `Ended here, but the central server could not be told yet (${reason}): the workstation keeps telling it, and the link stops by itself when its time is up.`,
  expiredLocally:
    'The consult’s time is up; the central server could not confirm it yet, and ends it by itself.',
  notStored: (reason: string) =>
    `The consult's latest state could not be kept on this workstation (${reason}); it will be tried again.`,
  notSounding: (bed: string) =>
    `No stethoscope is sounding at ${bed}: nothing was kept. Ask the nurse to press Record with "Share with the remote clinician" on, then ask again.`,
  stoppedSounding: (bed: string) =>
    `The stethoscope at ${bed} stopped sounding before the recording was kept: nothing was kept.`,
  noRecordingCame: (bed: string) =>
    `No recording came from the stethoscope at ${bed}: nothing was kept. Ask again while it is sounding.`,
  consultEndedBeforeKept: 'The consult ended before the recording was kept.',
  noSuchRecording: (bed: string) =>
    `${bed} has no such request for a recording (the consult may have ended).`,
  recordingAnswered: 'That request for a recording was answered already: it is not kept twice.',
  askedRemotely:
    'A remote clinician asks for a recording from their consult link; here, press Record.',
  noRecordingStore: 'Recordings cannot be kept on this workstation.',
  recordingLabel: (name: string) => `Asked for by ${name} remotely`,
};
