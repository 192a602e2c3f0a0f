// Live auscultation: the stethoscope's sound, compressed at the bed (Opus through the browser's
// WebCodecs AudioEncoder; no gain control or noise suppression) and sent in frames to the central
// server, which relays them to the remote clinician's viewer as binary WebSocket messages. Pure.
import { z } from 'zod';

/** One encoded chunk as the workstation sends it (base64 inside its JSON live socket). */
export const AuscultationFrame = z
  .object({
    /** Increases by one per frame of a capture; a gap is a lost frame. */
    seq: z.number().int().nonnegative(),
    /** When its first sample was captured (UTC ms, the workstation's clock). */
    atMs: z.number().int().nonnegative(),
    codec: z.literal('opus'),
    sampleRateHz: z.number().int().min(8000).max(48000),
    channels: z.literal(1),
    durationUs: z.number().int().positive().max(1_000_000),
    /** The encoded chunk, base64: at most MAX_AUDIO_FRAME_BYTES bytes. */
    data: z
      .string()
      .min(1)
      .max(Math.ceil((4 * 4096) / 3) + 4),
  })
  .strict();
export type AuscultationFrame = z.infer<typeof AuscultationFrame>;

export const MAX_AUDIO_FRAME_BYTES = 4096;

/** A bed's frame as the relay carries it: which bed, then the frame. */
export interface BedAuscultationFrame {
  /** The bed's id on the central server (`<workstationId>/<bedId>`). */
  bedId: string;
  frame: AuscultationFrame;
}

/**
 * The binary message a viewer gets: 1 byte version (1), 4 bytes big-endian length of a JSON
 * header (the frame without `data`), the header, then the encoded bytes.
 */
export function encodeViewerAudio(frame: AuscultationFrame): Uint8Array {
  const { data, ...header } = frame;
  const head = new TextEncoder().encode(JSON.stringify(header));
  const body = base64ToBytes(data);
  const out = new Uint8Array(5 + head.length + body.length);
  out[0] = 1;
  new DataView(out.buffer).setUint32(1, head.length);
  out.set(head, 5);
  out.set(body, 5 + head.length);
  return out;
}

export type ViewerAudio = Omit<AuscultationFrame, 'data'> & { bytes: Uint8Array };

/** Reads a binary message of encodeViewerAudio; throws on anything else. */
export function decodeViewerAudio(message: Uint8Array): ViewerAudio {
  if (message.length < 5 || message[0] !== 1) throw new Error('Not an auscultation frame.');
  const headLength = new DataView(message.buffer, message.byteOffset).getUint32(1);
  if (5 + headLength > message.length) throw new Error('An auscultation frame is cut short.');
  const header = AuscultationFrame.omit({ data: true }).parse(
    JSON.parse(new TextDecoder().decode(message.subarray(5, 5 + headLength))),
  );
  return { ...header, bytes: message.slice(5 + headLength) };
}

/**
 * Several frames of one capture in one binary message (version 2), so that a poor link carries
 * one small packet per batch, not one per 20 ms: 1 byte version (2), 4 bytes big-endian length of
 * a JSON header {codec, sampleRateHz, channels, frames: [[seq, atMs, durationUs, length], …]},
 * the header, then each frame's bytes one after the other. One frame alone goes as version 1.
 */
export function encodeViewerAudioBatch(frames: readonly AuscultationFrame[]): Uint8Array {
  if (frames.length === 1) return encodeViewerAudio(frames[0]!);
  const first = frames[0];
  if (!first) throw new Error('No auscultation frame to send.');
  const bodies = frames.map((frame) => base64ToBytes(frame.data));
  const head = new TextEncoder().encode(
    JSON.stringify({
      codec: first.codec,
      sampleRateHz: first.sampleRateHz,
      channels: first.channels,
      frames: frames.map((f, i) => [f.seq, f.atMs, f.durationUs, bodies[i]!.length]),
    }),
  );
  const out = new Uint8Array(5 + head.length + bodies.reduce((n, b) => n + b.length, 0));
  out[0] = 2;
  new DataView(out.buffer).setUint32(1, head.length);
  out.set(head, 5);
  let at = 5 + head.length;
  for (const body of bodies) {
    out.set(body, at);
    at += body.length;
  }
  return out;
}

const BatchHeader = z.object({
  codec: z.literal('opus'),
  sampleRateHz: z.number().int().min(8000).max(48000),
  channels: z.literal(1),
  frames: z
    .array(
      z.tuple([
        z.number().int().nonnegative(),
        z.number().int().nonnegative(),
        z.number().int().positive().max(1_000_000),
        z.number().int().nonnegative().max(MAX_AUDIO_FRAME_BYTES),
      ]),
    )
    .min(1)
    .max(100),
});

/**
 * Frames in runs a batch may carry: of one rate, in order, at most MAX_BATCH_FRAMES (a batch
 * stays far under a socket's bounds whatever a workstation sends).
 */
export function consecutiveRuns(frames: readonly AuscultationFrame[]): AuscultationFrame[][] {
  const runs: AuscultationFrame[][] = [];
  let run: AuscultationFrame[] = [];
  for (const frame of frames) {
    const last = run.at(-1);
    if (
      last &&
      (frame.sampleRateHz !== last.sampleRateHz ||
        frame.seq <= last.seq ||
        run.length >= MAX_BATCH_FRAMES)
    ) {
      runs.push(run);
      run = [];
    }
    run.push(frame);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
const MAX_BATCH_FRAMES = Math.floor((64 * 1024) / MAX_AUDIO_FRAME_BYTES);

/** Every frame of a binary message of either version; throws on anything else. */
export function decodeViewerAudioMessage(message: Uint8Array): ViewerAudio[] {
  if (message[0] !== 2) return [decodeViewerAudio(message)];
  if (message.length < 5) throw new Error('An auscultation batch is cut short.');
  const headLength = new DataView(message.buffer, message.byteOffset).getUint32(1);
  if (5 + headLength > message.length) throw new Error('An auscultation batch is cut short.');
  const header = BatchHeader.parse(
    JSON.parse(new TextDecoder().decode(message.subarray(5, 5 + headLength))),
  );
  let at = 5 + headLength;
  const frames = header.frames.map(([seq, atMs, durationUs, length]) => {
    if (at + length > message.length) throw new Error('An auscultation batch is cut short.');
    const bytes = message.slice(at, at + length);
    at += length;
    return {
      seq,
      atMs,
      durationUs,
      codec: header.codec,
      sampleRateHz: header.sampleRateHz,
      channels: header.channels,
      bytes,
    };
  });
  if (at !== message.length) throw new Error('An auscultation batch has bytes left over.');
  return frames;
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
