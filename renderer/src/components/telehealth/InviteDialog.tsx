// The invitation of a remote clinician, in a modal dialog over the bedside: how long, who gave the
// patient's consent (a representative by name and relation), and the nurse's tick that consent was
// given; Invite stays disabled until all of that is recorded. The host's refusal (no central
// server, an empty bed, telehealth not available) is shown in the dialog as its sentence. Once
// invited, the dialog shows the link to send and the code to read over the phone, following the
// consult as the host's stream updates it (a link still being made at the server arrives there).
import { useId, useRef, useState, type FormEvent } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { RemoteConsult } from '../../../../shared/api/contract-telehealth';
import {
  END_REASON_WORDS,
  TELEHEALTH_MINUTES,
  spacedCode,
  type TelehealthMinutes,
} from '../../../../shared/telehealth/invitation';
import { reasonOf } from '../../api/reason';
import { useNow } from '../../hooks/use-now';
import { duration, telehealthStrings as s } from '../../strings/telehealth';
import {
  NO_CONSENT,
  consentMissing,
  consentRequest,
  minutesLeft,
  type ConsentForm,
} from './consults-at-bed';
import { trapKeys, useFocusReturn } from './focus-trap';

export interface InviteDialogProps {
  client: WorkstationClient;
  bedId: string;
  bedLabel: string;
  /** The patient's name as the header shows it: the nurse sees whom the link is for. */
  patientName: string;
  /** The bed's consults from the stream: the invited one is followed there. */
  consults: readonly RemoteConsult[] | null;
  onClose(): void;
}

export function InviteDialog(props: InviteDialogProps) {
  const { onClose } = props;
  const dialog = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const hintId = useId();
  const [invited, setInvited] = useState<RemoteConsult | null>(null);
  useFocusReturn(dialog);
  return (
    <div className="telehealth-backdrop">
      <div
        ref={dialog}
        className="telehealth-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={hintId}
        onKeyDown={(event) => trapKeys(event, onClose)}
        data-testid="telehealth-dialog"
      >
        {invited === null ? (
          <InviteForm {...props} titleId={titleId} hintId={hintId} onInvited={setInvited} />
        ) : (
          <Invited
            consult={props.consults?.find((c) => c.id === invited.id) ?? invited}
            titleId={titleId}
            hintId={hintId}
            onClose={onClose}
          />
        )}
      </div>
    </div>
  );
}

function InviteForm({
  client,
  bedId,
  bedLabel,
  patientName,
  titleId,
  hintId,
  onInvited,
  onClose,
}: InviteDialogProps & {
  titleId: string;
  hintId: string;
  onInvited(consult: RemoteConsult): void;
}) {
  const name = useId();
  const missingId = useId();
  const [minutes, setMinutes] = useState<TelehealthMinutes>(30);
  const [consent, setConsent] = useState<ConsentForm>(NO_CONSENT);
  const [account, setAccount] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const missing = consentMissing(consent);
  const username = account.trim().toLowerCase();
  const accountInvalid = username !== '' && (username.length < 2 || username.length > 64);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const given = consentRequest(consent);
    if (given === null || accountInvalid || busy) return;
    setBusy(true);
    setProblem(null);
    const request = {
      bedId,
      minutes,
      consent: given,
      ...(username ? { viewerUsername: username } : {}),
    };
    client.request('inviteRemoteClinician', request).then(
      (consult) => onInvited(consult),
      (error: unknown) => {
        setBusy(false);
        setProblem(reasonOf(error));
      },
    );
  };

  return (
    <form className="telehealth-dialog__form" onSubmit={submit} data-testid="telehealth-invite">
      <h2 id={titleId} className="telehealth-dialog__title">
        {s.title}
      </h2>
      <p id={hintId} className="telehealth-dialog__hint">
        {s.hint(patientName, bedLabel)}
      </p>
      <fieldset className="telehealth-dialog__choices">
        <legend>{s.howLong}</legend>
        {TELEHEALTH_MINUTES.map((choice) => (
          <label key={choice} className="telehealth-dialog__choice">
            <input
              type="radio"
              name={`${name}-minutes`}
              value={choice}
              checked={minutes === choice}
              onChange={() => setMinutes(choice)}
              data-testid={`telehealth-minutes-${choice}`}
            />
            {duration(choice)}
          </label>
        ))}
      </fieldset>
      <fieldset className="telehealth-dialog__choices">
        <legend>{s.givenBy}</legend>
        {(['patient', 'representative'] as const).map((by) => (
          <label key={by} className="telehealth-dialog__choice">
            <input
              type="radio"
              name={`${name}-given-by`}
              value={by}
              checked={consent.givenBy === by}
              onChange={() => setConsent((was) => ({ ...was, givenBy: by }))}
              data-testid={`telehealth-given-by-${by}`}
            />
            {by === 'patient' ? s.byPatient : s.byRepresentative}
          </label>
        ))}
      </fieldset>
      {consent.givenBy === 'representative' && (
        <label className="telehealth-dialog__field">
          <span>{s.representative}</span>
          <input
            type="text"
            value={consent.representative}
            maxLength={200}
            required
            aria-describedby={`${name}-representative-hint`}
            onChange={(event) =>
              setConsent((was) => ({ ...was, representative: event.target.value }))
            }
            data-testid="telehealth-representative"
          />
          <span id={`${name}-representative-hint`} className="telehealth-dialog__hint">
            {s.representativeHint}
          </span>
        </label>
      )}
      <label className="telehealth-dialog__consent">
        <input
          type="checkbox"
          checked={consent.confirmed}
          required
          onChange={(event) => setConsent((was) => ({ ...was, confirmed: event.target.checked }))}
          data-testid="telehealth-consent"
        />
        {s.consentGiven}
      </label>
      <label className="telehealth-dialog__field">
        <span>{s.account}</span>
        <input
          type="text"
          value={account}
          maxLength={64}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={accountInvalid}
          aria-describedby={`${name}-account-hint`}
          onChange={(event) => setAccount(event.target.value)}
          data-testid="telehealth-account"
        />
        <span id={`${name}-account-hint`} className="telehealth-dialog__hint">
          {accountInvalid ? s.accountInvalid : s.accountHint}
        </span>
      </label>
      {missing && (
        <p id={missingId} className="telehealth-dialog__missing" data-testid="telehealth-missing">
          {s.missing[missing]}
        </p>
      )}
      {problem && (
        <p className="telehealth-dialog__problem" role="alert" data-testid="telehealth-problem">
          {problem}
        </p>
      )}
      <div className="telehealth-dialog__buttons">
        <button
          type="submit"
          className="button"
          // Not disabled while busy: the focus stays on it, and a second press is ignored.
          disabled={missing !== null || accountInvalid}
          aria-busy={busy}
          aria-describedby={missing ? missingId : undefined}
          data-testid="telehealth-invite-submit"
        >
          {busy ? s.inviting : s.inviteAction}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {s.cancel}
        </button>
      </div>
    </form>
  );
}

