// How retention deletes audit entries (retention.ts): like other events, only once older than the
// policy keeps and no longer waiting for the central server, and besides only from the start of
// the chain. A chained entry goes only when every entry before it goes too, so the entries kept
// stay one unbroken chain from the oldest kept (audit-chain-check.ts) and a hole in it is always
// a deletion, never retention. Entries written before the chain began go by age alone.

/** One statement: $1 = delete what is older than this (UTC ms), $2 = at most this many rows. */
export const PRUNE_AUDIT_SQL = `
  WITH chained AS (
    SELECT x.id, x.workstation_id, x.seq,
      x.at_ms < $1 AND NOT EXISTS (SELECT 1 FROM sync_outbox o
        WHERE o.table_name = 'audit_events' AND o.row_id = x.id) AS expired
    FROM audit_events x WHERE x.seq IS NOT NULL
    ORDER BY x.workstation_id, x.seq LIMIT $2
  ),
  chain_start AS (
    SELECT id, bool_and(expired) OVER (PARTITION BY workstation_id ORDER BY seq) AS goes
    FROM chained
  ),
  pre_chain AS (
    SELECT x.id FROM audit_events x
    WHERE x.seq IS NULL AND x.at_ms < $1 AND NOT EXISTS (SELECT 1 FROM sync_outbox o
      WHERE o.table_name = 'audit_events' AND o.row_id = x.id)
    ORDER BY x.at_ms LIMIT $2
  ),
  doomed AS (
    (SELECT id FROM pre_chain) UNION ALL (SELECT id FROM chain_start WHERE goes) LIMIT $2
  ),
  gone AS (DELETE FROM audit_events WHERE id IN (SELECT id FROM doomed) RETURNING id),
  unqueued AS (DELETE FROM sync_outbox
    WHERE table_name = 'audit_events' AND row_id IN (SELECT id FROM gone))
  SELECT count(*)::int AS n FROM gone`;
