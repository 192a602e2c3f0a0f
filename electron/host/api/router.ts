// Binds the shared contract to handler functions. Both shells (Electron IPC, the browser shell's
// WebSocket) call the router with untrusted payloads; it validates every input against the
// contract and turns every failure into an ApiError with a sentence a person can act on.
import {
  isRequestName,
  isStreamName,
  requests,
  streams,
  type RequestName,
  type RequestOutput,
  type StreamEvent,
  type StreamName,
} from '../../../shared/api/contract';
import { ApiError, describeIssues } from '../../../shared/api/errors';
import {
  auditedCall,
  requiredPermission,
  STREAM_PERMISSION,
} from '../../../shared/security/access';
import type { z } from 'zod';
import type { AccessScreen } from '../access/access-screen';

export type ApiHandlers = {
  requests: {
    [M in RequestName]: (
      input: z.output<(typeof requests)[M]['input']>,
      caller: Caller,
    ) => Promise<RequestOutput<M>> | RequestOutput<M>;
  };
  streams: {
    [S in StreamName]: (
      input: z.output<(typeof streams)[S]['input']>,
      emit: (event: StreamEvent<S>) => void,
      caller: Caller,
    ) => () => void;
  };
};

/**
 * Who is calling. `actor` is the name written on rows (the alarm log's "by"); with a `screen`
 * the router checks the screen may make the call (shared/security/access.ts) and replaces the
 * actor with the screen's (the signed-in user, or the unidentified user). Without a screen the
 * caller is trusted in-process code (tests, the command line).
 */
export interface Caller {
  actor: string;
  screen?: AccessScreen;
}

/** One call written to the audit trail: who, what, about whom, from which screen. */
export interface CallAudit {
  atMs: number;
  actor: string;
  action: string;
  subject: string;
  detail: string;
}

export interface RouterOptions {
  /** Writes one audit entry; must not throw (a failure to audit is its own log line). */
  audit?: (entry: CallAudit) => void;
  now?: () => number;
}

export interface ApiRouter {
  request(method: string, params: unknown, caller: Caller): Promise<unknown>;
  /** Starts a stream; throws ApiError for an unknown stream or bad params. Returns the unsubscribe. */
  subscribe(
    stream: string,
    params: unknown,
    emit: (event: unknown) => void,
    caller?: Caller,
  ): () => void;
}

/** Ids in a call's params that name what it is about, most telling first. */
const SUBJECT_KEYS = [
  'patientId',
  'mrn',
  'bedId',
  'stayId',
  'stripId',
  'recordingId',
  'exportId',
  'deviceId',
  'alarmId',
] as const;

/** What a call is about, for the audit trail: its ids, never its free text or bulk data. */
export function subjectOf(params: unknown): string {
  if (typeof params !== 'object' || params === null) return '';
  const record = params as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of SUBJECT_KEYS) {
    const value = record[key];
    if (typeof value === 'string' || typeof value === 'number')
      parts.push(`${key}=${String(value).slice(0, 80)}`);
  }
  return parts.join(' ');
}

