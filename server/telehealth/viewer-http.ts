// The remote clinician's browser on the central server's HTTP: /telehealth (the page and its
// files, viewer-page.ts), /telehealth/api/… (redeem, session, notes, leave, and account: signing
// in with the hospital account, account-sign-in.ts) and /telehealth/oidc/callback (where the
// hospital's OpenID Connect provider sends the browser back). Refusals are
// ViewerRefusal bodies. A POST must be JSON, at most MAX_BODY_BYTES, and, when the browser says
// where it comes from (Origin), come from this server's own pages: a page of another site cannot
// act with the session cookie (which is also SameSite=Strict and HttpOnly).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  ACCOUNT_SIGN_IN_COOKIE,
  ACCOUNT_SIGN_IN_VALID_MS,
  AccountSignInRequest,
  NoteRequest,
  RedeemRequest,
  VIEWER_PATHS,
  VIEWER_SESSION_COOKIE,
  type AccountSignInBegun,
  type ViewerRefusal,
} from '../../shared/telehealth/viewer';
import { sendSignInPage } from '../oidc/sign-in-page';
import { accountSignIn, type AccountSignInOptions } from './account-sign-in';
import { readJson, sendJson, STATUS_OF, type Exchange } from '../http/exchange';
import { databaseDown } from '../http/router';
import { SyncRefusal } from '../sync/refusal';
import { callerOf, ViewerRefused, type Telehealth } from './telehealth';
import { pageHeaders, sendText } from '../http/page-files';
import { viewerPage } from './viewer-page';

export const MAX_BODY_BYTES = 16 * 1024;
const ROOT = VIEWER_PATHS.page.replace(/\/$/, '');
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export interface ViewerHttpOptions {
  rendererDir: string;
  /** The session cookie is marked Secure (served over TLS, or behind an https public address). */
  secure(): boolean;
  /** Origins besides the request's own host that are this server (its public address). */
  ownOrigins(): string[];
  log(line: string): void;
  /** Signing in with the hospital account (OpenID Connect): offered when its settings are given. */
  account?: AccountSignInOptions;
}

/** A secret from the named cookie, if the request carries a well-formed one. */
export function secretCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) {
      const value = part.slice(at + 1).trim();
      return SECRET.test(value) ? value : null;
    }
  }
  return null;
}

/** The viewer's session secret from its cookie, if it carries a well-formed one. */
export function sessionCookie(req: IncomingMessage): string | null {
  return secretCookie(req, VIEWER_SESSION_COOKIE);
}

/** Why the request's Origin is not this server's (null: none was sent, or it is ours). */
export function foreignOrigin(
  req: IncomingMessage,
  ownOrigins: string[],
  required = false,
): string | null {
  const origin = req.headers.origin;
  if (origin === undefined) return required ? 'no Origin was sent' : null;
  const host = (req.headers.host ?? '').toLowerCase();
  const allowed = [`http://${host}`, `https://${host}`, ...ownOrigins.map((o) => o.toLowerCase())];
  return allowed.includes(origin.toLowerCase()) ? null : `a page of ${origin.slice(0, 200)}`;
}

