// The server's migrations against the real PostgreSQL: fresh, again, by two instances at once,
// refused on a database a newer server set up; and the synced tables mirror the wire's rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNCED_TABLES, syncedColumns, syncedRowSchemas } from '../../shared/sync/tables';
import { startCentralServer } from '../central-server';
import { migrations } from '../migrations/index';
import { freshDatabase } from '../test-support/database';
import type { TestDatabase } from '../test-support/database';
import { runServerCommand } from '../test-support/server-process';
import { openDatabase } from './database';
import { DatabaseNewerError, migrate } from './migrate';

let database: TestDatabase;
beforeAll(async () => {
  database = await freshDatabase('migrate');
});
afterAll(() => database?.drop());

describe('migrations', () => {
  it('set up a fresh database once, and do nothing the second time', async () => {
    const db = openDatabase(database.url);
    try {
      expect(await migrate(db, migrations)).toEqual({ applied: migrations.map((m) => m.version) });
      expect(await migrate(db, migrations)).toEqual({ applied: [] });
      const { rows } = await db.query(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      );
      expect(rows).toEqual(migrations.map(({ version, name }) => ({ version, name })));
    } finally {
      await db.end();
    }
  });

  it('give every synced table the wire columns in order, nullable where the wire allows null, keyed by workstation first', async () => {
    const db = openDatabase(database.url);
    try {
      for (const table of SYNCED_TABLES) {
        const { rows } = await db.query<{ column_name: string; is_nullable: string }>(
          `SELECT column_name, is_nullable FROM information_schema.columns
           WHERE table_name = $1 ORDER BY ordinal_position`,
          [table],
        );
        expect(rows.map((r) => r.column_name)).toEqual([...syncedColumns(table), 'received_at']);
        const shape = syncedRowSchemas[table].shape as Record<
          string,
          { safeParse(v: unknown): { success: boolean } }
        >;
        for (const { column_name, is_nullable } of rows) {
          if (column_name === 'received_at') continue;
          expect([table, column_name, is_nullable === 'YES']).toEqual([
            table,
            column_name,
            shape[column_name]!.safeParse(null).success,
          ]);
        }
        const key = await db.query<{ definition: string }>(
          `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
           WHERE conrelid = $1::regclass AND contype = 'p'`,
          [table],
        );
        expect(key.rows[0]!.definition).toMatch(/^PRIMARY KEY \(workstation_id, /);
      }
    } finally {
      await db.end();
    }
  });

  it('run once when two instances start together on a new database', async () => {
    const fresh = await freshDatabase('migrate_twice');
    const [a, b] = [openDatabase(fresh.url), openDatabase(fresh.url)];
    try {
      const results = await Promise.all([migrate(a, migrations), migrate(b, migrations)]);
      const applied = results.map((r) => r.applied.length).sort();
      expect(applied).toEqual([0, migrations.length]);
      await a.end();
      await b.end();
      // Two whole servers too: both come up, one makes the admin token.
      const again = await freshDatabase('start_twice');
      const options = {
        databaseUrl: again.url,
        host: '127.0.0.1',
        port: 0,
        tls: null,
        log: () => {},
      };
      const servers = await Promise.all([startCentralServer(options), startCentralServer(options)]);
      expect(servers.filter((s) => s.adminTokenMadeNow !== null)).toHaveLength(1);
      await Promise.all(servers.map((s) => s.close()));
      await again.drop();
    } finally {
      await Promise.all([a.end().catch(() => {}), b.end().catch(() => {})]);
      await fresh.drop();
    }
  });

  it('refuse a database a newer server has migrated, in words and with exit code 3', async () => {
    const db = openDatabase(database.url);
    try {
      await db.query(
        `INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')`,
      );
      await expect(migrate(db, migrations)).rejects.toThrow(DatabaseNewerError);
      await expect(migrate(db, migrations)).rejects.toThrow(
        /999_from_the_future.*newer version of the central server/,
      );
      const run = await runServerCommand(['--db', database.url, '--port', '0', '--insecure-http']);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/newer version of the central server/);
      expect(run.stdout).not.toMatch(/ready/);
    } finally {
      await db.end();
    }
  });
});
