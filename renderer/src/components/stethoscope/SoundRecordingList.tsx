// The bed's stethoscope recordings: newest first, each playable and exportable as a WAV file.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import { base64ToBytes } from '../../../../shared/audio/base64';
import type { SoundRecordingMetadata } from '../../../../shared/model/sound-recording';
import { strings } from '../../strings';

interface OpenRecording {
  id: string;
  url: string;
  fileName: string;
  title: string;
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
  const audioRef = useRef<HTMLAudioElement | null>(null);

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
    void audioRef.current?.play().catch(() => undefined);
    return () => URL.revokeObjectURL(open.url);
  }, [open]);

  const play = useCallback(
    async (recording: SoundRecordingMetadata) => {
      setLoadingId(recording.id);
      try {
        const { wavBase64 } = await client.request('getSoundRecording', { id: recording.id });
        const bytes = base64ToBytes(wavBase64);
        const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type: 'audio/wav' }));
        setOpen({
          id: recording.id,
          url,
          fileName: fileNameOf(recording),
          title: describe(recording),
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
            aria-current={open?.id === recording.id ? 'true' : undefined}
          >
            <span className="stethoscope__item-title">{describe(recording)}</span>
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
          <audio
            ref={audioRef}
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
  const when = new Date(recording.startedAt).toLocaleString();
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
