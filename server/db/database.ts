// The server's connection to PostgreSQL: one pool per process, every session in UTC, and one way
// to run a transaction.
import pg from 'pg';

export type Database = pg.Pool;
export type Session = pg.PoolClient;

export function openDatabase(url: string, maxConnections = 10): Database {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: 'central-server',
    max: maxConnections,
    connectionTimeoutMillis: 10_000,
    // Times without a zone (a workstation's created_at) are UTC, whatever the server's zone.
    options: '-c TimeZone=UTC',
  });
  // An idle connection that drops (PostgreSQL restarted) must not take the process with it.
  pool.on('error', (error) => console.error(`Central server: database connection lost: ${error}`));
  return pool;
}

/** Runs `work` in one transaction: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(db: Database, work: (session: Session) => Promise<T>) {
  const session = await db.connect();
  let broken: Error | undefined;
  try {
    await session.query('BEGIN');
    const result = await work(session);
    await session.query('COMMIT');
    return result;
  } catch (error) {
    await session.query('ROLLBACK').catch((failure: Error) => (broken = failure));
    throw error;
  } finally {
    // A session whose rollback failed is in an unknown state: closed, not reused.
    session.release(broken);
  }
}

/** The URL with its password masked, for messages. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the database given with --db';
  }
}
