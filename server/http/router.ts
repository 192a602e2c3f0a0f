// Finds a request's route and answers every failure as a SyncErrorBody: no request, however
// malformed, escapes this function as an exception.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from './context';
import { sendRefusal } from './exchange';
import type { Exchange } from './exchange';
import { checkProtocolHeader } from './protocol-check';
import { SyncRefusal } from '../sync/refusal';

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** An exact path, or a pattern whose groups are passed on. */
  path: string | RegExp;
  /** Sync routes need the protocol header; others check it only when it is sent. */
  sync: boolean;
  handle(ctx: ServerContext, ex: Exchange, params: string[]): Promise<void>;
}

const DATABASE_DOWN = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '53300', // too_many_connections
]);

/** The database cannot be reached (as opposed to a fault of this request): answered 503. */
export function databaseDown(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    (typeof code === 'string' && DATABASE_DOWN.has(code)) ||
    /timeout exceeded when trying to connect|Connection terminated/i.test(message)
  );
}

export function requestHandler(ctx: ServerContext, routes: Route[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void handle(ctx, routes, req, res);
  };
}

async function handle(
  ctx: ServerContext,
  routes: Route[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const ex: Exchange = { req, res, url: new URL('http://central.invalid/') };
  try {
    ex.url = new URL(req.url ?? '/', 'http://central.invalid/');
    const { route, params } = findRoute(routes, req.method ?? '', ex.url.pathname);
    checkProtocolHeader(req, route.sync);
    await route.handle(ctx, ex, params);
  } catch (error) {
    try {
      if (error instanceof SyncRefusal) sendRefusal(ex, error);
      else if (databaseDown(error)) {
        ctx.log(`${req.method} ${ex.url.pathname}: the database is unreachable: ${String(error)}`);
        sendRefusal(
          ex,
          new SyncRefusal(
            'unavailable',
            'The central server cannot reach its database just now. Nothing was stored; ' +
              'the workstation keeps its data and tries again.',
          ),
        );
      } else {
        ctx.log(`${req.method} ${ex.url.pathname} failed: ${(error as Error)?.stack ?? error}`);
        sendRefusal(
          ex,
          new SyncRefusal(
            'internal',
            'The central server failed to carry out this request (it is logged). Nothing of it ' +
              'was stored; the workstation keeps its data and tries again.',
          ),
        );
      }
    } catch (failure) {
      ctx.log(`Answering ${req.method} ${ex.url.pathname} failed: ${String(failure)}`);
      res.destroy();
    }
  }
}

function findRoute(routes: Route[], method: string, pathname: string) {
  let pathKnown = false;
  for (const route of routes) {
    const match =
      typeof route.path === 'string'
        ? route.path === pathname
          ? []
          : null
        : route.path.exec(pathname)?.slice(1);
    if (!match) continue;
    pathKnown = true;
    if (route.method === method) return { route, params: match.map((p) => p ?? '') };
  }
  throw new SyncRefusal(
    pathKnown ? 'bad-request' : 'not-found',
    pathKnown
      ? `${method} is not how this address is used.`
      : 'The central server has nothing at this address.',
  );
}
