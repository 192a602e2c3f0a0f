// The sync api a workstation talks to (shared/sync/protocol.ts SYNC_PATHS): hello, enrol, push,
// pull. Every answer is after the work is done: a push is answered only once it is committed.
import { z } from 'zod';
import { EnrolRequest } from '../../shared/sync/messages';
import type { Hello, PushResponse } from '../../shared/sync/messages';
import { MAX_PUSH_BYTES, PushFrameError, decodePush } from '../../shared/sync/push-frame';
import { OLDEST_SYNC_PROTOCOL, SYNC_PATHS, SYNC_PROTOCOL } from '../../shared/sync/protocol';
import { enrolWorkstation, findWorkstationByCredential, noteSeen } from '../enrolment/registry';
import type { KnownWorkstation } from '../enrolment/registry';
import { sortStorable, storeRows } from '../sync/ingest';
import { readPullFeed } from '../sync/pull-feed';
import { SyncRefusal } from '../sync/refusal';
import { zlibPushCodec } from '../sync/zlib-codec';
import type { ServerContext } from './context';
import { bearerToken, readBody, readJson, sendJson } from './exchange';
import type { Exchange } from './exchange';
import { refuseProtocol } from './protocol-check';
import type { Route } from './router';

const MAX_ENROL_BYTES = 16 * 1024;
const MAX_REASON_CHARS = 2_000;

async function hello(ctx: ServerContext, ex: Exchange): Promise<void> {
  const body: Hello = {
    protocol: SYNC_PROTOCOL,
    oldestProtocol: OLDEST_SYNC_PROTOCOL,
    serverId: ctx.serverId,
    serverVersion: ctx.serverVersion,
    nowMs: ctx.nowMs(),
  };
  sendJson(ex, 200, body);
}

async function enrol(ctx: ServerContext, ex: Exchange): Promise<void> {
  const parsed = EnrolRequest.safeParse(await readJson(ex.req, MAX_ENROL_BYTES));
  if (!parsed.success) {
    const codeOnly = parsed.error.issues.every((issue) => issue.path[0] === 'code');
    throw new SyncRefusal(
      codeOnly ? 'enrolment-code-invalid' : 'bad-request',
      codeOnly
        ? 'An enrolment code is 16 letters and digits, as XXXX-XXXX-XXXX-XXXX. Check the code and try again.'
        : `The enrolment request is not valid: ${z.prettifyError(parsed.error)}`,
      {},
      400,
    );
  }
  refuseProtocol(parsed.data.protocol);
  sendJson(ex, 200, await enrolWorkstation(ctx.db, parsed.data, ctx.serverId));
}

/** The enrolled, unrevoked workstation whose credential the request carries (else refused). */
export async function authenticate(ctx: ServerContext, ex: Exchange): Promise<KnownWorkstation> {
  const credential = bearerToken(ex.req);
  if (!credential) {
    throw new SyncRefusal(
      'unauthenticated',
      "This needs the workstation's credential (Authorization: Bearer …): enrol the workstation first.",
    );
  }
  const workstation = await findWorkstationByCredential(ctx.db, credential);
  if (!workstation) {
    throw new SyncRefusal(
      'unauthenticated',
      'This central server does not know that credential: the workstation was never enrolled ' +
        'here, or was enrolled again since. Enrol it with a new code from IT.',
    );
  }
  if (workstation.revoked) {
    throw new SyncRefusal(
      'revoked',
      `Workstation ${workstation.id} was revoked on the central server: it goes on monitoring ` +
        'and keeps its data, but the server takes nothing from it. Ask IT.',
    );
  }
  return workstation;
}

async function push(ctx: ServerContext, ex: Exchange): Promise<void> {
  const workstation = await authenticate(ctx, ex);
  const frame = await readBody(ex.req, MAX_PUSH_BYTES);
  let decoded;
  try {
    decoded = decodePush(frame, zlibPushCodec);
  } catch (error) {
    if (error instanceof PushFrameError) {
      throw new SyncRefusal(error.code, `Not a push the server can read: ${error.message}`);
    }
    throw error;
  }
  refuseProtocol(decoded.protocol);
  if (decoded.workstationId !== workstation.id) {
    throw new SyncRefusal(
      'forbidden',
      `This push says it comes from workstation ${decoded.workstationId}, but its credential ` +
        `is workstation ${workstation.id}'s. Nothing was stored.`,
    );
  }
  const foreign = decoded.rows.find((r) => r.row.workstation_id !== workstation.id);
  if (foreign) {
    throw new SyncRefusal(
      'forbidden',
      `Row ${foreign.table} ${String(foreign.row.id)} belongs to workstation ` +
        `${String(foreign.row.workstation_id)}; a workstation pushes only its own rows. ` +
        'Nothing of this batch was stored.',
    );
  }
  const { storable, refused } = sortStorable(decoded.rows, ctx.catalog, ctx.nowMs());
  const counts =
    storable.length > 0
      ? await storeRows(ctx.db, ctx.catalog, ctx.partitions, workstation.id, storable)
      : { accepted: 0, duplicates: 0 };
  await seen(ctx, workstation.id);
  const body: PushResponse = {
    batchId: decoded.batchId,
    ...counts,
    refused: [...decoded.refused, ...refused].map((r) => ({
      ...r,
      reason: r.reason.slice(0, MAX_REASON_CHARS),
    })),
  };
  sendJson(ex, 200, body);
}

/** Best effort: a push already committed is answered even if this small update fails. */
async function seen(ctx: ServerContext, workstationId: string): Promise<void> {
  await noteSeen(ctx.db, workstationId).catch((error: unknown) =>
    ctx.log(`Could not note that ${workstationId} was seen: ${String(error)}`),
  );
}

async function pull(ctx: ServerContext, ex: Exchange): Promise<void> {
  const workstation = await authenticate(ctx, ex);
  const raw = ex.url.searchParams.get('cursor') ?? '0';
  if (!/^\d{1,15}$/.test(raw)) {
    throw new SyncRefusal('bad-request', 'cursor must be a whole number (0 to start).');
  }
  const page = await readPullFeed(ctx.db, workstation.id, Number(raw));
  await seen(ctx, workstation.id);
  sendJson(ex, 200, page);
}

export const syncRoutes: Route[] = [
  { method: 'GET', path: SYNC_PATHS.hello, sync: true, handle: hello },
  { method: 'POST', path: SYNC_PATHS.enrol, sync: true, handle: enrol },
  { method: 'POST', path: SYNC_PATHS.push, sync: true, handle: push },
  { method: 'GET', path: SYNC_PATHS.pull, sync: true, handle: pull },
];
