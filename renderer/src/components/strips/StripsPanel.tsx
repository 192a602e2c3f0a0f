// The bed's ECG strips (PDF), newest first: alarm strips made by the workstation for high-priority
// alarms and manual ones printed here. "Open PDF" fetches one and offers it to view or save.
import { dateAndTime } from '../../clinical/clinical-time';
import { useCallback, useEffect, useState } from 'react';
import type { StripMetadata } from '../../../../shared/api/contract-strips';
import type { WorkstationClient } from '../../../../shared/api/client';
import { base64ToBytes } from '../../../../shared/audio/base64';
import { strings } from '../../strings';
import './strips.css';
import { reasonOf } from '../../api/reason';

export interface StripsPanelProps {
  client: WorkstationClient;
  bedId: string;
  bedLabel: string;
}

const t = strings.strips;
/** Alarm strips appear about 12 s after their alarm: the list is read again this often. */
const REFRESH_MS = 5000;

interface OpenStrip {
  id: string;
  url: string;
  fileName: string;
}

export function StripsPanel({ client, bedId, bedLabel }: StripsPanelProps) {
  const [strips, setStrips] = useState<StripMetadata[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [printing, setPrinting] = useState(false);
  const [opening, setOpening] = useState<string | null>(null);
  const [open, setOpen] = useState<OpenStrip | null>(null);

  const refresh = useCallback(async () => {
    try {
      setStrips(await client.request('listStrips', { bedId }));
    } catch (error) {
      setProblem(t.listFailed(reasonOf(error)));
    }
  }, [client, bedId]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  // The PDF's object URL lives as long as it is offered.
  useEffect(() => () => void (open && URL.revokeObjectURL(open.url)), [open]);

  async function print() {
    setPrinting(true);
    setProblem(null);
    setStatus(null);
    try {
      await client.request('printStrip', { bedId });
      setStatus(t.printed);
      await refresh();
    } catch (error) {
      setProblem(t.printFailed(reasonOf(error)));
    } finally {
      setPrinting(false);
    }
  }

  async function openPdf(strip: StripMetadata) {
    setOpening(strip.id);
    setProblem(null);
    try {
      const { pdfBase64 } = await client.request('getStrip', { id: strip.id });
      const bytes = base64ToBytes(pdfBase64);
      const url = URL.createObjectURL(
        new Blob([bytes.slice().buffer], { type: 'application/pdf' }),
      );
      setOpen({ id: strip.id, url, fileName: fileNameOf(bedLabel, strip) });
    } catch (error) {
      setProblem(t.openFailed(reasonOf(error)));
    } finally {
      setOpening(null);
    }
  }

  return (
    <section className="strips" aria-label={t.title} data-testid="strips-panel">
      <div className="strips__header">
        <h2 className="strips__title">{t.title}</h2>
        <button
          type="button"
          className="button"
          onClick={() => void print()}
          disabled={printing}
          data-testid="print-strip"
        >
          {printing ? t.printing : t.print}
        </button>
      </div>
      {problem && (
        <p className="strips__problem" role="alert">
          {problem}
        </p>
      )}
      {status && (
        <p className="strips__hint" role="status">
          {status}
        </p>
      )}
      {strips === null ? (
        !problem && <p className="strips__hint">{t.loading}</p>
      ) : strips.length === 0 ? (
        <p className="strips__hint" data-testid="strips-empty">
          {t.empty}
        </p>
      ) : (
        <ul className="strips__list" aria-label={t.listLabel} data-testid="strips-list">
          {strips.map((strip) => (
            <li key={strip.id} className="strips__item" data-testid="strip-item">
              <div className="strips__what">
                <span className="strips__kind">
                  {strip.kind === 'alarm' ? t.alarmKind : t.manualKind}
                </span>
                {strip.alarmMessage && <span>{strip.alarmMessage}</span>}
                <span className="strips__time">
                  {t.span(timeOf(strip.fromMs), timeOf(strip.toMs))} · {t.by(strip.actor)}
                </span>
              </div>
              <div className="strips__actions">
                <button
                  type="button"
                  className="button"
                  onClick={() => void openPdf(strip)}
                  disabled={opening === strip.id}
                  data-testid="open-strip-pdf"
                >
                  {opening === strip.id ? t.opening : t.openPdf}
                </button>
                {open?.id === strip.id && (
                  <>
                    <a
                      className="button"
                      href={open.url}
                      target="_blank"
                      rel="noopener noreferrer"
                      data-testid="strip-view"
                    >
                      {t.view}
                    </a>
                    <a
                      className="button"
                      href={open.url}
                      download={open.fileName}
                      data-testid="strip-download"
                    >
                      {t.save(open.fileName)}
                    </a>
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function timeOf(ms: number): string {
  return dateAndTime(ms, { seconds: true });
}

/** "strip-bed-7-20261121-110900.pdf": the bed and the strip's start, in local time. */
export function fileNameOf(
  bedLabel: string,
  strip: Pick<StripMetadata, 'fromMs' | 'kind'>,
): string {
  const d = new Date(strip.fromMs);
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}-` +
    `${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
  const bed =
    bedLabel
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'bed';
  return `${strip.kind}-strip-${bed}-${stamp}.pdf`;
}
