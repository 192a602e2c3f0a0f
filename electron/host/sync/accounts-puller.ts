// Pulls the hospital's accounts (shared/sync/accounts.ts) from the central server, after a cursor
// kept in the store per server, page by page while the server says more waits, then again every
// round while the link is up. A page is checked whole before anything is kept (wrong types, a role
// not in the table, a hash not argon2id or too costly to check, a cursor going back: nothing of it
// is kept and no cursor moves), then kept with its cursor in one transaction
// (store/server-accounts.ts), after which Access has the change (a disabled user signed out).
// Quiet on failure: logged once per problem, tried at the next round.
import {
  ACCOUNTS_PAGE_MAX,
  ACCOUNTS_SYNC_PATH,
  AccountsPage,
  accountsPageProblem,
} from '../../../shared/sync/accounts';
import { SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../../shared/sync/protocol';
import type { StoreOutbox } from '../store/client';
import { accountsCursorKey } from '../store/server-accounts';
import { exchange } from './http';
import type { SyncLink } from './uploader';
import { PagePoller, type PollLink } from './page-poller';

export interface AccountsPullerOptions {
  outbox: Pick<StoreOutbox, 'readState' | 'keepServerAccountsPage'>;
  /** Null while not enrolled; serverId keys the cursor (another server's accounts start afresh). */
  link: () => (SyncLink & { serverId: string }) | null;
  /** After each page kept: the ids of the accounts that changed. */
  onPulled?: (changedIds: string[]) => void;
  log?: (message: string) => void;
  everyMs?: number;
  timeoutMs?: number;
  /** Accounts asked for per page (at most the wire's ACCOUNTS_PAGE_MAX). */
  pageSize?: number;
  now?: () => number;
}

/** 500 accounts of bounded fields fit well in 1 MiB. */
const MAX_ACCOUNTS_ANSWER_BYTES = 2 * 1024 * 1024;
/** pullNow gives up on a server that keeps saying more waits after this many pages. */
const MAX_PAGES_NOW = 1_000;

export class AccountsPuller extends PagePoller {
  #now: Promise<void> | null = null;

  constructor(private readonly o: AccountsPullerOptions) {
    super(o, "the hospital's accounts");
  }

  /**
   * Pulls every change waiting now, page after page, and resolves once they are kept (and Access
   * has them): for a sign-in through the hospital's OpenID Connect provider by a user this
   * workstation does not know yet. Rejects with why when not enrolled or the server cannot be
   * reached or answers wrongly (nothing of a bad page is kept). Calls at once share one pull.
   */
  pullNow(): Promise<void> {
    if (this.#now) return this.#now;
    const pulling = this.#pullAll().finally(() => {
      if (this.#now === pulling) this.#now = null;
    });
    this.#now = pulling;
    return pulling;
  }

  async #pullAll(): Promise<void> {
    const link = this.o.link();
    if (link === null) {
      throw new Error(
        'this workstation is not enrolled with a central server: it has no hospital accounts',
      );
    }
    for (let pages = 0; pages < MAX_PAGES_NOW; pages += 1) if (!(await this.pullOnce(link))) return;
  }

  /** One page: checked, kept with its cursor. True when the server says more waits. */
  async pullOnce(link: PollLink): Promise<boolean> {
    const stored = await this.o.outbox.readState(accountsCursorKey(link.serverId));
    const after = typeof stored === 'number' && Number.isSafeInteger(stored) ? stored : 0;
    const limit = Math.min(this.o.pageSize ?? ACCOUNTS_PAGE_MAX, ACCOUNTS_PAGE_MAX);
    const answer = await exchange(link.endpoint, {
      method: 'GET',
      path: `${ACCOUNTS_SYNC_PATH}?after=${after}&limit=${limit}`,
      headers: {
        authorization: `Bearer ${link.credential}`,
        [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
      },
      connectTimeoutMs: this.o.timeoutMs ?? 10_000,
      idleTimeoutMs: this.o.timeoutMs ?? 30_000,
      maxResponseBytes: MAX_ACCOUNTS_ANSWER_BYTES,
      signal: this.stopping.signal,
      ...(link.agent ? { agent: link.agent } : {}),
    });
    if (answer.status === 404) {
      throw new Error("the central server does not offer the hospital's accounts (HTTP 404)");
    }
    if (answer.status !== 200) throw new Error(`the central server answered HTTP ${answer.status}`);
    let json: unknown = null;
    try {
      json = JSON.parse(answer.body.toString('utf8'));
    } catch {
      // below
    }
    const parsed = AccountsPage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `the central server answered with something that is not a page of the hospital's accounts (${issue?.path.join('.') || 'the answer'}: ${issue?.message ?? 'unreadable'}); nothing of it was kept`,
      );
    }
    const page = parsed.data;
    const problem = accountsPageProblem(page, after);
    if (problem !== null) {
      throw new Error(
        `the central server's page of the hospital's accounts was refused: ${problem}; nothing of it was kept`,
      );
    }
    const changed = await this.o.outbox.keepServerAccountsPage({
      serverId: link.serverId,
      accounts: page.accounts,
      cursor: page.cursor,
      atMs: (this.o.now ?? Date.now)(),
    });
    this.o.onPulled?.(changed);
    return page.more && page.cursor !== after;
  }
}
