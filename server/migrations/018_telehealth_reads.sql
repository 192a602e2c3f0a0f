-- What a remote clinician opened, on the server's own trail: each history read of the consult's
-- bed (trends, full disclosure, the alarm and event log, beat marks), once a minute per kind of
-- read and socket.
ALTER TABLE telehealth_events DROP CONSTRAINT telehealth_events_kind_check;
ALTER TABLE telehealth_events ADD CONSTRAINT telehealth_events_kind_check CHECK (
  kind IN ('invited', 'opened', 'refused', 'socket-open', 'socket-close', 'note', 'ended',
    'expired', 'read')
);
