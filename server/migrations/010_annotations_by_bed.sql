-- The hospital central station reads a bed's annotations by time (review's beat marks, "next V
-- beat"): one index instead of a scan of every workstation's annotations.
CREATE INDEX IF NOT EXISTS annotations_bed_kind_at
  ON annotations (workstation_id, bed_id, kind, at_ms);
