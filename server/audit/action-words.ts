// What a workstation's audit action means, in words a privacy officer reads: the contract's
// request names ("getTrend"), refusals ("refused:getTrend") and the workstation's own events
// ("sign-in", "patient-admitted"). An action not listed here is shown as it was written.

const WORDS: Record<string, string> = {
  bedLive: "opened the bed's screen",
  'fhir-read': 'read through the FHIR api',
  'telehealth-invited': 'invited a remote clinician (with the consent recorded)',
  'telehealth-viewer-opened': 'watched remotely (telehealth)',
  'telehealth-note-received': 'wrote a remote consult note',
  'telehealth-auscultation-shared': 'shared the stethoscope with a remote clinician',
  'telehealth-ended': 'ended a remote consult',
  'fhir-search-type': 'searched through the FHIR api',
  getTrend: 'read trends',
  getWaveformWindow: 'read waveforms',
  getWaveformExtent: 'looked up how much waveform is kept',
  getBeatMarks: 'read beat marks',
  findBeatMark: 'searched the beats',
  patientHistory: "read the patient's history",
  searchPatients: 'searched patients',
  searchCensus: 'searched the hospital census',
  getAlarmLog: 'read the alarm log',
  acknowledgeAlarm: 'acknowledged an alarm',
  setAlarmAudio: 'paused or resumed alarm sound',
  setAlarmOff: 'switched an alarm off or on',
  setAlarmLimits: 'changed alarm limits',
  listStrips: 'listed ECG strips',
  getStrip: 'opened an ECG strip',
  printStrip: 'printed an ECG strip',
  listSoundRecordings: 'listed stethoscope recordings',
  getSoundRecording: 'played a stethoscope recording',
  saveSoundRecording: 'saved a stethoscope recording',
  startExport: 'started an export',
  cancelExport: 'cancelled an export',
  listExports: 'listed exports',
  exportRecord: "exported the patient's record",
  importRecord: 'imported a record',
  admitPatient: 'admitted a patient',
  dischargePatient: 'discharged a patient',
  transferPatient: 'transferred a patient',
  importBloodPressure: 'imported blood pressure readings',
  assignBloodPressureReadings: 'assigned blood pressure readings',
  connectDevice: 'connected a device',
  disconnectDevice: 'disconnected a device',
  captureRawBytes: "captured a device's raw bytes",
  listPorts: 'listed device ports',
  'sign-in': 'signed in',
  'sign-in-refused': 'was refused sign-in',
  'sign-out': 'signed out',
  unlock: 'unlocked the screen',
  lock: 'locked the screen',
  'account-added': 'added an account',
  'account-disabled': 'disabled an account',
  'account-enabled': 'enabled an account',
  'patient-admitted': 'admitted a patient',
  'patient-transferred': 'transferred a patient',
  'patient-discharged': 'discharged a patient',
  'patient-details-changed': "changed the patient's details",
  'fhir-export': 'exported the stay as FHIR',
  'export-started': 'started an export',
  'export-done': 'finished an export',
  'export-failed': 'had an export fail',
  'export-cancelled': 'cancelled an export',
};

/** The action in words; `refused:<name>` as "was refused: <the words of name>". */
export function actionInWords(action: string): string {
  if (action.startsWith('refused:')) {
    const name = action.slice('refused:'.length);
    return `was refused: ${WORDS[name] ?? name}`;
  }
  return WORDS[action] ?? action;
}
