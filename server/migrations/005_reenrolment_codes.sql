-- A workstation already enrolled can enrol again (a reinstall) only with a code made for it by
-- name: a plain code enrols a new workstation only, so whoever holds one cannot take over an
-- enrolled workstation's id (and its pull feed) by claiming that id.
ALTER TABLE enrolment_codes ADD COLUMN for_workstation text;