export function createRouter(
  handlers: ApiHandlers,
  logError: (message: string, error: unknown) => void = console.error,
  options: RouterOptions = {},
): ApiRouter {
  const now = options.now ?? Date.now;
  const audit = (caller: Caller, action: string, params: unknown) => {
    if (!options.audit || !caller.screen) return;
    try {
      options.audit({
        atMs: now(),
        actor: caller.actor,
        action,
        subject: subjectOf(params),
        detail: `from ${caller.screen.label}`,
      });
    } catch (error) {
      log(`api: ${action} by ${caller.actor} could not be audited`, error);
    }
  };
  /** The caller as the handler sees it: the screen's actor once the screen may make the call. */
  const admitted = (caller: Caller, name: RequestName | StreamName, input: unknown): Caller => {
    const screen = caller.screen;
    if (!screen) return caller;
    const permission = isRequestName(name)
      ? requiredPermission(name, input)
      : STREAM_PERMISSION[name as StreamName];
    try {
      screen.authorize(permission, name);
    } catch (error) {
      if (error instanceof ApiError)
        audit({ actor: screen.actor(), screen }, `refused:${name}`, input);
      throw error;
    }
    const acting = { actor: screen.actor(), screen };
    if (permission !== 'monitor') screen.noteAction();
    if (auditedCall(name, permission, input)) audit(acting, name, input);
    return acting;
  };
  // Logging a failure must not fail in turn (an error whose printing throws).
  const log = (message: string, error: unknown) => {
    try {
      logError(message, error);
    } catch {
      logError(message, 'an error that cannot be printed');
    }
  };
  return {
    // Whatever a handler throws answers this request only: an ApiError as it is, anything else
    // as "internal", logged with the request that caused it.
    async request(method, params, caller) {
      try {
        if (!isRequestName(method))
          throw new ApiError('unknown_method', `Unknown request "${method}".`);
        if (holdsNul(params)) throw new ApiError('invalid_request', NUL_REFUSED);
        const parsed = requests[method].input.safeParse(params ?? {});
        if (!parsed.success)
          throw new ApiError('invalid_request', describeIssues(`${method} request`, parsed.error));
        const acting = admitted(caller, method, parsed.data);
        const handler = handlers.requests[method] as (input: unknown, caller: Caller) => unknown;
        return await handler(parsed.data, acting);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        log(`api: ${method} failed (${describeRequest(params)}, by ${caller.actor})`, error);
        throw new ApiError(
          'internal',
          `The workstation could not complete "${method}". Details are in its log.`,
        );
      }
    },

    subscribe(stream, params, emit, caller = { actor: 'host' }) {
      if (!isStreamName(stream))
        throw new ApiError('unknown_method', `Unknown stream "${stream}".`);
      if (holdsNul(params)) throw new ApiError('invalid_request', NUL_REFUSED);
      const parsed = streams[stream].input.safeParse(params ?? {});
      if (!parsed.success)
        throw new ApiError(
          'invalid_request',
          describeIssues(`${stream} subscription`, parsed.error),
        );
      const acting = admitted(caller, stream, parsed.data);
      const handler = handlers.streams[stream] as (
        input: unknown,
        emit: (event: unknown) => void,
        caller: Caller,
      ) => () => void;
      // An event the transport cannot send is lost for this viewer only, and said once.
      let emitFailed = false;
      const isolatedEmit = (event: unknown) => {
        try {
          emit(event);
        } catch (error) {
          if (!emitFailed) log(`api: ${stream} event not sent (${describeRequest(params)})`, error);
          emitFailed = true;
        }
      };
      try {
        return handler(parsed.data, isolatedEmit, acting);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        log(`api: ${stream} subscription failed (${describeRequest(params)})`, error);
        throw new ApiError(
          'internal',
          `The workstation could not start "${stream}". Details are in its log.`,
        );
      }
    },
  };
}

const NUL_REFUSED =
  'The request has text with a character that cannot be kept (U+0000): remove it and try again.';

/**
 * Whether any text in `params` holds U+0000, which no store column can keep: refused for every
 * request alike, rather than found by each handler's database in turn. Walked without recursion:
 * a message may nest deeply.
 */
export function holdsNul(params: unknown): boolean {
  const pending: unknown[] = [params];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (Array.isArray(value)) {
      for (const item of value as unknown[]) pending.push(item); // no spread: a list may be huge
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        pending.push(inner);
      }
    }
  }
  return false;
}

/** Long enough to name the request in a log line; bulk data (base64) shown by its length only. */
const LOGGED_PARAMS_CHARS = 300;
const LOGGED_STRING_CHARS = 80;

/** The request's params for a log line: never throws, never floods the log. */
export function describeRequest(params: unknown): string {
  try {
    const text = JSON.stringify(params, (_key, value: unknown) =>
      typeof value === 'string' && value.length > LOGGED_STRING_CHARS
        ? `${value.slice(0, LOGGED_STRING_CHARS)}… (${value.length} characters)`
        : typeof value === 'bigint'
          ? `${value}n`
          : value,
    );
    if (text === undefined) return 'params: none';
    return `params: ${text.length > LOGGED_PARAMS_CHARS ? `${text.slice(0, LOGGED_PARAMS_CHARS)}…` : text}`;
  } catch {
    return 'params: unprintable';
  }
}
