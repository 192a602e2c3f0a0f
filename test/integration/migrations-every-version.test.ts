// Migrations are forward-only, and a workstation or a central server may be upgraded from any
// schema it ever ran. For each schema version k: apply migrations 1..k, put a row in every table
// that exists then (values made from the table's own columns, checks and foreign keys, so a new
// table is covered without editing this file), migrate to the latest, and read every row back
// unchanged. The workstation's store on a real PGlite on disk; the server on the real PostgreSQL,
// a fresh database per version, dropped after.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import { applyMigrations } from '../../electron/host/store/migrate';
import { migrations as storeMigrations } from '../../electron/host/store/migrations/index';
import { openDatabase } from '../../server/db/database';
import { migrate } from '../../server/db/migrate';
import { migrations as serverMigrations } from '../../server/migrations/index';
import { freshDatabase } from '../../server/test-support/database';

interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}
type Row = Record<string, unknown>;

/** Values a generic row cannot guess: checks that compare columns or bound a range. */
const OVERRIDES: Record<string, Row> = {
  strips: { kind: 'alarm', from_ms: 1, to_ms: 2 },
  news2_observations: { temperature_c: 37 },
  // Kept by a trigger on sync_outbox, which has already made the row for its own table_name.
  sync_outbox_totals: { table_name: 'seeded_totals' },
  // The server's hospital users keep argon2id hashes only (a check says so).
  users: { password_hash: '$argon2id$v=19$m=1024,t=1,p=1$c2VlZGVkc2FsdA$c2VlZGVkaGFzaA' },
  // An invitation with an end time has ended (a check says so).
  telehealth_invitations: { status: 'ended' },
  // A recording's length is one of the three the viewer offers (a check says so).
  telehealth_recordings: { seconds: 10 },
  // A user name is kept as its SHA-256 in hex only (a check says so).
  sign_in_tries: { name_key: 'a'.repeat(64) },
};

interface Column {
  name: string;
  type: string;
  nullable: boolean;
  hasDefault: boolean;
}
interface ForeignKey {
  columns: string[];
  table: string;
  refColumns: string[];
}

interface TablePlan {
  columns: Column[];
  allowed: Map<string, string>;
  foreignKeys: ForeignKey[];
}

