-- Update releases the central server hosts for its workstations: IT's signed releases, their files
-- (kept here, in 1 MiB pieces, so every instance serves the same bytes), which version each
-- channel offers with its staging, and what each workstation last said of its updates.

CREATE TABLE releases (
  version text NOT NULL,
  platform text NOT NULL CHECK (platform IN ('win', 'mac', 'linux')),
  -- The SignedRelease as uploaded: its manifest's files are what the stored files must match.
  signed_release jsonb NOT NULL,
  key_id text NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  uploaded_by text NOT NULL,
  PRIMARY KEY (version, platform)
);

-- One row per file of a release's manifest; upload_id names its stored pieces once complete.
CREATE TABLE release_files (
  version text NOT NULL,
  platform text NOT NULL,
  name text NOT NULL,
  sha512 text NOT NULL,
  size bigint NOT NULL CHECK (size > 0),
  -- Set only when every byte arrived and the sha512 and size matched the manifest.
  upload_id uuid,
  PRIMARY KEY (version, platform, name),
  FOREIGN KEY (version, platform) REFERENCES releases ON DELETE CASCADE
);

-- The bytes of uploads, complete or under way. Pieces of an upload that never completed (the
-- connection dropped, the sha512 did not match) are deleted with it or swept later.
CREATE TABLE release_file_chunks (
  upload_id uuid NOT NULL,
  seq int NOT NULL CHECK (seq >= 0),
  bytes bytea NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (upload_id, seq)
);

-- What each channel offers each platform: set without re-signing (the signature covers the files).
CREATE TABLE release_channels (
  channel text NOT NULL CHECK (channel IN ('stable', 'pilot')),
  platform text NOT NULL CHECK (platform IN ('win', 'mac', 'linux')),
  version text NOT NULL,
  rollout_percent real NOT NULL CHECK (rollout_percent >= 0 AND rollout_percent <= 100),
  minimum_version text,
  -- "Sun 02:00–04:00": when a workstation may install with no bed monitored (its local time).
  maintenance_windows text[] NOT NULL DEFAULT '{}',
  changed_at timestamptz NOT NULL DEFAULT now(),
  changed_by text NOT NULL,
  PRIMARY KEY (channel, platform),
  FOREIGN KEY (version, platform) REFERENCES releases
);

-- Each workstation's reports of its updater, the newest few kept (the latest is the current state).
CREATE TABLE workstation_update_reports (
  id bigserial PRIMARY KEY,
  workstation_id text NOT NULL REFERENCES workstations (id),
  reported_at timestamptz NOT NULL DEFAULT now(),
  running_version text NOT NULL,
  platform text NOT NULL,
  channel text NOT NULL,
  state text NOT NULL,
  offered_version text,
  detail text
);
CREATE INDEX workstation_update_reports_latest
  ON workstation_update_reports (workstation_id, id DESC);
