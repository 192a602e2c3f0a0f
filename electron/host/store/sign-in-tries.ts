// Wrong passwords per user name (store worker side, migration 023): read back at start, and a
// name's list replaced as it changes. Names come as keys (SHA-256), never as typed. Local, not
// synced.
import type { PGlite } from '@electric-sql/pglite';

/** One name's wrong tries still inside the window (UTC ms, oldest first). */
export interface StoredSignInTries {
  nameKey: string;
  atMs: number[];
}

/** Forgets the tries older than `sinceMs`, then reads the rest, by name. */
export async function readSignInTries(db: PGlite, sinceMs: number): Promise<StoredSignInTries[]> {
  await db.query('DELETE FROM sign_in_tries WHERE at_ms < $1::bigint', [Math.floor(sinceMs)]);
  const { rows } = await db.query<{ name_key: string; at_ms: string | number }>(
    'SELECT name_key, at_ms FROM sign_in_tries ORDER BY name_key, at_ms',
  );
  const byName = new Map<string, number[]>();
  for (const row of rows) {
    const list = byName.get(row.name_key) ?? [];
    list.push(Number(row.at_ms));
    byName.set(row.name_key, list);
  }
  return [...byName].map(([nameKey, atMs]) => ({ nameKey, atMs }));
}

/** The name's tries are now these (none: forgotten), in one transaction. */
export async function keepSignInTries(db: PGlite, tries: StoredSignInTries): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM sign_in_tries WHERE name_key = $1::text', [tries.nameKey]);
    for (const atMs of tries.atMs) {
      await tx.query('INSERT INTO sign_in_tries (name_key, at_ms) VALUES ($1::text, $2::bigint)', [
        tries.nameKey,
        Math.floor(atMs),
      ]);
    }
  });
}
