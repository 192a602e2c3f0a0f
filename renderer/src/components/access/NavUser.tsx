// In the bar across the top, for a signed-in user: who (name and role), Lock, and Sign out.
import { useState } from 'react';
import { reasonOf } from '../../api/reason';
import { strings } from '../../strings';
import { useAccess } from './access-context';

export function NavUser() {
  const s = strings.access;
  const { access, client, applyAccess } = useAccess();
  const [problem, setProblem] = useState<string | null>(null);
  if (!access || access.principal !== 'user' || !access.user) return null;
  const act = (method: 'lockScreen' | 'signOut') => {
    setProblem(null);
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
      {problem && (
        <span className="nav__problem" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
