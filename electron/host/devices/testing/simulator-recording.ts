// What a device sends, recorded from its own simulator on a hand-driven clock (no waiting): the
// host's part is played as a session plays it (start command, keep-alives, the decoder's replies),
// so commanded and polled devices stream too. Test and benchmark only.
import { findDriver } from '../manifest';
import { createSimulator } from '../simulators/registry';

const TICK_MS = 10;
const VITALS = { hr: 72, spo2: 97, rr: 15, tempC: 36.8 };

/** Every write the simulator of `driverId` makes in `seconds` of device time, in order. */
export async function recordSimulator(driverId: string, seconds: number): Promise<Uint8Array[]> {
  const driver = findDriver(driverId);
  if (!driver) throw new Error(`No driver "${driverId}" to record a simulator of.`);
  const writes: Uint8Array[] = [];
  let now = 0;
  const simulator = await createSimulator(
    driverId,
    { vitals: VITALS, write: (bytes) => writes.push(bytes.slice()), now: () => now },
    { recordingsDir: null },
  );
  if (!simulator) throw new Error(`No simulator for "${driverId}".`);
  const decoder = driver.createDecoder();
  const { start, keepAlive } = driver.commands;
  let decoded = 0;
  // The simulators pace themselves with setInterval: their timers run on this clock instead.
  const timers = new Map<number, () => void>();
  let nextTimer = 1;
  const real = { setInterval: globalThis.setInterval, clearInterval: globalThis.clearInterval };
  globalThis.setInterval = ((tick: () => void) => {
    timers.set(nextTimer, tick);
    return nextTimer++;
  }) as unknown as typeof setInterval;
  globalThis.clearInterval = ((id: number) => void timers.delete(id)) as typeof clearInterval;
  try {
    simulator.start();
    if (start) simulator.receive?.(start);
    let keepAliveDueMs = keepAlive?.everyMs ?? Infinity;
    for (; now <= seconds * 1000; now += TICK_MS) {
      for (const tick of [...timers.values()]) tick();
      if (now >= keepAliveDueMs && keepAlive) {
        simulator.receive?.(keepAlive.bytes);
        keepAliveDueMs += keepAlive.everyMs;
      }
      // Whatever the device said, the host's decoder answers (polled protocols), as a session does.
      for (; decoded < writes.length; decoded++) {
        decoder.push(writes[decoded]!);
        for (const reply of decoder.takeReplies?.() ?? []) simulator.receive?.(reply);
      }
    }
    simulator.stop();
  } finally {
    globalThis.setInterval = real.setInterval;
    globalThis.clearInterval = real.clearInterval;
  }
  return writes;
}
