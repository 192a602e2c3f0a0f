// Who may open the hospital central station, until users and roles come: whoever holds the viewer
// token, as with the workstation's browser shell. The token comes in the printed address
// (?token=), then as a cookie for the page's own requests; a script sends it as a bearer header.
// A browser's WebSocket must come from the station's own page (its Origin), so that a page of
// another site cannot ride on the cookie.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';

export const VIEWER_COOKIE = 'central_viewer_token';

export type ViewerTokenSource = 'header' | 'query' | 'cookie';

/** A new token for this start: 144 bits, safe in an address, a header and a cookie. */
export function newViewerToken(): string {
  return randomBytes(18).toString('base64url');
}

/** The token kept in a file (`--viewer-token-file`), so that open stations survive a restart. */
export function readViewerTokenFile(path: string): string {
  const token = readFileSync(path, 'utf8').trim();
  if (!/^[A-Za-z0-9._~-]{16,256}$/.test(token)) {
    throw new Error(
      `The viewer token in ${path} must be 16 to 256 letters, digits or . _ ~ - on one line.`,
    );
  }
  return token;
}

export function viewerTokenSource(
  req: IncomingMessage,
  url: URL,
  expected: string,
): ViewerTokenSource | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ') && matches(header.slice(7).trim(), expected)) return 'header';
  if (matches(url.searchParams.get('token'), expected)) return 'query';
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== VIEWER_COOKIE) continue;
    try {
      if (matches(decodeURIComponent(part.slice(separator + 1).trim()), expected)) return 'cookie';
    } catch {
      // a malformed value is not the token
    }
  }
  return null;
}

/** Why a WebSocket is refused for where it comes from, or null when it may open. */
export function viewerSocketRefusal(
  req: IncomingMessage,
  source: ViewerTokenSource,
): string | null {
  const origin = req.headers.origin;
  if (origin === undefined) {
    return source === 'cookie' ? 'a script must send the token itself, not a cookie' : null;
  }
  const host = (req.headers.host ?? '').toLowerCase();
  const allowed = [`http://${host}`, `https://${host}`];
  return allowed.includes(origin.toLowerCase()) ? null : `a page of ${origin} may not open it`;
}

export function viewerCookie(token: string, secure: boolean): string {
  return `${VIEWER_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}

function matches(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
