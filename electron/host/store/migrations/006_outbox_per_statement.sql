-- The sync outbox is filled once per INSERT statement (from its transition table) instead of
-- once per row: ingest writes hundreds of rows per statement, and a row trigger doubled its cost.
CREATE FUNCTION enqueue_inserted_for_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_outbox (table_name, row_id) SELECT TG_TABLE_NAME, id FROM inserted;
  RETURN NULL;
END;
$$;

DROP TRIGGER waveform_chunks_sync ON waveform_chunks;
CREATE TRIGGER waveform_chunks_sync AFTER INSERT ON waveform_chunks
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION enqueue_inserted_for_sync();
DROP TRIGGER numerics_sync ON numerics;
CREATE TRIGGER numerics_sync AFTER INSERT ON numerics
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION enqueue_inserted_for_sync();
DROP TRIGGER alarm_events_sync ON alarm_events;
CREATE TRIGGER alarm_events_sync AFTER INSERT ON alarm_events
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION enqueue_inserted_for_sync();
