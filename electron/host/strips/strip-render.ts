// Moved to shared/strips/ (the central server prints strips in a worker too); kept here so the
// host's imports stay as they were.
export * from '../../../shared/strips/strip-render';
