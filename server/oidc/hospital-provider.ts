// The hospital's OpenID Connect provider as this server's client sees it (openid-client): its
// metadata discovered from the issuer, kept a little while and discovered again when older, so a
// provider that went down is found out when a sign-in begins, not in the nurse's browser.
import * as client from 'openid-client';
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
