// The workstation's contract (shared/api), answered by the central server for the hospital central
// station: the same renderer asks the same requests and streams. getStatus lists every bed of
// every enrolled workstation (ids `<workstationId>/<bedId>`, grouped by unit and workstation), the
// bedLive stream comes from the live relay, and trends, review and the alarm log read the server's
// copy in PostgreSQL. Whatever acts on a bed is refused: that is done at the workstation.
import {
  isRequestName,
  isStreamName,
  requests,
  streams,
  type BedLiveEvent,
  type StreamEvent,
} from '../../shared/api/contract';
import { ApiError, describeIssues } from '../../shared/api/errors';
import type { Bed, Status } from '../../shared/model/schemas';
import { quietBedAlarms } from '../../shared/model/alarm-defaults';
import type { LiveRelay } from '../live/relay';
import { namespacedBedId } from '../live/relay-message';
import type { BedRef, CentralHistory, StoredBed } from './history';
import type { MarkedBeatClass } from '../../shared/api/contract-beats';

/** A stream's event, with its JSON when it was made once for every viewer alike. */
export type CentralEmit = (event: unknown, text?: string) => void;

export interface CentralApi {
  request(method: string, params: unknown): Promise<unknown>;
  /** Starts a stream; rejects with ApiError for an unknown stream, bad params or an unknown bed. */
  subscribe(stream: string, params: unknown, emit: CentralEmit): Promise<() => void>;
}

export interface CentralApiOptions {
  relay: LiveRelay;
  history: CentralHistory;
  log?: (message: string) => void;
  /** How long the list of stored beds is kept before it is read again. */
  storedBedsTtlMs?: number;
  /** How often a bed shown from the database looks for its workstation coming back live. */
  offlineRecheckMs?: number;
  now?: () => number;
}

export const AT_THE_BED =
  'Do this at the workstation at the bed: the hospital central station shows every bed but acts on none.';

const DEFAULT_LOG_ENTRIES = 1000;
const STORED_BEDS_TTL_MS = 15_000;
const OFFLINE_RECHECK_MS = 2_000;

/** `<workstationId>/<bedId>` → its parts (a workstation's own bed ids hold no '/'). */
export function bedRefOf(id: string): BedRef | null {
  const slash = id.lastIndexOf('/');
  if (slash <= 0 || slash === id.length - 1) return null;
  return { workstationId: id.slice(0, slash), bedId: id.slice(slash + 1) };
}

