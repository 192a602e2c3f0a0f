// The shapes FHIR R4 resources take here, and the code systems they cite. Loose on purpose: the
// mapping modules build them, and tests check every one with the published definitions.

/** Any FHIR resource as JSON. */
export type FhirResource = { resourceType: string; id?: string } & Record<string, unknown>;

export interface Reference {
  reference?: string;
  display?: string;
}

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export const SYSTEMS = {
  loinc: 'http://loinc.org',
  /** IEEE 11073-10101 (MDC): codes are the numeric term codes. */
  mdc: 'urn:iso:std:iso:11073:10101',
  ucum: 'http://unitsofmeasure.org',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  locationType: 'http://terminology.hl7.org/CodeSystem/location-physical-type',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  auditEventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  restfulInteraction: 'http://hl7.org/fhir/restful-interaction',
  dicom: 'http://dicom.nema.org/resources/ontology/DCM',
} as const;

export const PROFILES = {
  vitalSigns: 'http://hl7.org/fhir/StructureDefinition/vitalsigns',
  heartRate: 'http://hl7.org/fhir/StructureDefinition/heartrate',
  oxygenSaturation: 'http://hl7.org/fhir/StructureDefinition/oxygensat',
  respiratoryRate: 'http://hl7.org/fhir/StructureDefinition/resprate',
  bodyTemperature: 'http://hl7.org/fhir/StructureDefinition/bodytemp',
  bloodPressure: 'http://hl7.org/fhir/StructureDefinition/bp',
} as const;

export const ref = (type: string, id: string, display?: string): Reference =>
  display ? { reference: `${type}/${id}`, display } : { reference: `${type}/${id}` };

// The last few instants written: a page of rollups writes each minute's start and end for
// every code of that minute (thousands of Date objects and ISO strings otherwise).
const recentInstants = new Map<number, string>();

/** FHIR instant/dateTime of a UTC millisecond time. */
export function instant(ms: number): string {
  let text = recentInstants.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (recentInstants.size >= 8) recentInstants.delete(recentInstants.keys().next().value!);
    recentInstants.set(ms, text);
  }
  return text;
}

/** Ids FHIR accepts: [A-Za-z0-9-.]{1,64}. */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export function isFhirId(id: string): boolean {
  return FHIR_ID.test(id);
}
