// Telehealth's repository in PostgreSQL (migration 016): invitations, consult notes and the
// append-only audit of every remote view. Each change that decides something (a session opened,
// a wrong code counted, an end) is one conditional UPDATE, so two instances, or two browsers at
// once, cannot both win. No HTTP here.
import type { Database } from '../db/database';
import type {
  ConsultNote,
  CreateInvitation,
  EndReason,
  RecordingOutcome,
  RecordingSeconds,
  RemoteRecording,
  TelehealthConsent,
} from '../../shared/telehealth/invitation';

export interface Invitation {
  id: string;
  workstationId: string;
  /** The workstation's own bed id. */
  bedId: string;
  bedLabel: string;
  patientId: string;
  minutes: number;
  consent: TelehealthConsent;
  invitedBy: string;
  codeSalt: Buffer;
  codeHash: Buffer;
  codeAttempts: number;
  createdAtMs: number;
  expiresAtMs: number;
  status: 'waiting' | 'watching' | 'ended';
  viewerName: string | null;
  viewerSinceMs: number | null;
  sessionHash: Buffer | null;
  viewerSeenAtMs: number | null;
  endedAtMs: number | null;
  endReason: EndReason | null;
  endedBy: string | null;
  /** The server user the nurse named: only they may sign in with the hospital account. */
  viewerUsernameRequired: string | null;
  /** Who signed in with the hospital account (null: opened with the code, or not yet). */
  viewerUserId: string | null;
  viewerUsername: string | null;
}

export type TelehealthEventKind =
  | 'invited'
  | 'opened'
  | 'refused'
  | 'socket-open'
  | 'socket-close'
  | 'note'
  | 'ended'
  | 'expired'
  /** A strip the remote clinician saved as PDF (viewer-strip.ts), with its span. */
  | 'strip'
  /** A history read of the bed (what was opened), once a minute per kind of read and socket. */
  | 'read'
  /** Opened by signing in with the hospital account (who, their role, the provider's subject). */
  | 'signed-in-with-account'
  /** A request for a recording of the stethoscope's sound, and what became of it. */
  | 'recording';

export interface TelehealthEvent {
  invitationId: string | null;
  kind: TelehealthEventKind;
  /** For a refusal: why (unknown-link, wrong-code, already-opened, expired, ended, forbidden…). */
  why?: string | null;
  /** Who: the viewer's name, the nurse's, the workstation's id, "the server". */
  actor?: string | null;
  address?: string | null;
  userAgent?: string | null;
  detail?: string | null;
  atMs: number;
}

export interface StoredEvent extends TelehealthEvent {
  seq: number;
}

interface InvitationRow {
  id: string;
  workstation_id: string;
  bed_id: string;
  bed_label: string;
  patient_id: string;
  minutes: number;
  consent: TelehealthConsent;
  invited_by: string;
  code_salt: Buffer;
  code_hash: Buffer;
  code_attempts: number;
  created_at_ms: string;
  expires_at_ms: string;
  status: Invitation['status'];
  viewer_name: string | null;
  viewer_since_ms: string | null;
  session_hash: Buffer | null;
  viewer_seen_at_ms: string | null;
  ended_at_ms: string | null;
  end_reason: EndReason | null;
  ended_by: string | null;
  viewer_username_required: string | null;
  viewer_user_id: string | null;
  viewer_username: string | null;
}

const msOrNull = (value: string | null) => (value === null ? null : Number(value));

function invitationOf(row: InvitationRow): Invitation {
  return {
    id: row.id,
    workstationId: row.workstation_id,
    bedId: row.bed_id,
    bedLabel: row.bed_label,
    patientId: row.patient_id,
    minutes: row.minutes,
    consent: row.consent,
    invitedBy: row.invited_by,
    codeSalt: row.code_salt,
    codeHash: row.code_hash,
    codeAttempts: row.code_attempts,
    createdAtMs: Number(row.created_at_ms),
    expiresAtMs: Number(row.expires_at_ms),
    status: row.status,
    viewerName: row.viewer_name,
    viewerSinceMs: msOrNull(row.viewer_since_ms),
    sessionHash: row.session_hash,
    viewerSeenAtMs: msOrNull(row.viewer_seen_at_ms),
    endedAtMs: msOrNull(row.ended_at_ms),
    endReason: row.end_reason,
    endedBy: row.ended_by,
    viewerUsernameRequired: row.viewer_username_required,
    viewerUserId: row.viewer_user_id,
    viewerUsername: row.viewer_username,
  };
}

export interface LinkSecrets {
  tokenHash: Buffer;
  codeSalt: Buffer;
  codeHash: Buffer;
}

