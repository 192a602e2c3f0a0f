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
};
