-- What the hospital central station opened, on the server: a bed's own screen (all its waves) and
-- each kind of history read (trends, full disclosure, the alarm log, beats), by the station's
-- address, once a minute per socket, bed and kind. The station is opened with the viewer token,
-- not as a user: the address and browser are who. The privacy officer's report lists these rows
-- with the workstations' own entries; nothing here is changed or deleted by the server.
CREATE TABLE station_access_log (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  address text,
  user_agent text,
  action text NOT NULL,
  workstation_id text NOT NULL,
  bed_id text NOT NULL,
  detail text
);
CREATE INDEX station_access_log_at ON station_access_log (at);
CREATE INDEX station_access_log_bed_at ON station_access_log (workstation_id, bed_id, at);
