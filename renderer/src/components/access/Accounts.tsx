// The accounts of this workstation, for whoever may manage them (the 'users' permission): who
// they are, their role, whether they have a PIN; add one; disable or enable one after saying
// what that does.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { AccountSummary } from '../../../../shared/api/contract-access';
import { Role } from '../../../../shared/security/access';
import { reasonOf } from '../../api/reason';
import { strings } from '../../strings';
import { Field, SecretTwice } from './Field';
import './access.css';

/** Roles that sign in at a workstation (remote clinicians come through the central server). */
const WORKSTATION_ROLES = Role.options.filter((role) => role !== 'remote-clinician');

export function Accounts({ client }: { client: WorkstationClient }) {
  const t = strings.access.accounts;
  const [accounts, setAccounts] = useState<AccountSummary[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<AccountSummary | null>(null);

  const load = useCallback(() => {
    client.request('listAccounts', {}).then(
      (list) => {
        setAccounts(list);
        setProblem(null);
      },
      (error: unknown) => setProblem(reasonOf(error)),
    );
  }, [client]);
  useEffect(load, [load]);

  const setDisabled = (account: AccountSummary) => {
    setProblem(null);
    client
      .request('setAccountDisabled', { userId: account.userId, disabled: !account.disabled })
      .then(
        () => {
          setConfirming(null);
          load();
        },
        (error: unknown) => setProblem(reasonOf(error)),
      );
  };

  // A section of its own in Settings, headed like the view's other section (the central server).
  return (
    <section className="access-accounts" aria-labelledby="accounts-title" data-testid="accounts">
      <header className="view__header">
        <h2 id="accounts-title" className="view__title">
          {t.title}
        </h2>
      </header>
      <div className="sync-settings__panel">
        <p className="sync-settings__hint">{t.hint}</p>
        {problem && (
          <p className="sync-settings__problem" role="alert" data-testid="accounts-problem">
            {problem}
          </p>
        )}
        {done && (
          <p role="status" data-testid="accounts-done">
            {done}
          </p>
        )}
        {accounts === null ? (
          !problem && (
            <p role="status" aria-busy="true">
              {t.loading}
            </p>
          )
        ) : accounts.length === 0 ? (
          <p>{t.none}</p>
        ) : (
          <table data-testid="accounts-table">
            <thead>
              <tr>
                <th scope="col">{t.columns.name}</th>
                <th scope="col">{t.columns.username}</th>
                <th scope="col">{t.columns.role}</th>
                <th scope="col">{t.columns.pin}</th>
                <th scope="col">{t.columns.state}</th>
                <th scope="col">
                  <span className="visually-hidden">{t.columns.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((account) => (
                <tr
                  key={account.userId}
                  data-testid="account-row"
                  data-username={account.username}
                  data-disabled={account.disabled}
                  data-source={account.source}
                >
                  <th scope="row">
                    {account.displayName}
                    {account.source === 'server' && (
                      <small className="sync-settings__hint" data-testid="account-source">
                        {' '}
                        ({t.fromServer})
                      </small>
                    )}
                  </th>
                  <td>{account.username}</td>
                  <td>{t.roleWords[account.role]}</td>
                  <td>{account.hasPin ? t.hasPin : t.noPin}</td>
                  <td>{account.disabled ? t.disabled : t.active}</td>
                  <td>
                    {account.source === 'server' ? (
                      t.managedOnServer
                    ) : (
                      <button
                        type="button"
                        className="button"
                        onClick={() => {
                          setDone(null);
                          setConfirming(account);
                        }}
                        data-testid="account-toggle"
                      >
                        {account.disabled ? t.enable : t.disable}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {confirming && (
          <ConfirmDisable
            account={confirming}
            onYes={() => setDisabled(confirming)}
            onCancel={() => setConfirming(null)}
          />
        )}
        <AddAccount
          client={client}
          onAdded={(account) => {
            setDone(t.added(account.displayName));
            load();
          }}
        />
      </div>
    </section>
  );
}

function ConfirmDisable({
  account,
  onYes,
  onCancel,
}: {
  account: AccountSummary;
  onYes(): void;
  onCancel(): void;
}) {
  const t = strings.access.accounts;
  const id = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  // The safe choice has the focus: Enter on a stray key press changes nothing.
  useEffect(() => cancel.current?.focus(), [account.userId]);
  return (
    <div
      className="access-form"
      role="alertdialog"
      aria-labelledby={`${id}-question`}
      data-testid="account-confirm"
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}
    >
      <p id={`${id}-question`}>
        {account.disabled
          ? t.enableConfirm(account.displayName)
          : t.disableConfirm(account.displayName)}
      </p>
      <div className="access-form__buttons">
        <button
          type="button"
          className={account.disabled ? 'button' : 'button button--danger'}
          onClick={onYes}
          data-testid="account-confirm-yes"
        >
          {account.disabled ? t.yesEnable : t.yesDisable}
        </button>
        <button type="button" className="button" onClick={onCancel} ref={cancel}>
          {strings.access.cancel}
        </button>
      </div>
    </div>
  );
}

function AddAccount({
  client,
  onAdded,
}: {
  client: WorkstationClient;
  onAdded(account: AccountSummary): void;
}) {
  const s = strings.access;
  const t = s.accounts;
  const roleId = useId();
  const [displayName, setDisplayName] = useState('');
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('nurse');
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== password2) return setProblem(s.passwordsDiffer);
    setBusy(true);
    setProblem(null);
    client
      .request('addAccount', {
        displayName,
        username,
        role,
        password,
        ...(pin.trim() ? { pin: pin.trim() } : {}),
      })
      .then(
        (account) => {
          setBusy(false);
          setDisplayName('');
          setUsername('');
          setPassword('');
          setPassword2('');
          setPin('');
          onAdded(account);
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
      onSubmit={submit}
      data-testid="add-account"
      aria-labelledby="add-account-title"
    >
      <h3 id="add-account-title" className="access-form__title">
        {t.addTitle}
      </h3>
      <div className="access-form__fields">
        <Field
          label={s.displayName}
          hint={s.displayNameHint}
          value={displayName}
          onValue={setDisplayName}
          required
          autoComplete="off"
          data-testid="add-account-name"
        />
        <Field
          label={s.username}
          hint={s.usernameHint}
          value={username}
          onValue={setUsername}
          required
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          data-testid="add-account-username"
        />
        <label htmlFor={roleId}>{t.role}</label>
        <span className="access-form__input">
          <select
            id={roleId}
            value={role}
            onChange={(event) => setRole(event.target.value as Role)}
            data-testid="add-account-role"
          >
            {WORKSTATION_ROLES.map((option) => (
              <option key={option} value={option}>
                {t.roleWords[option]}
              </option>
            ))}
          </select>
        </span>
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
          testId="add-account-password"
          againTestId="add-account-password-again"
        />
        <Field
          label={s.pin}
          hint={s.pinOptionalHint}
          type="password"
          inputMode="numeric"
          value={pin}
          onValue={setPin}
          autoComplete="off"
          data-testid="add-account-pin"
        />
      </div>
      {problem && (
        <p className="access-form__problem" role="alert" data-testid="add-account-problem">
          {problem}
        </p>
      )}
      <div className="access-form__buttons">
        <button type="submit" className="button" disabled={busy} data-testid="add-account-submit">
          {busy ? t.adding : t.add}
        </button>
      </div>
    </form>
  );
}
