-- Alarms switched off and alarm audio switched off belong to the patient's stay like the limits:
-- kept in the same append-only rows, so a restart brings them back and a transfer carries them.
ALTER TABLE alarm_settings ADD COLUMN alarms_off jsonb NOT NULL DEFAULT '[]';
-- Null while alarm audio is on (a 2-minute pause is not kept).
ALTER TABLE alarm_settings ADD COLUMN audio_off jsonb;
