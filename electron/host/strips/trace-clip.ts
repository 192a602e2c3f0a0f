// Moved to shared/strips/ so that the central server prints the same strip (a remote clinician's
// "Save strip as PDF"); kept here so the host's imports stay as they were.
export * from '../../../shared/strips/trace-clip';
