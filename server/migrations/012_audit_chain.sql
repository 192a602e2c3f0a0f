-- The workstations' audit trails as hash chains (shared/security/audit-chain.ts): each entry
-- carries its place in its workstation's chain, the hash of the entry before it and its own hash,
-- as the workstation wrote them. The server keeps every entry, so a workstation's chain is checked
-- whole here (server/audit/audit-chain-check.ts). Entries received before this migration, and
-- those a workstation wrote before its own upgrade, have none (NULL) and are not checked.
ALTER TABLE audit_events
  ADD COLUMN seq bigint,
  ADD COLUMN prev_hash text,
  ADD COLUMN entry_hash text;

-- The synced tables keep the wire's columns in order with received_at last (server/sync/ingest.ts
-- and its tests rely on it): received_at moves after the new columns, its values kept.
ALTER TABLE audit_events RENAME COLUMN received_at TO received_at_before_chain;
ALTER TABLE audit_events ADD COLUMN received_at timestamptz NOT NULL DEFAULT now();
UPDATE audit_events SET received_at = received_at_before_chain;
ALTER TABLE audit_events DROP COLUMN received_at_before_chain;

-- A workstation's chain in order, for the check. Not unique: a duplicate is the check's to name.
CREATE INDEX audit_events_chain ON audit_events (workstation_id, seq) WHERE seq IS NOT NULL;
