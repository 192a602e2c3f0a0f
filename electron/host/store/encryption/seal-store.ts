// In the store worker: checks that the data key is this store's, and seals a store made before
// sealing (plain rows) on its first open with a key: every patient's name, MRN, birth date, note,
// recording, strip, census entry and audit detail, in one transaction (the append-only triggers
// are disabled inside it, as nothing else may update those rows), then VACUUM FULL of those
// tables so that no plain tuple is left in their files (the caller checkpoints after).
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { StoreKeyError, writeKeyFiles, type UnlockedKey } from './data-key';
import { isSealedBytes, isSealedText, type FieldCipher } from './field-cipher';
import { BEAT_MARK_KIND } from '../beat-marks';

/** The tables whose rows hold a patient's details, sealed here. */
export const SEALED_TABLES = [
  'patients',
  'annotations',
  'audit_events',
  'sound_recordings',
  'strips',
  'census_entries',
  'census_kept_ours',
] as const;

/** Append-only tables among them: their BEFORE UPDATE trigger refuses any update. */
const APPEND_ONLY = ['patients', 'annotations', 'audit_events', 'sound_recordings', 'strips'];

/**
 * 'matches': the store was sealed with this key. 'unsealed': the store holds no sealed data yet
 * (new, or made before sealing): a key made now has been written to its file. A key that is not
 * the store's is refused, changing nothing.
 */
export async function checkStoreKey(
  db: PGlite,
  cipher: FieldCipher,
  key: Pick<UnlockedKey, 'keyFile' | 'newKeyFileText' | 'newCredential'> & { folder: string },
): Promise<'matches' | 'unsealed'> {
  const { rows } = await db.query<{ present: boolean }>(
    `SELECT to_regclass('public.store_key') IS NOT NULL AS present`,
  );
  const check = rows[0]?.present
    ? (await db.query<{ key_check: string }>('SELECT key_check FROM store_key')).rows[0]?.key_check
    : undefined;
  if (check === cipher.keyCheck) return 'matches';
  if (check !== undefined) {
    throw new StoreKeyError(
      key.newKeyFileText !== null
        ? `The key file of the data store in ${key.folder} is missing (${key.keyFile}), and` +
            ' the patients\u2019 data in it are sealed with that key. Put the key file back from a' +
            ' backup of this folder (with credential.key if it was there), then start again;' +
            ' without it these data cannot be read. Nothing was changed.'
        : `The key file ${key.keyFile} is not the key of the data store in ${key.folder} (it` +
            ' comes from another folder or another time). Put back this folder\u2019s own key file' +
            ' from a backup, then start again. Nothing was changed.',
    );
  }
  writeKeyFiles(key);
  return 'unsealed';
}

/**
 * Seals every plain value of the store and records the key's check, in one transaction; then,
 * when any row was sealed, rewrites those tables. Returns how many rows were sealed.
 */
