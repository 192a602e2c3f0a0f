// The remote clinician's side of telehealth, on the central server: the one-patient viewer's page,
// its sign-in with the link's token and the code, its api and its WebSocket. The socket speaks the
// contract's wire (shared/api/wire.ts), but only what watching one patient needs (ALLOWED_*); every
// other request is refused and audited. Auscultation audio comes on its own socket as binary
// frames (audio.ts). Pure: no Node.
import { z } from 'zod';
import type { RequestName, StreamName } from '../api/contract';
import { ConsultNote } from './invitation';

export const VIEWER_PATHS = {
  /** GET: the viewer's page (renderer/telehealth.html); the link's token is in the fragment. */
  page: '/telehealth/',
  /** POST RedeemRequest: ViewerSession and the session cookie; refusals as ViewerRefusal. */
  redeem: '/telehealth/api/redeem',
  /** GET (cookie): ViewerSession, or 401 when the session is gone. */
  session: '/telehealth/api/session',
  /** POST (cookie) NoteRequest: the ConsultNote as kept. */
  notes: '/telehealth/api/notes',
  /** POST (cookie): the viewer leaves; the consult ends ('viewer-left'). */
  leave: '/telehealth/api/leave',
  /**
   * Signing in with the hospital account instead of the code (where the server has OpenID
   * Connect). GET: AccountSignInOffer (and the refusal of this browser's last attempt, once).
   * POST AccountSignInRequest: AccountSignInBegun; the page goes to its url.
   */
  account: '/telehealth/api/account',
  /** Where the provider sends the browser back (a redirect address registered there). */
  accountCallback: '/telehealth/oidc/callback',
  /** WebSocket (cookie, same origin): the contract's wire for the one bed. ?pps=N: see below. */
  socket: '/telehealth/ws',
  /**
   * WebSocket (cookie, same origin): live auscultation of the bed, server → viewer only, each
   * message one frame or a batch of one capture's frames (audio.ts: decodeViewerAudioMessage).
   * Nothing is sent while nobody at the bed shares the stethoscope.
   */
  audio: '/telehealth/audio',
} as const;

/** The cookie that holds a viewer's session (HttpOnly, SameSite=Strict, Path=/telehealth). */
export const VIEWER_SESSION_COOKIE = 'telehealth_session';

/**
 * Waveform points per second per wave the viewer asks for (?pps= on the socket): its screen's
 * pixels across the sweep divided by the sweep's seconds. The server sends a min/max envelope at
 * that rate (a QRS is never lost to decimation); waves slower than it come as they are.
 */
export const MIN_POINTS_PER_SECOND = 20;
export const MAX_POINTS_PER_SECOND = 1000;
export const DEFAULT_POINTS_PER_SECOND = 200;

export const RedeemRequest = z
  .object({
    /** The token from the link's fragment (#t=…). */
    token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/),
    /** The code read over the phone; spaces and dashes are ignored. */
    code: z.string().min(1).max(20),
    /** Who is watching, as the bedside will show it. */
    name: z.string().trim().min(1).max(200),
  })
  .strict();
export type RedeemRequest = z.infer<typeof RedeemRequest>;

/** What the viewer may see, once in. */
export const ViewerSession = z.object({
  invitationId: z.string().uuid(),
  /** The bed's id on the central server (`<workstationId>/<bedId>`): the only one reachable. */
  bedId: z.string(),
  bedLabel: z.string(),
  workstationName: z.string().nullable(),
  viewerName: z.string(),
  invitedBy: z.string(),
  expiresAtMs: z.number().int(),
  /** The server's clock when it answered: the viewer measures its offset for "x s behind". */
  serverNowMs: z.number().int(),
  notes: z.array(ConsultNote),
});
export type ViewerSession = z.infer<typeof ViewerSession>;

export const NoteRequest = z.object({ text: z.string().trim().min(1).max(4000) }).strict();
export type NoteRequest = z.infer<typeof NoteRequest>;

/** A refusal's body: a code for the page and the sentence it shows. */
export const ViewerRefusal = z.object({
  error: z.enum([
    'bad-request',
    'unknown-link',
    'wrong-code',
    'already-opened',
    'ended',
    'not-signed-in',
    'forbidden',
    /** Signing in with the hospital account was refused (who, role, state, replay…). */
    'account-refused',
  ]),
  message: z.string(),
  /** For wrong-code: how many tries are left before the link locks. */
  attemptsLeft: z.number().int().optional(),
});
export type ViewerRefusal = z.infer<typeof ViewerRefusal>;

