// Bundles: a searchset page with its self and next links, and a collection (a stay exported
// whole). fullUrl is the resource's absolute address on the server that made it. Pure.
import type { FhirResource } from './resources';

export interface SearchPage {
  /** The api's base, e.g. https://central.example/fhir/r4 */
  baseUrl: string;
  selfUrl: string;
  nextUrl: string | null;
  total: number | null;
  resources: FhirResource[];
}

export function searchsetBundle(page: SearchPage): FhirResource {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(page.total !== null ? { total: page.total } : {}),
    link: [
      { relation: 'self', url: page.selfUrl },
      ...(page.nextUrl ? [{ relation: 'next', url: page.nextUrl }] : []),
    ],
    ...(page.resources.length > 0
      ? {
          entry: page.resources.map((resource) => ({
            fullUrl: `${page.baseUrl}/${resource.resourceType}/${resource.id}`,
            resource,
            search: { mode: 'match' },
          })),
        }
      : {}),
  };
}

/** A collection of resources (a stay exported whole), each entry's fullUrl on `baseUrl`. */
export function collectionBundle(
  baseUrl: string,
  resources: FhirResource[],
  timestampMs: number,
): FhirResource {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date(timestampMs).toISOString(),
    entry: resources.map((resource) => ({
      fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`,
      resource,
    })),
  };
}
