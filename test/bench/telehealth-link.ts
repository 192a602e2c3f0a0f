// Telehealth over a poor link: what one remote viewer costs in bytes, and how late its waveform is.
// Real parts: the demo's simulators (IntelliVue: ECG 500 Hz, pleth 125 Hz, resp 62.5 Hz; Datex
// S/5: ECG 300 Hz, pleth 100 Hz, CO₂ and resp 25 Hz) on pseudo-terminals, the workstation core,
// its live publisher, a central server on a fresh PostgreSQL database and its live relay; the
// viewer's socket is the hospital central station's (server/central/viewer-socket.ts: batching,
// falling behind) with the waveform decimator (shared/telehealth/decimate.ts) in front, standing
// in for /telehealth/ws until that socket exists. Reports (JSON lines, medians over BENCH_RUNS):
//   telehealth.bytes-per-viewer  the wire's bytes per second by event type, raw and decimated
//                                to a 1000 px laptop sweep of 10 s (100 pps) and a 360 px phone
//   telehealth.link-latency      sample time → arrival at the viewer's socket, p50/p95, on a good
//                                link and on 128 kbit/s, 300 ms, 2 % loss (server → viewer, as
//                                netem on one veth; TELEHEALTH_LINK=both: each way too); then a
//                                3 s outage and the poor link back: gaps in the viewer's traces
// The poor link is emulated packet by packet (telehealth-link-shaper.py: two TUN interfaces, the
// viewer in a network namespace of its own; this kernel has no netem), so TCP's retransmissions
// are real. Root and /dev/net/tun are needed for it; without them only the good link is measured
// (on loopback) and the report says so. Never touches lo or the machine's interfaces.
// Run alone:
//   tsx --import ./test/support/raw-import.mjs test/bench/telehealth-link.ts [POOR_SECONDS]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import type { BedLiveEvent } from '../../shared/api/contract';
import { serverMessagesIn } from '../../shared/api/wire';
import { ApiError } from '../../shared/api/errors';
import { createWaveDecimator } from '../../shared/telehealth/decimate';
import { WaveformFeeds } from '../../renderer/src/components/waveform/waveform-feed';
import { median, quantile, report, round } from './stats';

const THIS_FILE = fileURLToPath(import.meta.url);
const SERVER_IP = '169.254.77.1';
const VIEWER_IP = '169.254.77.2';
/** A 1000 px sweep of 10 s (a laptop), and a 360 px phone: points per second per wave. */
const LAPTOP_PPS = 100;
const PHONE_PPS = 36;
const POOR_LINK = { rateBps: 128_000, delayMs: 300, loss: 0.02 };
/**
 * TELEHEALTH_LINK=down (default): the poor link from server to viewer only, as netem on one veth
 * would be (RTT 300 ms); =both: each way (RTT 600 ms, the viewer's ACKs lost too).
 */
const LINK_WAY = process.env.TELEHEALTH_LINK === 'both' ? 'both' : 'down';
/** The gathered variant of the bytes: samples wait this long to travel together. */
const GATHER_MS = 250;

// ——— The viewer, run in its own network namespace (`--viewer URL BED_ID SECONDS`) ———

interface ViewerLog {
  /** Per sample block: arrival (ms), channel, t0, rate, count. */
  blocks: Array<[number, string, number, number, number]>;
  /** Per numeric: arrival (ms) and its time. */
  numerics: Array<[number, number]>;
  /** Per message: arrival (ms) and its bytes. */
  messages: Array<[number, number]>;
  snapshotRates: Record<string, number>;
  /** Jumps in a trace's time the renderer's feed drew as a gap; samples it filled with NaN. */
  drawnGaps: Array<{ channel: string; t0: number; points: number }>;
  /** Any jump in a trace's time of more than one point (a point lost), drawn or not. */
  jumps: Array<{ channel: string; t0: number; ms: number }>;
  feedRestarts: number;
  closed: string | null;
}