export function createCentralApi(options: CentralApiOptions): CentralApi {
  const { relay, history } = options;
  const log = options.log ?? ((message: string) => console.error(message));
  const now = options.now ?? Date.now;
  const ttlMs = options.storedBedsTtlMs ?? STORED_BEDS_TTL_MS;
  let storedBeds: { atMs: number; beds: Promise<StoredBed[]> } | null = null;
  const screens = { open: 0, canSound: 0, listeners: new Set<() => void>() };

  /** The database's beds, read at most once per ttl whoever asks (every viewer polls status). */
  function readStoredBeds(): Promise<StoredBed[]> {
    if (!storedBeds || now() - storedBeds.atMs > ttlMs) {
      const beds = history.storedBeds();
      storedBeds = { atMs: now(), beds };
      beds.catch(() => {
        if (storedBeds?.beds === beds) storedBeds = null;
      });
    }
    return storedBeds.beds;
  }

  /** Every bed: live ones from the relay, the others from the database, shown offline. */
  async function allBeds(): Promise<Bed[]> {
    const live = relay.listBeds();
    const liveIds = new Set(live.map((bed) => bed.id));
    const liveWorkstations = new Set(
      live.filter((bed) => !bed.offline).map((bed) => bed.site?.workstationId),
    );
    let stored: StoredBed[] = [];
    try {
      stored = await readStoredBeds();
    } catch (error) {
      log(`central: the stored beds could not be read: ${String(error)}`);
    }
    const fromDatabase = stored
      .filter((bed) => !liveWorkstations.has(bed.workstationId))
      .map(offlineBed)
      .filter((bed) => !liveIds.has(bed.id));
    return [...live, ...fromDatabase].sort(bySite);
  }

  async function storedBed(id: string): Promise<Bed | null> {
    const stored = await readStoredBeds().catch(() => []);
    const found = stored.find((bed) => namespacedBedId(bed.workstationId, bed.bedId) === id);
    return found ? offlineBed(found) : null;
  }

  function refOrThrow(bedId: string): BedRef {
    const ref = bedRefOf(bedId);
    if (!ref) throw new ApiError('not_found', `There is no bed "${bedId}" on the central server.`);
    return ref;
  }

  const handlers: Partial<Record<string, (input: never) => unknown>> = {
    getStatus: async (): Promise<Status> => ({
      devices: [],
      beds: await allBeds(),
      notices: [],
      origin: 'central',
    }),
    getTrend: (input: {
      bedId: string;
      codes: string[];
      fromMs: number;
      toMs: number;
      maxPoints?: number;
    }) => history.trend({ ...refOrThrow(input.bedId), ...withoutBed(input) }),
    getWaveformWindow: (input: {
      bedId: string;
      fromMs: number;
      toMs: number;
      channels?: string[];
    }) => history.waveformWindow({ ...refOrThrow(input.bedId), ...withoutBed(input) }),
    getWaveformExtent: (input: { bedId: string }) =>
      history.waveformExtent(refOrThrow(input.bedId)),
    getBeatMarks: (input: { bedId: string; fromMs: number; toMs: number }) =>
      history.beatMarks({ ...refOrThrow(input.bedId), fromMs: input.fromMs, toMs: input.toMs }),
    findBeatMark: (input: {
      bedId: string;
      beatClass: MarkedBeatClass;
      fromMs: number;
      direction: 'next' | 'previous';
    }) => history.findBeatMark({ ...refOrThrow(input.bedId), ...withoutBed(input) }),
    getAlarmLog: (input: { bedId: string; fromMs?: number; toMs?: number; limit?: number }) =>
      history.alarmLog({
        ...refOrThrow(input.bedId),
        fromMs: input.fromMs ?? 0,
        toMs: input.toMs ?? now() + 1,
        limit: input.limit ?? DEFAULT_LOG_ENTRIES,
      }),
  };

  return {
    async request(method, params) {
      if (!isRequestName(method))
        throw new ApiError('unknown_method', `Unknown request "${method}".`);
      const handler = handlers[method];
      if (!handler) throw new ApiError('invalid_request', AT_THE_BED);
      const parsed = requests[method].input.safeParse(params ?? {});
      if (!parsed.success)
        throw new ApiError('invalid_request', describeIssues(`${method} request`, parsed.error));
      try {
        return await handler(parsed.data as never);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        log(
          `central: ${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        throw new ApiError(
          'internal',
          `The central server could not complete "${method}". Details are in its log.`,
        );
      }
    },

    async subscribe(stream, params, emit) {
      if (!isStreamName(stream))
        throw new ApiError('unknown_method', `Unknown stream "${stream}".`);
      const parsed = streams[stream].input.safeParse(params ?? {});
      if (!parsed.success)
        throw new ApiError(
          'invalid_request',
          describeIssues(`${stream} subscription`, parsed.error),
        );
      if (stream === 'screen') {
        const { canSound } = parsed.data as StreamEvent<'screen'> & { canSound: boolean };
        return followScreens(canSound, emit);
      }
      if (stream !== 'bedLive') throw new ApiError('invalid_request', AT_THE_BED);
      const { bedId, waveforms = 'all' } = parsed.data as {
        bedId: string;
        waveforms?: 'all' | 'primary';
      };
      const live = relay.subscribe(bedId, waveforms, (event, text) => emit(event, text));
      if (live) return live;
      refOrThrow(bedId);
      const bed = await storedBed(bedId);
      if (!bed)
        throw new ApiError('not_found', `There is no bed "${bedId}" on the central server.`);
      return followStoredBed(bed, waveforms, emit);
    },
  };

  /**
   * A bed the relay does not know (its workstation has not connected since the server started):
   * its offline snapshot from the database, then the relay's stream once the workstation is back.
   */
  function followStoredBed(bed: Bed, waveforms: 'all' | 'primary', emit: CentralEmit) {
    const snapshot: BedLiveEvent = { type: 'snapshot', bed, devices: [], channels: [] };
    emit(snapshot);
    let live: (() => void) | null = null;
    const timer = setInterval(() => {
      if (!relay.hasBed(bed.id)) return;
      clearInterval(timer);
      live = relay.subscribe(bed.id, waveforms, (event, text) => emit(event, text));
    }, options.offlineRecheckMs ?? OFFLINE_RECHECK_MS);
    return () => {
      clearInterval(timer);
      live?.();
    };
  }

  /** Central screens count themselves as the workstation's do (none of them acts on alarms). */
  function followScreens(canSound: boolean, emit: CentralEmit) {
    screens.open += 1;
    if (canSound) screens.canSound += 1;
    const tell = () => emit({ type: 'screens', open: screens.open, canSound: screens.canSound });
    screens.listeners.add(tell);
    for (const listener of screens.listeners) listener();
    return () => {
      screens.open -= 1;
      if (canSound) screens.canSound -= 1;
      screens.listeners.delete(tell);
      for (const listener of screens.listeners) listener();
    };
  }
}

function withoutBed<T extends { bedId: string }>(input: T): Omit<T, 'bedId'> {
  const { bedId: _bedId, ...rest } = input;
  return rest;
}

/** A bed known from the database only: shown offline, since its workstation was last heard. */
function offlineBed(stored: StoredBed): Bed {
  return {
    id: namespacedBedId(stored.workstationId, stored.bedId),
    label: stored.label,
    deviceIds: [],
    numerics: {},
    alarms: [],
    ...quietBedAlarms(),
    patient: null,
    site: {
      workstationId: stored.workstationId,
      workstationName: stored.workstationName,
      unit: stored.unit,
    },
    offline: {
      sinceMs: stored.lastSeenMs ?? stored.lastDataMs ?? 0,
      lastDataMs: stored.lastDataMs,
    },
  };
}

/** Unit, then workstation, then the bed's label in natural order ("Bed 2" before "Bed 10"). */
function bySite(a: Bed, b: Bed): number {
  const unit = (a.site?.unit ?? '\uffff').localeCompare(b.site?.unit ?? '\uffff');
  if (unit !== 0) return unit;
  const workstation = (a.site?.workstationName ?? '').localeCompare(b.site?.workstationName ?? '');
  if (workstation !== 0) return workstation;
  const byId = (a.site?.workstationId ?? '').localeCompare(b.site?.workstationId ?? '');
  if (byId !== 0) return byId;
  return a.label.localeCompare(b.label, undefined, { numeric: true });
}
