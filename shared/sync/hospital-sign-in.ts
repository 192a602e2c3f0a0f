// Sign-in with the hospital account, between a workstation and the central server: the server
// signs the person in through the hospital's OpenID Connect provider in a browser tab, and the
// workstation, which began the attempt, asks how it ended. Pure: no Node.
import { z } from 'zod';

export const HOSPITAL_SIGN_IN_PATHS = {
  /**
   * GET (workstation credential): whether this server offers it ({offered}). POST: begins an
   * attempt, answered with HospitalSignInBegun.
   */
  attempts: '/api/sync/hospital-sign-in',
  /** GET /api/sync/hospital-sign-in/ID (the workstation that began it): HospitalSignInOutcome. */
  attempt: (attemptId: string) => `/api/sync/hospital-sign-in/${encodeURIComponent(attemptId)}`,
  /** The browser's part: the server's own address, which sends it on to the provider. */
  start: '/auth/oidc/start',
  /** Where the provider sends the browser back (the redirect address registered there). */
  callback: '/auth/oidc/callback',
} as const;

/** How long an attempt may take, from begin to the callback. */
export const HOSPITAL_SIGN_IN_VALID_MS = 5 * 60_000;

export const HospitalSignInOffer = z.object({ offered: z.boolean() });
export type HospitalSignInOffer = z.infer<typeof HospitalSignInOffer>;

export const HospitalSignInBegun = z.object({
  attemptId: z.string().uuid(),
  /** The address the person opens: the server's /auth/oidc/start, single use. */
  url: z.string().url(),
  expiresAtMs: z.number().int(),
});
export type HospitalSignInBegun = z.infer<typeof HospitalSignInBegun>;

export const HospitalSignedIn = z.object({
  username: z.string().min(1).max(64),
  displayName: z.string().min(1).max(200),
  role: z.string().min(1).max(64),
  serverUserId: z.string().min(1).max(80),
});
export type HospitalSignedIn = z.infer<typeof HospitalSignedIn>;

/** Not yet, signed in as a server user, or refused (with the sentence shown to the person). */
export const HospitalSignInOutcome = z.union([
  z.object({ pending: z.literal(true), expiresAtMs: z.number().int() }).strict(),
  z.object({ signedIn: HospitalSignedIn }).strict(),
  z.object({ refused: z.string().min(1).max(500) }).strict(),
]);
export type HospitalSignInOutcome = z.infer<typeof HospitalSignInOutcome>;
