// A child process for the request-isolation test: the real workstation with a real bed (a
// HealthyPi 5 simulator playing the demo recordings at HR 190 on a pseudo-terminal, so its
// high-priority tachycardia alarm sounds) behind the
// real browser shell, with bugs planted in its request path:
// - handlers that throw (an Error, undefined, an object whose getters throw), reject later, or
//   return what cannot be sent (a BigInt, a circular object), behind the real router;
// - a stream whose handler throws, and one whose events cannot be sent;
// - a router that throws synchronously, before any promise, for one request.
// Prints `ready <url>` once listening; the test drives it over real sockets and checks it lives.
// Usage: node --import tsx faulty-workstation.ts DIR TOKEN
import { join } from 'node:path';
import { openPtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { runSimulatorOnPort } from '../../electron/host/devices/simulators/on-port';
import { startWorkstation } from '../../electron/host/workstation';
import { demoRecordingsDir } from '../../electron/host/locate';
import { createRouter, type ApiHandlers, type ApiRouter } from '../../electron/host/api/router';
import { startBrowserShell } from '../../electron/cli/serve/server';
import { requests } from '../../shared/api/contract';

const hostile = {
  get message(): string {
    throw new Error('reading this fails too');
  },
};
const circular: Record<string, unknown> = {};
circular.self = circular;

/** Each planted bug, by the request that meets it. */
const PLANTED: Partial<Record<keyof typeof requests, () => unknown>> = {
  listStrips: () => {
    throw new TypeError("Cannot read properties of undefined (reading 'bedId')");
  },
  listSoundRecordings: () => {
    throw undefined;
  },
  getStrip: () => new Promise((_, reject) => setTimeout(() => reject(hostile), 5)),
  getSoundRecording: () => ({ id: 'x', size: 10n }),
  listPorts: () => circular,
};

async function main(): Promise<void> {
  const [dir, token] = process.argv.slice(2) as [string, string];
  const pair = await openPtyPair(dir, 'bed');
  const workstation = await startWorkstation({
    dataDir: join(dir, 'data'),
    devices: [{ driver: 'healthypi5', path: pair.devicePath, bed: 'Bed 1' }],
    log: (message) => console.log(`log: ${message}`),
  });
  const simulator = await runSimulatorOnPort(
    pair.simulatorPath,
    'healthypi5',
    { recordingsDir: demoRecordingsDir() },
    { hr: 190, spo2: 97, rr: 16, tempC: 36.5 },
  );
  const real = workstation.router;
  const delegate =
    (method: string) =>
    (input: unknown, caller: { actor: string }): unknown =>
      PLANTED[method as keyof typeof requests]?.() ?? real.request(method, input, caller);
  const handlers = {
    requests: Object.fromEntries(Object.keys(requests).map((m) => [m, delegate(m)])),
    streams: {
      bedLive: (input: { bedId: string }, emit: (event: unknown) => void) => {
        if (input.bedId === 'planted-throw') throw new RangeError('bed index out of range');
        if (input.bedId === 'planted-bigint') {
          const timer = setInterval(() => emit({ type: 'numeric', value: 1n }), 10);
          return () => clearInterval(timer);
        }
        return real.subscribe('bedLive', input, emit);
      },
    },
  } as unknown as ApiHandlers;
  const router = createRouter(handlers, (message, error) =>
    console.log(`log: ${message}: ${String((error as Error | undefined)?.stack ?? error)}`),
  );
  const faulty: ApiRouter = {
    request: (method, params, caller) => {
      if (method === 'getTrend') throw new Error('thrown before any promise');
      return router.request(method, params, caller);
    },
    subscribe: (stream, params, emit) => router.subscribe(stream, params, emit),
  };
  const rendererDir = join(dir, 'renderer');
  const shell = await startBrowserShell({
    router: faulty,
    rendererDir,
    port: 0,
    token,
    log: (message) => console.log(`log: ${message}`),
  });
  console.log(`ready ${shell.url}`);
  process.once('SIGTERM', () => {
    void (async () => {
      await shell.close();
      await workstation.stop();
      await simulator.stop();
      await pair.close();
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
