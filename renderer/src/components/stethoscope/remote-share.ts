// Live auscultation for a remote clinician (telehealth): while the stethoscope captures and the
// nurse shares, the raw sound (the stethoscope's band: no filter, gain control or noise
// suppression) is compressed with Opus through the browser's WebCodecs in 20 ms frames, and sent
// to the host as each capture block is encoded, at most 100 ms a request (sendAuscultation), which
// relays it to the central server. Sound
// that cannot go at once is dropped, never queued: late sound is worse than none.
import { useEffect, useState } from 'react';
import { useAskedRecordings, type RecordingCapture } from '../telehealth/remote-recording';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { RemoteConsult } from '../../../../shared/api/contract-telehealth';
import {
  bytesToBase64,
  MAX_AUDIO_FRAME_BYTES,
  type AuscultationFrame,
} from '../../../../shared/telehealth/audio';

/** Opus at this rate keeps heart and lung sounds (20 Hz to 2 kHz) well within a poor link. */
export const SHARE_BITRATE_BPS = 32_000;
export const SHARE_FRAME_US = 20_000;
/** How much sound one request carries: 5 frames of 20 ms. */
export const SHARE_BATCH_MS = 100;
/**
 * A capture block's frames come from the encoder together: what is gathered goes this long after
 * the last of them, without waiting for the batch to fill (each block is sent as it is encoded).
 */
const IDLE_FLUSH_MS = 10;
/** Requests still unanswered past which new sound is dropped (the host or link is behind). */
const MAX_REQUESTS_IN_FLIGHT = 4;

export const shareWords = {
  toggle: 'Share with the remote clinician',
  sharing: (name: string) => `${name} hears the stethoscope now.`,
  notSharing: 'The remote clinician does not hear the stethoscope.',
  waitingForRecord: 'Sharing starts when you press Record.',
  unsupported:
    'This screen cannot compress sound for the remote clinician (no Opus encoder in this browser): nothing is shared. Use the workstation’s own screen.',
  failed: (reason: string) =>
    `The stethoscope sound is not reaching the remote clinician (${reason}). It is tried again with the next sound.`,
};

/**
 * Gathers encoded frames into requests of about SHARE_BATCH_MS each. Pure: the caller sends what
 * push() and flush() answer.
 */
export class FrameBatcher {
  private frames: AuscultationFrame[] = [];
  private durationUs = 0;

  constructor(
    private readonly batchUs = SHARE_BATCH_MS * 1000,
    /** The contract's bound on frames per request. */
    private readonly maxFrames = 50,
  ) {}

  /** Adds a frame; answers a full batch to send, or null while it fills. */
  push(frame: AuscultationFrame): AuscultationFrame[] | null {
    this.frames.push(frame);
    this.durationUs += frame.durationUs;
    if (this.durationUs >= this.batchUs || this.frames.length >= this.maxFrames)
      return this.flush();
    return null;
  }

  /** What is waiting, as a batch (null when nothing is). */
  flush(): AuscultationFrame[] | null {
    if (this.frames.length === 0) return null;
    const batch = this.frames;
    this.frames = [];
    this.durationUs = 0;
    return batch;
  }
}

/** The frame for one encoded chunk; null for a chunk too large for the contract (dropped). */
export function frameOfChunk(
  bytes: Uint8Array,
  seq: number,
  startedAtMs: number,
  timestampUs: number,
  durationUs: number,
  sampleRateHz: number,
): AuscultationFrame | null {
  if (bytes.length === 0 || bytes.length > MAX_AUDIO_FRAME_BYTES) return null;
  return {
    seq,
    atMs: Math.round(startedAtMs + timestampUs / 1000),
    codec: 'opus',
    sampleRateHz,
    channels: 1,
    durationUs: Math.max(1, Math.min(1_000_000, Math.round(durationUs || SHARE_FRAME_US))),
    data: bytesToBase64(bytes),
  };
}

function encoderConfig(sampleRateHz: number): AudioEncoderConfig {
  return {
    codec: 'opus',
    sampleRate: sampleRateHz,
    numberOfChannels: 1,
    bitrate: SHARE_BITRATE_BPS,
    // 20 ms frames; no discontinuous transmission (a quiet chest is still sound).
    opus: { frameDuration: SHARE_FRAME_US, complexity: 5, usedtx: false },
  } as AudioEncoderConfig;
}

/** Whether this browser can encode the stethoscope's sound with Opus at its rate. */
export async function canShareAt(sampleRateHz: number): Promise<boolean> {
  if (typeof AudioEncoder === 'undefined') return false;
  try {
    return (await AudioEncoder.isConfigSupported(encoderConfig(sampleRateHz))).supported === true;
  } catch {
    return false;
  }
}

export interface RemoteShare {
  /** Raw samples as the capture takes them. */
  push(samples: Float32Array): void;
  stop(): void;
  stats(): { encodedFrames: number; sentFrames: number; droppedFrames: number };
}

export interface RemoteShareOptions {
  sampleRateHz: number;
  /** UTC ms of the first sample pushed (default: now less the first block's length). */
  startedAtMs?: number;
  /** Sends one batch; answers how many frames the host relayed. */
  send: (frames: AuscultationFrame[]) => Promise<number>;
  onProblem?: (message: string | null) => void;
}

