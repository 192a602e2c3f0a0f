-- A remote clinician's "Save strip as PDF" (server/telehealth/viewer-strip.ts): each strip the
-- server printed for a consult is kept in its trail as 'strip', with the span it shows.
ALTER TABLE telehealth_events DROP CONSTRAINT telehealth_events_kind_check;
ALTER TABLE telehealth_events ADD CONSTRAINT telehealth_events_kind_check CHECK (
  kind IN ('invited', 'opened', 'refused', 'socket-open', 'socket-close', 'note', 'ended',
    'expired', 'read', 'signed-in-with-account', 'recording', 'strip')
);
