// The browser shell's access rules. Every request carries the token: as a bearer header (scripts),
// a ?token= query (the address the shell prints) or the cookie set when that address is opened.
// A cookie is sent by the browser whatever page asks, and SameSite does not tell ports apart: a
// page on another port of 127.0.0.1 is "same site". So a request that changes anything must also
// come from the shell's own page (its Origin) as JSON, or from a script holding the token itself.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'workstation_token';

/** How the request showed the token. */
export type TokenSource = 'header' | 'query' | 'cookie';

/** The request's address, or null when its target cannot be read (e.g. `http://[zz/api/ws`). */
export function requestUrl(req: IncomingMessage, host: string, port: number): URL | null {
  try {
    return new URL(req.url ?? '/', `http://${host}:${port}`);
  } catch {
    return null;
  }
}

/** Every value of the token cookie: a page on another port may have planted more than one. */
export function cookieTokens(cookieHeader: string | undefined): string[] {
  const values: string[] = [];
  for (const part of (cookieHeader ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== TOKEN_COOKIE) continue;
    try {
      values.push(decodeURIComponent(part.slice(separator + 1).trim()));
    } catch {
      // A malformed value (`%E0%A4%A`) is not the token; the others may still be.
    }
  }
  return values;
}

/** Where the request showed the right token, or null when it did not. */
export function tokenSource(req: IncomingMessage, url: URL, expected: string): TokenSource | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ') && tokenMatches(header.slice(7).trim(), expected))
    return 'header';
  if (tokenMatches(url.searchParams.get('token'), expected)) return 'query';
  if (cookieTokens(req.headers.cookie).some((value) => tokenMatches(value, expected)))
    return 'cookie';
  return null;
}

/**
 * Whether the request shows the scripts' token in its Authorization header. The page's token
 * (the printed address, seen in the address bar) only lets a screen connect: a screen signs in.
 * Acting for everyone, unsigned, takes the other token, which only the data folder's owner reads.
 */
export function scriptTokenShown(req: IncomingMessage, scriptToken: string | undefined): boolean {
  if (scriptToken === undefined) return false;
  const header = req.headers.authorization;
  return (
    header?.startsWith('Bearer ') === true && tokenMatches(header.slice(7).trim(), scriptToken)
  );
}

export function tokenMatches(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses requests whose Host is not this loopback address (a guard against DNS rebinding). */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  if (!host) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}

/** A refusal: the HTTP status and the sentence for whoever sent the request. */
export interface Refusal {
  status: number;
  message: string;
}

function originRefusal(req: IncomingMessage, source: TokenSource): Refusal | null {
  const origin = req.headers.origin;
  if (origin === undefined) {
    // Browsers always send Origin on these requests: without one, the sender is a script.
    if (source === 'cookie')
      return {
        status: 403,
        message: 'A script must send the token itself (Authorization: Bearer …), not a cookie.',
      };
    return null;
  }
  if (origin.toLowerCase() !== `http://${(req.headers.host ?? '').toLowerCase()}`)
    return { status: 403, message: 'Only the workstation’s own page may do this.' };
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin')
    return { status: 403, message: 'Only the workstation’s own page may do this.' };
  return null;
}

/** Why a state-changing request (POST) is refused, or null: its origin, its content type. */
export function changeRefusal(req: IncomingMessage, source: TokenSource): Refusal | null {
  const refusal = originRefusal(req, source);
  if (refusal) return refusal;
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json')
    return { status: 415, message: 'Send the request as JSON (Content-Type: application/json).' };
  return null;
}

/** Why a WebSocket upgrade is refused for its origin, or null. */
export function socketRefusal(req: IncomingMessage, source: TokenSource): Refusal | null {
  return originRefusal(req, source);
}

/** Characters a token may have: it goes into addresses, headers and cookies unescaped. */
const TOKEN_ALPHABET = /^[A-Za-z0-9._~-]+$/;
export const MIN_TOKEN_CHARS = 16;
export const MAX_TOKEN_CHARS = 256;

/** Why a token given with --token is too weak to guard a bedside, or null. */
export function tokenWeakness(token: string): string | null {
  if (token.length < MIN_TOKEN_CHARS || token.length > MAX_TOKEN_CHARS)
    return `--token must be ${MIN_TOKEN_CHARS} to ${MAX_TOKEN_CHARS} characters long (it has ${token.length}); leave it out and a strong one is made.`;
  if (!TOKEN_ALPHABET.test(token))
    return '--token may have only letters, digits and . _ ~ - (it goes into the address); leave it out and a strong one is made.';
  if (new Set(token).size < 8)
    return '--token has too few different characters to be hard to guess; leave it out and a strong one is made.';
  return null;
}
