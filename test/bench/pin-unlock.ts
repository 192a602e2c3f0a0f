// "Unlock with PIN to first action" (issue 18, goal <= 300 ms): a nurse's screen is locked; the
// time from the unlockWithPin call to the answer of the first action it then allows (listing a
// bed's strips: a read of the real store), both through the real router, with the access service
// and the router writing their audit events to the same store as a workstation does. Each run
// locks the screen again first. The PIN's argon2id cost is the workstation's (secrets.ts).
// Alone: `tsx --import ./test/support/raw-import.mjs test/bench/pin-unlock.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { requests, streams } from '../../shared/api/contract';
import { Access } from '../../electron/host/access/access';
import { accessHandlers } from '../../electron/host/api/access-handlers';
import { createRouter, type ApiHandlers } from '../../electron/host/api/router';
import { coalescingAudit } from '../../electron/host/api/call-audit';
import { openStore } from '../../electron/host/store/client';
import { median, report, round } from './stats';

const PIN = '2468';
const ADMIN = {
  username: 'bench-admin',
  displayName: 'Bench Admin',
  password: 'bench-admin-pw',
  pin: '9753',
};

export interface PinUnlockResult {
  totalMs: number[];
  unlockMs: number[];
  firstActionMs: number[];
}

/**
 * `auditTo`: 'store' writes every audit event to the store as the workstation does (each is a
 * checkpoint before its answer, and the store's next read waits for it); 'memory' keeps them in
 * a list, to show what the unlock itself costs.
 */
export async function pinUnlockBench(
  runs: number,
  auditTo: 'store' | 'memory',
): Promise<PinUnlockResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pin-unlock-'));
  const store = await openStore({ dataDir: join(dir, 'pgdata'), workstationId: 'bench' });
  try {
    const kept: unknown[] = [];
    const keep = (event: Parameters<typeof store.recordAuditEvent>[0]) => {
      if (auditTo === 'memory') kept.push(event);
      else store.recordAuditEvent(event).catch(() => undefined);
    };
    const access = await Access.open({ store, audit: keep });
    const handlers = {
      requests: {
        ...Object.fromEntries(Object.keys(requests).map((name) => [name, () => ({})])),
        ...accessHandlers(access).requests,
        listStrips: ({ bedId }: { bedId: string }) => store.listStrips(bedId),
      },
      streams: Object.fromEntries(
        Object.keys(streams).map((name) => [name, () => () => undefined]),
      ),
    } as unknown as ApiHandlers;
    const router = createRouter(handlers, () => undefined, { audit: coalescingAudit(keep) });
    await access.createAdministrator(undefined, ADMIN);
    await access.addAccount(
      {
        username: 'nurse',
        displayName: 'Bench Nurse',
        role: 'nurse',
        password: 'bench-nurse-pw',
        pin: PIN,
      },
      { actor: 'bench', from: 'the bench' },
    );
    const screen = access.openScreen('page', 'bench screen');
    const caller = { actor: 'bench', screen };
    await router.request('signIn', { username: 'nurse', password: 'bench-nurse-pw' }, caller);
    const result: PinUnlockResult = { totalMs: [], unlockMs: [], firstActionMs: [] };
    // One run more than asked: the first warms the code paths and is not counted.
    for (let i = 0; i <= runs; i++) {
      await router.request('lockScreen', {}, caller);
      await store.flush();
      const started = performance.now();
      await router.request('unlockWithPin', { pin: PIN }, caller);
      const unlocked = performance.now();
      await router.request('listStrips', { bedId: 'bed-1' }, caller);
      const answered = performance.now();
      if (i === 0) continue;
      result.totalMs.push(answered - started);
      result.unlockMs.push(unlocked - started);
      result.firstActionMs.push(answered - unlocked);
    }
    screen.close();
    access.close();
    return result;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function pinUnlockRecord(runs: number): Promise<Record<string, unknown>> {
  const result = await pinUnlockBench(runs, 'store');
  const unaudited = await pinUnlockBench(runs, 'memory');
  return {
    bench: 'access.pin-unlock',
    what: 'a locked nurse screen: unlockWithPin (argon2id m=19 MiB t=2 p=1) through the router, then the first action it allows (listStrips, a read of the real store) answered; audit events written to the store as the workstation does (auditInMemory*: kept in a list instead)',
    unit: 'ms',
    median: round(median(result.totalMs)),
    max: round(Math.max(...result.totalMs)),
    runs: result.totalMs.map((ms) => round(ms)),
    unlockMedian: round(median(result.unlockMs)),
    firstActionMedian: round(median(result.firstActionMs)),
    goal: '<= 300 ms',
    auditInMemoryMedian: round(median(unaudited.totalMs)),
    auditInMemoryRuns: unaudited.totalMs.map((ms) => round(ms)),
    machine: { cpus: cpus().length, node: process.version },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  report(await pinUnlockRecord(Math.max(7, Number(process.env.BENCH_RUNS ?? 9))));
}
