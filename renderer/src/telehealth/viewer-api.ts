// The viewer page's HTTP calls to the central server (VIEWER_PATHS): redeem the link and the code,
// pick the session up again, add a note, leave. The session is the server's HttpOnly cookie; the
// page never holds it. Every answer is checked against the contract before it is used.
import { z } from 'zod';
import { ConsultNote } from '../../../shared/telehealth/invitation';
import {
  VIEWER_PATHS,
  ViewerSession,
  type NoteRequest,
  type RedeemRequest,
} from '../../../shared/telehealth/viewer';
import { UNREACHABLE, refusalWords, type RefusalWords } from './viewer-link';
import { clockOffsetMs } from './latency';

export type Answer<T> = { ok: true; value: T } | { ok: false; refusal: RefusalWords };

/** A session as the page keeps it: with the offset of the server's clock from this page's. */
export interface JoinedSession {
  session: ViewerSession;
  offsetMs: number;
}

async function call<T>(
  path: string,
  init: { method: 'GET' | 'POST'; body?: unknown },
  schema: z.ZodType<T>,
): Promise<Answer<T> & { sentAtMs: number; receivedAtMs: number }> {
  const sentAtMs = Date.now();
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch {
    return { ok: false, refusal: UNREACHABLE, sentAtMs, receivedAtMs: Date.now() };
  }
  const receivedAtMs = Date.now();
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // An empty answer (leave) or a proxy's page: judged below by the status.
  }
  if (!response.ok) {
    return { ok: false, refusal: refusalWords(response.status, body), sentAtMs, receivedAtMs };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, refusal: refusalWords(response.status, null), sentAtMs, receivedAtMs };
  }
  return { ok: true, value: parsed.data, sentAtMs, receivedAtMs };
}

function joined(answer: Awaited<ReturnType<typeof call<ViewerSession>>>): Answer<JoinedSession> {
  if (!answer.ok) return answer;
  const offsetMs = clockOffsetMs(answer.value.serverNowMs, answer.sentAtMs, answer.receivedAtMs);
  return { ok: true, value: { session: answer.value, offsetMs } };
}

export async function redeem(request: RedeemRequest): Promise<Answer<JoinedSession>> {
  return joined(await call(VIEWER_PATHS.redeem, { method: 'POST', body: request }, ViewerSession));
}

/** The session this browser's cookie holds, if any (a reload picks the consult up again). */
export async function currentSession(): Promise<Answer<JoinedSession>> {
  return joined(await call(VIEWER_PATHS.session, { method: 'GET' }, ViewerSession));
}

export async function addNote(request: NoteRequest): Promise<Answer<ConsultNote>> {
  return call(VIEWER_PATHS.notes, { method: 'POST', body: request }, ConsultNote);
}

/** Leaves: the consult ends ('viewer-left'). Its answer's body is not needed. */
export async function leave(): Promise<Answer<unknown>> {
  return call(VIEWER_PATHS.leave, { method: 'POST' }, z.unknown());
}
