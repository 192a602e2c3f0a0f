-- Sync to the central server (electron/host/sync). Every synced table now reaches the outbox
-- (strips and alarm settings had no trigger); an outbox row of a table with stored bytes (a
-- waveform, a strip's PDF, a sound) says how many, so the status line can say how much waits
-- without reading them; the totals per table are kept by triggers, so that status never counts a
-- large outbox. Rows the server refuses are set aside with its reason, never retried blindly.
-- Mutable facts (patients, admissions, alarm settings) carry the hybrid logical clock stamp of
-- their version (shared/sync/hlc.ts); rows written before this migration have none.

ALTER TABLE patients ADD COLUMN hlc text;
ALTER TABLE admissions ADD COLUMN hlc text;
ALTER TABLE alarm_settings ADD COLUMN hlc text;

ALTER TABLE sync_outbox ADD COLUMN bytes int;

-- A statement's rows, once, with the size of their bytes column when the trigger names one.
CREATE OR REPLACE FUNCTION enqueue_inserted_for_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_NARGS = 0 THEN
    INSERT INTO sync_outbox (table_name, row_id) SELECT TG_TABLE_NAME, id FROM inserted;
  ELSE
    EXECUTE format(
      'INSERT INTO sync_outbox (table_name, row_id, bytes) SELECT %L, id, octet_length(%I) FROM inserted',
      TG_TABLE_NAME, TG_ARGV[0]);
  END IF;
  RETURN NULL;
END;
$$;

DROP TRIGGER waveform_chunks_sync ON waveform_chunks;
CREATE TRIGGER waveform_chunks_sync AFTER INSERT ON waveform_chunks
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
  EXECUTE FUNCTION enqueue_inserted_for_sync('data');
DROP TRIGGER sound_recordings_sync ON sound_recordings;
CREATE TRIGGER sound_recordings_sync AFTER INSERT ON sound_recordings
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
  EXECUTE FUNCTION enqueue_inserted_for_sync('wav');
CREATE TRIGGER strips_sync AFTER INSERT ON strips
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
  EXECUTE FUNCTION enqueue_inserted_for_sync('pdf');
CREATE TRIGGER alarm_settings_sync AFTER INSERT ON alarm_settings
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
  EXECUTE FUNCTION enqueue_inserted_for_sync();

-- Rows kept before they had a trigger are queued now, oldest first.
INSERT INTO sync_outbox (table_name, row_id)
  SELECT 'alarm_settings', id FROM alarm_settings ORDER BY at_ms, id;
INSERT INTO sync_outbox (table_name, row_id, bytes)
  SELECT 'strips', id, octet_length(pdf) FROM strips ORDER BY created_at_ms, id;
-- Queued bytes written before this migration are sized once.
UPDATE sync_outbox o SET bytes = octet_length(w.data)
  FROM waveform_chunks w WHERE o.table_name = 'waveform_chunks' AND w.id = o.row_id;
UPDATE sync_outbox o SET bytes = octet_length(s.wav)
  FROM sound_recordings s WHERE o.table_name = 'sound_recordings' AND s.id = o.row_id;

-- The uploader reads a table's newest queued rows; the status finds each table's oldest.
CREATE INDEX sync_outbox_table_seq ON sync_outbox (table_name, seq);

-- What the outbox holds per table, kept by its own statement triggers (exact, transactional).
CREATE TABLE sync_outbox_totals (
  table_name text PRIMARY KEY,
  rows bigint NOT NULL,
  bytes bigint NOT NULL
);
INSERT INTO sync_outbox_totals
  SELECT table_name, count(*), COALESCE(sum(bytes), 0) FROM sync_outbox GROUP BY table_name;

CREATE FUNCTION count_outbox_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_outbox_totals AS t (table_name, rows, bytes)
    SELECT table_name, count(*), COALESCE(sum(bytes), 0) FROM added GROUP BY table_name
  ON CONFLICT (table_name) DO UPDATE SET rows = t.rows + EXCLUDED.rows, bytes = t.bytes + EXCLUDED.bytes;
  RETURN NULL;
END;
$$;
CREATE FUNCTION count_outbox_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE sync_outbox_totals t SET rows = t.rows - r.n, bytes = t.bytes - r.b
    FROM (SELECT table_name, count(*) AS n, COALESCE(sum(bytes), 0) AS b
          FROM removed GROUP BY table_name) r
    WHERE t.table_name = r.table_name;
  RETURN NULL;
END;
$$;
CREATE TRIGGER sync_outbox_added AFTER INSERT ON sync_outbox
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION count_outbox_added();
CREATE TRIGGER sync_outbox_removed AFTER DELETE ON sync_outbox
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION count_outbox_removed();

-- Outbox rows the central server refused, with its reason: kept, shown, never sent again blindly.
CREATE TABLE sync_set_aside (
  seq bigint PRIMARY KEY,
  table_name text NOT NULL,
  row_id uuid NOT NULL,
  reason text NOT NULL,
  at_ms bigint NOT NULL
);
CREATE INDEX sync_set_aside_at ON sync_set_aside (at_ms);

-- The sync client's own small state: the pull cursor per server, the name IT gave us.
CREATE TABLE sync_state (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
