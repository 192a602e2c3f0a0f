-- Wrong passwords per user name (access/sign-in-limit.ts), kept so that a restart does not reset
-- the "too many wrong passwords" wait. Local to this workstation and NOT synced (no outbox
-- trigger). A name is kept as its SHA-256 (hex), for names that exist and names that do not
-- alike: a password typed into the name field is not kept in clear. Only tries still inside the
-- window are kept (each name's list is replaced as it changes; old ones go at start).

CREATE TABLE sign_in_tries (
  name_key text NOT NULL CHECK (name_key ~ '^[0-9a-f]{64}$'),
  at_ms bigint NOT NULL
);

CREATE INDEX sign_in_tries_by_name ON sign_in_tries (name_key);
