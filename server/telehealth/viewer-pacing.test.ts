// withFewerPackets: what waits for the next samples, what never waits, how short sample blocks are
// gathered, and that nothing is lost, reordered or sent after the stream has stopped. The api under
// it is a plain event source: the wrapper sees only the events and their order.
import { describe, expect, it } from 'vitest';
import type { SampleBlock } from '../../shared/model/schemas';
import type { CentralApi, CentralEmit } from '../central/central-api';
import { withFewerPackets } from './viewer-pacing';

const block = (t0: number, count: number, channel = 'ECG', rateHz = 100): SampleBlock => ({
  bedId: 'ws/bed-1',
  deviceId: 'dev-1',
  channel,
  rateHz,
  t0,
  values: Array.from({ length: count }, (_, i) => t0 + i),
});

function source() {
  let emit: CentralEmit = () => undefined;
  let stopped = 0;
  let t0 = 0;
  const api: CentralApi = {
    request: async (method) => ({ method }),
    subscribe: async (_stream, _params, e) => {
      emit = e;
      return () => void (stopped += 1);
    },
  };
  return {
    api,
    send: (type: string, n = 0) => emit({ type, n }, `{"type":"${type}","n":${n}}`),
    /** Samples as an IntelliVue sends them: 260 ms of one wave at once. */
    samples: (n = 0) => {
      const event = { type: 'samples', n, blocks: [block(t0, 26)] };
      t0 += 260;
      emit(event, `{"type":"samples","n":${n}}`);
    },
    emitBlocks: (blocks: SampleBlock[]) => emit({ type: 'samples', blocks }),
    stopped: () => stopped,
  };
}

type Got = Array<{ type: string; n?: number; blocks?: SampleBlock[]; text?: string }>;
const collect = (got: Got) => (event: unknown, text?: string) =>
  got.push({ ...(event as Got[number]), text });
const names = (got: Got) => got.map((e) => `${e.type}${e.n ?? ''}`);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withFewerPackets', () => {
  it('holds numerics, beats and NEWS2 for the next samples while waves flow, in their order', async () => {
    const { api, send, samples } = source();
    const got: Got = [];
    await withFewerPackets(api, { holdMs: 5_000 }).subscribe('bedLive', {}, collect(got));
    send('numeric', 1); // no samples yet: a bed without waves holds nothing
    expect(names(got)).toEqual(['numeric1']);
    samples(1); // 260 ms at once: nothing to gather, straight through
    send('numeric', 2);
    send('beats', 1);
    send('news2', 1);
    expect(got).toHaveLength(2);
    samples(2);
    expect(names(got)).toEqual([
      'numeric1',
      'samples1',
      'numeric2',
      'beats1',
      'news21',
      'samples2',
    ]);
    // The text made once for each event goes with it unchanged.
    expect(got[2]!.text).toBe('{"type":"numeric","n":2}');
    expect(got[5]!.text).toBe('{"type":"samples","n":2}');
  });

  it('sends alarms and snapshots at once, with what waited before them', async () => {
    const { api, send, samples } = source();
    const got: Got = [];
    await withFewerPackets(api, { holdMs: 5_000 }).subscribe('bedLive', {}, collect(got));
    samples();
    send('numeric');
    send('alarms');
    expect(names(got)).toEqual(['samples0', 'numeric0', 'alarms0']);
    send('device');
    send('snapshot');
    expect(names(got)).toEqual(['samples0', 'numeric0', 'alarms0', 'device0', 'snapshot0']);
  });

  it("joins each wave's short blocks until one wave has gatherMs waiting; a gap starts a new block", async () => {
    const { api, emitBlocks, send } = source();
    const got: Got = [];
    await withFewerPackets(api, { holdMs: 5_000, gatherMs: 200 }).subscribe(
      'bedLive',
      {},
      collect(got),
    );
    // A Datex's 100 ms: ECG at 100 Hz and CO2 at 25 Hz.
    emitBlocks([block(1000, 10), block(1000, 2, 'CO2', 25)]);
    send('numeric', 1);
    expect(got).toEqual([]);
    emitBlocks([block(1100, 10), block(1080, 3, 'CO2', 25)]);
    expect(names(got)).toEqual(['numeric1', 'samples']);
    const blocks = got[1]!.blocks!;
    expect(blocks.map((b) => [b.channel, b.t0, b.values.length])).toEqual([
      ['ECG', 1000, 20],
      ['CO2', 1000, 5],
    ]);
    expect(blocks[0]!.values.slice(8, 12)).toEqual([1008, 1009, 1100, 1101]);
    // After a gap in the wave's time, the next block stays its own (the viewer draws the gap).
    emitBlocks([block(1300, 10)]);
    emitBlocks([block(1500, 10)]);
    emitBlocks([block(1600, 10)]);
    expect(got[2]!.blocks!.map((b) => [b.t0, b.values.length])).toEqual([
      [1300, 10],
      [1500, 20],
    ]);
  });

  it('sends what waited after its time when nothing more comes, and nothing once stopped', async () => {
    const { api, send, samples, emitBlocks, stopped } = source();
    const got: Got = [];
    const stop = await withFewerPackets(api, { holdMs: 30, gatherMs: 30 }).subscribe(
      'bedLive',
      {},
      collect(got),
    );
    samples();
    send('numeric');
    expect(names(got)).toEqual(['samples0']);
    await wait(80);
    expect(names(got)).toEqual(['samples0', 'numeric0']);
    emitBlocks([block(5000, 1)]); // 10 ms of a wave: waits at most gatherMs
    await wait(80);
    expect(got[2]!.blocks!.map((b) => b.t0)).toEqual([5000]);
    send('numeric');
    stop();
    expect(stopped()).toBe(1);
    await wait(80);
    send('alarms');
    expect(got).toHaveLength(3);
    // Requests pass through untouched.
    expect(await withFewerPackets(api).request('getStatus', {})).toEqual({ method: 'getStatus' });
  });

  it('logs a send that fails from its timer, and still sends the rest', async () => {
    const { api, send, samples } = source();
    const logged: string[] = [];
    const got: string[] = [];
    await withFewerPackets(api, { holdMs: 20, log: (line) => logged.push(line) }).subscribe(
      'bedLive',
      {},
      (event) => {
        const type = (event as { type: string }).type;
        if (type === 'beats') throw new Error('socket gone');
        got.push(type);
      },
    );
    samples();
    send('beats');
    send('numeric');
    await wait(60);
    expect(got).toEqual(['samples', 'numeric']);
    expect(logged).toEqual([
      'telehealth: a live event could not be sent to a viewer: Error: socket gone',
    ]);
  });
});
