-- The full alarm system's log (IEC 60601-1-8 clause 6.12): besides raised, escalated, acknowledged,
-- latched and ended, it keeps reminders, conditions held for poor signal quality, audio paused /
-- off / on, alarms switched off and on, and limit changes, with the reason a person gave. Changes
-- of the bed's settings are about no one alarm, so their alarm id, kind and priority are empty.
-- origin says whether the alarm was ours or repeated from a device.
ALTER TABLE alarm_events DROP CONSTRAINT alarm_events_event_check;
ALTER TABLE alarm_events ADD CONSTRAINT alarm_events_event_check CHECK (event IN (
  'raised', 'escalated', 'acknowledged', 'latched', 'ended', 'reminded', 'held',
  'audio-paused', 'audio-resumed', 'audio-off', 'audio-on', 'alarm-off', 'alarm-on',
  'limits-changed'));
ALTER TABLE alarm_events
  ALTER COLUMN alarm_id DROP NOT NULL,
  ALTER COLUMN kind DROP NOT NULL,
  ALTER COLUMN priority DROP NOT NULL,
  ADD COLUMN reason text,
  ADD COLUMN origin text CHECK (origin IN ('workstation', 'device'));
