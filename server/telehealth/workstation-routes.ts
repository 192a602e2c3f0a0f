// The workstation's side of telehealth on the sync api (shared/telehealth/invitation.ts
// TELEHEALTH_PATHS), with its credential: make an invitation for one of its beds (answered with
// the link and the code, the only time they are told), read it (who is watching, the notes), end
// it. Only the workstation that made an invitation learns that it exists.
import { z } from 'zod';
import { ApiError } from '../../shared/api/errors';
import {
  CreateInvitation,
  EndInvitation,
  RecordingOutcome,
  TELEHEALTH_PATHS,
} from '../../shared/telehealth/invitation';
import type { ServerContext } from '../http/context';
import { readJson, sendJson, type Exchange } from '../http/exchange';
import type { Route } from '../http/router';
import { authenticate } from '../http/sync-routes';
import { SyncRefusal } from '../sync/refusal';
import { callerOf, type Telehealth } from './telehealth';

const MAX_BODY_BYTES = 16 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PREFIX = TELEHEALTH_PATHS.invitations;

const unknown = () =>
  new SyncRefusal(
    'not-found',
    'The central server has no such telehealth invitation from this workstation.',
  );

async function bodyOf<T extends z.ZodType>(ex: Exchange, schema: T, what: string) {
  const parsed = schema.safeParse(await readJson(ex.req, MAX_BODY_BYTES));
  if (!parsed.success)
    throw new SyncRefusal('bad-request', `${what} is not valid: ${z.prettifyError(parsed.error)}`);
  return parsed.data as z.infer<T>;
}

export function telehealthRoutes(telehealth: Telehealth): Route[] {
  async function own(ctx: ServerContext, ex: Exchange, raw: string | undefined) {
    const workstation = await authenticate(ctx, ex);
    let id: string;
    try {
      id = decodeURIComponent(raw ?? '').toLowerCase();
    } catch {
      throw unknown();
    }
    const invitation = UUID.test(id) ? await telehealth.ownInvitation(workstation.id, id) : null;
    if (!invitation) throw unknown();
    return invitation;
  }

  async function create(ctx: ServerContext, ex: Exchange): Promise<void> {
    const workstation = await authenticate(ctx, ex);
    const input = await bodyOf(ex, CreateInvitation, 'The telehealth invitation');
    const made = await telehealth.create(workstation.id, input, callerOf(ex.req));
    if (made.taken) {
      throw new SyncRefusal(
        'bad-request',
        made.taken.workstationId !== workstation.id ||
          made.taken.bedId !== input.bedId ||
          made.taken.patientId !== input.patientId
          ? 'This invitation id is already used for another invitation. Invite again (a new id).'
          : 'This invitation was opened or has ended: its link is not shown again. Invite again ' +
              'for a new link and code.',
        {},
        409,
      );
    }
    sendJson(ex, 201, made.created);
  }

  async function read(ctx: ServerContext, ex: Exchange, [raw]: string[]): Promise<void> {
    const invitation = await own(ctx, ex, raw);
    sendJson(ex, 200, await telehealth.stateOf(invitation));
  }

  async function end(ctx: ServerContext, ex: Exchange, [raw]: string[]): Promise<void> {
    const invitation = await own(ctx, ex, raw);
    const body = await bodyOf(ex, EndInvitation, 'Ending the telehealth invitation');
    sendJson(
      ex,
      200,
      await telehealth.endAtBed(invitation, body.reason, body.by, callerOf(ex.req)),
    );
  }

  /** What became of the remote clinician's request for a recording: kept, or why not. */
  async function recording(ctx: ServerContext, ex: Exchange, [raw, rawRecording]: string[]) {
    const invitation = await own(ctx, ex, raw);
    const outcome = await bodyOf(ex, RecordingOutcome, 'What became of the recording');
    const recordingId = (rawRecording ?? '').toLowerCase();
    if (!UUID.test(recordingId))
      throw new SyncRefusal('not-found', 'The central server has no such request for a recording.');
    try {
      sendJson(
        ex,
        200,
        await telehealth.answerRecording(invitation, recordingId, outcome, callerOf(ex.req)),
      );
    } catch (error) {
      if (error instanceof ApiError) throw new SyncRefusal('not-found', error.message);
      throw error;
    }
  }

  const escaped = PREFIX.replace(/[/.]/g, (c) => `\\${c}`);
  return [
    { method: 'POST', path: PREFIX, sync: true, handle: create },
    { method: 'GET', path: new RegExp(`^${escaped}/([^/]+)$`), sync: true, handle: read },
    { method: 'POST', path: new RegExp(`^${escaped}/([^/]+)/end$`), sync: true, handle: end },
    {
      method: 'POST',
      path: new RegExp(`^${escaped}/([^/]+)/recordings/([^/]+)$`),
      sync: true,
      handle: recording,
    },
  ];
}
