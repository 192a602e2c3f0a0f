// The remote clinician's ear on the bed's stethoscope (telehealth): binary frames from the central
// server's audio socket (shared/telehealth/audio.ts), decoded with the browser's Opus decoder
// (WebCodecs) and played through a small jitter buffer: about 120 ms ahead of the sound, never
// more than 1 s behind it. A frame that comes too late is dropped, and a backlog after a stall is
// skipped rather than played late: the clinician hears what the bed hears now, or nothing.
import { decodeViewerAudioMessage, type ViewerAudio } from '../../../shared/telehealth/audio';
import { VIEWER_CLOSE } from '../../../shared/telehealth/viewer';

export const TARGET_BUFFER_MS = 120;
export const MAX_BEHIND_MS = 1_000;
/** Queued sound beyond the target past which frames are skipped to catch up. */
export const SKIP_ABOVE_TARGET_MS = 150;
/**
 * A queue that stayed deeper than the target for this long (a burst after a stall filled it) is
 * drained by skipping one frame, so the sound does not stay later than it needs to.
 */
export const DRAIN_WINDOW_MS = 1_000;
/** No frame for this long: the bed is not sharing now (or the link is down). */
export const SILENT_AFTER_MS = 2_000;
const RECONNECT_MS = 2_000;
const STATUS_EVERY_MS = 250;

export type JitterDecision =
  { play: true; atS: number; behindMs: number } | { play: false; reason: 'old' | 'late' | 'skip' };

/**
 * Where each frame goes on the audio clock. Pure: the caller gives the audio clock (s) and the
 * wall clock (ms). Lateness is measured against the quickest frame seen lately (the link's own
 * transit), so a workstation clock that differs from this one's never silences the sound.
 */
export class JitterBuffer {
  private nextAtS: number | null = null;
  private last: { seq: number; atMs: number } | null = null;
  /** The smallest transit (arrival − atMs) seen lately, in ms; it creeps up so it can follow. */
  private transitFloorMs: number | null = null;
  private lastArrivalMs = -Infinity;
  /** The shallowest the queue was since `drainSinceMs` (s of sound ahead). */
  private drainSinceMs: number | null = null;
  private shallowestS = Infinity;

  constructor(
    private readonly targetMs = TARGET_BUFFER_MS,
    private readonly maxBehindMs = MAX_BEHIND_MS,
    private readonly skipAboveTargetMs = SKIP_ABOVE_TARGET_MS,
    /** The viewer's clock less the workstation's, ms, for the "behind" shown (0: unknown). */
    private readonly clockOffsetMs = 0,
  ) {}

  offer(
    frame: { seq: number; atMs: number; durationUs: number },
    nowS: number,
    nowWallMs: number,
  ): JitterDecision {
    // A new capture starts again at seq 0, later: a new stream, not an old frame.
    if (this.last && frame.seq <= this.last.seq && frame.atMs <= this.last.atMs)
      return { play: false, reason: 'old' };
    const transitMs = nowWallMs - frame.atMs;
    if (
      this.transitFloorMs === null ||
      nowWallMs - this.lastArrivalMs > SILENT_AFTER_MS ||
      transitMs < this.transitFloorMs
    )
      this.transitFloorMs = transitMs;
    else this.transitFloorMs += (nowWallMs - this.lastArrivalMs) * 0.001; // follows a drifting clock
    this.lastArrivalMs = nowWallMs;
    this.last = { seq: frame.seq, atMs: frame.atMs };

    const lateMs = transitMs - this.transitFloorMs;
    if (lateMs > this.maxBehindMs - this.targetMs) return { play: false, reason: 'late' };
    const targetS = this.targetMs / 1000;
    // Nothing queued (the start, or the queue ran dry): start again a target ahead.
    if (this.nextAtS === null || this.nextAtS < nowS + 0.005) {
      this.nextAtS = nowS + targetS;
      this.drainSinceMs = null;
    }
    const aheadS = this.nextAtS - nowS;
    if (aheadS > targetS + this.skipAboveTargetMs / 1000) return { play: false, reason: 'skip' };
    if (this.drainSinceMs === null) {
      this.drainSinceMs = nowWallMs;
      this.shallowestS = aheadS;
    } else this.shallowestS = Math.min(this.shallowestS, aheadS);
    if (nowWallMs - this.drainSinceMs >= DRAIN_WINDOW_MS) {
      const deeper = this.shallowestS > targetS;
      this.drainSinceMs = null;
      if (deeper) return { play: false, reason: 'skip' };
    }
    const atS = this.nextAtS;
    this.nextAtS += frame.durationUs / 1e6;
    return { play: true, atS, behindMs: transitMs - this.clockOffsetMs + aheadS * 1000 };
  }

