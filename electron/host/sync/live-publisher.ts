// The workstation's live stream to the central server's relay: while enrolled and reachable, one
// WebSocket carries its beds and, for every bed, the very BedLiveEvents its own screens get (the
// host's bedLive stream, subscribed as a screen subscribes). Nothing here waits on the network:
// a slow link loses waveform samples (counted), never numerics or alarms, and a link that stops
// draining is cut and made again with a fresh snapshot. A refused or unreachable server is a
// status, never an error the bedside sees. Telehealth's auscultation frames go on the same socket
// while it is up, and are dropped, never queued, while it is not: stale sound is worse than none.
import WebSocket from 'ws';
import type { Bed } from '../../../shared/model/schemas';
import type { BedLiveEvent } from '../../../shared/api/contract';
import type { AuscultationFrame } from '../../../shared/telehealth/audio';
import {
  LiveToWorkstation,
  MAX_AUDIO_FRAMES_PER_MESSAGE,
  MAX_LIVE_MESSAGE_BYTES,
  type LiveFromWorkstation,
} from '../../../shared/sync/live';
import { SYNC_PATHS, SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../../shared/sync/protocol';

/** Where to publish: the enrolled server, this workstation's credential, the CA it trusts. */
export interface LiveLink {
  serverUrl: string;
  credential: string;
  /** PEM of the CA the workstation was enrolled with (absent: the system's). */
  ca?: string | Buffer;
}

/** What the publisher needs of the workstation (electron/host/workstation.ts gives all of it). */
export interface LiveSource {
  readonly id: string;
  readonly router: {
    subscribe(stream: string, params: unknown, emit: (event: unknown) => void): () => void;
  };
  readonly beds: ReadonlyMap<string, { snapshot(): Bed }>;
  readonly bus: { on(topic: 'bed', listener: (event: { bedId: string }) => void): () => void };
}

export interface LivePublisherOptions {
  source: LiveSource;
  /** Asked before every connection: null while the workstation is not enrolled. */
  link: () => LiveLink | null | Promise<LiveLink | null>;
  log?: (message: string) => void;
  /** Past this many bytes waiting on the socket, samples are dropped (numerics and alarms never). */
  maxBufferedBytes?: number;
  /** A socket whose backlog has not drained for this long has stalled: it is cut and made again. */
  stalledMs?: number;
  /** Waits between attempts: doubling from the first to the last, with jitter. */
  retryMs?: { first: number; last: number };
  /** After a refusal (revoked, unknown credential, protocol): how long before asking again. */
  refusedRetryMs?: number;
  /** How often the bed list is looked at for beds made without a 'bed' event (an import). */
  bedsCheckMs?: number;
  /** Ping period; a server that answers no ping for two periods is gone. */
  pingMs?: number;
  random?: () => number;
  now?: () => number;
  /** The server says the update feed changed (a release published): the updater reads it soon. */
  onUpdateFeed?: (notice: UpdateFeedNotice) => void;
}

/** A release published, or a channel's settings changed, on the server (shared/sync/live.ts). */
export type UpdateFeedNotice = Omit<Extract<LiveToWorkstation, { type: 'update-feed' }>, 'type'>;

export type LivePublisherState =
  'not-enrolled' | 'connecting' | 'connected' | 'unreachable' | 'refused' | 'stopped';

export interface LivePublisherStatus {
  state: LivePublisherState;
  /** Since when the state has been what it is (UTC ms). */
  sinceMs: number;
  /** The server's words for a refusal, or the last connection error. */
  problem: string | null;
  /** Bed events sent since start. */
  sentEvents: number;
  /** Sample events dropped because the link was behind, since start. */
  droppedSampleEvents: number;
  /** Auscultation frames sent, and dropped (not connected, or the link behind), since start. */
  sentAudioFrames: number;
  droppedAudioFrames: number;
}

export const LIVE_MAX_BUFFERED_BYTES = 2 * 1024 * 1024;
/** Past this many bytes waiting, audio is dropped: about 1 s of the link's backlog at 128 kbit/s. */
const AUDIO_MAX_BUFFERED_BYTES = 16 * 1024;
const STALLED_MS = 30_000;
const RETRY_MS = { first: 1_000, last: 30_000 };
const REFUSED_RETRY_MS = 5 * 60_000;
const NOT_ENROLLED_RETRY_MS = 10_000;
const BEDS_CHECK_MS = 2_000;
const PING_MS = 15_000;

/** The relay's address for a server address: ws(s)://host:port/api/sync/live. */
export function liveUrl(serverUrl: string): string {
  const url = new URL(SYNC_PATHS.live, serverUrl);
  url.protocol =
    url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  return url.toString();
}

export class LivePublisher {
  private socket: WebSocket | null = null;
  private welcomed = false;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private readonly streams = new Map<string, () => void>();
  private bedsSignature = '';
  /** The beds the relay was last told of (audio for another bed would be refused). */
  private listedBeds = new Set<string>();
  private backlogSinceMs: number | null = null;
  private awaitingPong = false;
  private readonly unsubscribers: Array<() => void> = [];
  private readonly current: LivePublisherStatus;
  private readonly log: (message: string) => void;
  private readonly now: () => number;

  constructor(private readonly options: LivePublisherOptions) {
    this.log = options.log ?? ((message) => console.log(message));
    this.now = options.now ?? Date.now;
    this.current = {
      state: 'connecting',
      sinceMs: this.now(),
      problem: null,
      sentEvents: 0,
      droppedSampleEvents: 0,
      sentAudioFrames: 0,
      droppedAudioFrames: 0,
    };
  }

  /** Starts connecting (and keeps doing so until stop). */
  start(): this {
    const { source } = this.options;
    this.unsubscribers.push(source.bus.on('bed', () => this.bedsMayHaveChanged()));
    const check = setInterval(
      () => this.bedsMayHaveChanged(),
      this.options.bedsCheckMs ?? BEDS_CHECK_MS,
    );
    const ping = setInterval(() => this.ping(), this.options.pingMs ?? PING_MS);
    // Publishing never keeps a process alive on its own (the workstation's stop ends it anyway).
    check.unref();
    ping.unref();
    this.unsubscribers.push(
      () => clearInterval(check),
      () => clearInterval(ping),
    );
    void this.connect();
    return this;
  }

  status(): LivePublisherStatus {
    return { ...this.current };
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.setState('stopped', null);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.unsubscribers.splice(0).forEach((off) => off());
    this.endStreams();
    const socket = this.socket;
    this.socket = null;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.close(1001, 'workstation stopping');
      // A close that the server never answers does not hold the workstation's stop.
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 1_000).unref();
    });
  }

  /**
   * Sends a bed's auscultation frames now, or drops them: while the relay has not welcomed this
   * workstation, for a bed it was not told of, or while the link is behind (sound that would
   * arrive late is worth nothing). Answers how many were sent.
   */
  sendAudio(bedId: string, frames: readonly AuscultationFrame[]): number {
    const socket = this.socket;
    const maxBuffered = this.options.maxBufferedBytes ?? LIVE_MAX_BUFFERED_BYTES;
    if (
      frames.length === 0 ||
      !socket ||
      socket.readyState !== WebSocket.OPEN ||
      !this.welcomed ||
      !this.listedBeds.has(bedId) ||
      socket.bufferedAmount > Math.min(maxBuffered, AUDIO_MAX_BUFFERED_BYTES)
    ) {
      this.current.droppedAudioFrames += frames.length;
      return 0;
    }
    let sent = 0;
    for (let at = 0; at < frames.length; at += MAX_AUDIO_FRAMES_PER_MESSAGE) {
      const part = frames.slice(at, at + MAX_AUDIO_FRAMES_PER_MESSAGE);
      if (this.sendMessage({ type: 'audio', bedId, frames: part })) sent += part.length;
    }
    this.current.sentAudioFrames += sent;
    this.current.droppedAudioFrames += frames.length - sent;
    return sent;
  }

  /** Drops the connection now and makes a new one at once (a new credential, a new server). */
  reconnect(): void {
    this.attempt = 0;
    this.socket?.terminate();
  }

  private setState(state: LivePublisherState, problem: string | null): void {
    if (this.current.state !== state) this.current.sinceMs = this.now();
    this.current.state = state;
    this.current.problem = problem;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let link: LiveLink | null;
    try {
      link = await this.options.link();
    } catch (error) {
      this.log(`live: the server address and credential could not be read: ${String(error)}`);
      link = null;
    }
    if (this.stopped) return;
    if (!link) {
      this.setState('not-enrolled', null);
      return this.retryIn(NOT_ENROLLED_RETRY_MS);
    }
    if (this.current.state !== 'refused' && this.current.state !== 'unreachable')
      this.setState('connecting', null);
    let socket: WebSocket;
    try {
      socket = new WebSocket(liveUrl(link.serverUrl), {
        headers: {
          authorization: `Bearer ${link.credential}`,
          [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
        },
        ...(link.ca ? { ca: link.ca } : {}),
        maxPayload: MAX_LIVE_MESSAGE_BYTES,
        handshakeTimeout: 10_000,
        perMessageDeflate: false,
      });
    } catch (error) {
      this.setState('unreachable', `The central server address cannot be used: ${String(error)}`);
      return this.retryIn(this.nextRetryMs());
    }
    this.socket = socket;
    this.welcomed = false;
    this.awaitingPong = false;
    let refusedWith: string | null = null;

    socket.on('open', () => {
      this.sendMessage({
        type: 'hello',
        protocol: SYNC_PROTOCOL,
        workstationId: this.options.source.id,
      });
    });
    socket.on('pong', () => {
      this.awaitingPong = false;
    });
    socket.on('message', (data, isBinary) => {
      const message = isBinary ? null : parseReply(String(data));
      if (!message) {
        this.log('live: the central server sent something that is not part of the live protocol');
        return;
      }
      if (message.type === 'welcome') {
        this.welcomed = true;
        this.attempt = 0;
        this.setState('connected', null);
        this.log(`live: publishing to ${link.serverUrl}`);
        this.bedsSignature = '';
        this.bedsMayHaveChanged();
      } else if (message.type === 'update-feed') {
        if (!this.welcomed) return;
        try {
          this.options.onUpdateFeed?.({ channel: message.channel, platform: message.platform });
        } catch (error) {
          this.log(`live: the update notice could not be passed on: ${String(error)}`);
        }
      } else {
        refusedWith = message.message;
        this.log(
          `live: the central server refused the live stream (${message.error}): ${message.message}`,
        );
        this.setState('refused', message.message);
        socket.close(1000, 'refused');
      }
    });
    socket.on('unexpected-response', (_request, response) => {
      refusedWith = `The central server answered ${response.statusCode} to the live stream.`;
      this.setState('refused', refusedWith);
      response.resume();
      socket.terminate();
    });
    socket.on('error', (error) => {
      if (this.current.state !== 'refused')
        this.setState('unreachable', `Central server unreachable: ${error.message}`);
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      this.endStreams();
      this.backlogSinceMs = null;
      if (this.stopped) return;
      if (refusedWith) return this.retryIn(this.options.refusedRetryMs ?? REFUSED_RETRY_MS);
      if (this.current.state === 'connected')
        this.setState('unreachable', 'The live link to the central server closed.');
      this.retryIn(this.nextRetryMs());
    });
  }

  private nextRetryMs(): number {
    const { first, last } = this.options.retryMs ?? RETRY_MS;
    const base = Math.min(last, first * 2 ** Math.min(this.attempt, 20));
    this.attempt += 1;
    const random = this.options.random ?? Math.random;
    return Math.round(base * (0.5 + random() / 2)); // jitter: many workstations do not return as one
  }

  private retryIn(ms: number): void {
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, ms);
    this.retryTimer.unref();
  }

  /** A server that does not answer two pings in a row is gone (a half-open link). */
  private ping(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (this.awaitingPong) {
      this.log('live: the central server stopped answering; connecting again');
      socket.terminate();
      return;
    }
    this.awaitingPong = true;
    socket.ping();
  }

  /** Sends the bed list when it changed, and follows every bed's live stream. */
  private bedsMayHaveChanged(): void {
    if (!this.welcomed) return;
    const beds = [...this.options.source.beds.values()].map((bed) => bed.snapshot());
    const signature = JSON.stringify(
      beds.map((bed) => [bed.id, bed.label, bed.patient?.id ?? null, bed.deviceIds]),
    );
    if (signature === this.bedsSignature) return;
    this.bedsSignature = signature;
    this.sendMessage({ type: 'beds', beds });
    const ids = new Set(beds.map((bed) => bed.id));
    this.listedBeds = ids;
    for (const [bedId, end] of this.streams) {
      if (ids.has(bedId)) continue;
      end();
      this.streams.delete(bedId);
    }
    for (const bedId of ids) {
      if (this.streams.has(bedId)) continue;
      try {
        this.streams.set(
          bedId,
          this.options.source.router.subscribe('bedLive', { bedId, waveforms: 'all' }, (event) =>
            this.sendBedEvent(bedId, event as BedLiveEvent),
          ),
        );
      } catch (error) {
        this.log(`live: the live stream of ${bedId} could not be followed: ${String(error)}`);
      }
    }
  }

  private endStreams(): void {
    for (const end of this.streams.values()) {
      try {
        end();
      } catch (error) {
        this.log(`live: a bed's live stream did not stop cleanly: ${String(error)}`);
      }
    }
    this.streams.clear();
    this.listedBeds = new Set();
    this.welcomed = false;
  }

  private sendBedEvent(bedId: string, event: BedLiveEvent): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || !this.welcomed) return;
    if (socket.bufferedAmount <= (this.options.maxBufferedBytes ?? LIVE_MAX_BUFFERED_BYTES)) {
      this.backlogSinceMs = null;
    } else {
      this.backlogSinceMs ??= this.now();
      if (this.now() - this.backlogSinceMs > (this.options.stalledMs ?? STALLED_MS)) {
        this.log(
          `live: the link to the central server has not drained for ${this.now() - this.backlogSinceMs} ms ` +
            `(${socket.bufferedAmount} bytes waiting); connecting again`,
        );
        socket.terminate();
        return;
      }
      if (event.type === 'samples') {
        this.current.droppedSampleEvents += 1;
        return;
      }
    }
    this.current.sentEvents += 1;
    this.sendMessage({ type: 'bed', bedId, event });
  }

  /** False when the message was not handed to the socket. */
  private sendMessage(message: LiveFromWorkstation): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      this.log(`live: a ${message.type} message could not be written: ${String(error)}`);
      return false;
    }
    if (text.length > MAX_LIVE_MESSAGE_BYTES) {
      this.log(`live: a ${message.type} message of ${text.length} bytes is too large to send`);
      return false;
    }
    socket.send(text, (error) => {
      if (error && !this.stopped) this.log(`live: a message was not sent: ${error.message}`);
    });
    return true;
  }
}

function parseReply(text: string): LiveToWorkstation | null {
  try {
    const parsed = LiveToWorkstation.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Starts publishing; stop() ends it. */
export function startLivePublisher(options: LivePublisherOptions): LivePublisher {
  return new LivePublisher(options).start();
}
