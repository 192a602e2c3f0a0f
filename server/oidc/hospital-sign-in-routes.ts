// Sign-in at a workstation with the hospital account: the workstation begins an attempt (its
// credential), the person opens the address it is given in a browser, this server sends the
// browser on to the hospital's OpenID Connect provider (state, nonce, PKCE), takes the answer at
// the callback, checks the ID token and finds the server user; the workstation asks until the
// attempt is decided, and is answered once. See shared/sync/hospital-sign-in.ts for the wire.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import * as client from 'openid-client';
import {
  HOSPITAL_SIGN_IN_PATHS,
  HOSPITAL_SIGN_IN_VALID_MS,
} from '../../shared/sync/hospital-sign-in';
import type {
  HospitalSignInBegun,
  HospitalSignInOffer,
  HospitalSignInOutcome,
} from '../../shared/sync/hospital-sign-in';
import type { ServerContext } from '../http/context';
import { sendJson } from '../http/exchange';
import type { Exchange } from '../http/exchange';
import type { Route } from '../http/router';
import { authenticate } from '../http/sync-routes';
import { SyncRefusal } from '../sync/refusal';
import {
  attemptById,
  attemptByState,
  createAttempt,
  decide,
  forgetOldAttempts,
  takeAnswer,
  takeCallback,
  takeStart,
  words,
} from './attempts';
import type { AttemptRow, Decision } from './attempts';
import {
  claimsFromCode,
  HospitalProvider,
  ProviderUnavailable,
  reasonOf,
} from './hospital-provider';
import { serverUserFor } from './server-user';
import type { HospitalClaims } from './server-user';
import { sendSignInPage } from './sign-in-page';
import type { OidcSettings } from './settings';

export interface HospitalSignInSetup {
  /** Null: not configured (the routes answer so). */
  settings: OidcSettings | null;
  /** The server's own address once it listens (the public URL's stand-in when none is set). */
  serverUrl(): string;
}