  /** Forget the queue (the decoder was reset, the socket came back). */
  reset(): void {
    this.nextAtS = null;
    this.last = null;
    this.transitFloorMs = null;
    this.drainSinceMs = null;
  }
}

export type PlayerState =
  'idle' | 'connecting' | 'listening' | 'silent' | 'reconnecting' | 'ended' | 'unsupported';

export interface PlayerStatus {
  state: PlayerState;
  /** How far behind the bed the sound heard now is (ms), or null before any. */
  behindMs: number | null;
  /** Wall clock (ms) of the last frame received, or null. */
  lastFrameMs: number | null;
  played: number;
  dropped: number;
  /** Dropped frames by why: unreadable, old, late (over 1 s), skip (catching up), decoder. */
  droppedBy: Record<string, number>;
  /** Why the socket ended for good (the server's sentence), or null. */
  endedBecause: string | null;
}

export interface AuscultationPlayerOptions {
  socketUrl: string;
  targetMs?: number;
  maxBehindMs?: number;
  clockOffsetMs?: number;
  onStatus?: (status: PlayerStatus) => void;
  /** For tests: an AudioContext made by the caller. */
  context?: AudioContext;
}

/** Whether this browser can decode Opus (WebCodecs). */
export async function canPlayOpus(sampleRateHz = 48_000): Promise<boolean> {
  if (typeof AudioDecoder === 'undefined') return false;
  try {
    const support = await AudioDecoder.isConfigSupported({
      codec: 'opus',
      sampleRate: sampleRateHz,
      numberOfChannels: 1,
    });
    return support.supported === true;
  } catch {
    return false;
  }
}

interface Pending {
  frame: ViewerAudio;
  arrivedMs: number;
}

export class AuscultationPlayer {
  readonly context: AudioContext;
  /** The sound as it is played: the phonocardiogram draws it; tests measure it. */
  readonly analyser: AnalyserNode;
  private readonly jitter: JitterBuffer;
  private socket: WebSocket | null = null;
  private decoder: AudioDecoder | null = null;
  private decoderRateHz = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly current: PlayerStatus = {
    state: 'idle',
    behindMs: null,
    lastFrameMs: null,
    played: 0,
    dropped: 0,
    droppedBy: {},
    endedBecause: null,
  };
  private timers: Array<ReturnType<typeof setTimeout>> = [];
  private stopped = false;
  private reportedAtMs = 0;

  constructor(private readonly options: AuscultationPlayerOptions) {
    this.context = options.context ?? new AudioContext({ latencyHint: 'interactive' });
    this.analyser = new AnalyserNode(this.context, { fftSize: 2048, smoothingTimeConstant: 0 });
    this.analyser.connect(this.context.destination);
    this.jitter = new JitterBuffer(
      options.targetMs,
      options.maxBehindMs,
      SKIP_ABOVE_TARGET_MS,
      options.clockOffsetMs ?? 0,
    );
  }

  status(): PlayerStatus {
    return { ...this.current, droppedBy: { ...this.current.droppedBy } };
  }

  private drop(reason: string): void {
    this.current.dropped += 1;
    this.current.droppedBy[reason] = (this.current.droppedBy[reason] ?? 0) + 1;
  }

