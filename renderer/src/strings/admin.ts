// The words of the central server's admin page. The page is its own bundle (admin.html), so its
// words stay here rather than in strings.ts, which the workstation's screens load.
export const adminStrings = {
  title: 'Central server — Admin',
  signInTitle: 'Sign in with the admin token',
  signInHint:
    'The admin token was printed once when the central server first started, or is in the file ' +
    'given with --admin-token-file. It is kept only in this browser tab until you sign out.',
  token: 'Admin token',
  signIn: 'Sign in',
  signingIn: 'Checking…',
  signOut: 'Sign out',
  emptyToken: 'Enter the admin token.',
  tokenRefused: 'The central server did not accept this admin token. Check it and try again.',
  signedOutRefused:
    'The central server no longer accepts the admin token of this tab. Sign in again.',
  unreachable: 'The central server cannot be reached. Check that it is running and try again.',
  unreadable: 'The central server answered with something this page cannot read.',
  refused: (status: number, message: string) =>
    message ? message : `The central server refused this (HTTP ${status}).`,

  workstationsTitle: 'Workstations',
  workstationsCaption: 'The workstations enrolled on this central server',
  refresh: 'Refresh',
  loading: 'Loading the workstations…',
  noWorkstations:
    'No workstation is enrolled yet. Make an enrolment code below and enter it on the workstation.',
  columns: {
    name: 'Name',
    unit: 'Unit',
    enrolled: 'Enrolled',
    lastSeen: 'Last seen',
    appVersion: 'App version',
    protocol: 'Protocol',
    state: 'State',
    actions: 'Actions',
  },
  noUnit: 'No unit',
  never: 'Never',
  active: 'Active',
  revokedAt: (at: string) => `Revoked ${at}`,
  revoke: 'Revoke…',
  revokeLabel: (name: string) => `Revoke ${name}…`,
  revokeTitle: (name: string) => `Revoke ${name}?`,
  revokeHint:
    'The central server will take nothing more from this workstation: no data, no live view of its ' +
    'beds. The workstation goes on monitoring and keeps all its data on its own disk. A revoked ' +
    'workstation cannot enrol again under its id, not even with a re-enrolment code: this cannot ' +
    'be undone.',
  confirmRevoke: 'Revoke this workstation',
  cancel: 'Cancel',
  revoked: (name: string) => `${name} is revoked.`,

  codeTitle: 'Make an enrolment code',
  codeHint:
    'A one-time code that enrols one workstation. Enter it on the workstation (Settings → Central ' +
    'server) with this server’s address.',
  unit: 'Unit (optional)',
  unitPlaceholder: 'e.g. ICU 2',
  validHours: 'Valid for (hours)',
  validHoursInvalid: 'The code can be valid for more than 0 and at most 720 hours (30 days).',
  reenrol: 'Enrols',
  newWorkstation: 'A new workstation',
  reenrolOption: (name: string, id: string) => `Again: ${name} (${id}), after a reinstall`,
  makeCode: 'Make the code',
  makingCode: 'Making the code…',
  codeMadeTitle: 'Enrolment code',
  codeOnce:
    'Write it down or give it to whoever enrols the workstation now: it is shown this once and ' +
    'only its hash is kept.',
  codeFor: (unit: string | null, again: string | null) =>
    again
      ? `Enrols ${again} again${unit ? `, in ${unit}` : ''}; its old credential stops working.`
      : `Enrols one new workstation${unit ? ` in ${unit}` : ''}.`,
  codeExpires: (at: string) => `Valid until ${at}.`,
  hideCode: 'Done, hide the code',
};