async function viewerMain(url: string, bedId: string, seconds: number): Promise<void> {
  const log: ViewerLog = {
    blocks: [],
    numerics: [],
    messages: [],
    snapshotRates: {},
    drawnGaps: [],
    jumps: [],
    feedRestarts: 0,
    closed: null,
  };
  const feeds = new WaveformFeeds();
  const nextT0 = new Map<string, number>();
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on('open', () =>
    ws.send(JSON.stringify({ type: 'subscribe', id: 1, stream: 'bedLive', params: { bedId } })),
  );
  ws.on('close', (code, reason) => (log.closed ??= `${code} ${String(reason)}`));
  ws.on('error', (error) => (log.closed ??= error.message));
  ws.on('message', (data) => {
    const arrivedMs = Date.now();
    const text = String(data);
    log.messages.push([arrivedMs, Buffer.byteLength(text)]);
    for (const message of serverMessagesIn(JSON.parse(text)) as Array<{
      type: string;
      event?: BedLiveEvent;
    }>) {
      const event = message.event;
      if (message.type !== 'event' || !event) continue;
      if (event.type === 'snapshot') {
        for (const c of event.channels) {
          log.snapshotRates[c.refId] = c.rateHz;
          feeds.ensure(c.deviceId, c.refId, c.rateHz);
        }
      } else if (event.type === 'numeric') {
        log.numerics.push([arrivedMs, event.numeric.at]);
      } else if (event.type === 'samples') {
        for (const block of event.blocks) {
          const key = `${block.deviceId} ${block.channel}`;
          log.blocks.push([arrivedMs, block.channel, block.t0, block.rateHz, block.values.length]);
          const expected = nextT0.get(key);
          const periodMs = 1000 / block.rateHz;
          if (expected !== undefined && Math.abs(block.t0 - expected) > periodMs) {
            log.jumps.push({ channel: block.channel, t0: block.t0, ms: block.t0 - expected });
          }
          nextT0.set(key, block.t0 + block.values.length * periodMs);
          const feed = feeds.ensure(block.deviceId, block.channel, block.rateHz);
          const [written, epoch] = [feed.written, feed.epoch];
          feed.push(block);
          if (feed.epoch !== epoch) log.feedRestarts += 1;
          const filled = feed.written - written - block.values.length;
          if (feed.epoch === epoch && filled > 0) {
            log.drawnGaps.push({ channel: block.channel, t0: block.t0, points: filled });
          }
        }
      }
    }
  });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  ws.terminate();
  process.stdout.write(JSON.stringify(log));
}

// ——— The bench ———

interface Rig {
  relay: LiveRelayLike;
  beds: Array<{ id: string; devices: string }>;
  stop(): Promise<void>;
}

type LiveRelayLike = {
  subscribe(
    bedId: string,
    waveforms: 'all' | 'primary',
    deliver: (event: BedLiveEvent, text: string) => void,
  ): (() => void) | null;
};

