// The sentences a person reads when access is refused, and the names the audit trail gives
// people. One place, so the screen, the command line and the tests say the same thing.
import { MAX_PIN_FAILURES } from '../../../shared/api/contract-access';
import { PERMISSION_WORDS, type Permission, type Role } from '../../../shared/security/access';

/** A role as the subject of a sentence: "A nurse cannot …". */
export const ROLE_AS_SUBJECT: Record<Role, string> = {
  nurse: 'A nurse',
  physician: 'A physician',
  'biomedical-engineer': 'A biomedical engineer',
  'it-administrator': 'An IT administrator',
  'remote-clinician': 'A remote clinician',
  'view-only': 'A view-only user',
};

export const accessWords = {
  forbidden: (role: Role, permission: Permission) =>
    `${ROLE_AS_SUBJECT[role]} cannot ${PERMISSION_WORDS[permission]}.`,
  signInFirst: (permission: Permission) =>
    `Sign in to ${PERMISSION_WORDS[permission]}: nobody is signed in at this screen.`,
  locked: 'The screen is locked: enter your PIN.',
  notSetUpUsers:
    'This workstation has no accounts yet: make the IT administrator first (the first start asks for one).',
  /** Said alike for a wrong user name and a wrong password. */
  wrongCredentials: 'The user name or the password is wrong. Check both and try again.',
  disabled: 'This account is disabled: ask IT to enable it again.',
  remoteClinician:
    'A remote clinician works through telehealth only and cannot sign in at a workstation.',
  noScreen: 'Signing in is done at a screen (a window or a browser tab), not by a script.',
  nobodySignedIn: 'Nobody is signed in at this screen: sign in with your user name and password.',
  noPin: 'You have no PIN yet: sign in with your password, then set a PIN.',
  pinBlocked: `Your PIN is blocked after ${MAX_PIN_FAILURES} wrong tries in a row: sign in with your password.`,
  wrongPin: (left: number) =>
    left > 0
      ? `The PIN is wrong: ${left} ${left === 1 ? 'try' : 'tries'} left before your password is needed.`
      : `The PIN is wrong ${MAX_PIN_FAILURES} times in a row and is now blocked: sign in with your password.`,
  wrongPasswordForPin: 'The password is wrong: the PIN was not changed.',
  /** Said alike for a name that exists and one that does not. */
  tooManyWrongPasswords: (wait: string) =>
    `Too many wrong passwords for this user name: try again in ${wait}, or ask IT if you have forgotten yours.`,
  alreadySetUp:
    'This workstation has its administrator already: sign in, and ask IT for an account.',
  usernameTaken: (username: string) =>
    `There is an account "${username}" already: choose another user name.`,
  firstMustBeAdministrator:
    'The first account must be an IT administrator, who can then add the others.',
  noSuchAccount: 'There is no such account on this workstation: the list has been refreshed.',
  lastAdministrator:
    'This is the last IT administrator who can sign in: add or enable another one before disabling it.',
} as const;

/** The name the audit trail and rows give a signed-in person: "Ana Example (ana)". */
export function actorName(user: { displayName: string; username: string }): string {
  return `${user.displayName} (${user.username})`;
}
