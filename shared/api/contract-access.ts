// The access requests and stream of the contract (spread into `requests` and `streams` in
// contract.ts): who is signed in at this screen, signing in and out, the PIN that unlocks a
// locked screen, and the workstation's accounts. A screen is one connection (an Electron window,
// a browser tab): each signs in on its own. Until the first administrator is made the
// workstation is "not set up": every action is allowed and logged as the unidentified user, and
// every screen says so. The table of who may do what is shared/security/access.ts.
import { z } from 'zod';
import { Permission, Role } from '../security/access';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
export const MIN_PASSWORD_CHARS = 10;
export const MAX_PASSWORD_CHARS = 256;
export const PIN_PATTERN = /^[0-9]{4,8}$/;
/** Wrong PINs in a row before the PIN stops working and the password is needed. */
export const MAX_PIN_FAILURES = 5;

const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    USERNAME_PATTERN,
    'The user name must be 2 to 64 lower-case letters, digits, dots, dashes or underscores, beginning with a letter or digit.',
  );
const Password = z
  .string()
  .min(MIN_PASSWORD_CHARS, `The password must be at least ${MIN_PASSWORD_CHARS} characters long.`)
  .max(MAX_PASSWORD_CHARS, `The password must be at most ${MAX_PASSWORD_CHARS} characters long.`);
/** For signing in: a wrong one is refused by the check, not described by the schema. */
const PresentedPassword = z.string().min(1).max(MAX_PASSWORD_CHARS);
const Pin = z.string().regex(PIN_PATTERN, 'The PIN must be 4 to 8 digits.');
const DisplayName = z.string().trim().min(1).max(120);

export const SignedInUser = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  hasPin: z.boolean(),
});
export type SignedInUser = z.infer<typeof SignedInUser>;

export const ScreenAccess = z.object({
  /** Accounts exist: access control is on. False: "not set up", make the administrator. */
  setUp: z.boolean(),
  /**
   * Who this screen acts as: a signed-in user (locked or not), nobody ('unidentified'), a
   * script holding the browser shell's token, or anyone on a workstation not set up ('open').
   */
  principal: z.enum(['user', 'unidentified', 'script', 'open']),
  user: SignedInUser.nullable(),
  /** A user is signed in but the screen is locked: the PIN (or the password) unlocks it. */
  locked: z.boolean(),
  /** What this screen may do now. */
  permissions: z.array(Permission),
  /** Seconds without input before a signed-in screen locks (set by IT). */
  idleLockS: z.number().int().positive(),
  /** When the screen locks if nothing is done before (epoch ms); null when it cannot lock. */
  locksAtMs: z.number().nullable(),
  /**
   * With a user signed in at a page: the token that lets this tab, reloaded or reconnected, take
   * its sign-in back (resumeScreen). Once only; a new one after each sign-in and resume.
   */
  resumeToken: z.string().optional(),
  /**
   * In getAccess's answer: sign-in with the hospital account is offered here (the workstation is
   * enrolled and its central server signs users in through the hospital's OpenID Connect provider).
   */
  hospitalSignIn: z.boolean().optional(),
});
export type ScreenAccess = z.infer<typeof ScreenAccess>;

export const AccountSummary = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  hasPin: z.boolean(),
  disabled: z.boolean(),
  createdAtMs: z.number(),
  createdBy: z.string(),
  /** 'server': the hospital's, from the central server (changed there only, never here). */
  source: z.enum(['local', 'server']),
});
export type AccountSummary = z.infer<typeof AccountSummary>;

export const accessRequests = {
  /** This screen's access now. */
  getAccess: { input: z.object({}).strict(), output: ScreenAccess },
  /**
   * The first start: makes the administrator (role it-administrator) and signs this screen in.
   * Refused once any account exists.
   */
  createAdministrator: {
    input: z
      .object({ username: Username, displayName: DisplayName, password: Password, pin: Pin })
      .strict(),
    output: ScreenAccess,
  },
  /** Signs this screen in (a wrong name or password: 'unauthorized', said the same for both). */
  signIn: {
    input: z
      .object({
        username: z.string().trim().toLowerCase().min(1).max(64),
        password: PresentedPassword,
      })
      .strict(),
    output: ScreenAccess,
  },
  /**
   * Sent first on each (re)connection of a tab that holds a resume token: this screen takes over
   * the sign-in (and the lock) of the screen that held it, if open or closed within 2 minutes.
   * An unknown, spent or expired token answers the access with nobody signed in.
   */
  resumeScreen: {
    input: z.object({ token: z.string().min(1).max(64) }).strict(),
    output: ScreenAccess,
  },
  /**
   * Sign-in with the hospital account, through the central server: the address the person opens
   * in a browser, and the attempt this screen then waits on (finishHospitalSignIn). Refused, in
   * words, when the workstation is not enrolled, the server cannot be reached, or it does not
   * offer it.
   */
  beginHospitalSignIn: {
    input: z.object({}).strict(),
    output: z.object({ url: z.string().url(), attemptId: z.string(), expiresAtMs: z.number() }),
  },
  /**
   * Waits a few seconds for the attempt this screen began: still waiting (ask again), or this
   * screen signed in as the user the hospital's sign-in named. A refusal is 'unauthorized' with
   * the server's sentence; after 5 minutes the attempt is over.
   */
  finishHospitalSignIn: {
    input: z.object({ attemptId: z.string().min(1).max(64) }).strict(),
    output: z.union([
      z.object({ waiting: z.literal(true), expiresAtMs: z.number() }).strict(),
      z.object({ waiting: z.literal(false), access: ScreenAccess }).strict(),
    ]),
  },
  /** Unlocks this screen for the user signed in on it. */
  unlockWithPin: {
    input: z.object({ pin: z.string().min(1).max(16) }).strict(),
    output: ScreenAccess,
  },
  /** Locks this screen now (monitoring goes on; the PIN unlocks). */
  lockScreen: { input: z.object({}).strict(), output: ScreenAccess },
  /** Signs the user out of this screen. */
  signOut: { input: z.object({}).strict(), output: ScreenAccess },
  /** A person used this screen (pointer or keys): the idle lock starts again. At most every few seconds. */
  noteActivity: {
    input: z.object({}).strict(),
    output: z.object({ locksAtMs: z.number().nullable() }),
  },
  /** The signed-in user sets their own PIN (the password again, to prove it is them). */
  setOwnPin: {
    input: z.object({ password: PresentedPassword, pin: Pin }).strict(),
    output: ScreenAccess,
  },
  listAccounts: { input: z.object({}).strict(), output: z.array(AccountSummary) },
  addAccount: {
    input: z
      .object({
        username: Username,
        displayName: DisplayName,
        role: Role,
        password: Password,
        pin: Pin.optional(),
      })
      .strict(),
    output: AccountSummary,
  },
  /** Disables (or enables again) an account; a disabled user's screens are signed out at once. */
  setAccountDisabled: {
    input: z.object({ userId: z.string().min(1).max(80), disabled: z.boolean() }).strict(),
    output: AccountSummary,
  },
} as const;

export const accessStreams = {
  /** This screen's access now, then on every change (an idle lock, a sign-out elsewhere). */
  access: { input: z.object({}).strict(), event: ScreenAccess },
} as const;
