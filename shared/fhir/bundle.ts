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

/**
 * A resource made only when its page is written. A day of per-minute rollups is ~6,000
 * Observations on one page: made a slice at a time, each slice dies young, where made all at
 * once they all live until the last byte is written (the garbage collector's costliest case).
 */
export class DeferredResource {
  constructor(
    readonly resourceType: string,
    readonly id: string,
    readonly make: () => FhirResource,
    /** Its JSON written directly, the same text as `make`'s (null: use `make`). */
    readonly text?: () => string | null,
  ) {}
}

export type PageResource = FhirResource | DeferredResource;

export const made = (resource: PageResource): FhirResource =>
  resource instanceof DeferredResource ? resource.make() : resource;

/**
 * The searchset Bundle of `searchsetBundle`, as JSON text in pieces of `entriesPerPiece` entries
 * to be written one after the other; deferred resources are made as their piece is written.
 */
export function* searchsetBundlePieces(
  page: Omit<SearchPage, 'resources'> & { resources: PageResource[] },
  entriesPerPiece = 200,
): Generator<string> {
  const envelope = JSON.stringify(searchsetBundle({ ...page, resources: [] }));
  if (page.resources.length === 0) {
    yield envelope;
    return;
  }
  // The entry list is the bundle's last member (as searchsetBundle orders them).
  yield `${envelope.slice(0, -1)},"entry":[`;
  for (let at = 0; at < page.resources.length; at += entriesPerPiece) {
    const entries = page.resources.slice(at, at + entriesPerPiece).map((resource) => {
      const fullUrl = `${page.baseUrl}/${resource.resourceType}/${resource.id}`;
      const written = resource instanceof DeferredResource ? (resource.text?.() ?? null) : null;
      return written === null
        ? JSON.stringify({ fullUrl, resource: made(resource), search: { mode: 'match' } })
        : `{"fullUrl":${JSON.stringify(fullUrl)},"resource":${written},"search":{"mode":"match"}}`;
    });
    yield `${at === 0 ? '' : ','}${entries.join(',')}`;
  }
  yield ']}';
}
