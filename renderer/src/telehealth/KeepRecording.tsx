// "Keep a recording" on the remote clinician's page (issue 16): while the stethoscope's sound is
// live, ask the bed to keep the last 10, 20 or 30 s of it (askRemoteRecording on the consult's
// socket: the one thing the one-patient link may ask of the bed). The bed keeps it with the
// patient like a local recording, with its heart rate; this page follows the request
// (remoteRecordings, every 2 s while one is open) and says when it was kept, or why not.
import { useCallback, useEffect, useState } from 'react';
import type { WorkstationClient } from '../../../shared/api/client';
import {
  DEFAULT_RECORDING_SECONDS,
  RECORDING_SECONDS,
  type RecordingSeconds,
  type RemoteRecording,
} from '../../../shared/telehealth/invitation';
import { clockTime } from '../clinical/clinical-time';

const FOLLOW_EVERY_MS = 2_000;

export const keepRecordingWords = {
  label: 'Keep a recording',
  seconds: 'Length',
  secondsOption: (s: number) => `${s} s`,
  keep: (s: number) => `Keep the last ${s} s`,
  asking: 'Asking…',
  needsSound: 'A recording can be asked for while the sound is live: press Listen.',
  asked: (atMs: number, s: number) =>
    `Asked at ${clockTime(atMs)} for ${s} s: the bed is keeping it…`,
  kept: (atMs: number, s: number, bpm: number | null) =>
    `Kept at ${clockTime(atMs)}, ${Math.round(s)} s, ` +
    (bpm === null ? 'no heart rate found' : `HR ${Math.round(bpm)}`),
  refused: (problem: string | null) => `Not kept: ${problem ?? 'the bed did not keep it.'}`,
  failed: (reason: string) => `The request did not go: ${reason}`,
};

type Requests = Pick<WorkstationClient, 'request'>;

/** Oldest first, each once, the newer answer of the same request winning. */
function merged(was: RemoteRecording[], got: RemoteRecording[]): RemoteRecording[] {
  const byId = new Map(was.map((r) => [r.id, r]));
  for (const r of got) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => a.askedAtMs - b.askedAtMs);
}

export function KeepRecording({
  client,
  bedId,
  live,
}: {
  client: Requests;
  bedId: string;
  /** The stethoscope's sound is playing here now. */
  live: boolean;
}) {
  const [seconds, setSeconds] = useState<RecordingSeconds>(
    DEFAULT_RECORDING_SECONDS as RecordingSeconds,
  );
  const [recordings, setRecordings] = useState<RemoteRecording[]>([]);
  const [asking, setAsking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const open = recordings.some((r) => r.status === 'asked');

  const follow = useCallback(() => {
    client.request('remoteRecordings', { bedId }).then(
      (got) => setRecordings((was) => merged(was, got)),
      () => undefined, // the next round asks again; the socket's own line says when it is down
    );
  }, [client, bedId]);

  useEffect(() => {
    follow();
  }, [follow]);
  useEffect(() => {
    if (!open) return;
    const timer = setInterval(follow, FOLLOW_EVERY_MS);
    return () => clearInterval(timer);
  }, [open, follow]);

  const ask = () => {
    setAsking(true);
    setProblem(null);
    client.request('askRemoteRecording', { bedId, seconds }).then(
      (asked) => {
        setAsking(false);
        setRecordings((was) => merged(was, [asked]));
      },
      (error: unknown) => {
        setAsking(false);
        setProblem(keepRecordingWords.failed((error as Error).message));
      },
    );
  };

  const shown = recordings.slice(-3).reverse();
  return (
    <div className="telehealth-keep" data-testid="keep-recording" data-open={open}>
      <div className="stethoscope__actions">
        <label className="stethoscope__field">
          <span>{keepRecordingWords.seconds}</span>
          <select
            value={seconds}
            data-testid="keep-recording-seconds"
            onChange={(event) => setSeconds(Number(event.target.value) as RecordingSeconds)}
          >
            {RECORDING_SECONDS.map((s) => (
              <option key={s} value={s}>
                {keepRecordingWords.secondsOption(s)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button"
          data-testid="keep-recording-ask"
          disabled={!live || open || asking}
          aria-busy={asking}
          onClick={ask}
        >
          {asking ? keepRecordingWords.asking : keepRecordingWords.keep(seconds)}
        </button>
        {!live && <span className="stethoscope__muted">{keepRecordingWords.needsSound}</span>}
      </div>
      {problem && (
        <p role="alert" className="stethoscope__problem" data-testid="keep-recording-problem">
          {problem}
        </p>
      )}
      {shown.length > 0 && (
        <ul className="telehealth-keep__list" aria-live="polite">
          {shown.map((r) => (
            <li key={r.id} data-testid="keep-recording-item" data-status={r.status}>
              {r.status === 'kept'
                ? keepRecordingWords.kept(
                    r.keptAtMs ?? r.askedAtMs,
                    r.durationS ?? r.seconds,
                    r.heartRateBpm,
                  )
                : r.status === 'refused'
                  ? keepRecordingWords.refused(r.problem)
                  : keepRecordingWords.asked(r.askedAtMs, r.seconds)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
