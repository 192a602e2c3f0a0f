// The sync protocol between a workstation and the central server: its version, where each message
// goes, and how either side says "I cannot talk to you" without losing anything. Pure: no Node.

/** The version this build speaks. A change that an older peer would misread raises it. */
export const SYNC_PROTOCOL = 1;
/** The oldest version a server of this build still accepts (an older workstation is told so). */
export const OLDEST_SYNC_PROTOCOL = 1;

/** Every request carries the sender's protocol version in this header. */
export const SYNC_PROTOCOL_HEADER = 'x-sync-protocol';

export const SYNC_PATHS = {
  /** POST, JSON: a one-time code for this workstation's own credential. No credential needed. */
  enrol: '/api/sync/enrol',
  /** POST, a push frame (push-frame.ts): rows of the outbox. Answered after commit. */
  push: '/api/sync/push',
  /** GET ?cursor=N: what the server holds for this workstation, after the cursor. */
  pull: '/api/sync/pull',
  /** WebSocket: the workstation's live stream to the relay. */
  live: '/api/sync/live',
  /** GET: the server's version, protocol range and time, for a status line and clock checks. */
  hello: '/api/sync/hello',
} as const;

/** The body of every refusal: a code a program acts on and words a person can act on. */
export interface SyncErrorBody {
  error: SyncErrorCode;
  message: string;
  /** For protocol-mismatch answers: what the server speaks. */
  serverProtocol?: number;
  oldestProtocol?: number;
}

export type SyncErrorCode =
  | 'protocol-too-old'
  | 'protocol-too-new'
  | 'bad-request'
  | 'too-large'
  | 'unauthenticated'
  | 'revoked'
  | 'forbidden'
  | 'enrolment-code-invalid'
  /** The admin and read api: no such workstation or patient. */
  | 'not-found'
  | 'unavailable'
  | 'internal';

/**
 * What a peer speaking `theirs` should do with us speaking `ours`: talk, or wait for an update
 * (and of which side). Data stay queued while either side must be updated.
 */
export function protocolVerdict(
  theirs: number,
  ours: number = SYNC_PROTOCOL,
  oldestWeAccept: number = OLDEST_SYNC_PROTOCOL,
): 'ok' | 'peer-too-old' | 'peer-too-new' {
  if (!Number.isInteger(theirs) || theirs < oldestWeAccept) return 'peer-too-old';
  if (theirs > ours) return 'peer-too-new';
  return 'ok';
}

/** The words for a mismatch, from the point of view of the one who cannot go on. */
export function protocolMismatchMessage(
  workstationProtocol: number,
  serverProtocol: number,
  oldestServerAccepts: number,
): string {
  if (workstationProtocol < oldestServerAccepts) {
    return (
      `This workstation speaks sync protocol ${workstationProtocol}; the central server needs ` +
      `${oldestServerAccepts} or newer. Update the workstation. Its data stay kept and queued.`
    );
  }
  return (
    `This workstation speaks sync protocol ${workstationProtocol}; the central server speaks ` +
    `${serverProtocol} at most. Update the central server. The workstation's data stay kept and queued.`
  );
}
