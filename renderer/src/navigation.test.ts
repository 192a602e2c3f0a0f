import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, type Route } from './navigation';

describe('routes', () => {
  it.each<Route>([
    { view: 'central' },
    { view: 'patients' },
    { view: 'devices' },
    { view: 'settings' },
    { view: 'bed', bedId: 'bed-1' },
    { view: 'bed', bedId: 'Bed 3 / ICU' },
    { view: 'trends', bedId: 'bed-2' },
    { view: 'review', bedId: 'bed-2' },
    { view: 'review', bedId: 'bed-2', atMs: 1_700_000_000_000 },
  ])('%o survives a round trip through the address', (route) => {
    expect(parseRoute(routeHref(route))).toEqual(route);
  });

  it('reads anything it does not know as the central station', () => {
    expect(parseRoute('')).toEqual({ view: 'central' });
    expect(parseRoute('#/nowhere/at/all')).toEqual({ view: 'central' });
    expect(parseRoute('#/bed/')).toEqual({ view: 'central' });
    expect(parseRoute('#/bed/%E0%A4%A')).toEqual({ view: 'bed', bedId: '%E0%A4%A' });
  });

  it('ignores a review time that is not a number', () => {
    expect(parseRoute('#/bed/b/review?at=soon')).toEqual({ view: 'review', bedId: 'b' });
  });
});
