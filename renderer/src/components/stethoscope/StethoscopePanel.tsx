// Auscultation at the bedside: choose the audio input the stethoscope is on, listen and watch the
// phonocardiogram through a bell or diaphragm filter, record, and keep the raw sound with the bed.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import { bytesToBase64 } from '../../../../shared/audio/base64';
import { heartSoundRate, WINDOW_S, WINDOW_STEP_S } from '../../../../shared/audio/heart-sound-rate';
import { encodeWav } from '../../../../shared/audio/wav';
import {
  MAX_SOUND_RECORDING_S,
  type StethoscopeMode,
} from '../../../../shared/model/sound-recording';
import { strings } from '../../strings';
import { PhonocardiogramTrace } from './PhonocardiogramTrace';
import { shareWords, useRemoteShare } from './remote-share';
import { SoundRecordingList } from './SoundRecordingList';
import { listAudioInputs, startCapture, type StethoscopeCapture } from './stethoscope-capture';
import './stethoscope.css';

type Phase = 'idle' | 'starting' | 'recording' | 'saving';
type Site = 'heart' | 'lung';
const MODES: StethoscopeMode[] = ['bell', 'diaphragm', 'raw'];
const SITES: Site[] = ['heart', 'lung'];
const ELAPSED_TICK_MS = 100;
/** A live rate: 'pending' until a first window of sound is in, then the rate or null. */
type LiveRate = 'pending' | { bpm: number } | null;

