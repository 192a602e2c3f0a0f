// The hospital's accounts over HTTP: IT's admin api behind the admin token (list, add, disable,
// enable, a new password), and the workstations' pull of the changes after their cursor (with
// their credential). Thin: each route parses, calls the store, answers.
import { z } from 'zod';
import {
  ACCOUNTS_ADMIN_PATHS,
  ACCOUNTS_PAGE_MAX,
  ACCOUNTS_SYNC_PATH,
  NewServerPassword,
  NewServerUser,
  ServerUserProfile,
} from '../../shared/sync/accounts';
import type { AccountsPage, ServerUserList } from '../../shared/sync/accounts';
import { requireAdmin } from '../http/admin-routes';
import type { ServerContext } from '../http/context';
import { readBody, readJson, sendJson } from '../http/exchange';
import type { Exchange } from '../http/exchange';
import type { Route } from '../http/router';
import { authenticate } from '../http/sync-routes';
import { SyncRefusal } from '../sync/refusal';
import { hashPassword, SERVER_PASSWORD_COST, type PasswordCost } from './password-hash';
import {
  addUser,
  listUsers,
  readAccountsPage,
  setUserDisabled,
  setUserPassword,
  setUserProfile,
} from './users-store';

const MAX_USER_BODY_BYTES = 16 * 1024;
/** Who the user_events trail names for a change through the admin api. */
export const ADMIN_API_ACTOR = 'IT (admin token)';

export interface AccountRouteOptions {
  /** The argon2id cost of passwords hashed here (tests: cheaper). */
  passwordCost?: PasswordCost;
}

function refusedBody(what: string, error: z.ZodError): SyncRefusal {
  return new SyncRefusal('bad-request', `Not ${what}: ${z.prettifyError(error)}`);
}

function idOf(encoded: string | undefined): string {
  try {
    const id = decodeURIComponent(encoded ?? '');
    if (id.length > 0 && id.length <= 80) return id;
  } catch {
    // below
  }
  throw new SyncRefusal('bad-request', 'The user id in the address is not valid.');
}

function wholeNumber(ex: Exchange, name: string, fallback: number, words: string): number {
  const raw = ex.url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,15}$/.test(raw)) throw new SyncRefusal('bad-request', words);
  return Number(raw);
}

export function accountRoutes(options: AccountRouteOptions = {}): Route[] {
  const cost = options.passwordCost ?? SERVER_PASSWORD_COST;

  async function list(ctx: ServerContext, ex: Exchange): Promise<void> {
    requireAdmin(ctx, ex);
    const body: ServerUserList = { users: await listUsers(ctx.db) };
    sendJson(ex, 200, body);
  }

  async function add(ctx: ServerContext, ex: Exchange): Promise<void> {
    requireAdmin(ctx, ex);
    const parsed = NewServerUser.safeParse(await readJson(ex.req, MAX_USER_BODY_BYTES));
    if (!parsed.success) throw refusedBody('a new user', parsed.error);
    const { password, passwordHash, ...user } = parsed.data;
    const hash =
      password !== undefined ? await hashPassword(password, cost) : (passwordHash ?? null);
    const added = await addUser(ctx.db, { ...user, passwordHash: hash }, ADMIN_API_ACTOR);
    ctx.log(`Users: ${added.username} (${added.role}) added through the admin api.`);
    sendJson(ex, 200, added);
  }

  async function setDisabled(
    ctx: ServerContext,
    ex: Exchange,
    [encoded, action]: string[],
  ): Promise<void> {
    requireAdmin(ctx, ex);
    await readBody(ex.req, MAX_USER_BODY_BYTES);
    const disabled = action === 'disable';
    const user = await setUserDisabled(ctx.db, idOf(encoded), disabled, ADMIN_API_ACTOR);
    ctx.log(`Users: ${user.username} ${disabled ? 'disabled' : 'enabled'} through the admin api.`);
    sendJson(ex, 200, user);
  }

  async function setPassword(ctx: ServerContext, ex: Exchange, [encoded]: string[]) {
    requireAdmin(ctx, ex);
    const parsed = NewServerPassword.safeParse(await readJson(ex.req, MAX_USER_BODY_BYTES));
    if (!parsed.success) throw refusedBody('a new password', parsed.error);
    const { password, passwordHash } = parsed.data;
    const hash = password !== undefined ? await hashPassword(password, cost) : passwordHash!;
    const user = await setUserPassword(ctx.db, idOf(encoded), hash, ADMIN_API_ACTOR);
    ctx.log(`Users: ${user.username} was given a new password through the admin api.`);
    sendJson(ex, 200, user);
  }

  async function setProfile(ctx: ServerContext, ex: Exchange, [encoded]: string[]) {
    requireAdmin(ctx, ex);
    const parsed = ServerUserProfile.safeParse(await readJson(ex.req, MAX_USER_BODY_BYTES));
    if (!parsed.success) throw refusedBody('a new role or name', parsed.error);
    const user = await setUserProfile(ctx.db, idOf(encoded), parsed.data, ADMIN_API_ACTOR);
    ctx.log(
      `Users: ${user.username} is now ${user.displayName} (${user.role}) through the admin api.`,
    );
    sendJson(ex, 200, user);
  }

  async function pull(ctx: ServerContext, ex: Exchange): Promise<void> {
    await authenticate(ctx, ex);
    const after = wholeNumber(
      ex,
      'after',
      0,
      'after must be a whole number: the cursor of the last page of accounts (0 to start).',
    );
    const limitWords = `limit must be a whole number from 1 to ${ACCOUNTS_PAGE_MAX}.`;
    const limit = wholeNumber(ex, 'limit', ACCOUNTS_PAGE_MAX, limitWords);
    if (limit < 1 || limit > ACCOUNTS_PAGE_MAX) throw new SyncRefusal('bad-request', limitWords);
    const page: AccountsPage = await readAccountsPage(ctx.db, after, limit);
    sendJson(ex, 200, page);
  }

  return [
    { method: 'GET', path: ACCOUNTS_ADMIN_PATHS.users, sync: false, handle: list },
    { method: 'POST', path: ACCOUNTS_ADMIN_PATHS.users, sync: false, handle: add },
    {
      method: 'POST',
      path: /^\/api\/admin\/users\/([^/]+)\/(disable|enable)$/,
      sync: false,
      handle: setDisabled,
    },
    {
      method: 'POST',
      path: /^\/api\/admin\/users\/([^/]+)\/password$/,
      sync: false,
      handle: setPassword,
    },
    {
      method: 'POST',
      path: /^\/api\/admin\/users\/([^/]+)\/profile$/,
      sync: false,
      handle: setProfile,
    },
    { method: 'GET', path: ACCOUNTS_SYNC_PATH, sync: true, handle: pull },
  ];
}