export type CreateOutcome =
  | { outcome: 'created'; invitation: Invitation }
  /** The same id again, still unopened: its link and code were made anew (the old ones fail). */
  | { outcome: 'renewed'; invitation: Invitation }
  /** The same id, but another workstation's, another bed or patient, or opened or ended. */
  | { outcome: 'taken'; invitation: Invitation };

export async function createInvitation(
  db: Database,
  workstationId: string,
  input: CreateInvitation,
  secrets: LinkSecrets,
  nowMs: number,
): Promise<CreateOutcome> {
  const expiresAtMs = nowMs + input.minutes * 60_000;
  const inserted = await db.query<InvitationRow>(
    `INSERT INTO telehealth_invitations (id, workstation_id, bed_id, bed_label, patient_id, minutes,
       consent, invited_by, token_hash, code_salt, code_hash, created_at_ms, expires_at_ms,
       viewer_username_required)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (id) DO NOTHING RETURNING *`,
    [
      input.id,
      workstationId,
      input.bedId,
      input.bedLabel,
      input.patientId,
      input.minutes,
      JSON.stringify(input.consent),
      input.invitedBy,
      secrets.tokenHash,
      secrets.codeSalt,
      secrets.codeHash,
      nowMs,
      expiresAtMs,
      input.viewerUsername ?? null,
    ],
  );
  if (inserted.rows[0]) return { outcome: 'created', invitation: invitationOf(inserted.rows[0]) };
  // Sent again (its answer was lost): the same invitation, unopened, gets a new link and code.
  const renewed = await db.query<InvitationRow>(
    `UPDATE telehealth_invitations
     SET token_hash = $5, code_salt = $6, code_hash = $7
     WHERE id = $1 AND workstation_id = $2 AND bed_id = $3 AND patient_id = $4
       AND status = 'waiting' AND expires_at_ms > $8
     RETURNING *`,
    [
      input.id,
      workstationId,
      input.bedId,
      input.patientId,
      secrets.tokenHash,
      secrets.codeSalt,
      secrets.codeHash,
      nowMs,
    ],
  );
  if (renewed.rows[0]) return { outcome: 'renewed', invitation: invitationOf(renewed.rows[0]) };
  const existing = await invitationById(db, input.id);
  if (!existing) throw new Error(`invitation ${input.id} neither inserted nor found`);
  return { outcome: 'taken', invitation: existing };
}

export async function invitationById(db: Database, id: string): Promise<Invitation | null> {
  const { rows } = await db.query<InvitationRow>(
    'SELECT * FROM telehealth_invitations WHERE id = $1',
    [id],
  );
  return rows[0] ? invitationOf(rows[0]) : null;
}

export async function invitationByToken(db: Database, tokenHash: Buffer) {
  const { rows } = await db.query<InvitationRow>(
    'SELECT * FROM telehealth_invitations WHERE token_hash = $1',
    [tokenHash],
  );
  return rows[0] ? invitationOf(rows[0]) : null;
}

export async function invitationBySession(db: Database, sessionHash: Buffer) {
  const { rows } = await db.query<InvitationRow>(
    'SELECT * FROM telehealth_invitations WHERE session_hash = $1',
    [sessionHash],
  );
  return rows[0] ? invitationOf(rows[0]) : null;
}

/**
 * Ends it, if it is not ended yet: the invitation as this call ended it, or null when it had
 * ended already (another request or instance was first).
 */
export async function endInvitation(
  db: Database,
  id: string,
  reason: EndReason,
  by: string,
  atMs: number,
): Promise<Invitation | null> {
  const { rows } = await db.query<InvitationRow>(
    `UPDATE telehealth_invitations
     SET status = 'ended', ended_at_ms = $2, end_reason = $3, ended_by = $4
     WHERE id = $1 AND status <> 'ended' RETURNING *`,
    [id, atMs, reason, by],
  );
  return rows[0] ? invitationOf(rows[0]) : null;
}

/** Every invitation whose time is up and that is not ended yet, now ended 'expired'. */
export async function endExpired(db: Database, nowMs: number, id?: string): Promise<Invitation[]> {
  const { rows } = await db.query<InvitationRow>(
    `UPDATE telehealth_invitations
     SET status = 'ended', ended_at_ms = expires_at_ms, end_reason = 'expired',
       ended_by = 'the server'
     WHERE status <> 'ended' AND expires_at_ms <= $1 AND ($2::uuid IS NULL OR id = $2)
     RETURNING *`,
    [nowMs, id ?? null],
  );
  return rows.map(invitationOf);
}

