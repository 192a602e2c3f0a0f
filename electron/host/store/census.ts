// The hospital's patient list (the census) in the store worker: pages pulled from one central
// server kept with their cursor in one transaction (an entry replaces the one of its MRN only when
// newer), searched by name or MRN with admitted patients first, read by MRN for the patients in
// beds; and a person's "keep ours" for a difference, with its audit event. Not synced back.
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { uuidv7 } from '../../../shared/ids';
import type { CensusEntry, CensusLocation, CensusStatus } from '../../../shared/sync/census';
import { insertAudit } from './patients';
import { mrnIndex, openText, sealText } from './encryption/field-cipher';

/** One page as the census puller checked it, to keep with the cursor after it. */
export interface CensusPageToKeep {
  serverId: string;
  entries: CensusEntry[];
  cursor: number;
  /** When the server answered (UTC ms): the list is "as of" then. */
  atMs: number;
}

export interface CensusListState {
  /** The server whose list is kept; null when none was ever pulled. */
  serverId: string | null;
  asOfMs: number | null;
  patients: number;
}

/** A person kept this workstation's details against the hospital's (census_kept_ours). */
export interface KeptOurs {
  patientId: string;
  versionId: string;
  /** The hospital's details it was decided against (hospitalDetailsKey). */
  hospitalDetails: string;
  actor: string;
  atMs: number;
}

export type KeptOursToStore = KeptOurs & { detail: string };

const SERVER_KEY = 'census:server';
const AS_OF_KEY = 'census:as-of';
export const censusCursorKey = (serverId: string) => `census-cursor:${serverId}`;

/** MRNs are one person in any case and without surrounding spaces (patient-identity.ts). */
export const censusMrnKey = (mrn: string) => mrn.trim().toLowerCase();

/** What a search looks in: the MRN and both orders of the names, lower case. */
function searchTextOf(e: CensusEntry): string {
  const family = e.familyName ?? '';
  const given = e.givenName ?? '';
  return `${e.mrn} ${family}, ${given} ${given} ${family}`.toLowerCase();
}

interface EntryRow {
  mrn: string;
  seq: number | bigint | string;
  family_name: string | null;
  given_name: string | null;
  birth_date: string | null;
  sex: string | null;
  status: CensusStatus;
  visit_number: string | null;
  location: CensusLocation | null;
  admitted_at_ms: number | bigint | string | null;
  discharged_at_ms: number | bigint | string | null;
  updated_at_ms: number | bigint | string;
  last_event: string;
}

const numberOrNull = (value: number | bigint | string | null) =>
  value === null ? null : Number(value);

/** Names, MRN, birth date, visit number and search text are sealed (encryption/); mrn_key is
 * the MRN's blind index. */
