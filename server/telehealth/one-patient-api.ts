// The central api as a telehealth link sees it: one bed, one patient, looking only. Wraps the
// hospital central station's api (central-api.ts): the requests and streams of ALLOWED_* and only
// for the invited bed; review reads cut to the invited patient's stay (from their admission or
// transfer into the bed, as synced; from the invitation when none has reached the server); every
// live event through the viewer's decimator. The one thing it may ask of the bed is to keep the
// stethoscope's sound (askRemoteRecording), for its own consult only (scope.recordings, which knows
// the consult). Anything else — acting on the bed, another bed,
// another stream — is refused as 'forbidden' and told to `onForbidden` for the audit. A live
// snapshot that shows another patient, or nobody, in the bed is told to `onPatientLeft` and goes
// no further.
import { requests, type BedLiveEvent } from '../../shared/api/contract';
import { ApiError, describeIssues } from '../../shared/api/errors';
import type { Bed, SampleBlock, Status } from '../../shared/model/schemas';
import { createWaveDecimator } from '../../shared/telehealth/decimate';
import type { RecordingSeconds, RemoteRecording } from '../../shared/telehealth/invitation';
import {
  ALLOWED_REQUESTS,
  ALLOWED_STREAMS,
  REPLAY_KEEP_MS,
  REPLACES_PARAM,
  RESUME_PARAM,
  blockEndMs,
  samplesFrom,
} from '../../shared/telehealth/viewer';
import type { CentralApi } from '../central/central-api';

export interface OnePatientScope {
  /** The bed's id on the central server (`<workstationId>/<bedId>`). */
  bedId: string;
  patientId: string;
  /** Points per second per wave the viewer asked for (already clamped). */
  pointsPerSecond: number;
  /** Where the patient's stay in the bed began (UTC ms): nothing older is shown. */
  stayStartMs(): Promise<number>;
  now(): number;
  onForbidden(what: string): void;
  /** An allowed read of the bed's history (for the server's trail of what was opened). */
  onRead?(method: string, input: Record<string, unknown>): void;
  onPatientLeft(bed: Bed): void;
  /**
   * The consult's requests for recordings of the stethoscope (telehealth.ts askRecording, which
   * audits each); without it such a request is refused.
   */
  recordings?: {
    ask(seconds: RecordingSeconds): Promise<RemoteRecording>;
    list(): Promise<RemoteRecording[]>;
  };
  /**
   * The bed's kept samples from a time on (replay-buffer.ts), for a viewer that resumes on a new
   * socket (RESUME_PARAM); without it a resuming viewer gets the live samples only.
   */
  replaySince?(fromMs: number): SampleBlock[];
  /** A resuming viewer names the socket it gave up (REPLACES_PARAM): cut it. */
  onReplaces?(tag: string): void;
}

export const NO_RECORDINGS = 'This central server cannot take a request for a recording.';

const allowedRequests: ReadonlySet<string> = new Set(ALLOWED_REQUESTS);
const allowedStreams: ReadonlySet<string> = new Set(ALLOWED_STREAMS);

export const ONE_PATIENT_ONLY =
  'This consult link shows one patient and only looks: that is done at the bed, by the nurse.';
const OTHER_BED = 'This consult link shows only the bed it was made for.';

/** Whether the bed shows someone other than the invited patient while it is live. */
export function showsAnotherPatient(bed: Bed, patientId: string): boolean {
  return bed.offline === undefined && bed.patient?.id !== patientId;
}

