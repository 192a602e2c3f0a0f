// The bed's stethoscope recordings: newest first, each with the patient it was kept with and the
// heart rate found in it, playable along its phonocardiogram, and exportable as a WAV file.
import { dateAndTime } from '../../clinical/clinical-time';
import { useCallback, useEffect, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import { base64ToBytes } from '../../../../shared/audio/base64';
import { decodeWav } from '../../../../shared/audio/wav';
import type { SoundRecordingMetadata } from '../../../../shared/model/sound-recording';
import { strings } from '../../strings';
import { RecordingTrace } from './RecordingTrace';

interface OpenRecording {
  id: string;
  url: string;
  fileName: string;
  title: string;
  samples: Int16Array;
  rateHz: number;
}

export function SoundRecordingList(props: {
  client: WorkstationClient;
  bedId: string;
  /** Changes whenever a recording was added, to list it. */
  refreshKey: number;
}) {
  const { client, bedId, refreshKey } = props;
  const [recordings, setRecordings] = useState<SoundRecordingMetadata[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [loadingId, setLoadingId] = useState<string | null>(null);
  const [open, setOpen] = useState<OpenRecording | null>(null);
  const [audio, setAudio] = useState<HTMLAudioElement | null>(null);

  useEffect(() => {
    let current = true;
    client.request('listSoundRecordings', { bedId }).then(
      (list) => {
        if (!current) return;
        setRecordings(list);
        setProblem(null);
      },
      (error: Error) => current && setProblem(strings.stethoscope.listFailed(error.message)),
    );
    return () => {
      current = false;
    };
  }, [client, bedId, refreshKey]);

  // Each blob: URL lives as long as its recording is open.
  useEffect(() => {
    if (!open) return;
    return () => URL.revokeObjectURL(open.url);
  }, [open]);
  useEffect(() => {
    if (open) void audio?.play().catch(() => undefined);
  }, [open, audio]);

  const play = useCallback(
    async (recording: SoundRecordingMetadata) => {
      setLoadingId(recording.id);
      try {
        const { wavBase64 } = await client.request('getSoundRecording', { id: recording.id });
        const bytes = base64ToBytes(wavBase64);
        const { samples, rateHz } = decodeWav(bytes);
        const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type: 'audio/wav' }));
        setOpen({
          id: recording.id,
          url,
          fileName: fileNameOf(recording),
          title: describe(recording),
          samples,
          rateHz,
        });
        setProblem(null);
      } catch (error) {
        setProblem(strings.stethoscope.loadFailed((error as Error).message));
      } finally {
        setLoadingId(null);
      }
    },
    [client],
  );

  return (
    <section
      className="stethoscope__recordings"
      aria-labelledby="stethoscope-recordings-title"
      data-testid="sound-recordings"
    >
      <h2 id="stethoscope-recordings-title" className="stethoscope__subtitle">
        {strings.stethoscope.recordings}
      </h2>
      {problem && (
        <p role="alert" className="stethoscope__problem" data-testid="sound-recordings-problem">
          {problem}
        </p>
      )}
      {recordings.length === 0 && !problem && (
        <p className="stethoscope__muted">{strings.stethoscope.noRecordings}</p>
      )}
      <ul className="stethoscope__list">
        {recordings.map((recording) => (
          <li
            key={recording.id}
            className="stethoscope__item"
            data-testid="sound-recording"
            data-recording-id={recording.id}
            data-duration-s={recording.durationS.toFixed(3)}
            data-rate-hz={recording.rateHz}
            data-heart-rate-bpm={recording.heartRateBpm ?? undefined}
            data-patient-id={recording.patient?.id}
            aria-current={open?.id === recording.id ? 'true' : undefined}
          >
            <span className="stethoscope__item-title">
              {describe(recording)}
              <span className="stethoscope__muted" data-testid="sound-recording-patient">
                {recording.patient
                  ? strings.stethoscope.patient(recording.patient)
                  : strings.stethoscope.noPatient}
              </span>
            </span>
            <span data-testid="sound-recording-heart-rate">
              {recording.heartRateBpm === null
                ? strings.stethoscope.noHeartRate
                : strings.stethoscope.heartRate(recording.heartRateBpm)}
            </span>
            <span className="stethoscope__muted">
              {strings.stethoscope.summary(recording.durationS, recording.rateHz)}
            </span>
            <button
              type="button"
              className="button"
              data-testid="sound-recording-play"
              disabled={loadingId !== null}
              aria-label={`${strings.stethoscope.play}: ${describe(recording)}`}
              onClick={() => void play(recording)}
            >
              {loadingId === recording.id ? strings.stethoscope.loading : strings.stethoscope.play}
            </button>
          </li>
        ))}
      </ul>
      {open && (
        <div className="stethoscope__player" data-testid="sound-recording-player">
          <RecordingTrace
            samples={open.samples}
            rateHz={open.rateHz}
            audio={audio}
            title={open.title}
          />
          <audio
            ref={setAudio}
            controls
            src={open.url}
            aria-label={strings.stethoscope.player(open.title)}
            data-testid="sound-recording-audio"
          />
          <a
            className="button"
            href={open.url}
            download={open.fileName}
            data-testid="sound-recording-export"
          >
            {strings.stethoscope.exportWav}
          </a>
        </div>
      )}
    </section>
  );
}

function describe(recording: SoundRecordingMetadata): string {
  const when = dateAndTime(recording.startedAt, { seconds: true });
  const parts = [when, siteName(recording.site), modeName(recording.mode), recording.label];
  return parts.filter(Boolean).join(' · ');
}

function siteName(site: string | null): string | null {
  if (site === 'heart' || site === 'lung') return strings.stethoscope.sites[site];
  return site;
}

function modeName(mode: SoundRecordingMetadata['mode']): string | null {
  return mode ? strings.stethoscope.modes[mode] : null;
}

function fileNameOf(recording: SoundRecordingMetadata): string {
  const stamp = new Date(recording.startedAt).toISOString().replace(/[:.]/g, '-');
  const parts = ['bed', recording.bedId, recording.site ?? 'sound', stamp];
  return `${parts.join('-').replace(/[^A-Za-z0-9_-]+/g, '_')}.wav`;
}
