// The review's exports: a form (format; the whole stay, the window shown, or chosen times) that
// starts an export on the workstation, and the bed's exports, each with its progress bar
// (percent, bytes written, pace, time left) and a cancel button while it runs, and at its end
// the files (sealed at rest in the folder named) each with a Download of the plain file (the
// browser shell; the desktop app says which command opens them), or why it failed.
import { useState, type FormEvent } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import { EXPORT_FORMATS, type ExportFormat } from '../../../../shared/api/contract-exports';
import { reasonOf } from '../../api/reason';
import { strings } from '../../strings';
import { toLocalInput } from './ReviewNavigator';
import type { StoredExtent, TimeWindow } from './review-window';
import {
  canDownload,
  plainNameOf,
  useBedExports,
  type BedExport,
  type StartExport,
} from './use-bed-exports';

const t = strings.exports;
const HOUR_MS = 3_600_000;

type RangeChoice = 'stay' | 'shown' | 'chosen';

export interface ReviewExportsProps {
  client: WorkstationClient;
  bedId: string;
  /** The window on the paper now, offered as a range. */
  shown: TimeWindow | null;
  extent: StoredExtent | null;
  /** Whether the bed has a patient: the range offered first is their stay. */
  hasPatient: boolean;
  /** Whether the form is open (the list shows whenever the bed has exports). */
  open: boolean;
  onClose: () => void;
}

