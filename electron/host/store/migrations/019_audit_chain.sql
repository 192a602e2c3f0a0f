-- The audit trail as a hash chain (shared/security/audit-chain.ts): each entry of a workstation
-- carries its place (seq 1, 2, 3…), the hash of the entry before it and its own hash, all written
-- by the store's one appender (audit.ts), so a deleted, changed or reordered entry is found.
-- Entries written before this migration keep NULL in all three and are not checked: they are not
-- backfilled, because the central server already holds those that synced without these columns
-- (a synced row is never sent again) and retention deleted others here, so a chain made now could
-- not be the same at both ends. The chain begins at seq 1 with the first entry written after it.
ALTER TABLE audit_events
  ADD COLUMN seq bigint,
  ADD COLUMN prev_hash text,
  ADD COLUMN entry_hash text;

-- An entry is in the chain with all three, or predates it with none.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_chained
  CHECK ((seq IS NULL) = (prev_hash IS NULL) AND (seq IS NULL) = (entry_hash IS NULL));

-- One entry per place; also how the appender finds the tail and retention the oldest entries.
CREATE UNIQUE INDEX audit_events_chain ON audit_events (workstation_id, seq);
