// Telehealth over a poor link: what one remote viewer costs in bytes, how late its waveform is, and
// how late the stethoscope's sound is. Real parts: the demo's simulators (IntelliVue: ECG 500 Hz,
// pleth 125 Hz, resp 62.5 Hz; Datex S/5: ECG 300 Hz, pleth 100 Hz, CO₂ and resp 25 Hz) on
// pseudo-terminals, the workstation core, its live publisher, a central server on a fresh
// PostgreSQL database, its live relay and its real telehealth viewer: the workstation invites for
// its bed (TELEHEALTH_PATHS.invitations, with its credential), the bench's viewer redeems the link
// with the code (VIEWER_PATHS.redeem) and opens /telehealth/ws?pps=N with the session cookie and
// the server's own Origin, as the viewer's page does. Reports (JSON lines, medians over BENCH_RUNS):
//   telehealth.bytes-per-viewer  the wire's bytes per second by event type on /telehealth/ws, at
//                                pps=1000 (every demo wave as it is), a 1000 px laptop sweep of
//                                10 s (100 pps) and a 360 px phone (36 pps)
//   telehealth.link-latency      sample time → arrival at the viewer, p50/p95, on a good link and
//                                on 128 kbit/s, 300 ms, 2 % loss (server → viewer, as netem on one
//                                veth; TELEHEALTH_LINK=both: each way too); then a 3 s outage
//                                (TELEHEALTH_OUTAGE_S) and the poor link back: gaps in the viewer's
//                                traces. Beside it (*FromDeviceByte) the same from when the sample's
//                                block left the workstation's bed for its live publisher (the
//                                device's bytes parsed), which leaves out the device's own framing.
//                                The viewer is the page's own connection (viewer-connection.ts:
//                                bridge, client, stall watch, resume); TELEHEALTH_RESUME=0: it
//                                never gives a stalled socket up, to compare
//   telehealth.audio-latency     the stethoscope's frames (a workstation's live socket sends them,
//                                atMs = when sent) → arrival on /telehealth/audio, good and poor
//                                link; the browser's Opus encoding at the bed is not included
// The poor link is emulated packet by packet (telehealth-link-shaper.py: two TUN interfaces, the
// viewer in a network namespace of its own; this kernel has no netem), so TCP's retransmissions
// are real. Root and /dev/net/tun are needed for it; without them only the good link is measured
// (on loopback) and the report says so. Never touches lo or the machine's interfaces.
// Run alone (npm run bench:telehealth):
//   tsx --import ./test/support/raw-import.mjs test/bench/telehealth-link.ts [POOR_SECONDS]
// TELEHEALTH_BED=datex-s5: the latencies of the Datex bed instead of the IntelliVue;
// TELEHEALTH_ONLY=audio: the sound's latency alone; =link: the waveform's latency alone.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import type { BedLiveEvent } from '../../shared/api/contract';
import { serverMessagesIn } from '../../shared/api/wire';
import { decodeViewerAudioMessage, type AuscultationFrame } from '../../shared/telehealth/audio';
import { TELEHEALTH_PATHS } from '../../shared/telehealth/invitation';
import { MAX_POINTS_PER_SECOND, VIEWER_CLOSE, VIEWER_PATHS } from '../../shared/telehealth/viewer';
import type { SocketLike } from '../../renderer/src/api/websocket-bridge';
import { bearer, call } from '../../server/test-support/http-client';
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
/** TELEHEALTH_OUTAGE_S: how long the link is down between the poor phases (3 s by default). */
const OUTAGE_SECONDS = Number(process.env.TELEHEALTH_OUTAGE_S ?? 3);
/** The stethoscope as the bed shares it (remote-share.ts): Opus 32 kbit/s, 5 frames of 20 ms. */
const AUDIO_FRAME_MS = 20;
const AUDIO_FRAME_BYTES = (32_000 / 8) * (AUDIO_FRAME_MS / 1000);
const AUDIO_BATCH_FRAMES = 5;
/** The session cookie reaches the viewer's process in its environment, not on its command line. */
const COOKIE_ENV = 'TELEHEALTH_BENCH_COOKIE';

/** Opens a viewer's socket as the viewer's page does: the session cookie, the server's Origin. */
function viewerSocket(url: string, origin: string, cookie: string): WebSocket {
  return new WebSocket(url, { perMessageDeflate: false, headers: { cookie, origin } });
}