  /** Call within the person's gesture (a browser starts audio only then). */
  async start(): Promise<void> {
    this.stopped = false;
    const resumed = this.context.resume();
    if (!(await canPlayOpus())) {
      this.set({ state: 'unsupported' });
      return;
    }
    await resumed;
    this.connect();
    const tick = setInterval(() => this.checkSilence(), 250);
    this.timers.push(tick as unknown as ReturnType<typeof setTimeout>);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const timer of this.timers) clearInterval(timer as unknown as number);
    this.timers = [];
    this.socket?.close(1000, 'the clinician stopped listening');
    this.socket = null;
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.decoder = null;
    this.pending.clear();
    this.jitter.reset();
    this.set({ state: 'idle' });
    if (!this.options.context) void this.context.close().catch(() => undefined);
  }

  private set(patch: Partial<PlayerStatus>): void {
    Object.assign(this.current, patch);
    this.options.onStatus?.(this.status());
  }

  private connect(): void {
    if (this.stopped) return;
    this.set({ state: this.current.state === 'idle' ? 'connecting' : 'reconnecting' });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.options.socketUrl);
    } catch {
      this.retry();
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => this.set({ state: 'silent' });
    socket.onmessage = (event: MessageEvent<unknown>) => {
      if (event.data instanceof ArrayBuffer) this.receive(new Uint8Array(event.data));
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.jitter.reset();
      if (event.code === VIEWER_CLOSE.ended || event.code === VIEWER_CLOSE.notSignedIn) {
        this.set({ state: 'ended', endedBecause: event.reason || null });
        return;
      }
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped) return;
    this.set({ state: 'reconnecting' });
    this.timers.push(setTimeout(() => this.connect(), RECONNECT_MS));
  }

  private checkSilence(): void {
    const last = this.current.lastFrameMs;
    if (
      this.current.state === 'listening' &&
      (last === null || Date.now() - last > SILENT_AFTER_MS)
    )
      this.set({ state: 'silent' });
  }

  private receive(message: Uint8Array): void {
    let frames: ViewerAudio[];
    try {
      frames = decodeViewerAudioMessage(message);
    } catch {
      this.drop('unreadable'); // not ours: ignored, never fatal
      return;
    }
    for (const frame of frames) this.receiveFrame(frame);
  }

  private receiveFrame(frame: ViewerAudio): void {
    const arrivedMs = Date.now();
    this.current.lastFrameMs = arrivedMs;
    if (this.current.state !== 'listening') this.set({ state: 'listening' });
    const decoder = this.decoderFor(frame.sampleRateHz);
    if (!decoder) return;
    const timestampUs = frame.atMs * 1000 + (frame.seq % 1000);
    // A decoder that stopped answering holds no more than a second of frames.
    if (this.pending.size >= 50) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
      this.drop('decoder');
    }
    this.pending.set(timestampUs, { frame, arrivedMs });
    try {
      decoder.decode(
        new EncodedAudioChunk({
          type: 'key',
          timestamp: timestampUs,
          duration: frame.durationUs,
          data: frame.bytes,
        }),
      );
    } catch {
      this.pending.delete(timestampUs);
      this.drop('decoder');
    }
  }

  private decoderFor(sampleRateHz: number): AudioDecoder | null {
    if (this.decoder && this.decoder.state === 'configured' && this.decoderRateHz === sampleRateHz)
      return this.decoder;
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.pending.clear();
    this.jitter.reset();
    try {
      const decoder = new AudioDecoder({
        output: (data) => this.play(data),
        error: () => {
          // The next frame makes a new decoder.
          this.decoder = null;
        },
      });
      decoder.configure({ codec: 'opus', sampleRate: sampleRateHz, numberOfChannels: 1 });
      this.decoder = decoder;
      this.decoderRateHz = sampleRateHz;
      return decoder;
    } catch {
      this.decoder = null;
      return null;
    }
  }

  private play(data: AudioData): void {
    try {
      // Its frame by timestamp; a decoder that renumbers its output gives the oldest waiting.
      const key = this.pending.has(data.timestamp)
        ? data.timestamp
        : this.pending.keys().next().value;
      const pending = key === undefined ? undefined : this.pending.get(key);
      if (key !== undefined) this.pending.delete(key);
      if (!pending || this.stopped) {
        this.drop('decoder');
        return;
      }
      const decision = this.jitter.offer(
        pending.frame,
        this.context.currentTime,
        // Judged as it arrived: decoding time is the player's own.
        pending.arrivedMs,
      );
      if (!decision.play) {
        this.drop(decision.reason);
        return;
      }
      const samples = new Float32Array(data.numberOfFrames);
      data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
      const buffer = new AudioBuffer({
        length: samples.length,
        sampleRate: data.sampleRate,
        numberOfChannels: 1,
      });
      buffer.copyToChannel(samples, 0);
      const source = new AudioBufferSourceNode(this.context, { buffer });
      source.connect(this.analyser);
      source.start(decision.atS);
      this.current.played += 1;
      this.current.behindMs = Math.round(decision.behindMs);
      // The page redraws a few times a second, not at every frame.
      const nowMs = Date.now();
      if (nowMs - this.reportedAtMs >= STATUS_EVERY_MS) {
        this.reportedAtMs = nowMs;
        this.options.onStatus?.(this.status());
      }
    } finally {
      data.close();
    }
  }
}
