// One device on one port, kept connected: opens the port, feeds the driver's decoder, reports
// its state (connecting, connected, stale, disconnected) and reopens with backoff when the link
// is lost. A nurse must learn within 2 s that a device stopped sending, so silence is watched too.
import type { DeviceStatus } from '../../../shared/model/schemas';
import type { DecodedFrame, DecoderStats, Driver, FrameDecoder } from './driver';
import type { ByteTransport, OpenTransport } from './transports/byte-transport';
import { RawByteRing } from './raw-byte-ring';
import { SkipRate } from './skip-rate';
import { startAgainDue } from './start-again';

export interface DeviceSessionOptions {
  id: string;
  bedId: string;
  driver: Driver;
  path: string;
  open: OpenTransport;
  onFrames(frames: DecodedFrame[], arrivalMs: number): void;
  onStatus(status: DeviceStatus): void;
  /** A new connection starts: sample timelines begin again. */
  onConnectionStart?(): void;
  now?: () => number;
  staleAfterMs?: number;
  /** An open port with no recognisable frame for this long is the wrong device or a silent one. */
  recogniseWithinMs?: number;
  retryDelaysMs?: readonly number[];
  log?: (message: string) => void;
}

const WATCH_EVERY_MS = 100;
const RAW_BYTES_KEPT = 1 << 20;
const STATUS_REFRESH_MS = 1000;

export class DeviceSession {
  private transport: ByteTransport | null = null;
  private decoder: FrameDecoder;
  private finishedStats: DecoderStats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
  private state: DeviceStatus['state'] = 'connecting';
  private problem: string | null = null;
  private lastFrameAt: number | null = null;
  private openedAt = 0;
  private framesThisConnection = 0;
  private lastStartAgainAt = 0;
  /** The start is being sent again into a silence already logged: log it once per silence. */
  private startAgainLogged = false;
  private attempt = 0;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private keepAliveTimer: NodeJS.Timeout | null = null;
  private readonly watchTimer: NodeJS.Timeout;
  private lastReported = '';
  /** The last bytes received, kept for diagnostics (re-decoding, a biomed's bug report). */
  private readonly raw = new RawByteRing(RAW_BYTES_KEPT);
  private lastReportedAt = 0;
  private readonly skipRate: SkipRate;
  private readonly now: () => number;
  private readonly log: (message: string) => void;

  constructor(private readonly options: DeviceSessionOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
    this.decoder = options.driver.createDecoder();
    this.skipRate = new SkipRate(this.now());
    this.watchTimer = setInterval(() => this.watch(), WATCH_EVERY_MS);
    void this.connect();
  }

  status(): DeviceStatus {
    const { framesOk, framesBad, bytesSkipped } = this.totals();
    const bytesSkippedPerS = this.skipRate.observe(this.now(), bytesSkipped);
    return {
      id: this.options.id,
      driver: this.options.driver.descriptor.id,
      path: this.options.path,
      bedId: this.options.bedId,
      state: this.state,
      framesOk,
      framesBad,
      bytesSkipped,
      // Tenths: a rate that wobbles in its last digits would make every report a change.
      bytesSkippedPerS: Math.round(bytesSkippedPerS * 10) / 10,
      lastFrameAt: this.lastFrameAt,
      problem: this.problem,
    };
  }

  /** The most recent raw bytes from the device, oldest first (at most 1 MiB). */
  recentBytes(): Uint8Array {
    return this.raw.snapshot();
  }

  /** A mark in the raw byte stream, for `rawBytesSince` (a capture of the next seconds). */
  rawBytePosition(): number {
    return this.raw.position;
  }

  /** The raw bytes received after a mark; `lost` counts those beyond the 1 MiB kept. */
  rawBytesSince(position: number): { bytes: Uint8Array; lost: number } {
    return this.raw.since(position);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    const transport = this.transport;
    this.transport = null;
    if (!transport) return;
    const { stop } = this.options.driver.commands;
    if (stop) await transport.write(stop).catch(() => {});
    await transport.close();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const { path, driver } = this.options;
    try {
      const transport = await this.options.open(path, {
        onData: (bytes, arrivalMs) => this.receive(bytes, arrivalMs),
        onLost: (reason) => this.lost(reason),
      });
      if (this.stopped) return void transport.close();
      this.transport = transport;
      this.attempt = 0;
      this.openedAt = this.now();
      this.framesThisConnection = 0;
      this.lastStartAgainAt = 0;
      this.finishedStats = this.totals();
      this.decoder = driver.createDecoder();
      this.options.onConnectionStart?.();
      this.setState('connecting', null);
      this.log(`${this.options.id}: opened ${path}`);
      await this.sendStartCommands(transport);
    } catch (error) {
      this.setState('disconnected', error instanceof Error ? error.message : String(error));
      this.scheduleReconnect();
    }
  }

