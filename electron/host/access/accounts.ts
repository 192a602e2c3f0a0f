// The workstation's accounts, held in memory over the store (the store is this process's alone:
// its lock keeps any other out), so that a PIN unlock waits for its hash and nothing else. Two
// kinds: the workstation's own ('local'), and the hospital's pulled from the central server
// ('server', store/server-accounts.ts), whose password hash is the server's (checked offline) and
// whose PIN is set here and never sent; a server account is changed only on the central server.
// Every change is on disk before it is answered. The rules: user names are unique among the local
// ones and a new local one may not take a server one's; a name both have (the server added it
// after) signs in as the local account, and the clash is logged once; the first account is an IT
// administrator, the last IT administrator who can sign in stays enabled, and MAX_PIN_FAILURES
// wrong PINs in a row block the PIN until the password is given.
import { MAX_PIN_FAILURES, type AccountSummary } from '../../../shared/api/contract-access';
import { ApiError } from '../../../shared/api/errors';
import { uuidv7 } from '../../../shared/ids';
import type { Role } from '../../../shared/security/access';
import type { StoreAccounts, StoredAccount, StoredServerAccount } from '../store/client';
import { accessWords } from './access-words';
import {
  DecoyHash,
  hashSecret,
  PASSWORD_COST,
  PIN_COST,
  verifySecret,
  type HashCost,
} from './secrets';

export interface HashCosts {
  password: HashCost;
  pin: HashCost;
}
export const DEFAULT_COSTS: HashCosts = { password: PASSWORD_COST, pin: PIN_COST };

export interface NewAccount {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  pin?: string | undefined;
}

/** What a PIN check found: unlocked, wrong (tries left), or blocked (the password is needed). */
export type PinCheck =
  { ok: true } | { ok: false; blocked: false; left: number } | { ok: false; blocked: true };

/** Where an account is kept and changed: this workstation, or the hospital's central server. */
export type AccountSource = 'local' | 'server';

/**
 * An account as Access knows it. A server account's passwordHash is '' when it has none (it
 * signs in through the hospital's OpenID Connect provider only): no password opens it.
 */
export interface KnownAccount extends StoredAccount {
  source: AccountSource;
}

/** Who the accounts list names as the maker of a server account. */
export const CENTRAL_SERVER_MAKER = 'the central server';

export const serverAccountWords = {
  /** Refusing a change here of an account the central server keeps. */
  managedOnServer: (username: string) =>
    `The account "${username}" is managed on the central server: IT changes it there, and the change reaches this workstation at its next sync.`,
  /** Signing in as a server account the server has disabled. */
  disabledAtServer: 'Your account was disabled at the central server.',
  usernameOnServer: (username: string) =>
    `The hospital's central server has an account "${username}" already: choose another user name.`,
  clash: (username: string) =>
    `access: the central server has an account "${username}" and so has this workstation; "${username}" signs in here as this workstation's own account.`,
} as const;

function knownOf(account: StoredServerAccount): KnownAccount {
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    passwordHash: account.passwordHash ?? '',
    pinHash: account.pinHash,
    pinFailures: account.pinFailures,
    disabled: account.disabled,
    createdAtMs: account.firstSeenAtMs,
    createdBy: CENTRAL_SERVER_MAKER,
    updatedAtMs: account.updatedAtMs,
    source: 'server',
  };
}

export function sourceOf(account: StoredAccount): AccountSource {
  return (account as Partial<KnownAccount>).source ?? 'local';
}

/** Why a disabled account is refused: the sentence a person reads, and the audit trail's words. */
export function disabledSentence(account: StoredAccount): { sentence: string; why: string } {
  return sourceOf(account) === 'server'
    ? {
        sentence: serverAccountWords.disabledAtServer,
        why: 'account disabled at the central server',
      }
    : { sentence: accessWords.disabled, why: 'account disabled' };
}

export function summaryOf(account: StoredAccount): AccountSummary {
  return {
    userId: account.id,
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    hasPin: account.pinHash !== null,
    disabled: account.disabled,
    createdAtMs: account.createdAtMs,
    createdBy: account.createdBy,
    source: sourceOf(account),
  };
}

/** A server account as a pull changed it: before (absent when new), after (absent when dropped). */
export interface ServerAccountChangeSeen {
  before: KnownAccount | undefined;
  after: KnownAccount | undefined;
}

export class Accounts {
  readonly #store: StoreAccounts;
  readonly #now: () => number;
  readonly #costs: HashCosts;
  readonly #byId = new Map<string, StoredAccount>();
  /** The hospital's accounts, from the central server. */
  readonly #server = new Map<string, KnownAccount>();
  /** User names both kinds have, logged once each. */
  readonly #clashesLogged = new Set<string>();
  readonly #log: (message: string) => void;
  readonly #serverListeners = new Set<(changes: ServerAccountChangeSeen[]) => void>();
  readonly #decoy: DecoyHash;
  /**
   * Changes and PIN checks one at a time: two wrong PINs sent at once count as two, and a check
   * never reads a count another is about to write.
   */
  #serial: Promise<unknown> = Promise.resolve();