export function ReviewExports(props: ReviewExportsProps) {
  const { client, bedId, shown, extent, hasPatient, open, onClose } = props;
  const { exports, listProblem, start, cancel, download } = useBedExports(client, bedId);
  if (!open && exports.length === 0 && !listProblem) return null;
  return (
    <section
      className="review-exports"
      id="review-exports"
      aria-label={t.title}
      data-testid="review-exports"
    >
      <div className="review-exports__header">
        <h2 className="review-exports__title">{t.title}</h2>
        {open && (
          <button type="button" className="button" onClick={onClose} data-testid="export-close">
            {t.close}
          </button>
        )}
      </div>
      {open && (
        <ExportForm
          shown={shown}
          extent={extent}
          hasPatient={hasPatient}
          onStart={start}
          onStarted={onClose}
        />
      )}
      {listProblem && (
        <p className="review-exports__problem" role="alert">
          {t.listFailed(listProblem)}
        </p>
      )}
      {exports.length > 0 && (
        <ul className="review-exports__list" aria-label={t.listLabel} data-testid="export-list">
          {exports.map((item) => (
            <ExportItem
              key={item.status.id}
              item={item}
              onCancel={() => void cancel(item.status.id)}
              onDownload={(file) => download(item.status.id, file)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ExportForm({
  shown,
  extent,
  hasPatient,
  onStart,
  onStarted,
}: {
  shown: TimeWindow | null;
  extent: StoredExtent | null;
  hasPatient: boolean;
  onStart: (choice: StartExport) => Promise<unknown>;
  onStarted: () => void;
}) {
  const [format, setFormat] = useState<ExportFormat>('wfdb');
  const [range, setRange] = useState<RangeChoice>('stay');
  const lastMs = extent?.newestMs ?? Date.now();
  const [fromText, setFromText] = useState(() => toLocalInput(lastMs - HOUR_MS));
  const [toText, setToText] = useState(() => toLocalInput(lastMs));
  const [starting, setStarting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const times = (): { fromMs: number; toMs: number } | null | undefined => {
    if (range === 'stay') return undefined;
    if (range === 'shown') {
      return shown ? { fromMs: Math.floor(shown.fromMs), toMs: Math.ceil(shown.toMs) } : null;
    }
    const fromMs = new Date(fromText).getTime();
    const toMs = new Date(toText).getTime();
    return Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs
      ? { fromMs, toMs }
      : null;
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const chosen = times();
    if (chosen === null) return setProblem(t.badTimes);
    setStarting(true);
    setProblem(null);
    try {
      await onStart({ format, ...chosen });
      onStarted();
    } catch (error) {
      setProblem(t.startFailed(reasonOf(error)));
    } finally {
      setStarting(false);
    }
  }

  return (
    <form
      className="review-exports__form"
      onSubmit={(e) => void submit(e)}
      data-testid="export-form"
    >
      <label className="review-exports__field">
        {t.format}
        <select
          value={format}
          onChange={(e) => setFormat(e.target.value as ExportFormat)}
          data-testid="export-format"
        >
          {EXPORT_FORMATS.map((value) => (
            <option key={value} value={value}>
              {t.formats[value]}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="review-exports__range">
        <legend>{t.range}</legend>
        {(['stay', 'shown', 'chosen'] as const).map((value) => (
          <label key={value}>
            <input
              type="radio"
              name="export-range"
              value={value}
              checked={range === value}
              disabled={value === 'shown' && !shown}
              onChange={() => setRange(value)}
              data-testid={`export-range-${value}`}
            />
            {value === 'stay'
              ? t.rangeStay(hasPatient)
              : value === 'shown'
                ? shown
                  ? t.rangeShown(shown.fromMs, shown.toMs)
                  : t.rangeShownNone
                : t.rangeChosen}
          </label>
        ))}
        {range === 'chosen' && (
          <div className="review-exports__times">
            <label className="review-exports__field">
              {t.from}
              <input
                type="datetime-local"
                step={1}
                value={fromText}
                onChange={(e) => setFromText(e.target.value)}
                data-testid="export-from"
              />
            </label>
            <label className="review-exports__field">
              {t.to}
              <input
                type="datetime-local"
                step={1}
                value={toText}
                onChange={(e) => setToText(e.target.value)}
                data-testid="export-to"
              />
            </label>
          </div>
        )}
      </fieldset>
      {problem && (
        <p className="review-exports__problem" role="alert" data-testid="export-problem">
          {problem}
        </p>
      )}
      <button type="submit" className="button" disabled={starting} data-testid="export-start">
        {starting ? t.starting : t.start}
      </button>
      <p className="review-exports__hint">{t.hint}</p>
    </form>
  );
}

function ExportItem({
  item,
  onCancel,
  onDownload,
}: {
  item: BedExport;
  onCancel: () => void;
  onDownload: (file: string) => Promise<void>;
}) {
  const { status, lost, cancelProblem, cancelling } = item;
  const { format, fromMs, toMs, state } = status;
  const percent = Math.floor(status.fraction * 100);
  const figures = [
    t.percent(status.fraction),
    t.stage[status.stage],
    ...(status.bytesWritten > 0 ? [t.written(status.bytesWritten)] : []),
    ...(status.recordMsPerS ? [t.pace(status.recordMsPerS)] : []),
    ...(status.remainingS !== null ? [t.left(status.remainingS)] : []),
  ];
  return (
    <li
      className="review-export"
      data-testid="export-item"
      data-state={state}
      data-export-id={status.id}
    >
      <span className="review-export__what">{t.what(format, fromMs, toMs)}</span>
      {state === 'running' && (
        <>
          <div
            className="review-export__bar"
            role="progressbar"
            aria-label={t.progressLabel(format, fromMs, toMs)}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-valuetext={`${percent} %, ${t.stage[status.stage]}`}
            data-testid="export-progress"
          >
            <div className="review-export__fill" style={{ width: `${percent}%` }} />
          </div>
          <span className="review-export__figures" data-testid="export-figures">
            {figures.join(' · ')}
          </span>
          {lost === null && (
            <button
              type="button"
              className="button"
              onClick={onCancel}
              disabled={cancelling}
              aria-label={t.cancelLabel(format, fromMs, toMs)}
              data-testid="export-cancel"
            >
              {cancelling ? t.cancelling : t.cancel}
            </button>
          )}
        </>
      )}
      {state === 'done' && (
        <div role="status" className="review-export__result" data-testid="export-done">
          <span>{t.done(status.files.length, status.bytesWritten)}</span>
          <code className="review-export__path" data-testid="export-folder">
            {status.folder}
          </code>
          <ul className="review-export__files" data-testid="export-files">
            {status.files.map((file) => (
              <ExportFile key={file} file={file} onDownload={onDownload} />
            ))}
          </ul>
          {!canDownload() && <p className="review-exports__hint">{t.openWithCommand}</p>}
        </div>
      )}
      {state === 'failed' && (
        <p className="review-export__problem" role="alert" data-testid="export-error">
          <strong>{t.failed}</strong> {status.error}
        </p>
      )}
      {state === 'cancelled' && (
        <p className="review-export__result" role="status" data-testid="export-cancelled">
          {t.cancelled}
        </p>
      )}
      {lost !== null && (
        <p className="review-export__problem" role="status">
          {t.lost(lost)}
        </p>
      )}
      {cancelProblem !== null && (
        <p className="review-export__problem" role="alert">
          {t.cancelFailed(cancelProblem)}
        </p>
      )}
    </li>
  );
}

/** One finished file: its plain name, and (browser shell) a Download of the plain file. */
function ExportFile({
  file,
  onDownload,
}: {
  file: string;
  onDownload: (file: string) => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const plain = plainNameOf(file);
  async function download() {
    setBusy(true);
    setProblem(null);
    try {
      await onDownload(file);
    } catch (error) {
      setProblem(reasonOf(error));
    } finally {
      setBusy(false);
    }
  }
  return (
    <li data-testid="export-file" data-file={file}>
      <code className="review-export__path">{plain}</code>
      {canDownload() && (
        <button
          type="button"
          className="button review-export__download"
          onClick={() => void download()}
          disabled={busy}
          aria-label={t.downloadLabel(plain)}
          data-testid="export-download"
        >
          {busy ? t.downloading : t.download}
        </button>
      )}
      {problem !== null && (
        <p className="review-export__problem" role="alert" data-testid="export-download-problem">
          {t.downloadFailed(problem)}
        </p>
      )}
    </li>
  );
}
