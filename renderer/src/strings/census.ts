// The words of the hospital's patient list on the workstation: picking a patient from it when
// admitting, and a difference between a patient here and the hospital's record (part of
// strings.ts: every sentence a person reads, in one place).
import type { CensusLocation, CensusStatus } from '../../../shared/sync/census';

const statuses = {
  admitted: 'admitted',
  registered: 'registered, not admitted',
  discharged: 'discharged',
} satisfies Record<CensusStatus, string>;

const detailNames = {
  familyName: 'Family name',
  givenName: 'Given name',
  birthDate: 'Date of birth',
} as const;

/** "Ward 7, room 3, bed 12": where the hospital says the patient is. */
function where(location: CensusLocation | null): string {
  if (!location) return 'no location';
  const parts = [
    location.unit,
    location.room && `room ${location.room}`,
    location.bed && `bed ${location.bed}`,
  ].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? parts.join(', ') : (location.facility ?? 'no location');
}

export const censusStrings = {
  statuses,
  detailNames,
  where,
  pickTitle: 'Pick from the hospital list',
  pickLabel: 'Find a hospital patient by name or MRN',
  pickHint:
    'Type part of a name or MRN, then choose with the arrow keys and Enter. The form is filled in; you can still type by hand.',
  listName: 'Hospital patients found',
  notAvailable: 'The hospital list is not available (no central server): type the details by hand.',
  asOf: (when: string) => `Hospital list as of ${when}`,
  old: (ago: string) => `— not updated for ${ago}: the central server has not answered since.`,
  searching: 'Searching the hospital list…',
  noneFound: (query: string) =>
    `No hospital patient matches “${query}”: type the details by hand if the patient is not on the list.`,
  searchFailed: (reason: string) => `The hospital list could not be searched: ${reason}`,
  found: (count: number) =>
    count === 1 ? '1 hospital patient found' : `${count} hospital patients found`,
  option: (name: string, mrn: string, born: string | null, status: string, place: string) =>
    `${name}, MRN ${mrn}, born ${born ?? 'unknown'}, ${status}, ${place}`,
  picked: (name: string, mrn: string) =>
    `${name} (MRN ${mrn}) from the hospital list: check the details, choose the category, then admit.`,
  name: (family: string | null, given: string | null) => `${family ?? '?'}, ${given ?? '?'}`,
  born: (date: string | null) => `born ${date ?? 'unknown'}`,

  // A patient here against the hospital's record of the same MRN.
  differenceTitle: (bed: string) => `${bed}: the hospital’s record differs`,
  differenceSays: (mrn: string, theirs: string, ours: string) =>
    `The hospital’s record for MRN ${mrn} says ${theirs}; this workstation has ${ours}.`,
  differenceHint:
    'Check the wristband or ask admissions. Nothing is changed until you choose: the hospital’s details become a new version (the old one stays in the history); keeping ours is recorded with your name and asked again if the hospital’s record changes.',
  differenceCaption: 'The hospital’s record and this workstation’s',
  detail: 'Detail',
  hospital: 'Hospital',
  ours: 'This workstation',
  differs: (value: string) => `${value} (differs)`,
  useHospital: 'Use the hospital’s details',
  keepOurs: 'Keep ours',
  resolveFailed: (reason: string) => `Not changed: ${reason}`,
  usedHospital: (mrn: string) =>
    `The hospital’s details are now those of MRN ${mrn} (the old ones stay in the history).`,
  keptOurs: (mrn: string) => `This workstation’s details of MRN ${mrn} were kept.`,
  differencesTitle: 'Differences with the hospital list',

  // Quiet notes beside a patient in the beds table.
  sameAsHospital: (visit: string | null) =>
    visit ? `On the hospital list, visit ${visit}` : 'On the hospital list',
  notOnList: 'Not on the hospital list',
  differsFromHospital: 'Differs from the hospital record',
  keptOursNote: (who: string, when: string) => `Ours kept by ${who}, ${when}`,
};
