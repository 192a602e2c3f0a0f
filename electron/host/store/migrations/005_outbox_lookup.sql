-- Pruning looks rows up in the outbox by table and id (an event not yet synced is kept).
CREATE INDEX sync_outbox_table_row ON sync_outbox (table_name, row_id);