  private constructor(
    store: StoreAccounts,
    now: () => number,
    costs: HashCosts,
    log: (message: string) => void,
  ) {
    this.#store = store;
    this.#now = now;
    this.#costs = costs;
    this.#log = log;
    this.#decoy = new DecoyHash(costs.password);
  }

  static async open(
    store: StoreAccounts,
    now: () => number,
    costs: HashCosts = DEFAULT_COSTS,
    log: (message: string) => void = console.error,
  ): Promise<Accounts> {
    const accounts = new Accounts(store, now, costs, log);
    for (const account of await store.list()) accounts.#byId.set(account.id, account);
    for (const account of await store.listServer())
      accounts.#server.set(account.id, knownOf(account));
    accounts.#logClashes();
    // Each page of server accounts kept by the puller: read again, then told (a disabled user
    // signed out) before the puller goes on.
    store.onServerChanged(() => accounts.reloadServer());
    return accounts;
  }

  /** No account of either kind: the workstation is not set up. */
  get isEmpty(): boolean {
    return this.#byId.size === 0 && this.#server.size === 0;
  }

  byId(id: string): StoredAccount | undefined {
    return this.#byId.get(id) ?? this.#server.get(id);
  }

  list(): AccountSummary[] {
    return [...this.#byId.values(), ...this.#server.values()]
      .sort(
        (a, b) => a.username.localeCompare(b.username) || sourceOf(a).localeCompare(sourceOf(b)),
      )
      .map(summaryOf);
  }

  /** Told after each reload of the server accounts with what changed (Access signs out). */
  onServerChange(listener: (changes: ServerAccountChangeSeen[]) => void): void {
    this.#serverListeners.add(listener);
  }

  /** Reads the server accounts again (a page was kept) and tells the listeners what changed. */
  reloadServer(): Promise<void> {
    return this.#serially(async () => {
      const fresh = new Map<string, KnownAccount>();
      for (const account of await this.#store.listServer()) fresh.set(account.id, knownOf(account));
      const changes: ServerAccountChangeSeen[] = [];
      for (const [id, after] of fresh) {
        const before = this.#server.get(id);
        if (!before || JSON.stringify(before) !== JSON.stringify(after))
          changes.push({ before, after });
      }
      for (const [id, before] of this.#server)
        if (!fresh.has(id)) changes.push({ before, after: undefined });
      this.#server.clear();
      for (const [id, account] of fresh) this.#server.set(id, account);
      this.#logClashes();
      if (changes.length > 0)
        for (const listener of this.#serverListeners) {
          try {
            listener(changes);
          } catch (error) {
            this.#log(
              `access: a change of the hospital's accounts was not taken: ${String(error)}`,
            );
          }
        }
    });
  }

