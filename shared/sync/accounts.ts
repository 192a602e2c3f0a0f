// The hospital's accounts, kept on the central server (IT adds them there) and pulled by every
// enrolled workstation so that a user signs in with their user name and password offline too: the
// changes after a cursor, page by page, in the order the server made them. A workstation keeps
// what it pulls apart from its own accounts (a PIN is set at the workstation and never sent).
// The password travels as its argon2id hash only, made on the server. Pure: no Node.
import { z } from 'zod';
import { USERNAME_PATTERN } from '../api/contract-access';
import { Role } from '../security/access';

/** GET ?after=VERSION&limit=N with the workstation's credential and the protocol header. */
export const ACCOUNTS_SYNC_PATH = '/api/sync/accounts';
export const ACCOUNTS_PAGE_MAX = 500;

/** The admin api (the admin token): list and add; disable, enable, set the password of one. */
export const ACCOUNTS_ADMIN_PATHS = {
  /** GET → ServerUserList; POST NewServerUser → ServerUser. */
  users: '/api/admin/users',
  /**
   * POST (no body; { password } / { passwordHash } for `password`; ServerUserProfile for
   * `profile`) → ServerUser.
   */
  user: (id: string, action: 'disable' | 'enable' | 'password' | 'profile') =>
    `/api/admin/users/${encodeURIComponent(id)}/${action}`,
} as const;

/**
 * The most an argon2id hash from the server may cost to check here: a hash that asked for
 * gigabytes would take the bedside process's memory. 256 MiB, 16 passes, 8 lanes.
 */
export const MAX_HASH_COST = { memoryKiB: 262_144, timeCost: 16, parallelism: 8 } as const;

/** The costs an argon2id hash (PHC string) carries, or null when it is not one. */
export function argon2idCosts(hash: string): { m: number; t: number; p: number } | null {
  const match =
    /^\$argon2id\$v=19\$([a-z]=\d{1,10}(?:,[a-z]=\d{1,10}){2})\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{16,128}$/.exec(
      hash,
    );
  if (!match) return null;
  const params = new Map(
    match[1]!.split(',').map((pair) => [pair[0]!, Number(pair.slice(2))] as const),
  );
  const m = params.get('m');
  const t = params.get('t');
  const p = params.get('p');
  if (m === undefined || t === undefined || p === undefined || params.size !== 3) return null;
  return { m, t, p };
}

/** Why this is not an argon2id hash a workstation checks passwords against, or null. */
export function passwordHashProblem(hash: string): string | null {
  const costs = argon2idCosts(hash);
  if (!costs) return 'it is not an argon2id hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash)';
  if (costs.m < 8 || costs.m > MAX_HASH_COST.memoryKiB)
    return `its memory cost ${costs.m} KiB is outside 8 to ${MAX_HASH_COST.memoryKiB} KiB`;
  if (costs.t < 1 || costs.t > MAX_HASH_COST.timeCost)
    return `its time cost ${costs.t} is outside 1 to ${MAX_HASH_COST.timeCost}`;
  if (costs.p < 1 || costs.p > MAX_HASH_COST.parallelism)
    return `its parallelism ${costs.p} is outside 1 to ${MAX_HASH_COST.parallelism}`;
  return null;
}

export const PasswordHash = z.string().superRefine((hash, ctx) => {
  const problem = passwordHashProblem(hash);
  if (problem) ctx.addIssue({ code: 'custom', message: `The password hash: ${problem}.` });
});

export const AccountUsername = z
  .string()
  .regex(
    USERNAME_PATTERN,
    'A user name is 2 to 64 lower-case letters, digits, dots, dashes or underscores.',
  );

/** One account as it is after a change: the whole of it, not the difference. */
export const SyncedAccount = z
  .object({
    /** The server's id (a UUID): the same account on every workstation. */
    id: z.uuid(),
    username: AccountUsername,
    displayName: z.string().min(1).max(120),
    role: Role,
    /** The argon2id hash of the password; null: the account signs in through the hospital's OpenID Connect provider only. */
    passwordHash: PasswordHash.nullable(),
    disabled: z.boolean(),
    /** The server's order of change: a cursor goes past it. */
    version: z.number().int().positive(),
  })
  .strict();
export type SyncedAccount = z.infer<typeof SyncedAccount>;

export const AccountsPage = z
  .object({
    accounts: z.array(SyncedAccount).max(ACCOUNTS_PAGE_MAX),
    /** The version to ask after next time (the last account's, or the one asked with). */
    cursor: z.number().int().nonnegative(),
    /** More changes wait after the cursor. */
    more: z.boolean(),
  })
  .strict();
export type AccountsPage = z.infer<typeof AccountsPage>;

/** Why a page that parsed is still not one to keep (a workstation keeps none of it), or null. */
export function accountsPageProblem(page: AccountsPage, after: number): string | null {
  if (page.cursor < after) return `its cursor ${page.cursor} goes back before ${after}`;
  const outside = page.accounts.find((a) => a.version <= after || a.version > page.cursor);
  if (outside) return `account version ${outside.version} lies outside (${after}, ${page.cursor}]`;
  const names = new Map<string, string>();
  for (const account of page.accounts) {
    const other = names.get(account.username);
    if (other !== undefined && other !== account.id)
      return `two accounts have the user name "${account.username}"`;
    names.set(account.username, account.id);
  }
  return null;
}

/** The admin api's view of a user (never the password hash). */
export const ServerUser = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  hasPassword: z.boolean(),
  /** Linked to the hospital's OpenID Connect provider (its `sub`). */
  oidcSubject: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type ServerUser = z.infer<typeof ServerUser>;

export const ServerUserList = z.object({ users: z.array(ServerUser) });
export type ServerUserList = z.infer<typeof ServerUserList>;

const NewPassword = z
  .string()
  .min(10, 'The password must be at least 10 characters long.')
  .max(256, 'The password must be at most 256 characters long.');

/** A password (hashed on the server), or an argon2id hash made elsewhere; neither: OIDC only. */
const PasswordOrHash = { password: NewPassword.optional(), passwordHash: PasswordHash.optional() };

export const NewServerUser = z
  .object({
    username: z
      .string()
      .trim()
      .toLowerCase()
      .regex(
        USERNAME_PATTERN,
        'The user name must be 2 to 64 lower-case letters, digits, dots, dashes or underscores, beginning with a letter or digit.',
      ),
    displayName: z.string().trim().min(1).max(120),
    role: Role,
    ...PasswordOrHash,
  })
  .strict()
  .refine((u) => u.password === undefined || u.passwordHash === undefined, {
    message: 'Give a password or a password hash, not both.',
  });
export type NewServerUser = z.infer<typeof NewServerUser>;

export const NewServerPassword = z
  .object(PasswordOrHash)
  .strict()
  .refine((u) => (u.password === undefined) !== (u.passwordHash === undefined), {
    message: 'Give a password or a password hash (one of them).',
  });
export type NewServerPassword = z.infer<typeof NewServerPassword>;

/** A new role or name for a user (one of them at least); every workstation takes it at its next pull. */
export const ServerUserProfile = z
  .object({
    displayName: z.string().trim().min(1).max(120).optional(),
    role: Role.optional(),
  })
  .strict()
  .refine((u) => u.displayName !== undefined || u.role !== undefined, {
    message: 'Give a new role, a new display name, or both.',
  });
export type ServerUserProfile = z.infer<typeof ServerUserProfile>;
