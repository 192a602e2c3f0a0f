// Fewer packets for a remote viewer on a poor link. Over TCP every packet lost holds up everything
// sent after it until it is sent again, at least a round trip later (600 ms and more on a 300 ms
// link): each packet is one more chance of such a stall, and each carries its own headers.
//
// - While a bed's waves flow, numerics, beat marks, NEWS2 and device states wait for the next
//   samples and leave in the same message (bindViewerSocket sends the events of one turn as one),
//   at most `holdMs` (60 ms) later, before the samples, as they came. A bed with no waves holds
//   nothing.
// - Samples of a device that sends short blocks (the Datex S/5: every 100 ms) are gathered until
//   one wave has `gatherMs` of them waiting (at most `gatherMs` after the first came), each wave's
//   consecutive blocks joined into one: a block's JSON (ids, channel, rate, time) is then sent
//   once where it was sent two or three times. A device that already sends that much at once
//   (the IntelliVue: 256 ms) goes straight through.
// - Alarms and snapshots never wait: they take whatever waits with them, in order, before them.
import type { SampleBlock } from '../../shared/model/schemas';
import type { CentralApi, CentralEmit } from '../central/central-api';

/** Event types that ride with the next samples rather than in a packet of their own. */
const RIDES_WITH_SAMPLES: ReadonlySet<string> = new Set(['numeric', 'beats', 'news2', 'device']);
/**
 * The longest an event waits for samples to ride with. A device's numerics tend to come just
 * before its next waves (the demo's IntelliVue: 4 to 40 ms); one that comes long before them goes
 * alone rather than late.
 */
export const RIDE_AT_MOST_MS = 60;
/** Samples are gathered until one wave has this much waiting. */
export const GATHER_SAMPLES_MS = 200;
/** Samples seen this recently: the waves are flowing, so riding with them is worth the wait. */
const FLOWING_WITHIN_MS = 1_000;

export interface PacingOptions {
  log?: (line: string) => void;
  holdMs?: number;
  gatherMs?: number;
  now?: () => number;
}

/** Joins `block` to the waiting block it continues (same wave and rate, no gap), or adds it. */
function gather(waiting: SampleBlock[], block: SampleBlock): void {
  const periodMs = 1000 / block.rateHz;
  const before = waiting.find(
    (w) =>
      w.deviceId === block.deviceId &&
      w.channel === block.channel &&
      w.rateHz === block.rateHz &&
      w.bedId === block.bedId &&
      Math.abs(w.t0 + w.values.length * periodMs - block.t0) < periodMs / 2,
  );
  if (before) before.values.push(...block.values);
  else waiting.push({ ...block, values: [...block.values] });
}

/** The longest stretch of one wave waiting, in ms. */
const spanMs = (blocks: SampleBlock[]) =>
  Math.max(0, ...blocks.map((b) => (b.values.length * 1000) / b.rateHz));

export function withFewerPackets(
  api: CentralApi,
  {
    log = console.error,
    holdMs = RIDE_AT_MOST_MS,
    gatherMs = GATHER_SAMPLES_MS,
    now = Date.now,
  }: PacingOptions = {},
): CentralApi {
  return {
    request: (method, params) => api.request(method, params),
    async subscribe(stream, params, emit: CentralEmit) {
      let held: Array<Parameters<CentralEmit>> = [];
      /** Samples gathered, and the event as it came when it is the only one (its text reused). */
      let samples: SampleBlock[] = [];
      let only: Parameters<CentralEmit> | null = null;
      let timer: ReturnType<typeof setTimeout> | null = null;
      let dueAtMs = Infinity;
      let samplesAtMs = -Infinity;
      let stopped = false;
      const release = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        dueAtMs = Infinity;
        const waiting = held;
        held = [];
        if (samples.length > 0) {
          waiting.push(only ?? [{ type: 'samples', blocks: samples }]);
          samples = [];
          only = null;
        }
        // From a timer too: a failing send must not take the server down, nor the rest with it.
        for (const args of waiting) {
          try {
            emit(...args);
          } catch (error) {
            log(`telehealth: a live event could not be sent to a viewer: ${String(error)}`);
          }
        }
      };
      /** Whatever waits leaves within `ms` (or sooner, when it was due sooner). */
      const wait = (ms: number) => {
        if (now() + ms >= dueAtMs) return;
        if (timer) clearTimeout(timer);
        dueAtMs = now() + ms;
        timer = setTimeout(release, ms);
      };
      const unsubscribe = await api.subscribe(stream, params, (event, text) => {
        if (stopped) return;
        const type = (event as { type?: unknown } | null)?.type;
        if (type === 'samples') {
          samplesAtMs = now();
          const blocks = (event as { blocks?: unknown }).blocks;
          if (!Array.isArray(blocks)) return void emit(event, text);
          only = samples.length === 0 ? [event, text] : null;
          for (const block of blocks as SampleBlock[]) gather(samples, block);
          if (spanMs(samples) >= gatherMs) release();
          else wait(gatherMs);
          return;
        }
        if (
          typeof type === 'string' &&
          RIDES_WITH_SAMPLES.has(type) &&
          now() - samplesAtMs < FLOWING_WITHIN_MS
        ) {
          held.push([event, text]);
          wait(holdMs);
          return;
        }
        release();
        emit(event, text);
      });
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        held = [];
        samples = [];
        unsubscribe();
      };
    },
  };
}
