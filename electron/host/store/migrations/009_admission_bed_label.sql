-- An admission event keeps the label of its bed as well as its id, so that a bed with a patient
-- comes back with its name after a restart even when no device feeds it any longer.
ALTER TABLE admissions ADD COLUMN bed_label text;
