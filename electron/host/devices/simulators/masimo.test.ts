import { describe, expect, it, vi } from 'vitest';
import { masimoAscii } from '../drivers/masimo';
import {
  createMasimoSimulator,
  encodeMasimoLine,
  formatMasimoTimestamp,
  type MasimoSimulatorOptions,
} from './masimo';
import {
  decodeCleanly,
  recordingSimulator,
  useFakeTimersInEachTest,
} from '../testing/simulator-harness';

const VITALS = { hr: 72, spo2: 98, rr: 16, tempC: 36.5 };
// Built from local-time parts, so the stamp reads the same in every time zone.
const EXAMPLE_TIME = new Date(2005, 11, 1, 11, 56, 29);

function harness(overrides: Partial<MasimoSimulatorOptions> = {}) {
  const recorded = recordingSimulator<string, ReturnType<typeof createMasimoSimulator>>(
    (options) => createMasimoSimulator({ ...options, onLine: options.onFrame, ...overrides }),
    VITALS,
    EXAMPLE_TIME.getTime(),
  );
  return { ...recorded, lines: recorded.sent };
}

const decodeAll = (writes: Uint8Array[]) => decodeCleanly(masimoAscii, writes);

useFakeTimersInEachTest();

describe('encodeMasimoLine', () => {
  it('reproduces the worked example from the protocol notes', () => {
    const line = encodeMasimoLine({
      at: EXAMPLE_TIME,
      serialNumber: '0123456789',
      spo2: 98,
      bpm: 240,
      piPercent: 20,
      spcoPercent: 1,
      spmetPercent: 0.5,
      desat: 1,
      piDelta: -2,
      pvi: 27,
      alarmBits: 0,
      excBits: 0x820,
    });
    expect(line).toBe(
      '12/01/05 11:56:29 SN=0123456789 SPO2=098% BPM=240 PI=20.00% SPCO=01.0% SPMET=00.5% ' +
        'DESAT=01 PIDELTA=-02 PVI=027 ALARM=0000 EXC=000820\r\n',
    );
  });

  it('sends --- for values it does not have, which the decoder omits', () => {
    const line = encodeMasimoLine({
      at: EXAMPLE_TIME,
      serialNumber: '0000000001',
      alarmBits: 0x12,
    });
    expect(line).toContain('SPO2=--- BPM=---');
    const [frame] = masimoAscii.createDecoder().push(new TextEncoder().encode(line));
    expect(frame).toEqual({
      samples: {},
      numerics: {},
      flags: ['device-alarm:spo2-low', 'device-alarm-active'],
    });
  });

  it('formats the timestamp as MM/DD/YY HH:MM:SS', () => {
    expect(formatMasimoTimestamp(new Date(2031, 0, 2, 3, 4, 5))).toBe('01/02/31 03:04:05');
  });
});

describe('createMasimoSimulator', () => {
  it('writes one line per second that decodes back to the vitals', () => {
    const { writes, lines, simulator, advance } = harness();
    simulator.start();
    for (let i = 0; i < 30; i++) advance(100);
    simulator.setVitals({ hr: 130.4, spo2: 88.6 });
    for (let i = 0; i < 30; i++) advance(100);
    simulator.stop();
    expect(simulator.linesSent).toBe(7); // lines 0..6: line 6 is due at exactly 6 s
    expect(lines[0]?.startsWith('12/01/05 11:56:29 ')).toBe(true);
    expect(lines[6]?.startsWith('12/01/05 11:56:35 ')).toBe(true);
    const frames = decodeAll(writes);
    expect(frames).toHaveLength(7);
    expect(frames[0]).toEqual({
      samples: {},
      numerics: {
        MDC_PULS_OXIM_SAT_O2: 98,
        MDC_PULS_OXIM_PULS_RATE: 72,
        MDC_PULS_OXIM_PERF_REL: 2.5,
        MASIMO_SPCO: 1,
        MASIMO_SPMET: 0.5,
        MASIMO_PVI: 15,
      },
      flags: [],
    });
    expect(frames[6]?.numerics).toMatchObject({
      MDC_PULS_OXIM_SAT_O2: 89,
      MDC_PULS_OXIM_PULS_RATE: 130,
    });
  });

  it('paces by the clock: line n at startedAt + n s, one write per tick', () => {
    const { clock, writes, indices, simulator, advance } = harness({ tickMs: 1 });
    simulator.start();
    const startedAt = clock.ms;
    expect(simulator.startedAt).toBe(startedAt);
    expect(writes).toHaveLength(1);
    for (const stepMs of [999, 1, 500, 499, 1, 2000]) {
      const before = writes.length;
      advance(stepMs);
      expect(writes.length - before).toBeLessThanOrEqual(1);
      expect(simulator.linesSent).toBe(Math.floor((clock.ms - startedAt) / 1000) + 1);
    }
    expect(clock.ms - startedAt).toBe(4000);
    expect(indices).toEqual([0, 1, 2, 3, 4]);
  });

  it('drops the backlog after a long stall', () => {
    const { writes, simulator, clock } = harness();
    simulator.start();
    clock.ms += 60_000;
    vi.advanceTimersByTime(100);
    expect(decodeAll(writes.slice(1))).toHaveLength(2);
  });

  it('does not write when stopped', () => {
    const { writes, simulator, advance } = harness();
    simulator.start();
    simulator.stop();
    advance(5000);
    expect(writes).toHaveLength(1);
  });
});
