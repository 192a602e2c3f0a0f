// Where the screen is: one route per view, kept in the address's hash so a view can be
// bookmarked, reloaded and reached with the browser's back button. The central station is `#/`.
import { useMemo, useSyncExternalStore } from 'react';

export type Route =
  | { view: 'central' }
  | { view: 'bed'; bedId: string }
  | { view: 'trends'; bedId: string }
  /** atMs: the moment to open the review at (an alarm, an event); the newest data without it. */
  | { view: 'review'; bedId: string; atMs?: number }
  | { view: 'patients' }
  | { view: 'devices' }
  /** The workstation's settings: its central server. */
  | { view: 'settings' };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  const params = new URLSearchParams(query);
  const [first, bedId, sub] = parts;
  if (first === 'patients') return { view: 'patients' };
  if (first === 'devices') return { view: 'devices' };
  if (first === 'settings') return { view: 'settings' };
  if (first === 'bed' && bedId) {
    if (sub === 'trends') return { view: 'trends', bedId };
    if (sub === 'review') {
      const at = Number(params.get('at'));
      return params.has('at') && Number.isFinite(at)
        ? { view: 'review', bedId, atMs: at }
        : { view: 'review', bedId };
    }
    return { view: 'bed', bedId };
  }
  return { view: 'central' };
}

export function routeHref(route: Route): string {
  switch (route.view) {
    case 'central':
      return '#/';
    case 'patients':
      return '#/patients';
    case 'devices':
      return '#/devices';
    case 'settings':
      return '#/settings';
    case 'bed':
      return `#/bed/${encodeURIComponent(route.bedId)}`;
    case 'trends':
      return `#/bed/${encodeURIComponent(route.bedId)}/trends`;
    case 'review':
      return (
        `#/bed/${encodeURIComponent(route.bedId)}/review` +
        (route.atMs === undefined ? '' : `?at=${Math.round(route.atMs)}`)
      );
  }
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

function followHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/**
 * The current route, following the address as it changes. An external store, so a change made
 * between the first render and the listener's start (a click as the page appears) is not missed.
 */
export function useRoute(): Route {
  const hash = useSyncExternalStore(followHash, () => window.location.hash);
  return useMemo(() => parseRoute(hash), [hash]);
}