export async function sealStoreRows(db: PGlite, cipher: FieldCipher): Promise<number> {
  const sealed = await db.transaction(async (tx) => {
    for (const table of APPEND_ONLY) {
      await tx.exec(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
    }
    let n = 0;
    n += await sealPatients(tx, cipher);
    n += await sealTextColumn(tx, cipher, 'annotations', 'text', `kind <> '${BEAT_MARK_KIND}'`);
    n += await sealTextColumn(tx, cipher, 'audit_events', 'detail');
    n += await sealTextColumn(tx, cipher, 'sound_recordings', 'label');
    n += await sealTextColumn(tx, cipher, 'census_kept_ours', 'hospital_details');
    n += await sealBytesColumn(tx, cipher, 'sound_recordings', 'wav');
    n += await sealBytesColumn(tx, cipher, 'strips', 'pdf');
    n += await sealCensus(tx, cipher);
    for (const table of APPEND_ONLY) {
      await tx.exec(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
    }
    await tx.query(
      `INSERT INTO store_key (key_check) VALUES ($1)
       ON CONFLICT (only_row) DO UPDATE SET key_check = EXCLUDED.key_check, sealed_at = now()`,
      [cipher.keyCheck],
    );
    return n;
  });
  if (sealed > 0) {
    // The plain tuples are dead now, but still in the files: written anew, without them. The
    // write-ahead log still holds them as they were inserted: a new segment is begun and the
    // checkpoint deletes the old ones (not recycled: a recycled segment keeps its old bytes).
    await db.exec(`VACUUM FULL ${SEALED_TABLES.join(', ')}`);
    await db.exec(`SET wal_recycle = off`);
    await db.query('SELECT pg_switch_wal()');
    await db.exec('CHECKPOINT');
    await db.exec(`RESET wal_recycle`);
  }
  return sealed;
}

const sealIfPlain = (cipher: FieldCipher, value: string | null): string | null =>
  value === null || isSealedText(value) ? value : cipher.sealText(value);

async function sealPatients(tx: Transaction, cipher: FieldCipher): Promise<number> {
  const { rows } = await tx.query<{
    id: string;
    mrn: string | null;
    family_name: string | null;
    given_name: string | null;
    birth_date: string | null;
  }>('SELECT id, mrn, family_name, given_name, birth_date FROM patients');
  for (const row of rows) {
    const mrn = row.mrn === null ? null : cipher.openText(row.mrn);
    await tx.query(
      `UPDATE patients SET mrn = $2, family_name = $3, given_name = $4, birth_date = $5,
         mrn_index = $6 WHERE id = $1`,
      [
        row.id,
        sealIfPlain(cipher, row.mrn),
        sealIfPlain(cipher, row.family_name),
        sealIfPlain(cipher, row.given_name),
        sealIfPlain(cipher, row.birth_date),
        mrn === null ? null : cipher.mrnIndex(mrn),
      ],
    );
  }
  return rows.length;
}

async function sealTextColumn(
  tx: Transaction,
  cipher: FieldCipher,
  table: string,
  column: string,
  where = 'true',
): Promise<number> {
  const { rows } = await tx.query<{ id: string; value: string }>(
    `SELECT id, ${column} AS value FROM ${table}
     WHERE ${column} IS NOT NULL AND ${column} NOT LIKE 'enc1:%' AND ${where}`,
  );
  for (const row of rows) {
    await tx.query(`UPDATE ${table} SET ${column} = $2 WHERE id = $1`, [
      row.id,
      cipher.sealText(row.value),
    ]);
  }
  return rows.length;
}

async function sealBytesColumn(
  tx: Transaction,
  cipher: FieldCipher,
  table: string,
  column: string,
): Promise<number> {
  // One row at a time: recordings and strips are large.
  const { rows: ids } = await tx.query<{ id: string }>(`SELECT id FROM ${table}`);
  let n = 0;
  for (const { id } of ids) {
    const { rows } = await tx.query<{ value: Uint8Array }>(
      `SELECT ${column} AS value FROM ${table} WHERE id = $1`,
      [id],
    );
    const value = rows[0]?.value;
    if (!value || isSealedBytes(value)) continue;
    await tx.query(`UPDATE ${table} SET ${column} = $2 WHERE id = $1`, [
      id,
      cipher.sealBytes(value),
    ]);
    n += 1;
  }
  return n;
}

async function sealCensus(tx: Transaction, cipher: FieldCipher): Promise<number> {
  const { rows } = await tx.query<Record<string, string | null>>(
    `SELECT mrn_key, mrn, family_name, given_name, birth_date, visit_number, search_text
     FROM census_entries WHERE mrn NOT LIKE 'enc1:%'`,
  );
  for (const row of rows) {
    await tx.query(
      `UPDATE census_entries SET mrn_key = $2, mrn = $3, family_name = $4, given_name = $5,
         birth_date = $6, visit_number = $7, search_text = $8 WHERE mrn_key = $1`,
      [
        row.mrn_key,
        cipher.mrnIndex(row.mrn!),
        cipher.sealText(row.mrn!),
        sealIfPlain(cipher, row.family_name ?? null),
        sealIfPlain(cipher, row.given_name ?? null),
        sealIfPlain(cipher, row.birth_date ?? null),
        sealIfPlain(cipher, row.visit_number ?? null),
        sealIfPlain(cipher, row.search_text ?? null),
      ],
    );
  }
  return rows.length;
}
