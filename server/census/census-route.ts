// GET /api/sync/census?after=SEQ&limit=N (shared/sync/census.ts): the hospital's patient list
// for an enrolled workstation, the changes after its cursor in change order, page by page.
import { CENSUS_PAGE_MAX, CENSUS_PATH } from '../../shared/sync/census';
import type { CensusPage } from '../../shared/sync/census';
import type { ServerContext } from '../http/context';
import { sendJson } from '../http/exchange';
import type { Exchange } from '../http/exchange';
import type { Route } from '../http/router';
import { authenticate } from '../http/sync-routes';
import { SyncRefusal } from '../sync/refusal';
import { readCensusPage } from './census-store';

function wholeNumber(ex: Exchange, name: string, fallback: number, words: string): number {
  const raw = ex.url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,15}$/.test(raw)) throw new SyncRefusal('bad-request', words);
  return Number(raw);
}

async function census(ctx: ServerContext, ex: Exchange): Promise<void> {
  await authenticate(ctx, ex);
  const after = wholeNumber(
    ex,
    'after',
    0,
    'after must be a whole number: the cursor of the last census page (0 to start).',
  );
  const limitWords = `limit must be a whole number from 1 to ${CENSUS_PAGE_MAX}.`;
  const limit = wholeNumber(ex, 'limit', CENSUS_PAGE_MAX, limitWords);
  if (limit < 1 || limit > CENSUS_PAGE_MAX) throw new SyncRefusal('bad-request', limitWords);
  const page: CensusPage = await readCensusPage(ctx.db, after, limit);
  sendJson(ex, 200, page);
}

export const censusRoutes: Route[] = [
  { method: 'GET', path: CENSUS_PATH, sync: true, handle: census },
];
