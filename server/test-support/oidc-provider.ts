// Test support: a real OpenID Connect provider (oidc-provider, its development login form) on
// loopback, standing in for the hospital's, with the accounts it knows; and a browser made of
// fetch and a cookie jar that goes through its sign-in as a person would.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error oidc-provider ships no types: the little of it used here is typed below.
import ProviderModule from 'oidc-provider';

interface OidcProvider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  on(event: 'server_error', listener: (ctx: unknown, error: Error) => void): void;
}
interface ProviderAccount {
  accountId: string;
  claims(): Record<string, string>;
}
const Provider = ProviderModule as new (
  issuer: string,
  configuration: Record<string, unknown> & {
    findAccount(ctx: unknown, id: string): ProviderAccount | undefined;
  },
) => OidcProvider;

export interface HospitalAccount {
  /** The provider's subject (`sub`): stable, never reused. */
  sub: string;
  /** What the hospital calls the person's login (`preferred_username`). */
  preferredUsername: string;
  name: string;
}

export const TEST_CLIENT_ID = 'central-server';
export const TEST_CLIENT_SECRET = 'test-client-secret-0123456789abcdef';

export interface TestOidcProvider {
  /** http://127.0.0.1:PORT: the issuer, known before the provider is made (see serve). */
  issuer: string;
  /** Makes the provider with this client redirect address (the central server's callback). */
  serve(redirectUri: string): void;
  close(): Promise<void>;
}

/**
 * Listens first (so the issuer's address is known before the central server starts), then serves
 * the provider once the central server's callback address is known.
 */
export async function listenTestOidcProvider(
  accounts: readonly HospitalAccount[],
): Promise<TestOidcProvider> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end('not yet');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const bySub = new Map(accounts.map((account) => [account.sub, account]));
  return {
    issuer,
    serve(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: TEST_CLIENT_ID,
            client_secret: TEST_CLIENT_SECRET,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
          },
        ],
        claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
        cookies: { keys: ['test-cookie-key-0123456789'] },
        // The development form's "login" is the subject (any password is taken).
        findAccount: (_ctx, id) => {
          const account = bySub.get(id);
          if (!account) return undefined;
          return {
            accountId: account.sub,
            claims: () => ({
              sub: account.sub,
              name: account.name,
              preferred_username: account.preferredUsername,
            }),
          };
        },
        features: { devInteractions: { enabled: true } },
        ttl: { AccessToken: 600, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
      });
      // The development form's warnings are for people running it, not for the test's output.
      provider.on('server_error', (_ctx, error) => console.error('oidc-provider:', error));
      handler = provider.callback();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A browser for the test: fetch, following redirects by hand, with cookies kept per host. */
export class TestBrowser {
  readonly #jar = new Map<string, Map<string, string>>();

  /** Fetches without following redirects; the cookies set are kept. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookies = this.#jar.get(target.host);
    const headers = new Headers(init.headers);
    if (cookies && cookies.size > 0) {
      headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const jar = this.#jar.get(target.host) ?? new Map<string, string>();
      this.#jar.set(target.host, jar);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  /** Follows redirects from `url` until a page (not a redirect) answers; returns it and where. */
  async follow(url: string, init: RequestInit = {}): Promise<{ response: Response; url: string }> {
    let at = url;
    let response = await this.fetch(at, init);
    for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
      if (hops > 20) throw new Error(`too many redirects from ${url}`);
      at = new URL(response.headers.get('location')!, at).toString();
      await response.body?.cancel();
      response = await this.fetch(at);
    }
    return { response, url: at };
  }

  /**
   * Goes from the central server's start address through the provider's sign-in (and consent)
   * as the account whose subject is `login`, up to (not including) the callback: returns the
   * callback address the provider sent the browser to.
   */
  async signInAt(
    startUrl: string,
    login: string,
    callbackPrefix: string,
  ): Promise<{ callbackUrl: string }> {
    let at = startUrl;
    for (let step = 0; step < 30; step++) {
      if (at.startsWith(callbackPrefix)) return { callbackUrl: at };
      const response = await this.fetch(at);
      if (response.status >= 300 && response.status < 400) {
        at = new URL(response.headers.get('location')!, at).toString();
        await response.body?.cancel();
        continue;
      }
      const html = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="([a-z]+)"/.exec(html)?.[1];
      if (!action || !prompt) {
        throw new Error(`the sign-in stopped at ${at} (${response.status}): ${html.slice(0, 400)}`);
      }
      const form = new URLSearchParams({ prompt });
      if (prompt === 'login') {
        form.set('login', login);
        form.set('password', 'any password');
      }
      const posted = await this.fetch(new URL(action.replace(/&amp;/g, '&'), at).toString(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      if (posted.status < 300 || posted.status >= 400) {
        throw new Error(`the ${prompt} form answered ${posted.status}: ${await posted.text()}`);
      }
      at = new URL(posted.headers.get('location')!, at).toString();
      await posted.body?.cancel();
    }
    throw new Error(`the sign-in at ${startUrl} did not reach ${callbackPrefix}`);
  }
}
