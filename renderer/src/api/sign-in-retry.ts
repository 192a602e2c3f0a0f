// The one place where a refusal for want of a signed-in user is handled: the client every view
// gets is wrapped so that an action refused with 'sign_in_required' asks this screen to sign in
// (or unlock), then tries the action once more. Views keep calling `client.request` as before and
// keep showing `reasonOf(error)`; they never learn about sign-in. Reads of history are not asked
// for: a view that opens while the screen is locked should not pop a prompt, it says "Sign in to
// see …" instead.
import type { WorkstationClient } from '../../../shared/api/client';
import type { RequestName } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { REQUEST_PERMISSION } from '../../../shared/security/access';
import { accessStrings } from '../strings/access';

/** Why the sign-in is asked for: the screen is locked (a PIN may do) or nobody is signed in. */
export interface SignInRefusal {
  method: RequestName;
  locked: boolean;
}

/**
 * Asks the person at the screen to sign in or unlock. Resolves true once they have (the action
 * is then tried again), false when they closed the prompt.
 */
export type SignInPrompt = (refusal: SignInRefusal) => Promise<boolean>;

/** Requests that only read: refused quietly, with a sentence, never a prompt. */
const READ = /^(get|list|search|find)[A-Z]|^patientHistory$/;
/** Signing in itself never asks to sign in. */
const ACCESS_REQUESTS: ReadonlySet<RequestName> = new Set<RequestName>([
  'getAccess',
  'createAdministrator',
  'signIn',
  'resumeScreen',
  'unlockWithPin',
  'lockScreen',
  'signOut',
  'noteActivity',
  'setOwnPin',
]);

/** Whether a refusal of this request asks the person to sign in (an action, not a read). */
export function asksForSignIn(method: RequestName): boolean {
  return !ACCESS_REQUESTS.has(method) && !READ.test(method);
}

/** The refusal's `details.locked`, false when the host did not say. */
export function refusedWhileLocked(error: ApiError): boolean {
  const details = error.details as { locked?: unknown } | null | undefined;
  return details?.locked === true;
}

/**
 * The sentence a view shows for a request refused for want of a sign-in: what signing in would
 * allow, in the words of the permissions table. Other errors are returned unchanged.
 */
export function withSignInSentence(method: RequestName, error: unknown): unknown {
  if (!(error instanceof ApiError) || error.code !== 'sign_in_required') return error;
  const permission = REQUEST_PERMISSION[method];
  const sentence = READ.test(method)
    ? accessStrings.signInToSee(permission)
    : accessStrings.signInTo(permission);
  return new ApiError('sign_in_required', sentence, error.details);
}

export function withSignIn(client: WorkstationClient, prompt: SignInPrompt): WorkstationClient {
  // One prompt at a time: actions refused while it is open wait for the same answer.
  let waiting: Promise<boolean> | null = null;
  const ask = (refusal: SignInRefusal): Promise<boolean> => {
    if (waiting) return waiting;
    const asked = prompt(refusal).then(
      (ok) => ok,
      () => false,
    );
    waiting = asked;
    void asked.finally(() => {
      if (waiting === asked) waiting = null;
    });
    return asked;
  };

  return {
    async request(method, params) {
      try {
        return await client.request(method, params);
      } catch (error) {
        if (
          !(error instanceof ApiError) ||
          error.code !== 'sign_in_required' ||
          !asksForSignIn(method)
        ) {
          throw withSignInSentence(method, error);
        }
        const signedIn = await ask({ method, locked: refusedWhileLocked(error) });
        if (!signedIn) throw withSignInSentence(method, error);
      }
      // Once only: a second refusal (a role that may not, a lock in between) is the answer.
      try {
        return await client.request(method, params);
      } catch (error) {
        throw withSignInSentence(method, error);
      }
    },
    subscribe: (stream, params, onEvent, onError) =>
      client.subscribe(stream, params, onEvent, onError),
  };
}
