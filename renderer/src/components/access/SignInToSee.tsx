// In place of a view of a patient's history (trends, review) while the screen is locked or nobody
// is signed in: what signing in would show, and the way to do it. Not an error: the live view of
// the bed is one click away.
import type { ReactNode } from 'react';
import { strings } from '../../strings';
import { useAccess } from './access-context';

export function SignInToSee({ header }: { header?: ReactNode }) {
  const s = strings.access;
  const { access, setAsking } = useAccess();
  return (
    <main className="view" data-testid="sign-in-to-see">
      {header && <header className="view__header">{header}</header>}
      <div className="full-screen" role="status">
        <p>{s.signInToSee('review')}</p>
        <button type="button" className="button" onClick={() => setAsking(true)}>
          {access?.locked ? s.unlock : s.signIn}
        </button>
      </div>
    </main>
  );
}