function entryOf(row: EntryRow): CensusEntry {
  return {
    seq: Number(row.seq),
    mrn: openText(row.mrn),
    familyName: openText(row.family_name),
    givenName: openText(row.given_name),
    birthDate: openText(row.birth_date),
    sex: row.sex,
    status: row.status,
    visitNumber: openText(row.visit_number),
    location: row.location,
    admittedAtMs: numberOrNull(row.admitted_at_ms),
    dischargedAtMs: numberOrNull(row.discharged_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
    lastEvent: row.last_event,
  };
}

async function stateValue(db: Pick<PGlite, 'query'>, key: string): Promise<unknown> {
  const { rows } = await db.query<{ value: unknown }>(
    'SELECT value FROM sync_state WHERE key = $1',
    [key],
  );
  return rows[0]?.value ?? null;
}

async function setState(tx: Transaction, key: string, value: unknown): Promise<void> {
  await tx.query(
    `INSERT INTO sync_state (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}

/**
 * Keeps a page and moves the cursor after it, together. Another server's list is dropped first
 * (its cursor means nothing here). Returns the MRN keys whose entry changed.
 */
export async function keepCensusPage(db: PGlite, page: CensusPageToKeep): Promise<string[]> {
  try {
    return await keepPage(db, page);
  } finally {
    listWrites += 1; // the opened list is stale now (committed or not)
  }
}

/**
 * The list as searched: every entry opened once, with its search text, per store. Opening each
 * sealed entry at every keystroke took 200–600 ms for 20,000 entries in the store's worker, which
 * also ingests; the opened list is dropped at every write of the list.
 */
const openedLists = new WeakMap<object, { writes: number; entries: OpenedEntry[] }>();
let listWrites = 0;
interface OpenedEntry {
  entry: CensusEntry;
  search: string;
}

async function openedList(db: PGlite): Promise<OpenedEntry[]> {
  const kept = openedLists.get(db);
  if (kept && kept.writes === listWrites) return kept.entries;
  const writes = listWrites;
  const { rows } = await db.query<EntryRow>('SELECT * FROM census_entries');
  const entries = rows.map((row) => {
    const entry = entryOf(row);
    return { entry, search: searchTextOf(entry) };
  });
  // A write while it was read: this copy may be older than the list; read again next time.
  if (writes === listWrites) openedLists.set(db, { writes, entries });
  return entries;
}

function keepPage(db: PGlite, page: CensusPageToKeep): Promise<string[]> {
  return db.transaction(async (tx) => {
    if ((await stateValue(tx, SERVER_KEY)) !== page.serverId) {
      await tx.query('DELETE FROM census_entries');
      await setState(tx, SERVER_KEY, page.serverId);
    }
    // One statement for the page; an MRN twice in it counts once, as its newest.
    const newest = new Map<string, CensusEntry>();
    for (const e of page.entries) {
      const key = censusMrnKey(e.mrn);
      if ((newest.get(key)?.seq ?? 0) < e.seq) newest.set(key, e);
    }
    const keys = new Map<string, string>();
    const rows = [...newest].map(([key, e]) => {
      const index = mrnIndex(e.mrn);
      keys.set(index, key);
      return {
        ...e,
        key: index,
        mrn: sealText(e.mrn),
        familyName: sealText(e.familyName),
        givenName: sealText(e.givenName),
        birthDate: sealText(e.birthDate),
        visitNumber: sealText(e.visitNumber),
        search: sealText(searchTextOf(e)),
      };
    });
    const { rows: changed } = await tx.query<{ mrn_key: string }>(
      `INSERT INTO census_entries (mrn_key, mrn, seq, family_name, given_name, birth_date, sex,
         status, visit_number, location, admitted_at_ms, discharged_at_ms, updated_at_ms,
         last_event, search_text)
       SELECT key, mrn, seq, "familyName", "givenName", "birthDate", sex, status, "visitNumber",
         location, "admittedAtMs", "dischargedAtMs", "updatedAtMs", "lastEvent", search
       FROM jsonb_to_recordset($1::jsonb) AS e(key text, mrn text, seq bigint,
         "familyName" text, "givenName" text, "birthDate" text, sex text, status text,
         "visitNumber" text, location jsonb, "admittedAtMs" bigint, "dischargedAtMs" bigint,
         "updatedAtMs" bigint, "lastEvent" text, search text)
       ON CONFLICT (mrn_key) DO UPDATE SET mrn = EXCLUDED.mrn, seq = EXCLUDED.seq,
         family_name = EXCLUDED.family_name, given_name = EXCLUDED.given_name,
         birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, status = EXCLUDED.status,
         visit_number = EXCLUDED.visit_number, location = EXCLUDED.location,
         admitted_at_ms = EXCLUDED.admitted_at_ms, discharged_at_ms = EXCLUDED.discharged_at_ms,
         updated_at_ms = EXCLUDED.updated_at_ms, last_event = EXCLUDED.last_event,
         search_text = EXCLUDED.search_text
       WHERE census_entries.seq < EXCLUDED.seq
       RETURNING mrn_key`,
      [JSON.stringify(rows)],
    );
    await setState(tx, censusCursorKey(page.serverId), page.cursor);
    await setState(tx, AS_OF_KEY, Math.round(page.atMs));
    return changed.map((r) => keys.get(r.mrn_key) ?? r.mrn_key);
  });
}

export async function readCensusState(db: PGlite): Promise<CensusListState> {
  const [serverId, asOf, count] = await Promise.all([
    stateValue(db, SERVER_KEY),
    stateValue(db, AS_OF_KEY),
    db.query<{ n: number | bigint }>('SELECT count(*) AS n FROM census_entries'),
  ]);
  return {
    serverId: typeof serverId === 'string' ? serverId : null,
    asOfMs: typeof asOf === 'number' ? asOf : null,
    patients: Number(count.rows[0]?.n ?? 0),
  };
}

/** Entries whose MRN or name contains the text (any case), admitted first, then by name. */
export async function searchCensus(
  db: PGlite,
  text: string,
  limit: number,
): Promise<CensusEntry[]> {
  const words = text.trim().toLowerCase();
  const rank = { admitted: 0, registered: 1, discharged: 2 } as Record<string, number>;
  // As before: no name sorts after every name.
  const lower = (value: string | null) => (value === null ? '\uffff' : value.toLowerCase());
  return (await openedList(db))
    .filter((opened) => opened.search.includes(words))
    .map((opened) => opened.entry)
    .sort(
      (a, b) =>
        (rank[a.status] ?? 2) - (rank[b.status] ?? 2) ||
        compareText(lower(a.familyName), lower(b.familyName)) ||
        compareText(lower(a.givenName), lower(b.givenName)) ||
        compareText(censusMrnKey(a.mrn), censusMrnKey(b.mrn)),
    )
    .slice(0, limit);
}

/** As the database ordered text before sealing (byte order here): stable, not by locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The entries of these MRNs (any case), those on the list. */
export async function readCensusByMrn(db: PGlite, mrns: readonly string[]): Promise<CensusEntry[]> {
  if (mrns.length === 0) return [];
  const { rows } = await db.query<EntryRow>(
    'SELECT * FROM census_entries WHERE mrn_key = ANY($1::text[])',
    [mrns.map(mrnIndex)],
  );
  return rows.map(entryOf);
}

/** A person kept our details: kept with what it was about, and audited; on disk after. */
export async function recordKeptOurs(
  db: PGlite,
  workstationId: string,
  kept: KeptOursToStore,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO census_kept_ours (id, patient_id, version_id, hospital_details, actor, at_ms)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        uuidv7(),
        kept.patientId,
        kept.versionId,
        sealText(kept.hospitalDetails),
        kept.actor,
        Math.round(kept.atMs),
      ],
    );
    await insertAudit(tx, workstationId, {
      atMs: kept.atMs,
      actor: kept.actor,
      action: 'hospital-details-declined',
      subject: kept.patientId,
      detail: kept.detail,
    });
  });
}

/** Each patient's latest "keep ours". */
export async function readKeptOurs(db: PGlite, patientIds: readonly string[]): Promise<KeptOurs[]> {
  if (patientIds.length === 0) return [];
  const { rows } = await db.query<{
    patient_id: string;
    version_id: string;
    hospital_details: string;
    actor: string;
    at_ms: number | bigint | string;
  }>(
    `SELECT DISTINCT ON (patient_id) patient_id, version_id, hospital_details, actor, at_ms
       FROM census_kept_ours WHERE patient_id::text = ANY($1::text[])
      ORDER BY patient_id, at_ms DESC, id DESC`,
    [patientIds],
  );
  return rows.map((r) => ({
    patientId: r.patient_id,
    versionId: r.version_id,
    hospitalDetails: openText(r.hospital_details),
    actor: r.actor,
    atMs: Number(r.at_ms),
  }));
}
