// The hospital's OpenID Connect provider as this server's client sees it (openid-client): its
// metadata discovered from the issuer, kept a little while and discovered again when older, so a
// provider that went down is found out when a sign-in begins, not in the nurse's browser.
import * as client from 'openid-client';
import type { HospitalClaims } from './server-user';
import type { OidcSettings } from './settings';

/** A sign-in begins only with metadata at most this old (one GET to the provider otherwise). */
const FRESH_MS = 60_000;
const DISCOVERY_TIMEOUT_S = 5;

/** The provider cannot be used now: why, in words for IT and the nurse. */
export class ProviderUnavailable extends Error {}

export class HospitalProvider {
  readonly #settings: OidcSettings;
  readonly #now: () => number;
  #config: { value: client.Configuration; atMs: number } | null = null;
  #discovering: Promise<client.Configuration> | null = null;

  constructor(settings: OidcSettings, now: () => number = Date.now) {
    this.#settings = settings;
    this.#now = now;
  }

  get issuerUrl(): string {
    return this.#settings.issuerUrl;
  }

  /** The client configuration, discovered again when older than `maxAgeMs`. */
  async configuration(maxAgeMs = FRESH_MS): Promise<client.Configuration> {
    const kept = this.#config;
    if (kept && this.#now() - kept.atMs <= maxAgeMs) return kept.value;
    this.#discovering ??= this.#discover().finally(() => (this.#discovering = null));
    return this.#discovering;
  }

  async #discover(): Promise<client.Configuration> {
    const issuer = new URL(this.#settings.issuerUrl);
    try {
      const value = await client.discovery(
        issuer,
        this.#settings.clientId,
        { client_secret: this.#settings.clientSecret },
        client.ClientSecretBasic(this.#settings.clientSecret),
        {
          timeout: DISCOVERY_TIMEOUT_S,
          ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
        },
      );
      this.#config = { value, atMs: this.#now() };
      return value;
    } catch (error) {
      throw new ProviderUnavailable(
        `The hospital's sign-in service (${this.#settings.issuerUrl}) cannot be reached just ` +
          `now (${reasonOf(error)}). Sign in with your user name and password, or try again ` +
          'in a moment; if it goes on, tell IT.',
        { cause: error },
      );
    }
  }
}

/** What the sign-in's start kept, that the provider's answer must match. */
export interface CodeChecks {
  codeVerifier: string;
  state: string;
  nonce: string;
}

/**
 * The provider's code (on `callbackUrl`, the callback as the browser reached it) exchanged for who
 * signed in: the ID token's claims, completed from userinfo where the token lacks the profile
 * (many providers put it in the token; the others give it at userinfo). Throws when the answer does
 * not hold (state, nonce, PKCE, signature), as openid-client checks it.
 */
export async function claimsFromCode(
  config: client.Configuration,
  callbackUrl: URL,
  checks: CodeChecks,
): Promise<HospitalClaims> {
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: checks.codeVerifier,
    expectedState: checks.state,
    expectedNonce: checks.nonce,
    idTokenExpected: true,
  });
  const idToken = tokens.claims()!;
  let preferred = stringClaim(idToken.preferred_username);
  let name = stringClaim(idToken.name);
  if (preferred === null || name === null) {
    const info = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
    preferred ??= stringClaim(info.preferred_username);
    name ??= stringClaim(info.name);
  }
  return { sub: idToken.sub, preferredUsername: preferred, name };
}

function stringClaim(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The innermost reason of a failed request, short. */
export function reasonOf(error: unknown): string {
  let at: unknown = error;
  for (let depth = 0; depth < 4; depth++) {
    const cause = (at as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) break;
    at = cause;
  }
  const code = (at as { code?: unknown } | null)?.code;
  const message = at instanceof Error ? at.message : String(at);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
