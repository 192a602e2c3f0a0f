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

  linksTitle: 'Hospital links',
  linksHint:
    'The HL7 feeds between this server and the hospital’s interface engine. They are set when the ' +
    'server starts (--adt-port, --pcd01-to); the README says how to point the engine at them.',
  linksLoading: 'Reading the links…',
  adtTitle: 'ADT in (the hospital’s patient list)',
  adtOff: 'Off: the server was started without --adt-port.',
  adtListening: (address: string) => `Listening at ${address} (HL7 v2 over MLLP).`,
  adtApplied: (n: number, last: string | null) =>
    `${n} message${n === 1 ? '' : 's'} applied in the last 24 h` +
    (last ? `; the newest at ${last}.` : '; none yet.'),
  adtCensus: (patients: number, admitted: number) =>
    `${patients} patient${patients === 1 ? '' : 's'} on the hospital list, ${admitted} admitted.`,
  pcd01Title: 'PCD-01 out (vital signs to the EHR)',
  pcd01Off: 'Off: the server was started without --pcd01-to.',
  pcd01To: (to: string, alarms: boolean) =>
    `Sending each bed’s vital signs every period to ${to}${alarms ? ', with the alarms (ORU^R40)' : ''}.`,
  pcd01Connection: (here: boolean, connected: boolean | null) =>
    !here
      ? 'Another server instance sends now; this one takes over if it stops.'
      : connected
        ? 'Connected to the interface engine.'
        : 'Not connected to the interface engine: trying again; nothing is lost meanwhile.',
  pcd01Queue: (queued: number, setAside: number, last: string | null) =>
    `${queued} waiting to be sent, ${setAside} set aside after refusals` +
    (last ? `; the engine last accepted one at ${last}.` : '; none accepted yet.'),
  pcd01Problem: (problem: string) => `Last problem: ${problem}`,

  fhirTitle: 'FHIR api clients',
  fhirHint:
    'Systems that read this server’s FHIR R4 api (/fhir/r4) with a SMART backend-services token: ' +
    'each signs its token requests with its own private key; only its public key is kept here.',
  fhirCaption: 'The FHIR api clients of this central server',
  fhirNone: 'No FHIR client yet.',
  fhirColumns: {
    name: 'Name',
    clientId: 'Client id',
    scopes: 'Scopes',
    made: 'Made',
    state: 'State',
  },
  fhirName: 'Name',
  fhirNamePlaceholder: 'e.g. EHR vital-signs import',
  fhirKey: 'Public key (JWK, or a JWKS with its keys inline)',
  fhirKeyHint: 'RSA (RS384) or P-384 (ES384). A key with its private part is refused.',
  fhirScopes: 'Scopes (separated by spaces)',
  fhirKeyNotJson:
    'The public key is not JSON: paste the JWK or JWKS as the client’s owner gave it.',
  fhirMake: 'Add the client',
  fhirMaking: 'Adding…',
  fhirMade: (name: string, id: string) =>
    `${name} added. Give its owner the client id ${id} and the token address shown in the api’s SMART configuration.`,
  fhirRevokeLabel: (name: string) => `Revoke the FHIR client ${name}…`,
  fhirRevokeTitle: (name: string) => `Revoke ${name}?`,
  fhirRevokeHint:
    'Its tokens stop working at once, on every server instance; it can ask for no new ones. This ' +
    'cannot be undone: add it again to let it back in.',
  fhirConfirmRevoke: 'Revoke this client',
  fhirRevoked: (name: string) => `${name} is revoked.`,
};
