// The hospital central station's accesses, written to station_access_log (migration 019): a
// viewer's socket opening a bed's own screen (bedLive with every wave; a tile's primary wave is
// not an opening) and reading its history. Once a minute per socket, bed and kind, since review's
// scrolling asks for many windows. Wraps the central api given to one viewer's socket; what it
// answers is unchanged, and a failed write is logged, never in the viewer's way.
import type { Database } from '../db/database';
import type { CentralApi } from './central-api';
import { bedRefOf } from './central-api';

/** Reads of a bed's history the log names (the contract's request names). */
const HISTORY_READS: ReadonlySet<string> = new Set([
  'getTrend',
  'getWaveformWindow',
  'getWaveformExtent',
  'getBeatMarks',
  'findBeatMark',
  'getAlarmLog',
]);
const EVERY_MS = 60_000;

export interface StationViewer {
  address: string | null;
  userAgent: string | null;
}

export function loggedStationApi(
  api: CentralApi,
  db: Database,
  viewer: StationViewer,
  log: (line: string) => void,
  now: () => number = Date.now,
): CentralApi {
  const lastAt = new Map<string, number>();
  const note = (action: string, params: unknown, detail: string | null) => {
    const bedId = (params as { bedId?: unknown } | null)?.bedId;
    const ref = typeof bedId === 'string' ? bedRefOf(bedId) : null;
    if (!ref) return;
    const key = `${action}\u0000${bedId as string}`;
    if (now() - (lastAt.get(key) ?? -Infinity) < EVERY_MS) return;
    lastAt.set(key, now());
    db.query(
      `INSERT INTO station_access_log (at, address, user_agent, action, workstation_id, bed_id,
         detail) VALUES (to_timestamp($1 / 1000.0), $2, $3, $4, $5, $6, $7)`,
      [
        now(),
        viewer.address,
        viewer.userAgent?.slice(0, 300) ?? null,
        action,
        ref.workstationId,
        ref.bedId,
        detail,
      ],
    ).catch((error: unknown) =>
      log(
        `central: the station's ${action} of ${bedId as string} was not logged: ${String(error)}`,
      ),
    );
  };
  return {
    async request(method, params) {
      const answer = await api.request(method, params);
      if (HISTORY_READS.has(method)) {
        const { fromMs, toMs } = (params ?? {}) as { fromMs?: unknown; toMs?: unknown };
        note(
          method,
          params,
          typeof fromMs === 'number' && typeof toMs === 'number'
            ? `from ${new Date(fromMs).toISOString()} to ${new Date(toMs).toISOString()}`
            : null,
        );
      }
      return answer;
    },
    async subscribe(stream, params, emit) {
      const unsubscribe = await api.subscribe(stream, params, emit);
      if (
        stream === 'bedLive' &&
        (params as { waveforms?: unknown } | null)?.waveforms !== 'primary'
      )
        note('bedLive', params, null);
      return unsubscribe;
    },
  };
}
