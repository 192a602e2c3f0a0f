// The first start: the administrator's name, user name, password and PIN (each twice where a
// typing mistake would lock them out). Creating it signs this screen in as the administrator.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { reasonOf } from '../../api/reason';
import { strings } from '../../strings';
import { useAccess } from './access-context';
import { Field, SecretTwice } from './Field';

export function SetUpForm({ onClose }: { onClose(): void }) {
  const s = strings.access;
  const { client, applyAccess } = useAccess();
  const titleId = useId();
  const first = useRef<HTMLInputElement>(null);
  const [displayName, setDisplayName] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== password2) return setProblem(s.passwordsDiffer);
    if (pin !== pin2) return setProblem(s.pinsDiffer);
    setBusy(true);
    setProblem(null);
    client.request('createAdministrator', { displayName, username, password, pin }).then(
      (access) => {
        setBusy(false);
        applyAccess(access);
        onClose();
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(reasonOf(error));
      },
    );
  };

  return (
    <form
      className="access-form"
      role="dialog"
      aria-labelledby={titleId}
      data-testid="set-up-form"
      onSubmit={submit}
      onKeyDown={(event) => event.key === 'Escape' && onClose()}
    >
      <h2 id={titleId} className="access-form__title">
        {s.setUpTitle}
      </h2>
      <p className="access-form__hint">{s.setUpHint}</p>
      <div className="access-form__fields">
        <Field
          label={s.displayName}
          hint={s.displayNameHint}
          value={displayName}
          onValue={setDisplayName}
          inputRef={first}
          required
          autoComplete="name"
          data-testid="set-up-name"
        />
        <Field
          label={s.username}
          hint={s.usernameHint}
          value={username}
          onValue={setUsername}
          required
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          data-testid="set-up-username"
        />
        <SecretTwice
          kind="password"
          label={s.password}
          againLabel={s.passwordAgain}
          hint={s.passwordHint}
          value={password}
          again={password2}
          onValue={setPassword}
          onAgain={setPassword2}
          required
          testId="set-up-password"
          againTestId="set-up-password-again"
        />
        <SecretTwice
          kind="pin"
          label={s.pin}
          againLabel={s.pinAgain}
          hint={s.pinHint}
          value={pin}
          again={pin2}
          onValue={setPin}
          onAgain={setPin2}
          required
          testId="set-up-pin"
          againTestId="set-up-pin-again"
        />
      </div>
      {problem && (
        <p className="access-form__problem" role="alert" data-testid="set-up-problem">
          {problem}
        </p>
      )}
      <div className="access-form__buttons">
        <button type="submit" className="button" disabled={busy} data-testid="set-up-submit">
          {busy ? s.creating : s.create}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {s.cancel}
        </button>
      </div>
    </form>
  );
}
