-- A stethoscope recording keeps the heart rate found in its heart sounds when it was saved (null
-- when none could be found). Recordings saved before this column have none.
ALTER TABLE sound_recordings ADD COLUMN heart_rate_bpm real;
