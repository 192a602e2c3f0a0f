// Every migration, in the order it runs. The SQL is inlined at build time (`?raw`) because the
// bundler does not copy .sql files next to out/main/store-worker.js.
import initial from './001_initial.sql?raw';
import importedNumerics from './002_imported_numerics.sql?raw';
import soundRecordings from './003_sound_recordings.sql?raw';
import clinicalRecord from './004_clinical_record.sql?raw';
import outboxLookup from './005_outbox_lookup.sql?raw';
import outboxPerStatement from './006_outbox_per_statement.sql?raw';
import alarmSystemLog from './007_alarm_system_log.sql?raw';
import strips from './008_strips.sql?raw';
import admissionBedLabel from './009_admission_bed_label.sql?raw';
import soundRecordingHeartRate from './010_sound_recording_heart_rate.sql?raw';
import alarmSettings from './011_alarm_settings.sql?raw';
import stayAlarmSettings from './012_stay_alarm_settings.sql?raw';
import patientIdentity from './013_patient_identity.sql?raw';
import waveformPacking from './014_waveform_packing.sql?raw';
import sync from './015_sync.sql?raw';
import news2Observations from './016_news2_observations.sql?raw';
import census from './017_census.sql?raw';
import accounts from './018_accounts.sql?raw';
import auditChain from './019_audit_chain.sql?raw';
import serverAccounts from './020_server_accounts.sql?raw';
import sealedFields from './021_sealed_fields.sql?raw';
import telehealthConsults from './022_telehealth_consults.sql?raw';
import signInTries from './023_sign_in_tries.sql?raw';

export interface Migration {
  /** The NNN of `NNN_name.sql`; applied in ascending order, each exactly once. */
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'imported_numerics', sql: importedNumerics },
  { version: 3, name: 'sound_recordings', sql: soundRecordings },
  { version: 4, name: 'clinical_record', sql: clinicalRecord },
  { version: 5, name: 'outbox_lookup', sql: outboxLookup },
  { version: 6, name: 'outbox_per_statement', sql: outboxPerStatement },
  { version: 7, name: 'alarm_system_log', sql: alarmSystemLog },
  { version: 8, name: 'strips', sql: strips },
  { version: 9, name: 'admission_bed_label', sql: admissionBedLabel },
  { version: 10, name: 'sound_recording_heart_rate', sql: soundRecordingHeartRate },
  { version: 11, name: 'alarm_settings', sql: alarmSettings },
  { version: 12, name: 'stay_alarm_settings', sql: stayAlarmSettings },
  { version: 13, name: 'patient_identity', sql: patientIdentity },
  { version: 14, name: 'waveform_packing', sql: waveformPacking },
  { version: 15, name: 'sync', sql: sync },
  { version: 16, name: 'news2_observations', sql: news2Observations },
  { version: 17, name: 'census', sql: census },
  { version: 18, name: 'accounts', sql: accounts },
  { version: 19, name: 'audit_chain', sql: auditChain },
  { version: 20, name: 'server_accounts', sql: serverAccounts },
  { version: 21, name: 'sealed_fields', sql: sealedFields },
  { version: 22, name: 'telehealth_consults', sql: telehealthConsults },
  { version: 23, name: 'sign_in_tries', sql: signInTries },
];