/** Counts a wrong code: the attempts now, or null when the link is not waiting any more. */
export async function countWrongCode(db: Database, id: string): Promise<number | null> {
  const { rows } = await db.query<{ code_attempts: number }>(
    `UPDATE telehealth_invitations SET code_attempts = code_attempts + 1
     WHERE id = $1 AND status = 'waiting' RETURNING code_attempts`,
    [id],
  );
  return rows[0]?.code_attempts ?? null;
}

/** The first browser with the right code takes the link: false when another was first. */
export async function openSession(
  db: Database,
  id: string,
  viewerName: string,
  sessionHash: Buffer,
  nowMs: number,
): Promise<Invitation | null> {
  const { rows } = await db.query<InvitationRow>(
    `UPDATE telehealth_invitations
     SET status = 'watching', viewer_name = $2, viewer_since_ms = $4, session_hash = $3
     WHERE id = $1 AND status = 'waiting' AND session_hash IS NULL AND expires_at_ms > $4
     RETURNING *`,
    [id, viewerName, sessionHash, nowMs],
  );
  return rows[0] ? invitationOf(rows[0]) : null;
}

/** The hospital account's user takes the link, like the first browser with the right code. */
export async function openSessionWithAccount(
  db: Database,
  id: string,
  user: { id: string; username: string; displayName: string },
  sessionHash: Buffer,
  nowMs: number,
): Promise<Invitation | null> {
  const { rows } = await db.query<InvitationRow>(
    `UPDATE telehealth_invitations
     SET status = 'watching', viewer_name = $2, viewer_since_ms = $4, session_hash = $3,
       viewer_user_id = $5, viewer_username = $6
     WHERE id = $1 AND status = 'waiting' AND session_hash IS NULL AND expires_at_ms > $4
     RETURNING *`,
    [id, user.displayName, sessionHash, nowMs, user.id, user.username],
  );
  return rows[0] ? invitationOf(rows[0]) : null;
}

/** A sign-in with the hospital account in flight (migration 020). */
export interface AccountAttempt {
  id: string;
  invitationId: string;
  browserKeyHash: Buffer;
  state: string;
  nonce: string;
  codeVerifier: string;
  createdAtMs: number;
  expiresAtMs: number;
  callbackAtMs: number | null;
  outcome: 'signed-in' | 'refused' | null;
  refusalError: string | null;
  refusal: string | null;
}

interface AccountAttemptRow {
  id: string;
  invitation_id: string;
  browser_key_hash: Buffer;
  state: string;
  nonce: string;
  code_verifier: string;
  created_at_ms: string;
  expires_at_ms: string;
  callback_at_ms: string | null;
  outcome: AccountAttempt['outcome'];
  refusal_error: string | null;
  refusal: string | null;
}

const attemptOf = (row: AccountAttemptRow): AccountAttempt => ({
  id: row.id,
  invitationId: row.invitation_id,
  browserKeyHash: row.browser_key_hash,
  state: row.state,
  nonce: row.nonce,
  codeVerifier: row.code_verifier,
  createdAtMs: Number(row.created_at_ms),
  expiresAtMs: Number(row.expires_at_ms),
  callbackAtMs: msOrNull(row.callback_at_ms),
  outcome: row.outcome,
  refusalError: row.refusal_error,
  refusal: row.refusal,
});

/** Attempts are kept an hour past their expiry (a replayed callback is still recognised). */
const KEEP_ATTEMPTS_MS = 60 * 60_000;

