// The printer is readied (its worker started) once, a while after the workstation starts, so the
// first alarm strip does not wait for it; a workstation that stops before never does it. An alarm
// strip lost with the strip worker is printed again, once. The clock is a hand-driven stand-in
// (AlarmStripTimers is injected for this), and so is the printer.
import { describe, expect, it } from 'vitest';
import type { AlarmLogEntry } from '../alarms/alarm-system';
import type { StoredStrip } from '../store/client';
import { ApiError } from '../../../shared/api/errors';
import {
  AlarmStrips,
  ARRIVAL_ALLOWANCE_MS,
  WARM_UP_AFTER_MS,
  type AlarmStripTimers,
} from './alarm-strips';
import { StripInterruptedError } from './strip-interrupted';
import type { StripRequest } from './strip-printer';

function handClock() {
  let nowMs = 0;
  const due = new Map<number, { atMs: number; run: () => void }>();
  let next = 1;
  const timers: AlarmStripTimers = {
    now: () => nowMs,
    setTimeout: (run, delayMs) => {
      due.set(next, { atMs: nowMs + delayMs, run });
      return next++;
    },
    clearTimeout: (handle) => void due.delete(handle as number),
  };
  const advance = (ms: number) => {
    nowMs += ms;
    for (const [handle, timer] of [...due]) {
      if (timer.atMs <= nowMs) {
        due.delete(handle);
        timer.run();
      }
    }
  };
  return { timers, advance };
}

function strips(warmUp: () => Promise<void>, log: string[] = []) {
  const clock = handClock();
  const alarmStrips = new AlarmStrips({
    bedOf: () => null,
    print: async () => null,
    log: (message) => log.push(message),
    timers: clock.timers,
    warmUp,
  });
  return { alarmStrips, ...clock };
}

describe('AlarmStrips warm-up', () => {
  it('readies the printer once, WARM_UP_AFTER_MS after the start', async () => {
    let warmed = 0;
    const { advance } = strips(async () => void warmed++);
    advance(WARM_UP_AFTER_MS - 1);
    expect(warmed).toBe(0);
    advance(1);
    expect(warmed).toBe(1);
    advance(10 * WARM_UP_AFTER_MS);
    expect(warmed).toBe(1);
  });

  it('does not when the workstation stops first', async () => {
    let warmed = 0;
    const { alarmStrips, advance } = strips(async () => void warmed++);
    await alarmStrips.stop();
    advance(2 * WARM_UP_AFTER_MS);
    expect(warmed).toBe(0);
  });

  it('says so when the fonts cannot be read', async () => {
    const log: string[] = [];
    const { advance } = strips(async () => {
      throw new Error('The fonts for printing strips (resources/fonts) are missing.');
    }, log);
    advance(WARM_UP_AFTER_MS);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual([
      'Strips cannot be printed: The fonts for printing strips (resources/fonts) are missing.',
    ]);
  });
});

describe('AlarmStrips printing', () => {
  const raised = (id: string, atMs: number) =>
    ({
      event: 'raised',
      at: atMs,
      actor: 'workstation',
      alarm: { id, priority: 'high', message: 'Desaturation' },
      code: 'SPO2_LOW',
      message: 'Desaturation',
      reason: null,
    }) as unknown as AlarmLogEntry;

  /** The printer's failure as printStrip reports it: an ApiError made from the renderer's error. */
  const refusal = (cause: Error) => {
    const error = new ApiError('internal', `The strip could not be printed. ${cause.message}`);
    error.cause = cause;
    return error;
  };

  async function printedWith(...outcomes: Array<Error | null>) {
    const clock = handClock();
    const log: string[] = [];
    const asked: StripRequest[] = [];
    const alarmStrips = new AlarmStrips({
      bedOf: () => ({ label: 'Bed 7', patient: null, numerics: {} }),
      print: async (request) => {
        asked.push(request);
        const outcome = outcomes.shift();
        if (outcome) throw outcome;
        return { id: `strip-${asked.length}` } as StoredStrip;
      },
      log: (message) => log.push(message),
      timers: clock.timers,
    });
    alarmStrips.observe('bed-7', [raised('alarm-1', 0)]);
    clock.advance(10_000 + ARRIVAL_ALLOWANCE_MS);
    await alarmStrips.stop();
    return { asked, log };
  }

  it('prints a strip lost with the strip worker again, once, as the same strip', async () => {
    const { asked, log } = await printedWith(refusal(new StripInterruptedError()), null);
    expect(asked).toHaveLength(2);
    expect(asked[1]).toEqual(asked[0]);
    expect(log).toEqual([
      'The alarm strip of Bed 7 (Desaturation) was lost with the strip printer; printing it again.',
      'alarm strip of Bed 7 stored: Desaturation',
    ]);
  });

  it('says so when it is lost twice, and does not try a third time', async () => {
    const lost = () => refusal(new StripInterruptedError());
    const { asked, log } = await printedWith(lost(), lost(), null);
    expect(asked).toHaveLength(2);
    expect(log.at(-1)).toBe(
      'The alarm strip of Bed 7 (Desaturation) could not be made: The strip could not be ' +
        'printed. The strip printer stopped while making it; print the strip again.',
    );
  });

  it('does not print again what failed for another reason (missing fonts)', async () => {
    const missing = new Error('The fonts for printing strips (resources/fonts) are missing.');
    const { asked, log } = await printedWith(refusal(missing), null);
    expect(asked).toHaveLength(1);
    expect(log).toEqual([
      'The alarm strip of Bed 7 (Desaturation) could not be made: The strip could not be ' +
        'printed. The fonts for printing strips (resources/fonts) are missing.',
    ]);
  });
});
