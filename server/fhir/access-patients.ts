// The patients a FHIR answer is about, for the access log: a Patient's own id, and the Patient
// each other resource names (subject, or patient for alarms). Resources made only as their page is
// written (a day of per-minute Observations) all come from one search of one patient or stay:
// the first and the last of them are made to read theirs, not all thousands. Pure.
import { DeferredResource, type PageResource } from '../../shared/fhir/bundle';
import type { FhirResource } from '../../shared/fhir/resources';

const MAX_LOGGED_PATIENTS = 1000;

export function patientIdsOf(page: readonly PageResource[]): string[] {
  const deferred = page.filter((r): r is DeferredResource => r instanceof DeferredResource);
  const resources: FhirResource[] = [
    ...page.filter((r): r is FhirResource => !(r instanceof DeferredResource)),
    ...(deferred.length === 0 ? [] : [deferred[0]!.make(), deferred.at(-1)!.make()]),
  ];
  const found = new Set<string>();
  for (const resource of resources) {
    if (found.size >= MAX_LOGGED_PATIENTS) break;
    if (resource.resourceType === 'Patient' && typeof resource.id === 'string') {
      found.add(resource.id);
      continue;
    }
    for (const field of ['subject', 'patient'] as const) {
      const id = patientOfReference(resource[field]);
      if (id) found.add(id);
    }
  }
  return [...found];
}

function patientOfReference(value: unknown): string | null {
  const reference = (value as { reference?: unknown } | null | undefined)?.reference;
  if (typeof reference !== 'string') return null;
  const match = /(?:^|\/)Patient\/([A-Za-z0-9.-]{1,64})$/.exec(reference);
  return match ? match[1]! : null;
}
