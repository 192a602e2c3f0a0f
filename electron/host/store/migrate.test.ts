import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, type SqlExecutor } from './migrate';
import { type Migration, migrations } from './migrations/index';
import { POSTGRES_URL_FOR_HUMANS, PSQL_ARGS, PsqlSession } from './psql-session.test-support';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const TABLES = [
  'admissions',
  'alarm_events',
  'alarm_settings',
  'annotations',
  'audit_events',
  'beds',
  'census_entries',
  'census_kept_ours',
  'channels',
  'device_sessions',
  'devices',
  'local_accounts',
  'news2_observations',
  'numeric_rollups',
  'numerics',
  'patients',
  'schema_migrations',
  'server_accounts',
  'sign_in_tries',
  'sound_recordings',
  'store_key',
  'strips',
  'sync_outbox',
  'sync_outbox_totals',
  'sync_set_aside',
  'sync_state',
  'telehealth_consults',
  'waveform_chunks',
  'waveform_staging',
];
const VERSIONS = migrations.map((m) => m.version);
const NEXT_VERSION = Math.max(...VERSIONS) + 1;

async function tablesIn(db: SqlExecutor): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() ORDER BY table_name`,
  );
  return (rows as Array<{ table_name: string }>).map((row) => row.table_name);
}

async function recordedVersions(db: SqlExecutor): Promise<number[]> {
  const { rows } = await db.query('SELECT version FROM schema_migrations ORDER BY version');
  return (rows as Array<{ version: number }>).map((row) => Number(row.version));
}

describe('migrations on PGlite', () => {
  const opened: PGlite[] = [];
  async function emptyDatabase(): Promise<PGlite> {
    const db = await PGlite.create();
    opened.push(db);
    return db;
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
  });

  it('lists every NNN_name.sql file, in order, with its exact text', () => {
    const files = readdirSync(MIGRATIONS_DIR).filter((name) => name.endsWith('.sql'));
    const listed = migrations.map((m) => `${String(m.version).padStart(3, '0')}_${m.name}.sql`);
    expect(listed).toEqual(files.sort());
    for (const migration of migrations) {
      const file = `${String(migration.version).padStart(3, '0')}_${migration.name}.sql`;
      expect(migration.sql).toBe(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));
    }
  });

  it('creates every table on an empty database and records each migration', async () => {
    const db = await emptyDatabase();
    expect(await applyMigrations(db, migrations)).toEqual({ applied: VERSIONS });
    expect(await tablesIn(db)).toEqual(TABLES);
    expect(await recordedVersions(db)).toEqual(VERSIONS);
  });

  it('applies nothing the second time', async () => {
    const db = await emptyDatabase();
    await applyMigrations(db, migrations);
    expect(await applyMigrations(db, migrations)).toEqual({ applied: [] });
    expect(await recordedVersions(db)).toEqual(VERSIONS);
  });

  it('rolls a failing migration back entirely and says which one failed', async () => {
    const db = await emptyDatabase();
    const broken: Migration = {
      version: NEXT_VERSION,
      name: 'broken',
      sql: 'CREATE TABLE half_done (id int); SELECT no_such_column FROM beds;',
    };
    await expect(applyMigrations(db, [...migrations, broken])).rejects.toThrow(
      new RegExp(
        `Migration ${String(NEXT_VERSION).padStart(3, '0')}_broken failed and was rolled back: .*no_such_column`,
      ),
    );
    expect(await tablesIn(db)).not.toContain('half_done');
    expect(await recordedVersions(db)).toEqual(VERSIONS);
  });

  it('refuses a database written by a newer version', async () => {
    const db = await emptyDatabase();
    await applyMigrations(db, migrations);
    await expect(applyMigrations(db, [])).rejects.toThrow(/001_initial.*newer version/);
  });

  it('refuses a list that is out of order', async () => {
    const db = await emptyDatabase();
    const first = migrations[0]!;
    await expect(applyMigrations(db, [first, first])).rejects.toThrow(/is listed after/);
  });

  it('upgrades a database holding the previous version’s data, keeping every row', async () => {
    const db = await emptyDatabase();
    // The schema the last release shipped (before the clinical record and the sync outbox).
    const previous = migrations.filter((m) => m.version <= 3);
    await applyMigrations(db, previous);
    await db.query(
      `INSERT INTO numerics (id, workstation_id, bed_id, device_id, code, value, unit, at_ms)
       VALUES ('01900000-0000-7000-8000-00000000000a', 'ws', 'bed-1', 'dev', 'MDC_X', 97, '%', 5)`,
    );
    await db.query(
      `INSERT INTO waveform_chunks (id, workstation_id, bed_id, device_id, channel, rate_hz, t0_ms,
         sample_count, encoding, data)
       VALUES ('01900000-0000-7000-8000-00000000000b', 'ws', 'bed-1', 'dev', 'ECG', 500, 0, 1,
         'i32le', '\\x01000000')`,
    );
    expect(await applyMigrations(db, migrations)).toEqual({
      applied: VERSIONS.filter((v) => v > 3),
    });
    const { rows } = await db.query<{ value: number; computed: boolean }>(
      'SELECT value, computed FROM numerics',
    );
    expect(rows).toEqual([{ value: 97, computed: false }]);
    const chunks = await db.query<{ encoding: string }>('SELECT encoding FROM waveform_chunks');
    expect(chunks.rows).toEqual([{ encoding: 'i32le' }]);
    // Rows written from now on wait in the outbox for the central server; older ones predate it.
    await db.query(
      `INSERT INTO numerics (id, workstation_id, bed_id, device_id, code, value, unit, at_ms)
       VALUES ('01900000-0000-7000-8000-00000000000c', 'ws', 'bed-1', 'dev', 'MDC_X', 96, '%', 6)`,
    );
    const outbox = await db.query<{ table_name: string; row_id: string }>(
      'SELECT table_name, row_id FROM sync_outbox ORDER BY seq',
    );
    expect(outbox.rows).toEqual([
      { table_name: 'numerics', row_id: '01900000-0000-7000-8000-00000000000c' },
    ]);
  });

  it('keeps clinical rows append-only', async () => {
    const db = await emptyDatabase();
    await applyMigrations(db, migrations);
    await db.query(
      `INSERT INTO numerics (id, workstation_id, bed_id, device_id, code, value, unit, at_ms)
       VALUES ('01900000-0000-7000-8000-000000000000', 'ws', 'bed', 'dev', 'MDC_X', 1, '%', 0)`,
    );
    await expect(db.query('UPDATE numerics SET value = 2')).rejects.toThrow(/append-only/);
    await db.query(
      `INSERT INTO sound_recordings (id, workstation_id, bed_id, started_at_ms, rate_hz,
         sample_count, site, mode, wav)
       VALUES ('01900000-0000-7000-8000-000000000001', 'ws', 'bed', 0, 2000, 1, 'heart', 'bell',
         '\\x0000')`,
    );
    await expect(db.query("UPDATE sound_recordings SET label = 'x'")).rejects.toThrow(
      /sound_recordings are append-only/,
    );
    await db.query(
      `INSERT INTO patients (id, workstation_id, family_name, given_name, category, actor)
       VALUES ('01900000-0000-7000-8000-000000000002', 'ws', 'Demo', 'Ada', 'adult', 'nurse')`,
    );
    await expect(db.query("UPDATE patients SET family_name = 'x'")).rejects.toThrow(
      /patients are append-only/,
    );
  });
});

describe('migrations on PostgreSQL', () => {
  it(`apply and re-apply on ${POSTGRES_URL_FOR_HUMANS} in a fresh schema`, async () => {
    const schema = `ws_migrate_test_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
    const psql = new PsqlSession();
    try {
      await psql.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`).catch((error) => {
        throw new Error(`This test needs PostgreSQL at ${POSTGRES_URL_FOR_HUMANS}: ${error}`);
      });
      expect(await applyMigrations(psql, migrations)).toEqual({ applied: VERSIONS });
      expect(await tablesIn(psql)).toEqual(TABLES);
      expect(await applyMigrations(psql, migrations)).toEqual({ applied: [] });
      expect(await recordedVersions(psql)).toEqual(VERSIONS);
    } finally {
      await psql.end();
      // A separate psql, so the schema goes even if the session above died.
      spawnSync('psql', [...PSQL_ARGS, '-q', '-c', `DROP SCHEMA IF EXISTS ${schema} CASCADE`], {
        env: { ...process.env, PGCONNECT_TIMEOUT: '5' },
      });
    }
  });
});