  /**
   * The account of this user name, and whether the password opens it; as long for an unknown
   * name as for a wrong password. A disabled account is checked too: the caller says so.
   */
  async checkPassword(
    username: string,
    password: string,
  ): Promise<{ account: StoredAccount | undefined; opens: boolean }> {
    const account = this.#byUsername(username);
    // A server account without a password (OpenID Connect only) opens with none.
    if (!account || account.passwordHash === '')
      return { account, opens: await this.#decoy.verify(password) };
    return { account, opens: await verifySecret(account.passwordHash, password) };
  }

  /** Checks the user's PIN, counting a wrong one (on disk before the answer). */
  checkPin(userId: string, pin: string): Promise<PinCheck> {
    return this.#serially(async () => {
      const account = this.#existing(userId);
      if (account.pinHash === null || account.pinFailures >= MAX_PIN_FAILURES)
        return { ok: false, blocked: true } as const;
      if (await verifySecret(account.pinHash, pin)) {
        if (account.pinFailures > 0) await this.#change(account, { pinFailures: 0 });
        return { ok: true } as const;
      }
      const failures = account.pinFailures + 1;
      await this.#change(account, { pinFailures: failures });
      return { ok: false, blocked: false, left: MAX_PIN_FAILURES - failures } as const;
    });
  }

  /** A good password: the PIN works again. */
  passwordGiven(userId: string): Promise<void> {
    return this.#serially(async () => {
      const account = this.#existing(userId);
      if (account.pinFailures > 0) await this.#change(account, { pinFailures: 0 });
    });
  }

  async setPin(userId: string, pin: string): Promise<StoredAccount> {
    const pinHash = await hashSecret(pin, this.#costs.pin);
    return this.#serially(() => this.#change(this.#existing(userId), { pinHash, pinFailures: 0 }));
  }

  /**
   * Adds an account. `firstOnly`: only if none exists yet (the first administrator), else
   * refused as 'conflict'. Refused too when the name is taken, or when the first account would
   * not be an IT administrator.
   */
  async add(input: NewAccount, createdBy: string, firstOnly: boolean): Promise<StoredAccount> {
    if (this.#localByUsername(input.username))
      throw new ApiError('conflict', accessWords.usernameTaken(input.username));
    if (this.#serverByUsername(input.username))
      throw new ApiError('conflict', serverAccountWords.usernameOnServer(input.username));
    const [passwordHash, pinHash] = await Promise.all([
      hashSecret(input.password, this.#costs.password),
      input.pin === undefined ? null : hashSecret(input.pin, this.#costs.pin),
    ]);
    return this.#serially(async () => {
      if (firstOnly && !this.isEmpty) throw new ApiError('conflict', accessWords.alreadySetUp);
      if (this.isEmpty && input.role !== 'it-administrator')
        throw new ApiError('invalid_request', accessWords.firstMustBeAdministrator);
      const atMs = this.#now();
      const account: StoredAccount = {
        id: uuidv7(),
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        passwordHash,
        pinHash,
        pinFailures: 0,
        disabled: false,
        createdAtMs: atMs,
        createdBy,
        updatedAtMs: atMs,
      };
      const result = await this.#store.add(account, firstOnly);
      if (result === 'not-first') throw new ApiError('conflict', accessWords.alreadySetUp);
      if (result === 'username-taken')
        throw new ApiError('conflict', accessWords.usernameTaken(input.username));
      this.#byId.set(account.id, account);
      return account;
    });
  }

  /** Disables or enables an account; the last IT administrator who can sign in stays. */
  setDisabled(userId: string, disabled: boolean): Promise<StoredAccount> {
    return this.#serially(async () => {
      const server = this.#server.get(userId);
      if (server)
        throw new ApiError('forbidden', serverAccountWords.managedOnServer(server.username));
      const account = this.#byId.get(userId);
      if (!account) throw new ApiError('not_found', accessWords.noSuchAccount);
      if (account.disabled === disabled) return account;
      if (disabled && account.role === 'it-administrator') {
        const others = [...this.#byId.values(), ...this.#server.values()].filter(
          (a) => a.id !== userId && a.role === 'it-administrator' && !a.disabled,
        );
        if (others.length === 0) throw new ApiError('conflict', accessWords.lastAdministrator);
      }
      return this.#change(account, { disabled });
    });
  }

  /**
   * The account this user name signs in as, if there is one: the workstation's own, else the
   * hospital's from the central server (its source says which). For the audit trail and for a
   * sign-in through the hospital's OpenID Connect provider, never for an answer to a person.
   */
  byUsername(username: string): KnownAccount | StoredAccount | undefined {
    return this.#byUsername(username);
  }

  /**
   * The hospital's account of this user name, from the central server, even when a local account
   * has the same name: a sign-in the hospital vouched for (OpenID Connect) is for this one.
   */
  serverAccountByUsername(username: string): KnownAccount | undefined {
    return this.#serverByUsername(username);
  }

  #byUsername(username: string): StoredAccount | undefined {
    return this.#localByUsername(username) ?? this.#serverByUsername(username);
  }

  #localByUsername(username: string): StoredAccount | undefined {
    for (const account of this.#byId.values()) if (account.username === username) return account;
    return undefined;
  }

  #serverByUsername(username: string): KnownAccount | undefined {
    for (const account of this.#server.values()) if (account.username === username) return account;
    return undefined;
  }

  #logClashes(): void {
    for (const account of this.#server.values()) {
      if (this.#clashesLogged.has(account.username) || !this.#localByUsername(account.username))
        continue;
      this.#clashesLogged.add(account.username);
      this.#log(serverAccountWords.clash(account.username));
    }
  }

  #existing(userId: string): StoredAccount {
    const account = this.byId(userId);
    if (!account) throw new ApiError('not_found', accessWords.noSuchAccount);
    return account;
  }

  async #change(
    account: StoredAccount,
    change: { pinHash?: string; pinFailures?: number; disabled?: boolean },
  ): Promise<StoredAccount> {
    const atMs = this.#now();
    const server = this.#server.get(account.id);
    if (server) {
      // Only what this workstation keeps of its own: the PIN and the wrong PINs in a row.
      const { disabled: _disabled, ...own } = change;
      if (!(await this.#store.updateServer({ id: account.id, atMs, ...own })))
        throw new ApiError('not_found', accessWords.noSuchAccount);
      const changed: KnownAccount = { ...server, ...own, updatedAtMs: atMs };
      this.#server.set(account.id, changed);
      return changed;
    }
    if (!(await this.#store.update({ id: account.id, atMs, ...change })))
      throw new ApiError('not_found', accessWords.noSuchAccount);
    const changed = { ...account, ...change, updatedAtMs: atMs };
    this.#byId.set(account.id, changed);
    return changed;
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#serial.then(work, work);
    this.#serial = next.catch(() => undefined);
    return next;
  }
}