export function viewerHttp(telehealth: Telehealth, options: ViewerHttpOptions) {
  const page = viewerPage(options.rendererDir);
  const account = accountSignIn(
    telehealth,
    options.account ?? { settings: null, publicUrl: () => '' },
  );

  const cookie = (secret: string, maxAgeS: number) =>
    `${VIEWER_SESSION_COOKIE}=${secret}; HttpOnly; SameSite=Strict; Path=${ROOT}; ` +
    `Max-Age=${Math.max(0, Math.ceil(maxAgeS))}${options.secure() ? '; Secure' : ''}`;
  // Lax, not Strict: it must come back with the provider's redirect to the callback (a top-level
  // navigation from another site). It binds the attempt to this browser and holds no session.
  const accountCookie = (key: string, maxAgeS: number) =>
    `${ACCOUNT_SIGN_IN_COOKIE}=${key}; HttpOnly; SameSite=Lax; Path=${ROOT}; ` +
    `Max-Age=${Math.max(0, Math.ceil(maxAgeS))}${options.secure() ? '; Secure' : ''}`;

  const refused = (ex: Exchange, status: number, body: ViewerRefusal) => sendJson(ex, status, body);

  /** A POST's JSON body read with the schema; refused (and audited) otherwise. */
  async function bodyOf<T extends z.ZodType>(
    ex: Exchange,
    schema: T,
    emptyOk = false,
  ): Promise<z.infer<T>> {
    const caller = callerOf(ex.req);
    const foreign = foreignOrigin(ex.req, options.ownOrigins());
    if (foreign) {
      await telehealth.audit({
        invitationId: null,
        kind: 'refused',
        why: 'forbidden',
        ...caller,
        detail: `${ex.url.pathname} from ${foreign}`,
      });
      throw new ViewerRefused(403, {
        error: 'forbidden',
        message: 'Only the consult page of this central server may do this.',
      });
    }
    let raw: unknown;
    try {
      raw = await readJson(ex.req, MAX_BODY_BYTES, { emptyOk });
    } catch (error) {
      if (!(error instanceof SyncRefusal)) throw error;
      await telehealth.audit({
        invitationId: null,
        kind: 'refused',
        why: 'bad-request',
        ...caller,
        detail: `${ex.url.pathname}: ${error.message}`,
      });
      throw new ViewerRefused(STATUS_OF[error.code], {
        error: 'bad-request',
        message: error.message,
      });
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const message = `The request is not valid: ${z.prettifyError(parsed.error)}`;
      await telehealth.audit({
        invitationId: null,
        kind: 'refused',
        why: 'bad-request',
        ...caller,
        detail: `${ex.url.pathname}: ${message}`,
      });
      throw new ViewerRefused(400, { error: 'bad-request', message });
    }
    return parsed.data as z.infer<T>;
  }

  async function api(ex: Exchange): Promise<void> {
    const { req, res } = ex;
    const path = ex.url.pathname;
    const method = req.method ?? '';
    const caller = callerOf(req);
    const session = sessionCookie(req);
    const post = method === 'POST';
    if (path === VIEWER_PATHS.session && method === 'GET') {
      return sendJson(ex, 200, await telehealth.session(session, caller));
    }
    if (path === VIEWER_PATHS.redeem && post) {
      const request = await bodyOf(ex, RedeemRequest);
      const opened = await telehealth.redeem(request, session, caller);
      res.setHeader(
        'Set-Cookie',
        cookie(
          opened.secret,
          (opened.session.expiresAtMs - opened.session.serverNowMs) / 1000 + 60,
        ),
      );
      return sendJson(ex, 200, opened.session);
    }
    if (path === VIEWER_PATHS.account && method === 'GET') {
      const key = secretCookie(req, ACCOUNT_SIGN_IN_COOKIE);
      const offer = await account.offer(key);
      if (offer.refusal) res.setHeader('Set-Cookie', accountCookie('', 0));
      return sendJson(ex, 200, offer);
    }
    if (path === VIEWER_PATHS.account && post) {
      const { token } = await bodyOf(ex, AccountSignInRequest);
      const begun = await account.begin(token, session, caller);
      if (begun.key)
        res.setHeader('Set-Cookie', accountCookie(begun.key, ACCOUNT_SIGN_IN_VALID_MS / 1000 + 60));
      const body: AccountSignInBegun = { url: begun.url };
      return sendJson(ex, 200, body);
    }
    if (path === VIEWER_PATHS.notes && post) {
      const { text } = await bodyOf(ex, NoteRequest);
      return sendJson(ex, 200, await telehealth.note(session, text, caller));
    }
    if (path === VIEWER_PATHS.leave && post) {
      await bodyOf(ex, z.object({}).strict(), true);
      await telehealth.leave(session, caller);
      res.setHeader('Set-Cookie', cookie('', 0));
      res.writeHead(204, { 'Cache-Control': 'no-store' });
      return void res.end();
    }
    const known = [
      VIEWER_PATHS.session,
      VIEWER_PATHS.redeem,
      VIEWER_PATHS.notes,
      VIEWER_PATHS.leave,
      VIEWER_PATHS.account,
    ];
    refused(ex, (known as string[]).includes(path) ? 405 : 404, {
      error: 'bad-request',
      message: (known as string[]).includes(path)
        ? `${method.slice(0, 10)} is not how this address is used.`
        : 'The consult page has nothing at this address.',
    });
  }

  /** The provider sent the browser back: signed in (to the consult), or why not. */
  async function callback(ex: Exchange): Promise<void> {
    const { req, res } = ex;
    const key = secretCookie(req, ACCOUNT_SIGN_IN_COOKIE);
    const answered = await account.callback(ex.url, key, callerOf(req));
    const page = `${VIEWER_PATHS.page}#account`;
    const headers = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
    switch (answered.kind) {
      case 'signed-in':
        res.writeHead(303, {
          ...headers,
          Location: VIEWER_PATHS.page,
          'Set-Cookie': [
            cookie(answered.secret, (answered.expiresAtMs - telehealth.now()) / 1000 + 60),
            accountCookie('', 0),
          ],
        });
        return void res.end();
      case 'refused':
        res.writeHead(303, { ...headers, Location: page });
        return void res.end();
      case 'page':
        return sendSignInPage(res, answered.status, answered.sentence);
    }
  }

  async function answer(ex: Exchange): Promise<void> {
    const { req, res } = ex;
    const path = ex.url.pathname;
    try {
      if (path.startsWith(`${ROOT}/api/`)) return await api(ex);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        pageHeaders(res);
        return sendText(
          res,
          405,
          `${(req.method ?? '').slice(0, 10)} is not how this page is used.`,
        );
      }
      if (path === VIEWER_PATHS.accountCallback) return await callback(ex);
      if (path === ROOT) {
        // The fragment (#t=…) stays with the browser across the redirect.
        res.writeHead(308, {
          Location: `${VIEWER_PATHS.page}${ex.url.search}`,
          'Cache-Control': 'no-store',
        });
        return void res.end();
      }
      if (await page.serve(res, path, req.method === 'HEAD')) return;
      pageHeaders(res);
      sendText(res, 404, `No file ${path.slice(0, 200)}.`);
    } catch (error) {
      if (error instanceof ViewerRefused) return refused(ex, error.status, error.body);
      if (databaseDown(error)) {
        options.log(`telehealth: ${path}: the database is unreachable: ${String(error)}`);
        return sendText(
          res,
          503,
          'The central server cannot reach its database just now. Try again in a minute.',
        );
      }
      options.log(
        `telehealth: ${req.method} ${path} failed: ${(error as Error)?.stack ?? String(error)}`,
      );
      if (!res.headersSent)
        sendText(
          res,
          500,
          'The central server could not answer (it is logged). Try again in a moment.',
        );
      else res.destroy();
    }
  }

  return {
    page,
    /** Takes every request under /telehealth; false for anything else. */
    handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://central.invalid');
      } catch {
        return false;
      }
      if (url.pathname !== ROOT && !url.pathname.startsWith(`${ROOT}/`)) return false;
      answer({ req, res, url }).catch((error: unknown) => {
        options.log(`telehealth: answering ${url.pathname} failed: ${String(error)}`);
        res.destroy();
      });
      return true;
    },
  };
}