const COOKIE = 'hospital_sign_in';
const KEY = /^[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const notConfigured = () =>
  new SyncRefusal(
    'not-found',
    'This central server does not sign users in with the hospital account (OpenID Connect is ' +
      'not set up on it). Sign in with your user name and password.',
  );

/** The browser's pages (not the api): answered before the hospital central station's files. */
export function isHospitalSignInPage(req: IncomingMessage): boolean {
  const path = (req.url ?? '').split('?')[0];
  return path === HOSPITAL_SIGN_IN_PATHS.start || path === HOSPITAL_SIGN_IN_PATHS.callback;
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('base64url');

export function hospitalSignInRoutes(setup: HospitalSignInSetup): Route[] {
  const settings = setup.settings;
  let provider: HospitalProvider | null = null;
  const providerOf = (ctx: ServerContext) => {
    if (!settings) throw notConfigured();
    provider ??= new HospitalProvider(settings, ctx.nowMs);
    return provider;
  };
  const publicUrl = () => (settings?.publicUrl ?? setup.serverUrl()).replace(/\/+$/, '');
  const redirectUri = () => `${publicUrl()}${HOSPITAL_SIGN_IN_PATHS.callback}`;

  async function offer(ctx: ServerContext, ex: Exchange): Promise<void> {
    await authenticate(ctx, ex);
    const body: HospitalSignInOffer = { offered: settings !== null };
    sendJson(ex, 200, body);
  }

  async function begin(ctx: ServerContext, ex: Exchange): Promise<void> {
    const workstation = await authenticate(ctx, ex);
    const hospital = providerOf(ctx);
    try {
      await hospital.configuration();
    } catch (error) {
      if (error instanceof ProviderUnavailable) {
        ctx.log(`Hospital sign-in for ${workstation.id}: ${error.message}`);
        throw new SyncRefusal('unavailable', error.message);
      }
      throw error;
    }
    const nowMs = ctx.nowMs();
    await forgetOldAttempts(ctx.db, nowMs);
    const startKey = randomBytes(32).toString('base64url');
    const id = randomUUID();
    const expiresAtMs = nowMs + HOSPITAL_SIGN_IN_VALID_MS;
    await createAttempt(ctx.db, {
      id,
      workstationId: workstation.id,
      startKeyHash: hashOf(startKey),
      createdAtMs: nowMs,
      expiresAtMs,
    });
    const body: HospitalSignInBegun = {
      attemptId: id,
      url: `${publicUrl()}${HOSPITAL_SIGN_IN_PATHS.start}?attempt=${startKey}`,
      expiresAtMs,
    };
    sendJson(ex, 200, body);
  }

  async function outcome(ctx: ServerContext, ex: Exchange, [raw]: string[]): Promise<void> {
    const workstation = await authenticate(ctx, ex);
    const id = decodeURIComponent(raw ?? '').toLowerCase();
    const gone = () =>
      new SyncRefusal(
        'not-found',
        'The central server has no such sign-in waiting: it was answered already, or never begun.',
      );
    const row = UUID.test(id) ? await attemptById(ctx.db, id) : null;
    if (!row || row.answered_at_ms !== null) throw gone();
    if (row.workstation_id !== workstation.id) {
      ctx.log(
        `Hospital sign-in ${id}: asked by workstation ${workstation.id}, begun by ${row.workstation_id}; refused.`,
      );
      throw new SyncRefusal(
        'forbidden',
        'This sign-in was begun at another workstation: only that workstation is told how it ended.',
      );
    }
    const nowMs = ctx.nowMs();
    if (row.outcome === null && nowMs >= Number(row.expires_at_ms)) {
      await decide(ctx.db, id, { outcome: 'refused', refusal: words.expired });
    } else if (row.outcome === null) {
      const body: HospitalSignInOutcome = { pending: true, expiresAtMs: Number(row.expires_at_ms) };
      return sendJson(ex, 200, body);
    }
    const decided = await attemptById(ctx.db, id);
    if (!decided || !(await takeAnswer(ctx.db, id, nowMs))) throw gone();
    const body: HospitalSignInOutcome =
      decided.outcome === 'signed-in'
        ? {
            signedIn: {
              username: decided.username!,
              displayName: decided.display_name!,
              role: decided.role!,
              serverUserId: decided.server_user_id!,
            },
          }
        : { refused: decided.refusal ?? words.expired };
    sendJson(ex, 200, body);
  }

  /** The browser opened the address the workstation was given: on to the provider. */
  async function start(ctx: ServerContext, ex: Exchange): Promise<void> {
    await page(ctx, ex, async () => {
      if (!settings) return { status: 404, sentence: notConfigured().message };
      const key = ex.url.searchParams.get('attempt') ?? '';
      if (!KEY.test(key)) return { status: 404, sentence: words.unknownLink };
      const config = await providerOf(ctx).configuration(5 * 60_000);
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const browserKey = randomBytes(32).toString('base64url');
      const taken = await takeStart(ctx.db, hashOf(key), {
        state,
        nonce,
        codeVerifier,
        browserKeyHash: hashOf(browserKey),
        atMs: ctx.nowMs(),
      });
      if (!taken.taken) return { status: 410, sentence: taken.why };
      const location = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri(),
        scope: 'openid profile',
        // A workstation's browser is shared: the provider asks who this is every time, never
        // signing the next nurse in on the session of whoever signed in there before.
        prompt: 'login',
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const secure = publicUrl().startsWith('https:') ? '; Secure' : '';
      ex.res.writeHead(303, {
        location: location.href,
        'set-cookie': `${COOKIE}=${browserKey}; Path=/auth/oidc; Max-Age=${HOSPITAL_SIGN_IN_VALID_MS / 1000}; HttpOnly; SameSite=Lax${secure}`,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      ex.res.end();
      return null;
    });
  }

  /** The provider sent the browser back: the code exchanged, the ID token checked, decided. */
  async function callback(ctx: ServerContext, ex: Exchange): Promise<void> {
    await page(ctx, ex, async () => {
      if (!settings) return { status: 404, sentence: notConfigured().message };
      const state = ex.url.searchParams.get('state') ?? '';
      const row = state ? await attemptByState(ctx.db, state) : null;
      if (!row) return { status: 404, sentence: words.unknownLink };
      const cookie = cookieOf(ex.req, COOKIE);
      if (!cookie || row.browser_key_hash !== hashOf(cookie)) {
        ctx.log(
          `Hospital sign-in ${row.id}: the callback came without the browser's cookie; refused.`,
        );
        return { status: 403, sentence: words.otherBrowser };
      }
      if (!(await takeCallback(ctx.db, row.id, ctx.nowMs()))) {
        ctx.log(`Hospital sign-in ${row.id}: a second callback (a replay) was refused.`);
        return { status: 409, sentence: words.replayed };
      }
      const decision = await decideCallback(ctx, ex, row);
      await decide(ctx.db, row.id, decision);
      // The first decision stands (the workstation may have been told "too late" meanwhile).
      const decided = await attemptById(ctx.db, row.id);
      ctx.log(
        decided?.outcome === 'signed-in'
          ? `Hospital sign-in ${row.id}: ${decided.username} at workstation ${row.workstation_id}.`
          : `Hospital sign-in ${row.id} at workstation ${row.workstation_id} refused: ${decided?.refusal}`,
      );
      return decided?.outcome === 'signed-in'
        ? {
            status: 200,
            sentence: `Signed in as ${decided.display_name} at the workstation. You can close this tab.`,
          }
        : { status: 403, sentence: decided?.refusal ?? words.expired };
    });
  }

  async function decideCallback(
    ctx: ServerContext,
    ex: Exchange,
    row: AttemptRow,
  ): Promise<Decision> {
    const refused = (refusal: string): Decision => ({ outcome: 'refused', refusal });
    if (ctx.nowMs() >= Number(row.expires_at_ms)) return refused(words.expired);
    const error = ex.url.searchParams.get('error');
    if (error) {
      const said = ex.url.searchParams.get('error_description');
      return refused(
        error === 'access_denied'
          ? 'The sign-in was cancelled at the hospital sign-in service. Begin again at the workstation if you want to sign in.'
          : `The hospital sign-in service did not sign you in (${said ?? error}). Begin again at the workstation, or tell IT if it goes on.`,
      );
    }
    let claims: HospitalClaims;
    try {
      const config = await providerOf(ctx).configuration(10 * 60_000);
      claims = await claimsFromCode(config, new URL(`${redirectUri()}${ex.url.search}`), {
        codeVerifier: row.code_verifier!,
        state: row.state!,
        nonce: row.nonce!,
      });
    } catch (failure) {
      ctx.log(
        `Hospital sign-in ${row.id}: the provider's answer was not accepted: ${reasonOf(failure)}`,
      );
      return refused(
        `The answer of the hospital sign-in service could not be checked (${reasonOf(failure)}). ` +
          'Begin again at the workstation; if it goes on, tell IT.',
      );
    }
    const found = await serverUserFor(ctx.db, claims, row.workstation_id);
    return 'user' in found ? { outcome: 'signed-in', user: found.user } : refused(found.refused);
  }

  return [
    { method: 'GET', path: HOSPITAL_SIGN_IN_PATHS.attempts, sync: true, handle: offer },
    { method: 'POST', path: HOSPITAL_SIGN_IN_PATHS.attempts, sync: true, handle: begin },
    {
      method: 'GET',
      path: /^\/api\/sync\/hospital-sign-in\/([^/]+)$/,
      sync: true,
      handle: outcome,
    },
    { method: 'GET', path: HOSPITAL_SIGN_IN_PATHS.start, sync: false, handle: start },
    { method: 'GET', path: HOSPITAL_SIGN_IN_PATHS.callback, sync: false, handle: callback },
  ];
}

/** A browser page: any failure is a sentence on the page, never JSON or a stack. */
async function page(
  ctx: ServerContext,
  ex: Exchange,
  work: () => Promise<{ status: number; sentence: string } | null>,
): Promise<void> {
  let shown: { status: number; sentence: string } | null;
  try {
    shown = await work();
  } catch (error) {
    if (error instanceof ProviderUnavailable) shown = { status: 503, sentence: error.message };
    else {
      ctx.log(`${ex.url.pathname} failed: ${(error as Error)?.stack ?? String(error)}`);
      shown = {
        status: 500,
        sentence:
          'The central server could not finish the sign-in (it is logged). Begin again at the ' +
          'workstation, or sign in there with your user name and password.',
      };
    }
  }
  if (shown) sendSignInPage(ex.res, shown.status, shown.sentence);
}

function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}
