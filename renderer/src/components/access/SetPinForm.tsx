// "Set my PIN", opened from the user's place in the top bar: the password (to prove it is them)
// and the new PIN twice. The host checks the password (wrong ones count towards the limit on
// wrong passwords) and keeps only the PIN's hash.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { reasonOf } from '../../api/reason';
import { strings } from '../../strings';
import { useAccess } from './access-context';
import { Field, SecretTwice } from './Field';
import { setPinProblem } from './set-pin';

interface SetPinFormProps {
  onDone(saved: boolean): void;
}

export function SetPinForm({ onDone }: SetPinFormProps) {
  const s = strings.access;
  const { client, applyAccess } = useAccess();
  const titleId = useId();
  const [password, setPassword] = useState('');
  const [pin, setPin] = useState('');
  const [pinAgain, setPinAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = setPinProblem({ password, pin, pinAgain });
    if (found) {
      setProblem(found);
      return;
    }
    setBusy(true);
    setProblem(null);
    client.request('setOwnPin', { password, pin }).then(
      (next) => {
        setBusy(false);
        applyAccess(next);
        onDone(true);
      },
      (error: unknown) => {
        setBusy(false);
        setPassword('');
        setProblem(reasonOf(error));
      },
    );
  };

  return (
    <form
      className="access-form"
      role="dialog"
      aria-labelledby={titleId}
      data-testid="set-pin-form"
      onSubmit={submit}
      onKeyDown={(event) => event.key === 'Escape' && onDone(false)}
    >
      <h2 id={titleId} className="access-form__title">
        {s.setPin.title}
      </h2>
      <p className="access-form__hint">{s.setPin.hint}</p>
      <div className="access-form__fields">
        <Field
          label={s.setPin.password}
          type="password"
          value={password}
          onValue={setPassword}
          inputRef={first}
          required
          autoComplete="current-password"
          data-testid="set-pin-password"
        />
        <SecretTwice
          kind="pin"
          label={s.setPin.pin}
          againLabel={s.setPin.pinAgain}
          hint={s.pinHint}
          value={pin}
          again={pinAgain}
          onValue={setPin}
          onAgain={setPinAgain}
          required
          testId="set-pin-pin"
          againTestId="set-pin-again"
        />
      </div>
      {problem && (
        <p className="access-form__problem" role="alert" data-testid="set-pin-problem">
          {problem}
        </p>
      )}
      <div className="access-form__buttons">
        <button type="submit" className="button" disabled={busy} data-testid="set-pin-submit">
          {busy ? s.setPin.saving : s.setPin.save}
        </button>
        <button type="button" className="button" onClick={() => onDone(false)}>
          {s.cancel}
        </button>
      </div>
    </form>
  );
}
