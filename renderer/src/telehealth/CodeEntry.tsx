// The one-time check before the patient is shown: the remote clinician's name (as the bedside will
// show it) and the code the nurse read over the phone, or, where the central server offers it,
// signing in with the hospital account (the bedside then shows the account's name). A refusal is
// shown under the form, with the tries left before the link locks.
import { useId, useState, type FormEvent } from 'react';
import { normaliseCode } from '../../../shared/telehealth/invitation';
import type { RefusalWords } from './viewer-link';
import { telehealthStrings as t } from './strings';

/** Signing in with the hospital account, when the server offers it. */
export interface AccountChoice {
  /** Why the last sign-in with the account in this browser was refused, if it was. */
  refusal: RefusalWords | null;
  /** Goes to the hospital's sign-in page; resolves with the refusal's words if it cannot. */
  onSignIn: () => Promise<RefusalWords | null>;
}

export function CodeEntry({
  onJoin,
  account = null,
}: {
  /** Resolves with the refusal's words, or null once in. */
  onJoin: (name: string, code: string) => Promise<RefusalWords | null>;
  account?: AccountChoice | null;
}) {
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<RefusalWords | null>(account?.refusal ?? null);
  const accountHintId = useId();
  const nameId = useId();
  const codeId = useId();
  const hintId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setRefusal(null);
    const refused = await onJoin(name.trim(), normaliseCode(code));
    setBusy(false);
    if (refused) setRefusal(refused);
  };

  const signIn = async () => {
    if (busy || !account) return;
    setBusy(true);
    setRefusal(null);
    const refused = await account.onSignIn();
    // Once the browser is on its way to the hospital's page, the button stays busy.
    if (refused) {
      setBusy(false);
      setRefusal(refused);
    }
  };

  return (
    <main className="telehealth-sign-in" data-testid="telehealth-sign-in">
      <form className="telehealth-sign-in__form" onSubmit={(event) => void submit(event)}>
        <h1 className="telehealth-sign-in__title">{t.signInTitle}</h1>
        <p className="telehealth-sign-in__intro">{t.signInIntro}</p>
        <label className="telehealth-field" htmlFor={nameId}>
          <span className="telehealth-field__label">{t.nameLabel}</span>
          <input
            id={nameId}
            className="telehealth-field__input"
            type="text"
            autoComplete="name"
            required
            maxLength={200}
            value={name}
            onChange={(event) => setName(event.target.value)}
            data-testid="viewer-name"
          />
        </label>
        <label className="telehealth-field" htmlFor={codeId}>
          <span className="telehealth-field__label">{t.codeLabel}</span>
          <input
            id={codeId}
            className="telehealth-field__input telehealth-field__input--code"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            maxLength={20}
            aria-describedby={hintId}
            value={code}
            onChange={(event) => setCode(event.target.value)}
            data-testid="viewer-code"
          />
          <span id={hintId} className="telehealth-field__hint">
            {t.codeHint}
          </span>
        </label>
        <button
          type="submit"
          className="button telehealth-sign-in__join"
          disabled={busy}
          data-testid="viewer-join"
        >
          {busy ? t.joining : t.join}
        </button>
        {account && (
          <div className="telehealth-sign-in__account" data-testid="viewer-account">
            <p className="telehealth-sign-in__or">{t.accountOr}</p>
            <button
              type="button"
              className="button telehealth-sign-in__join"
              disabled={busy}
              aria-describedby={accountHintId}
              onClick={() => void signIn()}
              data-testid="viewer-account-sign-in"
            >
              {t.accountSignIn}
            </button>
            <span id={accountHintId} className="telehealth-field__hint">
              {t.accountHint}
            </span>
          </div>
        )}
        {refusal && (
          <div className="telehealth-sign-in__refusal" role="alert" data-testid="viewer-refusal">
            <p data-error={refusal.error}>{refusal.message}</p>
            {refusal.attemptsLeft && <p data-testid="attempts-left">{refusal.attemptsLeft}</p>}
          </div>
        )}
      </form>
    </main>
  );
}
