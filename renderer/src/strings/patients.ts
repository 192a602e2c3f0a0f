// The words of the patients view and of the patient shown in a bed's header (part of strings.ts:
// every sentence a person reads, in one place).
import type { PatientCategory } from '../../../shared/model/alarms';

const categories = {
  adult: 'Adult',
  paediatric: 'Paediatric',
  neonatal: 'Neonatal',
} satisfies Record<PatientCategory, string>;

export const patientsStrings = {
  title: 'Patients and beds',
  bedsCaption: 'Beds and the patient in each',
  columns: {
    bed: 'Bed',
    patient: 'Patient',
    mrn: 'MRN',
    birthDate: 'Date of birth',
    category: 'Category',
    actions: 'Actions',
    where: 'Where now',
  },
  empty: 'Empty',
  noBeds: 'There are no beds yet: assign a device to a bed in Devices.',
  categories,
  name: (familyName: string, givenName: string) => `${familyName}, ${givenName}`,
  /** The patient in a bed's header: "Test, Alice · MRN FICT-0001 · 6 y". */
  headerLabel: 'Patient',
  mrnValue: (mrn: string) => `MRN ${mrn}`,
  age: (value: number, unit: 'years' | 'months' | 'days') =>
    `${value} ${unit === 'years' ? 'y' : unit === 'months' ? 'mo' : 'd'}`,
  ageLong: (value: number, unit: 'years' | 'months' | 'days') =>
    `${value} ${value === 1 ? unit.slice(0, -1) : unit} old`,

  admit: 'Admit…',
  admitTo: (bed: string) => `Admit a patient to ${bed}`,
  familyName: 'Family name',
  givenName: 'Given name',
  mrn: 'Medical record number (MRN)',
  birthDate: 'Date of birth',
  category: 'Category',
  categoryHint: 'The bed’s alarm limits become this category’s defaults.',
  confirmAdmit: 'Admit',
  cancel: 'Cancel',
  admitted: (name: string, bed: string) => `${name} admitted to ${bed}.`,
  admitFailed: (reason: string) => `Not admitted: ${reason}`,

  // An MRN the workstation knows with other details: the same person, or someone else?
  sameMrnTitle: (mrn: string) => `MRN ${mrn} is known with other details`,
  sameMrnHint:
    'Is this the same person? Compare with the wristband or the hospital record. The details on this workstation are never overwritten: confirmed new details become a new version.',
  sameMrnStale: 'The record changed since it was shown (below, as it is now): look at it again.',
  sameMrnCaption: 'The record under this MRN and what was entered',
  sameMrnField: 'Detail',
  onWorkstation: 'On this workstation',
  enteredNow: 'Entered now',
  differs: (value: string) => `${value} (differs)`,
  recorded: (by: string, when: string) => `Recorded by ${by}, ${when}`,
  samePerson: 'Same person: admit with the new details',
  notSamePerson: 'Not the same person',
  belongsToSomeoneElse: (mrn: string, name: string, born: string) =>
    `Not admitted: MRN ${mrn} belongs to someone else on this workstation, ${name}, born ${born}. Check the MRN on the wristband or in the hospital record.`,

  transfer: 'Transfer…',
  transferFrom: (bed: string) => `Transfer the patient in ${bed}`,
  transferTitle: (name: string, bed: string) => `Transfer ${name} from ${bed}`,
  transferTarget: 'To the empty bed',
  transferHint: 'Their alarm limits go with them; the bed they leave returns to the defaults.',
  noEmptyBed: 'There is no empty bed to transfer to.',
  confirmTransfer: 'Transfer',
  transferred: (name: string, bed: string) => `${name} transferred to ${bed}.`,
  transferFailed: (reason: string) => `Not transferred: ${reason}`,

  discharge: 'Discharge…',
  dischargeFrom: (bed: string) => `Discharge the patient in ${bed}`,
  dischargeTitle: (name: string, bed: string) => `Discharge ${name} from ${bed}?`,
  dischargeHint: 'The bed becomes empty and its alarm limits return to the defaults.',
  confirmDischarge: 'Discharge',
  discharged: (name: string, bed: string) => `${name} discharged from ${bed}.`,
  dischargeFailed: (reason: string) => `Not discharged: ${reason}`,

  searchTitle: 'Find a patient',
  searchLabel: 'Name or MRN',
  searchButton: 'Search',
  searchCaption: (query: string) =>
    query ? `Patients matching “${query}”` : 'Most recently seen patients',
  noMatch: (query: string) => `No patient matches “${query}”.`,
  searchFailed: (reason: string) => `The search failed: ${reason}`,
  inBed: (bed: string) => `In ${bed}`,
  dischargedAt: (when: string) => `Discharged ${when}`,
  neverAdmitted: 'Not in a bed',
  formerly: (details: string) => `formerly ${details}`,
  bornOn: (name: string, birthDate: string) => `${name}, born ${birthDate}`,

  history: 'History…',
  historyOf: (name: string) => `History of ${name}`,
  closeHistory: 'Close',
  historyFailed: (reason: string) => `The history could not be read: ${reason}`,
  versionsCaption: 'Their details, each version with who recorded it and when (oldest first)',
  staysCaption: 'Admissions, transfers and discharges (oldest first)',
  recordedAt: 'Recorded',
  recordedBy: 'By',
  when: 'When',
  event: 'What',
  events: {
    admitted: (bed: string) => `Admitted to ${bed}`,
    transferred: (bed: string) => `Transferred to ${bed}`,
    discharged: (bed: string) => `Discharged from ${bed}`,
  },
};
