// A workstation's access over a real store on disk (a copy of a migrated one), with a clock and
// timers the test moves, and the audit trail collected where the test can read it.
import { rmSync } from 'node:fs';
import { openStore, type AuditEventToStore, type Store } from '../store/client';
import { freshStoreDir } from '../store/store-template.test-support';
import { Access } from './access';
import type { AccessTimers } from './screen-session';

export const T0 = Date.UTC(2026, 11, 7, 8, 0, 0);
export const IDLE_MS = 5 * 60_000;

/** Timers that fire only when the test moves the clock past them. */
export class TestClock implements AccessTimers {
  nowMs = T0;
  #due = new Map<number, { atMs: number; fire: () => void }>();
  #next = 1;

  readonly now = () => this.nowMs;

  setTimeout(fire: () => void, delayMs: number): unknown {
    const handle = this.#next++;
    this.#due.set(handle, { atMs: this.nowMs + delayMs, fire });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.#due.delete(handle as number);
  }

  get pending(): number {
    return this.#due.size;
  }

  /** Moves the clock, firing each timer that falls due on the way, in order. */
  advance(ms: number): void {
    const until = this.nowMs + ms;
    for (;;) {
      const next = [...this.#due.entries()]
        .filter(([, t]) => t.atMs <= until)
        .sort((a, b) => a[1].atMs - b[1].atMs)[0];
      if (!next) break;
      this.#due.delete(next[0]);
      this.nowMs = Math.max(this.nowMs, next[1].atMs);
      next[1].fire();
    }
    this.nowMs = until;
  }
}

export interface AccessRig {
  access: Access;
  store: Store;
  clock: TestClock;
  audit: AuditEventToStore[];
  dataDir: string;
  /** Closes the access and the store and opens both again on the same files. */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export async function accessRig(idleLockMs = IDLE_MS): Promise<AccessRig> {
  const { dataDir, folder } = await freshStoreDir('ws-access-');
  const clock = new TestClock();
  const audit: AuditEventToStore[] = [];
  const open = async () => {
    const store = await openStore({ dataDir, workstationId: 'ws-test' });
    const access = await Access.open({
      store,
      audit: (event) => audit.push(event),
      idleLockMs,
      now: clock.now,
      timers: clock,
      log: () => undefined,
    });
    return { store, access };
  };
  let opened = await open();
  const rig: AccessRig = {
    get access() {
      return opened.access;
    },
    get store() {
      return opened.store;
    },
    clock,
    audit,
    dataDir,
    async reopen() {
      opened.access.close();
      await opened.store.close();
      opened = await open();
    },
    async close() {
      opened.access.close();
      await opened.store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
  return rig;
}

export const ADMIN = {
  username: 'it-admin',
  displayName: 'Ida Admin',
  password: 'admin-password-1',
  pin: '9090',
};

/** Makes the administrator on a screen of its own (signed in there), for tests that need one. */
export async function withAdministrator(access: Access) {
  const screen = access.openScreen('page', 'admin desk');
  await access.createAdministrator(screen, ADMIN);
  return screen;
}