/** Starts encoding: check canShareAt first. */
export function startRemoteShare(options: RemoteShareOptions): RemoteShare {
  const batcher = new FrameBatcher();
  let seq = 0;
  let pushedFrames = 0;
  let inFlight = 0;
  let stopped = false;
  let startedAtMs = options.startedAtMs ?? null;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  const counts = { encodedFrames: 0, sentFrames: 0, droppedFrames: 0 };

  const send = (batch: AuscultationFrame[] | null) => {
    if (!batch || stopped) return;
    if (inFlight >= MAX_REQUESTS_IN_FLIGHT) {
      counts.droppedFrames += batch.length;
      return;
    }
    inFlight += 1;
    options.send(batch).then(
      (relayed) => {
        inFlight -= 1;
        counts.sentFrames += relayed;
        counts.droppedFrames += batch.length - relayed;
        options.onProblem?.(null);
      },
      (error: unknown) => {
        inFlight -= 1;
        counts.droppedFrames += batch.length;
        if (!stopped) options.onProblem?.(shareWords.failed((error as Error).message));
      },
    );
  };

  const encoder = new AudioEncoder({
    output: (chunk) => {
      const bytes = new Uint8Array(chunk.byteLength);
      chunk.copyTo(bytes);
      const frame = frameOfChunk(
        bytes,
        seq,
        startedAtMs ?? Date.now(),
        chunk.timestamp,
        chunk.duration ?? SHARE_FRAME_US,
        options.sampleRateHz,
      );
      seq += 1;
      if (!frame) return;
      counts.encodedFrames += 1;
      send(batcher.push(frame));
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        idleTimer = null;
        send(batcher.flush());
      }, IDLE_FLUSH_MS);
    },
    error: (error) => options.onProblem?.(shareWords.failed(error.message)),
  });
  encoder.configure(encoderConfig(options.sampleRateHz));

  return {
    push(samples) {
      if (stopped || encoder.state !== 'configured' || samples.length === 0) return;
      // The block arrives once full: its first sample was taken its length ago.
      startedAtMs ??= Date.now() - (samples.length / options.sampleRateHz) * 1000;
      const data = new AudioData({
        format: 'f32',
        sampleRate: options.sampleRateHz,
        numberOfFrames: samples.length,
        numberOfChannels: 1,
        timestamp: Math.round((pushedFrames / options.sampleRateHz) * 1e6),
        data: samples as Float32Array<ArrayBuffer>,
      });
      pushedFrames += samples.length;
      encoder.encode(data);
      data.close();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (idleTimer) clearTimeout(idleTimer);
      if (encoder.state !== 'closed') encoder.close();
    },
    stats: () => ({ ...counts }),
  };
}

export type ShareState =
  | { kind: 'hidden' }
  | { kind: 'off' }
  | { kind: 'waiting' }
  | { kind: 'sharing'; viewer: string }
  | { kind: 'unsupported' };

/** The capture's side the share needs (stethoscope-capture.ts StethoscopeCapture). */
interface ShareableCapture extends RecordingCapture {
  readonly rateHz: number;
  onRawSamples(listener: (samples: Float32Array) => void): () => void;
}

/**
 * The bed's share for the stethoscope panel: the consult being watched (the toggle shows only
 * then), and, while the toggle is on and the capture runs, the encoder feeding sendAuscultation.
 */
export function useRemoteShare(
  client: WorkstationClient,
  bedId: string,
  capture: ShareableCapture | null,
  wanted: boolean,
): { state: ShareState; problem: string | null; keptForRemote: number } {
  const [watching, setWatching] = useState<RemoteConsult | null>(null);
  const [supported, setSupported] = useState<boolean | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    setWatching(null);
    return client.subscribe(
      'remoteConsults',
      { bedId },
      (event) => setWatching(event.consults.find((c) => c.status === 'watching') ?? null),
      () => setWatching(null),
    );
  }, [client, bedId]);

  useEffect(() => {
    if (!capture) return;
    let cancelled = false;
    void canShareAt(capture.rateHz).then((ok) => {
      if (!cancelled) setSupported(ok);
    });
    return () => {
      cancelled = true;
    };
  }, [capture]);

  const active = Boolean(watching && wanted && capture && supported);
  useEffect(() => {
    if (!active || !capture) return;
    const share = startRemoteShare({
      sampleRateHz: capture.rateHz,
      send: async (frames) => (await client.request('sendAuscultation', { bedId, frames })).relayed,
      onProblem: setProblem,
    });
    const off = capture.onRawSamples((samples) => share.push(samples));
    return () => {
      off();
      share.stop();
      setProblem(null);
    };
  }, [active, capture, client, bedId]);

  // The remote clinician's requests for recordings, answered from the shared capture.
  const asked = useAskedRecordings(client, bedId, active ? capture : null, watching);

  let state: ShareState;
  if (!watching) state = { kind: 'hidden' };
  else if (capture && supported === false) state = { kind: 'unsupported' };
  else if (!wanted) state = { kind: 'off' };
  else if (!capture) state = { kind: 'waiting' };
  else state = { kind: 'sharing', viewer: watching.viewer?.name ?? 'The remote clinician' };
  return {
    state,
    problem: active ? (problem ?? asked.problem) : null,
    keptForRemote: asked.kept,
  };
}
