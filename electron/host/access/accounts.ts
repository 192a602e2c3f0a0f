// The workstation's own accounts, held in memory over the store (the store is this process's
// alone: its lock keeps any other out), so that a PIN unlock waits for its hash and nothing else.
// Every change is on disk before it is answered. The rules: user names are unique, the first
// account is an IT administrator, the last IT administrator who can sign in stays enabled, and
// MAX_PIN_FAILURES wrong PINs in a row block the PIN until the password is given.
import { MAX_PIN_FAILURES, type AccountSummary } from '../../../shared/api/contract-access';
import { ApiError } from '../../../shared/api/errors';
import { uuidv7 } from '../../../shared/ids';
import type { Role } from '../../../shared/security/access';
import type { StoreAccounts, StoredAccount } from '../store/client';
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
  };
}

export class Accounts {
  readonly #store: StoreAccounts;
  readonly #now: () => number;
  readonly #costs: HashCosts;
  readonly #byId = new Map<string, StoredAccount>();
  readonly #decoy: DecoyHash;
  /**
   * Changes and PIN checks one at a time: two wrong PINs sent at once count as two, and a check
   * never reads a count another is about to write.
   */
  #serial: Promise<unknown> = Promise.resolve();

  private constructor(store: StoreAccounts, now: () => number, costs: HashCosts) {
    this.#store = store;
    this.#now = now;
    this.#costs = costs;
    this.#decoy = new DecoyHash(costs.password);
  }

  static async open(
    store: StoreAccounts,
    now: () => number,
    costs: HashCosts = DEFAULT_COSTS,
  ): Promise<Accounts> {
    const accounts = new Accounts(store, now, costs);
    for (const account of await store.list()) accounts.#byId.set(account.id, account);
    return accounts;
  }

  get isEmpty(): boolean {
    return this.#byId.size === 0;
  }

  byId(id: string): StoredAccount | undefined {
    return this.#byId.get(id);
  }

  list(): AccountSummary[] {
    return [...this.#byId.values()]
      .sort((a, b) => a.username.localeCompare(b.username))
      .map(summaryOf);
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
    if (!account) return { account, opens: await this.#decoy.verify(password) };
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
    if (this.#byUsername(input.username))
      throw new ApiError('conflict', accessWords.usernameTaken(input.username));
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
      const account = this.#byId.get(userId);
      if (!account) throw new ApiError('not_found', accessWords.noSuchAccount);
      if (account.disabled === disabled) return account;
      if (disabled && account.role === 'it-administrator') {
        const others = [...this.#byId.values()].filter(
          (a) => a.id !== userId && a.role === 'it-administrator' && !a.disabled,
        );
        if (others.length === 0) throw new ApiError('conflict', accessWords.lastAdministrator);
      }
      return this.#change(account, { disabled });
    });
  }

  /** The account of this user name, if there is one (for the audit trail, never for an answer). */
  byUsername(username: string): StoredAccount | undefined {
    return this.#byUsername(username);
  }

  #byUsername(username: string): StoredAccount | undefined {
    for (const account of this.#byId.values()) if (account.username === username) return account;
    return undefined;
  }

  #existing(userId: string): StoredAccount {
    const account = this.#byId.get(userId);
    if (!account) throw new ApiError('not_found', accessWords.noSuchAccount);
    return account;
  }

  async #change(
    account: StoredAccount,
    change: { pinHash?: string; pinFailures?: number; disabled?: boolean },
  ): Promise<StoredAccount> {
    const atMs = this.#now();
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