function Invited({
  consult,
  titleId,
  hintId,
  onClose,
}: {
  consult: RemoteConsult;
  titleId: string;
  hintId: string;
  onClose(): void;
}) {
  const now = useNow(1000);
  const link = useRef<HTMLParagraphElement>(null);
  const [copy, setCopy] = useState<'copied' | 'refused' | null>(null);
  const { url, code } = consult;

  const copyLink = () => {
    if (url === null) return;
    const selectLink = () => {
      // Selected for the nurse to copy by hand where the clipboard is not allowed (plain http).
      const range = document.createRange();
      if (link.current) range.selectNodeContents(link.current);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      setCopy('refused');
    };
    if (!navigator.clipboard) {
      selectLink();
      return;
    }
    navigator.clipboard.writeText(url).then(() => setCopy('copied'), selectLink);
  };

  return (
    <div className="telehealth-dialog__form" data-testid="telehealth-invited">
      <h2 id={titleId} className="telehealth-dialog__title">
        {s.invitedTitle}
      </h2>
      <p id={hintId} className="telehealth-dialog__hint">
        {s.invitedHint}
      </p>
      {consult.status === 'ended' ? (
        <p className="telehealth-dialog__problem" role="alert">
          {consult.endReason ? END_REASON_WORDS[consult.endReason] : s.endedUnknown}
        </p>
      ) : url === null || code === null ? (
        <p className="telehealth-dialog__hint" role="status">
          {s.starting}
        </p>
      ) : (
        <>
          <div className="telehealth-dialog__link-row">
            <span className="telehealth-dialog__label">{s.link}</span>
            <p ref={link} className="telehealth-dialog__link" data-testid="telehealth-link">
              {url}
            </p>
            <button
              type="button"
              className="button"
              onClick={copyLink}
              data-testid="telehealth-copy"
            >
              {s.copyLink}
            </button>
            {copy && (
              <span role="status" className="telehealth-dialog__hint">
                {copy === 'copied' ? s.copied : s.copyRefused}
              </span>
            )}
          </div>
          <div className="telehealth-dialog__code-row">
            <span className="telehealth-dialog__label">{s.code}</span>
            <p className="telehealth-code" data-testid="telehealth-code">
              {spacedCode(code)}
            </p>
          </div>
          <p className="telehealth-dialog__hint" data-testid="telehealth-expires">
            {s.expires(consult.expiresAtMs, minutesLeft(consult.expiresAtMs, now), now)}
          </p>
          {consult.viewerUsername && (
            <p className="telehealth-dialog__hint" data-testid="telehealth-only-account">
              {s.onlyAccount(consult.viewerUsername)}
            </p>
          )}
        </>
      )}
      {consult.problem && (
        <p className="telehealth-dialog__problem" role="alert">
          {consult.problem}
        </p>
      )}
      <div className="telehealth-dialog__buttons">
        <button type="button" className="button" onClick={onClose} autoFocus>
          {s.done}
        </button>
      </div>
    </div>
  );
}
