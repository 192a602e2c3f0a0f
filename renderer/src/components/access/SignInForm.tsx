// Signing in at this screen, or unlocking it: the PIN when the screen is locked for a user who has
// one, else the user name and password, or the hospital account (through the central server, in
// a browser tab) where it is offered. Shown in the access bar, never over the monitoring.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ScreenAccess } from '../../../../shared/api/contract-access';
import { reasonOf } from '../../api/reason';
import { strings } from '../../strings';
import { useAccess } from './access-context';
import { Field } from './Field';

const hospitalWords = strings.access.hospital;

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
  const [hospitalOffered, setHospitalOffered] = useState(false);
  const [hospitalWait, setHospitalWait] = useState<{ url: string; untilMs: number } | null>(null);
  /** A hospital sign-in is under way (begun, or waited on): the password's button is not busy. */
  const [hospitalActive, setHospitalActive] = useState(false);
  /** The hospital sign-in this form waits on; a new one (or closing the form) ends the wait. */
  const hospitalTry = useRef(0);
  useEffect(() => {
    let open = true;
    client.request('getAccess', {}).then(
      (now) => open && setHospitalOffered(now.hospitalSignIn === true),
      () => undefined,
    );
    return () => {
      open = false;
      hospitalTry.current += 1;
    };
  }, [client]);

  // The tab is opened at the click (a browser blocks one opened later), then sent to the address.
  const signInWithHospital = () => {
    const tab = window.open('about:blank', '_blank');
    const attempt = ++hospitalTry.current;
    const current = () => attempt === hospitalTry.current;
    setBusy(true);
    setProblem(null);
    setHospitalActive(true);
    setHospitalWait(null);
    const failed = (error: unknown) => {
      if (!current()) return;
      tab?.close();
      setBusy(false);
      setHospitalWait(null);
      setHospitalActive(false);
      setProblem(reasonOf(error));
    };
    client
      .request('beginHospitalSignIn', {})
      .then(async (begun) => {
        if (!current()) return tab?.close();
        if (tab) {
          tab.opener = null;
          tab.location.href = begun.url;
        }
        setHospitalWait({ url: begun.url, untilMs: begun.expiresAtMs });
        for (;;) {
          const ended = await client.request('finishHospitalSignIn', {
            attemptId: begun.attemptId,
          });
          if (!current()) return;
          if (!ended.waiting) {
            setBusy(false);
            setHospitalWait(null);
            setHospitalActive(false);
            applyAccess(ended.access);
            onSignedIn();
            return;
          }
        }
      })
      .catch(failed);
  };
  const stopHospitalWait = () => {
    hospitalTry.current += 1;
    setBusy(false);
    setHospitalWait(null);
    setHospitalActive(false);
  };
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
      {hospitalWait && (
        <div className="access-form__hint" role="status" data-testid="hospital-sign-in-wait">
          <p>
            {hospitalWords.waiting(
              new Date(hospitalWait.untilMs).toLocaleTimeString([], {
                hour: '2-digit',
                minute: '2-digit',
              }),
            )}
          </p>
          <p>
            {hospitalWords.noTab}{' '}
            <a href={hospitalWait.url} target="_blank" rel="noopener noreferrer">
              {hospitalWait.url}
            </a>
          </p>
          <button type="button" className="access-form__switch" onClick={stopHospitalWait}>
            {hospitalWords.stop}
          </button>
        </div>
      )}
      {problem && (
        <p className="access-form__problem" role="alert" data-testid="sign-in-problem">
          {problem}
        </p>
      )}
      <div className="access-form__buttons">
        <button type="submit" className="button" disabled={busy} data-testid="sign-in-submit">
          {mode === 'pin'
            ? busy
              ? s.unlocking
              : s.unlock
            : busy && !hospitalActive
              ? s.signingIn
              : s.signIn}
        </button>
        <button type="button" className="button" onClick={onCancel} data-testid="sign-in-cancel">
          {s.cancel}
        </button>
        {hospitalOffered && mode === 'password' && !hospitalWait && (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={signInWithHospital}
            data-testid="sign-in-hospital"
          >
            {busy ? hospitalWords.beginning : hospitalWords.button}
          </button>
        )}
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