export const AccountSignInRequest = z.object({ token: RedeemRequest.shape.token }).strict();
export type AccountSignInRequest = z.infer<typeof AccountSignInRequest>;

export const AccountSignInOffer = z.object({
  /** The server signs remote clinicians in with the hospital account. */
  offered: z.boolean(),
  /** Why this browser's last sign-in with the account was refused (told once), if it was. */
  refusal: ViewerRefusal.nullable(),
});
export type AccountSignInOffer = z.infer<typeof AccountSignInOffer>;

export const AccountSignInBegun = z.object({ url: z.string().url() });
export type AccountSignInBegun = z.infer<typeof AccountSignInBegun>;

/** How long a sign-in with the hospital account may take, from the button to the callback. */
export const ACCOUNT_SIGN_IN_VALID_MS = 5 * 60_000;

/** The cookie binding an account sign-in to the browser that began it (HttpOnly, SameSite=Lax). */
export const ACCOUNT_SIGN_IN_COOKIE = 'telehealth_account';

/** What the one-patient socket answers, each for the invited bed only. */
export const ALLOWED_REQUESTS = [
  'getStatus',
  'getTrend',
  'getWaveformWindow',
  'getWaveformExtent',
  'getBeatMarks',
  'findBeatMark',
  'getAlarmLog',
  // The one thing the remote clinician may ask of the bed: keep the stethoscope's sound.
  'askRemoteRecording',
  'remoteRecordings',
] as const satisfies readonly RequestName[];
export const ALLOWED_STREAMS = ['bedLive'] as const satisfies readonly StreamName[];

/**
 * WebSocket close codes the server ends a viewer's socket with; the reason is the sentence shown.
 * A page that gets one of these does not reconnect.
 */
export const VIEWER_CLOSE = {
  /** The consult ended (any EndReason; the reason text says which). */
  ended: 4003,
  /** No session, or it is no longer valid. */
  notSignedIn: 4001,
} as const;

/**
 * Resuming the live view on a fresh socket (the bedLive subscription's extra parameter on
 * /telehealth/ws, read and removed by the one-patient api): `resumeFromMs` is the time just after
 * the newest sample the viewer holds; the server sends the invited bed's samples from then (as far
 * back as it keeps them: REPLAY_KEEP_MS) right after the snapshot, then the live ones, so the
 * trace has neither a gap nor a sample twice. A viewer whose socket has stalled (TCP's retransmit
 * wait after an outage can hold one 10–16 s) opens a new one this way rather than wait.
 */
export const RESUME_PARAM = 'resumeFromMs';
/**
 * With RESUME_PARAM: the tag (?c= on its URL, chosen by the page) of the socket the page gave up.
 * The server cuts that socket at once, its unsent backlog dropped, so the fresh one has the link
 * to itself; only the page that opened a socket knows its tag.
 */
export const REPLACES_PARAM = 'replaces';
/** The socket's tag on /telehealth/ws (?c=), for REPLACES_PARAM: 8 to 32 letters and digits. */
export const SOCKET_TAG_PARAM = 'c';
/** How far back the server keeps a watched bed's samples for a resuming viewer, per wave. */
export const REPLAY_KEEP_MS = 30_000;

interface BlockLike {
  t0: number;
  rateHz: number;
  values: readonly number[];
}

/** The end of a block: the time just after its last sample. */
export function blockEndMs(block: BlockLike): number {
  return block.t0 + (block.values.length * 1000) / block.rateHz;
}

/**
 * The block's samples from `fromMs` on (a sample within half a period of it counts as at it), as
 * the same object when none is cut, null when none is left.
 */
export function samplesFrom<T extends BlockLike>(block: T, fromMs: number): T | null {
  if (!(block.rateHz > 0)) return block;
  const periodMs = 1000 / block.rateHz;
  const skip = Math.max(0, Math.ceil((fromMs - block.t0) / periodMs - 0.5));
  if (skip === 0) return block;
  if (skip >= block.values.length) return null;
  return { ...block, t0: block.t0 + skip * periodMs, values: block.values.slice(skip) };
}