export function onePatientApi(central: CentralApi, scope: OnePatientScope): CentralApi {
  const forbidden = (what: string, words: string) => {
    scope.onForbidden(what);
    return new ApiError('forbidden', words);
  };

  /** The request's input as the contract reads it, refused unless it names the invited bed. */
  const inputFor = (method: (typeof ALLOWED_REQUESTS)[number], params: unknown) => {
    const parsed = requests[method].input.safeParse(params ?? {});
    if (!parsed.success)
      throw new ApiError('invalid_request', describeIssues(`${method} request`, parsed.error));
    const input = parsed.data as Record<string, unknown>;
    if (method !== 'getStatus' && input.bedId !== scope.bedId)
      throw forbidden(`${method} of bed ${String(input.bedId)}`, OTHER_BED);
    return input;
  };

  /** [fromMs, toMs) cut to the stay so far; null when nothing of it is left. */
  const withinStay = async (fromMs: number, toMs: number) => {
    const from = Math.max(fromMs, await scope.stayStartMs());
    const to = Math.min(toMs, scope.now() + 1);
    return to > from ? { fromMs: from, toMs: to } : null;
  };

  async function status(): Promise<Status> {
    const all = (await central.request('getStatus', {})) as Status;
    const bed = all.beds.find((b) => b.id === scope.bedId);
    if (bed && showsAnotherPatient(bed, scope.patientId)) {
      scope.onPatientLeft(bed);
      return { ...all, beds: [] };
    }
    return { ...all, beds: bed ? [bed] : [] };
  }

  return {
    async request(method, params) {
      if (!allowedRequests.has(method))
        throw forbidden(`request ${method.slice(0, 60)}`, ONE_PATIENT_ONLY);
      const name = method as (typeof ALLOWED_REQUESTS)[number];
      const input = inputFor(name, params);
      if (name === 'askRemoteRecording' || name === 'remoteRecordings') {
        // Not the bed's history, and not the station's to answer: the consult's own.
        if (!scope.recordings) throw new ApiError('invalid_request', NO_RECORDINGS);
        return name === 'askRemoteRecording'
          ? scope.recordings.ask(input.seconds as RecordingSeconds)
          : scope.recordings.list();
      }
      if (name !== 'getStatus') scope.onRead?.(name, input);
      switch (name) {
        case 'getStatus':
          return status();
        case 'getWaveformExtent': {
          const extent = (await central.request(name, input)) as {
            oldestMs: number;
            newestMs: number;
          } | null;
          if (!extent) return null;
          const stay = await withinStay(extent.oldestMs, extent.newestMs + 1);
          return stay
            ? { oldestMs: stay.fromMs, newestMs: Math.max(stay.fromMs, stay.toMs - 1) }
            : null;
        }
        case 'findBeatMark': {
          const start = await scope.stayStartMs();
          const fromMs = Math.max(input.fromMs as number, start);
          if (input.direction === 'previous' && (input.fromMs as number) < start) return null;
          const mark = (await central.request(name, { ...input, fromMs })) as {
            atMs: number;
          } | null;
          return mark && mark.atMs >= start && mark.atMs <= scope.now() ? mark : null;
        }
        case 'getAlarmLog': {
          const stay = await withinStay(
            (input.fromMs as number | undefined) ?? 0,
            (input.toMs as number | undefined) ?? Number.MAX_SAFE_INTEGER,
          );
          return stay ? central.request(name, { ...input, ...stay }) : [];
        }
        default: {
          const stay = await withinStay(input.fromMs as number, input.toMs as number);
          return stay ? central.request(name, { ...input, ...stay }) : [];
        }
      }
    },

    async subscribe(stream, params, emit) {
      if (!allowedStreams.has(stream))
        throw forbidden(`stream ${stream.slice(0, 60)}`, ONE_PATIENT_ONLY);
      const {
        [RESUME_PARAM]: resume,
        [REPLACES_PARAM]: replaces,
        ...rest
      } = (params ?? {}) as Record<string, unknown>;
      const bedId = rest.bedId;
      if (bedId !== scope.bedId) throw forbidden(`bedLive of bed ${String(bedId)}`, OTHER_BED);
      if (typeof replaces === 'string') scope.onReplaces?.(replaces);
      // Resuming: from a time within what is kept, else from now (the gap is then shown); never
      // from before the invited patient's stay in the bed (the kept waves are the bed's: the
      // patient before them may be in the last seconds).
      let resumeFromMs =
        typeof resume === 'number' &&
        Number.isFinite(resume) &&
        resume > scope.now() - 2 * REPLAY_KEEP_MS
          ? Math.max(resume, await scope.stayStartMs())
          : null;
      /** Per wave, the end of what the replay sent: the live samples continue from there. */
      const replayed = new Map<string, number>();
      const keyOf = (block: SampleBlock) => `${block.deviceId}\u0000${block.channel}`;
      // One decimator per subscription: it keeps each wave's envelope across events.
      const decimate = createWaveDecimator(scope.pointsPerSecond);
      let left = false;
      const send = (event: BedLiveEvent, text?: string) => {
        const out = decimate(event);
        // Every sample still waiting in its bucket: nothing to send yet.
        if (out.type === 'samples' && out.blocks.length === 0) return;
        emit(out, out === event ? text : undefined);
      };
      return central.subscribe(stream, rest, (raw, text) => {
        if (left) return;
        let event = raw as BedLiveEvent;
        if (event.type === 'snapshot' && showsAnotherPatient(event.bed, scope.patientId)) {
          left = true;
          scope.onPatientLeft(event.bed);
          return;
        }
        if (event.type === 'samples' && replayed.size > 0) {
          // Nothing the replay already sent goes twice. Only the first live block of a wave can overlap it (the relay's listeners are called
          // in order): after that a wave is left alone, even if its device's clock goes back.
          const blocks = event.blocks.flatMap((block) => {
            const end = replayed.get(keyOf(block));
            if (end === undefined) return [block];
            replayed.delete(keyOf(block));
            const cut = samplesFrom(block, end);
            return cut ? [cut] : [];
          });
          if (blocks.length === 0) return;
          const before = event.blocks;
          if (blocks.length !== before.length || blocks.some((b, n) => b !== before[n]))
            [event, text] = [{ type: 'samples', blocks }, undefined];
        }
        send(event, text);
        if (event.type === 'snapshot' && resumeFromMs !== null && scope.replaySince) {
          // The samples the viewer missed, right after the snapshot, before any live one.
          const blocks = scope.replaySince(resumeFromMs);
          resumeFromMs = null;
          for (const block of blocks) {
            const key = keyOf(block);
            replayed.set(key, Math.max(replayed.get(key) ?? -Infinity, blockEndMs(block)));
          }
          if (blocks.length > 0) send({ type: 'samples', blocks });
        }
      });
    },
  };
}