  private async sendStartCommands(transport: ByteTransport): Promise<void> {
    const { start, keepAlive } = this.options.driver.commands;
    if (start) await transport.write(start);
    if (keepAlive) {
      this.keepAliveTimer = setInterval(() => {
        void this.transport?.write(keepAlive.bytes).catch(() => {});
      }, keepAlive.everyMs);
    }
  }

  private receive(bytes: Uint8Array, arrivalMs: number): void {
    const frames = this.decoder.push(bytes);
    for (const reply of this.decoder.takeReplies?.() ?? []) {
      void this.transport
        ?.write(reply)
        .catch((error: Error) => this.log(`${this.options.id}: reply failed: ${error.message}`));
    }
    this.raw.append(bytes);
    if (frames.length === 0) return;
    this.lastFrameAt = arrivalMs;
    this.framesThisConnection += frames.length;
    this.startAgainLogged = false;
    if (this.state !== 'connected') this.setState('connected', null);
    this.options.onFrames(frames, arrivalMs);
  }

  private lost(reason: string): void {
    if (this.stopped) return;
    this.log(`${this.options.id}: link lost (${reason})`);
    this.transport = null;
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = null;
    this.setState(
      'disconnected',
      `${this.options.driver.descriptor.deviceKind} disconnected: ${reason}`,
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const delays = this.options.retryDelaysMs ?? [250, 500, 1000];
    const delay = delays[Math.min(this.attempt, delays.length - 1)] ?? 1000;
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }

  /** A device switched on late, or restarted, is commanded again at its protocol's pace. */
  private startAgainIfSilent(now: number): void {
    const { start, startAgain } = this.options.driver.commands;
    const bytes = startAgain?.bytes ?? start;
    if (!this.transport || !startAgain || !bytes) return;
    const quiet = {
      openedAtMs: this.openedAt,
      lastFrameAtMs: this.lastFrameAt,
      lastStartAgainAtMs: this.lastStartAgainAt,
    };
    if (!startAgainDue(now, startAgain.afterSilenceMs, quiet)) return;
    this.lastStartAgainAt = now;
    if (!this.startAgainLogged) {
      this.startAgainLogged = true;
      this.log(
        `${this.options.id}: nothing decoded for ${startAgain.afterSilenceMs} ms: sending the start command again every ${startAgain.afterSilenceMs} ms until it answers`,
      );
    }
    void this.transport
      .write(bytes)
      .catch((error: Error) =>
        this.log(`${this.options.id}: start command not sent: ${error.message}`),
      );
  }

  private watch(): void {
    const now = this.now();
    this.startAgainIfSilent(now);
    if (this.transport) {
      const staleAfterMs =
        this.options.staleAfterMs ?? this.options.driver.descriptor.staleAfterMs ?? 2000;
      const recogniseWithinMs = Math.max(this.options.recogniseWithinMs ?? 5000, staleAfterMs);
      const { displayName } = this.options.driver.descriptor;
      if (
        this.state === 'connected' &&
        this.lastFrameAt !== null &&
        now - this.lastFrameAt > staleAfterMs
      ) {
        this.setState(
          'stale',
          `No data from ${this.options.path} for ${Math.round(staleAfterMs / 1000)} s`,
        );
      } else if (
        this.framesThisConnection === 0 &&
        now - this.openedAt > recogniseWithinMs &&
        this.state !== 'stale'
      ) {
        this.setState(
          'stale',
          `No recognisable frames from ${this.options.path} after ${Math.round(recogniseWithinMs / 1000)} s: is a ${displayName} connected and switched on?`,
        );
      }
    }
    // Frame counters and the skip rate change continuously; report them about once a second.
    if (now - this.lastReportedAt >= STATUS_REFRESH_MS) this.report(true);
  }

  private setState(state: DeviceStatus['state'], problem: string | null): void {
    this.state = state;
    this.problem = problem;
    this.report(false);
  }

  private report(onlyIfChanged: boolean): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (onlyIfChanged && key === this.lastReported) return;
    this.lastReported = key;
    this.lastReportedAt = this.now();
    this.options.onStatus(status);
  }

  private totals(): DecoderStats {
    const current = this.decoder.stats;
    return {
      framesOk: this.finishedStats.framesOk + current.framesOk,
      framesBad: this.finishedStats.framesBad + current.framesBad,
      bytesSkipped: this.finishedStats.bytesSkipped + current.bytesSkipped,
    };
  }
}