export async function createAccountAttempt(
  db: Database,
  attempt: Omit<AccountAttempt, 'callbackAtMs' | 'outcome' | 'refusalError' | 'refusal'>,
): Promise<void> {
  await db.query('DELETE FROM telehealth_sign_ins WHERE expires_at_ms < $1', [
    attempt.createdAtMs - KEEP_ATTEMPTS_MS,
  ]);
  await db.query(
    `INSERT INTO telehealth_sign_ins (id, invitation_id, browser_key_hash, state, nonce,
       code_verifier, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      attempt.id,
      attempt.invitationId,
      attempt.browserKeyHash,
      attempt.state,
      attempt.nonce,
      attempt.codeVerifier,
      attempt.createdAtMs,
      attempt.expiresAtMs,
    ],
  );
}

export async function accountAttemptByState(
  db: Database,
  state: string,
): Promise<AccountAttempt | null> {
  const { rows } = await db.query<AccountAttemptRow>(
    'SELECT * FROM telehealth_sign_ins WHERE state = $1',
    [state],
  );
  return rows[0] ? attemptOf(rows[0]) : null;
}

/** The provider called back for this attempt: true the first time only. */
export async function takeAccountCallback(db: Database, id: string, atMs: number) {
  const { rowCount } = await db.query(
    'UPDATE telehealth_sign_ins SET callback_at_ms = $2 WHERE id = $1 AND callback_at_ms IS NULL',
    [id, atMs],
  );
  return rowCount === 1;
}

export async function decideAccountAttempt(
  db: Database,
  id: string,
  decision: { outcome: 'signed-in' } | { outcome: 'refused'; error: string; refusal: string },
): Promise<void> {
  await db.query(
    `UPDATE telehealth_sign_ins SET outcome = $2, refusal_error = $3, refusal = $4
     WHERE id = $1 AND outcome IS NULL`,
    [
      id,
      decision.outcome,
      decision.outcome === 'refused' ? decision.error : null,
      decision.outcome === 'refused' ? decision.refusal : null,
    ],
  );
}

/** The refusal of this browser's latest refused attempt not told yet, told once. */
export async function takeAccountRefusal(
  db: Database,
  browserKeyHash: Buffer,
  nowMs: number,
): Promise<{ error: string; refusal: string } | null> {
  const { rows } = await db.query<AccountAttemptRow>(
    `UPDATE telehealth_sign_ins SET told_at_ms = $2
     WHERE browser_key_hash = $1 AND outcome = 'refused' AND told_at_ms IS NULL
     RETURNING *`,
    [browserKeyHash, nowMs],
  );
  const latest = rows.map(attemptOf).sort((a, b) => b.createdAtMs - a.createdAtMs)[0];
  return latest
    ? { error: latest.refusalError ?? 'account-refused', refusal: latest.refusal ?? '' }
    : null;
}

/** This instance holds a socket of each: the bedside's "connected". */
export async function noteViewerSeen(db: Database, ids: string[], nowMs: number, seen: boolean) {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE telehealth_invitations SET viewer_seen_at_ms = $2
     WHERE id = ANY($1::uuid[]) AND status = 'watching'`,
    [ids, seen ? nowMs : null],
  );
}

export async function addNote(db: Database, note: ConsultNote): Promise<void> {
  await db.query(
    `INSERT INTO telehealth_notes (id, invitation_id, text, author, at_ms)
     VALUES ($1, $2, $3, $4, $5)`,
    [note.id, note.invitationId, note.text, note.author, note.atMs],
  );
}

export async function notesOf(db: Database, invitationId: string): Promise<ConsultNote[]> {
  const { rows } = await db.query<{
    id: string;
    invitation_id: string;
    text: string;
    author: string;
    at_ms: string;
  }>(
    `SELECT id, invitation_id, text, author, at_ms FROM telehealth_notes
     WHERE invitation_id = $1 ORDER BY at_ms, id LIMIT 500`,
    [invitationId],
  );
  return rows.map((row) => ({
    id: row.id,
    invitationId: row.invitation_id,
    text: row.text,
    author: row.author,
    atMs: Number(row.at_ms),
  }));
}

export async function countNotes(db: Database, invitationId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM telehealth_notes WHERE invitation_id = $1',
    [invitationId],
  );
  return Number(rows[0]?.n ?? 0);
}

interface RecordingRow {
  id: string;
  invitation_id: string;
  seconds: number;
  asked_by: string;
  asked_at_ms: string;
  status: RemoteRecording['status'];
  kept_at_ms: string | null;
  duration_s: number | null;
  heart_rate_bpm: number | null;
  problem: string | null;
}

function recordingOf(row: RecordingRow): RemoteRecording {
  return {
    id: row.id,
    invitationId: row.invitation_id,
    seconds: row.seconds as RecordingSeconds,
    askedBy: row.asked_by,
    askedAtMs: Number(row.asked_at_ms),
    status: row.status,
    keptAtMs: msOrNull(row.kept_at_ms),
    durationS: row.duration_s,
    heartRateBpm: row.heart_rate_bpm,
    problem: row.problem,
  };
}

/**
 * A request for a recording, unless one of the consult is still unanswered (null then). One
 * unanswered for longer than its length and `staleMs` is given up first: the bed never answered.
 */
export async function askRecording(
  db: Database,
  ask: Pick<RemoteRecording, 'id' | 'invitationId' | 'seconds' | 'askedBy' | 'askedAtMs'>,
  staleMs: number,
  staleWords: string,
): Promise<RemoteRecording | null> {
  await db.query(
    `UPDATE telehealth_recordings SET status = 'refused', problem = $3, answered_at_ms = $2
     WHERE invitation_id = $1 AND status = 'asked' AND asked_at_ms + seconds * 1000 + $4 < $2`,
    [ask.invitationId, ask.askedAtMs, staleWords, staleMs],
  );
  const { rows } = await db.query<RecordingRow>(
    `INSERT INTO telehealth_recordings (id, invitation_id, seconds, asked_by, asked_at_ms)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING *`,
    [ask.id, ask.invitationId, ask.seconds, ask.askedBy, ask.askedAtMs],
  );
  return rows[0] ? recordingOf(rows[0]) : null;
}

