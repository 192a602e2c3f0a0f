// The pure parts of joining a consult from the invitation's link: the token in the address's
// fragment (#t=…, never sent to a server by the browser), the live socket's address with the
// waveform resolution this screen needs, and the sentence of a refusal.
import {
  DEFAULT_POINTS_PER_SECOND,
  MAX_POINTS_PER_SECOND,
  MIN_POINTS_PER_SECOND,
  RedeemRequest,
  VIEWER_PATHS,
  ViewerRefusal,
} from '../../../shared/telehealth/viewer';
import { SWEEP_MM_PER_S, sweepSeconds } from '../components/waveform/sweep-display';
import { telehealthStrings as t } from './strings';

const TOKEN = RedeemRequest.shape.token;

/** The link's token from the fragment (`#t=<token>`), or null when there is none or it is malformed. */
export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('t');
  return token !== null && TOKEN.safeParse(token).success ? token : null;
}

/**
 * Waveform points per second to ask for: the sweep's device pixels across divided by the seconds
 * the sweep shows, so a min/max envelope at that rate fills every pixel column and no more.
 * Clamped to what the server accepts; the default when the width is not known yet.
 */
export function pointsPerSecond(
  widthPx: number,
  devicePixelRatio = 1,
  mmPerS: number = SWEEP_MM_PER_S,
): number {
  if (!(widthPx > 0) || !(mmPerS > 0)) return DEFAULT_POINTS_PER_SECOND;
  const ratio = devicePixelRatio > 0 && Number.isFinite(devicePixelRatio) ? devicePixelRatio : 1;
  const pps = Math.ceil((widthPx * ratio) / sweepSeconds(widthPx, mmPerS));
  return Math.min(MAX_POINTS_PER_SECOND, Math.max(MIN_POINTS_PER_SECOND, pps));
}

/** The one-patient socket on the page's own host (its cookie goes with it), asking for `pps`. */
export function viewerSocketUrl(
  location: Pick<Location, 'protocol' | 'host'>,
  pps: number,
): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${VIEWER_PATHS.socket}?pps=${Math.round(pps)}`;
}

/** What a refused call shows: the server's sentence, and the tries left after a wrong code. */
export interface RefusalWords {
  error: ViewerRefusal['error'] | 'unreadable' | 'unreachable';
  message: string;
  attemptsLeft: string | null;
}

/** The words of a refusal's body (anything: a proxy's HTML page reads as unreadable). */
export function refusalWords(status: number, body: unknown): RefusalWords {
  const refusal = ViewerRefusal.safeParse(body);
  if (!refusal.success || refusal.data.message.trim() === '') {
    return { error: 'unreadable', message: t.unreadableAnswer(status), attemptsLeft: null };
  }
  const { error, message, attemptsLeft } = refusal.data;
  return {
    error,
    message,
    attemptsLeft:
      error === 'wrong-code' && attemptsLeft !== undefined && attemptsLeft >= 0
        ? t.attemptsLeft(attemptsLeft)
        : null,
  };
}

/** The words when no answer came at all (offline, DNS, TLS). */
export const UNREACHABLE: RefusalWords = {
  error: 'unreachable',
  message: t.unreachable,
  attemptsLeft: null,
};