/** The demo's IntelliVue and Datex beds, live on a central server's relay. */
async function startRig(): Promise<Rig> {
  const { startDemo, admitDemoPatients } = await import('../../electron/host/demo');
  const { startWorkstation } = await import('../../electron/host/workstation');
  const { startLivePublisher } = await import('../../electron/host/sync/live-publisher');
  const { startTestCentral } = await import('../../server/test-support/central');
  const mix = [['intellivue-mib'], ['datex-s5']];
  const dir = mkdtempSync(join(tmpdir(), 'ws-bench-telehealth-'));
  const demo = await startDemo(2, mix);
  const workstation = await startWorkstation({
    dataDir: join(dir, 'data'),
    devices: demo.beds.flatMap((bed) => bed.devices),
    log: () => {},
  });
  await admitDemoPatients(workstation, demo, () => {});
  const central = await startTestCentral();
  const credential = await central.enrol(workstation.id, 'Bench clinic');
  const publisher = startLivePublisher({
    source: workstation,
    link: () => ({ serverUrl: central.url, credential }),
    log: () => {},
  });
  const relay = central.server.live.live.relay;
  const beds = demo.beds.map((bed, n) => {
    const local = [...workstation.beds.values()].find((b) => b.label === bed.label)!;
    return { id: `${workstation.id}/${local.id}`, devices: mix[n]!.join('+') };
  });
  // Each bed live on the relay, its samples flowing.
  const deadline = Date.now() + 30_000;
  for (const bed of beds) {
    for (;;) {
      let flowing = false;
      const stop = relay.subscribe(bed.id, 'all', (event) => {
        if (event.type === 'samples') flowing = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      stop?.();
      if (flowing) break;
      if (Date.now() > deadline) throw new Error(`${bed.devices}: no samples on the relay in 30 s`);
    }
  }
  return {
    relay,
    beds,
    stop: async () => {
      await publisher.stop();
      await workstation.stop();
      await central.stop();
      await demo.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Kind = 'samples' | 'numeric' | 'alarms' | 'snapshot' | 'other';
type Variant = 'raw' | 'laptop' | 'phone' | 'laptopGathered';

/**
 * Wire bytes per second one viewer gets, by event type, over `seconds`: raw, decimated for a laptop
 * and a phone, and decimated for a laptop with samples gathered for GATHER_MS into one event (a
 * channel's following blocks joined, as the workstation's LiveSampleBatch does every 40 ms).
 */
async function bytesPerViewer(
  relay: LiveRelayLike,
  bedId: string,
  seconds: number,
): Promise<Record<Variant, Record<Kind | 'total' | 'messages', number>>> {
  const { LiveSampleBatch } = await import('../../electron/host/api/live-samples');
  const variants: Record<Variant, { pps: number | null; gatherMs?: number }> = {
    raw: { pps: null },
    laptop: { pps: LAPTOP_PPS },
    phone: { pps: PHONE_PPS },
    laptopGathered: { pps: LAPTOP_PPS, gatherMs: GATHER_MS },
  };
  const tallies = {} as Record<Variant, Record<Kind | 'total' | 'messages', number>>;
  const stops: Array<() => void> = [];
  for (const [name, { pps, gatherMs }] of Object.entries(variants) as Array<
    [Variant, (typeof variants)[Variant]]
  >) {
    const tally = {
      samples: 0,
      numeric: 0,
      alarms: 0,
      snapshot: 0,
      other: 0,
      total: 0,
      messages: 0,
    };
    tallies[name] = tally;
    const count = (event: BedLiveEvent, text: string) => {
      const bytes = Buffer.byteLength(`{"type":"event","id":1,"event":${text}}`);
      const kind: Kind = ['samples', 'numeric', 'alarms', 'snapshot'].includes(event.type)
        ? (event.type as Kind)
        : 'other';
      tally[kind] += bytes;
      tally.total += bytes;
      tally.messages += 1;
    };
    const decimate = pps === null ? (event: BedLiveEvent) => event : createWaveDecimator(pps);
    const batch = gatherMs
      ? new LiveSampleBatch((blocks) => {
          const event: BedLiveEvent = { type: 'samples', blocks };
          count(event, JSON.stringify(event));
        }, gatherMs)
      : null;
    const stop = relay.subscribe(bedId, 'all', (event, text) => {
      const out = decimate(event);
      if (out.type === 'samples') {
        if (out.blocks.length === 0) return; // nothing to send yet
        if (batch) return out.blocks.forEach((block) => batch.add(block));
      }
      count(out, out === event ? text : JSON.stringify(out));
    });
    if (stop) stops.push(() => (stop(), batch?.close()));
  }
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  for (const stop of stops) stop();
  for (const tally of Object.values(tallies)) {
    for (const key of Object.keys(tally) as Array<keyof typeof tally>) tally[key] /= seconds;
  }
  return tallies;
}

// ——— The link: a namespace for the viewer, the shaper between ———

interface Link {
  /** Where the viewer connects to reach `port` on this side. */
  serverHost: string;
  /** Runs the viewer (argv) on the far side of the link. */
  viewerCommand(argv: string[]): [string, string[]];
  set(condition: 'good' | 'poor' | 'down'): Promise<void>;
  /** Bytes that crossed, each way, IP headers included. */
  stats(): Promise<{ toViewer: number; fromViewer: number; dropped: number }>;
  close(): Promise<void>;
  emulated: string;
}

async function openShapedLink(): Promise<Link> {
  const tag = `thb${process.pid % 100000}`;
  const namespace = `telehealth-bench-${process.pid}`;
  const shaper = spawn(
    'python3',
    [join(import.meta.dirname, 'telehealth-link-shaper.py'), `${tag}a`, `${tag}b`],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let buffered = '';
  shaper.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const queued = lines.shift();
      if (queued !== undefined) return resolve(queued);
      const timer = setTimeout(() => reject(new Error('the link shaper did not answer')), 5000);
      waiters.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  const command = async (line: string) => {
    shaper.stdin.write(`${line}\n`);
    return nextLine();
  };
  const ip = (...args: string[]) =>
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const close = async () => {
    try {
      shaper.stdin.end('quit\n');
    } catch {
      // already gone
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (shaper.exitCode === null) shaper.kill();
    try {
      ip('netns', 'del', namespace);
    } catch {
      // never made
    }
  };
  try {
    if ((await nextLine()) !== 'ready') throw new Error('the link shaper did not start');
    ip('netns', 'add', namespace);
    ip('link', 'set', `${tag}b`, 'netns', namespace);
    ip('addr', 'add', SERVER_IP, 'peer', VIEWER_IP, 'dev', `${tag}a`);
    ip('link', 'set', `${tag}a`, 'up');
    ip('-n', namespace, 'addr', 'add', VIEWER_IP, 'peer', SERVER_IP, 'dev', `${tag}b`);
    ip('-n', namespace, 'link', 'set', `${tag}b`, 'up');
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
  } catch (error) {
    await close();
    throw error;
  }
  return {
    serverHost: SERVER_IP,
    viewerCommand: (argv) => ['ip', ['netns', 'exec', namespace, ...argv]],
    set: async (condition) => {
      const { rateBps, delayMs, loss } = POOR_LINK;
      if (condition === 'good') await command('good');
      else
        await command(`link ${rateBps} ${delayMs} ${condition === 'down' ? 1 : loss} ${LINK_WAY}`);
    },
    stats: async () => {
      const line = await command('stats');
      await nextLine(); // its "ok"
      const { aToB, bToA, dropped } = JSON.parse(line) as Record<string, number>;
      return { toViewer: aToB!, fromViewer: bToA!, dropped: dropped! };
    },
    close,
    emulated:
      'TUN pair + network namespace, packet-level delay/rate/loss (telehealth-link-shaper.py)',
  };
}

/** No root or no TUN: the good link on loopback only. */
function loopbackLink(reason: string): Link {
  return {
    serverHost: '127.0.0.1',
    viewerCommand: (argv) => [argv[0]!, argv.slice(1)],
    set: async (condition) => {
      if (condition !== 'good') throw new Error(`the poor link is not emulated here: ${reason}`);
    },
    stats: async () => ({ toViewer: NaN, fromViewer: NaN, dropped: NaN }),
    close: async () => {},
    emulated: `none (${reason}): good link on loopback only`,
  };
}

/** The viewer's socket: the central station's, with the decimator in front of the relay. */
async function startViewerSocket(
  relay: LiveRelayLike,
  host: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const { bindViewerSocket } = await import('../../server/central/viewer-socket');
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const sockets = new WebSocketServer({ server, perMessageDeflate: false });
  sockets.on('connection', (socket, req) => {
    // ?pps=N as the viewer's page asks; ?pps=raw: every sample (for comparison).
    const asked = new URL(req.url ?? '/', 'http://bench').searchParams.get('pps');
    const pps = asked === 'raw' ? null : Number(asked ?? LAPTOP_PPS);
    bindViewerSocket(
      socket,
      {
        request: () => Promise.reject(new ApiError('invalid_request', 'Not in this bench.')),
        subscribe: (_stream, params, emit) => {
          const { bedId } = params as { bedId: string };
          const decimate = pps === null ? (event: BedLiveEvent) => event : createWaveDecimator(pps);
          const stop = relay.subscribe(bedId, 'all', (event, text) => {
            const out = decimate(event);
            if (out.type === 'samples' && out.blocks.length === 0) return;
            emit(out, out === event ? text : undefined);
          });
          return stop
            ? Promise.resolve(stop)
            : Promise.reject(new ApiError('not_found', `No bed ${bedId} live.`));
        },
      },
      { log: () => {} },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise((resolve) => sockets.close(resolve));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

interface Phase {
  name: 'good' | 'poor' | 'down' | 'recovered';
  seconds: number;
}

interface LinkRun {
  phases: Record<string, { p50Ms: number; p95Ms: number; maxMs: number; points: number }>;
  numericsPoorP95Ms: number;
  /** From the outage's end to the first second whose samples arrive < 1 s late (median). */
  catchUpS: number;
  linkBytesPerSecondPoor: { toViewer: number; fromViewer: number };
  payloadBytesPerSecondPoor: number;
  drawnGaps: number;
  jumps: number;
  feedRestarts: number;
  snapshotRates: Record<string, number>;
  closed: string | null;
}

async function linkRun(
  relay: LiveRelayLike,
  link: Link,
  port: number,
  bedId: string,
  phases: Phase[],
  pps: number | 'raw' = LAPTOP_PPS,
): Promise<LinkRun> {
  const settleS = 3;
  const total = phases.reduce((sum, p) => sum + p.seconds, 0);
  await link.set('good');
  const url = `ws://${link.serverHost}:${port}/telehealth/ws?pps=${pps}`;
  const [command, args] = link.viewerCommand([
    process.execPath,
    ...process.execArgv,
    THIS_FILE,
    '--viewer',
    url,
    bedId,
    String(total + settleS + 3),
  ]);
  const viewer: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  viewer.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => viewer.once('exit', () => resolve()));
  try {
    await new Promise((resolve) => setTimeout(resolve, settleS * 1000)); // connects, first snapshot
    const bounds: Array<{ name: string; fromMs: number; toMs: number }> = [];
    let poorBytes = { toViewer: 0, fromViewer: 0, seconds: 0 };
    for (const phase of phases) {
      await link.set(phase.name === 'recovered' ? 'poor' : phase.name);
      const before = phase.name === 'poor' ? await link.stats() : null;
      const fromMs = Date.now();
      await new Promise((resolve) => setTimeout(resolve, phase.seconds * 1000));
      bounds.push({ name: phase.name, fromMs, toMs: Date.now() });
      if (before) {
        const after = await link.stats();
        poorBytes = {
          toViewer: after.toViewer - before.toViewer,
          fromViewer: after.fromViewer - before.fromViewer,
          seconds: (Date.now() - fromMs) / 1000,
        };
      }
    }
    await link.set('good'); // the last samples come in
    await exited;
    const log = JSON.parse(output) as ViewerLog;

    const latencies = new Map<string, number[]>();
    const recoveredLate: Array<[number, number]> = []; // sample time, latency
    const outageEnd = bounds.find((b) => b.name === 'down')?.toMs ?? Infinity;
    for (const [arrivedMs, , t0, rateHz, count] of log.blocks) {
      for (let i = 0; i < count; i++) {
        const sampleMs = t0 + (i * 1000) / rateHz;
        const bound = bounds.find((b) => sampleMs >= b.fromMs && sampleMs < b.toMs);
        if (!bound) continue;
        const lateMs = arrivedMs - sampleMs;
        if (sampleMs >= outageEnd) recoveredLate.push([sampleMs, lateMs]);
        // Each phase once the link has settled into it (the outage: all of it).
        if (bound.name !== 'down' && sampleMs < bound.fromMs + settleS * 1000) continue;
        const list = latencies.get(bound.name) ?? [];
        list.push(lateMs);
        latencies.set(bound.name, list);
      }
    }
    // Caught up: the first second (of sample time) after the outage whose samples came less
    // than 1 s late (median); later stalls of the lossy link show in the phase's p95 instead.
    const bySecond = new Map<number, number[]>();
    for (const [sampleMs, late] of recoveredLate) {
      const second = Math.floor((sampleMs - outageEnd) / 1000);
      const list = bySecond.get(second) ?? [];
      list.push(late);
      bySecond.set(second, list);
    }
    const onTime = [...bySecond].filter(([, list]) => median(list) < 1000).map(([s]) => s);
    const catchUpS = onTime.length ? Math.min(...onTime) : NaN;
    const poor = bounds.find((b) => b.name === 'poor');
    const numericsPoor = poor
      ? log.numerics
          .filter(([, at]) => at >= poor.fromMs + settleS * 1000 && at < poor.toMs)
          .map(([arrived, at]) => arrived - at)
      : [];
    const firstPhaseMs = bounds[0]!.fromMs;
    const payloadPoor = poor
      ? log.messages
          .filter(([at]) => at >= poor.fromMs && at < poor.toMs)
          .reduce((sum, [, bytes]) => sum + bytes, 0) /
        ((poor.toMs - poor.fromMs) / 1000)
      : NaN;
    return {
      phases: Object.fromEntries(
        [...latencies].map(([name, list]) => [
          name,
          {
            p50Ms: quantile(list, 0.5),
            p95Ms: quantile(list, 0.95),
            maxMs: Math.max(...list),
            points: list.length,
          },
        ]),
      ),
      numericsPoorP95Ms: quantile(numericsPoor, 0.95),
      catchUpS,
      linkBytesPerSecondPoor: {
        toViewer: poorBytes.toViewer / poorBytes.seconds,
        fromViewer: poorBytes.fromViewer / poorBytes.seconds,
      },
      payloadBytesPerSecondPoor: payloadPoor,
      // Only what happened once the viewer was watching (its first snapshot is the start).
      drawnGaps: log.drawnGaps.filter((g) => g.t0 >= firstPhaseMs).length,
      jumps: log.jumps.filter((j) => j.t0 >= firstPhaseMs).length,
      feedRestarts: log.feedRestarts,
      snapshotRates: log.snapshotRates,
      closed: log.closed,
    };
  } finally {
    if (viewer.exitCode === null) viewer.kill();
  }
}

function canShapeLinks(): string | null {
  if (process.getuid?.() !== 0) return 'not root';
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'no ip or python3';
  }
  return null;
}

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const poorSeconds = Number(process.argv[2] ?? 30);
  const machine = { node: process.version };
  const rig = await startRig();
  let link: Link | null = null;
  let socket: { port: number; close(): Promise<void> } | null = null;
  try {
    // (a) Bytes per viewer, per bed.
    for (const bed of rig.beds) {
      const samples: Array<Awaited<ReturnType<typeof bytesPerViewer>>> = [];
      for (let n = 0; n < runs; n++) samples.push(await bytesPerViewer(rig.relay, bed.id, 10));
      const pick = (variant: Variant, key: Kind | 'total' | 'messages') =>
        round(median(samples.map((s) => s[variant][key])), 0);
      const summary = (variant: Variant) => ({
        total: pick(variant, 'total'),
        samples: pick(variant, 'samples'),
        numeric: pick(variant, 'numeric'),
        alarms: pick(variant, 'alarms'),
        other: pick(variant, 'other'),
        messagesPerS: pick(variant, 'messages'),
      });
      report({
        bench: `telehealth.bytes-per-viewer.${bed.devices}`,
        what: `JSON on the contract's wire, one message per event (the central viewer socket's framing), every wave of the demo's ${bed.devices} bed + numerics + alarms; measured on the encoded messages the decimator yields, not yet on /telehealth/ws; goal ≤ 8000 B/s`,
        unit: 'B/s',
        raw: summary('raw'),
        [`laptop${LAPTOP_PPS}pps`]: summary('laptop'),
        [`phone${PHONE_PPS}pps`]: summary('phone'),
        [`laptop${LAPTOP_PPS}ppsGathered${GATHER_MS}ms`]: summary('laptopGathered'),
        runs: samples.map((s) => ({
          raw: round(s.raw.total, 0),
          laptop: round(s.laptop.total, 0),
          phone: round(s.phone.total, 0),
          laptopGathered: round(s.laptopGathered.total, 0),
        })),
        machine,
      });
    }

    // (b) Latency over a good and a poor link, and gaps after an outage.
    const reason = canShapeLinks();
    try {
      link = reason === null ? await openShapedLink() : loopbackLink(reason);
    } catch (error) {
      link = loopbackLink(`the shaped link failed: ${(error as Error).message}`);
    }
    const bed = rig.beds[0]!; // the IntelliVue: three waves, ECG at 500 Hz
    socket = await startViewerSocket(rig.relay, link.serverHost);
    const shaped = link.serverHost !== '127.0.0.1';
    const phases: Phase[] = shaped
      ? [
          { name: 'good', seconds: 10 },
          { name: 'poor', seconds: poorSeconds },
          { name: 'down', seconds: 3 },
          { name: 'recovered', seconds: 15 },
        ]
      : [{ name: 'good', seconds: 10 }];
    const results: LinkRun[] = [];
    const rawGood: LinkRun[] = [];
    for (let n = 0; n < runs; n++) {
      results.push(await linkRun(rig.relay, link, socket.port, bed.id, phases));
      const good = [{ name: 'good', seconds: 10 }] as Phase[];
      rawGood.push(await linkRun(rig.relay, link, socket.port, bed.id, good, 'raw'));
    }
    const med = (get: (r: LinkRun) => number | undefined) =>
      round(median(results.map(get).filter((v): v is number => v !== undefined)), 0);
    const phase = (name: string) => ({
      p50: med((r) => r.phases[name]?.p50Ms),
      p95: med((r) => r.phases[name]?.p95Ms),
      max: med((r) => r.phases[name]?.maxMs),
    });
    report({
      bench: 'telehealth.link-latency',
      what: `sample time (the workstation's device clock; a decimated point's bucket start) → arrival at the viewer's socket, ${bed.devices} bed at ${LAPTOP_PPS} pps through workstation → central relay → central viewer socket + decimator; poor link ${POOR_LINK.rateBps / 1000} kbit/s, ${POOR_LINK.delayMs} ms and ${POOR_LINK.loss * 100} % loss ${LINK_WAY === 'both' ? 'each way' : 'server → viewer (the way back clean)'}; then 3 s with no link and the poor link back; goals p95 ≤ 300 ms good, ≤ 1000 ms poor, no gap after recovery`,
      link: link.emulated,
      linkWay: LINK_WAY,
      unit: 'ms',
      good: phase('good'),
      goodUndecimated: {
        p50: round(median(rawGood.map((r) => r.phases.good?.p50Ms ?? NaN)), 0),
        p95: round(median(rawGood.map((r) => r.phases.good?.p95Ms ?? NaN)), 0),
      },
      ...(shaped
        ? {
            poor: phase('poor'),
            outage: phase('down'),
            recovered: phase('recovered'),
            numericsPoorP95: med((r) => r.numericsPoorP95Ms),
            catchUpAfterOutageS: round(median(results.map((r) => r.catchUpS)), 1),
            linkBytesPerSecondPoor: {
              toViewerWithHeaders: med((r) => r.linkBytesPerSecondPoor.toViewer),
              fromViewerWithHeaders: med((r) => r.linkBytesPerSecondPoor.fromViewer),
              payloadToViewer: med((r) => r.payloadBytesPerSecondPoor),
            },
          }
        : {}),
      drawnGaps: results.map((r) => r.drawnGaps),
      lostPointJumps: results.map((r) => r.jumps),
      feedRestarts: results.map((r) => r.feedRestarts),
      snapshotRates: results[0]?.snapshotRates,
      socketClosed: results.map((r) => r.closed),
      runs: results.map((r) => ({
        good95: round(r.phases.good?.p95Ms ?? NaN, 0),
        poor95: round(r.phases.poor?.p95Ms ?? NaN, 0),
        recovered95: round(r.phases.recovered?.p95Ms ?? NaN, 0),
        catchUpS: r.catchUpS,
      })),
      machine,
    });
  } finally {
    await socket?.close();
    await link?.close();
    await rig.stop();
  }
}

if (process.argv[2] === '--viewer') {
  await viewerMain(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
  process.exit(0);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
  process.exit(0);
}
