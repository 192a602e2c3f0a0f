// The bedside's side of a recording the remote clinician asked for (issue 16): the stethoscope
// panel that shares the sound keeps the last seconds asked for of the raw signal it captures (the
// capture keeps every sample since Record; a capture shorter than that is waited for), as WAV, and
// hands it to the host (keepRemoteRecording), which stores it exactly like a local recording, with
// its heart rate. Only the screen whose capture is being shared answers; when nothing is shared
// the host refuses the request itself (no stethoscope sounding).
import { useEffect, useRef, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { RemoteConsult } from '../../../../shared/api/contract-telehealth';
import { bytesToBase64 } from '../../../../shared/audio/base64';
import { encodeWav } from '../../../../shared/audio/wav';
import { clockTime } from '../../clinical/clinical-time';

/** What of the capture (stethoscope-capture.ts) the recording needs. */
export interface RecordingCapture {
  readonly rateHz: number;
  /** UTC ms when capture began. */
  readonly startedAt: number;
  capturedFrames(): number;
  recentSamples(seconds: number): Float32Array;
}

const WAIT_STEP_MS = 200;

/** The last `seconds` of the capture as the request's sound, or null while it is shorter. */
export function lastSecondsOf(capture: RecordingCapture, seconds: number) {
  const captured = capture.capturedFrames();
  if (captured < Math.round(seconds * capture.rateHz)) return null;
  const samples = capture.recentSamples(seconds);
  const startedAt = Math.round(
    capture.startedAt + ((captured - samples.length) / capture.rateHz) * 1000,
  );
  return {
    rateHz: capture.rateHz,
    startedAt,
    wavBase64: bytesToBase64(encodeWav(samples, capture.rateHz)),
  };
}

/**
 * Answers the watched consult's open requests for recordings from the shared capture. Returns how
 * many were kept here (the recordings list reads itself again on each).
 */
export function useAskedRecordings(
  client: WorkstationClient,
  bedId: string,
  /** The capture while it is shared with the remote clinician; null otherwise. */
  capture: RecordingCapture | null,
  consult: RemoteConsult | null,
): { kept: number; problem: string | null } {
  const [kept, setKept] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const taken = useRef(new Set<string>());
  const asked = (consult?.recordings ?? []).filter((r) => r.status === 'asked');
  const key = asked.map((r) => r.id).join(',');

  useEffect(() => {
    if (!capture || !consult) return;
    const timers: ReturnType<typeof setTimeout>[] = [];
    for (const request of asked) {
      if (taken.current.has(request.id)) continue;
      taken.current.add(request.id);
      const answer = () => {
        const sound = lastSecondsOf(capture, request.seconds);
        if (!sound) {
          timers.push(setTimeout(answer, WAIT_STEP_MS));
          return;
        }
        client
          .request('keepRemoteRecording', {
            bedId,
            consultId: consult.id,
            recordingId: request.id,
            sound,
          })
          .then(
            () => {
              setProblem(null);
              setKept((n) => n + 1);
            },
            (error: unknown) => setProblem((error as Error).message),
          );
      };
      answer();
    }
    return () => {
      // The capture stopped or the share ended: what was not sent yet is not (the host refuses it).
      for (const timer of timers) clearTimeout(timer);
    };
    // `key` names the open requests; the list itself is a new array on every event.
  }, [key, capture, consult?.id, client, bedId]);

  return { kept, problem };
}

/** The bedside strip's line for each request ("Dr X asked for a 20 s recording — kept"). */
export const recordingWords = {
  asked: (name: string, seconds: number, atMs: number) =>
    `${name} asked at ${clockTime(atMs)} for a ${seconds} s recording of the stethoscope`,
  recording: 'recording…',
  kept: (durationS: number | null, bpm: number | null) =>
    `kept${durationS === null ? '' : `, ${Math.round(durationS)} s`}` +
    (bpm === null ? ', no heart rate found' : `, HR ${Math.round(bpm)}`) +
    ' (in the Stethoscope panel’s recordings)',
  refused: (problem: string | null) => `not kept: ${problem ?? 'no answer from the bed'}`,
};
