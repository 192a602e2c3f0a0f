-- Readings downloaded from a device's memory (a blood-pressure monitor) carry the key of the
-- reading they came from, so downloading the same device again stores nothing twice.
ALTER TABLE numerics ADD COLUMN source_key text;
CREATE UNIQUE INDEX numerics_bed_code_source_key ON numerics (bed_id, code, source_key)
  WHERE source_key IS NOT NULL;
