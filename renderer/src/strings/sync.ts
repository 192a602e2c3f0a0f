// The words of the central server's status line and settings (part of strings.ts: every
// sentence a person reads, in one place).
export const syncStrings = {
  details: 'Details',
  setUp: 'Set up',
  title: 'Central server',
  enrolTitle: 'Connect this workstation to the central server',
  enrolHint:
    'IT gives you the server’s address and a one-time code (made in the server’s admin page or with ' +
    '“npm run server -- enrolment-code”). Monitoring goes on as before while this workstation connects.',
  server: 'Server address',
  serverPlaceholder: 'https://central.hospital.example:8443',
  code: 'Enrolment code',
  codePlaceholder: 'XXXX-XXXX-XXXX-XXXX',
  name: 'Name of this workstation',
  namePlaceholder: 'The computer’s name when left empty',
  ca: 'Hospital CA certificate (PEM)',
  caHint:
    'Only when the server’s certificate is signed by the hospital’s own certificate authority.',
  caFile: 'Read from a file…',
  enrol: 'Connect',
  enrolling: 'Connecting…',
  enrolled: (server: string) => `Connected to ${server}.`,
  statusTitle: 'Status',
  facts: {
    server: 'Server',
    workstation: 'This workstation',
    unit: 'Unit',
    state: 'State',
    since: 'Since',
    lastSuccess: 'Last answer from the server',
    never: 'never',
  },
  states: {
    'not-enrolled': 'Not connected',
    connected: 'Connected',
    draining: 'Sending what was kept while offline',
    unreachable: 'Unreachable: everything is kept here',
    'version-mismatch': 'Versions do not match: everything is kept here',
    revoked: 'No longer accepted: everything is kept here',
  },
  backlogTitle: 'Waiting to be sent',
  backlogCaption: 'What waits, in the order it is sent',
  lanes: ['Alarms, admissions, patients, audit', 'Numerics', 'Waveforms, strips, recordings'],
  columns: { what: 'What', rows: 'Rows', bytes: 'Size', oldest: 'Oldest' },
  nothingWaiting: 'Nothing waits: every row has reached the server.',
  drain: (rate: string, eta: string) => `Sending at ${rate}; ${eta}.`,
  setAsideTitle: 'Refused by the server',
  setAside: (n: number) =>
    `${n} ${n === 1 ? 'row was' : 'rows were'} refused by the server and kept here, not sent again. ` +
    `The rows behind ${n === 1 ? 'it' : 'them'} were sent.`,
  setAsideReason: 'Last reason',
  sendAgain: (n: number) => (n === 1 ? 'Send it again' : 'Send them again'),
  sendAgainHint:
    'Once the central server has been changed to take them. A row it still refuses is kept here again, with its reason.',
  requeued: (n: number) =>
    n === 0
      ? 'Nothing was waiting to be sent again.'
      : `${n} ${n === 1 ? 'row was' : 'rows were'} queued again, to be sent with the rest.`,
  forget: 'Leave this central server…',
  forgetConfirm:
    'Leave the central server? This workstation stops sending; every row stays kept here and is sent ' +
    'after connecting again.',
  forgetYes: 'Leave',
  cancel: 'Cancel',
  left: 'This workstation no longer sends to a central server. Every row is kept here.',
};
