// Applies the plain-SQL migrations in order, each in its own transaction, and records each one in
// schema_migrations. Runs on PGlite and, through the same executor interface, on PostgreSQL.
import type { Migration } from './migrations/index';

/** What the runner needs of a database connection: PGlite and a node-postgres Client both fit. */
export interface SqlExecutor {
  exec(sql: string): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

// Serialises runners that share one PostgreSQL database (the server may start several).
const MIGRATION_LOCK_KEY = 7_310_025_001;

export async function applyMigrations(
  db: SqlExecutor,
  migrations: readonly Migration[],
): Promise<{ applied: number[] }> {
  assertStrictlyAscending(migrations);
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version int PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  await refuseNewerDatabase(db, migrations);
  const applied: number[] = [];
  for (const migration of migrations) {
    if (await applyOne(db, migration)) applied.push(migration.version);
  }
  return { applied };
}

async function applyOne(db: SqlExecutor, migration: Migration): Promise<boolean> {
  await db.exec('BEGIN');
  try {
    await db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    // Checked under the lock, so a concurrent runner that got there first is not repeated.
    const done = await db.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
      migration.version,
    ]);
    if (done.rows.length > 0) {
      await db.exec('COMMIT');
      return false;
    }
    await db.exec(migration.sql);
    await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
      migration.version,
      migration.name,
    ]);
    await db.exec('COMMIT');
    return true;
  } catch (error) {
    await db.exec('ROLLBACK').catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${label(migration)} failed and was rolled back: ${reason}`, {
      cause: error,
    });
  }
}

// A data directory written by a newer build must not be used by an older one.
async function refuseNewerDatabase(db: SqlExecutor, migrations: readonly Migration[]) {
  const known = new Set(migrations.map((m) => m.version));
  const { rows } = await db.query('SELECT version, name FROM schema_migrations ORDER BY version');
  const unknown = (rows as Array<{ version: number; name: string }>).filter(
    (row) => !known.has(Number(row.version)),
  );
  if (unknown.length > 0) {
    const names = unknown.map((row) => label(row)).join(', ');
    throw new Error(
      `The database has migrations this version does not know (${names}); it was written by a newer version of the workstation.`,
    );
  }
}

function assertStrictlyAscending(migrations: readonly Migration[]) {
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (!Number.isInteger(migration.version) || migration.version < 1) {
      throw new Error(`Migration ${label(migration)} needs a positive whole version number.`);
    }
    if (previous && previous.version >= migration.version) {
      throw new Error(`Migration ${label(migration)} is listed after ${label(previous)}.`);
    }
  });
}

function label(migration: { version: number; name: string }): string {
  return `${String(migration.version).padStart(3, '0')}_${migration.name}`;
}
