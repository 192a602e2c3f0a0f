-- Full disclosure at the size of the signal. Live samples are written as they come, in chunks of
-- ~2 s per channel, into waveform_staging: quick and durable, but a row and its index entries per
-- chunk cost as much as the compression saves. Once a channel's minute is complete the store
-- packs its chunks into one waveform_chunks row (re-encoded whole) and deletes them, in one
-- transaction. Staged chunks are not clinical rows of their own and never sync: only packed rows
-- go to sync_outbox. waveform_chunks rows written before this migration stay as they are.
CREATE TABLE waveform_staging (
  id uuid PRIMARY KEY,
  bed_id text NOT NULL,
  device_id text NOT NULL,
  channel text NOT NULL,
  rate_hz double precision NOT NULL CHECK (rate_hz > 0),
  t0_ms bigint NOT NULL,
  sample_count int NOT NULL CHECK (sample_count > 0),
  -- Always 'wfrc1' (store/codec).
  data bytea NOT NULL
) WITH (vacuum_truncate = false, toast.vacuum_truncate = false);
CREATE INDEX waveform_staging_bed_t0 ON waveform_staging (bed_id, t0_ms);

-- Packed rows are compressed already: kept out of line without a second compression attempt.
ALTER TABLE waveform_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
-- VACUUM makes the space of deleted rows reusable (staged chunks once packed, expired rows), but
-- must never shorten a file: the store's seal takes a shorter file for damage (store-seal.ts).
ALTER TABLE waveform_chunks SET (vacuum_truncate = false, toast.vacuum_truncate = false);
