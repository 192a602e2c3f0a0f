// In the bar across the top, for a signed-in user: who (name and role), Set my PIN, Lock, and
// Sign out.
import { useState } from 'react';
import { reasonOf } from '../../api/reason';
import { strings } from '../../strings';
import { useAccess } from './access-context';

export function NavUser() {
  const s = strings.access;
  const { access, client, applyAccess, pinForm, setPinForm } = useAccess();
  const [problem, setProblem] = useState<string | null>(null);
  if (!access || access.principal !== 'user' || !access.user) return null;
  const act = (method: 'lockScreen' | 'signOut') => {
    setProblem(null);
    setPinForm('closed');
    client.request(method, {}).then(applyAccess, (error: unknown) => {
      setProblem(s.actionFailed(reasonOf(error)));
    });
  };
  return (
    <div className="nav__user" data-testid="nav-user">
      <span className="nav__who" data-testid="nav-user-name" data-role={access.user.role}>
        {s.signedInAs(access.user.displayName, access.user.role)}
      </span>
      {!access.locked && (
        <button
          type="button"
          className="nav__link"
          onClick={() => setPinForm(pinForm === 'open' ? 'closed' : 'open')}
          title={s.setPin.openHint}
          aria-expanded={pinForm === 'open'}
          data-testid="set-own-pin"
        >
          {s.setPin.open}
        </button>
      )}
      {!access.locked && (
        <button
          type="button"
          className="nav__link"
          onClick={() => act('lockScreen')}
          title={s.lockHint}
          data-testid="lock-screen"
        >
          {s.lock}
        </button>
      )}
      <button
        type="button"
        className="nav__link"
        onClick={() => act('signOut')}
        data-testid="sign-out"
      >
        {s.signOut}
      </button>
      {pinForm === 'saved' && (
        <span className="nav__note" role="status" data-testid="set-pin-saved">
          {s.setPin.saved}
        </span>
      )}
      {problem && (
        <span className="nav__problem" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
