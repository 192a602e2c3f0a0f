// Across the top of every screen, above the views and never over them: on a workstation not set
// up, a calm line saying actions are not tied to a person (and the way to set up the
// administrator); when set up and nobody is signed in, or the screen is locked, a strip saying
// "monitoring only" with Sign in / Unlock. The sign-in form opens inside this strip, so the
// waveforms, numerics and alarms below stay in sight, and alarms keep sounding. "Set my PIN"
// (opened from the user's place in the top bar) opens in a strip here too.
import { useEffect, useState } from 'react';
import { strings } from '../../strings';
import { REQUEST_PERMISSION } from '../../../../shared/security/access';
import { useAccess } from './access-context';
import { SetPinForm } from './SetPinForm';
import { SetUpForm } from './SetUpForm';
import { SignInForm } from './SignInForm';
import './access.css';

export function AccessBar() {
  const s = strings.access;
  const { access, pending, asking, setAsking, pinForm } = useAccess();

  // A refusal on a screen with no accounts (or a host that has not said) cannot be helped by
  // signing in: the action fails with its sentence.
  useEffect(() => {
    if (pending && (access === null || !access.setUp)) pending.settle(false);
  }, [pending, access]);

  if (access === null) return null;
  if (!access.setUp) return <NotSetUp />;

  const monitoringOnly = access.principal === 'unidentified' || access.locked;
  if (!monitoringOnly && pending === null) return pinForm === 'open' ? <SetPinStrip /> : null;

  const open = asking || pending !== null;
  const close = (signedIn: boolean) => {
    setAsking(false);
    pending?.settle(signedIn);
  };
  const reason = pending ? s.signInTo(REQUEST_PERMISSION[pending.refusal.method]) : null;
  return (
    <section
      className="access-bar access-bar--monitoring"
      aria-label={access.locked ? s.locked : s.nobodySignedIn}
      data-testid="access-bar"
      data-state={access.locked ? 'locked' : 'nobody'}
    >
      <div className="access-bar__line">
        <LockIcon />
        <strong className="access-bar__state" data-testid="access-state">
          {access.locked ? s.locked : s.nobodySignedIn}
        </strong>
        {access.locked && access.user && (
          <span className="access-bar__who">{s.lockedBy(access.user.displayName)}</span>
        )}
        <span className="access-bar__hint">{s.monitoringGoesOn}</span>
        {!open && (
          <button
            type="button"
            className="button"
            onClick={() => setAsking(true)}
            data-testid="access-sign-in"
          >
            {access.locked ? s.unlock : s.signIn}
          </button>
        )}
      </div>
      {open && (
        <SignInForm
          // A new refusal or a change of who is locked starts the form afresh.
          key={`${access.user?.userId ?? ''}:${access.locked}`}
          access={access}
          reason={reason}
          onSignedIn={() => close(true)}
          onCancel={() => close(false)}
        />
      )}
    </section>
  );
}

/** "Set my PIN", in a strip of its own under the top bar (closed by Cancel, Escape or saving). */
function SetPinStrip() {
  const { setPinForm } = useAccess();
  return (
    <section className="access-bar access-bar--calm" data-testid="set-pin-strip">
      <SetPinForm onDone={(saved) => setPinForm(saved ? 'saved' : 'closed')} />
    </section>
  );
}

function NotSetUp() {
  const s = strings.access;
  const [open, setOpen] = useState(false);
  return (
    <section className="access-bar access-bar--calm" data-testid="access-not-set-up">
      <div className="access-bar__line">
        <span>{s.notSetUp}</span>
        {!open && (
          <button
            type="button"
            className="access-bar__link"
            onClick={() => setOpen(true)}
            data-testid="set-up-administrator"
          >
            {s.setUpAdministrator}
          </button>
        )}
      </div>
      {open && <SetUpForm onClose={() => setOpen(false)} />}
    </section>
  );
}

/** A padlock, in the text colour (red, yellow and cyan stay for alarms). */
function LockIcon() {
  return (
    <svg
      className="state-icon"
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      fill="none"
      stroke="currentColor"
      strokeWidth={2.2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <rect x="5" y="11" width="14" height="9" rx="1.5" />
      <path d="M8 11V8a4 4 0 0 1 8 0v3" />
    </svg>
  );
}
