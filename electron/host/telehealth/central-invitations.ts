// The workstation's exchanges with the central server about a remote consult
// (shared/telehealth/invitation.ts): make the invitation, ask how it stands, end it, and tell what
// became of a recording the remote clinician asked for. Each is one
// bounded HTTP exchange (sync/http.ts) with the workstation's own credential. An answer that is
// not what the wire says is refused whole, in a sentence; no answer at all is a SyncLinkError
// (the caller keeps what it had and tries again later).
import {
  CreatedInvitation,
  InvitationState,
  TELEHEALTH_PATHS,
  type CreateInvitation,
  type EndInvitation,
  type RecordingOutcome,
} from '../../../shared/telehealth/invitation';
import { SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../../shared/sync/protocol';
import { exchange, SyncLinkError, type SyncAnswer } from '../sync/http';
import type { z } from 'zod';

/** Where and as whom the workstation talks to its central server (WorkstationSync.liveLink()). */
export interface CentralLink {
  serverUrl: string;
  credential: string;
  ca?: string;
}

/** The server answered, but not with what was asked for: why, in a sentence. */
export class CentralRefusal extends Error {
  override readonly name = 'CentralRefusal';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface CentralInvitationsOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** An invitation's state is at most 500 notes of 4000 characters: well under 4 MiB. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export class CentralInvitations {
  constructor(private readonly o: CentralInvitationsOptions = {}) {}

  async create(link: CentralLink, invitation: CreateInvitation): Promise<CreatedInvitation> {
    const answer = await this.#call(link, 'POST', TELEHEALTH_PATHS.invitations, invitation);
    const created = parsed(answer, [200, 201], CreatedInvitation, 'an invitation');
    if (created.id !== invitation.id) {
      throw new CentralRefusal(
        'The central server answered with another invitation than the one asked for; nothing was kept.',
        answer.status,
      );
    }
    return created;
  }

  async state(link: CentralLink, id: string): Promise<InvitationState> {
    const answer = await this.#call(link, 'GET', TELEHEALTH_PATHS.invitation(id));
    return checkedState(parsed(answer, [200], InvitationState, "an invitation's state"), id);
  }

  async end(link: CentralLink, id: string, end: EndInvitation): Promise<InvitationState> {
    const answer = await this.#call(link, 'POST', TELEHEALTH_PATHS.end(id), end);
    return checkedState(parsed(answer, [200], InvitationState, "an invitation's state"), id);
  }

  async recording(
    link: CentralLink,
    id: string,
    recordingId: string,
    outcome: RecordingOutcome,
  ): Promise<InvitationState> {
    const answer = await this.#call(
      link,
      'POST',
      TELEHEALTH_PATHS.recording(id, recordingId),
      outcome,
    );
    return checkedState(parsed(answer, [200], InvitationState, "an invitation's state"), id);
  }

  #call(link: CentralLink, method: 'GET' | 'POST', path: string, body?: unknown) {
    const timeoutMs = this.o.timeoutMs ?? 5_000;
    return exchange(
      { serverUrl: link.serverUrl, caPem: link.ca ?? null },
      {
        method,
        path,
        headers: {
          authorization: `Bearer ${link.credential}`,
          [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: new TextEncoder().encode(JSON.stringify(body)) }),
        connectTimeoutMs: timeoutMs,
        idleTimeoutMs: timeoutMs * 2,
        maxResponseBytes: MAX_ANSWER_BYTES,
        ...(this.o.signal ? { signal: this.o.signal } : {}),
      },
    );
  }
}

/** The words of a link failure, for a sentence. */
export function linkWords(error: unknown): string {
  return error instanceof SyncLinkError ? error.message : String(error);
}

function checkedState(state: InvitationState, id: string): InvitationState {
  if (state.id !== id) {
    throw new CentralRefusal(
      "The central server answered with another invitation's state than the one asked for.",
      200,
    );
  }
  return state;
}

function parsed<T>(answer: SyncAnswer, ok: number[], schema: z.ZodType<T>, what: string): T {
  let json: unknown = null;
  try {
    json = JSON.parse(answer.body.toString('utf8'));
  } catch {
    // below
  }
  if (!ok.includes(answer.status)) {
    const message = (json as { message?: unknown } | null)?.message;
    const words =
      typeof message === 'string' && message.trim() !== '' ? `: ${message.slice(0, 300)}` : '';
    if (answer.status === 404 && words === '') {
      throw new CentralRefusal(
        'The central server does not offer remote consults (HTTP 404): it may need an update.',
        404,
      );
    }
    if (answer.status === 401 || answer.status === 403) {
      throw new CentralRefusal(
        `The central server refused this workstation's credential (HTTP ${answer.status}${words}); IT may need to enrol it again in Settings.`,
        answer.status,
      );
    }
    throw new CentralRefusal(
      `The central server refused (HTTP ${answer.status}${words}).`,
      answer.status,
    );
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CentralRefusal(
      `The central server answered with something that is not ${what} (${issue?.path.join('.') || 'the answer'}: ${issue?.message ?? 'unreadable'}).`,
      answer.status,
    );
  }
  return result.data;
}
