// Who may do what at a workstation: the roles, what each role may do, and which permission every
// request and stream of the contract needs. One table; the router enforces it, the README shows
// it, and a test generated from it tries every request as every role. A request or stream added
// to the contract without a rule here does not compile (the Records below are total).
import { z } from 'zod';
import type { RequestName, StreamName } from '../api/contract';

export const Role = z.enum([
  'nurse',
  'physician',
  'biomedical-engineer',
  'it-administrator',
  /** Telehealth only, one patient, through the central server (never signs in at a workstation). */
  'remote-clinician',
  'view-only',
]);
export type Role = z.infer<typeof Role>;

export const ROLE_WORDS: Record<Role, string> = {
  nurse: 'Nurse',
  physician: 'Physician',
  'biomedical-engineer': 'Biomedical engineer',
  'it-administrator': 'IT administrator',
  'remote-clinician': 'Remote clinician',
  'view-only': 'View only',
};

export const Permission = z.enum([
  /** Live waveforms, numerics, alarms and status: works locked and with nobody signed in. */
  'monitor',
  /** Pausing a bed's alarm audio for 2 minutes: works locked ("unidentified user at this workstation"). */
  'pause-audio',
  'acknowledge',
  /** Alarm limits, alarms off with a reason, alarm audio off. */
  'alarm-settings',
  /** Admit, discharge, transfer, the hospital's census. */
  'admit',
  /** A patient's history: trends, full disclosure, alarm log, strips, recordings, searches. */
  'review',
  /** Entering clinical data: strips, NEWS2 observations, recordings, blood-pressure readings. */
  'chart',
  /** Exports and imports of records. */
  'export',
  /** Ports and devices: connect, disconnect, capture raw bytes. */
  'devices',
  /** The workstation itself: enrolment with the central server, sync, updates. */
  'system',
  /** Accounts at this workstation. */
  'users',
]);
export type Permission = z.infer<typeof Permission>;

export const PERMISSION_WORDS: Record<Permission, string> = {
  monitor: 'watch live monitoring',
  'pause-audio': 'pause alarm audio for 2 minutes',
  acknowledge: 'acknowledge alarms',
  'alarm-settings': 'change alarm limits and switch alarms off',
  admit: 'admit, discharge and transfer patients',
  review: 'review patients’ history',
  chart: 'chart (strips, observations, recordings)',
  export: 'export and import records',
  devices: 'connect and disconnect devices',
  system: 'manage the workstation (central server, updates)',
  users: 'manage accounts',
};

/** What each role may do. Nobody signed in, or locked: MONITORING_ONLY. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  nurse: [
    'monitor',
    'pause-audio',
    'acknowledge',
    'alarm-settings',
    'admit',
    'review',
    'chart',
    'export',
    'devices',
  ],
  physician: [
    'monitor',
    'pause-audio',
    'acknowledge',
    'alarm-settings',
    'admit',
    'review',
    'chart',
    'export',
  ],
  'biomedical-engineer': ['monitor', 'pause-audio', 'acknowledge', 'devices', 'system'],
  'it-administrator': ['monitor', 'pause-audio', 'system', 'users'],
  'remote-clinician': ['monitor', 'review', 'chart'],
  'view-only': ['monitor', 'pause-audio', 'review'],
};

/** A locked screen, or one nobody has signed in to. */
export const MONITORING_ONLY: readonly Permission[] = ['monitor', 'pause-audio'];

/** A script holding the browser shell's access token (scripts and tests only, named as such). */
export const SCRIPT_PERMISSIONS: readonly Permission[] = Permission.options;

/**
 * The permission each request needs. `setAlarmAudio` needs 'pause-audio' to pause and
 * 'alarm-settings' to switch audio off or on again (requiredPermission below).
 */
