// The admin api (enrolment codes, workstations) and the read api (a patient's record), behind the
// admin token until users sign in. Thin: each route parses, calls a repository, answers.
import { z } from 'zod';
import { ADMIN_PATHS, EnrolmentCodeRequest } from '../../shared/sync/admin';
import type { WorkstationList } from '../../shared/sync/admin';
import { createEnrolmentCode, listWorkstations, revokeWorkstation } from '../enrolment/registry';
import { patientRecord } from '../records/patient-record';
import { SyncRefusal } from '../sync/refusal';
import type { ServerContext } from './context';
import { bearerToken, readBody, readJson, sendJson } from './exchange';
import type { Exchange } from './exchange';
import type { Route } from './router';

const MAX_ADMIN_BODY_BYTES = 16 * 1024;

export function requireAdmin(ctx: ServerContext, ex: Exchange): void {
  const token = bearerToken(ex.req);
  if (!token || !ctx.adminToken.accepts(token)) {
    throw new SyncRefusal(
      'unauthenticated',
      "This needs the central server's admin token (Authorization: Bearer …).",
    );
  }
}

async function makeEnrolmentCode(ctx: ServerContext, ex: Exchange): Promise<void> {
  requireAdmin(ctx, ex);
  const parsed = EnrolmentCodeRequest.safeParse(await readJson(ex.req, MAX_ADMIN_BODY_BYTES));
  if (!parsed.success) {
    throw new SyncRefusal(
      'bad-request',
      `Not a request for a code: ${z.prettifyError(parsed.error)}`,
    );
  }
  sendJson(ex, 200, await createEnrolmentCode(ctx.db, parsed.data));
}

async function workstations(ctx: ServerContext, ex: Exchange): Promise<void> {
  requireAdmin(ctx, ex);
  const body: WorkstationList = { workstations: await listWorkstations(ctx.db) };
  sendJson(ex, 200, body);
}

async function revoke(ctx: ServerContext, ex: Exchange, [encodedId]: string[]): Promise<void> {
  requireAdmin(ctx, ex);
  await readBody(ex.req, MAX_ADMIN_BODY_BYTES);
  let id: string;
  try {
    id = decodeURIComponent(encodedId!);
  } catch {
    throw new SyncRefusal('bad-request', 'The workstation id in the address is not valid.');
  }
  const revoked = await revokeWorkstation(ctx.db, id);
  if (!revoked) throw new SyncRefusal('not-found', `No workstation ${id} is enrolled here.`);
  sendJson(ex, 200, revoked);
}

async function readPatientRecord(ctx: ServerContext, ex: Exchange): Promise<void> {
  requireAdmin(ctx, ex);
  const mrn = ex.url.searchParams.get('mrn')?.trim() ?? '';
  if (mrn.length === 0 || mrn.length > 200) {
    throw new SyncRefusal('bad-request', "Give the patient's MRN: ?mrn=…");
  }
  const record = await patientRecord(ctx.db, mrn);
  if (!record)
    throw new SyncRefusal('not-found', `No workstation has sent a patient with MRN ${mrn}.`);
  sendJson(ex, 200, record);
}

export const adminRoutes: Route[] = [
  { method: 'POST', path: ADMIN_PATHS.enrolmentCodes, sync: false, handle: makeEnrolmentCode },
  { method: 'GET', path: ADMIN_PATHS.workstations, sync: false, handle: workstations },
  {
    method: 'POST',
    path: /^\/api\/admin\/workstations\/([^/]+)\/revoke$/,
    sync: false,
    handle: revoke,
  },
  { method: 'GET', path: ADMIN_PATHS.patientRecord, sync: false, handle: readPatientRecord },
];
