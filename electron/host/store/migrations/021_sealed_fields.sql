-- Patients' details sealed in the store (store/encryption/): names, MRNs, birth dates, notes,
-- recordings, strips and audit details are kept as AES-256-GCM sealed values (text `enc1:…`,
-- bytes with a marker), opened only in the store worker. This workstation's columns differ from
-- the central server's here (the server keeps its own schema; what is sent is plain):
-- a birth date becomes text (a sealed value is not a date), and a patient's MRN is found by its
-- blind index (an HMAC of the MRN as compared) instead of an index on the MRN itself. The
-- census's mrn_key holds the same blind index. Existing rows are sealed by the worker on the
-- first open with a key (seal-store.ts), in one transaction, then rewritten (VACUUM FULL).
ALTER TABLE patients ALTER COLUMN birth_date TYPE text USING to_char(birth_date, 'YYYY-MM-DD');
ALTER TABLE patients ADD COLUMN mrn_index text;
DROP INDEX IF EXISTS patients_mrn;
DROP INDEX IF EXISTS patients_mrn_any_case;
CREATE INDEX patients_mrn_index ON patients (mrn_index);

-- Sealed names sort nowhere: the census is ordered in the worker after opening them.
DROP INDEX IF EXISTS census_entries_status;
CREATE INDEX census_entries_status ON census_entries (status);

-- Which data key seals this store (an HMAC under a key derived from it, never the key): a key
-- file from elsewhere, or a new key made because the file was lost, is refused, not used.
CREATE TABLE store_key (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  key_check text NOT NULL,
  sealed_at timestamptz NOT NULL DEFAULT now()
);
