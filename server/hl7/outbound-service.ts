// HL7 out, assembled: with --pcd01-to, the one server instance holding a PostgreSQL advisory lock
// makes the PCD-01 messages (and ACM alarms with --pcd01-alarms) and sends the queue over MLLP;
// the other instances wait to take over if it goes. Without it, the triggers of migration 008
// are told to note nothing. Nothing here crashes the server: problems are one log line each.
import type { Database, Session } from '../db/database';
import { controlIdPrefix, postgresOutbox } from './outbound-queue';
import type { QueueCounts } from './outbound-queue';
import { MllpSender } from './outbound-sender';
import type { SenderOptions, SenderStatus } from './outbound-sender';
import { queueFinishedPeriods, queuePendingAlarms } from './pcd01-scheduler';

export interface Pcd01Options {
  /** The interface engine's MLLP listener. */
  host: string;
  port: number;
  /** One message per bed per period (--pcd01-every-s). */
  periodMs: number;
  /** Alarms as ACM ORU^R40 too (--pcd01-alarms). */
  alarms: boolean;
  /** Numerics of a finished period are waited for this long (the workstations push every few s). */
  settleMs?: number;
  /** Accepted messages are kept this long for a person to look at, then deleted. */
  keepSentMs?: number;
  /** Bed-periods already sent are remembered this long, so late numerics of them are not resent. */
  keepPeriodsMs?: number;
  /** How often a standby instance tries to take over. */
  standbyCheckMs?: number;
  sender?: Partial<Omit<SenderOptions, 'host' | 'port' | 'log'>>;
}

export interface Hl7Outbound {
  /** Whether this instance is the one sending now. */
  sending(): boolean;
  counts(): Promise<QueueCounts>;
  senderStatus(): SenderStatus | null;
  /** Runs the scheduler once now (tests; the timer does it otherwise). */
  queueNow(): Promise<number>;
  close(): Promise<void>;
}

/** Distinct from the migration lock and any other advisory lock of the server. */
const HL7_OUT_LOCK_KEY = 7_310_025_808;
const DAY_MS = 86_400_000;

export async function startHl7Outbound(
  db: Database,
  options: Pcd01Options | null,
  env: { log: (line: string) => void; nowMs: () => number },
): Promise<Hl7Outbound> {
  if (!options) {
    await db.query(`DELETE FROM server_settings WHERE key IN ('pcd01_period_ms', 'pcd04_alarms')`);
    return {
      sending: () => false,
      counts: () => postgresOutbox(db).counts(),
      senderStatus: () => null,
      queueNow: async () => 0,
      close: async () => undefined,
    };
  }
  await db.query(
    `INSERT INTO server_settings (key, value) VALUES ('pcd01_period_ms', $1)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [String(Math.round(options.periodMs))],
  );
  await db.query(
    options.alarms
      ? `INSERT INTO server_settings (key, value) VALUES ('pcd04_alarms', 'on') ON CONFLICT DO NOTHING`
      : `DELETE FROM server_settings WHERE key = 'pcd04_alarms'`,
  );
  const { rows } = await db.query<{ value: string }>(
    `SELECT value FROM server_settings WHERE key = 'server_id'`,
  );
  const scheduler = {
    periodMs: options.periodMs,
    settleMs: options.settleMs ?? Math.min(15_000, options.periodMs / 2),
    serverId: rows[0]!.value,
    controlIdPrefix: await controlIdPrefix(db),
    nowMs: env.nowMs,
  };
  const outbox = postgresOutbox(db);
  const tickMs = Math.max(200, Math.min(5_000, options.periodMs / 4));
  let lock: Session | null = null;
  let sender: MllpSender | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let passing: Promise<number> | null = null;
  let lastPruneMs = 0;
  let lastProblem = '';

  const say = (line: string) => {
    if (line === lastProblem) return;
    lastProblem = line;
    env.log(line);
  };

  const pass = async (): Promise<number> => {
    let made = await queueFinishedPeriods(db, scheduler);
    if (options.alarms) made += await queuePendingAlarms(db, scheduler);
    if (made > 0) sender?.wake();
    if (env.nowMs() - lastPruneMs > 3_600_000) {
      lastPruneMs = env.nowMs();
      await outbox.prune(options.keepSentMs ?? DAY_MS);
      await db.query(`DELETE FROM pcd01_bed_periods WHERE done_at IS NOT NULL AND period_ms < $1`, [
        env.nowMs() - (options.keepPeriodsMs ?? 7 * DAY_MS),
      ]);
    }
    lastProblem = '';
    return made;
  };

  const runPass = (): Promise<number> => {
    passing ??= pass()
      .catch((error: unknown) => {
        say(`HL7 out: making PCD-01 messages failed (${(error as Error).message}); trying again.`);
        return 0;
      })
      .finally(() => (passing = null));
    return passing;
  };

  const leadOrWait = async () => {
    if (closed) return;
    if (lock) {
      await runPass();
      return;
    }
    let session: Session | null = null;
    try {
      session = await db.connect();
      const got = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
        HL7_OUT_LOCK_KEY,
      ]);
      if (!got.rows[0]!.ok || closed) {
        if (got.rows[0]!.ok)
          await session.query('SELECT pg_advisory_unlock($1)', [HL7_OUT_LOCK_KEY]);
        session.release();
        return;
      }
    } catch (error) {
      session?.release(error as Error);
      say(
        `HL7 out: cannot reach the database to take the sending role (${(error as Error).message}).`,
      );
      return;
    }
    lock = session;
    // The lock lives with this connection: if it breaks, another instance may take over.
    session.on('error', (error: Error) => {
      if (lock !== session) return;
      env.log(`HL7 out: lost the database connection holding the sending role (${error.message}).`);
      void standDown(error);
    });
    sender = new MllpSender(outbox, {
      host: options.host,
      port: options.port,
      log: env.log,
      ...options.sender,
    });
    sender.start();
    env.log(
      `HL7 out: this instance sends PCD-01 ${options.alarms ? 'and ACM alarms ' : ''}to ` +
        `${options.host}:${options.port}, one message per bed every ${options.periodMs / 1000} s.`,
    );
    await runPass();
  };

  const standDown = async (broken?: Error) => {
    const held = lock;
    lock = null;
    await sender?.stop();
    sender = null;
    if (!held) return;
    if (!broken) {
      await held.query('SELECT pg_advisory_unlock($1)', [HL7_OUT_LOCK_KEY]).catch(() => undefined);
    }
    held.release(broken ?? undefined);
  };

  const tick = () => {
    timer = setTimeout(
      () => {
        void leadOrWait().finally(() => {
          if (!closed) tick();
        });
      },
      lock ? tickMs : (options.standbyCheckMs ?? 5_000),
    );
  };
  await leadOrWait();
  tick();

  return {
    sending: () => lock !== null,
    counts: () => outbox.counts(),
    senderStatus: () => sender?.status ?? null,
    queueNow: () => (lock ? runPass() : Promise.resolve(0)),
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      await passing;
      await standDown();
    },
  };
}