export const REQUEST_PERMISSION: Record<RequestName, Permission> = {
  // Access itself: anyone at the screen (the handlers check what they need).
  getAccess: 'monitor',
  createAdministrator: 'monitor',
  signIn: 'monitor',
  beginHospitalSignIn: 'monitor',
  finishHospitalSignIn: 'monitor',
  resumeScreen: 'monitor',
  unlockWithPin: 'monitor',
  lockScreen: 'monitor',
  signOut: 'monitor',
  noteActivity: 'monitor',
  setOwnPin: 'monitor',
  listAccounts: 'users',
  addAccount: 'users',
  setAccountDisabled: 'users',
  // Monitoring.
  getStatus: 'monitor',
  getSyncStatus: 'monitor',
  getUpdateStatus: 'monitor',
  getBeatMarks: 'monitor',
  // Alarms.
  acknowledgeAlarm: 'acknowledge',
  setAlarmAudio: 'pause-audio',
  setAlarmOff: 'alarm-settings',
  setAlarmLimits: 'alarm-settings',
  advanceAlarmClock: 'system',
  // Patients.
  admitPatient: 'admit',
  dischargePatient: 'admit',
  transferPatient: 'admit',
  searchCensus: 'admit',
  resolveHospitalDifference: 'admit',
  // History.
  searchPatients: 'review',
  patientHistory: 'review',
  listStrips: 'review',
  getStrip: 'review',
  getAlarmLog: 'review',
  findBeatMark: 'review',
  listSoundRecordings: 'review',
  getSoundRecording: 'review',
  getTrend: 'review',
  getWaveformWindow: 'review',
  getWaveformExtent: 'review',
  // Charting.
  printStrip: 'chart',
  recordNews2Observation: 'chart',
  saveSoundRecording: 'chart',
  importBloodPressure: 'chart',
  assignBloodPressureReadings: 'chart',
  // Records.
  startExport: 'export',
  cancelExport: 'export',
  listExports: 'export',
  downloadExport: 'export',
  exportRecord: 'export',
  importRecord: 'export',
  // Devices.
  listPorts: 'devices',
  connectDevice: 'devices',
  disconnectDevice: 'devices',
  captureRawBytes: 'devices',
  // The workstation.
  enrol: 'system',
  forgetEnrolment: 'system',
  sendSetAsideAgain: 'system',
  installUpdateNow: 'system',
  // Telehealth: inviting is charting the patient's care; ending is always safe, so it works
  // locked like pausing audio (logged as the unidentified user); auscultation needs the user who
  // holds the stethoscope.
  inviteRemoteClinician: 'chart',
  endRemoteConsult: 'pause-audio',
  sendAuscultation: 'chart',
  // Asked only from a consult link (refused at the workstation); keeping what was asked for is
  // charting, like saving a recording.
  askRemoteRecording: 'chart',
  remoteRecordings: 'review',
  keepRemoteRecording: 'chart',
};

export const STREAM_PERMISSION: Record<StreamName, Permission> = {
  access: 'monitor',
  bedLive: 'monitor',
  screen: 'monitor',
  syncStatus: 'monitor',
  updateStatus: 'monitor',
  hospitalList: 'admit',
  exportProgress: 'export',
  remoteConsults: 'monitor',
};

/** The permission this call needs, given its (validated) input. */
export function requiredPermission(method: RequestName, input: unknown): Permission {
  if (method === 'setAlarmAudio') {
    const mode = (input as { mode?: unknown } | null)?.mode;
    return mode === 'paused' ? 'pause-audio' : 'alarm-settings';
  }
  return REQUEST_PERMISSION[method];
}

/**
 * Whether a call is written to the audit trail by the router: everything beyond watching (each
 * read of history, each change), and opening a bed's own screen (bedLive with every wave). The
 * access requests audit themselves (sign-in, refusals, accounts).
 */
export function auditedCall(
  name: RequestName | StreamName,
  permission: Permission,
  input: unknown,
): boolean {
  if (SELF_AUDITED.has(name)) return false;
  if (name === 'bedLive') return (input as { waveforms?: unknown } | null)?.waveforms !== 'primary';
  return permission !== 'monitor';
}

/** Access requests write their own audit entries (never with a password in them). */
const SELF_AUDITED: ReadonlySet<string> = new Set([
  'getAccess',
  'createAdministrator',
  'signIn',
  'beginHospitalSignIn',
  'finishHospitalSignIn',
  'resumeScreen',
  'unlockWithPin',
  'lockScreen',
  'signOut',
  'noteActivity',
  'setOwnPin',
  'listAccounts',
  'addAccount',
  'setAccountDisabled',
  'access',
  // Telehealth audits itself: the invitation, the consent, the viewer, the end; never each frame.
  'inviteRemoteClinician',
  'endRemoteConsult',
  'sendAuscultation',
  'askRemoteRecording',
  'remoteRecordings',
  'keepRemoteRecording',
]);

/** The name audit entries give a locked screen, or one with nobody signed in. */
export const UNIDENTIFIED_ACTOR = 'unidentified user at this workstation';
/** The name audit entries give a script that holds the browser shell's token. */
export const SCRIPT_ACTOR = 'script (access token)';