/** Every table of the current schema with its columns, checks and foreign keys: two queries. */
async function readSchema(db: Queryable): Promise<Map<string, TablePlan>> {
  const columns = await db.query<{
    table_name: string;
    column_name: string;
    udt_name: string;
    is_nullable: string;
    column_default: string | null;
    is_generated: string;
    is_identity: string;
  }>(
    `SELECT c.table_name, c.column_name, c.udt_name, c.is_nullable, c.column_default,
            c.is_generated, c.is_identity
     FROM information_schema.columns c
     JOIN information_schema.tables t USING (table_schema, table_name)
     WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
       AND c.table_name <> 'schema_migrations'
     ORDER BY c.table_name, c.ordinal_position`,
  );
  const plans = new Map<string, TablePlan>();
  for (const c of columns.rows) {
    let plan = plans.get(c.table_name);
    if (!plan)
      plans.set(c.table_name, (plan = { columns: [], allowed: new Map(), foreignKeys: [] }));
    if (c.is_generated === 'ALWAYS') continue;
    plan.columns.push({
      name: c.column_name,
      type: c.udt_name,
      nullable: c.is_nullable === 'YES',
      hasDefault: c.column_default !== null || c.is_identity === 'YES',
    });
  }
  const constraints = await db.query<{ table_name: string; contype: string; definition: string }>(
    `SELECT cl.relname AS table_name, co.contype, pg_get_constraintdef(co.oid) AS definition
     FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid
     WHERE cl.relnamespace = current_schema()::regnamespace AND co.contype IN ('c', 'f')`,
  );
  for (const { table_name: table, contype, definition } of constraints.rows) {
    const plan = plans.get(table);
    if (!plan) continue;
    if (contype === 'f') {
      const m = /FOREIGN KEY \(([^)]+)\) REFERENCES ([\w."]+)\(([^)]+)\)/.exec(definition);
      if (!m) throw new Error(`Unread foreign key on ${table}: ${definition}`);
      const split = (s: string) => s.split(',').map((c) => c.trim().replace(/"/g, ''));
      plan.foreignKeys.push({
        columns: split(m[1]!),
        table: m[2]!.replace(/"/g, '').split('.').at(-1)!,
        refColumns: split(m[3]!),
      });
    } else {
      // `col = ANY (ARRAY['a'::text, ...])` or `col = 'a'::text`: the first allowed value.
      for (const m of definition.matchAll(/\(?(\w+)\)?(?:::\w+)? = (?:ANY \(+ARRAY\[)?'([^']*)'/g))
        if (!plan.allowed.has(m[1]!)) plan.allowed.set(m[1]!, m[2]!);
    }
  }
  return plans;
}

function uuidFor(seed: string): string {
  let h = 0;
  for (const ch of seed) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `01900000-0000-7000-8000-${h.toString(16).padStart(12, '0')}`;
}

function valueFor(column: Column, table: string, version: number): unknown {
  const type = column.type;
  if (type === 'uuid') return uuidFor(`${table}.${column.name}@${version}`);
  if (/^(int[248]|float[48]|numeric)$/.test(type)) return 1;
  if (type === 'bool') return true;
  if (type === 'bytea') return Buffer.from([1, 0, 0, 0]);
  if (type === 'timestamptz' || type === 'timestamp') return '2026-01-02T03:04:05.000Z';
  if (type === 'date') return '2026-01-02';
  if (type === 'json' || type === 'jsonb') return JSON.stringify({ at: `v${version}` });
  if (type.startsWith('_')) return [];
  // Text by column name alone, so columns that several keys share (workstation_id) agree.
  return `${column.name}@v${version}`;
}

/** One row in every table, parents first; returns each row as inserted (to_jsonb). */
async function seedEveryTable(db: Queryable, version: number): Promise<Map<string, Row>> {
  const plans = await readSchema(db);
  const inserted = new Map<string, Row>();
  const pending = [...plans.keys()];
  while (pending.length > 0) {
    const ready = pending.findIndex((t) =>
      plans.get(t)!.foreignKeys.every((fk) => fk.table === t || inserted.has(fk.table)),
    );
    if (ready < 0) throw new Error(`Foreign keys form a cycle among ${pending.join(', ')}`);
    const table = pending.splice(ready, 1)[0]!;
    const { columns, allowed, foreignKeys } = plans.get(table)!;
    const row: Row = {};
    for (const column of columns) {
      if (column.hasDefault && !column.nullable && !allowed.has(column.name)) continue;
      row[column.name] = allowed.get(column.name) ?? valueFor(column, table, version);
    }
    for (const fk of foreignKeys) {
      const parent = fk.table === table ? row : inserted.get(fk.table)!;
      fk.columns.forEach((c, i) => (row[c] = parent[fk.refColumns[i]!]));
    }
    Object.assign(row, OVERRIDES[table]);
    const names = Object.keys(row);
    const sql = `INSERT INTO ${table} AS t (${names.join(', ')})
      VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING to_jsonb(t) AS row`;
    try {
      const { rows } = await db.query<{ row: Row }>(sql, Object.values(row));
      inserted.set(table, rows[0]!.row);
    } catch (error) {
      throw new Error(
        `At schema version ${version}, a row for ${table} was refused (${(error as Error).message}); give it values in OVERRIDES. Row: ${JSON.stringify(row)}`,
        { cause: error },
      );
    }
  }
  return inserted;
}

/** Every seeded row is still there, each of its columns that still exists unchanged. */
async function expectRowsKept(
  db: Queryable,
  seeded: Map<string, Row>,
  version: number,
  check: ExpectStatic = expect,
) {
  for (const [table, before] of seeded) {
    const { rows } = await db.query<{ row: Row }>(`SELECT to_jsonb(t) AS row FROM ${table} t`);
    const kept = rows.some(({ row: after }) =>
      Object.keys(before).every(
        (key) => !(key in after) || JSON.stringify(after[key]) === JSON.stringify(before[key]),
      ),
    );
    check(kept, `${table}'s row from schema version ${version}`).toBe(true);
  }
}

const storeVersions = storeMigrations.map((m) => m.version).slice(0, -1);
const serverVersions = serverMigrations.map((m) => m.version).slice(0, -1);

describe('workstation store: upgraded from every schema version, rows kept (PGlite on disk)', () => {
  const root = mkdtempSync(join(tmpdir(), 'migrations-every-version-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // An initdb costs seconds; each version starts from a copy of one empty cluster instead.
  const template = join(root, 'template');
  beforeAll(async () => (await PGlite.create(template)).close());
  async function emptyStore(name: string): Promise<PGlite> {
    cpSync(template, join(root, name), { recursive: true });
    return PGlite.create(join(root, name));
  }

  it.each(storeVersions)('from version %i', async (version) => {
    const db = await emptyStore(`v${version}`);
    try {
      await applyMigrations(
        db,
        storeMigrations.filter((m) => m.version <= version),
      );
      const seeded = await seedEveryTable(db, version);
      expect(seeded.size).toBeGreaterThan(0);
      const { applied } = await applyMigrations(db, storeMigrations);
      expect(applied).toEqual(storeMigrations.map((m) => m.version).filter((v) => v > version));
      await expectRowsKept(db, seeded, version);
    } finally {
      await db.close();
    }
  });

  it('notices a migration that changes what was written', async () => {
    const db = await emptyStore('changed');
    try {
      await applyMigrations(db, storeMigrations);
      const seeded = await seedEveryTable(db, 0);
      const next = Math.max(...storeMigrations.map((m) => m.version)) + 1;
      const rewrite = {
        version: next,
        name: 'rewrites',
        sql: 'UPDATE beds SET label = upper(label)',
      };
      await applyMigrations(db, [...storeMigrations, rewrite]);
      await expect(expectRowsKept(db, seeded, 0)).rejects.toThrow(
        /beds's row from schema version 0/,
      );
    } finally {
      await db.close();
    }
  });
});

// Each version has its own database, so they run side by side (PostgreSQL does the work).
describe.concurrent(
  'central server: upgraded from every schema version, rows kept (PostgreSQL)',
  () => {
    it.for(serverVersions)('from version %i', async (version, { expect }) => {
      const database = await freshDatabase(`upgrade_from_${version}`);
      const db = openDatabase(database.url, 2);
      try {
        await migrate(
          db,
          serverMigrations.filter((m) => m.version <= version),
        );
        const seeded = await seedEveryTable(db, version);
        expect(seeded.size).toBeGreaterThan(0);
        const { applied } = await migrate(db, serverMigrations);
        expect(applied).toEqual(serverMigrations.map((m) => m.version).filter((v) => v > version));
        await expectRowsKept(db, seeded, version, expect);
      } finally {
        await db.end();
        await database.drop();
      }
    });
  },
);
