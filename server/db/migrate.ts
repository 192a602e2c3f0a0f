// Applies the server's plain-SQL migrations in order, each in its own transaction, recorded in
// schema_migrations, under a session advisory lock so that two instances starting together do
// not both migrate. A database that has a migration this server does not know is refused.
import type { Database } from './database';

export interface Migration {
  /** The NNN of `NNN_name.sql`. */
  version: number;
  name: string;
  sql: string;
}

/** The database was migrated by a newer central server: this one must not touch it. */
export class DatabaseNewerError extends Error {}

/** Distinct from the workstation store's lock key, in case both ever share a database. */
const MIGRATION_LOCK_KEY = 7_310_025_101;

export async function migrate(db: Database, migrations: readonly Migration[]) {
  assertAscending(migrations);
  const session = await db.connect();
  let broken: Error | undefined;
  try {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await session.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version int PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await session.query<{ version: number; name: string }>(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      );
      const known = new Set(migrations.map((m) => m.version));
      const unknown = rows.filter((row) => !known.has(row.version));
      if (unknown.length > 0) {
        throw new DatabaseNewerError(
          `The database has migrations this central server does not know ` +
            `(${unknown.map(label).join(', ')}): it was set up by a newer version of the ` +
            `central server. Run that version (or a newer one) against it, or give another database.`,
        );
      }
      const done = new Set(rows.map((row) => row.version));
      const applied: number[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        try {
          await session.query('BEGIN');
          await session.query(migration.sql);
          await session.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await session.query('COMMIT');
        } catch (error) {
          await session.query('ROLLBACK').catch((failure: Error) => (broken = failure));
          throw new Error(
            `Migration ${label(migration)} failed and was rolled back: ${(error as Error).message}`,
            { cause: error },
          );
        }
        applied.push(migration.version);
      }
      return { applied };
    } finally {
      if (!broken) {
        await session
          .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
          .catch((failure: Error) => (broken = failure));
      }
    }
  } finally {
    // Closing the session also frees the lock if unlocking failed.
    session.release(broken);
  }
}

function label(m: { version: number; name: string }) {
  return `${String(m.version).padStart(3, '0')}_${m.name}`;
}

function assertAscending(migrations: readonly Migration[]) {
  migrations.forEach((m, i) => {
    if (
      !Number.isInteger(m.version) ||
      m.version < 1 ||
      (i > 0 && m.version <= migrations[i - 1]!.version)
    ) {
      throw new Error(`Migration ${label(m)} is out of order.`);
    }
  });
}