export function StethoscopePanel({ client, bedId }: { client: WorkstationClient; bedId: string }) {
  const ids = useId();
  const [inputs, setInputs] = useState<MediaDeviceInfo[]>([]);
  const [deviceId, setDeviceId] = useState('');
  const [site, setSite] = useState<Site>('heart');
  const [mode, setMode] = useState<StethoscopeMode>('bell');
  const [note, setNote] = useState('');
  const [listening, setListening] = useState(false);
  const [phase, setPhase] = useState<Phase>('idle');
  const [capture, setCapture] = useState<StethoscopeCapture | null>(null);
  const [captureMethod, setCaptureMethod] = useState<string | null>(null);
  const [elapsedS, setElapsedS] = useState(0);
  const [message, setMessage] = useState<{ text: string; isProblem: boolean } | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [liveRate, setLiveRate] = useState<LiveRate>('pending');
  const captureRef = useRef<StethoscopeCapture | null>(null);
  // Telehealth: the raw sound to the remote clinician watching this bed, while the nurse shares.
  const [shareWanted, setShareWanted] = useState(false);
  const share = useRemoteShare(client, bedId, capture, shareWanted);
  const canCapture = typeof navigator.mediaDevices?.getUserMedia === 'function';

  const refreshInputs = useCallback(() => {
    listAudioInputs().then(setInputs, () => setInputs([]));
  }, []);
  useEffect(() => {
    refreshInputs();
  }, [refreshInputs]);
  useEffect(() => {
    navigator.mediaDevices?.addEventListener('devicechange', refreshInputs);
    return () => navigator.mediaDevices?.removeEventListener('devicechange', refreshInputs);
  }, [refreshInputs]);
  // Leaving the panel ends a capture without keeping it.
  useEffect(() => () => void captureRef.current?.stop(), []);

  useEffect(() => {
    capture?.setMode(mode);
  }, [capture, mode]);
  useEffect(() => {
    capture?.setListening(listening);
  }, [capture, listening]);

  const stopAndSave = useCallback(
    async (reason: string | null) => {
      const current = captureRef.current;
      if (!current) return;
      captureRef.current = null;
      setPhase('saving');
      try {
        const samples = await current.stop();
        setCapture(null);
        const wav = encodeWav(samples, current.rateHz);
        await client.request('saveSoundRecording', {
          bedId,
          site,
          mode,
          ...(note.trim() ? { label: note.trim() } : {}),
          rateHz: current.rateHz,
          startedAt: Math.round(current.startedAt),
          wavBase64: bytesToBase64(wav),
        });
        setMessage({ text: reason ?? strings.stethoscope.saved, isProblem: false });
        setRefreshKey((key) => key + 1);
      } catch (error) {
        setMessage({
          text: strings.stethoscope.saveFailed((error as Error).message),
          isProblem: true,
        });
      } finally {
        setCapture(null);
        setPhase('idle');
      }
    },
    [client, bedId, site, mode, note],
  );

  // The elapsed time, and the five-minute limit.
  useEffect(() => {
    if (!capture) return;
    const timer = setInterval(() => {
      const seconds = capture.capturedFrames() / capture.rateHz;
      setElapsedS(seconds);
      if (seconds >= MAX_SOUND_RECORDING_S) {
        void stopAndSave(strings.stethoscope.limitReached(MAX_SOUND_RECORDING_S / 60));
      }
    }, ELAPSED_TICK_MS);
    return () => clearInterval(timer);
  }, [capture, stopAndSave]);

  // The heart rate while recording: every 2 s, over the last 8 s of raw sound.
  useEffect(() => {
    if (!capture) return;
    setLiveRate('pending');
    const timer = setInterval(() => {
      const samples = capture.recentSamples(WINDOW_S);
      if (samples.length < (WINDOW_S / 2) * capture.rateHz) return;
      const rate = heartSoundRate(samples, capture.rateHz);
      setLiveRate(rate ? { bpm: rate.bpm } : null);
    }, WINDOW_STEP_S * 1000);
    return () => clearInterval(timer);
  }, [capture]);

  const record = async () => {
    setPhase('starting');
    setMessage(null);
    setElapsedS(0);
    try {
      const started = await startCapture(deviceId || null, mode);
      captureRef.current = started;
      setCapture(started);
      setCaptureMethod(started.captureMethod);
      setPhase('recording');
      refreshInputs();
    } catch (error) {
      setPhase('idle');
      setMessage({
        text: strings.stethoscope.captureFailed((error as Error).message),
        isProblem: true,
      });
    }
  };

  const busy = phase !== 'idle';
  const namesHidden = inputs.length > 0 && inputs.every((input) => !input.label);
  return (
    <section
      className="stethoscope"
      aria-labelledby={`${ids}-title`}
      data-testid="stethoscope-panel"
      data-phase={phase}
      data-capture-method={captureMethod ?? undefined}
    >
      <h2 id={`${ids}-title`} className="stethoscope__title">
        {strings.stethoscope.title}
      </h2>
      <div className="stethoscope__controls">
        <label className="stethoscope__field">
          <span>{strings.stethoscope.input}</span>
          <select
            value={deviceId}
            disabled={busy}
            data-testid="stethoscope-input"
            onChange={(event) => setDeviceId(event.target.value)}
          >
            <option value="">{strings.stethoscope.defaultInput}</option>
            {inputs
              .filter((input) => input.deviceId && input.deviceId !== 'default')
              .map((input, index) => (
                <option key={input.deviceId} value={input.deviceId}>
                  {input.label || strings.stethoscope.unnamedInput(index + 1)}
                </option>
              ))}
          </select>
        </label>
        <label className="stethoscope__field">
          <span>{strings.stethoscope.site}</span>
          <select
            value={site}
            disabled={busy}
            data-testid="stethoscope-site"
            onChange={(event) => setSite(event.target.value as Site)}
          >
            {SITES.map((value) => (
              <option key={value} value={value}>
                {strings.stethoscope.sites[value]}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="stethoscope__modes" data-testid="stethoscope-mode">
          <legend>{strings.stethoscope.mode}</legend>
          {MODES.map((value) => (
            <label key={value}>
              <input
                type="radio"
                name={`${ids}-mode`}
                value={value}
                checked={mode === value}
                disabled={phase === 'saving'}
                onChange={() => setMode(value)}
              />
              {strings.stethoscope.modes[value]}
            </label>
          ))}
        </fieldset>
        <label className="stethoscope__field">
          <span>{strings.stethoscope.note}</span>
          <input
            type="text"
            value={note}
            maxLength={120}
            disabled={busy}
            data-testid="stethoscope-note"
            onChange={(event) => setNote(event.target.value)}
          />
        </label>
        <label className="stethoscope__check">
          <input
            type="checkbox"
            checked={listening}
            data-testid="stethoscope-listen"
            onChange={(event) => setListening(event.target.checked)}
          />
          {strings.stethoscope.listen}
        </label>
      </div>
      {share.state.kind !== 'hidden' && (
        <div
          className="stethoscope__share"
          data-testid="stethoscope-share"
          data-share={share.state.kind}
        >
          {share.state.kind === 'unsupported' ? (
            <p role="alert" className="stethoscope__problem">
              {shareWords.unsupported}
            </p>
          ) : (
            <>
              <label className="stethoscope__check">
                <input
                  type="checkbox"
                  checked={shareWanted}
                  data-testid="stethoscope-share-toggle"
                  onChange={(event) => setShareWanted(event.target.checked)}
                />
                {shareWords.toggle}
              </label>
              <span role="status" className="stethoscope__muted">
                {share.state.kind === 'sharing'
                  ? shareWords.sharing(share.state.viewer)
                  : share.state.kind === 'waiting'
                    ? shareWords.waitingForRecord
                    : shareWords.notSharing}
              </span>
            </>
          )}
          {share.problem && (
            <p role="alert" className="stethoscope__problem">
              {share.problem}
            </p>
          )}
        </div>
      )}
      {namesHidden && <p className="stethoscope__muted">{strings.stethoscope.inputNamesHidden}</p>}
      <p className="stethoscope__muted">{strings.stethoscope.modeHint}</p>
      <PhonocardiogramTrace analyser={capture?.analyser ?? null} />
      <div className="stethoscope__actions">
        {phase === 'recording' ? (
          <button
            type="button"
            className="button stethoscope__stop"
            data-testid="stethoscope-stop"
            onClick={() => void stopAndSave(null)}
          >
            {strings.stethoscope.stop}
          </button>
        ) : (
          <button
            type="button"
            className="button"
            data-testid="stethoscope-record"
            disabled={busy || !canCapture}
            onClick={() => void record()}
          >
            {phase === 'saving' ? strings.stethoscope.saving : strings.stethoscope.record}
          </button>
        )}
        <span role="timer" aria-live="off" data-testid="stethoscope-elapsed">
          {phase === 'recording' ? strings.stethoscope.recording(elapsedS) : ''}
        </span>
        {phase === 'recording' && (
          <span
            className="stethoscope__live-rate"
            data-testid="stethoscope-live-rate"
            data-bpm={liveRate && liveRate !== 'pending' ? liveRate.bpm.toFixed(1) : undefined}
          >
            {liveRate === 'pending'
              ? strings.stethoscope.findingHeartRate
              : liveRate
                ? strings.stethoscope.heartRate(liveRate.bpm)
                : strings.stethoscope.liveNoHeartRate(WINDOW_S)}
          </span>
        )}
        <span role="status" data-testid="stethoscope-message">
          {!canCapture
            ? strings.stethoscope.noCapture
            : message && !message.isProblem
              ? message.text
              : ''}
        </span>
      </div>
      {message?.isProblem && (
        <p role="alert" className="stethoscope__problem" data-testid="stethoscope-problem">
          {message.text}
        </p>
      )}
      <SoundRecordingList
        client={client}
        bedId={bedId}
        refreshKey={refreshKey + share.keptForRemote}
      />
    </section>
  );
}