// ——— The viewer, run in its own network namespace (`--viewer URL ORIGIN BED_ID SECONDS`) ———

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
  /** When the viewer gave a stalled socket up for a fresh one (viewer-connection.ts). */
  resumes: number[];
  /** What the stream reported (the connection lost, …), with when. */
  problems: Array<[number, string]>;
}

async function viewerMain(
  url: string,
  origin: string,
  bedId: string,
  seconds: number,
): Promise<void> {
  const log: ViewerLog = {
    blocks: [],
    numerics: [],
    messages: [],
    snapshotRates: {},
    drawnGaps: [],
    jumps: [],
    feedRestarts: 0,
    closed: null,
    resumes: [],
    problems: [],
  };
  const feeds = new WaveformFeeds();
  const nextT0 = new Map<string, number>();
  // The page's own connection: its bridge, client, stall watch and resume (viewer-connection.ts),
  // on a Node socket carrying the session cookie and the page's Origin.
  const { connectViewer } = await import('../../renderer/src/telehealth/viewer-connection');
  const sockets: WebSocket[] = [];
  const connection = connectViewer(
    url,
    ({ sentence }) => (log.closed ??= `shut out: ${sentence}`),
    {
      openSocket: (target) => {
        const ws = viewerSocket(target, origin, process.env[COOKIE_ENV] ?? '');
        sockets.push(ws);
        ws.on('message', (data) => {
          log.messages.push([Date.now(), Buffer.byteLength(data as Buffer)]);
        });
        ws.on('close', (code, reason) => {
          if (code === VIEWER_CLOSE.ended || code === VIEWER_CLOSE.notSignedIn)
            log.closed ??= `${code} ${String(reason)}`;
        });
        return ws as unknown as SocketLike;
      },
    },
  );
  let clinicDown = false;
  let resumesSeen = 0;
  // TELEHEALTH_RESUME=0: the socket is never given up (as before the page resumed), to compare.
  const resume = process.env.TELEHEALTH_RESUME !== '0';
  const stopWatching = (resume ? connection.watchStalls : () => () => undefined)(() => {
    // Both ends share this machine's clock: no offset.
    if (connection.resumes() > resumesSeen) {
      resumesSeen = connection.resumes();
      log.resumes.push(Date.now());
    }
    return { offsetMs: 0, clinicDown };
  });
  connection.client.subscribe(
    'bedLive',
    { bedId },
    (event) => {
      const arrivedMs = Date.now();
      if (event.type === 'snapshot') {
        clinicDown = Boolean(event.bed.offline);
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
    },
    (error) => log.problems.push([Date.now(), error.message]),
  );
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  stopWatching();
  for (const ws of sockets) ws.terminate();
  process.stdout.write(JSON.stringify(log));
}

/** The audio viewer (`--audio-viewer URL ORIGIN SECONDS`): per frame, its arrival and atMs. */
async function audioViewerMain(url: string, origin: string, seconds: number): Promise<void> {
  const log: { frames: Array<[number, number, number]>; closed: string | null } = {
    frames: [],
    closed: null,
  };
  const ws = viewerSocket(url, origin, process.env[COOKIE_ENV] ?? '');
  ws.on('unexpected-response', (_req, res) => (log.closed ??= `refused ${res.statusCode}`));
  ws.on('close', (code, reason) => (log.closed ??= `${code} ${String(reason)}`));
  ws.on('error', (error) => (log.closed ??= error.message));
  ws.on('message', (data, isBinary) => {
    const arrivedMs = Date.now();
    if (!isBinary) return;
    for (const frame of decodeViewerAudioMessage(new Uint8Array(data as Buffer)))
      log.frames.push([arrivedMs, frame.atMs, frame.seq]);
  });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  ws.terminate();
  process.stdout.write(JSON.stringify(log));
}

// ——— The bench ———

interface RigBed {
  /** The bed's id on the central server (`<workstationId>/<bedId>`). */
  id: string;
  localId: string;
  label: string;
  patientId: string;
  devices: string;
}

/** A block as it left the workstation's bed for the live publisher: when (ms), channel, t0, rate, count. */
type ReachedBlock = [number, string, number, number, number];

interface Rig {
  central: { url: string; enrol(workstationId: string, name?: string): Promise<string> };
  /**
   * Per bed (the central id), each sample block as the workstation's bedLive stream gave it to
   * the live publisher, with Date.now() then: when the device's bytes had become samples.
   */
  reached: Map<string, ReachedBlock[]>;
  credential: string;
  beds: RigBed[];
  stop(): Promise<void>;
}

/** The demo's IntelliVue and Datex beds, live on a central server listening on `host`. */
async function startRig(host: string): Promise<Rig> {
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
  const central = await startTestCentral({ host });
  const credential = await central.enrol(workstation.id, 'Bench clinic');
  const publisher = startLivePublisher({
    source: workstation,
    link: () => ({ serverUrl: central.url, credential }),
    log: () => {},
  });
  const relay = central.server.live.live.relay;
  const reached = new Map<string, ReachedBlock[]>();
  const stopTaps: Array<() => void> = [];
  const beds: RigBed[] = demo.beds.map((bed, n) => {
    const local = [...workstation.beds.values()].find((b) => b.label === bed.label)!;
    return {
      id: `${workstation.id}/${local.id}`,
      localId: local.id,
      label: local.label,
      patientId: '',
      devices: mix[n]!.join('+'),
    };
  });
  // Where the live publisher takes the bed's events (its own subscription to the same stream):
  // when each sample block left the workstation's bed, the device's bytes just parsed.
  for (const bed of beds) {
    const list: ReachedBlock[] = [];
    reached.set(bed.id, list);
    stopTaps.push(
      workstation.router.subscribe('bedLive', { bedId: bed.localId, waveforms: 'all' }, (raw) => {
        const atMs = Date.now();
        const event = raw as BedLiveEvent;
        if (event.type !== 'samples') return;
        for (const b of event.blocks) list.push([atMs, b.channel, b.t0, b.rateHz, b.values.length]);
      }),
    );
  }
  // Each bed live on the relay, its samples flowing; its patient from the snapshot.
  const deadline = Date.now() + 30_000;
  for (const bed of beds) {
    for (;;) {
      let flowing = false;
      const stop = relay.subscribe(bed.id, 'all', (event) => {
        if (event.type === 'snapshot' && event.bed.patient) bed.patientId = event.bed.patient.id;
        if (event.type === 'samples') flowing = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      stop?.();
      if (flowing && bed.patientId) break;
      if (Date.now() > deadline)
        throw new Error(`${bed.devices}: no samples or no patient on the relay in 30 s`);
    }
  }
  return {
    central,
    reached,
    credential,
    beds,
    stop: async () => {
      for (const stop of stopTaps) stop();
      await publisher.stop();
      await workstation.stop();
      await central.stop();
      await demo.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Consult {
  /** The viewer's socket URLs, and the Origin its page would send. */
  socketUrl(pps: number): string;
  audioUrl: string;
  origin: string;
  cookie: string;
  end(): Promise<void>;
}

/**
 * The real way in: the workstation invites for its bed (with the patient's consent, as the nurse
 * records it), the viewer redeems the link with the code and gets the session cookie.
 */
async function openConsult(
  serverUrl: string,
  credential: string,
  bed: Pick<RigBed, 'localId' | 'label' | 'patientId'>,
): Promise<Consult> {
  const id = randomUUID();
  const invited = await call(serverUrl, TELEHEALTH_PATHS.invitations, {
    headers: bearer(credential),
    body: {
      id,
      bedId: bed.localId,
      bedLabel: bed.label,
      patientId: bed.patientId,
      minutes: 30,
      consent: { givenBy: 'patient', atMs: Date.now(), recordedBy: 'Bench nurse' },
      invitedBy: 'Bench nurse',
    },
  });
  if (invited.status !== 201) throw new Error(`invitation: ${invited.status} ${invited.text}`);
  const url = invited.json.url as string;
  const origin = new URL(serverUrl).origin;
  const redeemed = await call(serverUrl, VIEWER_PATHS.redeem, {
    noProtocol: true,
    headers: { origin },
    body: { token: url.split('#t=')[1], code: invited.json.code, name: 'Dr Bench' },
  });
  if (redeemed.status !== 200) throw new Error(`redeem: ${redeemed.status} ${redeemed.text}`);
  const cookie = (redeemed.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  const ws = (path: string) => `${origin.replace(/^http/, 'ws')}${path}`;
  return {
    socketUrl: (pps) => `${ws(VIEWER_PATHS.socket)}?pps=${pps}`,
    audioUrl: ws(VIEWER_PATHS.audio),
    origin,
    cookie,
    end: async () => {
      const ended = await call(serverUrl, TELEHEALTH_PATHS.end(id), {
        headers: bearer(credential),
        body: { reason: 'ended-at-bed', by: 'Bench nurse' },
      });
      if (ended.status !== 200) throw new Error(`end: ${ended.status} ${ended.text}`);
    },
  };
}

type Kind = 'samples' | 'numeric' | 'alarms' | 'snapshot' | 'other';
type Variant = 'undecimated' | 'laptop' | 'phone';
const VARIANT_PPS: Record<Variant, number> = {
  undecimated: MAX_POINTS_PER_SECOND,
  laptop: LAPTOP_PPS,
  phone: PHONE_PPS,
};

/**
 * Bytes per second one viewer gets on /telehealth/ws, by event type, over `seconds`: one socket
 * per variant (pps=1000: every demo wave as it is; a laptop; a phone), all of one consult.
 * A message carrying several events counts each event's own JSON to its kind.
 */
async function bytesPerViewer(
  rig: Rig,
  bed: RigBed,
  seconds: number,
): Promise<Record<Variant, Record<Kind | 'total' | 'messages', number>>> {
  const consult = await openConsult(rig.central.url, rig.credential, bed);
  const tallies = {} as Record<Variant, Record<Kind | 'total' | 'messages', number>>;
  const sockets: WebSocket[] = [];
  let counting = false;
  try {
    for (const [name, pps] of Object.entries(VARIANT_PPS) as Array<[Variant, number]>) {
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
      const ws = viewerSocket(consult.socketUrl(pps), consult.origin, consult.cookie);
      sockets.push(ws);
      ws.on('message', (data) => {
        if (!counting) return;
        const text = String(data);
        tally.total += Buffer.byteLength(text);
        tally.messages += 1;
        const messages = serverMessagesIn(JSON.parse(text)) as Array<{ event?: BedLiveEvent }>;
        for (const message of messages) {
          const type = message.event?.type ?? 'other';
          const kind: Kind = ['samples', 'numeric', 'alarms', 'snapshot'].includes(type)
            ? (type as Kind)
            : 'other';
          tally[kind] +=
            messages.length === 1
              ? Buffer.byteLength(text)
              : Buffer.byteLength(JSON.stringify(message));
        }
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('unexpected-response', (_req, res) =>
          reject(new Error(`/telehealth/ws refused: ${res.statusCode}`)),
        );
        ws.once('error', reject);
      });
      ws.send(
        JSON.stringify({ type: 'subscribe', id: 1, stream: 'bedLive', params: { bedId: bed.id } }),
      );
    }
    // What flows once each socket has had its first snapshot.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    counting = true;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    counting = false;
  } finally {
    for (const ws of sockets) ws.terminate();
    await consult.end();
  }
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

interface Phase {
  name: 'good' | 'poor' | 'down' | 'recovered';
  seconds: number;
}

type PhaseFigures = Record<string, { p50Ms: number; p95Ms: number; maxMs: number; points: number }>;

interface LinkRun {
  /** Sample time (the device's clock) → arrival at the viewer. */
  phases: PhaseFigures;
  /** The time the sample's block reached the workstation (its driver's bytes parsed) → arrival. */
  fromDeviceByte: PhaseFigures;
  /** Samples of the viewer's whose block was not found among those the workstation gave. */
  unmatched: number;
  /** Times the viewer gave a stalled socket up for a fresh one. */
  resumes: number;
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
  rig: Rig,
  link: Link,
  bed: RigBed,
  phases: Phase[],
  pps: number = LAPTOP_PPS,
): Promise<LinkRun> {
  const settleS = 3;
  const total = phases.reduce((sum, p) => sum + p.seconds, 0);
  await link.set('good');
  const consult = await openConsult(rig.central.url, rig.credential, bed);
  const [command, args] = link.viewerCommand([
    process.execPath,
    ...process.execArgv,
    THIS_FILE,
    '--viewer',
    consult.socketUrl(pps),
    consult.origin,
    bed.id,
    String(total + settleS + 3),
  ]);
  const viewer: ChildProcess = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, [COOKIE_ENV]: consult.cookie },
  });
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
    // TELEHEALTH_DUMP=DIR: each run's phases and the viewer's log, to look at afterwards.
    const dumpDir = process.env.TELEHEALTH_DUMP;
    if (dumpDir)
      writeFileSync(
        join(dumpDir, `link-${pps}pps-${Date.now()}.json`),
        JSON.stringify({ bounds, log }),
      );

    const latencies = new Map<string, number[]>();
    const fromDevice = new Map<string, number[]>();
    let unmatched = 0;
    const recoveredLate: Array<[number, number]> = []; // sample time, latency
    const outageEnd = bounds.find((b) => b.name === 'down')?.toMs ?? Infinity;
    // The workstation's blocks per channel, by time: which one held a given sample.
    const reachedBy = new Map<string, ReachedBlock[]>();
    for (const block of rig.reached.get(bed.id) ?? []) {
      const list = reachedBy.get(block[1]) ?? [];
      list.push(block);
      reachedBy.set(block[1], list);
    }
    for (const list of reachedBy.values()) list.sort((a, b) => a[2] - b[2]);
    const reachedAt = (channel: string, sampleMs: number): number | null => {
      const list = reachedBy.get(channel);
      if (!list) return null;
      let [lo, hi] = [0, list.length - 1];
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (list[mid]![2] <= sampleMs + 0.01) lo = mid;
        else hi = mid - 1;
      }
      const [atMs, , t0, rateHz, count] = list[lo]!;
      const endMs = t0 + (count * 1000) / rateHz;
      return sampleMs >= t0 - 0.01 && sampleMs < endMs + 0.01 ? atMs : null;
    };
    for (const [arrivedMs, channel, t0, rateHz, count] of log.blocks) {
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
        const atMs = reachedAt(channel, sampleMs);
        if (atMs === null) {
          unmatched += 1;
          continue;
        }
        const byte = fromDevice.get(bound.name) ?? [];
        byte.push(arrivedMs - atMs);
        fromDevice.set(bound.name, byte);
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
    const figures = (by: Map<string, number[]>): PhaseFigures =>
      Object.fromEntries(
        [...by].map(([name, list]) => [
          name,
          {
            p50Ms: quantile(list, 0.5),
            p95Ms: quantile(list, 0.95),
            maxMs: list.reduce((a, b) => Math.max(a, b), -Infinity),
            points: list.length,
          },
        ]),
      );
    return {
      phases: figures(latencies),
      fromDeviceByte: figures(fromDevice),
      unmatched,
      resumes: log.resumes.length,
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
    await consult.end();
  }
}

interface AudioRun {
  phases: Record<string, { p50Ms: number; p95Ms: number; maxMs: number; frames: number }>;
  sent: number;
  received: number;
  /** The first frame heard: those before it were sent while the viewer's socket was opening. */
  firstSeq: number | null;
  /** The poor link's bytes per second to the viewer, IP headers included. */
  linkBytesPerSecondPoor: number;
  closed: string | null;
}

/**
 * The stethoscope, bed → remote: a workstation's live socket (as the bed's share does: 5 frames of
 * 20 ms Opus at 32 kbit/s every 100 ms, atMs = when sent) → the relay → /telehealth/audio, the
 * viewer in its namespace; per phase, arrival − atMs. Both ends share this machine's clock.
 */
async function audioRun(
  rig: Rig,
  link: Link,
  phases: Array<{ name: 'good' | 'poor'; seconds: number }>,
): Promise<AudioRun> {
  const { liveWorkstation, snapshotEvent, testBed, until } =
    await import('../../server/live/live-clients.test-support');
  const settleS = 2;
  const workstationId = `bench-audio-${randomUUID().slice(0, 8)}`;
  const credential = await rig.central.enrol(workstationId, 'Bench stethoscope');
  const station = await liveWorkstation(rig.central.url, credential, workstationId);
  const patientId = randomUUID();
  const bed = {
    ...testBed('bed-1', 'Bed 1'),
    patient: {
      id: patientId,
      mrn: 'MRN-BENCH',
      familyName: 'Bench',
      givenName: 'Test',
      birthDate: '1950-01-01',
      category: 'adult' as const,
    },
  };
  station.send({ type: 'beds', beds: [bed] });
  station.send({ type: 'bed', bedId: 'bed-1', event: snapshotEvent(bed) });
  const central = rig.central as unknown as {
    server: { live: { live: { relay: { hasBed(id: string): boolean } } } };
  };
  await until(() => central.server.live.live.relay.hasBed(`${workstationId}/bed-1`), 'the bed');
  await link.set('good');
  const consult = await openConsult(rig.central.url, credential, {
    localId: 'bed-1',
    label: 'Bed 1',
    patientId,
  });
  const total = phases.reduce((sum, p) => sum + p.seconds, 0);
  const [command, args] = link.viewerCommand([
    process.execPath,
    ...process.execArgv,
    THIS_FILE,
    '--audio-viewer',
    consult.audioUrl,
    consult.origin,
    String(total + settleS + 3),
  ]);
  const viewer: ChildProcess = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, [COOKIE_ENV]: consult.cookie },
  });
  let output = '';
  viewer.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => viewer.once('exit', () => resolve()));
  let seq = 0;
  const data = Buffer.alloc(AUDIO_FRAME_BYTES, 0x5a).toString('base64');
  const share = setInterval(() => {
    const atMs = Date.now();
    const frames: AuscultationFrame[] = [];
    for (let n = 0; n < AUDIO_BATCH_FRAMES; n++) {
      frames.push({
        seq: seq++,
        atMs,
        codec: 'opus',
        sampleRateHz: 48000,
        channels: 1,
        durationUs: AUDIO_FRAME_MS * 1000,
        data,
      });
    }
    station.send({ type: 'audio', bedId: 'bed-1', frames } as never);
  }, AUDIO_FRAME_MS * AUDIO_BATCH_FRAMES);
  try {
    await new Promise((resolve) => setTimeout(resolve, settleS * 1000));
    const bounds: Array<{ name: string; fromMs: number; toMs: number }> = [];
    let linkBytesPerSecondPoor = NaN;
    for (const phase of phases) {
      await link.set(phase.name);
      const before = phase.name === 'poor' ? await link.stats() : null;
      const fromMs = Date.now();
      await new Promise((resolve) => setTimeout(resolve, phase.seconds * 1000));
      bounds.push({ name: phase.name, fromMs, toMs: Date.now() });
      if (before) {
        const after = await link.stats();
        linkBytesPerSecondPoor =
          (after.toViewer - before.toViewer) / ((Date.now() - fromMs) / 1000);
      }
    }
    clearInterval(share);
    await link.set('good');
    await exited;
    const log = JSON.parse(output) as {
      frames: Array<[number, number, number]>;
      closed: string | null;
    };
    const late = new Map<string, number[]>();
    for (const [arrivedMs, atMs] of log.frames) {
      const bound = bounds.find((b) => atMs >= b.fromMs + settleS * 1000 && atMs < b.toMs);
      if (!bound) continue;
      const list = late.get(bound.name) ?? [];
      list.push(arrivedMs - atMs);
      late.set(bound.name, list);
    }
    return {
      phases: Object.fromEntries(
        [...late].map(([name, list]) => [
          name,
          {
            p50Ms: quantile(list, 0.5),
            p95Ms: quantile(list, 0.95),
            maxMs: Math.max(...list),
            frames: list.length,
          },
        ]),
      ),
      sent: seq,
      received: log.frames.length,
      firstSeq: log.frames[0]?.[2] ?? null,
      linkBytesPerSecondPoor,
      closed: log.closed,
    };
  } finally {
    clearInterval(share);
    if (viewer.exitCode === null) viewer.kill();
    await consult.end();
    await station.close();
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
  const socketWords =
    'the real /telehealth/ws (invited by the workstation, redeemed with the code, session cookie + same-origin Origin)';
  // The link first: the central server listens on its near end, where the viewer reaches it.
  const reason = canShapeLinks();
  let link: Link;
  try {
    link = reason === null ? await openShapedLink() : loopbackLink(reason);
  } catch (error) {
    link = loopbackLink(`the shaped link failed: ${(error as Error).message}`);
  }
  let rig: Rig | null = null;
  try {
    rig = await startRig(link.serverHost);
    const only = process.env.TELEHEALTH_ONLY; // 'audio': (c) alone; 'link': (b) alone
    // (a) Bytes per viewer, per bed (on this side of the link: the wire's payload).
    for (const bed of only === 'audio' || only === 'link' ? [] : rig.beds) {
      const samples: Array<Awaited<ReturnType<typeof bytesPerViewer>>> = [];
      for (let n = 0; n < runs; n++) samples.push(await bytesPerViewer(rig, bed, 10));
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
        what: `WebSocket message payload on ${socketWords}, bedLive of the demo's ${bed.devices} bed: every wave + numerics + alarms, one socket per pps; goal ≤ 8000 B/s`,
        socket: VIEWER_PATHS.socket,
        unit: 'B/s',
        [`undecimated${MAX_POINTS_PER_SECOND}pps`]: summary('undecimated'),
        [`laptop${LAPTOP_PPS}pps`]: summary('laptop'),
        [`phone${PHONE_PPS}pps`]: summary('phone'),
        runs: samples.map((s) => ({
          undecimated: round(s.undecimated.total, 0),
          laptop: round(s.laptop.total, 0),
          phone: round(s.phone.total, 0),
        })),
        machine,
      });
    }

    // (b) Latency over a good and a poor link, and gaps after an outage.
    // The IntelliVue (three waves, ECG at 500 Hz) unless TELEHEALTH_BED=datex-s5 (four waves).
    const bedName = process.env.TELEHEALTH_BED ?? 'intellivue-mib';
    const bed = rig.beds.find((b) => b.devices === bedName);
    if (!bed) throw new Error(`TELEHEALTH_BED: no demo bed ${bedName} (intellivue-mib, datex-s5)`);
    const shaped = link.serverHost !== '127.0.0.1';
    const phases: Phase[] = shaped
      ? [
          { name: 'good', seconds: 10 },
          { name: 'poor', seconds: poorSeconds },
          { name: 'down', seconds: OUTAGE_SECONDS },
          { name: 'recovered', seconds: 15 },
        ]
      : [{ name: 'good', seconds: 10 }];
    const results: LinkRun[] = [];
    const rawGood: LinkRun[] = [];
    for (let n = 0; n < (only === 'audio' ? 0 : runs); n++) {
      results.push(await linkRun(rig, link, bed, phases));
      const good = [{ name: 'good', seconds: 10 }] as Phase[];
      rawGood.push(await linkRun(rig, link, bed, good, MAX_POINTS_PER_SECOND));
    }
    const med = (get: (r: LinkRun) => number | undefined) =>
      round(median(results.map(get).filter((v): v is number => v !== undefined)), 0);
    const phase = (name: string, of: (r: LinkRun) => PhaseFigures = (r) => r.phases) => ({
      p50: med((r) => of(r)[name]?.p50Ms),
      p95: med((r) => of(r)[name]?.p95Ms),
      max: med((r) => of(r)[name]?.maxMs),
    });
    const byte = (r: LinkRun) => r.fromDeviceByte;
    const wayWords = LINK_WAY === 'both' ? 'each way' : 'server → viewer (the way back clean)';
    if (results.length > 0)
      report({
        bench: 'telehealth.link-latency',
        what: `sample time (the workstation's device clock; a decimated point's bucket start) → arrival at the viewer (*FromDeviceByte: from when the sample's block left the workstation's bed for the live publisher, i.e. its device bytes parsed, instead of its sample time: the device's own framing, 256 ms on the IntelliVue, is not counted), ${bed.devices} bed at ${LAPTOP_PPS} pps through workstation → central relay → ${socketWords}; poor link ${POOR_LINK.rateBps / 1000} kbit/s, ${POOR_LINK.delayMs} ms and ${POOR_LINK.loss * 100} % loss ${wayWords}; then ${OUTAGE_SECONDS} s with no link and the poor link back (the viewer ${process.env.TELEHEALTH_RESUME === '0' ? 'never gives its socket up' : 'resuming on a fresh socket when its socket stalls, as the page does'}); goals p95 ≤ 300 ms good, ≤ 1000 ms poor, no gap after recovery`,
        socket: VIEWER_PATHS.socket,
        link: link.emulated,
        linkWay: LINK_WAY,
        unit: 'ms',
        good: phase('good'),
        goodFromDeviceByte: phase('good', byte),
        [`goodUndecimated${MAX_POINTS_PER_SECOND}pps`]: {
          p50: round(median(rawGood.map((r) => r.phases.good?.p50Ms ?? NaN)), 0),
          p95: round(median(rawGood.map((r) => r.phases.good?.p95Ms ?? NaN)), 0),
        },
        ...(shaped
          ? {
              poor: phase('poor'),
              outage: phase('down'),
              recovered: phase('recovered'),
              poorFromDeviceByte: phase('poor', byte),
              outageFromDeviceByte: phase('down', byte),
              recoveredFromDeviceByte: phase('recovered', byte),
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
        socketClosed: [...results, ...rawGood].map((r) => r.closed),
        runs: results.map((r) => ({
          good95: round(r.phases.good?.p95Ms ?? NaN, 0),
          poor95: round(r.phases.poor?.p95Ms ?? NaN, 0),
          recovered95: round(r.phases.recovered?.p95Ms ?? NaN, 0),
          recoveredMax: round(r.phases.recovered?.maxMs ?? NaN, 0),
          goodFromDeviceByte95: round(r.fromDeviceByte.good?.p95Ms ?? NaN, 0),
          poorFromDeviceByte95: round(r.fromDeviceByte.poor?.p95Ms ?? NaN, 0),
          outageFromDeviceByte95: round(r.fromDeviceByte.down?.p95Ms ?? NaN, 0),
          recoveredFromDeviceByte95: round(r.fromDeviceByte.recovered?.p95Ms ?? NaN, 0),
          catchUpS: r.catchUpS,
          resumes: r.resumes,
          unmatchedSamples: r.unmatched,
        })),
        machine,
      });

    // (c) The stethoscope's sound, bed → remote, on the good link and the poor one.
    const audioPhases: Array<{ name: 'good' | 'poor'; seconds: number }> = shaped
      ? [
          { name: 'good', seconds: 10 },
          { name: 'poor', seconds: 20 },
        ]
      : [{ name: 'good', seconds: 10 }];
    const audio: AudioRun[] = [];
    for (let n = 0; n < (only === 'link' ? 0 : runs); n++)
      audio.push(await audioRun(rig, link, audioPhases));
    const audioPhase = (name: string) => ({
      p50: round(median(audio.map((r) => r.phases[name]?.p50Ms ?? NaN)), 0),
      p95: round(median(audio.map((r) => r.phases[name]?.p95Ms ?? NaN)), 0),
      max: round(median(audio.map((r) => r.phases[name]?.maxMs ?? NaN)), 0),
    });
    if (audio.length > 0)
      report({
        bench: 'telehealth.audio-latency',
        what: `auscultation frames (Opus-sized: ${AUDIO_FRAME_BYTES} B per ${AUDIO_FRAME_MS} ms, ${AUDIO_BATCH_FRAMES} per message every ${AUDIO_FRAME_MS * AUDIO_BATCH_FRAMES} ms, as the bed's share sends them) from a workstation's live socket, atMs = when sent → the relay → the real ${VIEWER_PATHS.audio} (same session rules as /telehealth/ws) → arrival at the viewer; poor link as above, ${wayWords}; NOT included: capture and Opus encoding in the bed's browser (WebCodecs, about one frame), decoding and playout at the viewer; no waveform socket shares the link here`,
        socket: VIEWER_PATHS.audio,
        link: link.emulated,
        linkWay: LINK_WAY,
        unit: 'ms',
        good: audioPhase('good'),
        ...(shaped ? { poor: audioPhase('poor') } : {}),
        ...(shaped
          ? {
              linkBytesPerSecondPoorWithHeaders: round(
                median(audio.map((r) => r.linkBytesPerSecondPoor)),
                0,
              ),
            }
          : {}),
        framesSentReceivedFirstSeq: audio.map((r) => [r.sent, r.received, r.firstSeq]),
        socketClosed: audio.map((r) => r.closed),
        runs: audio.map((r) => ({
          good95: round(r.phases.good?.p95Ms ?? NaN, 0),
          poor95: round(r.phases.poor?.p95Ms ?? NaN, 0),
        })),
        machine,
      });
  } finally {
    await rig?.stop();
    await link.close();
  }
}

if (process.argv[2] === '--viewer') {
  await viewerMain(process.argv[3]!, process.argv[4]!, process.argv[5]!, Number(process.argv[6]));
  process.exit(0);
} else if (process.argv[2] === '--audio-viewer') {
  await audioViewerMain(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
  process.exit(0);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
  process.exit(0);
}
