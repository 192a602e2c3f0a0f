// Pulls what the central server holds for this workstation, after a cursor kept in the store:
// what IT calls it and its unit, and versions of patients' details recorded elsewhere (a patient
// transferred here from another unit). Rows are kept when absent and their clock stamps taken in
// (store/sync-pulled.ts); the cursor moves only once they are kept. Quiet on failure: the
// uploader's state is the status line; a pull that fails is tried again at the next round.
import { PullResponse } from '../../../shared/sync/messages';
import { SYNC_PATHS, SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../../shared/sync/protocol';
import type { StoreOutbox } from '../store/client';
import { exchange } from './http';
import type { SyncLink } from './uploader';
import { PagePoller, type PollLink } from './page-poller';

export interface PulledWorkstation {
  name: string;
  unit: string | null;
}

export interface PullerOptions {
  outbox: StoreOutbox;
  /** Null while not enrolled; serverId keys the cursor (another server starts from 0). */
  link: () => (SyncLink & { serverId: string }) | null;
  /** What the server says this workstation is called, and its unit. */
  onWorkstation?: (workstation: PulledWorkstation) => void;
  log?: (message: string) => void;
  everyMs?: number;
  timeoutMs?: number;
}

export const WORKSTATION_STATE_KEY = 'workstation';
const cursorKey = (serverId: string) => `pull-cursor:${serverId}`;

export class Puller extends PagePoller {
  constructor(private readonly o: PullerOptions) {
    super(o, 'from the central server');
  }

  /** One page: kept, then the cursor moved. True when the server says more waits. */
  async pullOnce(link: PollLink): Promise<boolean> {
    const key = cursorKey(link.serverId);
    const stored = await this.o.outbox.readState(key);
    const cursor = typeof stored === 'number' && Number.isSafeInteger(stored) ? stored : 0;
    const answer = await exchange(link.endpoint, {
      method: 'GET',
      path: `${SYNC_PATHS.pull}?cursor=${cursor}`,
      headers: {
        authorization: `Bearer ${link.credential}`,
        [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
      },
      connectTimeoutMs: this.o.timeoutMs ?? 10_000,
      idleTimeoutMs: this.o.timeoutMs ?? 30_000,
      maxResponseBytes: 16 * 1024 * 1024,
      signal: this.stopping.signal,
      ...(link.agent ? { agent: link.agent } : {}),
    });
    if (answer.status !== 200) throw new Error(`the central server answered HTTP ${answer.status}`);
    let json: unknown = null;
    try {
      json = JSON.parse(answer.body.toString('utf8'));
    } catch {
      // below
    }
    const parsed = PullResponse.safeParse(json);
    if (!parsed.success)
      throw new Error('the central server answered with something that is not a pull answer');
    const page = parsed.data;
    const rows: { table: string; row: Record<string, unknown> }[] = [];
    for (const change of page.changes) {
      if (change.kind === 'workstation') {
        const workstation = { name: change.name, unit: change.unit };
        await this.o.outbox.writeState(WORKSTATION_STATE_KEY, workstation);
        this.o.onWorkstation?.(workstation);
      } else rows.push({ table: change.table, row: change.row });
    }
    if (rows.length > 0) {
      const kept = await this.o.outbox.applyPulled(rows);
      for (const skipped of kept.skipped) this.log(`sync: a pulled row was not kept: ${skipped}`);
    }
    if (page.cursor !== cursor) await this.o.outbox.writeState(key, page.cursor);
    return page.more && page.cursor !== cursor;
  }
}
