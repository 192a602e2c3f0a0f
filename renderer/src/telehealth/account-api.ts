// Signing in with the hospital account from the viewer page (VIEWER_PATHS.account), where the
// central server has OpenID Connect: whether it is offered (and why this browser's last try was
// refused, told once), and beginning it, which gives the address of the hospital's sign-in page.
// The browser comes back to the page with the session cookie set, or with the refusal to read.
import {
  AccountSignInBegun,
  AccountSignInOffer,
  VIEWER_PATHS,
} from '../../../shared/telehealth/viewer';
import { UNREACHABLE, refusalWords, type RefusalWords } from './viewer-link';

export interface AccountOffer {
  offered: boolean;
  refusal: RefusalWords | null;
}

/** Not offered when the server cannot say (an older server, a proxy): the code still works. */
export async function accountOffer(): Promise<AccountOffer> {
  try {
    const response = await fetch(VIEWER_PATHS.account, {
      credentials: 'same-origin',
      cache: 'no-store',
    });
    const parsed = AccountSignInOffer.safeParse(response.ok ? await response.json() : null);
    if (!parsed.success) return { offered: false, refusal: null };
    const { offered, refusal } = parsed.data;
    return { offered, refusal: refusal ? refusalWords(403, refusal) : null };
  } catch {
    return { offered: false, refusal: null };
  }
}

/** The hospital sign-in page's address for this link, or why not. */
export async function beginAccountSignIn(
  token: string,
): Promise<{ ok: true; url: string } | { ok: false; refusal: RefusalWords }> {
  let response: Response;
  try {
    response = await fetch(VIEWER_PATHS.account, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
  } catch {
    return { ok: false, refusal: UNREACHABLE };
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Judged by the status below.
  }
  if (!response.ok) return { ok: false, refusal: refusalWords(response.status, body) };
  const parsed = AccountSignInBegun.safeParse(body);
  if (!parsed.success) return { ok: false, refusal: refusalWords(response.status, null) };
  return { ok: true, url: parsed.data.url };
}
