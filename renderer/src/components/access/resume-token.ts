// This tab's resume token (shared/api/contract-access.ts, resumeScreen): kept in sessionStorage,
// so it lives as long as the tab (a reload keeps it, closing the tab forgets it) and no other tab
// reads it. On every (re)connection the bridge sends it first, so a reloaded tab or a socket that
// blipped keeps its user; every access the host sends replaces it (a new one after each sign-in
// and resume; none once signed out).
import type { ScreenAccess } from '../../../../shared/api/contract-access';
import type { Greeting } from '../../api/websocket-bridge';

export const RESUME_TOKEN_KEY = 'workstation.resumeToken';

/** The part of Storage used here, so tests can hand in a map. */
export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The tab's storage, or null where there is none (or it is refused, as in a locked-down profile). */
export function tabStorage(): TokenStorage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** Keeps the token of this access, or forgets the one kept when the access has none. */
export function keepResumeToken(storage: TokenStorage | null, access: ScreenAccess): void {
  if (!storage) return;
  try {
    if (access.resumeToken) storage.setItem(RESUME_TOKEN_KEY, access.resumeToken);
    else storage.removeItem(RESUME_TOKEN_KEY);
  } catch {
    // Storage full or refused: a reload then asks to sign in again, nothing worse.
  }
}

/** The first request of each connection: resume with the kept token, if there is one. */
export function resumeGreeting(storage: TokenStorage | null): Greeting | null {
  let token: string | null;
  try {
    token = storage?.getItem(RESUME_TOKEN_KEY) ?? null;
  } catch {
    token = null;
  }
  if (!token || token.length > 64) return null;
  return {
    method: 'resumeScreen',
    params: { token },
    answered: (result) => {
      // The answer carries the next token; the `access` stream says the same a moment later.
      const access = result as ScreenAccess | null;
      if (access && typeof access === 'object') keepResumeToken(storage, access);
    },
  };
}
