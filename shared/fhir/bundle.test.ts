import { describe, expect, it } from 'vitest';
import { DeferredResource, searchsetBundle, searchsetBundlePieces } from './bundle';
import type { FhirResource } from './resources';

const page = {
  baseUrl: 'https://central.example/fhir/r4',
  selfUrl: 'https://central.example/fhir/r4/Observation?patient=p',
  nextUrl: 'https://central.example/fhir/r4/Observation?patient=p&_cursor=2',
  total: null,
};
const observation = (i: number): FhirResource => ({
  resourceType: 'Observation',
  id: `min-${i}`,
  status: 'final',
  valueQuantity: { value: 70 + i, unit: '/min' },
  note: [{ text: i % 2 ? 'Müller «ü»' : 'plain' }],
});

describe('a searchset bundle written in pieces', () => {
  it('is, joined, the JSON of the bundle, with deferred resources made as their piece is written', () => {
    const made: number[] = [];
    const resources = Array.from({ length: 7 }, (_, i) =>
      i % 3 === 0
        ? observation(i)
        : new DeferredResource('Observation', `min-${i}`, () => (made.push(i), observation(i))),
    );
    const expected = JSON.stringify(
      searchsetBundle({ ...page, resources: resources.map((_, i) => observation(i)) }),
    );
    for (const perPiece of [1, 2, 3, 7, 100]) {
      made.length = 0;
      const pieces = searchsetBundlePieces({ ...page, resources }, perPiece);
      const first = pieces.next();
      expect(first.value).toMatch(/"entry":\[$/);
      expect(made).toEqual([]); // nothing made before its piece
      const rest = [...pieces];
      expect(first.value + rest.join(''), `${perPiece} per piece`).toBe(expected);
      expect(made).toEqual([1, 2, 4, 5]);
      expect(rest.length).toBe(Math.ceil(7 / perPiece) + 1);
    }
  });

  it('is the bundle without entries when the page is empty', () => {
    expect([...searchsetBundlePieces({ ...page, resources: [] })].join('')).toBe(
      JSON.stringify(searchsetBundle({ ...page, resources: [] })),
    );
  });
});