/** What became of a request, once (null when it is unknown, another consult's, or answered). */
export async function answerRecording(
  db: Database,
  invitationId: string,
  id: string,
  outcome: RecordingOutcome,
  nowMs: number,
): Promise<RemoteRecording | null> {
  const kept = outcome.status === 'kept';
  const { rows } = await db.query<RecordingRow>(
    `UPDATE telehealth_recordings SET status = $3, kept_at_ms = $4, duration_s = $5,
       heart_rate_bpm = $6, problem = $7, answered_at_ms = $8
     WHERE id = $1 AND invitation_id = $2 AND status = 'asked' RETURNING *`,
    [
      id,
      invitationId,
      outcome.status,
      kept ? outcome.keptAtMs : null,
      kept ? outcome.durationS : null,
      kept ? outcome.heartRateBpm : null,
      kept ? null : outcome.problem,
      nowMs,
    ],
  );
  return rows[0] ? recordingOf(rows[0]) : null;
}

/** Requests still unanswered when the consult ended: refused, with why. */
export async function refuseOpenRecordings(
  db: Database,
  invitationId: string,
  words: string,
  nowMs: number,
): Promise<void> {
  await db.query(
    `UPDATE telehealth_recordings SET status = 'refused', problem = $2, answered_at_ms = $3
     WHERE invitation_id = $1 AND status = 'asked'`,
    [invitationId, words, nowMs],
  );
}

export async function recordingsOf(db: Database, invitationId: string): Promise<RemoteRecording[]> {
  const { rows } = await db.query<RecordingRow>(
    `SELECT * FROM telehealth_recordings WHERE invitation_id = $1
     ORDER BY asked_at_ms, id LIMIT 500`,
    [invitationId],
  );
  return rows.map(recordingOf);
}

const clip = (text: string | null | undefined, chars: number) =>
  text === null || text === undefined ? null : text.slice(0, chars);

export async function audit(db: Database, event: TelehealthEvent): Promise<void> {
  await db.query(
    `INSERT INTO telehealth_events (invitation_id, kind, why, actor, address, user_agent, detail,
       at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      event.invitationId,
      event.kind,
      clip(event.why, 100),
      clip(event.actor, 200),
      clip(event.address, 100),
      clip(event.userAgent, 400),
      clip(event.detail, 2000),
      event.atMs,
    ],
  );
}

/** The audit of one invitation (null: of requests that named none), oldest first. */
export async function eventsOf(db: Database, invitationId: string | null): Promise<StoredEvent[]> {
  const { rows } = await db.query<{
    seq: string;
    invitation_id: string | null;
    kind: TelehealthEventKind;
    why: string | null;
    actor: string | null;
    address: string | null;
    user_agent: string | null;
    detail: string | null;
    at_ms: string;
  }>(`SELECT * FROM telehealth_events WHERE invitation_id IS NOT DISTINCT FROM $1 ORDER BY seq`, [
    invitationId,
  ]);
  return rows.map((row) => ({
    seq: Number(row.seq),
    invitationId: row.invitation_id,
    kind: row.kind,
    why: row.why,
    actor: row.actor,
    address: row.address,
    userAgent: row.user_agent,
    detail: row.detail,
    atMs: Number(row.at_ms),
  }));
}

/**
 * When the invited patient's stay in the bed began: their latest admission or transfer into it on
 * that workstation, as synced; null when none has reached the server yet.
 */
export async function stayStartMs(db: Database, invitation: Invitation): Promise<number | null> {
  const { rows } = await db.query<{ at_ms: string }>(
    `SELECT a.at_ms FROM admissions a
     WHERE a.workstation_id = $1 AND a.patient_id::text = $2 AND a.bed_id = $3
       AND a.event IN ('admitted', 'transferred') AND a.at_ms <= $4
     ORDER BY a.at_ms DESC LIMIT 1`,
    [invitation.workstationId, invitation.patientId, invitation.bedId, invitation.createdAtMs],
  );
  return rows[0] ? Number(rows[0].at_ms) : null;
}

export async function workstationName(db: Database, id: string): Promise<string | null> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM workstations WHERE id = $1', [
    id,
  ]);
  return rows[0]?.name ?? null;
}
