// Every migration of the central server, in the order it runs. The SQL is inlined at build time
// (`?raw`): the bundle in out/server carries no .sql files beside it.
import registry from './001_registry.sql?raw';
import syncedTables from './002_synced_tables.sql?raw';
import versionsAndPull from './003_versions_and_pull.sql?raw';
import currentPatient from './004_current_patient.sql?raw';
import reenrolmentCodes from './005_reenrolment_codes.sql?raw';
import news2Observations from './006_news2_observations.sql?raw';
import fhir from './007_fhir.sql?raw';
import hl7Outbound from './008_hl7_outbound.sql?raw';
import adtCensus from './009_adt_census.sql?raw';
import annotationsByBed from './010_annotations_by_bed.sql?raw';
import releases from './011_releases.sql?raw';
import auditChain from './012_audit_chain.sql?raw';
import auditReport from './013_audit_report.sql?raw';
import users from './014_users.sql?raw';
import oidcSignIns from './015_oidc_sign_ins.sql?raw';
import telehealth from './016_telehealth.sql?raw';
import fhirAccessPatients from './017_fhir_access_patients.sql?raw';
import telehealthReads from './018_telehealth_reads.sql?raw';
import stationAccessLog from './019_station_access_log.sql?raw';
import telehealthAccounts from './020_telehealth_accounts.sql?raw';
import telehealthRecordings from './021_telehealth_recordings.sql?raw';
import telehealthStrips from './022_telehealth_strips.sql?raw';
import type { Migration } from '../db/migrate';

export const migrations: readonly Migration[] = [
  { version: 1, name: 'registry', sql: registry },
  { version: 2, name: 'synced_tables', sql: syncedTables },
  { version: 3, name: 'versions_and_pull', sql: versionsAndPull },
  { version: 4, name: 'current_patient', sql: currentPatient },
  { version: 5, name: 'reenrolment_codes', sql: reenrolmentCodes },
  { version: 6, name: 'news2_observations', sql: news2Observations },
  { version: 7, name: 'fhir', sql: fhir },
  { version: 8, name: 'hl7_outbound', sql: hl7Outbound },
  { version: 9, name: 'adt_census', sql: adtCensus },
  { version: 10, name: 'annotations_by_bed', sql: annotationsByBed },
  { version: 11, name: 'releases', sql: releases },
  { version: 12, name: 'audit_chain', sql: auditChain },
  { version: 13, name: 'audit_report', sql: auditReport },
  { version: 14, name: 'users', sql: users },
  { version: 15, name: 'oidc_sign_ins', sql: oidcSignIns },
  { version: 16, name: 'telehealth', sql: telehealth },
  { version: 17, name: 'fhir_access_patients', sql: fhirAccessPatients },
  { version: 18, name: 'telehealth_reads', sql: telehealthReads },
  { version: 19, name: 'station_access_log', sql: stationAccessLog },
  { version: 20, name: 'telehealth_accounts', sql: telehealthAccounts },
  { version: 21, name: 'telehealth_recordings', sql: telehealthRecordings },
  { version: 22, name: 'telehealth_strips', sql: telehealthStrips },
];
