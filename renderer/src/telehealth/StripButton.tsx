// "Save strip as PDF" for the remote clinician: the central server prints 20 s of the invited bed
// from the waveforms it holds, on the workstation's strip paper (patient, bed, time, 25 mm/s,
// 10 mm/mV, the waves and the numerics), and the browser saves it. Live: the newest 20 s the server
// holds. In review: 20 s centred on the paper shown.
import { useState } from 'react';
import { stripQueryString, VIEWER_STRIP_PATH } from '../../../shared/telehealth/viewer-strip';
import { ViewerRefusal } from '../../../shared/telehealth/viewer';

export const stripStrings = {
  save: 'Save strip as PDF',
  saveHint: (review: boolean) =>
    review
      ? 'Saves 20 s centred on the review paper shown as a PDF strip (25 mm/s, 10 mm/mV).'
      : 'Saves the last 20 s the central server holds as a PDF strip (25 mm/s, 10 mm/mV).',
  making: 'Making the strip…',
  saved: (name: string) => `Saved ${name}.`,
  unreachable:
    'The central server could not be reached, so no strip was saved. Check the connection and try again.',
  refused: (status: number) => `The central server did not make the strip (${status}). Try again.`,
};

/** The middle of the review paper drawn (its container carries the window it shows), UTC ms. */
function reviewCentreMs(): number | undefined {
  const paper = document.querySelector<HTMLElement>('[data-testid="review-paper"]');
  const from = Number(paper?.dataset.windowFrom);
  const to = Number(paper?.dataset.windowTo);
  return Number.isFinite(from) && Number.isFinite(to) && to > from ? (from + to) / 2 : undefined;
}

/** The file name the server gave (Content-Disposition), else one naming the bed. */
function fileNameOf(disposition: string | null, bedLabel: string): string {
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '');
  if (utf8) {
    try {
      return decodeURIComponent(utf8[1]!);
    } catch {
      // A malformed name: the plain one below.
    }
  }
  const plain = /filename="([^"]+)"/i.exec(disposition ?? '');
  return plain?.[1] ?? `strip ${bedLabel}.pdf`;
}

/** Why it failed, in the server's words when it gave them. */
async function refusalOf(response: Response): Promise<string> {
  try {
    const body = ViewerRefusal.safeParse(await response.json());
    if (body.success) return body.data.message;
  } catch {
    // Not JSON: said by its status.
  }
  return stripStrings.refused(response.status);
}

export function StripButton({
  bedId,
  bedLabel,
  review,
}: {
  bedId: string;
  bedLabel: string;
  /** In review: the strip is of the paper shown, not the newest signal. */
  review: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<{ kind: 'saved' | 'problem'; text: string } | null>(null);

  const save = async () => {
    setBusy(true);
    setSaid(null);
    try {
      const centreMs = review ? reviewCentreMs() : undefined;
      const query = stripQueryString({
        bedId,
        ...(centreMs === undefined ? {} : { endMs: centreMs + 10_000 }),
        tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
      });
      let response: Response;
      try {
        response = await fetch(`${VIEWER_STRIP_PATH}?${query}`, {
          credentials: 'same-origin',
          cache: 'no-store',
        });
      } catch {
        return setSaid({ kind: 'problem', text: stripStrings.unreachable });
      }
      if (!response.ok || response.headers.get('content-type') !== 'application/pdf') {
        return setSaid({ kind: 'problem', text: await refusalOf(response) });
      }
      const name = fileNameOf(response.headers.get('content-disposition'), bedLabel);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setSaid({ kind: 'saved', text: stripStrings.saved(name) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="telehealth__strip">
      <button
        type="button"
        className="button telehealth__print"
        title={stripStrings.saveHint(review)}
        onClick={() => void save()}
        disabled={busy}
        aria-busy={busy}
        data-testid="save-strip"
      >
        {busy ? stripStrings.making : stripStrings.save}
      </button>
      {said && (
        <span
          className={said.kind === 'problem' ? 'telehealth__problem' : 'bedside__muted'}
          role={said.kind === 'problem' ? 'alert' : 'status'}
          data-testid="strip-said"
        >
          {said.text}
        </span>
      )}
    </span>
  );
}
