// Pulls the hospital's patient list (the census, shared/sync/census.ts) from the central server,
// after a cursor kept in the store per server, page by page while the server says more waits,
// then again every round while the link is up. A page is checked whole before anything is kept (a
// hostile or broken answer keeps nothing and moves no cursor), then kept with its cursor in one
// transaction (store/census.ts). Quiet on failure: logged once per problem, tried at the next round.
import {
  CENSUS_PAGE_MAX,
  CENSUS_PATH,
  CensusPage,
  type CensusEntry,
} from '../../../shared/sync/census';
import { SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../../shared/sync/protocol';
import type { StoreOutbox } from '../store/client';
import { censusCursorKey } from '../store/census';
import { exchange } from './http';
import type { SyncLink } from './uploader';
import { PagePoller, type PollLink } from './page-poller';

export interface CensusPullerOptions {
  outbox: Pick<StoreOutbox, 'readState' | 'keepCensusPage'>;
  /** Null while not enrolled; serverId keys the cursor (another server's list starts afresh). */
  link: () => (SyncLink & { serverId: string }) | null;
  /** After each page kept: the MRN keys whose entry changed (none: the list confirmed as is). */
  onPulled?: (changedMrnKeys: string[]) => void;
  log?: (message: string) => void;
  everyMs?: number;
  timeoutMs?: number;
  /** Entries asked for per page (at most the wire's CENSUS_PAGE_MAX). */
  pageSize?: number;
  now?: () => number;
}

/** A census page larger than this is not one of ours (500 entries of bounded fields fit in 1 MiB). */
const MAX_CENSUS_ANSWER_BYTES = 2 * 1024 * 1024;

/** Why a page that parsed is still not one to keep, or null. */
export function censusPageProblem(page: CensusPage, after: number): string | null {
  if (page.cursor < after) return `its cursor ${page.cursor} goes back before ${after}`;
  const outside = page.entries.find((e: CensusEntry) => e.seq <= after || e.seq > page.cursor);
  if (outside) return `entry ${outside.seq} lies outside (${after}, ${page.cursor}]`;
  return null;
}

export class CensusPuller extends PagePoller {
  constructor(private readonly o: CensusPullerOptions) {
    super(o, 'the hospital patient list');
  }

  /** One page: checked, kept with its cursor. True when the server says more waits. */
  async pullOnce(link: PollLink): Promise<boolean> {
    const key = censusCursorKey(link.serverId);
    const stored = await this.o.outbox.readState(key);
    const after = typeof stored === 'number' && Number.isSafeInteger(stored) ? stored : 0;
    const limit = Math.min(this.o.pageSize ?? CENSUS_PAGE_MAX, CENSUS_PAGE_MAX);
    const answer = await exchange(link.endpoint, {
      method: 'GET',
      path: `${CENSUS_PATH}?after=${after}&limit=${limit}`,
      headers: {
        authorization: `Bearer ${link.credential}`,
        [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
      },
      connectTimeoutMs: this.o.timeoutMs ?? 10_000,
      idleTimeoutMs: this.o.timeoutMs ?? 30_000,
      maxResponseBytes: MAX_CENSUS_ANSWER_BYTES,
      signal: this.stopping.signal,
      ...(link.agent ? { agent: link.agent } : {}),
    });
    if (answer.status === 404) {
      throw new Error('the central server does not offer the hospital patient list (HTTP 404)');
    }
    if (answer.status !== 200) throw new Error(`the central server answered HTTP ${answer.status}`);
    let json: unknown = null;
    try {
      json = JSON.parse(answer.body.toString('utf8'));
    } catch {
      // below
    }
    const parsed = CensusPage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `the central server answered with something that is not a page of the hospital patient list (${issue?.path.join('.') || 'the answer'}: ${issue?.message ?? 'unreadable'}); nothing of it was kept`,
      );
    }
    const page = parsed.data;
    const problem = censusPageProblem(page, after);
    if (problem !== null) {
      throw new Error(
        `the central server's page of the hospital patient list was refused: ${problem}; nothing of it was kept`,
      );
    }
    const changed = await this.o.outbox.keepCensusPage({
      serverId: link.serverId,
      entries: page.entries,
      cursor: page.cursor,
      atMs: (this.o.now ?? Date.now)(),
    });
    this.o.onPulled?.(changed);
    return page.more && page.cursor !== after;
  }
}
