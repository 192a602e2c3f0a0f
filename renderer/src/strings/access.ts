// The words of sign-in, the lock screen and the accounts (part of strings.ts: every sentence a
// person reads, in one place).
import {
  PERMISSION_WORDS,
  ROLE_WORDS,
  UNIDENTIFIED_ACTOR,
  type Permission,
  type Role,
} from '../../../shared/security/access';
import { MIN_PASSWORD_CHARS } from '../../../shared/api/contract-access';

export const accessStrings = {
  notSetUp: `No accounts yet — actions are logged as ‘${UNIDENTIFIED_ACTOR}’.`,
  setUpAdministrator: 'Set up the administrator',
  setUpTitle: 'Set up the administrator of this workstation',
  setUpHint:
    'The administrator adds the accounts of nurses, physicians and engineers. From then on each ' +
    'action needs a person signed in; monitoring and pausing alarm audio never do.',
  displayName: 'Name',
  displayNameHint: 'As colleagues know them, e.g. “Alex Sample”.',
  username: 'User name',
  usernameHint: 'Lower-case letters, digits, dots or dashes.',
  password: 'Password',
  passwordHint: `At least ${MIN_PASSWORD_CHARS} characters.`,
  passwordAgain: 'Password again',
  pin: 'PIN',
  pinHint: '4 to 8 digits, to unlock this screen quickly.',
  pinOptionalHint: 'Optional: 4 to 8 digits, to unlock a locked screen quickly.',
  pinAgain: 'PIN again',
  passwordsDiffer: 'The two passwords are not the same.',
  pinsDiffer: 'The two PINs are not the same.',
  create: 'Create and sign in',
  creating: 'Creating…',
  cancel: 'Cancel',
  close: 'Close',

  nobodySignedIn: 'Nobody signed in — monitoring only',
  locked: 'Locked — monitoring only',
  lockedBy: (name: string) => `Signed in: ${name}`,
  monitoringGoesOn: 'Waveforms, numerics and alarms go on; alarm audio can be paused.',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  unlock: 'Unlock',
  unlocking: 'Unlocking…',
  signInTitle: 'Sign in at this workstation',
  unlockTitle: (name: string) => `Unlock for ${name}`,
  usePassword: 'Use the password instead',
  usePin: 'Use the PIN instead',
  otherUser: 'Sign in as someone else',
  toContinue: 'Sign in to continue what you were doing.',
  hospital: {
    button: 'Sign in with the hospital account',
    beginning: 'Opening the hospital sign-in…',
    waiting: (until: string) =>
      `Waiting for you to sign in with your hospital account in the tab that opened (until ${until}). ` +
      'This screen signs in by itself once you have.',
    noTab: 'If no tab opened, open this address in a browser:',
    stop: 'Stop waiting',
  },

  lock: 'Lock',
  lockHint: 'Lock this screen: monitoring goes on, the PIN unlocks it.',
  signOut: 'Sign out',
  signedInAs: (name: string, role: Role) => `${name}, ${ROLE_WORDS[role]}`,
  actionFailed: (reason: string) => `That did not work: ${reason}`,

  setPin: {
    open: 'Set my PIN',
    openHint: 'Choose the PIN that unlocks this screen quickly when it is locked.',
    title: 'Set my PIN',
    hint: 'Your password proves it is you. The new PIN replaces any PIN you had.',
    password: 'Your password',
    pin: 'New PIN',
    pinAgain: 'New PIN again',
    save: 'Set the PIN',
    saving: 'Setting…',
    saved: 'Your PIN is set: it unlocks this screen when it is locked.',
    passwordNeeded: 'Type your password: it proves it is you.',
    pinShape: 'The PIN must be 4 to 8 digits.',
  },

  /** A refused action, in the words of the permissions table. */
  signInTo: (permission: Permission) => `Sign in to ${PERMISSION_WORDS[permission]}.`,
  /** A refused read: the view says what signing in would show. */
  signInToSee: (permission: Permission) =>
    permission === 'review'
      ? 'Sign in to see this patient’s history.'
      : `Sign in to ${PERMISSION_WORDS[permission]}.`,

  accounts: {
    title: 'Accounts',
    /** A hospital account pulled from the central server: shown here, changed only there. */
    fromServer: 'from the central server',
    managedOnServer: 'Managed on the central server',
    hint: 'Who may sign in at this workstation. A disabled account is signed out at once.',
    loading: 'Reading the accounts…',
    none: 'No accounts.',
    columns: {
      name: 'Name',
      username: 'User name',
      role: 'Role',
      pin: 'PIN',
      state: 'State',
      actions: 'Actions',
    },
    hasPin: 'Set',
    noPin: '—',
    active: 'Active',
    disabled: 'Disabled',
    disable: 'Disable',
    enable: 'Enable',
    disableConfirm: (name: string) =>
      `Disable ${name}’s account? They are signed out of every screen at once and cannot sign in until it is enabled again.`,
    enableConfirm: (name: string) => `Enable ${name}’s account again?`,
    yesDisable: 'Disable the account',
    yesEnable: 'Enable the account',
    addTitle: 'Add an account',
    role: 'Role',
    add: 'Add the account',
    adding: 'Adding…',
    added: (name: string) => `${name}’s account was added.`,
    roleWords: ROLE_WORDS,
  },
};
