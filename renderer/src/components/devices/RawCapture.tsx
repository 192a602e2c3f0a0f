// The raw capture of one device: how many seconds, then the bytes as a file to download with the
// command that decodes them. The host records the next seconds while the device keeps working.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { RequestOutput } from '../../../../shared/api/contract';
import { MAX_RAW_CAPTURE_SECONDS } from '../../../../shared/api/contract-devices';
import { strings } from '../../strings';
import { captureFileName } from './device-rows';
import { reasonOf } from '../../api/reason';

type Captured = RequestOutput<'captureRawBytes'> & { url: string; fileName: string };
type Phase =
  | { kind: 'idle' }
  | { kind: 'recording'; seconds: number }
  | { kind: 'done'; capture: Captured }
  | { kind: 'failed'; message: string };

export interface RawCaptureProps {
  client: WorkstationClient;
  deviceId: string;
  deviceName: string;
  onClose(): void;
}

function toBytes(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

export function RawCapture({ client, deviceId, deviceName, onClose }: RawCaptureProps) {
  const s = strings.devices.capture;
  const ids = useId();
  const [seconds, setSeconds] = useState(10);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });

  const url = phase.kind === 'done' ? phase.capture.url : null;
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);

  const start = (event: FormEvent) => {
    event.preventDefault();
    setPhase({ kind: 'recording', seconds });
    client.request('captureRawBytes', { deviceId, seconds }).then(
      (result) => {
        const bytes = toBytes(result.base64);
        const blob = new Blob([bytes.slice().buffer], { type: 'application/octet-stream' });
        const fileName = captureFileName(result.driver, result.fromMs);
        setPhase({
          kind: 'done',
          capture: { ...result, url: URL.createObjectURL(blob), fileName },
        });
      },
      (error: unknown) =>
        setPhase({
          kind: 'failed',
          message: s.failed(reasonOf(error)),
        }),
    );
  };

  const recording = phase.kind === 'recording';
  return (
    <section
      className="raw-capture"
      aria-labelledby={`${ids}-title`}
      data-testid="raw-capture"
      data-device-id={deviceId}
    >
      <h2 id={`${ids}-title`} className="raw-capture__title">
        {s.title(deviceName)}
      </h2>
      <p className="raw-capture__hint">{s.explanation}</p>
      <form className="raw-capture__form" onSubmit={start}>
        <label className="raw-capture__field">
          {s.seconds}
          <input
            type="number"
            min={1}
            max={MAX_RAW_CAPTURE_SECONDS}
            step={1}
            value={seconds}
            onChange={(event) => setSeconds(Math.round(Number(event.target.value)))}
            required
            disabled={recording}
            data-testid="raw-capture-seconds"
          />
        </label>
        <button type="submit" className="button" disabled={recording}>
          {s.start}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {s.close}
        </button>
      </form>
      <div role="status" className="raw-capture__status" data-testid="raw-capture-status">
        {recording && <p>{s.recording(phase.seconds)}</p>}
        {phase.kind === 'done' && <CaptureResult capture={phase.capture} />}
      </div>
      {phase.kind === 'failed' && (
        <p className="raw-capture__problem" role="alert">
          {phase.message}
        </p>
      )}
    </section>
  );
}

function CaptureResult({ capture }: { capture: Captured }) {
  const s = strings.devices.capture;
  if (capture.byteCount === 0) return <p>{s.empty}</p>;
  return (
    <>
      <p>
        {s.result(capture.byteCount, (capture.toMs - capture.fromMs) / 1000)}{' '}
        {capture.lostBytes > 0 && s.lost(capture.lostBytes)}
      </p>
      <p>
        <a
          className="button"
          href={capture.url}
          download={capture.fileName}
          data-testid="raw-capture-download"
        >
          {s.download(capture.fileName)}
        </a>
      </p>
      <p className="raw-capture__hint">{s.decodeHint}</p>
      <code className="raw-capture__command" data-testid="raw-capture-command">
        workstation decode --driver {capture.driver} --input {capture.fileName}
      </code>
    </>
  );
}
