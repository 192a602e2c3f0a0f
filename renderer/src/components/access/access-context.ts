// This screen's access (who is signed in, locked or not, what it may do), from one `access`
// subscription for the whole app, and the client every view uses: the api client wrapped so that
// an action refused for want of a sign-in asks for it (sign-in-retry.ts). The prompt itself is
// drawn by AccessBar, which reads the pending refusal from here.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { ScreenAccess } from '../../../../shared/api/contract-access';
import type { Permission } from '../../../../shared/security/access';
import { withSignIn, type SignInRefusal } from '../../api/sign-in-retry';
import { keepResumeToken, tabStorage } from './resume-token';

/** An action waits for the person to sign in: `settle(true)` tries it again. */
export interface PendingSignIn {
  refusal: SignInRefusal;
  settle(signedIn: boolean): void;
}

export interface AccessControl {
  /** Null until the host has said (or when it does not know about accounts at all). */
  access: ScreenAccess | null;
  /** The client for views: refusals for want of a sign-in ask for it, then retry. */
  client: WorkstationClient;
  /** The action waiting for a sign-in, if any. */
  pending: PendingSignIn | null;
  /** The person asked to sign in (the bar's button), with no action waiting. */
  asking: boolean;
  setAsking(asking: boolean): void;
  /** An access request answered with the new access: shown at once, before the stream's event. */
  applyAccess(access: ScreenAccess): void;
  /**
   * "Set my PIN": NavUser opens it, the access bar draws it under the top bar, and NavUser says
   * once it is saved.
   */
  pinForm: PinFormState;
  setPinForm(state: PinFormState): void;
}

export type PinFormState = 'closed' | 'open' | 'saved';

export const AccessContext = createContext<AccessControl | null>(null);

/** The screen's access and the guarded client (inside the app's AccessContext). */
export function useAccess(): AccessControl {
  const control = useContext(AccessContext);
  if (!control) throw new Error('useAccess is used outside the AccessContext provider.');
  return control;
}

/**
 * Whether this screen may do it now: true while the host has not said and on a workstation not
 * set up (nothing is hidden then), else as its permissions say.
 */
export function mayNow(access: ScreenAccess | null, permission: Permission): boolean {
  return access === null || !access.setUp || access.permissions.includes(permission);
}

/** The app's one `access` subscription and the guarded client; used once, by App. */
export function useAccessControl(raw: WorkstationClient): AccessControl {
  const [access, setAccess] = useState<ScreenAccess | null>(null);
  const [pending, setPending] = useState<PendingSignIn | null>(null);
  const [asking, setAsking] = useState(false);
  const [pinForm, setPinForm] = useState<PinFormState>('closed');

  useEffect(
    () =>
      raw.subscribe(
        'access',
        {},
        (next) => shown(next, setAccess),
        () => {
          // The connection is down (or the host predates accounts): keep what was last known;
          // the bridge subscribes again when it is back and the host sends the access afresh.
        },
      ),
    [raw],
  );

  // "Set my PIN" and its "saved" belong to the user who opened it.
  const userId = access?.user?.userId ?? null;
  useEffect(() => setPinForm('closed'), [userId]);

  const client = useMemo(
    () =>
      withSignIn(
        raw,
        (refusal) =>
          new Promise<boolean>((resolve) => {
            setPending({
              refusal,
              settle: (signedIn) => {
                setPending(null);
                resolve(signedIn);
              },
            });
          }),
      ),
    [raw],
  );

  const applyAccess = useCallback((next: ScreenAccess) => shown(next, setAccess), []);
  return useMemo(
    () => ({ access, client, pending, asking, setAsking, applyAccess, pinForm, setPinForm }),
    [access, client, pending, asking, applyAccess, pinForm],
  );
}

/** Every access the host sends is this screen's now: its resume token is kept (or forgotten). */
function shown(next: ScreenAccess, setAccess: (access: ScreenAccess) => void): void {
  keepResumeToken(tabStorage(), next);
  setAccess(next);
}
