// Signing in at this screen, or unlocking it: the PIN when the screen is locked for a user who has
// one, else the user name and password. Shown in the access bar, never over the monitoring.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ScreenAccess } from '../../../../shared/api/contract-access';
import { reasonOf } from '../../api/reason';
import { strings } from '../../strings';
import { useAccess } from './access-context';
import { Field } from './Field';

interface SignInFormProps {
  access: ScreenAccess;
  /** Why it is asked (an action waits), or null when the person chose to sign in. */
  reason: string | null;
  onSignedIn(): void;
  onCancel(): void;
}

export function SignInForm({ access, reason, onSignedIn, onCancel }: SignInFormProps) {
  const s = strings.access;
  const { client, applyAccess } = useAccess();
  const titleId = useId();
  const lockedUser = access.locked ? access.user : null;
  const [mode, setMode] = useState<'pin' | 'password'>(lockedUser?.hasPin ? 'pin' : 'password');
  const [username, setUsername] = useState(lockedUser?.username ?? '');
  const [password, setPassword] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  // Focus goes to what is to be typed: the PIN, the password of the locked user, or the name.
  useEffect(() => {
    (mode === 'password' && username !== '' ? passwordField : first).current?.focus();
    // Only when the form opens or its mode changes, not on every key.
  }, [mode]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const asked =
      mode === 'pin'
        ? client.request('unlockWithPin', { pin })
        : client.request('signIn', { username, password });
    asked.then(
      (next) => {
        setBusy(false);
        applyAccess(next);
        onSignedIn();
      },
      (error: unknown) => {
        setBusy(false);
        setPin('');
        setPassword('');
        setProblem(reasonOf(error));
      },
    );
  };

  const title = lockedUser ? s.unlockTitle(lockedUser.displayName) : s.signInTitle;
  return (
    <form
      className="access-form access-form--inline"
      role="dialog"
      aria-labelledby={titleId}
      data-testid="sign-in-form"
      data-mode={mode}
      onSubmit={submit}
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}
    >
      <h2 id={titleId} className="access-form__title">
        {title}
      </h2>
      {reason && (
        <p className="access-form__hint" data-testid="sign-in-reason">
          {reason}
        </p>
      )}
      <div className="access-form__fields">
        {mode === 'pin' ? (
          <Field
            label={s.pin}
            type="password"
            inputMode="numeric"
            value={pin}
            onValue={setPin}
            inputRef={first}
            required
            autoComplete="off"
            data-testid="sign-in-pin"
          />
        ) : (
          <>
            <Field
              label={s.username}
              value={username}
              onValue={setUsername}
              inputRef={first}
              required
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              data-testid="sign-in-username"
            />
            <Field
              label={s.password}
              type="password"
              value={password}
              onValue={setPassword}
              inputRef={passwordField}
              required
              autoComplete="current-password"
              data-testid="sign-in-password"
            />
          </>
        )}
      </div>
      {problem && (
        <p className="access-form__problem" role="alert" data-testid="sign-in-problem">
          {problem}
        </p>
      )}
      <div className="access-form__buttons">
        <button type="submit" className="button" disabled={busy} data-testid="sign-in-submit">
          {mode === 'pin' ? (busy ? s.unlocking : s.unlock) : busy ? s.signingIn : s.signIn}
        </button>
        <button type="button" className="button" onClick={onCancel} data-testid="sign-in-cancel">
          {s.cancel}
        </button>
        {lockedUser?.hasPin && (
          <button
            type="button"
            className="access-form__switch"
            onClick={() => {
              setProblem(null);
              setMode(mode === 'pin' ? 'password' : 'pin');
            }}
          >
            {mode === 'pin' ? s.usePassword : s.usePin}
          </button>
        )}
        {lockedUser && mode === 'password' && username === lockedUser.username && (
          <button
            type="button"
            className="access-form__switch"
            onClick={() => {
              setUsername('');
              first.current?.focus();
            }}
          >
            {s.otherUser}
          </button>
        )}
      </div>
    </form>
  );
}
